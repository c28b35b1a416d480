"""The contract between the refresh and a provider's adapter: what an adapter is given and returns.

An adapter is built with its clients injected (tests pass stubbed or loopback clients), lists its
default regions, and fetches one region at a time into rows of the offer schema. It knows nothing of
the cache or the planner; `costcmp.refresh` runs adapters concurrently and writes the result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

#: Called after every page an adapter fetches, with the number of rows kept so far in that region.
PageCallback = Callable[[int], None]


def one_line(text: object, limit: int = 200) -> str:
    """An SDK or HTTP error text squeezed onto one line of at most `limit` characters, for the report."""
    return " ".join(str(text).split())[:limit]


@dataclass
class RegionResult:
    """What one region gave: rows with the schema's columns (validated by the refresh where they enter
    the cache), pages fetched, and what was skipped and why."""

    rows: pd.DataFrame
    pages: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)


@runtime_checkable
class PriceAdapter(Protocol):
    """The contract every provider adapter meets (`tests/test_adapter_contract.py` checks each one).

    * `name` is the provider's name in `costcmp.providers`; `source` says where its prices come from (it
      becomes the `source` of every row, so it names an API, never a file on this machine).
    * `default_regions()` is the regions a refresh fetches when none is named: a subset of the
      provider record's `regions`.
    * `fetch_region(region, on_page)` fetches one region and returns a `RegionResult` whose `rows` hold
      the schema's columns for that provider and region only. Columns it cannot fill are left missing
      (NaN or absent): never 0, never another region's value. Derived columns (`usd_per_gpu_hour`) are
      the refresh's to compute, once, for every adapter. `on_page(rows_so_far)` is called after every
      page, from the calling thread; `pages` counts them. Items it drops are counted in `skipped` by
      reason ("zero on-demand rate (placeholder; not stored)"); anything a reader should know about the
      region's data goes in `notes`.
    * It raises only `RegionFetchError` (the API or network failed for this region, after retries; one
      line of text) or `CredentialsError` (credentials missing or refused). Both are `CostcmpError`s; the
      refresh catches them per region, so one region failing never stops the others.
    * It may retry only the request itself: throttling (429, quota), 5xx and dropped connections, with
      `backoff_seconds` and at most MAX_RETRIES times. Parsing runs outside the retry, so a response
      that does not parse fails at once, as malformed, and a parsing bug is never retried as a network
      fault.
    * It knows nothing of the cache, the planner or the terminal; its clients are injected at
      construction (tests pass loopback or stubbed clients).
    """

    name: str
    source: str

    def default_regions(self) -> list[str]: ...

    def fetch_region(self, region: str, on_page: PageCallback) -> RegionResult: ...


@dataclass(frozen=True)
class AdapterOptions:
    """What the user configured for a refresh. `settings` holds the providers' credential options by
    their registry name (``aws_profile``, ``azure_subscription``); each adapter reads its own."""

    settings: Mapping[str, str | None] = field(default_factory=dict)
    currency: str = "USD"
    workers: int = 16
    sleep: Callable[[float], None] | None = None  # injectable for tests; time.sleep otherwise


#: First retry after about this long, doubling per attempt up to BACKOFF_CAP_S. Short on purpose: a
#: throttled request waits alone (its region's thread), other regions carry on, and a refresh in which
#: every request is throttled once stays within a few times the unthrottled time.
BACKOFF_BASE_S = 0.1
BACKOFF_CAP_S = 20.0
RETRY_AFTER_CAP_S = 60.0
#: Retries per request before its region fails (0.1 + 0.2 + ... + 12.8 s: about 25 s in all).
MAX_RETRIES = 8


def backoff_seconds(attempt: int, retry_after: str | None = None, *, jitter: float | None = None) -> float:
    """How long to wait before retry `attempt` (0-based): the server's Retry-After (seconds) when it sends
    one, else exponential backoff with jitter in [50%, 100%] so that threads throttled together spread."""
    if retry_after is not None:
        try:
            return min(RETRY_AFTER_CAP_S, max(0.0, float(retry_after)))
        except ValueError:
            pass  # an HTTP date or garbage: fall back to backoff
    import random

    share = jitter if jitter is not None else random.uniform(0.5, 1.0)
    return min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**attempt) * share
