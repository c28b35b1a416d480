"""A loopback Cloud Billing Catalog API (`GET /v1/services/{id}/skus`, paged with pageToken /
nextPageToken) and Compute API (`GET /compute/v1/projects/{p}/aggregated/machineTypes`), with SKU
records shaped like the real ones (opencost's recorded page and cromwell-monitor's A3 Mega fixture:
camelCase keys, int64 `units` as a JSON string, `nanos` a number)."""

from __future__ import annotations

import json
from typing import Any

from werkzeug import Request, Response

SKUS_PATH = "/v1/services/6F81-5844-456A/skus"


def sku(
    sku_id: str,
    description: str,
    group: str,
    usage: str,
    regions: list[str],
    units: str,
    nanos: int,
    unit: str = "h",
    effective: str = "2026-07-01T10:52:50.681Z",
    family: str = "Compute",
) -> dict[str, Any]:
    """One SKU record as the API returns it."""
    unit_description = {"h": "hour", "GiBy.h": "gibibyte hour", "GiBy.mo": "gibibyte month"}[unit]
    factor = {"h": 3600, "GiBy.h": 3865470566400, "GiBy.mo": 2835298360442880}[unit]
    return {
        "name": f"services/6F81-5844-456A/skus/{sku_id}",
        "skuId": sku_id,
        "description": description,
        "category": {
            "serviceDisplayName": "Compute Engine",
            "resourceFamily": family,
            "resourceGroup": group,
            "usageType": usage,
        },
        "serviceRegions": regions,
        "pricingInfo": [
            {
                "summary": "",
                "pricingExpression": {
                    "usageUnit": unit,
                    "displayQuantity": 1,
                    "tieredRates": [
                        {"startUsageAmount": 0, "unitPrice": {"currencyCode": "USD", "units": units, "nanos": nanos}}
                    ],
                    "usageUnitDescription": unit_description,
                    "baseUnit": "s" if unit == "h" else "By.s",
                    "baseUnitDescription": "second",
                    "baseUnitConversionFactor": factor,
                },
                "currencyConversionRate": 1,
                "effectiveTime": effective,
            }
        ],
        "serviceProviderName": "Google",
        "geoTaxonomy": {"type": "MULTI_REGIONAL" if len(regions) > 1 else "REGIONAL", "regions": regions},
    }


AMERICAS = ["us-central1", "us-east1", "us-west1"]


def a2_skus() -> list[dict[str, Any]]:
    """The three real A2 on-demand SKUs of opencost's recorded page (2023-03-24 prices), with spot and
    commitment siblings, and the quirks: a $0 SKU, a Reserved one, a DWS one, a city SKU beside the
    "Americas" one, a preemptible SKU filed under OnDemand, a storage SKU per GiB-month."""
    return [
        sku("039F-D0DA-4055", "Nvidia Tesla A100 GPU running in Americas", "GPU", "OnDemand", AMERICAS, "2", 933908000),
        sku("2922-40C5-B19F", "A2 Instance Core running in Americas", "CPU", "OnDemand", AMERICAS, "0", 31611000),
        sku(
            "2390-DCAF-DA38",
            "A2 Instance Ram running in Americas",
            "RAM",
            "OnDemand",
            AMERICAS,
            "0",
            4237000,
            unit="GiBy.h",
        ),
        sku("0000-ZERO-0001", "Nvidia Tesla A100 GPU running in Americas", "GPU", "OnDemand", AMERICAS, "0", 0),
        sku("0000-RSV-0002", "Reserved A2 Instance Core running in Americas", "CPU", "OnDemand", AMERICAS, "0", 1),
        sku(
            "0000-DWS-0003",
            "DWS Calendar Mode Nvidia Tesla A100 GPU running in Americas",
            "GPU",
            "OnDemand",
            AMERICAS,
            "1",
            500000000,
        ),
        sku(
            "1111-SPOT-0001",
            "Nvidia Tesla A100 GPU attached to Spot Preemptible VMs running in Americas",
            "GPU",
            "Preemptible",
            AMERICAS,
            "1",
            100000000,
        ),
        sku(
            "1111-SPOT-0002",
            "Spot Preemptible A2 Instance Core running in Americas",
            "CPU",
            "Preemptible",
            AMERICAS,
            "0",
            9483000,
        ),
        sku(
            "1111-SPOT-0003",
            "Spot Preemptible A2 Instance Ram running in Americas",
            "RAM",
            "OnDemand",
            AMERICAS,
            "0",
            1271000,
            unit="GiBy.h",
        ),  # preemptible under usageType OnDemand
        sku(
            "2222-CUD-0001",
            "Commitment v1: Nvidia Tesla A100 GPU running in Americas for 1 Year",
            "GPU",
            "Commit1Yr",
            AMERICAS,
            "1",
            848360000,
        ),
        sku(
            "2222-CUD-0002", "Commitment v1: A2 Cpu in Americas for 1 Year", "CPU", "Commit1Yr", AMERICAS, "0", 19915000
        ),
        sku(
            "2222-CUD-0003",
            "Commitment v1: A2 Ram in Americas for 1 Year",
            "RAM",
            "Commit1Yr",
            AMERICAS,
            "0",
            2669000,
            unit="GiBy.h",
        ),
        # A city SKU for us-central1 beside the "Americas" one: the more specific wins there.
        sku(
            "3333-IOWA-0001",
            "Nvidia Tesla A100 GPU running in Iowa",
            "GPU",
            "OnDemand",
            ["us-central1"],
            "2",
            900000000,
        ),
        sku(
            "6666-A80-0001",
            "Nvidia Tesla A100 80GB GPU running in Americas",
            "GPU",
            "OnDemand",
            AMERICAS,
            "3",
            922000000,
        ),  # illustrative rate
        sku(
            "4444-SSD-0001",
            "SSD backed Local Storage",
            "SSD",
            "OnDemand",
            AMERICAS,
            "0",
            80000000,
            unit="GiBy.mo",
            family="Storage",
        ),
        sku("5555-OTHER-01", "E2 Instance Core running in Americas", "CPU", "OnDemand", AMERICAS, "0", 21811000),
    ]


def a3_mega_spot_skus() -> list[dict[str, Any]]:
    """cromwell-monitor's real A3 Mega spot SKUs (2024-11), plus the spot local SSD rate (Cyclenerd)."""
    regions = ["us-central1", "us-west1"]
    return [
        sku(
            "AEAF-12C5-E41B",
            "Spot Preemptible A3Plus Instance Core running in Americas",
            "CPU",
            "Preemptible",
            regions,
            "0",
            14810000,
        ),
        sku(
            "9A1D-C6C8-D7B9",
            "Spot Preemptible A3Plus Instance Ram running in Americas",
            "RAM",
            "Preemptible",
            regions,
            "0",
            1289000,
            unit="GiBy.h",
        ),
        sku(
            "8609-4BAD-F240",
            "Nvidia H100 80GB Plus GPU attached to Spot Preemptible VMs running in Americas",
            "GPU",
            "Preemptible",
            regions,
            "4",
            137700000,
        ),
        sku(
            "4444-SSD-0002",
            "SSD backed Local Storage attached to Spot Preemptible VMs",
            "SSD",
            "Preemptible",
            regions,
            "0",
            42800000,
            unit="GiBy.mo",
            family="Storage",
        ),
    ]


class FakeCatalog:
    """Serves `skus` in pages of `page_size`; `failures` is a list of (status, body) answered first."""

    def __init__(self, skus: list[dict[str, Any]], page_size: int = 4) -> None:
        self.skus = skus
        self.page_size = page_size
        self.failures: list[tuple[int, str]] = []
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []

    def __call__(self, request: Request) -> Response:
        self.requests.append((request.path, dict(request.args), dict(request.headers)))
        if self.failures:
            status, body = self.failures.pop(0)
            return Response(body, status=status, content_type="application/json")
        start = int(request.args.get("pageToken") or 0)
        page: dict[str, Any] = {"skus": self.skus[start : start + self.page_size]}
        if start + self.page_size < len(self.skus):
            page["nextPageToken"] = str(start + self.page_size)
        return Response(json.dumps(page), content_type="application/json")


def machine_types_page(zones: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """An aggregated machineTypes answer: scopes `zones/<zone>`; an empty zone carries only a warning."""
    items: dict[str, Any] = {}
    for zone, machines in zones.items():
        if machines:
            items[f"zones/{zone}"] = {"machineTypes": machines}
        else:
            items[f"zones/{zone}"] = {"warning": {"code": "NO_RESULTS_ON_PAGE", "message": "There are no results"}}
    return {"kind": "compute#machineTypeAggregatedList", "id": "projects/p/aggregated/machineTypes", "items": items}


def machine_type(name: str, vcpus: int, memory_mb: int, accelerator: str | None = None, count: int = 0) -> dict:
    record: dict[str, Any] = {
        "kind": "compute#machineType",
        "name": name,
        "guestCpus": vcpus,
        "memoryMb": memory_mb,
        "zone": "us-central1-a",
        "isSharedCpu": False,
    }
    if accelerator:
        record["accelerators"] = [{"guestAcceleratorType": accelerator, "guestAcceleratorCount": count}]
    return record
