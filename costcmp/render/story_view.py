"""The `costcmp report` view: a run's whole story in panels and tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.panel import Panel
from rich.text import Text

from costcmp.describe import plan_notes
from costcmp.render.formatting import cell_text, likely_range, money, number
from costcmp.render.layout import compact_table

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
            row["pricing"].replace("_", "-"),
            f"{row['gpus']:,}×{row['gpu']}",
            number(row["days"], 1),
            number(row["gpu_hours"]),
            money(row["cost_usd"]),
            likely_range(row),
            Text(note),
        )
    console.print(grid)


def run_story_view(console: Console, story: RunStory) -> None:
    """The whole story: workload and assumptions, best plans per provider, the Pareto front, what spot
    and reservations change, and the data's age and sources."""
    console.print(Panel(Text("\n".join(story.headline)), title="The run", expand=False), highlight=False)
    _plans(console, story, story.cheapest, "Cheapest plan per provider")
    _plans(console, story, story.fastest, "Fastest plan per provider")
    _plans(console, story, story.pareto, "Time/cost Pareto front (no plan is both cheaper and faster)")
    console.print(
        Panel(Text("\n".join(story.pricing_story)), title="Spot and reservations", expand=False),
        highlight=False,
    )
    console.print(Panel(Text("\n".join(story.data_lines)), title="Data", expand=False), highlight=False)
