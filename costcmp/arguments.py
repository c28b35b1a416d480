"""Checking the public API's arguments: one rule per kind of value, for the library and the CLI alike.

A Python caller gets the refusals a command-line user gets — a typed `InvalidParameterError` naming the
parameter — never a bare TypeError from deep inside pandas. Numbers are real numbers (a bool or a
string is refused, NaN too), names are strings, frames carry the columns that are read from them.
Text a person types ("7B", "30d", "35%") is read by `costcmp.units`.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costcmp.errors import InvalidParameterError, shown

if TYPE_CHECKING:
    import pandas as pd

#: Commitment terms a discount is given for, in the one spelling the library takes (the pricing kinds).
COMMIT_TERMS = ("reserved_1y", "reserved_3y")


def _kind(value: object) -> str:
    return type(value).__name__


def real(
    value: object,
    param: str,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    open_low: bool = False,
    open_high: bool = False,
) -> float:
    """`value` as a float within [low, high] (either end open on request); bools, strings and NaN refused."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(param, f"must be a number (got {shown(value)}, a {_kind(value)})")
    number = float(value)
    above = low < number if open_low else low <= number
    below = number < high if open_high else number <= high
    if math.isnan(number) or not (above and below):
        if high == math.inf:
            span = f"{'>' if open_low else '>='} {low}"
        else:
            span = f"in {'(' if open_low else '['}{low}, {high}{')' if open_high else ']'}"
        raise InvalidParameterError(param, f"must be {span} (got {shown(value)})")
    return number


def whole(value: object, param: str, low: int = 0, high: int | None = None) -> int:
    """`value` as an int from `low` to `high`: an integer, or a float with no fraction (8.0)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidParameterError(param, f"must be a whole number (got {shown(value)}, a {_kind(value)})")
    if not math.isfinite(float(value)) or float(value) != round(float(value)):
        raise InvalidParameterError(param, f"must be a whole number (got {shown(value)})")
    number = round(float(value))
    if high is None and number < low:
        raise InvalidParameterError(param, f"must be >= {low} (got {shown(value)})")
    if high is not None and not low <= number <= high:
        raise InvalidParameterError(param, f"must be a whole number from {low:,} to {high:,} (got {shown(value)})")
    return number


def boolean(value: object, param: str) -> bool:
    """`value` as a yes/no: True or False (numpy's bools too), nothing that merely converts to one."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return bool(value)
    raise InvalidParameterError(param, f"must be True or False (got {shown(value)}, a {_kind(value)})")


def name(value: object, param: str) -> str:
    """`value` as a non-empty name (a str)."""
    if not isinstance(value, str):
        raise InvalidParameterError(param, f"must be a name, a str (got {shown(value)}, a {_kind(value)})")
    if not value.strip():
        raise InvalidParameterError(param, "is empty")
    return value


def names(value: object, param: str) -> list[str]:
    """A name or several (a list, a tuple, any iterable of str); [] for None."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidParameterError(param, f"must be a name or a list of names (got {shown(value)}, a {_kind(value)})")
    items = list(value)
    for item in items:
        if not isinstance(item, str):
            raise InvalidParameterError(param, f"must hold names, str (got {shown(item)}, a {_kind(item)})")
    return items


def path(value: object, param: str) -> Path:
    """`value` (a str or os.PathLike naming a file or directory) as a Path."""
    if isinstance(value, str) and value.strip():
        return Path(value).expanduser()
    if isinstance(value, os.PathLike):
        return Path(value).expanduser()
    raise InvalidParameterError(param, f"must be a path, a str or os.PathLike (got {shown(value)}, a {_kind(value)})")


def instance(value: object, param: str, cls: type, what: str) -> Any:
    """`value` if it is a `cls`, else a refusal saying what was expected."""
    if not isinstance(value, cls):
        raise InvalidParameterError(param, f"must be {what} (got {shown(value)}, a {_kind(value)})")
    return value


def commit_discounts(value: object, param: str = "commit_discounts") -> dict[str, float]:
    """Discounts against on-demand per commitment term: {"reserved_1y": 0.35, "reserved_3y": 0.55}.

    Keys are the pricing kinds of COMMIT_TERMS (the CLI's "1y=35%,3y=55%" is text for
    `costcmp.planner.assumptions.parse_commit_discounts`); each discount is a fraction, 0 <= d < 1 (a
    discount of 1 would make the rate $0, more a negative one)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidParameterError(
            param, f'must be a dict like {{"reserved_1y": 0.35}} (got {shown(value)}, a {_kind(value)})'
        )
    result: dict[str, float] = {}
    for term, discount in value.items():
        if term not in COMMIT_TERMS:
            hint = {"1y": "reserved_1y", "3y": "reserved_3y"}.get(str(term).strip().lower())
            did_you = f"; did you mean {hint!r}?" if hint else ""
            raise InvalidParameterError(
                param, f"has an unknown term {shown(term)}{did_you} (terms: {', '.join(COMMIT_TERMS)})"
            )
        result[term] = real(discount, f"{param}[{term!r}]", 0.0, 1.0, open_high=True)
    return result


def frame(value: object, param: str, columns: Iterable[str]) -> pd.DataFrame:
    """`value` if it is a DataFrame holding `columns`; a refusal naming what is missing otherwise."""
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        raise InvalidParameterError(param, f"must be a pandas DataFrame (got {shown(value)}, a {_kind(value)})")
    absent = [c for c in columns if c not in value.columns]
    if absent:
        raise InvalidParameterError(param, f"is missing column(s): {', '.join(absent)}")
    return value
