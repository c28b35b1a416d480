"""Commands about training runs: `plan`, `models` and `validate`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from costcmp.cli._app import (
    CacheDirOption,
    ChinchillaOption,
    CommitDiscountOption,
    FlopsOption,
    FormatOption,
    ModelOption,
    NamesOption,
    OutputFormat,
    OutputOption,
    ParamsOption,
    PricingOption,
    ProviderOption,
    RegionOption,
    TokensOption,
    _data_lines,
    _emit,
    _int_list,
    app,
)
from costcmp.errors import CostcmpError

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console


@app.command()
def plan(
    model: ModelOption = None,
    params: ParamsOption = None,
    tokens: TokensOption = None,
    flops: FlopsOption = None,
    chinchilla: ChinchillaOption = False,
    seq_len: Annotated[int | None, typer.Option("--seq-len", help="Adds the attention FLOPs term.")] = None,
    layers: Annotated[int | None, typer.Option("--layers", help="Layers (attention term).")] = None,
    hidden: Annotated[int | None, typer.Option("--hidden", help="Hidden size (attention term).")] = None,
    gpu: Annotated[
        NamesOption, typer.Option("--gpu", "-g", help="GPU model(s): H100 or A100-80GB,H100.")
    ] = None,
    gpus: Annotated[
        NamesOption, typer.Option("--gpus", "-n", help="GPU count(s): 1024 or 256,1024,4096.")
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline", help="Solve for the fewest GPUs that finish within this time: 14d, 36h, 2w."
        ),
    ] = None,
    budget: Annotated[
        str | None, typer.Option("--budget", help="Solve for the fastest run within this many USD: 2M, 500k.")
    ] = None,
    provider: ProviderOption = None,
    region: RegionOption = None,
    pricing: PricingOption = None,
    mfu: Annotated[
        float | None,
        typer.Option("--mfu", help="Steady-state MFU, 0-1 (default: per GPU generation, see README)."),
    ] = None,
    goodput: Annotated[
        float | None, typer.Option("--goodput", help="Share of paid time that trains, 0-1.")
    ] = None,
    precision: Annotated[
        str, typer.Option("--precision", help="bf16 or fp8 (fp8 peak where the GPU has it).")
    ] = "bf16",
    global_batch_tokens: Annotated[
        str | None, typer.Option("--global-batch-tokens", help="Tokens per step (default 4M).")
    ] = None,
    interruptions_per_hour: Annotated[
        float | None,
        typer.Option(
            "--interruptions-per-hour", help="Spot interruptions per instance-hour (default per provider)."
        ),
    ] = None,
    checkpoint_minutes: Annotated[float | None, typer.Option("--checkpoint-minutes")] = None,
    restart_minutes: Annotated[float | None, typer.Option("--restart-minutes")] = None,
    commit_discount: CommitDiscountOption = None,
    discount: Annotated[
        str | None, typer.Option("--discount", help="Negotiated discount on every rate: 12%.")
    ] = None,
    max_gpus: Annotated[int | None, typer.Option("--max-gpus", help="Upper bound for the solvers.")] = None,
    pareto: Annotated[bool, typer.Option("--pareto", help="Keep only time/cost-efficient plans.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", help="Show at most this many rows.")] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Time, GPU-hours and cost of a training run on every matching offer, cheapest first."""
    import dataclasses

    from costcmp import cache, render
    from costcmp.planner import Assumptions, parse_commit_discounts
    from costcmp.planner import plan as make_plan
    from costcmp.planner.report import summary_lines
    from costcmp.planner.workload import parse_percent, parse_quantity

    overrides: dict[str, Any] = {
        "mfu": mfu,
        "goodput": goodput,
        "precision": precision.lower(),
        "global_batch_tokens": parse_quantity(global_batch_tokens, "--global-batch-tokens")
        if global_batch_tokens
        else None,
        "interruptions_per_hour": interruptions_per_hour,
        "checkpoint_minutes": checkpoint_minutes,
        "restart_minutes": restart_minutes,
        "max_gpus": max_gpus,
        "discount": parse_percent(discount, "--discount") if discount else None,
        "commit_discounts": parse_commit_discounts(commit_discount) if commit_discount else None,
    }
    assumptions = dataclasses.replace(Assumptions(), **{k: v for k, v in overrides.items() if v is not None})
    if limit is not None and limit < 1:
        raise CostcmpError(f"--limit must be >= 1 (got {limit})")
    snapshot = cache.load_snapshot(cache_dir)
    plans = make_plan(
        model=model,
        params=params,
        tokens=tokens,
        flops=flops,
        chinchilla=chinchilla,
        seq_len=seq_len,
        layers=layers,
        hidden=hidden,
        gpu=gpu,
        gpus=_int_list(gpus, "--gpus"),
        deadline=deadline,
        budget=budget,
        provider=provider,
        region=region,
        pricing=pricing,
        pareto=pareto,
        assumptions=assumptions,
        offers=snapshot.offers,
    )
    shown = _with_extremes(plans, limit)
    lines = [
        *summary_lines(plans),
        *_data_lines(snapshot, snapshot.offers[snapshot.offers["gpu"].isin(set(plans["gpu"]))]),
    ]
    title = f"Training plans ({len(shown)} of {len(plans)}, USD)"
    _emit(shown, fmt, output, lambda console: render.plan_table(console, shown, lines, title=title))


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


@app.command()
def models(fmt: FormatOption = OutputFormat.table, output: OutputOption = None) -> None:
    """The model presets for --model: parameters, tokens and sources."""
    import dataclasses

    import pandas as pd

    from costcmp import render
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
    _emit(table, fmt, output, lambda c: render.simple_table(c, table, columns, title="Model presets"))


@app.command()
def validate(fmt: FormatOption = OutputFormat.table, output: OutputOption = None) -> None:
    """Replay published training runs with the default assumptions: predicted vs published GPU-hours."""
    from costcmp import render
    from costcmp.planner.validate import median_abs_error_pct, validate_runs

    table = validate_runs()
    columns = [
        ("run", "run", ""),
        ("GPU", "gpu", ""),
        ("GPUs", "gpus", "int"),
        ("eff.", "efficiency", "share"),
        ("net", "network_derate", "share"),
        ("published GPU-h", "published_gpu_hours", "int"),
        ("predicted GPU-h", "predicted_gpu_hours", "int"),
        ("error", "error_pct", "pct"),
        ("source / note", "source", ""),
    ]
    error = median_abs_error_pct(table)

    def draw(console: Console) -> None:
        render.simple_table(console, table, columns, title="Published runs vs costcmp's defaults")
        render.message(
            console,
            f"Median absolute error: {error:.1f}% over {len(table)} runs. Notes per run: --format csv.",
        )

    _emit(table, fmt, output, draw)
