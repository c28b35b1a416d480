"""Plain-text summaries of a plan: what was assumed, so a reader can check the numbers (no rich here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from costcmp.planner import assumptions as A
from costcmp.planner.workload import short_number

if TYPE_CHECKING:
    import pandas as pd

    from costcmp.planner.assumptions import Assumptions
    from costcmp.planner.workload import Workload


def workload_line(workload: Workload) -> str:
    if workload.params is None:
        return f"{workload.label}: {workload.flops:.3g} FLOPs (no --params: memory and network not modelled)."
    moe = (
        f" ({short_number(workload.active_params)} active per token)"
        if workload.active_params and workload.active_params != workload.params
        else ""
    )
    tokens = f" x {short_number(workload.tokens)} tokens" if workload.tokens else ""
    formula = "6·N·D" + (" + attention 12·L·d·S" if workload.attention_flops else "")
    states = A.BYTES_PER_PARAM_STATES * workload.params
    return (
        f"{workload.label}: {short_number(workload.params)} parameters{moe}{tokens} = {workload.flops:.3g} "
        f"training FLOPs ({formula}); model states {states / 1e12:.3g} TB at 16 bytes/parameter."
    )


def assumptions_line(assumptions: Assumptions, gpus: list[str]) -> str:
    if assumptions.mfu is not None:
        mfu = f"MFU {assumptions.mfu:.0%} (--mfu)"
    else:
        mfu = "MFU " + ", ".join(sorted({f"{A.GENERATION[g]} {A.default_mfu(g):.0%}" for g in gpus}))
    spot_rate = (
        f"{assumptions.interruptions_per_hour:.2g}"
        if assumptions.interruptions_per_hour is not None
        else f"{A.INTERRUPTIONS_PER_INSTANCE_HOUR['aws']:.2g}"
    )
    parts = [
        f"Assumptions: {mfu} x goodput {assumptions.goodput:.0%}",
        f"{assumptions.precision.upper()} peak",
        f"global batch {short_number(assumptions.global_batch_tokens)} tokens",
        f"spot {spot_rate} interruptions/instance-hour, checkpoint {assumptions.checkpoint_minutes:g} min, "
        f"restart {assumptions.restart_minutes:g} min",
    ]
    if assumptions.discount:
        parts.append(f"negotiated discount {assumptions.discount:.0%} on every rate")
    if assumptions.commit_discounts:
        terms = ", ".join(f"{k[-2:]} -{v:.0%}" for k, v in sorted(assumptions.commit_discounts.items()))
        parts.append(f"reserved estimated from on-demand where no rate is published ({terms})")
    return "; ".join(parts) + "."


def summary_lines(plans: pd.DataFrame) -> list[str]:
    """The paragraph above the plan table: workload, mode, assumptions."""
    workload: Workload = plans.attrs["workload"]
    assumptions: Assumptions = plans.attrs["assumptions"]
    lines = [workload_line(workload)]
    if plans.attrs.get("deadline_hours"):
        lines.append(
            f"Solving for the fewest GPUs that finish within {plans.attrs['deadline_hours'] / 24:.3g} days "
            f"({len(plans)} offers can)."
        )
    elif plans.attrs.get("budget_usd"):
        lines.append(
            f"Solving for the fastest run within ${plans.attrs['budget_usd']:,.0f} ({len(plans)} offers can)."
        )
    lines.append(assumptions_line(assumptions, sorted(set(plans["gpu"]))))
    return lines
