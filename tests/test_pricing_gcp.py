"""GCP adapter: the real google-cloud-billing / google-cloud-compute clients (REST transport) against a
loopback server speaking the Catalog and Compute APIs' JSON, with real SKU records and their quirks."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from costcmp import cache
from costcmp.errors import RegionFetchError
from costcmp.pricing.adapter import MAX_RETRIES
from costcmp.pricing.gcp import GcpAdapter
from costcmp.pricing.gcp_catalog import classify_sku, machine_price, rate_table
from costcmp.pricing.gcp_machines import MACHINES
from tests.fakes.gcp_catalog import (
    SKUS_PATH,
    FakeCatalog,
    a2_skus,
    a3_mega_spot_skus,
    machine_type,
    machine_types_page,
)

API_KEY = "AIza-test-key-never-logged"


@pytest.fixture
def catalog(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCatalog]:
    fake = FakeCatalog(a2_skus() + a3_mega_spot_skus(), page_size=4)
    httpserver.expect_request(SKUS_PATH).respond_with_handler(fake)
    monkeypatch.setenv("COSTCMP_GCP_CATALOG_URL", httpserver.url_for(""))
    monkeypatch.setenv("COSTCMP_GCP_COMPUTE_URL", httpserver.url_for(""))
    yield fake


def adapter(**kwargs: Any) -> GcpAdapter:
    kwargs.setdefault("sleep", lambda _: None)
    return GcpAdapter.from_environment(api_key=API_KEY, **kwargs)


def prices(result: Any) -> dict[tuple[str, str], float]:
    return {(r.instance_type, r.pricing): r.usd_per_hour for r in result.rows.itertuples()}


def test_composition_matches_published_list_prices(catalog: FakeCatalog) -> None:
    """a2-highgpu-1g and -8g from opencost's real SKUs equal Cyclenerd's published us-east1 hourly
    prices of those SKUs (3.673385 and 29.38708: pricing.yml, computed from the same rates)."""
    result = adapter().fetch_region("us-east1", lambda _: None)
    got = prices(result)
    assert got[("a2-highgpu-1g", "on_demand")] == pytest.approx(3.673385, abs=1e-6)
    assert got[("a2-highgpu-8g", "on_demand")] == pytest.approx(29.38708, abs=1e-5)
    assert got[("a2-highgpu-8g", "reserved_1y")] == pytest.approx(8 * 1.84836 + 96 * 0.019915 + 680 * 0.002669)
    spot = 8 * 1.1 + 96 * 0.009483 + 680 * 0.001271  # the RAM SKU filed under OnDemand is spot
    assert got[("a2-highgpu-8g", "spot")] == pytest.approx(spot)
    # The $0 SKU, the Reserved SKU and the DWS SKU never price anything; no row is 0.
    assert (result.rows["usd_per_hour"] > 0).all()
    assert (
        result.skipped["zero price"] == 1
        and result.skipped["not a list price (reserved, sole-tenant, custom, premium, DWS)"] == 2
    )
    # A2 ultra needs local SSD in every kind; 1y has no SSD SKU here, so no 1y ultra row.
    assert ("a2-ultragpu-8g", "on_demand") in got and ("a2-ultragpu-8g", "reserved_1y") not in got
    ultra = 8 * 3.922 + 96 * 0.031611 + 1360 * 0.004237 + 3000 * 0.08 / 730
    assert got[("a2-ultragpu-8g", "on_demand")] == pytest.approx(ultra)
    row = result.rows.set_index(["instance_type", "pricing"]).loc[("a2-highgpu-8g", "on_demand")]
    assert (row.gpu, row.gpu_count, row.vcpus, row.memory_gb, row.network_gbps) == ("A100", 8, 96, 680, 100)
    assert "availability in the region not checked" in row.detail and row.as_of and row.source


def test_city_sku_beats_the_multi_region_one_and_a3_mega_spot(catalog: FakeCatalog) -> None:
    result = adapter().fetch_region("us-central1", lambda _: None)
    got = prices(result)
    assert got[("a2-highgpu-1g", "on_demand")] == pytest.approx(2.9 + 12 * 0.031611 + 85 * 0.004237)
    mega = 8 * 4.1377 + 208 * 0.01481 + 1872 * 0.001289 + 6000 * 0.0428 / 730
    assert got[("a3-megagpu-8g", "spot")] == pytest.approx(mega)
    assert ("a3-megagpu-8g", "on_demand") not in got  # no on-demand A3Plus SKUs served: missing, not 0
    assert result.rows.set_index(["instance_type", "pricing"]).loc[("a3-megagpu-8g", "spot"), "network_gbps"] == 1800


def test_pages_follow_next_page_token_and_the_key_is_a_header(catalog: FakeCatalog) -> None:
    built = adapter()
    first = built.fetch_region("us-east1", lambda _: None)
    second = built.fetch_region("us-west1", lambda _: None)
    pages = math.ceil(len(catalog.skus) / catalog.page_size)
    assert first.pages == pages and second.pages == 0 and len(catalog.requests) == pages  # fetched once
    tokens = [args.get("pageToken", "") for _, args, _ in catalog.requests]
    assert tokens == ["", *[str(i * 4) for i in range(1, pages)]]
    for _, args, headers in catalog.requests:
        assert args["currencyCode"] == "USD" and args["pageSize"] == "5000"
        assert headers.get("X-Goog-Api-Key") == API_KEY and "key" not in args


def test_sku_order_does_not_change_prices(catalog: FakeCatalog) -> None:
    baseline = prices(adapter().fetch_region("us-central1", lambda _: None))
    for seed in range(3):
        random.Random(seed).shuffle(catalog.skus)
        assert prices(adapter().fetch_region("us-central1", lambda _: None)) == baseline


def test_429_and_503_are_retried(catalog: FakeCatalog) -> None:
    catalog.failures = [
        (429, '{"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}}'),
        (503, '{"error": {"code": 503, "message": "unavailable", "status": "UNAVAILABLE"}}'),
    ]
    slept: list[float] = []
    result = adapter(sleep=slept.append).fetch_region("us-east1", lambda _: None)
    assert len(slept) == 2 and len(result.rows) > 0


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (403, '{"error": {"code": 403, "message": "API key not valid", "status": "PERMISSION_DENIED"}}', "HTTP 403"),
        (200, '{"skus": [', "malformed"),
        (200, '{"skus": "many"}', "malformed"),
        (503, '{"error": {"code": 503, "message": "down"}}', "ServiceUnavailable"),
    ],
)
def test_persistent_errors_and_malformed_pages_fail_with_one_line(
    catalog: FakeCatalog, status: int, body: str, message: str
) -> None:
    catalog.failures = [(status, body)] * 20
    with pytest.raises(RegionFetchError, match=message) as caught:
        adapter().fetch_region("us-east1", lambda _: None)
    assert "\n" not in str(caught.value) and API_KEY not in str(caught.value)


def test_machine_types_from_a_project_limit_and_shape_the_offers(catalog: FakeCatalog, httpserver: HTTPServer) -> None:
    zones = {
        "us-east1-b": [
            machine_type("a2-highgpu-1g", 12, 87040, "nvidia-tesla-a100", 1),
            machine_type("e2-standard-4", 4, 16384),
        ],
        "us-east1-c": [],
    }
    httpserver.expect_request("/compute/v1/projects/my-proj/aggregated/machineTypes").respond_with_json(
        machine_types_page(zones)
    )
    result = adapter(project="my-proj").fetch_region("us-east1", lambda _: None)
    assert set(result.rows["instance_type"]) == {"a2-highgpu-1g"}
    row = result.rows[result.rows["pricing"] == "on_demand"].iloc[0]
    assert row.memory_gb == 85 and row.usd_per_hour == pytest.approx(3.673385, abs=1e-6)
    assert (
        "not checked" not in row.detail and result.skipped["machine type not offered in the region (Compute API)"] > 0
    )


def test_classify_rules_and_missing_unit_price() -> None:
    record = a2_skus()[0]
    del record["pricingInfo"][0]["pricingExpression"]["tieredRates"][0]["unitPrice"]
    assert classify_sku(record) == "tier without unitPrice"
    assert classify_sku({"description": 3}) == "malformed SKU"
    commit3 = dict(a2_skus()[0], category={"resourceFamily": "Compute", "usageType": "Commit3Yr"})
    assert classify_sku(commit3).kind == "reserved_3y"  # type: ignore[union-attr]
    skipped: Counter[str] = Counter()
    rates = rate_table([r for r in map(classify_sku, a2_skus()) if not isinstance(r, str)], skipped)
    assert (
        machine_price(MACHINES["a2-highgpu-1g"], "europe-west4", "on_demand", rates) == "no on_demand gpu SKU for a100"
    )


def test_no_credentials_is_one_line_and_other_providers_refresh(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], isolated_env: Path
) -> None:
    from costcmp.cli import main

    code = main(["refresh", "--provider", "gcp"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "no Google Cloud credentials" in err and "COSTCMP_GCP_API_KEY" in err
    assert cache.load_user_cache(isolated_env) is None


def test_refresh_command_writes_gcp_rows_and_never_the_key(
    catalog: FakeCatalog, isolated_env: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    from costcmp.cli import main

    caplog.set_level("DEBUG")
    code = main(["refresh", "--provider", "gcp", "--region", "us-east1,us-central1", "--gcp-api-key", API_KEY])
    out, err = capsys.readouterr()
    assert code == 0, err
    offers = cache.load_user_cache(isolated_env).offers
    live = offers[offers.source == GcpAdapter.source]
    assert set(live["region"]) == {"us-east1", "us-central1"} and set(live["provider"]) == {"gcp"}
    assert {"a2-highgpu-8g", "a3-megagpu-8g"} <= set(live["instance_type"])
    written = "".join(p.read_text(errors="replace") for p in isolated_env.rglob("*") if p.is_file())
    assert API_KEY not in written + out + err + caplog.text
    code = main(["prices", "--provider", "gcp", "--gpu", "A100", "--format", "csv"])
    out, _ = capsys.readouterr()
    assert code == 0 and "a2-highgpu-8g" in out and API_KEY not in out


def test_a_dropped_connection_is_retried_then_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTCMP_GCP_CATALOG_URL", "http://127.0.0.1:9")  # nothing listens on port 9
    slept: list[float] = []
    with pytest.raises(RegionFetchError, match="ConnectionError") as caught:
        adapter(sleep=slept.append).fetch_region("us-east1", lambda _: None)
    assert len(slept) == MAX_RETRIES and "\n" not in str(caught.value)


def test_a_failed_catalog_writes_nothing(
    catalog: FakeCatalog, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from costcmp.cli import main

    catalog.failures = [(200, '{"skus": [{"skuId": ')] * 5
    code = main(["refresh", "--provider", "gcp", "--region", "us-east1", "--gcp-api-key", API_KEY])
    out, err = capsys.readouterr()
    assert code == 1 and "Nothing written" in out and "malformed" in err
    assert cache.load_user_cache(isolated_env) is None and API_KEY not in out + err


def test_without_gcp_credentials_the_other_providers_still_refresh(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`costcmp refresh` with no --provider: GCP (no key, no ADC) is skipped in one line; AWS and Azure
    refresh from their loopback servers and are written."""
    from costcmp.cli import main
    from tests.fakes.aws_data import region_fixture
    from tests.fakes.aws_server import FakeAws
    from tests.fakes.azure import FakeRetailPrices, region_items

    retail = FakeRetailPrices({"eastus": region_items("eastus")}, page_size=50)
    retail.base_url = httpserver.url_for("/api/retail/prices")
    httpserver.expect_request("/api/retail/prices").respond_with_handler(retail)
    monkeypatch.setenv("COSTCMP_AZURE_PRICES_URL", retail.base_url)
    with FakeAws({"us-east-1": region_fixture("us-east-1")}) as fake_aws:
        monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", fake_aws.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", fake_aws.url)
        code = main(["refresh"])
    _, err = capsys.readouterr()
    assert code == 1  # a provider was skipped
    skipped = [line for line in err.splitlines() if "skipped gcp" in line]
    assert len(skipped) == 1 and "no Google Cloud credentials" in skipped[0]
    offers = cache.load_user_cache(isolated_env).offers
    from datetime import date

    fresh = offers[offers["as_of"] == date.today().isoformat()]  # the shipped rows are months older
    assert {"aws", "azure"} <= set(fresh["provider"]) and "gcp" not in set(fresh["provider"])
