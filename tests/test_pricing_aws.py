"""The AWS adapter through the real boto3 client code paths, with botocore's Stubber (no network)."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import ANY, Stubber

from costcmp.pricing import RegionFetchError
from costcmp.pricing.aws import AwsAdapter
from costcmp.pricing.aws_parse import (
    MalformedItemError,
    canonical_gpu,
    latest_spot_by_zone,
    parse_network_gbps,
    parse_price_item,
)
from costcmp.schema import SCHEMA_COLUMNS
from tests.fakes.aws_data import instance_type, price_item, region_fixture, spot_entry

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc)


def test_price_item_on_demand_and_reserved_choice() -> None:
    reserved = {
        ("1yr", "standard", "No Upfront"): ("38.0", "0"),
        ("1yr", "standard", "Partial Upfront"): ("18.0", "160000"),
        ("3yr", "standard", "Partial Upfront"): ("10.0", "300000"),
        ("3yr", "standard", "All Upfront"): ("0.0", "650000"),
        ("1yr", "convertible", "No Upfront"): ("45.0", "0"),
    }
    product = parse_price_item(price_item("p5.48xlarge", "us-east-1", "55.0400000000", reserved=reserved))
    assert product.on_demand == 55.04 and product.region == "us-east-1"
    assert product.reserved["reserved_1y"] == (38.0, "No Upfront")
    hourly, option = product.reserved["reserved_3y"]  # no No Upfront: Partial wins over All Upfront
    assert option == "Partial Upfront" and hourly == pytest.approx(10.0 + 300000 / 26280)


def test_zero_rates_are_skipped_and_counted() -> None:
    product = parse_price_item(price_item("p5e.48xlarge", "us-east-2", "0.0000000000"))
    assert product.on_demand is None
    assert product.skipped["zero on-demand rate (placeholder; not stored)"] == 1


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        json.dumps({"product": {}}),
        json.dumps({"terms": {}}),
        json.dumps(
            {
                "product": {"attributes": {"instanceType": "p5.48xlarge", "regionCode": "us-east-1"}},
                "terms": {"OnDemand": {"x": {"priceDimensions": {"y": {"unit": "Hrs", "pricePerUnit": {}}}}}},
            }
        ),
    ],
)
def test_malformed_items_raise(raw: str) -> None:
    with pytest.raises(MalformedItemError):
        parse_price_item(raw)


@pytest.mark.parametrize(
    ("text", "cards", "gbps"),
    [
        ("3200 Gigabit", (), 3200.0),
        ("4x 100 Gigabit", (), 400.0),
        ("100 Gigabit", (), 100.0),
        ("Up to 25 Gigabit", (), math.nan),
        ("Up to 25 Gigabit", ({"BaselineBandwidthInGbps": 5.0},), 5.0),
        ("3200 Gigabit", tuple({"BaselineBandwidthInGbps": 200.0} for _ in range(16)), 3200.0),
        # Real DescribeInstanceTypes answers: per-card figures that do not add up to the instance's.
        (
            "400 Gigabit",
            tuple({"NetworkPerformance": "400 Gigabit", "BaselineBandwidthInGbps": 400.0} for _ in range(4)),
            400.0,
        ),
        ("3200 Gigabit", tuple({"BaselineBandwidthInGbps": 200.0} for _ in range(8)), 3200.0),  # p6-b200.48xlarge
        ("200 Gigabit", ({"BaselineBandwidthInGbps": 400.0},), 200.0),  # g6e.24xlarge
        (None, ({"BaselineBandwidthInGbps": 100.0}, {"BaselineBandwidthInGbps": 100.0}), 200.0),
        (None, (), math.nan),
    ],
)
def test_network_parsing(text: str | None, cards: tuple, gbps: float) -> None:
    result = parse_network_gbps(text, cards)
    assert (math.isnan(result) and math.isnan(gbps)) or result == gbps


@pytest.mark.parametrize(
    ("itype", "name", "mib", "gpu"),
    [
        ("p4de.24xlarge", "A100", 81920, "A100-80GB"),
        ("p4d.24xlarge", "A100", 40960, "A100"),
        ("p5en.48xlarge", "NVIDIA", 144384, "H200"),
        ("p3dn.24xlarge", "V100", 32768, "V100-32GB"),
        ("g6e.xlarge", "L40S", 45776, "L40S"),
        ("g5.xlarge", "A10G", 22888, "A10G"),
        ("g5g.xlarge", "T4g", 16384, None),
        ("p6-b200.48xlarge", "B200", 183359, "B200"),
    ],
)
def test_gpu_name_quirks(itype: str, name: str, mib: int, gpu: str | None) -> None:
    assert canonical_gpu(itype, name, mib) == gpu


def test_latest_spot_price_per_zone() -> None:
    old = datetime(2026, 11, 20, tzinfo=timezone.utc)
    history = [
        spot_entry("p5.48xlarge", "us-east-1a", "9.0", old),
        spot_entry("p5.48xlarge", "us-east-1a", "11.0"),
        spot_entry("p5.48xlarge", "us-east-1b", "12.0"),
    ]
    assert latest_spot_by_zone(history, NOW) == {
        ("p5.48xlarge", "us-east-1a"): 11.0,
        ("p5.48xlarge", "us-east-1b"): 12.0,
    }


class Stubbed:
    """Real boto3 clients (dummy credentials from conftest) with Stubbers, handed out by a factory."""

    def __init__(self) -> None:
        self.pricing = boto3.client("pricing", region_name="us-east-1")
        self.ec2 = boto3.client("ec2", region_name="us-east-1")
        self.spot = boto3.client("ec2", region_name="us-east-1")  # the adapter's second EC2 stream
        self.pricing_stub, self.ec2_stub, self.spot_stub = Stubber(self.pricing), Stubber(self.ec2), Stubber(self.spot)
        self.made: list[tuple[str, str]] = []

    def factory(self, service: str, region: str):  # type: ignore[no-untyped-def]
        first_ec2 = service == "ec2" and (service, region) not in self.made
        self.made.append((service, region))
        return self.pricing if service == "pricing" else self.ec2 if first_ec2 else self.spot


def _pricing_params(token: str | None = None) -> dict:
    params = {"ServiceCode": "AmazonEC2", "Filters": ANY, "FormatVersion": "aws_v1"}
    return {**params, "NextToken": token} if token else params


def test_fetch_region_with_pagination_throttling_and_a_malformed_item() -> None:
    fixture = region_fixture("us-east-1")
    s = Stubbed()
    s.pricing_stub.add_response(
        "get_products",
        {"FormatVersion": "aws_v1", "PriceList": fixture["prices"][:2], "NextToken": "tok-2"},
        _pricing_params(),
    )
    s.pricing_stub.add_client_error(
        "get_products",
        service_error_code="ThrottlingException",
        service_message="Rate exceeded",
        http_status_code=400,
        expected_params=_pricing_params("tok-2"),
    )
    s.pricing_stub.add_response(
        "get_products",
        {"FormatVersion": "aws_v1", "PriceList": [*fixture["prices"][2:], "{not json"]},
        _pricing_params("tok-2"),
    )
    s.ec2_stub.add_response(
        "describe_instance_types",
        {"InstanceTypes": fixture["instance_types"]},
        {"InstanceTypes": ["p4de.24xlarge", "p5.48xlarge", "p5e.48xlarge", "p5en.48xlarge"]},
    )
    spot_params = {"InstanceTypes": ANY, "ProductDescriptions": ["Linux/UNIX"], "StartTime": ANY}
    s.spot_stub.add_response(
        "describe_spot_price_history",
        {"SpotPriceHistory": fixture["spot"][:3], "NextToken": "spot-2"},
        spot_params,
    )
    s.spot_stub.add_response(
        "describe_spot_price_history",
        {"SpotPriceHistory": fixture["spot"][3:], "NextToken": ""},
        {**spot_params, "NextToken": "spot-2"},
    )
    slept: list[float] = []
    pages: list[int] = []
    with s.pricing_stub, s.ec2_stub, s.spot_stub:
        adapter = AwsAdapter(s.factory, sleep=slept.append, now=lambda: NOW)
        result = adapter.fetch_region("us-east-1", pages.append)
        s.pricing_stub.assert_no_pending_responses()
        s.ec2_stub.assert_no_pending_responses()
        s.spot_stub.assert_no_pending_responses()
    assert len(slept) == 1 and 0.05 <= slept[0] <= 0.1 and result.pages == 5 and len(pages) == 5
    assert result.skipped["malformed Price List item"] == 1
    assert result.skipped["zero on-demand rate (placeholder; not stored)"] == 1
    assert result.skipped["p5e.48xlarge: no non-zero on-demand rate"] == 1
    rows = result.rows.set_index(["instance_type", "pricing"])
    assert list(result.rows.columns) == list(SCHEMA_COLUMNS)
    assert rows.loc[("p5.48xlarge", "on_demand"), "usd_per_hour"] == 55.04
    assert rows.loc[("p5.48xlarge", "reserved_1y"), "detail"].startswith("standard, No Upfront")
    assert rows.loc[("p5.48xlarge", "reserved_3y"), "usd_per_hour"] == pytest.approx(650000 / 26280)
    spot = rows.loc[("p5.48xlarge", "spot")]
    assert spot["usd_per_hour"] == 12.6935 and spot["detail"] == "lowest of 2 zone prices (12.6935-16.1301)"
    assert rows.loc[("p4de.24xlarge", "on_demand"), "gpu"] == "A100-80GB"
    assert rows.loc[("p5en.48xlarge", "on_demand"), "gpu"] == "H200"
    assert rows.loc[("p5.48xlarge", "on_demand"), "network_gbps"] == 3200
    assert ("p4de.24xlarge", "spot") not in rows.index  # spot at the on-demand price is no spot offer
    assert set(result.rows["as_of"]) == {"2026-11-22"}


def test_instance_types_missing_from_ec2_fall_back_to_declared_tables() -> None:
    s = Stubbed()
    s.pricing_stub.add_response(
        "get_products",
        {
            "FormatVersion": "aws_v1",
            "PriceList": [
                price_item(
                    "g6e.xlarge",
                    "us-east-1",
                    "1.8610000000",
                    gpus=1,
                    vcpu=4,
                    memory_gib=32,
                    network="Up to 20 Gigabit",
                )
            ],
        },
        _pricing_params(),
    )
    s.ec2_stub.add_response("describe_instance_types", {"InstanceTypes": []}, {"InstanceTypes": ANY})
    s.spot_stub.add_response("describe_spot_price_history", {"SpotPriceHistory": [], "NextToken": ""}, None)
    with s.pricing_stub, s.ec2_stub, s.spot_stub:
        result = AwsAdapter(s.factory, sleep=lambda _: None, now=lambda: NOW).fetch_region("us-east-1", lambda _: None)
    row = result.rows.iloc[0]
    assert row["gpu"] == "L40S" and row["gpu_count"] == 1 and row["vcpus"] == 4 and row["memory_gb"] == 32
    assert math.isnan(row["network_gbps"])  # "Up to" states no baseline


def test_unknown_gpu_models_are_counted_not_dropped_silently() -> None:
    s = Stubbed()
    s.pricing_stub.add_response(
        "get_products",
        {
            "FormatVersion": "aws_v1",
            "PriceList": [price_item("g5g.xlarge", "us-east-1", "0.4200000000", gpus=1)],
        },
        _pricing_params(),
    )
    s.ec2_stub.add_response(
        "describe_instance_types",
        {"InstanceTypes": [instance_type("g5g.xlarge", "T4g", 1, 16384, 4, 8192, "Up to 10 Gigabit")]},
        {"InstanceTypes": ANY},
    )
    s.spot_stub.add_response("describe_spot_price_history", {"SpotPriceHistory": [], "NextToken": ""}, None)
    with s.pricing_stub, s.ec2_stub, s.spot_stub:
        result = AwsAdapter(s.factory, sleep=lambda _: None, now=lambda: NOW).fetch_region("us-east-1", lambda _: None)
    assert result.rows.empty
    assert result.skipped["g5g.xlarge: GPU model 'T4g' is not one costcmp knows"] == 1


def test_persistent_throttling_and_access_denied_fail_the_region() -> None:
    s = Stubbed()
    for _ in range(3):
        s.pricing_stub.add_client_error("get_products", service_error_code="ThrottlingException", http_status_code=400)
    with s.pricing_stub, pytest.raises(RegionFetchError, match="ThrottlingException"):
        AwsAdapter(s.factory, sleep=lambda _: None, max_retries=2).fetch_region("us-east-1", lambda _: None)
    s = Stubbed()
    s.pricing_stub.add_client_error("get_products", service_error_code="AccessDeniedException", http_status_code=400)
    with s.pricing_stub, pytest.raises(RegionFetchError, match="AccessDeniedException"):
        AwsAdapter(s.factory, sleep=lambda _: None).fetch_region("eu-west-1", lambda _: None)


def test_backoff_honours_retry_after_and_grows_with_jitter() -> None:
    from costcmp.pricing.adapter import BACKOFF_CAP_S, backoff_seconds

    assert backoff_seconds(0, "7") == 7.0 and backoff_seconds(0, "3600") == 60.0
    assert backoff_seconds(3, "Wed, 21 Oct 2026 07:28:00 GMT", jitter=1.0) == pytest.approx(0.8)
    assert [backoff_seconds(a, jitter=1.0) for a in range(3)] == pytest.approx([0.1, 0.2, 0.4])
    assert backoff_seconds(30, jitter=1.0) == BACKOFF_CAP_S
    assert all(0.05 <= backoff_seconds(0) <= 0.1 for _ in range(50))


def test_5xx_and_dropped_connections_are_retried_per_request() -> None:
    s = Stubbed()
    s.pricing_stub.add_client_error("get_products", service_error_code="ServiceUnavailable", http_status_code=503)
    s.pricing_stub.add_response("get_products", {"FormatVersion": "aws_v1", "PriceList": []}, _pricing_params())
    slept: list[float] = []
    with s.pricing_stub:
        result = AwsAdapter(s.factory, sleep=slept.append, now=lambda: NOW).fetch_region("us-east-1", lambda _: None)
    assert len(slept) == 1 and result.rows.empty
