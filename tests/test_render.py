from __future__ import annotations

import io

import pandas as pd
from rich.console import Console

from costcmp import offers, render
from costcmp.hardware import gpu_specs


def test_offers_table_marks_the_cheapest_per_gpu(
    shipped_offers: pd.DataFrame, console: tuple[Console, io.StringIO]
) -> None:
    term, buffer = console
    rows = offers.with_derived(
        offers.filter_offers(shipped_offers, gpu="H100,A100", pricing="on_demand", region="us-east-1,eastus")
    )
    render.offers_table(term, rows, title="prices")
    text = buffer.getvalue()
    assert text.count(render.CHEAPEST_MARK) == 3  # one per GPU model, plus the legend line
    cheapest_h100 = next(line for line in text.splitlines() if "★$6.880" in line)
    assert "p5.48xlarge" in cheapest_h100 or "p5.4xlarge" in cheapest_h100
    assert "Standard_ND96asr_v4" in text and "$3.400" in text  # 27.197 / 8 GPUs


def test_gpus_table(console: tuple[Console, io.StringIO]) -> None:
    term, buffer = console
    render.gpus_table(term, gpu_specs())
    text = buffer.getvalue()
    assert "MI300X" in text and "989.4" in text and "1,307.4" in text


def test_money_formatting() -> None:
    assert render.usd(0.0627) == "$0.0627"
    assert render.usd(3.06) == "$3.060"
    assert render.usd(98.32) == "$98.32"
    assert render.usd(1234.5) == "$1,234"
    assert render.usd(float("nan")) == "—"
