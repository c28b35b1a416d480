"""Terminal output: the only module that imports rich. Every function draws on a Console it is given."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    import pandas as pd

CHEAPEST_MARK = "★"
FASTEST_MARK = "»"


def _missing(value: Any) -> bool:
    if isinstance(value, str):
        return False
    try:
        return value is None or bool(value != value) or math.isinf(value)
    except TypeError:  # pandas NA
        return True


def count(n: int, noun: str) -> str:
    """'1 offer', '7 offers', '1,250 offers'."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


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


def _fit_columns(cells: list[list[str]], priorities: list[int], width: int) -> list[int]:
    """Indexes of the columns to show: drop by priority (highest first; 0 = never) until the cells fit."""
    widths = [max(cell_len(row[i]) for row in cells) + 1 for i in range(len(cells[0]))]
    keep = list(range(len(priorities)))
    for priority in sorted({p for p in priorities if p}, reverse=True):
        if sum(widths[i] for i in keep) <= width:
            break
        keep = [i for i in keep if priorities[i] != priority]
    return keep


_CPU_COLUMNS: tuple[tuple[str, Literal["left", "right"], int, Callable[[Any], str]], ...] = (
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


def narrow_note(console: Console, hidden: list[str]) -> None:
    """Name the columns `_fit_columns` dropped, so a narrow terminal never hides data silently."""
    if hidden:
        console.print(
            f"(narrow terminal: {', '.join(hidden)} not shown; all columns are in --format csv)", style="dim"
        )


def offers_table(console: Console, offers: pd.DataFrame, *, title: str | None = None) -> None:
    """The offers as a table; the cheapest $/GPU-hour of each GPU model is marked and highlighted."""
    _priced_table(console, offers, _OFFER_COLUMNS, ("gpu", "usd_per_gpu_hour", "$/GPU-h"), title)
    if len(offers):
        console.print(
            f"{CHEAPEST_MARK} cheapest $/GPU-hour for that GPU.  Gbps: scale-out network per instance.  "
            "$/PFLOP-h: USD per hour of dense 16-bit (BF16, else FP16) peak PFLOP/s.",
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
    columns: tuple[tuple[str, Literal["left", "right"], int, Callable[[Any], str]], ...],
    best: tuple[str, str, str],
    title: str | None,
) -> None:
    """Rows in `columns`, dropping low-priority columns to fit the terminal; `best` = (group column,
    price column, header): the cheapest row of each group is marked and bold."""
    group, price, best_header = best
    cheapest = set(offers.groupby(group)[price].idxmin().dropna()) if len(offers) else set()
    rows = [(index, [show(row) for _, _, _, show in columns]) for index, row in offers.iterrows()]
    headers = [header for header, _, _, _ in columns]
    priorities = [priority for _, _, priority, _ in columns]
    keep = _fit_columns([headers] + [cells for _, cells in rows], priorities, console.width - 1)
    table = _compact_table(title)
    for i in keep:
        table.add_column(headers[i], justify=columns[i][1], no_wrap=True)
    marked = headers.index(best_header)
    for index, cells in rows:
        is_best = index in cheapest
        shown: list[str | Text] = [cells[i] for i in keep]
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


#: Plan columns: header, justification, drop order on narrow terminals (0 = never dropped).
_PLAN_COLUMNS: tuple[tuple[str, Literal["left", "right"], int], ...] = (
    ("", "left", 0),
    ("cloud", "left", 0),
    ("region", "left", 0),
    ("instance", "left", 0),
    ("pricing", "left", 0),
    ("GPUs", "right", 0),
    ("eff.", "right", 3),
    ("net", "right", 4),
    ("days", "right", 0),
    ("GPU-hours", "right", 2),
    ("cost", "right", 0),
    ("commitment", "right", 5),
    ("$/M tok", "right", 1),
)
_NOTES_MIN_WIDTH = 24


def plan_table(console: Console, plans: pd.DataFrame, summary: Iterable[str], *, title: str) -> None:
    """The summary paragraph, then one row per plan; the cheapest and the fastest plan that fit are marked.

    Figures are never truncated: on a narrow terminal low-priority columns are dropped (and named) and
    only the notes column wraps.
    """
    for line in summary:
        console.print(line, highlight=False)
    console.print()
    fits = plans["fits"].to_numpy() & plans["cost_usd"].notna().to_numpy()
    positions = [i for i in range(len(plans)) if fits[i]]
    cheapest = min(positions, key=lambda i: plans["cost_usd"].iloc[i]) if positions else None
    fastest = min(positions, key=lambda i: plans["days"].iloc[i]) if positions else None
    has_commitment = bool((plans["commitment_usd"] > 0).any())
    rows = []
    for i, (_, row) in enumerate(plans.iterrows()):
        mark = ("$" if i == cheapest else "") + (FASTEST_MARK if i == fastest else "")
        rows.append(
            [
                mark,
                row["provider"],
                row["region"],
                row["instance_type"],
                row["pricing"].replace("_", "-"),
                f"{row['gpus']:,}×{row['gpu']}",
                f"{row['efficiency']:.0%}",
                _percent(row["network_derate"]),
                number(row["days"], 1),
                number(row["gpu_hours"]),
                usd(row["cost_usd"]),
                usd(row["commitment_usd"]) if row["commitment_usd"] else "",
                usd(row["usd_per_million_tokens"]),
            ]
        )
    headers = [h for h, _, _ in _PLAN_COLUMNS]
    priorities = [p if h != "commitment" or has_commitment else 99 for h, _, p in _PLAN_COLUMNS]
    keep = _fit_columns([headers, *rows], priorities, console.width - 1 - _NOTES_MIN_WIDTH)
    keep = [i for i in keep if priorities[i] != 99]
    notes = plans["notes"].tolist()
    fitting_rows = plans["fits"].tolist()
    used = sum(max(cell_len(r[i]) for r in [headers, *rows]) + 1 for i in keep)
    notes_below = used + _NOTES_MIN_WIDTH > console.width - 1
    table = _compact_table(title)
    if notes_below:
        table.add_column("#", justify="right", no_wrap=True)
    for i in keep:
        width = max(cell_len(r[i]) for r in [headers, *rows])
        table.add_column(headers[i], justify=_PLAN_COLUMNS[i][1], no_wrap=True, min_width=width)
    if not notes_below:
        table.add_column("notes", min_width=_NOTES_MIN_WIDTH, ratio=1)
    for i, cells in enumerate(rows):
        shown: list[str | Text] = [cells[j] for j in keep]
        if notes_below:
            shown.insert(0, str(i + 1))
        else:
            shown.append(notes[i] if fitting_rows[i] else Text(notes[i], style="red"))
        table.add_row(
            *shown, style="bold green" if i in (cheapest, fastest) else (None if fitting_rows[i] else "dim")
        )
    console.print(table)
    console.print(
        f"$ cheapest, {FASTEST_MARK} fastest of the plans that fit.  eff.: MFU × goodput.  "
        "net: speed left after gradient communication.  Plans that do not fit the model come last, dimmed.",
        style="dim",
    )
    if notes_below:
        for i, note in enumerate(notes):
            if note:
                console.print(
                    f"{i + 1:>3}. {note}", highlight=False, style=None if fitting_rows[i] else "red"
                )
    narrow_note(console, [headers[i] for i in range(len(headers)) if i not in keep and priorities[i] != 99])


def _percent(value: Any) -> str:
    return "—" if _missing(value) else f"{float(value):.0%}"


def simple_table(
    console: Console, df: pd.DataFrame, columns: Iterable[tuple[str, str, str]], *, title: str
) -> None:
    """A table of `df` from (header, column, format) triples.

    Formats: '' text, 'int', 'float1', 'pct' (signed percent), 'sci', 'usd', 'share' (0-1 as percent).
    """
    table = _compact_table(title)
    spec = list(columns)
    for header, _, fmt in spec:
        table.add_column(header, justify="left" if fmt == "" else "right", no_wrap=fmt != "")
    formats = {
        "": lambda v: "" if _missing(v) else str(v),
        "int": number,
        "float1": lambda v: number(v, 1),
        "pct": lambda v: "—" if _missing(v) else f"{float(v):+.1f}%",
        "sci": lambda v: "—" if _missing(v) else f"{float(v):.3g}",
        "usd": usd,
        "share": _percent,
    }
    for _, row in df.iterrows():
        table.add_row(*[formats[fmt](row[column]) for _, column, fmt in spec])
    console.print(table)


class RichRefreshProgress:
    """Live progress for `costcmp refresh` in a terminal: one line per provider and region."""

    def __init__(self, console: Console) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<28}"),
            TextColumn("{task.fields[status]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self._tasks: dict[tuple[str, str], Any] = {}

    def __enter__(self) -> RichRefreshProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def region_started(self, provider: str, region: str) -> None:
        self._tasks[(provider, region)] = self._progress.add_task(
            f"{provider} {region}", total=None, status="starting"
        )

    def page_fetched(self, provider: str, region: str, pages: int, rows: int) -> None:
        self._progress.update(self._tasks[(provider, region)], status=f"{pages} pages, {rows} products")

    def region_finished(self, outcome: Any) -> None:
        status = (
            f"[green]ok[/] {outcome.pages} pages, {outcome.rows} rows"
            if outcome.ok
            else f"[red]failed[/] {outcome.error}"
        )
        self._progress.update(
            self._tasks[(outcome.provider, outcome.region)], status=status, total=1, completed=1
        )


class LogRefreshProgress:
    """Plain log lines for `costcmp refresh` when the output is not a terminal."""

    def __init__(self, stream: Any) -> None:
        import threading

        self._stream = stream
        self._lock = threading.Lock()

    def __enter__(self) -> LogRefreshProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def _say(self, text: str) -> None:
        with self._lock:
            print(text, file=self._stream, flush=True)

    def region_started(self, provider: str, region: str) -> None:
        self._say(f"{provider} {region}: fetching")

    def page_fetched(self, provider: str, region: str, pages: int, rows: int) -> None:
        pass

    def region_finished(self, outcome: Any) -> None:
        if outcome.ok:
            self._say(
                f"{outcome.provider} {outcome.region}: ok, {outcome.pages} pages, {outcome.rows} rows "
                f"in {outcome.seconds:.1f}s"
            )
        else:
            self._say(f"{outcome.provider} {outcome.region}: FAILED: {outcome.error}")


def refresh_summary(console: Console, report: Any) -> None:
    """Per region: status, pages, rows, what was skipped; then where the cache was written."""
    table = _compact_table("Refresh")
    for header, justify in (
        ("cloud", "left"),
        ("region", "left"),
        ("status", "left"),
        ("pages", "right"),
        ("rows", "right"),
        ("seconds", "right"),
        ("skipped / kept", "left"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for o in report.outcomes:
        skipped = "; ".join(f"{n} x {reason}" for reason, n in sorted(o.skipped.items()))
        if o.kept_previous:
            skipped = f"{o.kept_previous} previous rows kept" + (f"; {skipped}" if skipped else "")
        if o.notes:
            skipped = "; ".join(o.notes) + (f"; {skipped}" if skipped else "")
        status = Text("ok", style="green") if o.ok else Text(f"failed: {o.error}", style="red")
        table.add_row(o.provider, o.region, status, str(o.pages), str(o.rows), f"{o.seconds:.1f}", skipped)
    console.print(table)
    if report.written_to is not None:
        console.print(f"Wrote {report.total_rows:,} offers to {report.written_to}.", highlight=False)
    else:
        console.print("Nothing written: no region returned prices; the cache is unchanged.", highlight=False)
    if report.failed:
        console.print(f"{len(report.failed)} region(s) failed and kept their previous rows.", style="yellow")
