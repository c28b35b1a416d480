"""The Typer app, the options every command shares, output helpers and `main()` (errors -> exit 2).

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

# Options shared by several commands.
ModelOption = Annotated[str | None, typer.Option("--model", "-m", help="A preset: see `costcmp models`.")]
ParamsOption = Annotated[str | None, typer.Option("--params", help="Parameters: 7B, 70e9 ...")]
TokensOption = Annotated[str | None, typer.Option("--tokens", help="Training tokens: 300B, 1.4T ...")]
FlopsOption = Annotated[str | None, typer.Option("--flops", help="Total training FLOPs (instead of 6·N·D).")]
ChinchillaOption = Annotated[bool, typer.Option("--chinchilla", help="Tokens = 20 x parameters.")]
ProviderOption = Annotated[
    NamesOption, typer.Option("--provider", "-p", help="aws, azure (several allowed).")
]
RegionOption = Annotated[
    NamesOption, typer.Option("--region", "-r", help="Region code(s): us-east-1, eastus...")
]
PricingOption = Annotated[
    NamesOption,
    typer.Option("--pricing", help="on_demand, spot, reserved_1y, reserved_3y (default: all in the data)."),
]
CommitDiscountOption = Annotated[
    str | None,
    typer.Option(
        "--commit-discount",
        help="Estimate reserved rates from on-demand where none is published: 1y=35%,3y=55%.",
    ),
]


def _int_list(values: list[str] | None, what: str) -> list[int]:
    """GPU counts from `--gpus 64,256` (suffixes like 1k accepted); whole numbers only."""
    from costcmp.offers import split_names
    from costcmp.planner.workload import parse_quantity

    counts = []
    for text in split_names(values):
        value = parse_quantity(text, what)
        if value != int(value):
            raise CostcmpError(f"{what}: {text!r} is not a whole number of GPUs")
        counts.append(int(value))
    return counts


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


def _data_lines(snapshot: Snapshot, rows: pd.DataFrame) -> list[str]:
    from costcmp import cache

    ages = cache.provider_ages(rows)
    spans = ", ".join(f"{p} {old}" if old == new else f"{p} {old}…{new}" for p, (old, new, _) in ages.items())
    where = "shipped snapshot" if snapshot.origin == "shipped" else f"user cache {snapshot.path}"
    return [f"Prices as of: {spans} ({where}). Per-row as_of and source: --format csv."]


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
