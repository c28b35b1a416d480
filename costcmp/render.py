"""Terminal output: the only module that imports rich. Every function draws on a Console it is given."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    import pandas as pd

CHEAPEST_MARK = "★"


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(value != value) or math.isinf(value)
    except TypeError:  # pandas NA
        return True


def usd(value: Any) -> str:
    """A dollar amount with precision that suits its size ($0.0627, $3.060, $98.32, $1,234)."""
    if _missing(value):
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
    if _missing(value):
        return "—"
    value = float(value)
    if digits == 0 or value == round(value):
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def _compact_table(title: str | None) -> Table:
    return Table(title=title, header_style="bold", box=box.SIMPLE_HEAD, padding=0, pad_edge=False)


#: Offer columns: header, justification, drop order when the terminal is narrow (0 = never dropped),
#: and how a row is shown. vCPU/RAM go first, then the date, then memory and network; CSV keeps all.
_OFFER_COLUMNS: tuple[tuple[str, Literal["left", "right"], int, Callable[[Any], str]], ...] = (
    ("cloud", "left", 0, lambda r: r["provider"]),
    ("region", "left", 0, lambda r: r["region"]),
    ("instance", "left", 0, lambda r: r["instance_type"]),
    ("GPUs", "left", 0, lambda r: f"{r['gpu_count']}×{r['gpu']}"),
    ("GiB/GPU", "right", 3, lambda r: number(r["gpu_memory_gb"], 1)),
    ("vCPU", "right", 6, lambda r: number(r["vcpus"])),
    ("RAM GiB", "right", 5, lambda r: number(r["memory_gb"])),
    ("Gbps", "right", 2, lambda r: number(r["network_gbps"], 1)),
    ("pricing", "left", 0, lambda r: r["pricing"].replace("_", "-")),
    ("$/hour", "right", 0, lambda r: usd(r["usd_per_hour"])),
    ("$/GPU-h", "right", 0, lambda r: usd(r["usd_per_gpu_hour"])),
    ("$/PFLOP-h", "right", 1, lambda r: usd(r.get("usd_per_pflop_hour"))),
    ("as of", "left", 4, lambda r: r["as_of"]),
)


def _fit_columns(cells: list[list[str]], width: int) -> list[int]:
    """Indexes of the columns to show: drop by priority until the widest cells fit in `width`."""
    widths = [max(len(row[i]) for row in cells) + 1 for i in range(len(cells[0]))]
    keep = list(range(len(_OFFER_COLUMNS)))
    for priority in sorted({p for _, _, p, _ in _OFFER_COLUMNS if p}, reverse=True):
        if sum(widths[i] for i in keep) <= width:
            break
        keep = [i for i in keep if _OFFER_COLUMNS[i][2] != priority]
    return keep


def offers_table(console: Console, offers: pd.DataFrame, *, title: str | None = None) -> None:
    """The offers as a table; the cheapest $/GPU-hour of each GPU model is marked and highlighted."""
    cheapest = set(offers.groupby("gpu")["usd_per_gpu_hour"].idxmin().dropna()) if len(offers) else set()
    rows = [(index, [show(row) for _, _, _, show in _OFFER_COLUMNS]) for index, row in offers.iterrows()]
    headers = [header for header, _, _, _ in _OFFER_COLUMNS]
    keep = _fit_columns([headers] + [cells for _, cells in rows], console.width - 1)
    table = _compact_table(title)
    for i in keep:
        table.add_column(headers[i], justify=_OFFER_COLUMNS[i][1], no_wrap=True)
    per_gpu = headers.index("$/GPU-h")
    for index, cells in rows:
        best = index in cheapest
        shown: list[str | Text] = [cells[i] for i in keep]
        if best:
            shown[keep.index(per_gpu)] = Text(CHEAPEST_MARK + cells[per_gpu], style="bold green")
        table.add_row(*shown, style="bold" if best else None)
    console.print(table)
    if cheapest:
        console.print(
            f"{CHEAPEST_MARK} cheapest $/GPU-hour for that GPU.  Gbps: scale-out network per instance.  "
            "$/PFLOP-h: USD per hour of dense 16-bit (BF16, else FP16) peak PFLOP/s.",
            style="dim",
        )
    hidden = [headers[i] for i in range(len(headers)) if i not in keep]
    if hidden:
        console.print(
            f"(narrow terminal: {', '.join(hidden)} not shown; all columns are in --format csv)", style="dim"
        )


def gpus_table(console: Console, specs: pd.DataFrame) -> None:
    """The hardware table: memory, bandwidth and dense peak TFLOPS per data type."""
    table = _compact_table("GPU specifications (dense peak TFLOPS; — = not published)")
    columns = (
        ("GPU", "name", None),
        ("mem GB", "memory_gb", 0),
        ("GB/s", "memory_bandwidth_gbs", 0),
        ("FP64", "fp64_tflops", 1),
        ("FP64 TC", "fp64_tensor_tflops", 1),
        ("FP32", "fp32_tflops", 1),
        ("TF32", "tf32_tflops", 1),
        ("BF16", "bf16_tflops", 1),
        ("FP16", "fp16_tflops", 1),
        ("FP8", "fp8_tflops", 1),
        ("TDP W", "tdp_watts", 0),
        ("conf.", "confidence", None),
    )
    for header, _, digits in columns:
        table.add_column(
            header, justify="left" if digits is None else "right", no_wrap=header != "form factor"
        )
    for _, row in specs.iterrows():
        table.add_row(
            *[str(row[key]) if digits is None else number(row[key], digits) for _, key, digits in columns]
        )
    console.print(table)
    console.print(
        "conf.: C2 confirmed at second hand, U unconfirmed. "
        "Form factor and sources: `costcmp gpus --format csv`.",
        style="dim",
    )


def footer(console: Console, lines: Iterable[str], warnings: Iterable[str] = ()) -> None:
    """Data age, sources and warnings under a report."""
    for line in lines:
        console.print(line, style="dim", highlight=False)
    for warning in warnings:
        console.print(f"warning: {warning}", style="yellow", highlight=False)


def message(console: Console, text: str) -> None:
    console.print(text, highlight=False)
