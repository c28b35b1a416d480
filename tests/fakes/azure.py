"""Azure payloads with the real shapes, and loopback handlers that page them like the real APIs.

Retail Prices items carry the full key set of a real item (see ../shared/reference/prices_and_apis.md
§2.2); Resource SKUs are ARM's JSON (`value` + `nextLink`). Prices are illustrative fixtures.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from typing import Any

LOCATIONS = {"eastus": "US East", "westeurope": "EU West", "eastus2": "US East 2", "uksouth": "UK South"}


def retail_item(
    sku: str,
    region: str,
    price: float,
    *,
    kind: str = "Consumption",
    meter: str = "",
    product: str | None = None,
    term: str | None = None,
    primary: bool = True,
    currency: str = "USD",
) -> dict[str, Any]:
    """One Retail Prices `Items[]` entry. `meter` is appended to the size's meter name (" Spot",
    " Low Priority"); `product` overrides the product name (e.g. a Windows product)."""
    short = sku.removeprefix("Standard_").replace("_", " ")
    family = re.sub(r"^N\w*?(\d+)", "N", short)
    item: dict[str, Any] = {
        "currencyCode": currency,
        "tierMinimumUnits": 0.0,
        "retailPrice": price,
        "unitPrice": price,
        "armRegionName": region,
        "location": LOCATIONS.get(region, region),
        "effectiveStartDate": "2026-06-01T00:00:00Z",
        "meterId": "5d4c5e2c-0000-4000-8000-00000000abcd",
        "meterName": f"{short}{meter}",
        "productId": "DZH318Z0BQ4L",
        "skuId": "DZH318Z0BQ4L/00H6",
        "productName": product or f"Virtual Machines {family} Series",
        "skuName": f"{short}{meter}",
        "serviceName": "Virtual Machines",
        "serviceId": "DZH313Z7MMC8",
        "serviceFamily": "Compute",
        "unitOfMeasure": "1 Hour",
        "type": kind,
        "isPrimaryMeterRegion": primary,
        "armSkuName": sku,
    }
    if kind == "Reservation":
        item["reservationTerm"] = term
    elif not meter:
        item["savingsPlan"] = [
            {"unitPrice": round(price * 0.8, 4), "retailPrice": round(price * 0.8, 4), "term": "1 Year"},
            {"unitPrice": round(price * 0.6, 4), "retailPrice": round(price * 0.6, 4), "term": "3 Years"},
        ]
    return item


def region_items(region: str) -> list[dict[str, Any]]:
    """A realistic mix for one region: Linux, Windows, Spot, Low Priority, DevTest, zero price,
    1- and 3-year reservations, a non-primary meter, and a size that is not a GPU."""
    h100 = "Standard_ND96isr_H100_v5"
    return [
        retail_item(h100, region, 98.32),
        retail_item(h100, region, 125.0, product="Virtual Machines NDsH100v5 Series Windows"),
        retail_item(h100, region, 30.0, meter=" Spot"),
        retail_item(h100, region, 19.66, meter=" Low Priority"),
        retail_item(h100, region, 98.32, kind="DevTestConsumption"),
        retail_item(h100, region, 553_000.0, kind="Reservation", term="1 Year"),
        retail_item(h100, region, 1_240_000.0, kind="Reservation", term="3 Years"),
        retail_item("Standard_NC24ads_A100_v4", region, 3.673),
        retail_item("Standard_NC24ads_A100_v4", region, 3.9, primary=False),
        retail_item("Standard_NC24ads_A100_v4", region, 0.0, meter=" Spot"),
        retail_item("Standard_NC4as_T4_v3", region, 0.526),
        retail_item("Standard_D4s_v5", region, 0.192),
    ]


class FakeRetailPrices:
    """A pytest-httpserver handler for the Retail Prices API: per-region items, `page_size` per page,
    absolute NextPageLinks back to `base_url` (set it once the server runs)."""

    def __init__(
        self,
        regions: dict[str, list[dict[str, Any]]],
        *,
        page_size: int = 4,
        delay: float = 0.0,
        malformed: set[str] | None = None,
        throttle_once: bool = False,
    ) -> None:
        self.regions = regions
        # Every distinct request is first answered 429 without Retry-After (the refresh benchmark).
        self.throttle_once = throttle_once
        self.throttled: set[str] = set()
        self.page_size = page_size
        self.delay = delay
        self.malformed = malformed or set()
        self.base_url = ""
        self.requests: list[dict[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, request):  # type: ignore[no-untyped-def]
        from werkzeug.wrappers import Response

        if self.delay:
            time.sleep(self.delay)
        args = {k: v for k, v in request.args.items()}
        with self._lock:
            self.requests.append(args)
            key = json.dumps(args, sort_keys=True)
            first = self.throttle_once and key not in self.throttled
            self.throttled.add(key)
        if first:
            body = {"error": {"code": "TooManyRequests", "message": "Too many requests. Please retry."}}
            return Response(json.dumps(body), status=429, content_type="application/json")
        region = re.search(r"armRegionName eq '([^']+)'", args.get("$filter", ""))
        name = region.group(1) if region else ""
        if name in self.malformed:
            return Response('{"BillingCurrency": "USD", "Items": [', status=200, content_type="application/json")
        items = [i for i in self.regions.get(name, []) if i["currencyCode"] == args.get("currencyCode", "USD")]
        skip = int(args.get("$skip", 0))
        page = items[skip : skip + self.page_size]
        next_link = None
        if skip + self.page_size < len(items):
            query = {k: v for k, v in args.items() if k != "$skip"} | {"$skip": str(skip + self.page_size)}
            next_link = f"{self.base_url}?{urllib.parse.urlencode(query, quote_via=urllib.parse.quote)}"
        body = {
            "BillingCurrency": args.get("currencyCode", "USD"),
            "CustomerEntityId": "Default",
            "CustomerEntityType": "Retail",
            "Items": page,
            "NextPageLink": next_link,
            "Count": len(page),
        }
        return Response(json.dumps(body), status=200, content_type="application/json")


def resource_sku(
    name: str, region: str, gpus: int, vcpus: int, memory_gb: int, restricted: bool = False
) -> dict[str, Any]:
    """One ARM ResourceSku (`az vm list-skus` shape, camelCase)."""
    size = name.removeprefix("Standard_")
    sku: dict[str, Any] = {
        "resourceType": "virtualMachines",
        "name": name,
        "tier": "Standard",
        "size": size,
        "family": f"standard{size.split('_')[0]}Family",
        "locations": [region],
        "locationInfo": [{"location": region, "zones": ["1", "2", "3"], "zoneDetails": []}],
        "capabilities": [
            {"name": "MaxResourceVolumeMB", "value": "1000000"},
            {"name": "vCPUs", "value": str(vcpus)},
            {"name": "MemoryGB", "value": str(memory_gb)},
            {"name": "GPUs", "value": str(gpus)},
            {"name": "LowPriorityCapable", "value": "True"},
            {"name": "HyperVGenerations", "value": "V2"},
            {"name": "PremiumIO", "value": "True"},
            {"name": "RdmaEnabled", "value": "True"},
        ],
        "restrictions": [],
    }
    if restricted:
        sku["restrictions"] = [
            {
                "type": "Location",
                "values": [region],
                "restrictionInfo": {"locations": [region], "zones": []},
                "reasonCode": "NotAvailableForSubscription",
            }
        ]
    return sku
