"""Published spot interruption bands: parsed from the Spot Advisor feed (loopback), carried in the schema,
kept when the feed fails, and used by the planner instead of one constant."""

from __future__ import annotations

import json

import boto3
import pandas as pd
import pytest
from pytest_httpserver import HTTPServer

from costcmp.planner.assumptions import Assumptions
from costcmp.planner.core import evaluate
from costcmp.planner.workload import build_workload
from costcmp.pricing.aws import AwsAdapter
from costcmp.pricing.aws_spot_advisor import SpotAdvisor, parse_spot_advisor
from costcmp.refresh import refresh
from costcmp.schema import coerce
from tests.conftest import make_offer
from tests.fakes.aws_data import region_fixture
from tests.fakes.aws_server import FakeAws

RANGES = [
    {"index": 0, "label": "<5%", "dots": 0, "max": 5},
    {"index": 1, "label": "5-10%", "dots": 1, "max": 11},
    {"index": 2, "label": "10-15%", "dots": 2, "max": 16},
    {"index": 3, "label": "15-20%", "dots": 3, "max": 22},
    {"index": 4, "label": ">20%", "dots": 4, "max": 100},
]


def feed(**bands: int) -> dict:
    """A Spot Advisor document of the real shape (us-east-1 Linux; Windows lacks the GPU types)."""
    return {
        "global_rate": "<10%",
        "instance_types": {"p5.48xlarge": {"emr": True, "cores": 192, "ram_gb": 2048.0}},
        "ranges": RANGES,
        "spot_advisor": {
            "us-east-1": {"Linux": {t.replace("_", "."): {"s": 52, "r": r} for t, r in bands.items()}, "Windows": {}},
            "ca-central-1": {"Linux": {"p5.48xlarge": {"s": -62, "r": 0}}, "Windows": {}},
        },
    }


def test_parse_the_real_shape() -> None:
    bands = parse_spot_advisor(feed(p5_48xlarge=4, p4de_24xlarge=0))
    assert bands[("us-east-1", "p5.48xlarge")] == ">20%" and bands[("us-east-1", "p4de.24xlarge")] == "<5%"
    assert bands[("ca-central-1", "p5.48xlarge")] == "<5%"
    assert parse_spot_advisor([]) == {} and parse_spot_advisor({"ranges": "x", "spot_advisor": {"r": 1}}) == {}


def fetch_us_east_1(fake: FakeAws, advisor: SpotAdvisor) -> pd.DataFrame:
    def factory(service: str, region: str):  # type: ignore[no-untyped-def]
        return boto3.client(service, region_name=region, endpoint_url=fake.url)

    adapter = AwsAdapter(factory, sleep=lambda s: None, spot_advisor=advisor)
    return adapter.fetch_region("us-east-1", lambda n: None).rows


def test_refresh_puts_the_band_on_spot_rows_and_keeps_it_when_the_feed_fails(httpserver: HTTPServer) -> None:
    import requests

    httpserver.expect_oneshot_request("/spot-advisor-data.json").respond_with_json(feed(p5_48xlarge=1))
    with FakeAws({"us-east-1": region_fixture("us-east-1")}) as fake:
        good = SpotAdvisor(requests.Session(), httpserver.url_for("/spot-advisor-data.json"))
        rows = fetch_us_east_1(fake, good)
        spot = rows[rows["pricing"] == "spot"].set_index("instance_type")
        assert spot.loc["p5.48xlarge", "spot_interruption"] == "5-10%"
        on_demand = rows[rows["pricing"] != "spot"]
        assert (on_demand["spot_interruption"].fillna("") == "").all()

        httpserver.expect_request("/spot-advisor-data.json").respond_with_data("boom", status=503)
        failing = SpotAdvisor(requests.Session(), httpserver.url_for("/spot-advisor-data.json"))
        again = fetch_us_east_1(fake, failing)
        assert failing.error and (again["spot_interruption"].fillna("") == "").all()


def test_a_failed_feed_keeps_the_previous_bands(isolated_env) -> None:  # type: ignore[no-untyped-def]
    from costcmp import cache
    from costcmp.pricing import RegionResult

    def spot_row(band: str) -> pd.DataFrame:
        row = make_offer(pricing="spot", usd_per_hour=12.69, usd_per_gpu_hour=12.69 / 8, spot_interruption=band)
        return coerce(pd.DataFrame([row]), "test")

    class Scripted:
        name, source = "aws", "scripted"

        def __init__(self, rows: pd.DataFrame) -> None:
            self.rows = rows

        def default_regions(self) -> list[str]:
            return ["us-east-1"]

        def fetch_region(self, region, on_page):  # type: ignore[no-untyped-def]
            return RegionResult(rows=self.rows, pages=1)

    refresh([Scripted(spot_row("10-15%"))])
    refresh([Scripted(spot_row(""))])  # the feed failed this time
    offers = cache.load_snapshot().offers
    mine = offers[(offers["region"] == "us-east-1") & (offers["instance_type"] == "p5.48xlarge")]
    assert mine.set_index("pricing").loc["spot", "spot_interruption"] == "10-15%"


@pytest.mark.parametrize(("band", "monthly"), [("<5%", 0.025), ("10-15%", 0.125), (">20%", 0.20), ("", None)])
def test_the_planner_uses_each_offers_band(band: str, monthly: float | None) -> None:
    grid = pd.DataFrame(
        [
            {
                "provider": "aws",
                "gpu": "H100",
                "gpu_count": 8,
                "gpu_memory_gb": 80.0,
                "network_gbps": 3200.0,
                "pricing": "spot",
                "usd_per_hour": 12.69,
                "spot_interruption": band,
                "gpus": 1024,
            }
        ]
    )
    r = evaluate(grid, build_workload(params="70B", tokens="2T"), Assumptions()).iloc[0]
    from costcmp.providers import REGISTRY
    from costcmp.units import HOURS_PER_MONTH

    rate = monthly / HOURS_PER_MONTH if monthly is not None else REGISTRY["aws"].spot_interruptions_per_instance_hour
    assert r["interruptions"] == pytest.approx(rate * 128 * r["hours"])


def test_schema_refuses_bands_that_are_not_bands_or_not_on_spot() -> None:
    from costcmp.errors import SchemaError

    with pytest.raises(SchemaError, match="not a band"):
        coerce(pd.DataFrame([make_offer(pricing="spot", spot_interruption="7%")]), "t")
    with pytest.raises(SchemaError, match="not spot"):
        coerce(pd.DataFrame([make_offer(spot_interruption="<5%")]), "t")
    old = pd.DataFrame([make_offer()]).drop(columns=["spot_interruption"], errors="ignore")
    assert coerce(old, "format 1")["spot_interruption"].tolist() == [""]  # older files have no column
    json.dumps(feed())
