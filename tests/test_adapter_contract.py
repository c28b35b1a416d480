"""One contract for every registered adapter, each built by its registry builder (the real client code
paths) against its loopback imitation; and live progress that reports each region as it finishes."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from pytest_httpserver import HTTPServer

from costcmp import refresh as refresh_module
from costcmp.pricing import AdapterOptions, PriceAdapter, RegionResult, build_adapter
from costcmp.providers import PROVIDERS, REGISTRY
from costcmp.schema import SCHEMA_COLUMNS, coerce, with_gpu_hour_price
from tests.fakes.aws_data import region_fixture
from tests.fakes.aws_server import FakeAws

REGION = {"aws": "us-east-1", "azure": "eastus", "gcp": "us-central1"}
SETTINGS = {"gcp_api_key": "AIza-contract-test"}


@pytest.fixture
def imitations(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every provider's loopback imitation, the endpoints pointed at them the way users override them."""
    from tests.fakes.azure import FakeRetailPrices, region_items
    from tests.fakes.gcp_catalog import FakeCatalog, a2_skus

    azure = FakeRetailPrices({"eastus": region_items("eastus")}, page_size=4)
    azure.base_url = httpserver.url_for("/api/retail/prices")
    httpserver.expect_request("/api/retail/prices").respond_with_handler(azure)
    monkeypatch.setenv("COSTCMP_AZURE_PRICES_URL", azure.base_url)
    httpserver.expect_request("/v1/services/6F81-5844-456A/skus").respond_with_handler(FakeCatalog(a2_skus()))
    monkeypatch.setenv("COSTCMP_GCP_CATALOG_URL", httpserver.url_for(""))
    with FakeAws({"us-east-1": region_fixture("us-east-1")}) as aws:
        monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", aws.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", aws.url)
        yield


def test_every_provider_has_a_region_for_the_contract() -> None:
    assert set(REGION) == set(PROVIDERS)


@pytest.mark.parametrize("name", PROVIDERS)
def test_every_adapter_meets_the_contract(imitations: None, name: str) -> None:
    adapter = build_adapter(name, AdapterOptions(settings=SETTINGS, sleep=lambda _: None))
    assert isinstance(adapter, PriceAdapter)
    assert adapter.name == name and adapter.source
    assert set(adapter.default_regions()) <= set(REGISTRY[name].regions)
    pages: list[int] = []
    result = adapter.fetch_region(REGION[name], pages.append)
    assert isinstance(result, RegionResult) and isinstance(result.skipped, Counter)
    assert result.pages >= 1 and len(pages) >= 1 and pages == sorted(pages)  # rows kept so far, per page
    rows = result.rows
    assert len(rows) > 0 and set(rows.columns) <= set(SCHEMA_COLUMNS)
    assert set(rows["provider"]) == {name} and set(rows["region"]) == {REGION[name]}
    assert rows["usd_per_gpu_hour"].isna().all()  # derived once, by the refresh, for every adapter
    table = coerce(with_gpu_hour_price(rows), f"{name} contract")  # what the refresh does where rows enter
    assert (table["usd_per_hour"] > 0).all() and (table.loc[table["gpu_count"] > 0, "usd_per_gpu_hour"] > 0).all()


class _Timed:
    """An adapter whose regions take the given seconds (waiting on an event, never on a clock)."""

    name = "aws"
    source = "test"

    def __init__(self, gates: dict[str, threading.Event]) -> None:
        self.gates = gates

    def default_regions(self) -> list[str]:
        return list(self.gates)

    def fetch_region(self, region: str, on_page: Any) -> RegionResult:
        assert self.gates[region].wait(10), f"{region} was never released"
        on_page(1)
        return RegionResult(rows=pd.DataFrame(columns=list(SCHEMA_COLUMNS)), pages=1)


class _Recorder:
    def __init__(self) -> None:
        self.finished: list[tuple[str, float]] = []

    def region_started(self, provider: str, region: str) -> None:
        pass

    def page_fetched(self, provider: str, region: str, pages: int, rows: int) -> None:
        pass

    def region_finished(self, outcome: refresh_module.RegionOutcome) -> None:
        self.finished.append((outcome.region, time.monotonic()))


def test_a_fast_region_is_reported_done_while_a_slow_one_still_fetches() -> None:
    """The slow region is released only once the fast one has been reported: with reports held back
    until the slowest region ended, the slow region would wait forever (and this test fail)."""
    fast, slow = threading.Event(), threading.Event()
    recorder = _Recorder()
    original = recorder.region_finished

    def finished(outcome: refresh_module.RegionOutcome) -> None:
        original(outcome)
        if outcome.region == "us-east-1":
            slow.set()

    recorder.region_finished = finished  # type: ignore[method-assign]
    fast.set()
    report = refresh_module.refresh([_Timed({"us-east-1": fast, "eu-west-1": slow})], workers=2, progress=recorder)
    assert [region for region, _ in recorder.finished] == ["us-east-1", "eu-west-1"]
    assert report.written_to is None  # neither region returned rows: nothing written
