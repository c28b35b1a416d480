from __future__ import annotations

import math

import pandas as pd
import pytest

from costcmp import offers
from costcmp.errors import CostcmpError, UnknownGPUError, UnknownNameError


def test_gpu_filter_accepts_aliases_and_lists(shipped_offers: pd.DataFrame) -> None:
    rows = offers.filter_offers(shipped_offers, gpu=["h100-sxm,A100-80GB"])
    assert set(rows["gpu"]) == {"H100", "A100-80GB"}
    assert set(rows["provider"]) == {"aws", "azure", "gcp"}


def test_provider_region_pricing_filters(shipped_offers: pd.DataFrame) -> None:
    rows = offers.filter_offers(shipped_offers, provider="azure", region=["eastus", "westeurope"], pricing="spot")
    assert not rows.empty
    assert set(rows["provider"]) == {"azure"}
    assert set(rows["region"]) <= {"eastus", "westeurope"}
    assert set(rows["pricing"]) == {"spot"}


def test_pricing_kind_spelling_is_forgiving(shipped_offers: pd.DataFrame) -> None:
    rows = offers.filter_offers(shipped_offers, pricing="On-Demand")
    assert set(rows["pricing"]) == {"on_demand"}


def test_min_gpus_and_min_gpu_memory(shipped_offers: pd.DataFrame) -> None:
    rows = offers.filter_offers(shipped_offers, min_gpus=8, min_gpu_memory=80)
    assert (rows["gpu_count"] >= 8).all() and (rows["gpu_memory_gb"] >= 80).all()
    assert {"H100", "H200", "B200", "MI300X", "A100-80GB"} <= set(rows["gpu"])
    assert "A100" not in set(rows["gpu"])


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"gpu": "nope"}, UnknownGPUError, "unknown GPU 'nope'"),
        ({"provider": "oracle"}, UnknownNameError, "unknown provider 'oracle'"),
        ({"region": "us-east-9"}, UnknownNameError, "Did you mean"),
        ({"provider": "azure", "region": "us-east-1"}, UnknownNameError, "unknown region"),
        ({"pricing": "preemptible"}, UnknownNameError, "Valid pricing kinds"),
        ({"min_gpus": -1}, CostcmpError, "min_gpus"),
        ({"min_gpu_memory": float("nan")}, CostcmpError, "min_gpu_memory"),
        ({"gpu": ",,,"}, CostcmpError, "gpu has an empty name"),
        ({"gpu": ""}, CostcmpError, "gpu has an empty name"),
    ],
)
def test_bad_filters_raise_typed_errors(shipped_offers: pd.DataFrame, kwargs: dict, error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        offers.filter_offers(shipped_offers, **kwargs)


def test_sorting_ascending_descending_and_limit(shipped_offers: pd.DataFrame) -> None:
    rows = offers.sort_offers(shipped_offers, "usd_per_hour")
    assert rows["usd_per_hour"].is_monotonic_increasing
    top = offers.sort_offers(shipped_offers, "usd_per_hour", descending=True, limit=3)
    assert len(top) == 3 and top["usd_per_hour"].is_monotonic_decreasing
    assert top.loc[0, "usd_per_hour"] == shipped_offers["usd_per_hour"].max()


def test_missing_values_sort_last(shipped_offers: pd.DataFrame) -> None:
    rows = offers.sort_offers(shipped_offers, "network_gbps")
    assert rows["network_gbps"].isna().any()
    first_missing = rows["network_gbps"].isna().to_numpy().argmax()
    assert rows["network_gbps"].iloc[first_missing:].isna().all()


def test_unknown_sort_column_and_bad_limit(shipped_offers: pd.DataFrame) -> None:
    with pytest.raises(UnknownNameError, match="sort column"):
        offers.sort_offers(shipped_offers, "price")
    with pytest.raises(CostcmpError, match="limit"):
        offers.sort_offers(shipped_offers, "usd_per_hour", limit=0)


def test_price_performance_column(shipped_offers: pd.DataFrame) -> None:
    rows = offers.with_derived(
        offers.filter_offers(shipped_offers, gpu="H100", region="us-east-1", pricing="on_demand", provider="aws")
    )
    p5 = rows.set_index("instance_type").loc["p5.48xlarge"]
    assert p5["peak_pflops_16bit"] == pytest.approx(8 * 989.4 / 1000)
    assert p5["usd_per_pflop_hour"] == pytest.approx(55.04 / (8 * 0.9894))
    v100 = offers.with_derived(offers.filter_offers(shipped_offers, gpu="V100", pricing="on_demand"))
    assert not math.isnan(v100["usd_per_pflop_hour"].iloc[0])  # FP16 peak stands in for BF16


def test_split_names() -> None:
    assert offers.split_names(["a,b", " c "]) == ["a", "b", "c"]
    with pytest.raises(CostcmpError, match="empty name"):
        offers.split_names(["a,b", ""])
    assert offers.split_names(None) == []
