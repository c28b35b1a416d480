"""Azure GPU VM prices: the Retail Prices REST API (public, no credentials) and, with a subscription,
the Resource SKUs API through azure-mgmt-compute (GPU counts and which sizes that subscription may not
deploy where). Normalised into the offer schema.

Rules for Retail Prices items: Linux only (Windows products dropped), DevTest dropped, "Low Priority"
dropped, "... Spot" meters -> spot, `type: Reservation` -> reserved_1y / reserved_3y with the hourly
rate = unitPrice / (8760 x years) (the item's price is the whole term per VM although unitOfMeasure
says "1 Hour"), primary meter regions preferred, zero prices dropped and counted, never stored.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import requests

from costcmp.errors import RegionFetchError
from costcmp.pricing.adapter import MAX_RETRIES, PageCallback, RegionResult, backoff_seconds, one_line
from costcmp.providers import REGISTRY
from costcmp.units import HOURS_PER_YEAR

log = logging.getLogger(__name__)
PRICES_URL = "https://prices.azure.com/api/retail/prices"
PRICES_URL_ENV = "COSTCMP_AZURE_PRICES_URL"
ARM_URL_ENV = "COSTCMP_AZURE_ARM_URL"
API_VERSION = "2023-01-01-preview"
SOURCE = "Azure Retail Prices API (api-version 2023-01-01-preview)"
TIMEOUT = (10, 60)  # connect, read seconds
RETRY_STATUSES = {429, 500, 502, 503, 504}
TERM_YEARS = {"1 Year": ("reserved_1y", 1), "3 Years": ("reserved_3y", 3)}


@dataclass(frozen=True)
class SizeFacts:
    gpu: str
    gpu_count: int
    gpu_memory_gb: float
    vcpus: int
    memory_gb: float | None
    network_gbps: float | None


# Declared GPU sizes (seen 2026-06; the Retail Prices API carries no hardware facts). GPU, count, GiB
# per GPU, vCPUs, RAM GiB from the skypilot-catalog v6 Azure table and Microsoft's size pages; network is
# the InfiniBand backend where the size has one (MicrosoftDocs gpu-accelerated spec includes), else
# unknown. With a subscription, the Resource SKUs API's GPUs / vCPUs / MemoryGB capabilities win.
# fmt: off
GPU_SIZES: dict[str, SizeFacts] = {
    "Standard_NC4as_T4_v3": SizeFacts("T4", 1, 16, 4, 28, None),
    "Standard_NC64as_T4_v3": SizeFacts("T4", 4, 16, 64, 440, None),
    "Standard_NC6s_v3": SizeFacts("V100", 1, 16, 6, 112, None),
    "Standard_NC24s_v3": SizeFacts("V100", 4, 16, 24, 448, None),
    "Standard_ND40rs_v2": SizeFacts("V100-32GB", 8, 32, 40, 672, 100),
    "Standard_NC24ads_A100_v4": SizeFacts("A100-80GB", 1, 80, 24, 220, None),
    "Standard_NC96ads_A100_v4": SizeFacts("A100-80GB", 4, 80, 96, 880, None),
    "Standard_ND96asr_v4": SizeFacts("A100", 8, 40, 96, 900, 1600),
    "Standard_ND96amsr_A100_v4": SizeFacts("A100-80GB", 8, 80, 96, 1800, 1600),
    "Standard_NC40ads_H100_v5": SizeFacts("H100-NVL", 1, 94, 40, 320, None),
    "Standard_NC80adis_H100_v5": SizeFacts("H100-NVL", 2, 94, 80, 640, None),
    "Standard_ND96isr_H100_v5": SizeFacts("H100", 8, 80, 96, 1900, 3200),
    "Standard_ND96isr_H200_v5": SizeFacts("H200", 8, 141, 96, None, 3200),
    "Standard_ND96isr_MI300X_v5": SizeFacts("MI300X", 8, 192, 96, None, 3200),
    # Added 2026-12 from the sizes Azure/karpenter-provider-azure's pricing table (@352646f5, 2026-06-18) prices,
    # facts from MicrosoftDocs/azure-compute-docs size pages; variants missing from the docs (ND96is, ...isf,
    # flex, noIB) take their documented sibling's GPUs, with no InfiniBand figure (scripts/snapshot_facts).
    "Standard_ND96asr_A100_v4": SizeFacts("A100", 8, 40, 96, None, None),
    "Standard_NC48ads_A100_v4": SizeFacts("A100-80GB", 2, 80, 48, 440, None),
    "Standard_ND96ams_A100_v4": SizeFacts("A100-80GB", 8, 80, 96, None, None),
    "Standard_ND128isr_NDR_GB200_v6": SizeFacts("GB200", 4, 192, 128, 900, 1600),
    "Standard_ND128isrf_NDR_GB200_v6": SizeFacts("GB200", 4, 192, 128, None, None),
    "Standard_ND96is_H100_v5": SizeFacts("H100", 8, 80, 96, None, None),
    "Standard_ND96is_flex_H100_v5": SizeFacts("H100", 8, 80, 96, None, None),
    "Standard_ND96is_noIB_H100_v5": SizeFacts("H100", 8, 80, 96, None, None),
    "Standard_ND96isf_H100_v5": SizeFacts("H100", 8, 80, 96, None, None),
    "Standard_ND96isrf_H100_v5": SizeFacts("H100", 8, 80, 96, None, None),
    "Standard_NCC40ads_H100_v5": SizeFacts("H100-NVL", 1, 94, 40, 320, None),
    "Standard_ND96is_MI300X_v5": SizeFacts("MI300X", 8, 192, 96, None, None),
    "Standard_NC128ds_xl_RTXPRO6000BSE_v6": SizeFacts("RTX-PRO-6000", 1, 96, 128, 512, None),
    "Standard_NC128lds_xl_RTXPRO6000BSE_v6": SizeFacts("RTX-PRO-6000", 1, 96, 128, 256, None),
    "Standard_NC144ds_xl_RTXPRO6000BSE_v6": SizeFacts("RTX-PRO-6000", 1, 96, 144, None, None),
    "Standard_NC144lds_xl_RTXPRO6000BSE_v6": SizeFacts("RTX-PRO-6000", 1, 96, 144, None, None),
    "Standard_NC256ds_xl_RTXPRO6000BSE_v6": SizeFacts("RTX-PRO-6000", 2, 96, 256, 1024, None),
    "Standard_NC256lds_xl_RTXPRO6000BSE_v6": SizeFacts("RTX-PRO-6000", 2, 96, 256, 512, None),
    "Standard_NC288ds_xl_RTXPRO6000BSE_v6": SizeFacts("RTX-PRO-6000", 2, 96, 288, None, None),
    "Standard_NC288lds_xl_RTXPRO6000BSE_v6": SizeFacts("RTX-PRO-6000", 2, 96, 288, None, None),
    "Standard_NC320ds_xl_RTXPRO6000BSE_v6": SizeFacts("RTX-PRO-6000", 2, 96, 320, 1280, None),
    "Standard_NC320lds_xl_RTXPRO6000BSE_v6": SizeFacts("RTX-PRO-6000", 2, 96, 320, 640, None),
    "Standard_NC16as_T4_v3": SizeFacts("T4", 1, 16, 16, 110, None),
    "Standard_NC8as_T4_v3": SizeFacts("T4", 1, 16, 8, 56, None),
    "Standard_NC12s_v3": SizeFacts("V100", 2, 16, 12, 224, None),
    "Standard_NC24rs_v3": SizeFacts("V100", 4, 16, 24, 448, None),
}
# fmt: on


def price_filter(region: str, sizes: Iterable[str] = GPU_SIZES) -> str:
    """The OData filter: Virtual Machines in one region, narrowed to the declared GPU sizes.

    Only `eq`, `and` and `or` are used; filter values are case-sensitive in this api-version.
    """
    names = " or ".join(f"armSkuName eq '{name}'" for name in sizes)
    return f"serviceName eq 'Virtual Machines' and armRegionName eq '{region}' and ({names})"


@dataclass
class PriceItem:
    sku: str
    pricing: str
    hourly: float
    primary: bool
    effective: str


def classify_item(item: dict[str, Any], currency: str = "USD", today: str | None = None) -> PriceItem | str:
    """One Retail Prices item -> a PriceItem, or the reason it is left out (a string, counted).

    `today` (ISO date) drops items whose `effectiveEndDate` has passed: a stale price next to the
    current one."""
    try:
        sku = item["armSkuName"]
        meter = f"{item.get('skuName', '')} {item.get('meterName', '')}"
        product = item.get("productName", "")
        kind = item["type"]
        price = float(item["unitPrice"])
        unit = item.get("unitOfMeasure", "")
        code = item.get("currencyCode", "")
    except (KeyError, TypeError, ValueError) as exc:
        return f"malformed item ({type(exc).__name__})"
    if sku not in GPU_SIZES:
        return "not a GPU size costcmp knows"
    if "Windows" in product or product.endswith(" Win"):
        return "Windows product"
    if "Cloud Services" in product:  # old Cloud Services rows share the size name (reference §2.2)
        return "Cloud Services product (not a VM price)"
    ended = str(item.get("effectiveEndDate") or "")[:10]
    if ended and today and ended < today:
        return "expired price (effectiveEndDate passed)"
    if kind == "DevTestConsumption":
        return "DevTest price"
    if "Low Priority" in meter:
        return "Low Priority meter"
    if code != currency:
        return f"currency {code!r} (asked for {currency})"
    if unit != "1 Hour":
        return f"unit {unit!r}"
    if price <= 0 or not math.isfinite(price):
        return "zero price"
    if kind == "Reservation":
        term = TERM_YEARS.get(item.get("reservationTerm", ""))
        if term is None:
            return f"reservation term {item.get('reservationTerm')!r}"
        pricing, years = term
        hourly = price / (HOURS_PER_YEAR * years)  # the item's price is the whole term for one VM
    elif kind == "Consumption":
        pricing, hourly = ("spot", price) if re.search(r"\bSpot\b", meter) else ("on_demand", price)
    else:
        return f"price type {kind!r}"
    return PriceItem(
        sku,
        pricing,
        hourly,
        bool(item.get("isPrimaryMeterRegion", True)),
        str(item.get("effectiveStartDate", "")),
    )


def choose_prices(items: Iterable[PriceItem]) -> dict[tuple[str, str], PriceItem]:
    """One price per (size, pricing kind), whatever the order of the items: primary meter regions first,
    then the latest `effectiveStartDate` (a price change supersedes), then the lowest price."""
    best: dict[tuple[str, str], PriceItem] = {}
    for item in items:
        key = (item.sku, item.pricing)
        current = best.get(key)
        rank = (item.primary, item.effective[:10], -item.hourly)
        if current is None or rank > (current.primary, current.effective[:10], -current.hourly):
            best[key] = item
    return best


def _field(obj: Any, rest_name: str, attribute: str | None = None) -> Any:
    """A field of a Resource SKU object: by its REST (camelCase) key for dicts and for the SDK's
    mapping-based models (azure-mgmt-compute >= 30, where e.g. `.values` is the Mapping method), by its
    snake_case attribute for older attribute-style models."""
    if isinstance(obj, Mapping):
        return obj.get(rest_name)
    return getattr(obj, attribute or rest_name, None)


def sku_facts(skus: Iterable[Any], region: str) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    """Resource SKUs -> ({size: GPUs / vCPUs / MemoryGB}, {size: why this subscription cannot deploy it})."""
    facts: dict[str, dict[str, float]] = {}
    restricted: dict[str, str] = {}
    for sku in skus:
        if _field(sku, "resourceType", "resource_type") != "virtualMachines":
            continue
        name = _field(sku, "name")
        caps = {_field(c, "name"): _field(c, "value") for c in _field(sku, "capabilities") or []}
        numbers = {}
        for key in ("GPUs", "vCPUs", "MemoryGB"):  # capability values are strings
            try:
                numbers[key] = float(caps[key])
            except (KeyError, TypeError, ValueError):
                continue
        facts[name] = numbers
        for restriction in _field(sku, "restrictions") or []:
            values = [str(v).lower() for v in _field(restriction, "values") or []]
            if _field(restriction, "type") == "Location" and region.lower() in values:
                restricted[name] = str(_field(restriction, "reasonCode", "reason_code"))
    return facts, restricted


class AzureAdapter:
    """Fetches one region at a time: Retail Prices pages through `session` (a requests.Session), and
    SKU facts through `sku_lister(region)` when a subscription is configured."""

    name = "azure"
    source = SOURCE

    def __init__(
        self,
        session: Any,
        *,
        base_url: str | None = None,
        currency: str = "USD",
        sku_lister: Callable[[str], Iterable[Any]] | None = None,
        regions: list[str] | None = None,
        sleep: Callable[[float], None] | None = None,
        max_attempts: int = MAX_RETRIES + 1,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._session = session
        self._base_url = base_url or os.environ.get(PRICES_URL_ENV) or PRICES_URL
        self._currency = currency
        self._sku_lister = sku_lister
        self._regions = regions
        self._sleep = sleep or time.sleep
        self._max_attempts = max_attempts
        self._now = now or (lambda: datetime.now(timezone.utc))

    @classmethod
    def from_environment(
        cls,
        *,
        subscription: str | None = None,
        currency: str = "USD",
        sleep: Callable[[float], None] | None = None,
        credential: Any = None,
        workers: int = 16,
    ) -> AzureAdapter:
        """The real clients: one requests.Session; with a subscription, azure-mgmt-compute with
        `credential` (default: DefaultAzureCredential). The Azure SDK is imported only here."""
        from requests.adapters import HTTPAdapter

        session = requests.Session()
        session.headers["User-Agent"] = "costcmp"
        pool = HTTPAdapter(pool_connections=4, pool_maxsize=max(10, workers))
        session.mount("https://", pool)
        session.mount("http://", pool)  # COSTCMP_AZURE_PRICES_URL may name a plain-HTTP mirror
        subscription = subscription or os.environ.get("AZURE_SUBSCRIPTION_ID")
        lister = None
        if subscription:
            from azure.identity import DefaultAzureCredential
            from azure.mgmt.compute import ComputeManagementClient

            kwargs: dict[str, Any] = {}
            if os.environ.get(ARM_URL_ENV):
                kwargs["base_url"] = os.environ[ARM_URL_ENV].rstrip("/")
            client = ComputeManagementClient(credential or DefaultAzureCredential(), subscription, **kwargs)

            def lister(region: str) -> Iterable[Any]:
                return client.resource_skus.list(filter=f"location eq '{region}'")

        return cls(session, currency=currency, sku_lister=lister, sleep=sleep)

    def default_regions(self) -> list[str]:
        """The regions costcmp tracks for Azure GPUs (the Retail Prices API has no region list)."""
        return list(self._regions or REGISTRY["azure"].regions)

    def _get(self, url: str, params: dict[str, str] | None) -> dict[str, Any]:
        """One page, retrying 429 (honouring Retry-After), 5xx and dropped connections with backoff."""
        for attempt in range(self._max_attempts):
            try:
                response = self._session.get(url, params=params, timeout=TIMEOUT)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt + 1 >= self._max_attempts:
                    raise RegionFetchError(f"{type(exc).__name__}: {one_line(exc)}") from None
                wait = backoff_seconds(attempt)
                log.info("Retail Prices API: %s; retrying in %.2f s", type(exc).__name__, wait)
                self._sleep(wait)
                continue
            if response.status_code in RETRY_STATUSES and attempt + 1 < self._max_attempts:
                wait = backoff_seconds(attempt, response.headers.get("Retry-After"))
                log.info("Retail Prices API answered %d; retrying in %.1f s", response.status_code, wait)
                self._sleep(wait)
                continue
            if response.status_code != 200:
                raise RegionFetchError(
                    f"HTTP {response.status_code} from the Retail Prices API: {one_line(response.text)}"
                )
            try:
                page = json.loads(response.text)
            except ValueError:
                raise RegionFetchError("malformed page from the Retail Prices API (not JSON)") from None
            if not isinstance(page, dict) or not isinstance(page.get("Items"), list):
                raise RegionFetchError("malformed page from the Retail Prices API (no 'Items' list)")
            return page
        raise RegionFetchError("the Retail Prices API kept answering 429/5xx")  # pragma: no cover

    def _pages(self, region: str) -> Iterator[dict[str, Any]]:
        params: dict[str, str] | None = {
            "api-version": API_VERSION,
            "$filter": price_filter(region),
            "currencyCode": self._currency,
        }
        url: str | None = self._base_url
        while url:
            page = self._get(url, params)
            yield page
            url, params = page.get("NextPageLink"), None  # the link carries every parameter

    def fetch_region(self, region: str, on_page: PageCallback) -> RegionResult:
        import pandas as pd

        from costcmp.schema import SCHEMA_COLUMNS

        skipped: Counter[str] = Counter()
        items: list[PriceItem] = []
        pages = 0
        today = self._now().date().isoformat()
        try:
            for page in self._pages(region):
                pages += 1
                for raw in page["Items"]:
                    result = classify_item(raw, self._currency, today) if isinstance(raw, dict) else "malformed item"
                    if isinstance(result, str):
                        skipped[result] += 1
                    else:
                        items.append(result)
                on_page(len(items))
        except requests.RequestException as exc:  # connection errors, timeouts
            raise RegionFetchError(f"{type(exc).__name__}: {one_line(exc)}") from None
        facts: dict[str, dict[str, float]] = {}
        restricted: dict[str, str] = {}
        notes = []
        if self._sku_lister is not None:
            from azure.core.exceptions import AzureError

            try:
                facts, restricted = sku_facts(self._sku_lister(region), region)
            except AzureError as exc:
                raise RegionFetchError(f"Resource SKUs: {type(exc).__name__}: {one_line(exc)}") from None
            pages += 1
        else:
            notes.append("no subscription: GPU counts and memory from costcmp's declared size table")
        as_of = self._now().date().isoformat()
        rows = []
        for (sku, pricing), item in sorted(choose_prices(items).items()):
            declared = GPU_SIZES[sku]
            live = facts.get(sku, {})
            count = int(live.get("GPUs") or declared.gpu_count)
            detail = [f"effective {item.effective[:10]}"] if item.effective else []
            if pricing.startswith("reserved"):
                detail.insert(0, "Reservation price for the term / hours in it")
            if sku in restricted:
                detail.append(f"restricted for this subscription in {region} ({restricted[sku]})")
            rows.append(
                {
                    "provider": "azure",
                    "region": region,
                    "instance_type": sku,
                    "gpu": declared.gpu,
                    "gpu_count": count,
                    "gpu_memory_gb": declared.gpu_memory_gb,
                    "vcpus": int(live.get("vCPUs") or declared.vcpus),
                    "memory_gb": live.get("MemoryGB") or (declared.memory_gb if declared.memory_gb else math.nan),
                    "network_gbps": declared.network_gbps if declared.network_gbps else math.nan,
                    "pricing": pricing,
                    "usd_per_hour": item.hourly,
                    "as_of": as_of,
                    "source": SOURCE,
                    "detail": "; ".join(detail),
                }
            )
        return RegionResult(
            rows=pd.DataFrame(rows, columns=list(SCHEMA_COLUMNS)), pages=pages, skipped=skipped, notes=notes
        )
