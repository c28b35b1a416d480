"""Pricing adapters: one per provider, each turning its provider's APIs into rows of the offer schema.

An adapter is built with its clients injected (tests pass stubbed or loopback clients), lists its
default regions, and fetches one region at a time. It knows nothing of the cache or the planner;
`costcmp.refresh` runs adapters concurrently and writes the result.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from costcmp.errors import CostcmpError, UnknownNameError

if TYPE_CHECKING:
    import pandas as pd

#: Called after every page an adapter fetches, with the number of rows kept so far in that region.
PageCallback = Callable[[int], None]


class CredentialsError(CostcmpError):
    """The provider's credentials are missing or unusable; the message says how to configure them."""


class RegionFetchError(CostcmpError):
    """One region could not be fetched; other regions go on."""


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


class PriceAdapter(Protocol):
    """The contract every provider adapter meets."""

    name: str
    source: str

    def default_regions(self) -> list[str]: ...

    def fetch_region(self, region: str, on_page: PageCallback) -> RegionResult: ...


@dataclass(frozen=True)
class AdapterOptions:
    """User options the adapters may use (each takes what concerns it)."""

    aws_profile: str | None = None
    azure_subscription: str | None = None
    currency: str = "USD"
    workers: int = 16
    sleep: Callable[[float], None] | None = None  # injectable for tests; time.sleep otherwise
    extra: dict[str, Any] = field(default_factory=dict)


def _build_aws(options: AdapterOptions) -> PriceAdapter:
    from costcmp.pricing.aws import AwsAdapter

    return AwsAdapter.from_session(profile=options.aws_profile, workers=options.workers, sleep=options.sleep)


def _build_azure(options: AdapterOptions) -> PriceAdapter:
    from costcmp.pricing.azure import AzureAdapter

    return AzureAdapter.from_environment(
        subscription=options.azure_subscription,
        currency=options.currency,
        sleep=options.sleep,
        workers=options.workers,
    )


#: The registry: provider name -> builder. Adapters import their SDK only when built.
ADAPTERS: dict[str, Callable[[AdapterOptions], PriceAdapter]] = {
    "aws": _build_aws,
    "azure": _build_azure,
}


def build_adapter(name: str, options: AdapterOptions) -> PriceAdapter:
    """The adapter for `name`; UnknownNameError lists the valid providers."""
    builder = ADAPTERS.get(name.strip().lower())
    if builder is None:
        raise UnknownNameError("provider", name, ADAPTERS)
    return builder(options)
