"""The story of one training run, assembled from plans (pure: no I/O, no printing).

`build_report` picks, from a plan table over several scales and pricing kinds: the cheapest and the
fastest plan per provider, the time/cost Pareto front, and what spot and reservations change for the
cheapest on-demand plan; `summary_dict` is what `summary.json` holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from costcmp.planner import assumptions as A
from costcmp.planner.report import assumptions_line, workload_line
from costcmp.planner.solve import pareto_front

if TYPE_CHECKING:
    import pandas as pd

    from costcmp.planner.assumptions import Assumptions
    from costcmp.planner.workload import Workload

DEFAULT_SCALES = (64, 256, 1024, 4096)
KEY = ["provider", "region", "instance_type", "gpus"]


@dataclass
class Report:
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
        gpus = sorted(set(self.plans["gpu"]))
        return [workload_line(self.workload), assumptions_line(self.assumptions, gpus)]


def _best_per_provider(plans: pd.DataFrame, column: str) -> pd.DataFrame:
    fitting = plans[plans["fits"] & plans["cost_usd"].notna()]
    return (
        fitting.sort_values([column, "cost_usd" if column != "cost_usd" else "days"])
        .groupby("provider", sort=True)
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
    same = fitting.merge(base[KEY].to_frame().T.astype({"gpus": "int64"}), on=KEY)
    for _, row in same[same["pricing"] != "on_demand"].sort_values("pricing").iterrows():
        change = row["cost_usd"] / base["cost_usd"] - 1
        label = row["pricing"].replace("_", " ") + (" (estimate)" if row["estimate"] else "")
        lines.append(
            f"{label}: ${row['cost_usd']:,.0f} ({change:+.0%}), {row['days']:.1f} days"
            + (f"; {str(row['notes']).removeprefix('spot: ')}" if row["notes"] else "")
            + "."
        )
    if not (same["pricing"] == "spot").any():
        lines.append("Spot: no spot price for that offer in the data.")
    if not same["pricing"].str.startswith("reserved").any():
        hours = base["days"] * 24
        lines.append(
            "Reservations: none in the data for that offer (refresh, or estimate with --commit-discount). "
            "A reservation bills its whole term, so at a discount d it pays off only when the run lasts at "
            f"least (1 - d) of the term; this run is {hours:,.0f} h = "
            f"{hours / A.TERM_HOURS['reserved_1y']:.1%} of a year and "
            f"{hours / A.TERM_HOURS['reserved_3y']:.1%} of three."
        )
    return lines


def build_report(
    plans: pd.DataFrame, data_lines: list[str], data_ages: dict[str, tuple[str, str, int]]
) -> Report:
    return Report(
        workload=plans.attrs["workload"],
        assumptions=plans.attrs["assumptions"],
        plans=plans,
        cheapest=_best_per_provider(plans, "cost_usd"),
        fastest=_best_per_provider(plans, "days"),
        pareto=pareto_front(plans).reset_index(drop=True),
        pricing_story=pricing_story(plans),
        data_lines=data_lines,
        data_ages=data_ages,
    )


def _records(df: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    from costcmp.export import records

    return records(df.loc[:, columns])


def summary_dict(report: Report, sources: dict[str, Any]) -> dict[str, Any]:
    """What `summary.json` holds: the workload, assumptions, headline plans and the data's age."""
    import dataclasses

    columns = [
        "provider",
        "region",
        "instance_type",
        "gpu",
        "pricing",
        "gpus",
        "days",
        "gpu_hours",
        "cost_usd",
        "usd_per_million_tokens",
        "notes",
    ]
    workload = dataclasses.asdict(report.workload)
    assumptions = dataclasses.asdict(report.assumptions)
    return {
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "workload": workload,
        "training_flops": report.workload.flops,
        "model_state_bytes": report.workload.state_bytes,
        "assumptions": assumptions,
        "cheapest_per_provider": _records(report.cheapest, columns),
        "fastest_per_provider": _records(report.fastest, columns),
        "pareto_front": _records(report.pareto, columns),
        "spot_and_reservations": report.pricing_story,
        "data": {
            "age": {
                p: {"oldest": old, "newest": new, "days_old": days}
                for p, (old, new, days) in report.data_ages.items()
            },
            "sources": sources,
        },
    }
