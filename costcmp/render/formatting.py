"""Numbers and names as people read them: dollars, counts, percentages, safe cell text (no rich)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from costcmp.render.safe_text import CELL_LIMIT, terminal_line

CHEAPEST_MARK = "★"
FASTEST_MARK = "»"


def cell_text(value: Any) -> str:
    """A data value as one line of table text: escape sequences and invisible characters removed, cut to
    `CELL_LIMIT` characters (see `costcmp.render.safe_text`)."""
    return terminal_line(value, CELL_LIMIT)


def missing(value: Any) -> bool:
    """No figure to show: None, NaN, an infinity or pandas NA (text is never missing)."""
    if isinstance(value, str):
        return False
    if value is None:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):  # pandas NA, or no number at all
        return True


def count(n: int, noun: str) -> str:
    """'1 offer', '7 offers', '1,250 offers'."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def usd(value: Any) -> str:
    """A dollar amount with precision that suits its size ($0.0627, $3.060, $98.32, $1,234)."""
    if missing(value):
        return "—"
    value = float(value)
    if value >= 1000:
        return f"${value:,.0f}"
    if value >= 10:
        return f"${value:,.2f}"
    if value >= 1:
        return f"${value:.3f}"
    return f"${value:.4f}"


def number(value: Any, digits: int = 0) -> str:
    if missing(value):
        return "—"
    value = float(value)
    if digits == 0 or value == round(value):
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def percent(value: Any) -> str:
    """A share 0-1 as a whole percentage; a dash when missing."""
    return "—" if missing(value) else f"{float(value):.0%}"


def money(value: Any) -> str:
    """Large dollar amounts in a readable unit: $2.56M, $303.0M, $1.33B."""
    if missing(value):
        return "—"
    value = float(value)
    for unit, scale in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= scale:
            return f"${value / scale:,.2f}{unit}"
    return usd(value)


def cost_range(low: Any, high: Any) -> str:
    """A cost band: '$0.82M-1.48M'."""
    if missing(low) or missing(high):
        return "—"
    return f"{money(low)}-{money(high).lstrip('$')}"


def days_range(low: Any, high: Any) -> str:
    """A duration band: '24.1-43.7 d'."""
    if missing(low) or missing(high):
        return "—"
    digits = 1 if float(high) < 100 else 0
    return f"{float(low):,.{digits}f}-{float(high):,.{digits}f} d"


def likely_range(row: Mapping[Any, Any]) -> str:
    """A plan's band, days and cost: '27.5-49.8 d, $0.95M-1.72M'."""
    return f"{days_range(row['days_low'], row['days_high'])}, {cost_range(row['cost_usd_low'], row['cost_usd_high'])}"
