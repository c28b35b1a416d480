"""The `costcmp cluster` view: the cluster asked for, its peak and Top500 placement, and what it costs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from rich.panel import Panel
from rich.text import Text

from costcmp.render.formatting import cell_text, money, number
from costcmp.render.layout import NOTES_MIN_WIDTH, compact_table, fit_columns, narrow_note

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console


def cluster_summary(console: Console, table: pd.DataFrame, lines: Iterable[str]) -> None:
    """The request, the peak FLOP/s, the estimated Linpack Rmax and its Top500 placements."""
    first = table.iloc[0]
    placements = [c for c in table.columns if c.startswith("top500_")]
    text = Text()
    for line in lines:
        text.append(cell_text(line) + "\n")
    text.append(
        f"Peak: {first['fp64_pflops']:,.1f} PFLOP/s FP64, {first['bf16_pflops']:,.0f} PFLOP/s dense 16-bit. "
        f"Estimated Linpack Rmax {first['rmax_pflops_est']:,.1f} PFLOP/s (GPUs only).\n",
        style="bold",
    )
    for column in placements:
        label = column.removeprefix("top500_").replace("_", " ").title()
        text.append(f"  Top500 {label}: {first[column]}\n")
    text.rstrip()
    console.print(Panel(text, title="Cluster", expand=False))


def _top_up(row: Any) -> str:
    return f"{row['cpu_instances']:,}×{row['cpu_instance_type']}" if row["cpu_instances"] else "—"


_CLUSTER_COLUMNS: tuple[tuple[str, str, int, Callable[[Any], str]], ...] = (
    ("cloud", "left", 0, lambda r: r["provider"]),
    ("region", "left", 0, lambda r: r["region"]),
    ("GPU instance", "left", 0, lambda r: r["instance_type"]),
    ("pricing", "left", 0, lambda r: r["pricing"].replace("_", "-")),
    ("instances", "right", 4, lambda r: number(r["gpu_instances"])),
    ("CPU top-up", "left", 5, lambda r: _top_up(r)),
    ("cores", "right", 3, lambda r: number(r["total_cores"])),
    ("Gbps", "right", 0, lambda r: number(r["network_gbps"])),
    ("$/hour", "right", 0, lambda r: money(r["usd_per_hour"])),
    ("$/month", "right", 2, lambda r: money(r["usd_per_month"])),
    ("$/year", "right", 0, lambda r: money(r["usd_per_year"])),
    ("3 years", "right", 1, lambda r: money(r["usd_3y"])),
)


def cluster_costs_table(console: Console, table: pd.DataFrame, *, title: str) -> None:
    """One row per priced offer: instances, CPU top-up, cores, network and the bill per hour to 3 years.
    Notes every row shares, and the offers that cannot be priced, are said once below the table;
    low-priority columns are dropped to fit the terminal (all are in --format csv)."""
    from costcmp.cluster import UNPRICED_CPU_NOTE

    notes = [str(n).split("; ") if n else [] for n in table["notes"]]
    shared = [n for n in notes[0] if all(n in row for row in notes)] if notes else []
    unpriced: list[str] = []
    priced: list[tuple[Any, bool, str]] = []
    for (_, row), own in zip(table.iterrows(), notes, strict=True):
        if UNPRICED_CPU_NOTE in own:
            unpriced.append(f"{row['provider']} {row['region']}")
            continue
        slow = row["network_ok"] is not None and not bool(row["network_ok"])
        priced.append((row, slow, "; ".join(n for n in own if n not in shared)))
    # No CPU top-up anywhere (no --cpu-cores, or the GPU servers bring enough): no column for it.
    any_top_up = any(row["cpu_instances"] for row, _, _ in priced)
    columns = [c for c in _CLUSTER_COLUMNS if c[0] != "CPU top-up" or any_top_up]
    headers = [header for header, _, _, _ in columns]
    rows = [([cell_text(show(row)) for _, _, _, show in columns], slow, note) for row, slow, note in priced]
    has_notes = any(note for _, _, note in rows)
    room = console.width - 1 - (NOTES_MIN_WIDTH + 1 if has_notes else 0)
    keep = fit_columns([headers] + [cells for cells, _, _ in rows], [c[2] for c in columns], room)
    grid = compact_table(title)
    for i in keep:
        grid.add_column(headers[i], justify=columns[i][1], no_wrap=True)  # type: ignore[arg-type]
    if has_notes:
        grid.add_column("notes", min_width=NOTES_MIN_WIDTH)
    gbps = headers.index("Gbps")
    for cells, slow, note in rows:
        shown: list[str | Text] = [Text(cells[i], style="red" if slow and i == gbps else "") for i in keep]
        grid.add_row(*shown, *([Text(cell_text(note))] if has_notes else []))
    if rows:
        console.print(grid)
    if shared:
        console.print(cell_text(f"Every offer: {'; '.join(shared)}."))
    if unpriced:
        places = cell_text(", ".join(dict.fromkeys(unpriced)))
        console.print(f"Not priced, no CPU offer in the data for the top-up: {places} (in --format csv).", style="dim")
    narrow_note(console, [headers[i] for i in range(len(headers)) if i not in keep])
