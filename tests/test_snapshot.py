"""The shipped snapshot is exactly what scripts/build_snapshot.py makes from the fact tables."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def load_builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_snapshot", ROOT / "scripts" / "build_snapshot.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_snapshot_matches_a_fresh_build(capsys) -> None:  # type: ignore[no-untyped-def]
    assert load_builder().main(["--check"]) == 0, capsys.readouterr().out


def test_every_source_key_is_dated_and_cited() -> None:
    _, meta = load_builder().build()
    for provider in ("aws", "azure"):
        for key, source in meta["providers"][provider]["sources"].items():
            assert source["as_of"] and source["as_of_basis"] and source["source"], key


def test_fact_tables_have_no_guessed_prices() -> None:
    prices = pd.read_csv(ROOT / "scripts" / "snapshot_facts" / "prices.csv")
    assert (prices["usd_per_hour"] > 0).all()
    assert not prices.duplicated(["provider", "region", "instance_type", "pricing"]).any()
    assert set(prices["pricing"]) == {"on_demand", "spot", "reserved_1y", "reserved_3y"}
    # Only GCP's source publishes committed-use rates; AWS and Azure reserved rates arrive with `refresh`.
    assert set(prices.loc[prices["pricing"].str.startswith("reserved"), "provider"]) == {"gcp"}


def test_gcp_rows_only_where_a_zone_offers_the_machine(shipped_offers: pd.DataFrame) -> None:
    """Cyclenerd prices every region with the component SKUs; the snapshot keeps A2/A3/G2 rows only where
    skypilot-catalog v8's machineTypes extract lists the type (no 91%-off phantom regions)."""
    offered = pd.read_csv(ROOT / "scripts" / "snapshot_facts" / "gcp_availability.csv")
    pairs = set(offered.itertuples(index=False, name=None))
    gcp = shipped_offers[shipped_offers["provider"] == "gcp"]
    listed = gcp[gcp["instance_type"].isin(offered["instance_type"])]
    assert len(listed) > 100 and set(zip(listed["instance_type"], listed["region"], strict=True)) <= pairs
    unlisted = gcp[~gcp["instance_type"].isin(offered["instance_type"])]
    assert unlisted["detail"].str.contains("availability in the region not checked").all()
