"""The Azure adapter: Retail Prices through a real requests.Session against a loopback server, and the
Resource SKUs API through azure-mgmt-compute against an HTTPS loopback server (trustme certificate)."""

from __future__ import annotations

import json
import ssl
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Response

from costcmp.pricing import RegionFetchError
from costcmp.pricing.azure import GPU_SIZES, AzureAdapter, choose_prices, classify_item, price_filter
from tests.fakes.azure import FakeRetailPrices, region_items, resource_sku, retail_item

PATH = "/api/retail/prices"
SUB = "00000000-0000-0000-0000-000000000000"


def test_item_rules() -> None:
    items = region_items("eastus")
    results = [classify_item(i) for i in items]
    reasons = sorted(r for r in results if isinstance(r, str))
    assert reasons == sorted(
        [
            "Windows product",
            "Low Priority meter",
            "DevTest price",
            "zero price",
            "not a GPU size costcmp knows",
        ]
    )
    kept = [r for r in results if not isinstance(r, str)]
    kinds = {(r.sku, r.pricing): r.hourly for r in kept}
    h100 = "Standard_ND96isr_H100_v5"
    assert kinds[(h100, "on_demand")] == 98.32 and kinds[(h100, "spot")] == 30.0
    assert kinds[(h100, "reserved_1y")] == pytest.approx(553_000 / 8760)
    assert kinds[(h100, "reserved_3y")] == pytest.approx(1_240_000 / 26280)
    assert classify_item(retail_item(h100, "eastus", 90.0, currency="EUR")) == "currency 'EUR' (asked for USD)"
    assert classify_item({"armSkuName": h100}) == "malformed item (KeyError)"


def test_primary_meter_regions_are_preferred() -> None:
    chosen = choose_prices(r for r in map(classify_item, region_items("eastus")) if not isinstance(r, str))
    assert chosen[("Standard_NC24ads_A100_v4", "on_demand")].hourly == 3.673  # primary 3.673 over secondary 3.9


def test_filter_uses_only_eq_and_or_over_declared_sizes() -> None:
    text = price_filter("westeurope")
    assert text.startswith("serviceName eq 'Virtual Machines' and armRegionName eq 'westeurope' and (")
    assert text.count(" or ") == len(GPU_SIZES) - 1 and "contains" not in text


@pytest.fixture
def retail(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRetailPrices]:
    fake = FakeRetailPrices({"eastus": region_items("eastus"), "westeurope": region_items("westeurope")}, page_size=4)
    fake.base_url = httpserver.url_for(PATH)
    httpserver.expect_request(PATH).respond_with_handler(fake)
    monkeypatch.setenv("COSTCMP_AZURE_PRICES_URL", fake.base_url)
    yield fake


def adapter(**kwargs: Any) -> AzureAdapter:
    return AzureAdapter(requests.Session(), sleep=kwargs.pop("sleep", lambda _: None), **kwargs)


def test_three_page_chain_to_schema_rows(retail: FakeRetailPrices) -> None:
    pages: list[int] = []
    result = adapter().fetch_region("eastus", pages.append)
    assert result.pages == 3 and len(pages) == 3 and len(retail.requests) == 3
    first, *rest = retail.requests
    assert first["api-version"] == "2023-01-01-preview" and first["currencyCode"] == "USD"
    assert all(r["$skip"] for r in rest) and all(r["$filter"] == first["$filter"] for r in rest)
    rows = result.rows.set_index(["instance_type", "pricing"])
    h100 = rows.loc[("Standard_ND96isr_H100_v5", "reserved_3y")]
    assert h100["usd_per_hour"] == pytest.approx(1_240_000 / 26280) and h100["gpu"] == "H100"
    assert h100["gpu_count"] == 8 and h100["network_gbps"] == 3200  # usd_per_gpu_hour: derived by the refresh
    assert "Reservation price for the term / hours in it" in h100["detail"]
    assert ("Standard_NC24ads_A100_v4", "spot") not in rows.index  # zero price never stored
    assert result.skipped["zero price"] == 1 and result.skipped["Windows product"] == 1
    assert result.notes == ["no subscription: GPU counts and memory from costcmp's declared size table"]


def test_429_with_retry_after_and_500_are_retried(httpserver: HTTPServer) -> None:
    page = {
        "BillingCurrency": "USD",
        "CustomerEntityId": "Default",
        "CustomerEntityType": "Retail",
        "Items": [retail_item("Standard_NC4as_T4_v3", "eastus", 0.526)],
        "NextPageLink": None,
        "Count": 1,
    }
    httpserver.expect_oneshot_request(PATH).respond_with_response(
        Response("{}", status=429, headers={"Retry-After": "7"})
    )
    httpserver.expect_oneshot_request(PATH).respond_with_data("boom", status=500)
    httpserver.expect_request(PATH).respond_with_json(page)
    slept: list[float] = []
    result = adapter(base_url=httpserver.url_for(PATH), sleep=slept.append).fetch_region("eastus", lambda _: None)
    assert slept[0] == 7.0 and 0.1 <= slept[1] <= 0.2 and len(result.rows) == 1  # Retry-After, then backoff


def test_persistent_errors_and_malformed_pages_fail_the_region(httpserver: HTTPServer) -> None:
    httpserver.expect_request(PATH).respond_with_data("nope", status=403)
    with pytest.raises(RegionFetchError, match="HTTP 403"):
        adapter(base_url=httpserver.url_for(PATH)).fetch_region("eastus", lambda _: None)
    httpserver.clear()
    httpserver.expect_request(PATH).respond_with_data('{"Items": [', content_type="application/json")
    with pytest.raises(RegionFetchError, match="malformed page"):
        adapter(base_url=httpserver.url_for(PATH)).fetch_region("eastus", lambda _: None)


# --- the SDK path over HTTPS --------------------------------------------------------------------


class FakeCredential:
    """A TokenCredential without azure-identity (never DefaultAzureCredential in tests)."""

    def get_token(self, *scopes: str, **kwargs: Any):  # type: ignore[no-untyped-def]
        from azure.core.credentials import AccessToken

        return AccessToken("fake-arm-token", int(time.time()) + 3600)


@pytest.fixture
def arm_server(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HTTPServer]:  # type: ignore[no-untyped-def]
    import trustme

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    monkeypatch.setenv("COSTCMP_AZURE_ARM_URL", server.url_for("/").rstrip("/"))
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def test_resource_skus_add_gpu_counts_and_restrictions(retail: FakeRetailPrices, arm_server: HTTPServer) -> None:
    path = f"/subscriptions/{SUB}/providers/Microsoft.Compute/skus"
    second = arm_server.url_for(path) + "?api-version=2021-07-01&$filter=location%20eq%20%27eastus%27&$skiptoken=2"
    first_page = {
        "value": [
            resource_sku("Standard_ND96isr_H100_v5", "eastus", 8, 96, 1900, restricted=True),
            {"resourceType": "disks", "name": "Premium_LRS", "capabilities": []},
        ],
        "nextLink": second,
    }
    second_page = {"value": [resource_sku("Standard_NC4as_T4_v3", "eastus", 1, 4, 28)]}
    seen: list[str] = []

    def handler(request):  # type: ignore[no-untyped-def]
        seen.append(request.headers.get("Authorization", ""))
        body = second_page if request.args.get("$skiptoken") else first_page
        assert request.args["$filter"] == "location eq 'eastus'"
        return Response(json.dumps(body), content_type="application/json")

    arm_server.expect_request(path).respond_with_handler(handler)
    live = AzureAdapter.from_environment(subscription=SUB, credential=FakeCredential(), sleep=lambda _: None)
    result = live.fetch_region("eastus", lambda _: None)
    assert seen == ["Bearer fake-arm-token"] * 2  # the real bearer-token policy, over TLS
    rows = result.rows.set_index(["instance_type", "pricing"])
    h100 = rows.loc[("Standard_ND96isr_H100_v5", "on_demand")]
    assert h100["gpu_count"] == 8 and h100["memory_gb"] == 1900
    assert "restricted for this subscription in eastus (NotAvailableForSubscription)" in h100["detail"]
    assert result.notes == []


def test_quirky_items_in_any_order_give_the_same_prices() -> None:
    """Real answers carry a Cloud Services row sharing the size name, a superseded price with an
    effectiveEndDate, a newer price beside an older one and a non-primary meter: none of them may win,
    whatever the order of the items."""
    import random

    h100 = "Standard_ND96isr_H100_v5"
    current = retail_item(h100, "eastus", 98.32)
    older = {**retail_item(h100, "eastus", 90.0), "effectiveStartDate": "2024-01-01T00:00:00Z"}
    expired = {**retail_item(h100, "eastus", 50.0), "effectiveEndDate": "2026-01-31T23:59:59Z"}
    cloud = retail_item(h100, "eastus", 10.0, product="Virtual Machines NDsH100v5 Series Cloud Services")
    secondary = retail_item(h100, "eastus", 80.0, primary=False)
    items = [current, older, expired, cloud, secondary, *region_items("eastus")]
    seen = set()
    for seed in range(8):
        random.Random(seed).shuffle(items)
        results = [classify_item(i, "USD", "2026-11-22") for i in items]
        reasons = [r for r in results if isinstance(r, str)]
        assert "Cloud Services product (not a VM price)" in reasons
        assert "expired price (effectiveEndDate passed)" in reasons
        chosen = choose_prices(r for r in results if not isinstance(r, str))
        seen.add(chosen[(h100, "on_demand")].hourly)
    assert seen == {98.32}
