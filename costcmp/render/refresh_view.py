"""What `costcmp refresh` shows: live progress per region (or log lines off a terminal) and the summary."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from rich.text import Text

from costcmp.render.formatting import cell_text
from costcmp.render.layout import compact_table
from costcmp.render.safe_text import terminal_line

if TYPE_CHECKING:
    from rich.console import Console


class RichRefreshProgress:
    """Live progress for `costcmp refresh` in a terminal: one line per provider and region."""

    def __init__(self, console: Console) -> None:
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<28}", markup=False),  # data: never read as console markup
            TextColumn("{task.fields[status]}", markup=False),
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
            cell_text(f"{provider} {region}"), total=None, status="starting"
        )

    def page_fetched(self, provider: str, region: str, pages: int, rows: int) -> None:
        self._progress.update(self._tasks[(provider, region)], status=f"{pages} pages, {rows} products")

    def region_finished(self, outcome: Any) -> None:
        status = (
            f"ok {outcome.pages} pages, {outcome.rows} rows" if outcome.ok else cell_text(f"failed {outcome.error}")
        )
        self._progress.update(self._tasks[(outcome.provider, outcome.region)], status=status, total=1, completed=1)


class LogRefreshProgress:
    """Plain log lines for `costcmp refresh` when the output is not a terminal."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def __enter__(self) -> LogRefreshProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def _say(self, text: str) -> None:
        with self._lock:
            print(terminal_line(text), file=self._stream, flush=True)

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


def refresh_summary(console: Console, report: Any) -> None:  # a costcmp.refresh.RefreshReport
    """Per region: status, pages, rows, what was skipped; then where the cache was written."""
    table = compact_table("Refresh")
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
        status = Text("ok", style="green") if o.ok else Text(cell_text(f"failed: {o.error}"), style="red")
        table.add_row(
            Text(cell_text(o.provider)), Text(cell_text(o.region)), status, str(o.pages), str(o.rows),
            f"{o.seconds:.1f}", Text(terminal_line(skipped)),
        )  # fmt: skip
    console.print(table)
    if report.written_to is not None:
        console.print(terminal_line(f"Wrote {report.total_rows:,} offers to {report.written_to}."))
    else:
        console.print("Nothing written: no region returned prices; the cache is unchanged.", highlight=False)
    if report.failed:
        console.print(f"{len(report.failed)} region(s) failed and kept their previous rows.", style="yellow")
