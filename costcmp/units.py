"""Reading quantities people type: sizes (7B, 1.4T), money ($2M), durations (14d), percentages (35%).

One parser per kind, used by the Python API and the CLI alike, so a value means the same thing however
it is given. Errors name the library parameter (`param`); the CLI maps it to its flag.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable

from costcmp.errors import InvalidParameterError, shown

_SUFFIX = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12, "p": 1e15}
_QUANTITY = re.compile(r"^\s*\$?\s*([0-9][0-9_]*\.?[0-9]*(?:e[+-]?[0-9]+)?)\s*([kmbgtp]?)\s*$", re.IGNORECASE)
_DURATION = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(h|hours?|d|days?|w|weeks?|mo|months?)?\s*$", re.I)
#: Hours in a year of 365 days, and in an average month of one: what clouds bill by (AWS and Azure
#: price a month as 730 hours; reserved terms are 1 or 3 such years).
HOURS_PER_YEAR = 8760.0
HOURS_PER_MONTH = HOURS_PER_YEAR / 12
_HOURS_PER = {"h": 1.0, "d": 24.0, "w": 168.0, "mo": HOURS_PER_MONTH}
#: The largest quantity accepted: far beyond any real run (1e30 FLOPs is ~10^5 x today's largest), and
#: small enough that products of two quantities stay finite in float64.
MAX_QUANTITY = 1e30


def parse_quantity(text: str | float | int, param: str) -> float:
    """A positive, finite number: 7B, 1.4T, 7e9, 300_000, $2M (K, M, B/G, T, P suffixes).

    Thousands separators are refused ("1,024" is ambiguous in a comma-separated list)."""
    if isinstance(text, bool):
        raise InvalidParameterError(param, f"must be a number (got {shown(text)})")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        match = _QUANTITY.match(str(text))
        if not match:
            hint = " (write 1024, not 1,024)" if re.fullmatch(r"\s*[0-9]{1,3}(,[0-9]{3})+\s*", str(text)) else ""
            raise InvalidParameterError(
                param, f"cannot read {shown(str(text))} as a number{hint} (examples: 7B, 1.4T, 7e9, 2M)"
            )
        value = float(match.group(1).replace("_", "")) * _SUFFIX[match.group(2).lower()]
    if not math.isfinite(value) or value <= 0:
        raise InvalidParameterError(param, f"must be a finite number > 0 (got {shown(text)})")
    if value > MAX_QUANTITY:
        raise InvalidParameterError(param, f"is too large (got {shown(text)}; at most {MAX_QUANTITY:.0e})")
    return value


def parse_count(text: str | float, param: str, *, maximum: int | None = None) -> int:
    """A whole number >= 1 (1024, 1k, 16e3); refuses fractions and "1,024"."""
    value = parse_quantity(text, param)
    if value != int(value):
        raise InvalidParameterError(param, f"must be a whole number (got {shown(text)})")
    if maximum is not None and value > maximum:
        raise InvalidParameterError(param, f"must be at most {maximum:,} (got {shown(text)})")
    return int(value)


def parse_counts(
    values: str | int | Iterable[str | int] | None, param: str, *, maximum: int | None = None
) -> list[int]:
    """Counts from a number, a comma list ("64,256") or several of either; [] for None.

    An item with a zero-led part ("1,024", "10,000") is a thousands separator typed by habit: refused
    with the number it probably means, never read as 1 and 24."""
    if values is None:
        return []
    if isinstance(values, (str, numbers.Real)):
        items: Iterable[str | int | float] = [values]
    elif isinstance(values, Iterable) and not isinstance(values, (bytes, dict)):
        items = values
    else:
        raise InvalidParameterError(param, f"must be a count or a list of counts (got {shown(values)})")
    counts: list[int] = []
    for item in items:
        parts: list[str | int | float] = list(item.split(",")) if isinstance(item, str) else [item]
        if isinstance(item, str) and any(not str(p).strip() for p in parts):
            raise InvalidParameterError(param, f"has an empty item in {shown(item)}")
        if isinstance(item, str) and any(len(str(p).strip()) > 1 and str(p).strip().startswith("0") for p in parts[1:]):
            # "1,024" or "10,000": a thousands separator, not a list (no real count starts with 0)
            joined = item.replace(",", "").strip()
            raise InvalidParameterError(
                param, f"{shown(item)} reads as a list; did you mean {joined}? (no thousands separators in counts)"
            )
        counts.extend(parse_count(p.strip() if isinstance(p, str) else p, param, maximum=maximum) for p in parts)
    return counts


def parse_duration_hours(text: str | float | int, param: str = "deadline") -> float:
    """A duration in hours from '30d', '12h', '2w', '3mo'. A bare number — str or float — means days."""
    if isinstance(text, bool):
        raise InvalidParameterError(param, f"must be a duration (got {shown(text)})")
    if isinstance(text, (int, float)):
        hours = float(text) * 24.0
    else:
        match = _DURATION.match(str(text))
        if not match:
            raise InvalidParameterError(param, f"cannot read {shown(str(text))} as a duration (examples: 30d, 36h, 2w)")
        unit = (match.group(2) or "d").lower()
        key = "mo" if unit.startswith("mo") else unit[0]
        hours = float(match.group(1)) * _HOURS_PER[key]
    if not math.isfinite(hours) or hours <= 0 or hours > 100 * HOURS_PER_YEAR:
        raise InvalidParameterError(param, f"must be a duration > 0 and at most 100 years (got {shown(text)})")
    return hours


def parse_percent(text: str | float, param: str) -> float:
    """'35%', '35' or 0.35 -> 0.35; must lie in [0, 1)."""
    raw = str(text).strip()
    try:
        value = float(raw.rstrip("%"))
    except ValueError:
        raise InvalidParameterError(param, f"cannot read {shown(text)} as a percentage (example: 35%)") from None
    if raw.endswith("%") or value > 1:
        value /= 100.0
    if not math.isfinite(value) or not 0 <= value < 1:
        raise InvalidParameterError(param, f"must be a percentage from 0% to below 100% (got {shown(text)})")
    return value


def short_number(value: float) -> str:
    """7e9 -> '7B', 1.4e12 -> '1.4T': how sizes are written for people."""
    for suffix, scale in (("P", 1e15), ("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if value >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:.3g}"
