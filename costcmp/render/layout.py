"""Table building blocks shared by every view: compact tables that drop low-priority columns to fit
the terminal (and say which), simple formatted tables, footers and messages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from costcmp.render.formatting import cell_text, missing, number, percent, usd
from costcmp.render.safe_text import terminal_line

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

#: The narrowest a notes column gets before notes move below the table.
NOTES_MIN_WIDTH = 24


def compact_table(title: str | None) -> Table:
    return Table(title=title, header_style="bold", box=box.SIMPLE_HEAD, padding=0, pad_edge=False)


def fit_columns(cells: list[list[str]], priorities: list[int], width: int) -> list[int]:
    """Indexes of the columns to show: drop by priority (highest first; 0 = never) until the cells fit."""
    widths = [max(cell_len(row[i]) for row in cells) + 1 for i in range(len(cells[0]))]
    keep = list(range(len(priorities)))
    for priority in sorted({p for p in priorities if p}, reverse=True):
        if sum(widths[i] for i in keep) <= width:
            break
        keep = [i for i in keep if priorities[i] != priority]
    return keep


def narrow_note(console: Console, hidden: list[str]) -> None:
    """Name the columns `fit_columns` dropped, so a narrow terminal never hides data silently."""
    if hidden:
        console.print(f"(narrow terminal: {', '.join(hidden)} not shown; all columns are in --format csv)", style="dim")


def footer(console: Console, lines: Iterable[str], warnings: Iterable[str] = ()) -> None:
    """Data age, sources and warnings under a report."""
    for line in lines:
        console.print(terminal_line(line), style="dim")
    for warning in warnings:
        console.print(terminal_line(f"warning: {warning}"), style="yellow")


def message(console: Console, text: str) -> None:
    console.print(terminal_line(text))


def simple_table(console: Console, df: pd.DataFrame, columns: Iterable[tuple[str, str, str]], *, title: str) -> None:
    """A table of `df` from (header, column, format) triples.

    Formats: '' text, 'int', 'float1', 'pct' (signed percent), 'sci', 'usd', 'share' (0-1 as percent).
    """
    table = compact_table(title)
    spec = list(columns)
    for header, _, fmt in spec:
        table.add_column(header, justify="left" if fmt == "" else "right", no_wrap=fmt != "")
    formats = {
        "": lambda v: "" if missing(v) else cell_text(v),
        "int": number,
        "float1": lambda v: number(v, 1),
        "pct": lambda v: "—" if missing(v) else f"{float(v):+.1f}%",
        "sci": lambda v: "—" if missing(v) else f"{float(v):.3g}",
        "usd": usd,
        "share": percent,
    }
    for row in df.to_dict("records"):
        table.add_row(*[Text(formats[fmt](row[column])) for _, column, fmt in spec])
    console.print(table)
