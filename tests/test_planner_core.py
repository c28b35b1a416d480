from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from costcmp.planner import assumptions as A
from costcmp.planner.assumptions import Assumptions
from costcmp.planner.core import daly_spot_factor, evaluate, ideal_gpu_hours
from costcmp.planner.workload import build_workload


def grid(**overrides: object) -> pd.DataFrame:
    row: dict[str, object] = {
        "provider": "aws",
        "gpu": "H100",
        "gpu_count": 8,
        "gpu_memory_gb": 80.0,
        "network_gbps": 3200.0,
        "pricing": "on_demand",
        "usd_per_hour": 55.04,
        "gpus": 8,
    }
    row.update(overrides)
    return pd.DataFrame([row])


def test_single_instance_matches_hand_arithmetic() -> None:
    w = build_workload(params="7B", tokens="100B", layers=32, hidden=4096, seq_len=4096)
    r = evaluate(grid(), w, Assumptions()).iloc[0]
    mfu = 0.477 * 4096 / (4096 + 3000)  # the Hopper curve at d=4,096
    flops = 6 * 7e9 * 100e9 + 12 * 32 * 4096 * 4096 * 100e9
    hours = flops / (8 * 989.4e12 * mfu * 0.90) / 3600
    assert r["hours"] == pytest.approx(hours)
    assert r["cost_usd"] == pytest.approx(hours * 55.04)
    assert r["gpu_hours"] == pytest.approx(8 * hours)
    assert r["network_derate"] == 1.0 and r["efficiency"] == pytest.approx(mfu * 0.90)
    low, high = A.ERROR_BAND
    assert r["gpu_hours_low"] == pytest.approx(8 * hours * low) and r["days_high"] == pytest.approx(hours * high / 24)
    assert r["cost_usd_low"] < r["cost_usd"] < r["cost_usd_high"]
    assert r["usd_per_million_tokens"] == pytest.approx(hours * 55.04 / 100e3)


def test_moe_efficiency_and_all_to_all_on_a_slow_network() -> None:
    dense = build_workload(params="37B", tokens="1T", layers=61, hidden=7168)
    moe = build_workload(params="671B", active_params="37B", tokens="1T", layers=61, hidden=7168)
    d = evaluate(grid(gpus=4096), dense, Assumptions()).iloc[0]
    m = evaluate(grid(gpus=4096), moe, Assumptions()).iloc[0]
    assert m["mfu"] == pytest.approx(d["mfu"] * A.MOE_EFFICIENCY)
    slow = evaluate(grid(gpus=4096, network_gbps=100.0), moe, Assumptions()).iloc[0]
    assert slow["network_derate"] < m["network_derate"]  # the all-to-all no longer hides behind compute


def test_no_latency_cliff_for_small_models_on_big_clusters() -> None:
    """NCCL's tree latency grows with log2 of the nodes: a 1B model on 8,192 GPUs is not derated to a
    fraction of its speed by latency alone."""
    w = build_workload(params="1B", tokens="1T")
    r = evaluate(grid(gpus=8192), w, Assumptions()).iloc[0]
    assert r["network_derate"] > 0.7


def test_partial_instances_are_paid_in_full() -> None:
    r = evaluate(grid(gpus=12), build_workload(params="7B", tokens="100B"), Assumptions()).iloc[0]
    assert r["instances"] == 2
    assert r["cost_usd"] == pytest.approx(r["hours"] * 55.04 * 2)


def test_memory_fit_and_minimum_gpus() -> None:
    w = build_workload(params="70B", tokens="1T")
    r = evaluate(grid(gpus=8), w, Assumptions()).iloc[0]
    need = math.ceil(16 * 70e9 / (80 * A.GIB * 0.75))
    assert r["min_gpus_to_fit"] == need == 18
    assert not r["fits"]
    assert evaluate(grid(gpus=24), w, Assumptions()).iloc[0]["fits"]


def test_slower_network_derates_the_motivating_case() -> None:
    w = build_workload(params="17B", tokens="300B")
    rows = pd.concat(
        [
            grid(gpu="V100-32GB", gpu_memory_gb=32.0, network_gbps=g, gpus=10_000, usd_per_hour=22.032)
            for g in (25.0, 100.0, 400.0, 3200.0)
        ],
        ignore_index=True,
    )
    r = evaluate(rows, w, Assumptions())
    derate = r["network_derate"].to_numpy()
    assert np.all(np.diff(derate) >= 0) and derate[0] < 0.2 and derate[-1] == 1.0
    assert np.all(np.diff(r["cost_usd"].to_numpy()) <= 0)  # a slower network costs more

    # 100 Gbps by hand: 2 pipeline stages (272 GB of states over 192 GiB usable per instance), 625 replicas;
    # bandwidth as a ring, latency as NCCL's tree: 8.4 us + 2 log2(replicas) x 14 us.
    stages, replicas = 2, 1250 / 2
    t_comm = 2 * (replicas - 1) / replicas * (2 * 17e9 / stages) / (100e9 / 8 * 0.8)
    t_comm += 8.4e-6 + 2 * math.log2(replicas) * 14e-6
    t_comp = w.flops / w.tokens * A.GLOBAL_BATCH_TOKENS / (10_000 * 125e12 * A.default_mfu("V100-32GB", w.hidden))
    expected = t_comp / (t_comp + max(0.0, t_comm - 0.6 * t_comp))
    assert r.loc[1, "pipeline_stages"] == stages
    assert derate[1] == pytest.approx(expected)


def test_unknown_network_is_missing_not_perfect() -> None:
    w = build_workload(params="7B", tokens="100B")
    r = evaluate(grid(network_gbps=float("nan"), gpus=64), w, Assumptions()).iloc[0]
    assert math.isnan(r["network_derate"]) and math.isnan(r["cost_usd"])
    single = evaluate(grid(network_gbps=float("nan"), gpus=8), w, Assumptions()).iloc[0]
    assert single["network_derate"] == 1.0  # one instance: no network involved


def test_daly_factor() -> None:
    assert daly_spot_factor(np.array([0.0]), 5 / 60, 20 / 60)[0] == 1.0
    small = daly_spot_factor(np.array([1e-4]), 5 / 60, 20 / 60)[0]
    first_order = 1 + math.sqrt(2 * (5 / 60) * 1e-4) + (20 / 60) * 1e-4
    assert small == pytest.approx(first_order, rel=1e-3)
    rates = np.array([0.01, 0.1, 1.0, 3.0])
    factors = daly_spot_factor(rates, 5 / 60, 20 / 60)
    assert np.all(np.diff(factors) > 0) and factors[-1] > 2


def test_spot_gets_worse_with_more_instances() -> None:
    w = build_workload(params="70B", tokens="2T")
    rows = pd.concat([grid(pricing="spot", usd_per_hour=12.69, gpus=g) for g in (64, 1024, 8000)], ignore_index=True)
    r = evaluate(rows, w, Assumptions())
    assert np.all(np.diff(r["spot_factor"].to_numpy()) > 0)
    assert r.loc[2, "spot_factor"] > 1.25  # 1,000 instances: rightly a bad idea
    assert r.loc[2, "interruptions"] > 25


def test_reserved_bills_the_whole_term() -> None:
    w = build_workload(params="7B", tokens="100B")
    r = evaluate(grid(pricing="reserved_3y", usd_per_hour=30.0, gpus=64), w, Assumptions()).iloc[0]
    assert r["hours"] < 24 * 20
    assert r["cost_usd"] == pytest.approx(26280 * 30.0 * 8)
    assert r["commitment_usd"] == pytest.approx(r["cost_usd"])


def test_discount_and_fp8() -> None:
    w = build_workload(params="7B", tokens="100B")
    full = evaluate(grid(), w, Assumptions()).iloc[0]
    cut = evaluate(grid(), w, Assumptions(discount=0.12)).iloc[0]
    assert cut["cost_usd"] == pytest.approx(full["cost_usd"] * 0.88)
    fp8 = evaluate(grid(), w, Assumptions(precision="fp8")).iloc[0]
    assert fp8["hours"] == pytest.approx(full["hours"] / 2, rel=1e-3)
    v100 = evaluate(grid(gpu="V100"), w, Assumptions(precision="fp8")).iloc[0]
    assert v100["peak_tflops"] == 125


def test_ideal_gpu_hours() -> None:
    w = build_workload(params="7B", tokens="100B")
    efficiency = A.default_mfu("H100", w.hidden) * 0.90
    assert ideal_gpu_hours(w, "H100", Assumptions()) == pytest.approx(w.flops / (989.4e12 * efficiency) / 3600)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"mfu": 1.5}, "mfu"),
        ({"goodput": 0}, "goodput"),
        ({"precision": "fp4"}, "precision"),
        ({"discount": 1.0}, "discount"),
        ({"commit_discounts": {"reserved_2y": 0.1}}, "unknown term"),
        ({"interruptions_per_hour": -1}, "interruptions_per_hour"),
    ],
)
def test_bad_assumptions(kwargs: dict, words: str) -> None:
    """Library errors name the parameter as the library spells it, never a CLI flag."""
    from costcmp.errors import InvalidParameterError

    with pytest.raises(InvalidParameterError, match=words) as caught:
        Assumptions(**kwargs)
    assert caught.value.param == next(iter(kwargs)) and "--" not in str(caught.value)
