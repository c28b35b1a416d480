from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from costcmp import cache
from costcmp.errors import SchemaError
from costcmp.schema import PRICING_KINDS, SCHEMA_COLUMNS, coerce, empty_offers, validate
from tests.conftest import make_offer

REQUIRED_AWS = {
    "p3.2xlarge",
    "p3.8xlarge",
    "p3.16xlarge",
    "p3dn.24xlarge",
    "p4d.24xlarge",
    "p4de.24xlarge",
    "p5.48xlarge",
    "p5.4xlarge",
    "p5en.48xlarge",
    "p6-b200.48xlarge",
    "g4dn.xlarge",
    "g4dn.12xlarge",
    "g5.xlarge",
    "g5.12xlarge",
    "g5.48xlarge",
    "g6.xlarge",
    "g6.48xlarge",
    "g6e.xlarge",
    "g6e.12xlarge",
    "g6e.24xlarge",
    "g6e.48xlarge",
}
REQUIRED_GCP = {"a2-highgpu-8g", "a2-ultragpu-8g", "a3-highgpu-8g", "a3-megagpu-8g", "g2-standard-8"}
REQUIRED_AZURE = {
    "Standard_NC4as_T4_v3",
    "Standard_NC64as_T4_v3",
    "Standard_NC6s_v3",
    "Standard_NC24s_v3",
    "Standard_ND40rs_v2",
    "Standard_NC24ads_A100_v4",
    "Standard_NC96ads_A100_v4",
    "Standard_ND96asr_v4",
    "Standard_ND96amsr_A100_v4",
    "Standard_NC40ads_H100_v5",
    "Standard_ND96isr_H100_v5",
    "Standard_ND96isr_H200_v5",
    "Standard_ND96isr_MI300X_v5",
}


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    pd.DataFrame(rows, columns=list(SCHEMA_COLUMNS)).to_csv(path, index=False)
    return path


def test_shipped_snapshot_meets_the_catalog_floor(shipped_offers: pd.DataFrame) -> None:
    assert len(shipped_offers) >= 200
    assert shipped_offers["region"].nunique() >= 12
    assert set(shipped_offers["provider"]) == {"aws", "azure", "gcp"}
    assert set(shipped_offers.loc[shipped_offers.provider == "aws", "instance_type"]) >= REQUIRED_AWS
    assert set(shipped_offers.loc[shipped_offers.provider == "azure", "instance_type"]) >= REQUIRED_AZURE
    assert set(shipped_offers.loc[shipped_offers.provider == "gcp", "instance_type"]) >= REQUIRED_GCP
    aws_azure = shipped_offers[shipped_offers.provider != "gcp"]
    assert set(aws_azure["pricing"]) == {"on_demand", "spot"}  # their reserved rates arrive with `refresh`
    assert set(shipped_offers["pricing"]) == {"on_demand", "spot", "reserved_1y", "reserved_3y"}
    assert (shipped_offers["usd_per_hour"] > 0).all()
    assert shipped_offers["source"].str.len().gt(0).all()


def test_shipped_spot_rows_are_never_placeholders(shipped_offers: pd.DataFrame) -> None:
    keys = ["provider", "region", "instance_type"]
    od = shipped_offers[shipped_offers.pricing == "on_demand"].set_index(keys)["usd_per_hour"]
    spot = shipped_offers[shipped_offers.pricing == "spot"].set_index(keys)["usd_per_hour"]
    both = spot.index.intersection(od.index)
    assert len(both) > 50
    assert (spot[both] < od[both]).all()


def test_network_figures_the_planner_relies_on(shipped_offers: pd.DataFrame) -> None:
    net = shipped_offers.drop_duplicates("instance_type").set_index("instance_type")["network_gbps"]
    assert net["p4d.24xlarge"] == 400
    assert net["p5.48xlarge"] == 3200
    assert net["Standard_ND96asr_v4"] == 1600
    assert net["Standard_ND96isr_H100_v5"] == 3200
    assert net["Standard_ND40rs_v2"] == 100


def test_good_file_round_trips(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "offers.csv",
        [make_offer(), make_offer(pricing="spot", usd_per_hour=11.2543, usd_per_gpu_hour=11.2543 / 8)],
    )
    df = cache.read_offers(path)
    assert list(df.columns) == list(SCHEMA_COLUMNS)
    assert df["gpu_count"].dtype == "int64" and df["vcpus"].dtype == "Int64"
    assert df.loc[1, "usd_per_gpu_hour"] == pytest.approx(1.4067875)


@pytest.mark.parametrize(
    ("override", "field", "words"),
    [
        ({"usd_per_hour": -1.0, "usd_per_gpu_hour": -0.125}, "usd_per_hour", "> 0"),
        ({"usd_per_hour": 0.0, "usd_per_gpu_hour": 0.0}, "usd_per_hour", "> 0"),
        ({"usd_per_hour": None, "usd_per_gpu_hour": None}, "usd_per_hour", "missing price"),
        ({"usd_per_hour": "cheap"}, "usd_per_hour", "not a number"),
        ({"gpu": "H1000"}, "gpu", "canonical GPU"),
        ({"provider": "oracle"}, "provider", "unknown provider"),
        ({"pricing": "preemptible"}, "pricing", "unknown pricing kind"),
        ({"as_of": "22/11/2026"}, "as_of", "ISO date"),
        ({"as_of": "2026-02-30"}, "as_of", "real date"),
        ({"as_of": "2999-01-01"}, "as_of", "future"),
        ({"usd_per_gpu_hour": 1.0}, "usd_per_gpu_hour", "usd_per_hour / gpu_count"),
        ({"gpu_count": 2.5}, "gpu_count", "whole number"),
        ({"source": ""}, "source", "empty"),
        ({"network_gbps": -5}, "network_gbps", "> 0"),
    ],
)
def test_bad_cell_names_file_line_and_field(tmp_path: Path, override: dict, field: str, words: str) -> None:
    path = write_csv(tmp_path / "bad.csv", [make_offer(region="us-west-2"), make_offer(**override)])
    with pytest.raises(SchemaError) as info:
        cache.read_offers(path)
    message = str(info.value)
    assert str(path) in message and "line 3" in message and repr(field) in message and words in message


def test_duplicate_keys_are_rejected(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "dup.csv", [make_offer(), make_offer(usd_per_hour=60.0, usd_per_gpu_hour=7.5)])
    with pytest.raises(SchemaError, match=r"line 3.*duplicate offer"):
        cache.read_offers(path)


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    pd.DataFrame([make_offer()]).drop(columns=["as_of"]).to_csv(path, index=False)
    with pytest.raises(SchemaError, match=r"missing column.*as_of"):
        cache.read_offers(path)


def test_unreadable_csv_is_a_schema_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(b'provider,region\n"unterminated')
    with pytest.raises(SchemaError, match=r"junk\.csv"):
        cache.read_offers(path)


def test_cpu_only_rows_are_allowed() -> None:
    row = make_offer(
        instance_type="c7i.48xlarge",
        gpu="",
        gpu_count=0,
        gpu_memory_gb=None,
        usd_per_hour=8.568,
        usd_per_gpu_hour=None,
    )
    df = coerce(pd.DataFrame([row]), "test")
    assert df.loc[0, "gpu_count"] == 0


def test_empty_offers_has_schema() -> None:
    df = empty_offers()
    assert list(df.columns) == list(SCHEMA_COLUMNS) and df.empty
    validate(df, "empty")
    assert PRICING_KINDS == ("on_demand", "spot", "reserved_1y", "reserved_3y")
