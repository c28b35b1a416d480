"""Real-API quirks through boto3 and the loopback server: Capacity Block products, per-card network figures,
stale or absurd spot history, fractional GPUs. Each answer has the real response's shape."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import pandas as pd
import pytest

from costcmp.pricing.aws import AwsAdapter
from tests.fakes.aws_data import instance_type, price_item, spot_entry
from tests.fakes.aws_server import FakeAws

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc)
REGION = "us-east-1"


def fetch(fake: FakeAws) -> tuple[pd.DataFrame, dict[str, int]]:
    def factory(service: str, region: str):  # type: ignore[no-untyped-def]
        return boto3.client(service, region_name=region, endpoint_url=fake.url)

    result = AwsAdapter(factory, now=lambda: NOW, sleep=lambda s: None).fetch_region(REGION, lambda n: None)
    return result.rows.set_index(["instance_type", "pricing"]), dict(result.skipped)


def p5_products(capacity_block_first: bool) -> list[str]:
    reserved = {("1yr", "standard", "No Upfront"): ("38.0000000000", "0")}
    on_demand = price_item("p5.48xlarge", REGION, "55.0400000000", reserved=reserved, sku="SKUP5")
    block = price_item("p5.48xlarge", REGION, "0.0000000000", sku="SKUP5CB", market="CapacityBlock")
    return [block, on_demand] if capacity_block_first else [on_demand, block]


P5_FACTS = [instance_type("p5.48xlarge", "H100", 8, 81920, 192, 2097152, "3200 Gigabit", [100.0] * 32)]
P5_SPOT = [spot_entry("p5.48xlarge", f"{REGION}a", "12.693500", NOW - timedelta(hours=1))]


@pytest.mark.parametrize("capacity_block_first", [True, False])
@pytest.mark.parametrize("page_size", [1, 2])  # 1: the two products arrive on different pages
@pytest.mark.parametrize("honor_filters", [True, False])
def test_capacity_block_products_never_erase_on_demand(
    capacity_block_first: bool, page_size: int, honor_filters: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    region = {"prices": p5_products(capacity_block_first), "instance_types": P5_FACTS, "spot": P5_SPOT}
    with FakeAws({REGION: region}, page_size=page_size, honor_filters=honor_filters) as fake:
        rows, skipped = fetch(fake)
    assert rows.loc[("p5.48xlarge", "on_demand"), "usd_per_hour"] == 55.04
    assert rows.loc[("p5.48xlarge", "reserved_1y"), "usd_per_hour"] == 38.0
    assert rows.loc[("p5.48xlarge", "spot"), "usd_per_hour"] == 12.6935  # still checked against on-demand
    assert (rows["usd_per_hour"] > 0).all()
    blocks = sum(n for reason, n in skipped.items() if reason.startswith("CapacityBlock product"))
    assert blocks == (0 if honor_filters else 1)  # the query filter leaves it out; else it is counted


def test_network_is_the_instance_figure_not_the_sum_of_cards() -> None:
    facts = [
        instance_type("g6e.48xlarge", "L40S", 8, 45776, 192, 1572864, "400 Gigabit", [400.0] * 4, "400 Gigabit"),
        instance_type("g6e.24xlarge", "L40S", 4, 45776, 96, 786432, "200 Gigabit", [400.0]),
        instance_type("p6-b200.48xlarge", "B200", 8, 183359, 192, 2097152, "3200 Gigabit", [200.0] * 8),
        instance_type("g6e.xlarge", "L40S", 1, 45776, 4, 32768, "Up to 20 Gigabit", [2.5]),
    ]
    prices = [
        price_item("g6e.48xlarge", REGION, "30.1310000000", gpus=8, network="400 Gigabit", sku="A"),
        price_item("g6e.24xlarge", REGION, "15.0660000000", gpus=4, network="200 Gigabit", sku="B"),
        price_item("p6-b200.48xlarge", REGION, "113.9300000000", gpus=8, sku="C"),
        price_item("g6e.xlarge", REGION, "1.8610000000", gpus=1, network="Up to 20 Gigabit", sku="D"),
    ]
    with FakeAws({REGION: {"prices": prices, "instance_types": facts, "spot": []}}) as fake:
        rows, _ = fetch(fake)
    network = rows.xs("on_demand", level="pricing")["network_gbps"]
    assert network.to_dict() == {
        "g6e.24xlarge": 200.0,
        "g6e.48xlarge": 400.0,
        "g6e.xlarge": 2.5,  # "Up to": the sustained baseline of its card
        "p6-b200.48xlarge": 3200.0,
    }


def test_stale_and_absurd_spot_history_is_dropped_and_counted() -> None:
    spot = [
        spot_entry("p5.48xlarge", f"{REGION}a", "0.000010", datetime(2006, 1, 1, tzinfo=timezone.utc)),
        spot_entry("p5.48xlarge", f"{REGION}b", "0.000010", NOW - timedelta(minutes=5)),  # below 5% of on-demand
        spot_entry("p5.48xlarge", f"{REGION}c", "14.100000", NOW - timedelta(days=6)),  # the last change: kept
        spot_entry("p5.48xlarge", f"{REGION}d", "13.500000", NOW + timedelta(days=30)),  # from the future
    ]
    region = {"prices": p5_products(False), "instance_types": P5_FACTS, "spot": spot}
    with FakeAws({REGION: region}) as fake:
        rows, skipped = fetch(fake)
    assert rows.loc[("p5.48xlarge", "spot"), "usd_per_hour"] == 14.1
    assert rows.loc[("p5.48xlarge", "spot"), "detail"] == "lowest of 1 zone price"
    dated = {reason: n for reason, n in skipped.items() if "outside the API's 90-day history" in reason}
    assert sum(dated.values()) == 2 and any("2006-01-01" in reason for reason in dated)
    assert skipped["spot price below 5% of on-demand (implausible; left out)"] == 1


def test_fractional_gpus_are_skipped_with_the_reason() -> None:
    facts = [instance_type("g6f.large", "L4", 1, 2861, 2, 8192, "Up to 10 Gigabit", [0.75], partition=0.125)]
    prices = [price_item("g6f.large", REGION, "0.2000000000", gpus=1, gpu_attribute="0.125", sku="F")]
    with FakeAws({REGION: {"prices": prices, "instance_types": facts, "spot": []}}) as fake:
        rows, skipped = fetch(fake)
    assert rows.empty
    assert skipped == {"g6f.large: fractional GPU (0.125 of a GPU per instance; costcmp prices whole GPUs)": 1}
