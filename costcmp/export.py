"""CSV and JSON writing that is safe to open in a spreadsheet and round-trips through pandas.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
formula by Excel/LibreOffice/Sheets (CSV injection); such cells get a leading apostrophe. Numeric
columns are left alone, so negative numbers stay numbers.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would treat as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text columns are neutralised; numeric columns unchanged."""
    import pandas as pd

    out = df.copy()
    for name in out.columns:
        column = out[name]
        if pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column):
            out[name] = column.map(neutralise_cell, na_action="ignore")
    return out


def write_csv(df: pd.DataFrame, handle: TextIO) -> None:
    """Write `df` as CSV (header, no index, empty for missing values)."""
    spreadsheet_safe(df).to_csv(handle, index=False, lineterminator="\n")


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
    return [
        {c: _plain(v) for c, v in zip(columns, row, strict=True)}
        for row in df.itertuples(index=False, name=None)
    ]


def write_json(df: pd.DataFrame, handle: TextIO) -> None:
    """Write `df` as a JSON array of row objects."""
    json.dump(records(df), handle, indent=2)
    handle.write("\n")
