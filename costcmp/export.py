"""CSV, JSON and report-bundle writing: safe to open in a spreadsheet, round-trips through pandas, and
never leaves a partial file (see `costcmp.atomic`).

A text cell that starts — after any leading white space — with `=`, `+`, `-`, `@`, a tab or a carriage
return would be run as a formula by Excel/LibreOffice/Sheets (CSV injection); such cells get a leading
apostrophe, and every cell holding a line break is quoted. Numeric columns are left alone, so
negative numbers stay numbers.
"""

from __future__ import annotations

import csv
import json
import math
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from costcmp.atomic import atomic_text
from costcmp.errors import CacheError, MissingExtraError

if TYPE_CHECKING:
    import pandas as pd

    from costcmp.story import RunStory

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would treat as a formula with an apostrophe, and make every
    line break a LF: the csv module quotes a cell holding LF (the line terminator) but not a bare CR,
    which a spreadsheet would take as the start of a new record."""
    if not isinstance(value, str):
        return value
    if value.lstrip(" \n\x0b\x0c").startswith(FORMULA_PREFIXES):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text columns are neutralised; numeric columns unchanged."""
    import pandas as pd

    out = df.copy()
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            out[name] = column.astype("object")
            column = out[name]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            out[name] = column.map(neutralise_cell, na_action="ignore")
    return out


def write_csv(df: pd.DataFrame, handle: TextIO) -> None:
    """Write `df` as CSV (header, no index, empty for missing values; cells with CR or LF quoted)."""
    spreadsheet_safe(df).to_csv(handle, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts with JSON-safe values (NaN and NA become null)."""
    columns = list(df.columns)
    return [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in df.itertuples(index=False, name=None)]


def write_json(df: pd.DataFrame, handle: TextIO) -> None:
    """Write `df` as a JSON array of row objects."""
    json.dump(records(df), handle, indent=2)
    handle.write("\n")


def _records(story: RunStory, df: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    from costcmp.describe import with_notes

    return records(with_notes(df, story.workload, story.assumptions).loc[:, columns])


def summary_dict(story: RunStory, sources: dict[str, Any]) -> dict[str, Any]:
    """What `summary.json` holds: the workload, assumptions, headline plans and the data's age."""
    import dataclasses

    columns = [
        "provider",
        "region",
        "instance_type",
        "gpu",
        "pricing",
        "gpus",
        "days",
        "gpu_hours",
        "cost_usd",
        "usd_per_million_tokens",
        "notes",
    ]
    workload = dataclasses.asdict(story.workload)
    assumptions = dataclasses.asdict(story.assumptions)
    return {
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "workload": workload,
        "training_flops": story.workload.flops,
        "model_state_bytes": story.workload.state_bytes,
        "assumptions": assumptions,
        "cheapest_per_provider": _records(story, story.cheapest, columns),
        "fastest_per_provider": _records(story, story.fastest, columns),
        "pareto_front": _records(story, story.pareto, columns),
        "spot_and_reservations": story.pricing_story,
        "data": {
            "age": {
                p: {"oldest": old, "newest": new, "days_old": days} for p, (old, new, days) in story.data_ages.items()
            },
            "sources": sources,
        },
    }


@dataclass
class BundleResult:
    """What `write_report_bundle` wrote, and what it could not write and why (one line each)."""

    directory: Path
    written: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)


def write_report_bundle(
    story: RunStory, prices: pd.DataFrame, directory: str | os.PathLike[str], *, sources: dict[str, Any]
) -> BundleResult:
    """Write the report bundle into `directory`: prices.csv (the offers), plan.csv (every plan, with
    notes, `as_of` and `source`), summary.json and cost_vs_time.png.

    Each file is written atomically. The picture needs matplotlib (the `plot` extra); without it the
    other files are written and `skipped` says what to install. CacheError-free: an unwritable
    directory raises `costcmp.errors.CostcmpError` naming it."""

    from costcmp.arguments import frame, instance, path
    from costcmp.describe import with_notes
    from costcmp.errors import CostcmpError
    from costcmp.story import RunStory

    instance(story, "story", RunStory, "a RunStory (costcmp.build_run_story)")
    frame(prices, "prices", ())
    instance(sources, "sources", dict, "a dict")
    directory = path(directory, "directory")
    result = BundleResult(directory)
    try:
        if directory.exists() and not directory.is_dir():
            raise NotADirectoryError(20, "it exists and is not a directory")
        directory.mkdir(parents=True, exist_ok=True)
        with atomic_text(directory / "prices.csv") as handle:
            write_csv(prices, handle)
        result.written.append("prices.csv")
        with atomic_text(directory / "plan.csv") as handle:
            write_csv(with_notes(story.plans, story.workload, story.assumptions), handle)
        result.written.append("plan.csv")
        with atomic_text(directory / "summary.json") as handle:
            handle.write(json.dumps(summary_dict(story, sources), indent=2, default=str) + "\n")
        result.written.append("summary.json")
        from costcmp.plot import cost_vs_time

        try:
            cost_vs_time(
                story.plans,
                story.pareto,
                directory / "cost_vs_time.png",
                title=f"{story.workload.label}: cost vs time to train",
            )
            result.written.append("cost_vs_time.png")
        except MissingExtraError as exc:
            result.skipped["cost_vs_time.png"] = str(exc)
    except (OSError, CacheError) as exc:
        done = f" (written: {', '.join(result.written)})" if result.written else ""
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CostcmpError(f"cannot write the report to {directory}: {reason}{done}") from None
    return result
