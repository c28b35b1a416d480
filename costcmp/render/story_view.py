"""The `costcmp report` view: a run's whole story in panels and tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.panel import Panel
from rich.text import Text

from costcmp.describe import plan_notes
from costcmp.render.formatting import cell_text, likely_range, money, number
from costcmp.render.layout import compact_table
from costcmp.render.safe_text import terminal_line

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

    from costcmp.story import RunStory


def _plans(console: Console, story: RunStory, plans: pd.DataFrame, title: str) -> None:
    grid = compact_table(title)
    for header, justify in (
        ("cloud", "left"),
        ("region", "left"),
        ("instance", "left"),
        ("pricing", "left"),
        ("GPUs", "right"),
        ("days", "right"),
        ("GPU-hours", "right"),
        ("cost", "right"),
        ("likely range", "right"),
        ("notes", "left"),
    ):
        grid.add_column(header, justify=justify, no_wrap=header != "notes")  # type: ignore[arg-type]
    notes = plan_notes(plans, story.workload, story.assumptions)
    for row, note in zip(plans.to_dict("records"), notes, strict=True):
        grid.add_row(
            cell_text(row["provider"]),
            cell_text(row["region"]),
            cell_text(row["instance_type"]),
            cell_text(row["pricing"]).replace("_", "-"),
            f"{row['gpus']:,}×{cell_text(row['gpu'])}",
            number(row["days"], 1),
            number(row["gpu_hours"]),
            money(row["cost_usd"]),
            likely_range(row),
            Text(terminal_line(note)),
        )
    console.print(grid)


def run_story_view(console: Console, story: RunStory) -> None:
    """The whole story: workload and assumptions, best plans per provider, the Pareto front, what spot
    and reservations change, and the data's age and sources."""
    console.print(_panel(story.headline, "The run"))
    _plans(console, story, story.cheapest, "Cheapest plan per provider")
    _plans(console, story, story.fastest, "Fastest plan per provider")
    _plans(console, story, story.pareto, "Time/cost Pareto front (no plan is both cheaper and faster)")
    console.print(_panel(story.pricing_story, "Spot and reservations"))
    console.print(_panel(story.data_lines, "Data"))


def _panel(lines: list[str], title: str) -> Panel:
    """A panel of sentences, each one line of safe text (a line feed inside a name starts no new row)."""
    return Panel(Text("\n".join(terminal_line(line) for line in lines)), title=title, expand=False)
