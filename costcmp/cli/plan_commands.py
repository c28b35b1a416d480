"""Commands about training runs: `plan`, `models` and `validate`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from costcmp.cli import options
from costcmp.cli.app import data_lines, emit, load, note

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console


def add_plan_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = commands.add_parser(
        "plan",
        parents=[common],
        help="Time, GPU-hours and cost of a training run on every offer.",
        description="Time, GPU-hours and cost of a training run on every matching offer, cheapest first.",
    )
    options.add_workload(p)
    p.add_argument("--seq-len", type=options.whole_number, help="Adds the attention FLOPs term.")
    p.add_argument("--layers", type=options.whole_number, help="Layers (attention term).")
    p.add_argument("--hidden", type=options.whole_number, help="Hidden size (attention term).")
    options.add_offer_filters(p, gpu_help="GPU model(s): H100 or A100-80GB,H100.")
    p.add_argument("--gpus", "-n", action="append", metavar="N", help="GPU count(s): 1024 or 256,1024,4096.")
    p.add_argument("--deadline", help="Solve for the fewest GPUs that finish within this time: 14d, 36h, 2w.")
    p.add_argument("--budget", help="Solve for the fastest run within this many USD: 2M, 500k.")
    p.add_argument(
        "--mfu",
        type=options.finite_float,
        help="Steady-state MFU, 0-1 (default: per GPU generation, see README).",
    )
    p.add_argument("--goodput", type=options.finite_float, help="Share of paid time that trains, 0-1.")
    p.add_argument("--precision", default="bf16", help="bf16 or fp8 (fp8 peak where the GPU has it).")
    p.add_argument("--global-batch-tokens", metavar="N", help="Tokens per step (default 4M).")
    p.add_argument(
        "--interruptions-per-hour", type=options.finite_float,
        help="Spot interruptions per instance-hour (default per provider).",
    )  # fmt: skip
    p.add_argument("--checkpoint-minutes", type=options.finite_float, help="Minutes to write a checkpoint.")
    p.add_argument("--restart-minutes", type=options.finite_float, help="Minutes to replace an instance and resume.")
    options.add_commit_discount(p)
    p.add_argument("--discount", help="Negotiated discount on every rate: 12%%.")
    p.add_argument("--max-gpus", type=options.whole_number, help="Upper bound for the solvers.")
    p.add_argument("--pareto", action="store_true", help="Keep only time/cost-efficient plans.")
    p.add_argument("--limit", type=options.whole_number, help="Show at most this many rows.")
    options.add_output(p)
    options.add_cache_dir(p)
    p.set_defaults(run=run_plan)

    m = commands.add_parser(
        "models", parents=[common], help="The model presets.", description="The model presets for --model: "
        "parameters, tokens and sources."
    )  # fmt: skip
    options.add_output(m)
    m.set_defaults(run=run_models)

    v = commands.add_parser(
        "validate",
        parents=[common],
        help="Replay published training runs.",
        description="Replay published training runs with the default assumptions: predicted vs published GPU-hours.",
    )
    options.add_output(v)
    v.set_defaults(run=run_validate)


def assumptions_from(args: argparse.Namespace) -> Any:
    """The Assumptions the options ask for (defaults where not given)."""
    import dataclasses

    from costcmp.planner import Assumptions, parse_commit_discounts
    from costcmp.units import parse_percent, parse_quantity

    overrides: dict[str, Any] = {
        "mfu": args.mfu,
        "goodput": args.goodput,
        "precision": args.precision.strip().lower(),
        "global_batch_tokens": parse_quantity(args.global_batch_tokens, "global_batch_tokens")
        if args.global_batch_tokens
        else None,
        "interruptions_per_hour": args.interruptions_per_hour,
        "checkpoint_minutes": args.checkpoint_minutes,
        "restart_minutes": args.restart_minutes,
        "max_gpus": args.max_gpus,
        "discount": parse_percent(args.discount, "discount") if args.discount else None,
        "commit_discounts": parse_commit_discounts(args.commit_discount) if args.commit_discount else None,
    }
    return dataclasses.replace(Assumptions(), **{k: v for k, v in overrides.items() if v is not None})


def run_plan(args: argparse.Namespace) -> int:
    from costcmp.describe import summary_lines, with_notes
    from costcmp.errors import InvalidParameterError
    from costcmp.planner import plan as make_plan

    assumptions = assumptions_from(args)
    if args.limit is not None and args.limit < 1:
        raise InvalidParameterError("limit", f"must be >= 1 (got {args.limit})")
    snapshot = load(args)
    plans = make_plan(
        **options.workload_args(args),
        seq_len=args.seq_len,
        layers=args.layers,
        hidden=args.hidden,
        gpu=args.gpu,
        gpus=args.gpus,
        deadline=args.deadline,
        budget=args.budget,
        provider=args.provider,
        region=args.region,
        pricing=args.pricing,
        pareto=args.pareto,
        assumptions=assumptions,
        offers=snapshot.offers,
    )
    if plans.empty:
        note(f"No plans: {plans.attrs.get('empty_reason', 'no offer matches these filters')}.")
        return 0
    limit = args.limit if args.limit is not None or args.fmt != "table" else TABLE_ROWS
    shown = with_notes(_with_extremes(plans, limit))
    used = snapshot.offers[snapshot.offers["gpu"].isin(set(plans["gpu"].astype("object")))]
    lines = [*summary_lines(plans), *data_lines(snapshot, used)]
    title = f"Training plans ({len(shown)} of {len(plans)}, USD)"

    def draw(console: Console) -> None:
        from costcmp.render.layout import message
        from costcmp.render.plan_table import plan_table

        plan_table(console, shown, lines, title=title)
        if len(shown) < len(plans):
            message(console, f"({len(plans) - len(shown):,} more plans: --limit N shows more, --format csv all.)")

    emit(shown, args.fmt, args.output, draw)
    return 0


#: Rows a terminal table shows when --limit is not given (plus the cheapest and fastest, if cut off);
#: CSV and JSON always carry every row.
TABLE_ROWS = 20


def _with_extremes(plans: pd.DataFrame, limit: int | None) -> pd.DataFrame:
    """The first `limit` plans, plus the cheapest and fastest plan that fit if the limit cut them off."""
    import numpy as np

    if not limit or len(plans) <= limit:
        return plans
    keep = set(range(limit))
    fitting = np.flatnonzero(plans["fits"].to_numpy() & plans["cost_usd"].notna().to_numpy())
    if len(fitting):
        for column in ("cost_usd", "days"):
            keep.add(int(fitting[plans[column].to_numpy()[fitting].argmin()]))
    return plans.iloc[sorted(keep)]


def run_models(args: argparse.Namespace) -> int:
    import dataclasses

    import pandas as pd

    from costcmp.planner.workload import PRESETS

    table = pd.DataFrame([dataclasses.asdict(p) for p in PRESETS.values()])
    columns = [
        ("preset", "name", ""),
        ("params", "params", "sci"),
        ("active", "active_params", "sci"),
        ("tokens", "tokens", "sci"),
        ("layers", "layers", "int"),
        ("hidden", "hidden", "int"),
        ("seq", "seq_len", "int"),
        ("source", "source", ""),
    ]

    def draw(console: Console) -> None:
        from costcmp.render.layout import simple_table

        simple_table(console, table, columns, title="Model presets")

    emit(table, args.fmt, args.output, draw)
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from costcmp.planner.validate import summarize, validate_runs

    table = validate_runs()
    table["in_headline"] = table["headline"].map({True: "yes", False: "no"})
    columns = [
        ("run", "run", ""),
        ("GPU", "gpu", ""),
        ("GPUs", "gpus", "int"),
        ("MFU", "mfu", "share"),
        ("net", "network_derate", "share"),
        ("published GPU-h", "published_gpu_hours", "int"),
        ("predicted GPU-h", "predicted_gpu_hours", "int"),
        ("error", "error_pct", "pct"),
        ("headline", "in_headline", ""),
        ("source", "source", ""),
    ]
    summary = summarize(table)
    lines = [
        f"Headline: {summary.headline_runs} of {summary.runs} runs (the others include more than pre-training, "
        "or publish no GPU-hours; their notes say which: --format csv).",
        f"Median |error|: {summary.median_abs_error_pct:.1f}% in sample, {summary.loo_median_abs_error_pct:.1f}% "
        "leave-one-out (no default is fitted to these runs, so leaving one out changes no prediction).",
        f"Median signed error (bias): {summary.median_signed_error_pct:+.1f}% (positive: costcmp predicts more).",
        f"Band: published / predicted GPU-hours {summary.band_low:.2f}-{summary.band_high:.2f} (10th-90th "
        f"percentile), high/low {summary.band_ratio:.2f}; leave-one-out coverage {summary.loo_coverage_pct:.0f}% "
        "of the headline runs.",
    ]

    def draw(console: Console) -> None:
        from costcmp.render.layout import message, simple_table

        simple_table(console, table, columns, title="Published runs vs costcmp's defaults")
        for line in lines:
            message(console, line)

    emit(table, args.fmt, args.output, draw)
    return 0
