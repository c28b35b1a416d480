"""Replace cached prices from the providers' APIs: regions fetched concurrently, failures contained.

Provider-neutral: it runs any `PriceAdapter`s. Each (provider, region) is fetched in a thread pool;
a region that fails keeps its previous rows and is named in the report; a region that answers with
no GPU offers at all keeps its previous rows too (and says so), since an empty answer is more often
a filter or permission problem than a region that stopped selling GPUs. The merged table is
validated and written atomically to the user cache, never into the installed package; if every
region failed, or the user pressed Ctrl-C, nothing is written.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from costcmp import cache
from costcmp.errors import CostcmpError, InvalidParameterError
from costcmp.pricing.adapter import PriceAdapter, RegionResult

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import pandas as pd


class RefreshProgress(Protocol):
    """What the refresh reports as it goes (the CLI draws it; tests record it)."""

    def region_started(self, provider: str, region: str) -> None: ...

    def page_fetched(self, provider: str, region: str, pages: int, rows: int) -> None: ...

    def region_finished(self, outcome: RegionOutcome) -> None: ...


class SilentProgress:
    def region_started(self, provider: str, region: str) -> None:
        pass

    def page_fetched(self, provider: str, region: str, pages: int, rows: int) -> None:
        pass

    def region_finished(self, outcome: RegionOutcome) -> None:
        pass


@dataclass
class RegionOutcome:
    provider: str
    region: str
    rows: int = 0
    pages: int = 0
    seconds: float = 0.0
    error: str | None = None
    skipped: Counter[str] = field(default_factory=Counter)
    kept_previous: int = 0  # previous rows kept because this region failed or returned nothing
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class RefreshReport:
    outcomes: list[RegionOutcome]
    written_to: Path | None
    total_rows: int
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[RegionOutcome]:
        return [o for o in self.outcomes if not o.ok]


def _fetch(adapter: PriceAdapter, region: str, progress: RefreshProgress) -> tuple[RegionOutcome, RegionResult | None]:
    outcome = RegionOutcome(adapter.name, region)
    progress.region_started(adapter.name, region)
    pages = 0
    start = time.perf_counter()

    def on_page(rows: int) -> None:
        nonlocal pages
        pages += 1
        progress.page_fetched(adapter.name, region, pages, rows)

    result = None
    try:
        result = adapter.fetch_region(region, on_page)
        outcome.rows, outcome.pages, outcome.skipped = len(result.rows), result.pages, result.skipped
        outcome.notes = list(result.notes)
    except CostcmpError as exc:  # the adapter's typed failures (API, network, bad data): this region only
        outcome.error = str(exc)
        log.info("%s %s failed: %s", adapter.name, region, exc)
    outcome.seconds = time.perf_counter() - start
    return outcome, result


def refresh(
    adapters: Sequence[PriceAdapter],
    regions: Mapping[str, Sequence[str]] | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    workers: int = 16,
    progress: RefreshProgress | None = None,
    now: datetime | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> RefreshReport:
    """Fetch every (provider, region), then merge into the latest committed table and commit the user cache.

    Checked before any network call: `workers` (1-64), each region against its provider's registry list,
    and that the cache directory is writable. Fetching takes no lock; the commit does (`on_wait` is told
    when another refresh holds it) and merges into whatever is committed then, so concurrent refreshes
    keep each other's rows. Nothing is written if no region returned rows or the user interrupts."""
    if not 1 <= workers <= 64:
        raise InvalidParameterError("workers", f"must be from 1 to 64 (got {workers})")
    progress = progress or SilentProgress()
    wanted = {name: _checked_regions(name, list(codes)) for name, codes in (regions or {}).items()}
    tasks = [(a, r) for a in adapters for r in (wanted.get(a.name) or a.default_regions())]
    if not tasks:
        raise CostcmpError("no regions to refresh")
    target = cache.user_cache_dir(cache_dir)
    cache.ensure_writable(target)
    # Each region is reported as soon as it is fetched; the rows are validated together afterwards (one
    # vectorized pass costs what one region's does), a region with a bad row then failing alone.
    results = _fetch_all(tasks, workers, progress, lambda outcome, _: progress.region_finished(outcome))
    _validate_fresh(results)
    outcomes = sorted((o for o, _ in results), key=lambda o: (o.provider, o.region))
    fresh = [(o, r) for o, r in results if r is not None and len(r.rows)]
    if not fresh:
        return RefreshReport(outcomes, None, 0)
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    written: dict[str, int] = {}

    def merge(base: cache.Snapshot, notes: list[str]) -> tuple[pd.DataFrame, dict]:
        merged = _merge(base.offers, results)
        written["rows"] = len(merged)
        return merged, _meta(base.meta, merged, outcomes, adapters, stamp)

    notes = cache.commit(target, merge, on_wait=on_wait)
    return RefreshReport(outcomes, target, written["rows"], notes)


def _checked_regions(provider: str, codes: list[str]) -> list[str]:
    """Region codes as the provider spells them, refused before any network call when unknown."""
    from costcmp.providers import REGISTRY

    spec = REGISTRY.get(provider)
    return [spec.validate_region(code) for code in codes] if spec else codes


def _fetch_all(
    tasks: list[tuple[PriceAdapter, str]],
    workers: int,
    progress: RefreshProgress,
    finished: Callable[[RegionOutcome, RegionResult | None], None],
) -> list[tuple[RegionOutcome, RegionResult | None]]:
    """Run the fetches on daemon threads: Ctrl-C returns at once (nothing is written then), and the
    process can exit without waiting for requests in flight. `finished` is called in this thread for
    each region as soon as it is done, in the order regions finish (the fast ones first)."""
    import queue
    import threading

    todo: queue.SimpleQueue[tuple[PriceAdapter, str]] = queue.SimpleQueue()
    for task in tasks:
        todo.put(task)
    done: queue.SimpleQueue[tuple[RegionOutcome, RegionResult | None] | BaseException] = queue.SimpleQueue()
    stop = threading.Event()

    def work() -> None:
        while not stop.is_set():
            try:
                adapter, region = todo.get_nowait()
            except queue.Empty:
                return
            try:
                done.put(_fetch(adapter, region, progress))
            except BaseException as exc:  # a bug or an interrupt: re-raised in the calling thread
                done.put(exc)
                return

    for i in range(min(workers, len(tasks))):
        threading.Thread(target=work, name=f"costcmp-refresh-{i}", daemon=True).start()
    results: list[tuple[RegionOutcome, RegionResult | None]] = []
    try:
        while len(results) < len(tasks):
            try:
                item = done.get(timeout=0.2)
            except queue.Empty:
                continue
            if isinstance(item, BaseException):
                raise item
            finished(*item)
            results.append(item)
    except BaseException:
        stop.set()
        raise
    return results


def _merge(previous: pd.DataFrame, results: list[tuple[RegionOutcome, RegionResult | None]]) -> pd.DataFrame:
    """The previous table with each refreshed region's rows replaced by the fresh ones. A region that
    failed or returned nothing keeps its rows; CPU-only rows stay unless the region returned its own."""
    import pandas as pd

    keep = pd.Series(True, index=previous.index)
    fresh: list[pd.DataFrame] = []
    for outcome, result in results:
        in_region = (previous["provider"] == outcome.provider) & (previous["region"] == outcome.region)
        if result is not None and len(result.rows):
            if not (result.rows["gpu_count"] == 0).any():
                in_region &= previous["gpu_count"] > 0
            keep &= ~in_region
            fresh.append(result.rows)
        else:
            outcome.kept_previous = int(in_region.sum())
            if outcome.ok and not outcome.rows:
                outcome.skipped["no GPU offers returned (previous rows kept)"] += 1
    merged = pd.concat([previous[keep], *fresh], ignore_index=True)
    merged = _keep_spot_bands(merged, previous)
    merged = merged.sort_values(["provider", "instance_type", "region", "pricing"], kind="stable")
    return merged.reset_index(drop=True)


def _keep_spot_bands(merged: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """A fresh spot row without a band (the advisory feed failed or lacks the type) keeps the band the
    previous snapshot had for the same offer: a failed fetch never erases published bands."""
    key = ["provider", "region", "instance_type", "pricing"]
    old = previous.loc[
        (previous["pricing"] == "spot") & (previous["spot_interruption"] != ""), [*key, "spot_interruption"]
    ]
    if old.empty:
        return merged
    joined = merged.merge(old.rename(columns={"spot_interruption": "_old_band"}), on=key, how="left")
    empty = (joined["spot_interruption"].fillna("") == "") & joined["_old_band"].notna()
    joined.loc[empty, "spot_interruption"] = joined.loc[empty, "_old_band"]
    return joined.drop(columns="_old_band")


def _validate_fresh(results: list[tuple[RegionOutcome, RegionResult | None]]) -> None:
    """Complete and validate every region's new rows: the derived `usd_per_gpu_hour` is computed here,
    once for every adapter, and the rows coerced to the schema in one vectorized pass; only if that
    fails, region by region, so that a region with a bad row fails alone (keeping its previous rows)
    and the rest land."""
    import pandas as pd

    from costcmp.errors import SchemaError
    from costcmp.schema import coerce, with_gpu_hour_price

    live = [(o, r) for o, r in results if r is not None and len(r.rows)]
    if not live:
        return
    try:
        joined = pd.concat([r.rows for _, r in live], ignore_index=True)
        table = coerce(with_gpu_hour_price(joined), "refreshed rows")
    except SchemaError:
        for outcome, result in live:
            try:
                rows = with_gpu_hour_price(result.rows.reset_index(drop=True))
                result.rows = coerce(rows, f"{outcome.provider} {outcome.region}")
            except SchemaError as exc:
                outcome.error, outcome.rows, result.rows = f"bad data: {exc}", 0, result.rows.iloc[0:0]
        return
    start = 0
    for _, result in live:
        count = len(result.rows)
        result.rows = table.iloc[start : start + count].reset_index(drop=True)
        start += count


def _meta(
    previous: dict,
    merged: pd.DataFrame,
    outcomes: list[RegionOutcome],
    adapters: Sequence[PriceAdapter],
    stamp: str,
) -> dict:
    providers = dict(previous.get("providers") or {})
    for adapter in adapters:
        mine = [o for o in outcomes if o.provider == adapter.name]
        rows = merged[merged["provider"] == adapter.name]
        entry = dict(providers.get(adapter.name) or {})
        succeeded = sorted(o.region for o in mine if o.ok and o.rows)
        region_stamps = dict(entry.get("regions_refreshed_at") or {})
        region_stamps.update({region: stamp for region in succeeded})
        failed = {k: v for k, v in (entry.get("failed_regions") or {}).items() if k not in succeeded}
        failed.update({o.region: o.error for o in mine if not o.ok})
        entry.update(
            rows=len(rows),
            as_of_oldest=str(rows["as_of"].min()) if len(rows) else None,
            as_of_newest=str(rows["as_of"].max()) if len(rows) else None,
            regions_refreshed_at=dict(sorted(region_stamps.items())),
            failed_regions=dict(sorted(failed.items())),
        )
        if succeeded:  # the provider's refresh time moves only when some region of it refreshed
            entry["refreshed_at"] = stamp
            entry["refreshed_regions"] = succeeded
            entry.setdefault("sources", {})
            entry["sources"] = {**entry["sources"], "live": {"as_of": stamp[:10], "source": adapter.source}}
        providers[adapter.name] = entry
    return {"generated_at": stamp, "origin": "costcmp refresh", "providers": providers}
