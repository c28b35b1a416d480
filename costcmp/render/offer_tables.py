"""Price tables: GPU offers, CPU-only offers and the GPU hardware table."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text

from costcmp.render.formatting import CHEAPEST_MARK, cell_text, number, usd
from costcmp.render.layout import compact_table, fit_columns, narrow_note, simple_table

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

Column = tuple[str, Literal["left", "right"], int, Callable[[Any], str]]

#: and how a row is shown. vCPU/RAM go first, then the date, then memory and network; CSV keeps all.
_OFFER_COLUMNS: tuple[Column, ...] = (
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
    ("interrupts", "left", 1, lambda r: r.get("spot_interruption") or ""),
    ("as of", "left", 4, lambda r: r["as_of"]),
)


_CPU_COLUMNS: tuple[Column, ...] = (
    ("cloud", "left", 0, lambda r: r["provider"]),
    ("region", "left", 0, lambda r: r["region"]),
    ("instance", "left", 0, lambda r: r["instance_type"]),
    ("vCPU", "right", 0, lambda r: number(r["vcpus"])),
    ("cores", "right", 0, lambda r: number(r["cores"])),
    ("RAM GiB", "right", 3, lambda r: number(r["memory_gb"])),
    ("Gbps", "right", 2, lambda r: number(r["network_gbps"], 1)),
    ("pricing", "left", 0, lambda r: r["pricing"].replace("_", "-")),
    ("$/hour", "right", 0, lambda r: usd(r["usd_per_hour"])),
    ("$/core-h", "right", 0, lambda r: usd(r["usd_per_core_hour"])),
    ("as of", "left", 1, lambda r: r["as_of"]),
)


def offers_table(console: Console, offers: pd.DataFrame, *, title: str | None = None) -> None:
    """The offers as a table; the cheapest $/GPU-hour of each GPU model is marked and highlighted."""
    _priced_table(console, offers, _OFFER_COLUMNS, ("gpu", "usd_per_gpu_hour", "$/GPU-h"), title)
    if len(offers):
        console.print(
            f"{CHEAPEST_MARK} cheapest $/GPU-hour for that GPU.  Gbps: scale-out network per instance.  "
            "$/PFLOP-h: USD per hour of dense 16-bit (BF16, else FP16) peak PFLOP/s."
            + (
                "  interrupts: spot capacity reclaimed last month (AWS Spot Instance Advisor band)."
                if "spot_interruption" in offers and (offers["spot_interruption"].fillna("") != "").any()
                else ""
            ),
            style="dim",
        )


def cpu_offers_table(console: Console, offers: pd.DataFrame, *, title: str | None = None) -> None:
    """CPU-only offers with physical cores and $/core-hour; the cheapest core per provider is marked."""
    _priced_table(console, offers, _CPU_COLUMNS, ("provider", "usd_per_core_hour", "$/core-h"), title)
    if len(offers):
        console.print(
            f"{CHEAPEST_MARK} cheapest $/core-hour on that cloud.  cores: physical cores "
            "(vCPUs / 2, or / 1 for families that run one thread per core).",
            style="dim",
        )


def _priced_table(
    console: Console,
    offers: pd.DataFrame,
    columns: tuple[Column, ...],
    best: tuple[str, str, str],
    title: str | None,
) -> None:
    """Rows in `columns`, dropping low-priority columns to fit the terminal; `best` = (group column,
    price column, header): the cheapest row of each group is marked and bold."""
    group, price, best_header = best
    if "spot_interruption" not in offers or not (offers["spot_interruption"].fillna("") != "").any():
        columns = tuple(c for c in columns if c[0] != "interrupts")  # no published band in these rows
    cheapest = set(offers.groupby(group, observed=True)[price].idxmin().dropna()) if len(offers) else set()
    rows = [
        (index, [cell_text(show(row)) for _, _, _, show in columns])
        for index, row in zip(offers.index, offers.to_dict("records"), strict=True)
    ]
    headers = [header for header, _, _, _ in columns]
    priorities = [priority for _, _, priority, _ in columns]
    keep = fit_columns([headers] + [cells for _, cells in rows], priorities, console.width - 1)
    table = compact_table(title)
    for i in keep:
        table.add_column(headers[i], justify=columns[i][1], no_wrap=True)
    marked = headers.index(best_header)
    for index, cells in rows:
        is_best = index in cheapest
        shown: list[Text] = [Text(cells[i]) for i in keep]
        if is_best:
            shown[keep.index(marked)] = Text(CHEAPEST_MARK + cells[marked], style="bold green")
        table.add_row(*shown, style="bold" if is_best else None)
    console.print(table)
    narrow_note(console, [headers[i] for i in range(len(headers)) if i not in keep])


def gpus_table(console: Console, specs: pd.DataFrame) -> None:
    """The hardware table: memory, bandwidth and dense peak TFLOPS per data type."""
    columns = [("GPU", "name", ""), ("mem GB", "memory_gb", "int"), ("GB/s", "memory_bandwidth_gbs", "int")]
    columns += [
        (header, f"{key}_tflops", "float1")
        for header, key in (
            ("FP64", "fp64"),
            ("FP64 TC", "fp64_tensor"),
            ("FP32", "fp32"),
            ("TF32", "tf32"),
            ("BF16", "bf16"),
            ("FP16", "fp16"),
            ("FP8", "fp8"),
        )
    ]
    columns += [("TDP W", "tdp_watts", "int"), ("conf.", "confidence", "")]
    simple_table(console, specs, columns, title="GPU specifications (dense peak TFLOPS; — = not published)")
    console.print(
        "conf.: C2 confirmed at second hand, U unconfirmed. Form factor and sources: `costcmp gpus --format csv`.",
        style="dim",
    )
