"""The plan table: one row per plan, the cheapest and fastest marked, notes worded for shown rows only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

import numpy as np
from rich.cells import cell_len
from rich.text import Text

from costcmp.describe import plan_notes
from costcmp.render.formatting import FASTEST_MARK, cell_text, likely_range, number, percent, usd
from costcmp.render.layout import NOTES_MIN_WIDTH, compact_table, fit_columns, narrow_note
from costcmp.render.safe_text import terminal_line

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

_PLAN_COLUMNS: tuple[tuple[str, Literal["left", "right"], int], ...] = (
    ("", "left", 0),
    ("cloud", "left", 0),
    ("region", "left", 0),
    ("instance", "left", 0),
    ("pricing", "left", 0),
    ("GPUs", "right", 0),
    ("eff.", "right", 3),
    ("net", "right", 4),
    ("days", "right", 0),
    ("GPU-hours", "right", 2),
    ("cost", "right", 0),
    ("likely range", "right", 0),
    ("commitment", "right", 5),
    ("$/M tok", "right", 1),
)


def plan_table(console: Console, plans: pd.DataFrame, summary: Iterable[str], *, title: str) -> None:
    """The summary paragraph, then one row per plan; the cheapest and the fastest plan that fit are marked.

    Figures are never truncated: on a narrow terminal low-priority columns are dropped (and named) and
    only the notes column wraps.
    """
    for line in summary:
        console.print(terminal_line(line))
    console.print()
    cost, days = plans["cost_usd"].to_numpy(float), plans["days"].to_numpy(float)
    positions = np.flatnonzero(plans["fits"].to_numpy(bool) & ~np.isnan(cost))
    cheapest = int(positions[np.argmin(cost[positions])]) if len(positions) else None
    fastest = int(positions[np.argmin(days[positions])]) if len(positions) else None
    has_commitment = bool((plans["commitment_usd"] > 0).any())
    rows = []
    for i, row in enumerate(plans.to_dict("records")):
        mark = ("$" if i == cheapest else "") + (FASTEST_MARK if i == fastest else "")
        rows.append(
            [
                mark,
                cell_text(row["provider"]),
                cell_text(row["region"]),
                cell_text(row["instance_type"]),
                row["pricing"].replace("_", "-"),
                f"{row['gpus']:,}×{row['gpu']}",
                f"{row['efficiency']:.0%}",
                percent(row["network_derate"]),
                number(row["days"], 1),
                number(row["gpu_hours"]),
                usd(row["cost_usd"]),
                likely_range(row),
                usd(row["commitment_usd"]) if row["commitment_usd"] else "",
                usd(row["usd_per_million_tokens"]),
            ]
        )
    headers = [h for h, _, _ in _PLAN_COLUMNS]
    # The commitment column only where some plan commits to a term; the rest fit by priority.
    candidates = [i for i, (h, _, _) in enumerate(_PLAN_COLUMNS) if h != "commitment" or has_commitment]
    fitted = fit_columns(
        [[cells[i] for i in candidates] for cells in [headers, *rows]],
        [_PLAN_COLUMNS[i][2] for i in candidates],
        console.width - 1 - NOTES_MIN_WIDTH,
    )
    keep = [candidates[j] for j in fitted]
    notes = plan_notes(plans)
    fitting_rows = plans["fits"].tolist()
    used = sum(max(cell_len(r[i]) for r in [headers, *rows]) + 1 for i in keep)
    notes_below = used + NOTES_MIN_WIDTH > console.width - 1
    table = compact_table(title)
    if notes_below:
        table.add_column("#", justify="right", no_wrap=True)
    for i in keep:
        width = max(cell_len(r[i]) for r in [headers, *rows])
        table.add_column(headers[i], justify=_PLAN_COLUMNS[i][1], no_wrap=True, min_width=width)
    if not notes_below:
        table.add_column("notes", min_width=NOTES_MIN_WIDTH, ratio=1)
    for i, cells in enumerate(rows):
        shown: list[Text] = [Text(cells[j]) for j in keep]
        if notes_below:
            shown.insert(0, Text(str(i + 1)))
        else:
            shown.append(Text(terminal_line(notes[i]), style="" if fitting_rows[i] else "red"))
        table.add_row(*shown, style="bold green" if i in (cheapest, fastest) else (None if fitting_rows[i] else "dim"))
    console.print(table)
    console.print(
        f"$ cheapest, {FASTEST_MARK} fastest of the plans that fit.  eff.: MFU × goodput.  likely range: days "
        "and cost where 10-90% of published runs would land.  "
        "net: speed left after gradient communication.  Plans that do not fit the model come last, dimmed.",
        style="dim",
    )
    if notes_below:
        for i, note in enumerate(notes):
            if note:
                console.print(
                    terminal_line(f"{i + 1:>3}. {note}"),
                    style=None if fitting_rows[i] else "red",
                )
    narrow_note(console, [headers[i] for i in candidates if i not in keep])
