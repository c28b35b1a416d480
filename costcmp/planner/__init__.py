"""The training-run planner: pure functions from a workload and the offer table to time and cost.

`plan()` is the one-call entry point; the pieces (workload, assumptions, core maths, solvers,
validation) are importable on their own. Results are numbers and flags; `costcmp.describe` words them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from costcmp import arguments
from costcmp.errors import PlanInfeasibleError
from costcmp.planner.assumptions import Assumptions, parse_commit_discounts
from costcmp.planner.solve import PLAN_COLUMNS, plan_offers
from costcmp.planner.workload import PRESETS, Workload, build_workload
from costcmp.units import parse_counts, parse_duration_hours, parse_quantity

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PLAN_COLUMNS",
    "PRESETS",
    "Assumptions",
    "PlanInfeasibleError",
    "Workload",
    "build_workload",
    "parse_commit_discounts",
    "plan",
]


def plan(
    *,
    model: str | None = None,
    params: str | float | None = None,
    active_params: str | float | None = None,
    teacher_params: str | float | None = None,
    tokens: str | float | None = None,
    flops: str | float | None = None,
    chinchilla: bool = False,
    seq_len: int | None = None,
    layers: int | None = None,
    hidden: int | None = None,
    gpu: str | Iterable[str] | None = None,
    gpus: int | str | Iterable[int | str] | None = None,
    deadline: str | float | None = None,
    budget: str | float | None = None,
    provider: str | Iterable[str] | None = None,
    region: str | Iterable[str] | None = None,
    pricing: str | Iterable[str] | None = None,
    pareto: bool = False,
    assumptions: Assumptions | None = None,
    offers: pd.DataFrame | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """Time, GPU-hours and cost of a training run on every matching offer (a DataFrame, cheapest first).

    Example: ``costcmp.plan(model="llama2-70b", gpu="H100", gpus=1024)``. A mixture-of-experts model gives
    `active_params` (FLOPs) beside `params` (memory); a distilled one `teacher_params` (2·N forward
    FLOPs per token). Every row carries a 10th-90th percentile band (`gpu_hours_low/high`,
    `days_low/high`, `cost_usd_low/high`) from how published runs scatter around the
    prediction. `gpus` is a count or several
    ("256,1024" or a list). `deadline` is a duration: "30d", "36h", "2w", or a number of **days**
    (the same whether given as 30 or "30"). `budget` is USD ("2M" or a number). `offers` defaults to
    the freshest price snapshot. Every row carries typed facts (`fits`, `idle_gpus`, `interruptions`,
    `spot_overhead`, `term_used`, `estimate`, `fp8_fallback`, `network_derate`); the workload and the
    assumptions are in ``result.attrs``; `costcmp.plan_notes(result)` words the facts.
    """
    from costcmp.offers import resolve_pricing, select_offers
    from costcmp.schema import offer_table

    workload = build_workload(
        model=model,
        params=params,
        active_params=active_params,
        teacher_params=teacher_params,
        tokens=tokens,
        flops=flops,
        chinchilla=chinchilla,
        seq_len=seq_len,
        layers=layers,
        hidden=hidden,
    )
    used = (
        Assumptions()
        if assumptions is None
        else arguments.instance(assumptions, "assumptions", Assumptions, "a costcmp.Assumptions")
    )
    counts = parse_counts(gpus, "gpus")
    deadline_hours = None if deadline is None else parse_duration_hours(deadline, "deadline")
    budget_usd = None if budget is None else parse_quantity(budget, "budget")
    if offers is None:
        from costcmp.cache import load_snapshot

        offers = load_snapshot(cache_dir).offers
    else:
        offers = offer_table(offers, "offers")
    # Pricing kinds are applied after reserved estimates are derived from on-demand rows.
    chosen = select_offers(offers, gpu=gpu, provider=provider, region=region)
    kinds = resolve_pricing(pricing)
    result = plan_offers(
        chosen,
        workload,
        used,
        gpu_counts=counts,
        deadline_hours=deadline_hours,
        budget_usd=budget_usd,
        pareto=arguments.boolean(pareto, "pareto"),
        pricing_kinds=kinds,
    )
    result.attrs.update(
        workload=workload,
        assumptions=used,
        deadline_hours=deadline_hours,
        budget_usd=budget_usd,
        offers_considered=len(chosen),
    )
    return result
