"""From a workload and the offer table to ranked plans: fixed scales, deadline and budget solvers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from costcmp.errors import CostcmpError
from costcmp.planner import assumptions as A
from costcmp.planner.core import evaluate

if TYPE_CHECKING:
    import pandas as pd

    from costcmp.planner.assumptions import Assumptions
    from costcmp.planner.workload import Workload

PLAN_COLUMNS: tuple[str, ...] = (
    "provider",
    "region",
    "instance_type",
    "gpu",
    "pricing",
    "instances",
    "gpus",
    "efficiency",
    "network_derate",
    "days",
    "gpu_hours",
    "cost_usd",
    "commitment_usd",
    "usd_per_million_tokens",
    "fits",
    "min_gpus_to_fit",
    "notes",
)
#: Written after PLAN_COLUMNS: the rate used, the cluster's hourly bill, spot interruptions, layout, data.
EXTRA_COLUMNS: tuple[str, ...] = (
    "usd_per_hour",
    "effective_usd_per_hour",
    "interruptions",
    "pipeline_stages",
    "network_gbps",
    "estimate",
    "as_of",
    "source",
)
_OFFER_FIELDS = (
    "provider",
    "region",
    "instance_type",
    "gpu",
    "gpu_count",
    "gpu_memory_gb",
    "network_gbps",
    "pricing",
    "usd_per_hour",
    "as_of",
    "source",
)


class PlanInfeasibleError(CostcmpError):
    """No offer can satisfy the request; the message names the nearest thing that works."""


def priced_offers(offers: pd.DataFrame, assumptions: Assumptions) -> pd.DataFrame:
    """GPU offers to plan on, plus reserved rows estimated from on-demand where `commit_discounts` asks
    and the data has no real rate of that kind (marked `estimate`)."""
    from costcmp.offers import with_reserved_estimates

    gpu_offers = offers.loc[offers["gpu_count"] > 0, [*_OFFER_FIELDS, "usd_per_gpu_hour", "detail"]]
    table = with_reserved_estimates(gpu_offers, assumptions.commit_discounts)
    return table.loc[:, [*_OFFER_FIELDS, "estimate"]].reset_index(drop=True)


def expand(offers: pd.DataFrame, gpu_counts: Sequence[int] | np.ndarray) -> pd.DataFrame:
    """The grid: every offer row with every GPU count (column `gpus`)."""
    counts = np.asarray(gpu_counts, dtype="int64")
    grid = offers.iloc[np.repeat(np.arange(len(offers)), len(counts))].reset_index(drop=True)
    grid["gpus"] = np.tile(counts, len(offers))
    return grid


def _candidate_instances(max_instances: int) -> np.ndarray:
    """Instance counts to try: every count up to 32, then steps of 5% (refined by bisection later)."""
    small = np.arange(1, min(32, max_instances) + 1)
    if max_instances <= 32:
        return small
    steps = int(np.ceil(np.log(max_instances / 32) / np.log(1.05)))
    large = np.unique(np.round(32 * 1.05 ** np.arange(1, steps + 1)).astype("int64"))
    return np.unique(np.concatenate([small, large[large <= max_instances], [max_instances]]))


def _evaluate_instances(
    offers: pd.DataFrame, instances: np.ndarray, workload: Workload, assumptions: Assumptions
) -> pd.DataFrame:
    grid = offers.reset_index(drop=True).copy()
    grid["gpus"] = instances.astype("int64") * grid["gpu_count"].to_numpy()
    return evaluate(grid, workload, assumptions)


def _search(offers: pd.DataFrame, workload: Workload, assumptions: Assumptions, ok: Any, score: Any | None):
    """Per offer row: scan candidate instance counts, then refine by bisection.

    `ok(result) -> bool array` says which evaluated rows satisfy the constraint. With `score` None the
    smallest satisfying count wins (deadline); otherwise the satisfying count with the lowest score
    (budget: hours), refined towards larger counts while the constraint holds.
    Returns (the chosen rows, evaluated; every scanned candidate, for error messages).
    """
    max_inst = np.maximum(1, assumptions.max_gpus // offers["gpu_count"].to_numpy())
    candidates = _candidate_instances(int(max_inst.max()))
    grid = expand(offers.reset_index(drop=True).assign(_row=np.arange(len(offers))), candidates)
    grid = grid.rename(columns={"gpus": "_inst"})
    grid = grid[grid["_inst"].to_numpy() <= max_inst[grid["_row"].to_numpy()]].reset_index(drop=True)
    grid["gpus"] = grid["_inst"] * grid["gpu_count"]
    result = evaluate(grid.drop(columns=["_inst"]), workload, assumptions)
    result["_inst"] = grid["_inst"].to_numpy()
    good = ok(result)
    result["_ok"] = good
    n = len(offers)
    chosen = np.full(n, -1, dtype="int64")
    if score is None:
        first = result[good].groupby("_row")["_inst"].min()
        chosen[first.index.to_numpy()] = first.to_numpy()
    else:
        feasible = result[good].assign(_score=score(result[good]))
        best = feasible.sort_values(["_row", "_score", "_inst"]).drop_duplicates("_row")
        chosen[best["_row"].to_numpy()] = best["_inst"].to_numpy()
    # Bracket each choice by the neighbouring candidate and bisect on whole instances.
    rows = np.flatnonzero(chosen > 0)
    if len(rows):
        idx = np.searchsorted(candidates, chosen[rows])
        if score is None:  # smallest satisfying count lies in (previous candidate, chosen]
            lo = np.where(idx > 0, candidates[np.maximum(idx - 1, 0)], 0)
            hi = chosen[rows].copy()
        else:  # largest satisfying count lies in [chosen, next candidate)
            lo = chosen[rows].copy()
            hi = np.where(
                idx + 1 < len(candidates), candidates[np.minimum(idx + 1, len(candidates) - 1)], lo + 1
            )
            hi = np.minimum(hi, max_inst[rows] + 1)
        subset = offers.reset_index(drop=True).iloc[rows]
        base_hours = None
        if score is not None:
            base_hours = _evaluate_instances(subset, lo, workload, assumptions)["hours"].to_numpy()
        while np.any(hi - lo > 1):
            mid = np.where(hi - lo > 1, (lo + hi) // 2, hi)
            evaluated = _evaluate_instances(subset, mid, workload, assumptions)
            passed = ok(evaluated)
            if score is None:
                hi = np.where(passed & (hi - lo > 1), mid, hi)
                lo = np.where(~passed & (hi - lo > 1), mid, lo)
            else:
                better = passed & (evaluated["hours"].to_numpy() <= base_hours)
                lo = np.where(better & (hi - lo > 1), mid, lo)
                hi = np.where(~better & (hi - lo > 1), mid, hi)
        chosen[rows] = hi if score is None else lo
    picked = np.flatnonzero(chosen > 0)
    final = _evaluate_instances(
        offers.reset_index(drop=True).iloc[picked], chosen[picked], workload, assumptions
    )
    return final, result


def solve_deadline(
    offers: pd.DataFrame, workload: Workload, assumptions: Assumptions, deadline_hours: float
) -> pd.DataFrame:
    """Per offer, the fewest whole instances that fit the model and finish within the deadline."""

    def ok(r: pd.DataFrame) -> np.ndarray:
        return r["fits"].to_numpy() & (r["hours"].to_numpy() <= deadline_hours)

    final, scanned = _search(offers, workload, assumptions, ok, None)
    if final.empty:
        fastest = scanned[scanned["fits"]].sort_values("hours").head(1)
        if fastest.empty:
            raise PlanInfeasibleError(
                f"no offer can hold the model within --max-gpus {assumptions.max_gpus:,}"
            )
        r = fastest.iloc[0]
        raise PlanInfeasibleError(
            f"no offer finishes within {deadline_hours / 24:.3g} days; the fastest is {r['days']:.3g} days "
            f"on {int(r['gpus']):,} x {r['gpu']} ({r['provider']} {r['instance_type']} {r['region']}, "
            f"{r['pricing']})"
        )
    return final


def solve_budget(
    offers: pd.DataFrame, workload: Workload, assumptions: Assumptions, budget_usd: float
) -> pd.DataFrame:
    """Per offer, the fastest configuration (whole instances) whose cost stays within the budget."""

    def ok(r: pd.DataFrame) -> np.ndarray:
        return r["fits"].to_numpy() & (r["cost_usd"].to_numpy() <= budget_usd)

    final, scanned = _search(offers, workload, assumptions, ok, lambda r: r["hours"].to_numpy())
    if final.empty:
        cheapest = scanned[scanned["fits"] & scanned["cost_usd"].notna()].sort_values("cost_usd").head(1)
        if cheapest.empty:
            raise PlanInfeasibleError(
                f"no offer can hold the model within --max-gpus {assumptions.max_gpus:,}"
            )
        r = cheapest.iloc[0]
        raise PlanInfeasibleError(
            f"a budget of ${budget_usd:,.0f} buys no complete run; the cheapest is ${r['cost_usd']:,.0f} "
            f"({int(r['gpus']):,} x {r['gpu']} on {r['provider']} {r['instance_type']} {r['region']}, "
            f"{r['pricing']}, {r['days']:.3g} days)"
        )
    return final


def pareto_front(plans: pd.DataFrame) -> pd.DataFrame:
    """Rows not beaten on both cost and time by another row (among plans that fit)."""
    fitting = plans[plans["fits"] & plans["cost_usd"].notna() & plans["days"].notna()]
    ordered = fitting.sort_values(["cost_usd", "days"], kind="stable")
    best_days = np.minimum.accumulate(ordered["days"].to_numpy())
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered["days"].to_numpy()[1:] < best_days[:-1]
    return ordered[keep]


def _notes(row: Any, workload: Workload, assumptions: Assumptions) -> str:
    notes: list[str] = []
    if row.estimate:
        discount = assumptions.commit_discounts.get(row.pricing, 0.0)
        notes.append(f"estimate: on-demand -{discount:.0%}")
    if not row.fits:
        notes.append(f"needs >= {int(row.min_gpus_to_fit):,} GPUs for model states")
    idle = int(row.instances) * int(row.gpu_count) - int(row.gpus)
    if idle > 0:
        notes.append(f"pays for {idle} idle GPU{'s' if idle > 1 else ''}")
    if row.network_derate != row.network_derate:
        notes.append("network speed unknown: multi-instance time not estimated")
    elif row.network_derate < 0.95:
        notes.append(
            f"network-bound: {row.network_derate:.0%} speed at {row.network_gbps:,.0f} Gbps/instance"
        )
    if row.pricing == "spot" and row.interruptions > 0:
        extra = row.spot_factor - 1
        if row.interruptions < 1:
            notes.append(f"spot: <1 interruption expected, +{extra:.0%} time for checkpoints")
        else:
            risky = "risky: " if extra > 0.25 else ""
            every = row.hours / row.interruptions
            count = round(row.interruptions)
            noun = "interruption" if count == 1 else "interruptions"
            notes.append(f"{risky}~{count:,} {noun} (1 per {every:,.1f} h), +{extra:.0%} time")
    term = A.TERM_HOURS.get(row.pricing)
    if term and row.hours < term:
        notes.append(f"bills the whole {row.pricing[-2:]} term ({row.hours / term:.0%} used)")
    if assumptions.precision == "fp8" and row.peak_tflops == _half(row.gpu):
        notes.append(f"no FP8 on {row.gpu}: 16-bit peak")
    if workload.params is None:
        notes.append("no --params: memory and network not modelled")
    return "; ".join(notes)


def _half(gpu: str) -> float:
    from costcmp.hardware import SPECS

    return SPECS[gpu].half_precision_tflops


def finish(
    results: pd.DataFrame,
    workload: Workload,
    assumptions: Assumptions,
    *,
    pareto: bool,
    by_time: bool = False,
) -> pd.DataFrame:
    """Notes, ordering (plans that fit first, then by cost, or by time for budget solves), output columns."""
    if pareto:
        results = pareto_front(results)
    out = results.copy()
    out["usd_per_hour"] = out["usd_per_hour"] * (1 - assumptions.discount)
    out["notes"] = [_notes(row, workload, assumptions) for row in out.itertuples(index=False)]
    order = ["fits", "days", "cost_usd"] if by_time else ["fits", "cost_usd", "days"]
    out = out.sort_values(order, ascending=[False, True, True], na_position="last", kind="stable")
    for column in ("efficiency", "network_derate"):
        out[column] = out[column].round(6)
    out["gpus"] = out["gpus"].astype("int64")
    out["min_gpus_to_fit"] = out["min_gpus_to_fit"].astype("int64")
    return out.loc[:, list(PLAN_COLUMNS + EXTRA_COLUMNS)].reset_index(drop=True)


def plan_offers(
    offers: pd.DataFrame,
    workload: Workload,
    assumptions: Assumptions,
    *,
    gpu_counts: Iterable[int] | None = None,
    deadline_hours: float | None = None,
    budget_usd: float | None = None,
    pareto: bool = False,
    pricing_kinds: Sequence[str] = (),
) -> pd.DataFrame:
    """Plans for every offer in `offers` (already filtered): one row per offer x GPU count x pricing kind.

    `pricing_kinds` (empty: all) is applied after reserved estimates are derived from on-demand rows.
    """
    if deadline_hours is not None and budget_usd is not None:
        raise CostcmpError("give --deadline or --budget, not both")
    candidates = priced_offers(offers, assumptions)
    if pricing_kinds:
        candidates = candidates[candidates["pricing"].isin(list(pricing_kinds))].reset_index(drop=True)
    if candidates.empty:
        hint = (
            " (the data has no reserved rates: add --commit-discount 1y=..%,3y=..% to estimate them)"
            if any(k.startswith("reserved") for k in pricing_kinds)
            else ""
        )
        raise CostcmpError(f"no GPU offers match these filters{hint}")
    if deadline_hours is not None:
        results = solve_deadline(candidates, workload, assumptions, deadline_hours)
    elif budget_usd is not None:
        results = solve_budget(candidates, workload, assumptions, budget_usd)
    else:
        counts = sorted(set(gpu_counts or []))
        if not counts:
            raise CostcmpError(
                "say how many GPUs (--gpus 1024, or several: --gpus 256,1024), "
                "or give a --deadline or a --budget to solve for"
            )
        if counts[0] < 1 or counts[-1] > assumptions.max_gpus:
            raise CostcmpError(f"--gpus must be between 1 and {assumptions.max_gpus:,} (got {counts})")
        results = evaluate(expand(candidates, counts), workload, assumptions)
    return finish(results, workload, assumptions, pareto=pareto, by_time=budget_usd is not None)
