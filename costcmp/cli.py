"""The command line: parse options, call the library, render. Errors become one line and exit status 2.

Heavy modules (pandas, the report code) are imported inside the commands so that `costcmp --help`
stays fast; boto3 and the Azure SDK are imported only by the adapters that need them.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from costcmp.errors import CostcmpError

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from costcmp.cache import Snapshot

app = typer.Typer(
    name="costcmp",
    help="What will it cost, on which cloud, and how long will it take, to train this model at this scale?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


class OutputFormat(str, enum.Enum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="table (terminal), csv or json.")]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to this file instead of standard output.", dir_okay=False, writable=True
    ),
]
CacheDirOption = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="User cache directory (default: $COSTCMP_CACHE_DIR, else the "
        "platform's user cache). The shipped snapshot is used when it holds nothing newer.",
    ),
]
NamesOption = list[str] | None


def _console(handle: TextIO, *, stderr: bool = False) -> Console:
    from rich.console import Console

    interactive = handle.isatty()
    width = None if interactive or os.environ.get("COLUMNS") else 200
    return Console(
        file=handle, width=width, stderr=stderr, soft_wrap=False, color_system="auto" if interactive else None
    )


@contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise CostcmpError(f"cannot write {path}: {exc.strerror or exc}") from None
    with handle:
        yield handle


def _emit(
    df: pd.DataFrame, fmt: OutputFormat, output: Path | None, draw_table: Callable[[Console], None]
) -> None:
    from costcmp import export

    with _output(output) as handle:
        if fmt is OutputFormat.csv:
            export.write_csv(df, handle)
        elif fmt is OutputFormat.json:
            export.write_json(df, handle)
        else:
            draw_table(_console(handle))
    if output is not None:
        print(f"wrote {len(df)} rows to {output}", file=sys.stderr)


@app.command()
def prices(
    gpu: Annotated[
        NamesOption,
        typer.Option(
            "--gpu",
            "-g",
            help="GPU model(s), e.g. H100 or A100-80GB,H100. Aliases accepted (h100-sxm, a100-40gb).",
        ),
    ] = None,
    provider: Annotated[
        NamesOption, typer.Option("--provider", "-p", help="aws, azure (several allowed).")
    ] = None,
    region: Annotated[
        NamesOption, typer.Option("--region", "-r", help="Region code(s): us-east-1, eastus...")
    ] = None,
    pricing: Annotated[
        NamesOption, typer.Option("--pricing", help="on_demand, spot, reserved_1y, reserved_3y.")
    ] = None,
    min_gpus: Annotated[
        int | None, typer.Option("--min-gpus", help="At least this many GPUs per instance.")
    ] = None,
    min_gpu_memory: Annotated[
        float | None, typer.Option("--min-gpu-memory", help="At least this much memory per GPU, GiB.")
    ] = None,
    sort: Annotated[
        str, typer.Option("--sort", help="Column to sort by (any output column).")
    ] = "usd_per_gpu_hour",
    descending: Annotated[bool, typer.Option("--desc", help="Sort in descending order.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", "-n", help="Show at most this many rows.")] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Compare GPU instance prices across clouds: $/hour, $/GPU-hour and $ per peak PFLOP-hour."""
    from costcmp import cache, offers, render

    snapshot = cache.load_snapshot(cache_dir)
    rows = offers.filter_offers(
        snapshot.offers,
        gpu=gpu,
        provider=provider,
        region=region,
        pricing=pricing,
        min_gpus=min_gpus,
        min_gpu_memory=min_gpu_memory,
    )
    rows = offers.sort_offers(offers.with_derived(rows), sort, descending=descending, limit=limit)
    err = _console(sys.stderr, stderr=True)
    for warning in snapshot.warnings:
        render.footer(err, [], [warning])
    if rows.empty:
        render.message(err, "No offers match these filters (try fewer filters, or `costcmp prices` for all).")
        return

    def draw(console: Console) -> None:
        render.offers_table(console, rows, title=f"GPU instance prices ({len(rows)} offers, USD)")
        render.footer(console, _data_lines(snapshot, rows))

    _emit(rows, fmt, output, draw)
    render.footer(err, [], cache.staleness_warnings(rows))


def _data_lines(snapshot: Snapshot, rows: pd.DataFrame) -> list[str]:
    from costcmp import cache

    ages = cache.provider_ages(rows)
    spans = ", ".join(f"{p} {old}" if old == new else f"{p} {old}…{new}" for p, (old, new, _) in ages.items())
    where = "shipped snapshot" if snapshot.origin == "shipped" else f"user cache {snapshot.path}"
    return [f"Prices as of: {spans} ({where}). Per-row as_of and source: --format csv."]


@app.command()
def gpus(fmt: FormatOption = OutputFormat.table, output: OutputOption = None) -> None:
    """The GPU hardware table: memory, bandwidth, dense peak TFLOPS per data type, TDP, sources."""
    from costcmp import hardware, render

    specs = hardware.gpu_specs()
    _emit(specs, fmt, output, lambda console: render.gpus_table(console, specs))


def _int_list(values: list[str] | None, what: str) -> list[int]:
    from costcmp.offers import split_names
    from costcmp.planner.workload import parse_quantity

    counts = []
    for text in split_names(values):
        value = parse_quantity(text, what)
        if value != int(value):
            raise CostcmpError(f"{what}: {text!r} is not a whole number of GPUs")
        counts.append(int(value))
    return counts


@app.command()
def plan(
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="A preset: see `costcmp models`.")
    ] = None,
    params: Annotated[str | None, typer.Option("--params", help="Parameters: 7B, 70e9 ...")] = None,
    tokens: Annotated[str | None, typer.Option("--tokens", help="Training tokens: 300B, 1.4T ...")] = None,
    flops: Annotated[
        str | None, typer.Option("--flops", help="Total training FLOPs (instead of 6·N·D).")
    ] = None,
    chinchilla: Annotated[bool, typer.Option("--chinchilla", help="Tokens = 20 x parameters.")] = False,
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
    provider: Annotated[NamesOption, typer.Option("--provider", "-p", help="aws, azure.")] = None,
    region: Annotated[NamesOption, typer.Option("--region", "-r", help="Region code(s).")] = None,
    pricing: Annotated[
        NamesOption,
        typer.Option(
            "--pricing", help="on_demand, spot, reserved_1y, reserved_3y (default: all in the data)."
        ),
    ] = None,
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
    commit_discount: Annotated[
        str | None,
        typer.Option(
            "--commit-discount",
            help="Estimate reserved rates from on-demand where none is published: 1y=35%,3y=55%.",
        ),
    ] = None,
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


@app.command()
def refresh(
    provider: Annotated[
        NamesOption, typer.Option("--provider", "-p", help="aws, azure (default: every provider).")
    ] = None,
    region: Annotated[
        NamesOption,
        typer.Option(
            "--region",
            "-r",
            help="Region code(s) (default: every region the provider lists; needs a single --provider).",
        ),
    ] = None,
    aws_profile: Annotated[
        str | None,
        typer.Option("--aws-profile", help="AWS profile (default: the standard credential chain)."),
    ] = None,
    subscription: Annotated[
        str | None,
        typer.Option(
            "--subscription",
            help="Azure subscription for GPU facts and restrictions (default: $AZURE_SUBSCRIPTION_ID).",
        ),
    ] = None,
    currency: Annotated[
        str, typer.Option("--currency", help="Currency of the prices (the cache holds USD).")
    ] = "USD",
    workers: Annotated[int, typer.Option("--workers", help="Regions fetched at once.")] = 16,
    cache_dir: CacheDirOption = None,
) -> None:
    """Replace cached prices with today's from the providers' APIs (the shipped snapshot is never touched).

    Exit status: 0 if every region refreshed, 1 if any region or provider failed (previous rows are
    kept), 2 for bad input, or missing credentials for a provider you named.
    """
    from costcmp import render
    from costcmp.offers import split_names
    from costcmp.pricing import ADAPTERS, AdapterOptions, CredentialsError, build_adapter
    from costcmp.refresh import refresh as run_refresh

    if currency.upper() != "USD":
        raise CostcmpError(
            f"--currency {currency}: the price cache holds USD (AWS publishes USD only, and "
            "mixing currencies would make every comparison wrong); only USD is supported"
        )
    named = [p.lower() for p in split_names(provider)]
    options = AdapterOptions(aws_profile=aws_profile, azure_subscription=subscription, workers=workers)
    adapters = []
    unavailable = []
    for name in named or list(ADAPTERS):
        try:
            adapters.append(build_adapter(name, options))
        except CredentialsError as exc:
            if named:  # the user asked for this provider: a clear error
                raise
            unavailable.append(f"{name}: {exc}")
    regions = split_names(region)
    if regions and len(adapters) != 1:
        raise CostcmpError("--region needs a single --provider (region codes differ between providers)")
    err = _console(sys.stderr, stderr=True)
    for line in unavailable:
        render.footer(err, [], [f"skipped {line}"])
    if not adapters:
        raise typer.Exit(1)
    wanted = {adapters[0].name: regions} if regions else {}
    progress = (
        render.RichRefreshProgress(err) if sys.stderr.isatty() else render.LogRefreshProgress(sys.stderr)
    )
    with progress:
        report = run_refresh(adapters, wanted, cache_dir=cache_dir, workers=workers, progress=progress)
    render.refresh_summary(_console(sys.stdout), report)
    if report.failed or unavailable:
        raise typer.Exit(1)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status (2 for bad input, with one line on stderr).

    Typer's own parse errors are recognised by their public shape (`exit_code`, `format_message`) so
    this works whether typer uses click or its vendored copy of it.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = app(args=args, prog_name="costcmp", standalone_mode=False)
    except CostcmpError as exc:
        print(f"costcmp: error: {exc}", file=sys.stderr)
        return 2
    except (typer.Abort, KeyboardInterrupt):
        print("costcmp: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        kind = type(exc).__name__
        if kind == "Exit" and hasattr(exc, "exit_code"):
            return int(exc.exit_code)
        if kind == "Abort":
            print("costcmp: interrupted", file=sys.stderr)
            return 130
        if kind == "NoArgsIsHelpError":
            print(exc.format_message())  # type: ignore[attr-defined]
            return 0
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            text = " ".join(str(exc.format_message()).split())
            print(f"costcmp: error: {text} (see `costcmp --help`)", file=sys.stderr)
            return 2
        raise
    return result if isinstance(result, int) else 0
