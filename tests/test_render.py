from __future__ import annotations

import io

import pandas as pd
from rich.console import Console

from costcmp import offers
from costcmp.hardware import gpu_specs
from costcmp.render import formatting, offer_tables


def test_offers_table_marks_the_cheapest_per_gpu(
    shipped_offers: pd.DataFrame, console: tuple[Console, io.StringIO]
) -> None:
    term, buffer = console
    rows = offers.with_derived(
        offers.filter_offers(shipped_offers, gpu="H100,A100", pricing="on_demand", region="us-east-1,eastus")
    )
    offer_tables.offers_table(term, rows, title="prices")
    text = buffer.getvalue()
    assert text.count(formatting.CHEAPEST_MARK) == 3  # one per GPU model, plus the legend line
    cheapest_h100 = next(line for line in text.splitlines() if "★$6.880" in line)
    assert "p5.48xlarge" in cheapest_h100 or "p5.4xlarge" in cheapest_h100
    assert "Standard_ND96asr_v4" in text and "$3.400" in text  # 27.197 / 8 GPUs


def test_gpus_table(console: tuple[Console, io.StringIO]) -> None:
    term, buffer = console
    offer_tables.gpus_table(term, gpu_specs())
    text = buffer.getvalue()
    assert "MI300X" in text and "989.4" in text and "1,307.4" in text


def test_money_formatting() -> None:
    assert formatting.usd(0.0627) == "$0.0627"
    assert formatting.usd(3.06) == "$3.060"
    assert formatting.usd(98.32) == "$98.32"
    assert formatting.usd(1234.5) == "$1,234"
    assert formatting.usd(float("nan")) == "—"


def test_data_cells_cannot_drive_the_terminal(console: tuple[Console, io.StringIO]) -> None:
    """Control characters and escape sequences in a crafted cache never reach the terminal."""
    term, buffer = console
    row = {
        "provider": "aws", "region": "us-east-1", "instance_type": "p5\x1b[31m.48xlarge\x07[bold]x[/bold]",
        "gpu": "H100", "gpu_count": 8, "gpu_memory_gb": 80.0, "vcpus": 192, "memory_gb": 2048.0,
        "network_gbps": 3200.0, "pricing": "on_demand", "usd_per_hour": 55.04, "usd_per_gpu_hour": 6.88,
        "as_of": "2026-07-20", "source": "t", "detail": "",
    }  # fmt: skip
    offer_tables.offers_table(term, offers.with_derived(pd.DataFrame([row])), title="prices")
    text = buffer.getvalue()
    assert "\x1b" not in text and "\x07" not in text and "p5.48xlarge[bold]x[/bold]" in text


def test_ascii_terminal_gets_ascii(monkeypatch: object) -> None:
    from costcmp.render.terminal import console_for

    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", errors="strict")
    console = console_for(stream)
    offer_tables.gpus_table(console, gpu_specs())
    formatting_line = "★ cheapest — 1,024×H100 …"
    console.print(formatting_line)
    stream.flush()
    text = raw.getvalue().decode("ascii")
    assert "* cheapest - 1,024xH100 ..." in text and "MI300X" in text
