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
from typing import TYPE_CHECKING, Annotated, TextIO

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
