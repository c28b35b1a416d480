from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from costcmp import export
from costcmp.schema import SCHEMA_COLUMNS, coerce


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tx", "  =1+1", "\n@x"])
def test_formula_cells_are_neutralised(text: str) -> None:
    assert export.neutralise_cell(text) == "'" + text


def test_a_bare_carriage_return_cannot_start_a_record() -> None:
    """A crafted cache cell "ok\r=1+1" must not become a second record starting with "=" in a spreadsheet."""
    assert export.neutralise_cell("\rx") == "'\nx"
    df = pd.DataFrame({"detail": ["ok\r=HYPERLINK(1)", "a\r\nb", "fine"], "n": [1, 2, 3]})
    buffer = io.StringIO()
    export.write_csv(df, buffer)
    text = buffer.getvalue()
    assert "\r" not in text and '"ok\n=HYPERLINK(1)"' in text and '"a\nb"' in text
    back = pd.read_csv(io.StringIO(text))
    assert back["n"].tolist() == [1, 2, 3]


def test_plain_text_and_numbers_are_untouched() -> None:
    assert export.neutralise_cell("p5.48xlarge") == "p5.48xlarge"
    assert export.neutralise_cell(-3.5) == -3.5


def test_csv_keeps_negative_numbers_numeric() -> None:
    df = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "ok"], "delta": [-1.5, 2.0]})
    buffer = io.StringIO()
    export.write_csv(df, buffer)
    back = pd.read_csv(io.StringIO(buffer.getvalue()))
    assert back["name"].tolist() == ["'=cmd|' /C calc'!A0", "ok"]
    assert back["delta"].tolist() == [-1.5, 2.0]


def test_csv_round_trip_through_pandas(shipped_offers: pd.DataFrame) -> None:
    buffer = io.StringIO()
    export.write_csv(shipped_offers, buffer)
    back = pd.read_csv(io.StringIO(buffer.getvalue()), dtype=str, keep_default_na=False, na_values=[""])
    again = coerce(back, "round trip")
    pd.testing.assert_frame_equal(again, shipped_offers)


def test_json_round_trip(shipped_offers: pd.DataFrame) -> None:
    buffer = io.StringIO()
    export.write_json(shipped_offers, buffer)
    data = json.loads(buffer.getvalue())
    assert len(data) == len(shipped_offers) and list(data[0]) == list(SCHEMA_COLUMNS)
    missing_net = [r for r in data if r["network_gbps"] is None]
    assert missing_net, "NaN must become null, not NaN"
    back = coerce(pd.DataFrame(data), "json")
    pd.testing.assert_frame_equal(back, shipped_offers)
