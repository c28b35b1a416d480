"""Reading sizes, money, durations, percentages and counts (costcmp.units)."""

from __future__ import annotations

import pytest

from costcmp.errors import CostcmpError, InvalidParameterError
from costcmp.units import parse_counts, parse_duration_hours, parse_percent, parse_quantity, short_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7B", 7e9),
        ("1.4T", 1.4e12),
        ("7e9", 7e9),
        ("300b", 300e9),
        ("2M", 2e6),
        ("$2M", 2e6),
        ("500k", 5e5),
        ("1_000", 1000.0),
        ("17.2B", 17.2e9),
        (42, 42.0),
    ],
)
def test_quantities(text: str, value: float) -> None:
    assert parse_quantity(text, "x") == pytest.approx(value)


@pytest.mark.parametrize(
    "text", ["0", "-5B", "nan", "inf", "abc", "1e400", "1e31", "7 billion", "", "1,000", float("nan"), -1, True]
)
def test_bad_quantities(text: object) -> None:
    with pytest.raises(CostcmpError):
        parse_quantity(text, "params")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "hours"), [("30d", 720), ("36h", 36), ("2w", 336), ("14", 336), ("1mo", 730), (14, 336), (1.5, 36)]
)
def test_durations(text: str | float, hours: float) -> None:
    """A bare number means days whether it comes as a number or as text (one parser)."""
    assert parse_duration_hours(text) == pytest.approx(hours)


@pytest.mark.parametrize("text", ["0d", "-3d", "soon", "3y", "1e9d", float("inf"), 0])
def test_bad_durations(text: str) -> None:
    with pytest.raises(InvalidParameterError, match="deadline") as caught:
        parse_duration_hours(text)
    assert caught.value.param == "deadline"


def test_percentages() -> None:
    assert parse_percent("35%", "x") == pytest.approx(0.35)
    assert parse_percent("12", "x") == pytest.approx(0.12)
    assert parse_percent(0.2, "x") == pytest.approx(0.2)
    for bad in ("100%", "-5%", "lots"):
        with pytest.raises(CostcmpError):
            parse_percent(bad, "discount")


def test_counts_lists_and_thousands_separators() -> None:
    assert parse_counts("64,256", "gpus") == [64, 256]
    assert parse_counts(["1k", 8], "gpus") == [1000, 8]
    assert parse_counts(None, "gpus") == []
    with pytest.raises(InvalidParameterError, match="did you mean 1024"):
        parse_counts("1,024", "gpus")
    for bad in ("", ",,,", "8,", "1.5", "0", "-8"):
        with pytest.raises(InvalidParameterError) as caught:
            parse_counts(bad, "gpus")
        assert caught.value.param == "gpus"


def test_short_number() -> None:
    assert short_number(7e9) == "7B" and short_number(1.4e12) == "1.4T" and short_number(512) == "512"
