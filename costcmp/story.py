"""The story of one training run, assembled from plans (pure: no I/O, no printing).

`build_run_story` picks, from a plan table over several scales and pricing kinds: the cheapest and the
fastest plan per provider, the time/cost Pareto front, and what spot and reservations change for the
cheapest on-demand plan (`costcmp.export.summary_dict` turns it into summary.json).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from costcmp import arguments
from costcmp.describe import (
    assumptions_line,
    band_line,
    plan_context,
    plan_notes,
    shape_line,
    spot_assumption_lines,
    workload_line,
)
from costcmp.errors import InvalidParameterError
from costcmp.planner import assumptions as A
from costcmp.planner.solve import pareto_front

if TYPE_CHECKING:
    import pandas as pd

    from costcmp.planner.assumptions import Assumptions
    from costcmp.planner.workload import Workload

DEFAULT_SCALES = (64, 256, 1024, 4096)
KEY = ["provider", "region", "instance_type", "gpus"]


@dataclass
class RunStory:
    """What `costcmp report` tells: the plans and the picks from them, plus the data's age."""

    workload: Workload
    assumptions: Assumptions
    plans: pd.DataFrame
    cheapest: pd.DataFrame
    fastest: pd.DataFrame
    pareto: pd.DataFrame
    pricing_story: list[str]
    data_lines: list[str]
    data_ages: dict[str, tuple[str, str, int]] = field(default_factory=dict)

    @property
    def headline(self) -> list[str]:
        gpus = sorted(set(self.plans["gpu"].astype("object")))
        providers = sorted(set(self.plans["provider"].astype("object")))
        shape = shape_line(self.workload)
        return [
            workload_line(self.workload),
            *([shape] if shape else []),
            assumptions_line(self.assumptions, gpus, providers, self.workload),
            band_line(),
            *spot_assumption_lines(providers),
        ]


def _best_per_provider(plans: pd.DataFrame, column: str) -> pd.DataFrame:
    fitting = plans[plans["fits"] & plans["cost_usd"].notna()]
    return (
        fitting.sort_values([column, "cost_usd" if column != "cost_usd" else "days"], kind="stable")
        .groupby("provider", sort=True, observed=True)
        .head(1)
        .reset_index(drop=True)
    )


def pricing_story(plans: pd.DataFrame) -> list[str]:
    """What spot and reservations change for the cheapest on-demand plan that fits, in sentences."""
    fitting = plans[plans["fits"] & plans["cost_usd"].notna()]
    on_demand = fitting[fitting["pricing"] == "on_demand"].sort_values("cost_usd")
    if on_demand.empty:
        return ["No on-demand plan fits the model at these scales."]
    base = on_demand.iloc[0]
    where = f"{base['gpus']:,} x {base['gpu']} on {base['provider']} {base['instance_type']} {base['region']}"
    lines = [f"Cheapest on-demand: {where}, {base['days']:.1f} days, ${base['cost_usd']:,.0f}."]
    same = fitting[
        (fitting["provider"] == base["provider"])
        & (fitting["region"] == base["region"])
        & (fitting["instance_type"] == base["instance_type"])
        & (fitting["gpus"] == base["gpus"])
    ]
    others = same[same["pricing"] != "on_demand"]
    others = others.iloc[others["pricing"].astype("object").argsort(kind="stable")]
    for (_, row), notes in zip(
        others.iterrows(),
        plan_notes(others, plans.attrs["workload"], plans.attrs["assumptions"]),
        strict=True,
    ):
        change = row["cost_usd"] / base["cost_usd"] - 1
        label = row["pricing"].replace("_", " ") + (" (estimate)" if row["estimate"] else "")
        lines.append(
            f"{label}: ${row['cost_usd']:,.0f} ({change:+.0%}), {row['days']:.1f} days"
            + (f"; {notes}" if notes else "")
            + "."
        )
    if not (same["pricing"] == "spot").any():
        lines.append("Spot: no spot price for that offer in the data.")
    if not same["pricing"].astype("object").str.startswith("reserved").any():
        hours = base["days"] * 24
        lines.append(
            "Reservations: none in the data for that offer (refresh, or estimate with --commit-discount). "
            "A reservation bills its whole term, so at a discount d it pays off only when the run lasts at "
            f"least (1 - d) of the term; this run is {hours:,.0f} h = "
            f"{hours / A.TERM_HOURS['reserved_1y']:.1%} of a year and "
            f"{hours / A.TERM_HOURS['reserved_3y']:.1%} of three."
        )
    return lines


def build_run_story(plans: pd.DataFrame, data_lines: list[str], data_ages: dict[str, tuple[str, str, int]]) -> RunStory:
    """Pick the plans worth telling from `plans` (a `costcmp.plan` result over several scales)."""
    plans, workload, assumptions = plan_context(plans)
    if plans.empty:
        raise InvalidParameterError("plans", "is empty: there is no plan to tell (widen the filters or the scales)")
    data_lines = arguments.names(data_lines, "data_lines")
    arguments.instance(data_ages, "data_ages", dict, "a dict of provider -> (oldest, newest, days old)")
    return RunStory(
        workload=workload,
        assumptions=assumptions,
        plans=plans,
        cheapest=_best_per_provider(plans, "cost_usd"),
        fastest=_best_per_provider(plans, "days"),
        pareto=pareto_front(plans).reset_index(drop=True),
        pricing_story=pricing_story(plans),
        data_lines=data_lines,
        data_ages=data_ages,
    )
