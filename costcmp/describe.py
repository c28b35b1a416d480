"""Words for people: the sentences above a plan and the notes beside its rows (no rich, no I/O).

The planner returns numbers and flags; these functions word them only for the rows a person sees or
exports, so planning a million rows never builds a million sentences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from costcmp import arguments
from costcmp.errors import InvalidParameterError
from costcmp.planner import assumptions as A
from costcmp.providers import REGISTRY
from costcmp.units import short_number

if TYPE_CHECKING:
    import pandas as pd

    from costcmp.planner.assumptions import Assumptions
    from costcmp.planner.workload import Workload


def workload_line(workload: Workload) -> str:
    """What is trained: parameters, tokens, FLOPs and how they were counted, and the model states."""
    if workload.params is None:
        return f"{workload.label}: {workload.flops:.3g} FLOPs (no parameter count: memory and network not modelled)."
    moe = (
        f" ({short_number(workload.active_params)} active per token)"
        if workload.active_params and workload.active_params != workload.params
        else ""
    )
    tokens = f" x {short_number(workload.tokens)} tokens" if workload.tokens else ""
    formula = ("6·N_active·D" if workload.is_moe else "6·N·D") + (
        " + attention 12·L·d·S" if workload.attention_flops else ""
    )
    if workload.flops_given:
        formula = "as given; tokens = FLOPs / 6N"
    if workload.teacher_flops:
        formula += f" + teacher 2·{short_number(workload.teacher_params or 0)}·D"
    states = workload.state_bytes or 0.0
    return (
        f"{workload.label}: {short_number(workload.params)} parameters{moe}{tokens} = {workload.flops:.3g} "
        f"training FLOPs ({formula}); model states {states / 1e12:.3g} TB at 16 bytes/parameter."
    )


def shape_line(workload: Workload) -> str | None:
    """The model's shape and where it came from (it sets the attention FLOPs and the efficiency curve)."""
    if not (workload.layers and workload.hidden):
        return None
    how = {"preset": "", "given": "", "rule": " (from the size rule d = (128·N/12)^(1/3))"}[workload.shape_source]
    seq = ""
    if workload.seq_len:
        seq = f", sequence {workload.seq_len:,}" + (" (assumed)" if workload.seq_len_assumed else "")
    return f"Shape: {workload.layers} layers x d={workload.hidden:,}{how}{seq}."


def assumptions_line(
    assumptions: Assumptions, gpus: list[str], providers: list[str], workload: Workload | None = None
) -> str:
    """Every assumption a plan rests on, in one paragraph."""
    if assumptions.mfu is not None:
        mfu = f"MFU {assumptions.mfu:.0%} (given)"
    else:
        moe = A.MOE_EFFICIENCY if workload is not None and workload.is_moe else 1.0
        hidden = workload.hidden if workload is not None else None
        width = f" at d={hidden:,}" if hidden else ""
        mfu = (
            f"MFU{width} "
            + ", ".join(sorted({f"{A.GENERATION[g]} {A.default_mfu(g, hidden) * moe:.0%}" for g in gpus}))
            + (f" (x{A.MOE_EFFICIENCY:g} mixture-of-experts)" if moe != 1.0 else "")
        )
    if assumptions.interruptions_per_hour is not None:
        spot_rate = f"{assumptions.interruptions_per_hour:.2g} (given)"
    else:
        rates = sorted({f"{REGISTRY[p].spot_interruptions_per_instance_hour:.2g}" for p in providers if p in REGISTRY})
        spot_rate = "/".join(rates) or "-"
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


def spot_assumption_lines(providers: list[str]) -> list[str]:
    """Where each provider's spot-interruption default comes from (an assumption where unsourced)."""
    return [f"Spot {p}: {REGISTRY[p].spot_interruptions_source}." for p in providers if p in REGISTRY]


def summary_lines(plans: pd.DataFrame) -> list[str]:
    """The paragraph above the plan table: workload, mode, assumptions."""
    workload: Workload = plans.attrs["workload"]
    assumptions: Assumptions = plans.attrs["assumptions"]
    lines = [workload_line(workload)]
    shape = shape_line(workload)
    if shape:
        lines.append(shape)
    if plans.attrs.get("deadline_hours"):
        lines.append(
            f"Solving for the fewest GPUs that finish within {plans.attrs['deadline_hours'] / 24:.3g} days "
            f"({len(plans)} offers can)."
        )
    elif plans.attrs.get("budget_usd"):
        lines.append(f"Solving for the fastest run within ${plans.attrs['budget_usd']:,.0f} ({len(plans)} offers can).")
    providers = sorted(set(plans["provider"].astype("object")))
    lines.append(assumptions_line(assumptions, sorted(set(plans["gpu"].astype("object"))), providers, workload))
    lines.append(band_line())
    return lines


def band_line() -> str:
    """What the ranges mean."""
    low, high = A.ERROR_BAND
    return (
        f"Ranges: published runs took {low:.2f}-{high:.2f}x the GPU-hours predicted for them (10th-90th "
        "percentile; `costcmp validate`); days and cost scale the same."
    )


def _row_notes(row: Any, workload: Workload, assumptions: Assumptions) -> str:
    notes: list[str] = []
    if row.estimate:
        discount = assumptions.commit_discounts.get(str(row.pricing), 0.0)
        notes.append(f"estimate: on-demand -{discount:.0%}")
    if not row.fits:
        notes.append(f"needs >= {int(row.min_gpus_to_fit):,} GPUs for model states")
    if row.idle_gpus > 0:
        notes.append(f"pays for {row.idle_gpus} idle GPU{'s' if row.idle_gpus > 1 else ''}")
    if row.network_derate != row.network_derate:
        notes.append("network speed unknown: multi-instance time not estimated")
    elif row.network_derate < 0.95:
        notes.append(f"network-bound: {row.network_derate:.0%} speed at {row.network_gbps:,.0f} Gbps/instance")
    if row.pricing == "spot" and row.interruptions > 0:
        band = str(getattr(row, "spot_interruption", "") or "")
        basis = f"band {band}/month" if band else "rate assumed"
        if row.interruptions < 1:
            notes.append(f"spot ({basis}): <1 interruption expected, +{row.spot_overhead:.0%} time for checkpoints")
        else:
            risky = "risky: " if row.spot_overhead > 0.25 else ""
            every = row.days * 24 / row.interruptions
            count = round(row.interruptions)
            noun = "interruption" if count == 1 else "interruptions"
            notes.append(f"{risky}~{count:,} {noun} (1 per {every:,.1f} h; {basis}), +{row.spot_overhead:.0%} time")
    if row.term_used == row.term_used and row.term_used < 1:
        notes.append(f"bills the whole {str(row.pricing)[-2:]} term ({row.term_used:.0%} used)")
    if row.fp8_fallback:
        notes.append(f"no FP8 on {row.gpu}: 16-bit peak")
    if workload.params is None:
        notes.append("no parameter count: memory and network not modelled")
    return "; ".join(notes)


def plan_notes(
    plans: pd.DataFrame, workload: Workload | None = None, assumptions: Assumptions | None = None
) -> list[str]:
    """One line of notes per plan row, from its facts (call it for the rows shown or exported).

    The workload and assumptions default to those `costcmp.plan` put in ``plans.attrs``."""
    plans, workload, assumptions = plan_context(plans, workload, assumptions)
    return [_row_notes(row, workload, assumptions) for row in plans.itertuples(index=False)]


def plan_context(
    plans: object, workload: object = None, assumptions: object = None
) -> tuple[pd.DataFrame, Workload, Assumptions]:
    """A plan table with its workload and assumptions (given, else from ``plans.attrs``), checked: a
    DataFrame with the plan columns, a Workload and an Assumptions; InvalidParameterError otherwise."""
    from costcmp.planner.solve import PLAN_COLUMNS
    from costcmp.planner.workload import Workload

    table = arguments.frame(plans, "plans", PLAN_COLUMNS)
    workload = table.attrs.get("workload") if workload is None else workload
    assumptions = table.attrs.get("assumptions") if assumptions is None else assumptions
    for name, value, cls in (("workload", workload, Workload), ("assumptions", assumptions, A.Assumptions)):
        if value is None:
            raise InvalidParameterError(name, "is missing: pass it, or a costcmp.plan() result (which carries it)")
        arguments.instance(value, name, cls, f"a {cls.__module__}.{cls.__name__}")
    return table, workload, assumptions  # type: ignore[return-value]


def with_notes(
    plans: pd.DataFrame, workload: Workload | None = None, assumptions: Assumptions | None = None
) -> pd.DataFrame:
    """`plans` with a `notes` column (words) after the facts, for export and display."""
    out = plans.copy()
    out["notes"] = plan_notes(plans, workload, assumptions)
    return out
