"""Properties the planner must keep whatever the inputs (hypothesis)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from costcmp.planner.assumptions import Assumptions
from costcmp.planner.core import evaluate, ideal_gpu_hours
from costcmp.planner.workload import build_workload

GPUS = st.sampled_from(
    [
        ("H100", 8, 80.0, 3200.0),
        ("A100-80GB", 8, 80.0, 400.0),
        ("V100-32GB", 8, 32.0, 100.0),
        ("L4", 1, 22.35, 2.5),
        ("MI300X", 8, 192.0, 3200.0),
    ]
)
PRICING = st.sampled_from(["on_demand", "spot", "reserved_1y", "reserved_3y"])
settings.register_profile("costcmp", max_examples=60, deadline=None)
settings.load_profile("costcmp")


def one(gpu: tuple, pricing: str, gpus: int, price: float) -> pd.DataFrame:
    name, per, mem, net = gpu
    return pd.DataFrame(
        [
            {
                "provider": "aws",
                "gpu": name,
                "gpu_count": per,
                "gpu_memory_gb": mem,
                "network_gbps": net,
                "pricing": pricing,
                "usd_per_hour": price,
                "gpus": gpus,
            }
        ]
    )


params = st.floats(min_value=1e8, max_value=5e11)
tokens = st.floats(min_value=1e9, max_value=2e13)
counts = st.integers(min_value=1, max_value=50_000)
prices = st.floats(min_value=0.05, max_value=200.0)


@given(GPUS, PRICING, params, tokens, st.floats(min_value=1.01, max_value=10.0), counts, prices)
def test_cost_is_monotone_in_tokens(gpu, pricing, n, d, more, g, price) -> None:
    a = Assumptions()
    small = evaluate(one(gpu, pricing, g, price), build_workload(params=n, tokens=d), a).iloc[0]
    large = evaluate(one(gpu, pricing, g, price), build_workload(params=n, tokens=d * more), a).iloc[0]
    assert large["cost_usd"] >= small["cost_usd"] * (1 - 1e-12)
    assert large["hours"] > small["hours"]


@given(GPUS, PRICING, params, tokens, counts, prices, st.floats(min_value=0.1, max_value=10.0))
def test_cost_is_linear_in_price_and_gpu_hours_ignore_it(gpu, pricing, n, d, g, price, k) -> None:
    w, a = build_workload(params=n, tokens=d), Assumptions()
    base = evaluate(one(gpu, pricing, g, price), w, a).iloc[0]
    scaled = evaluate(one(gpu, pricing, g, price * k), w, a).iloc[0]
    assert scaled["cost_usd"] == __import__("pytest").approx(base["cost_usd"] * k, rel=1e-9)
    assert scaled["gpu_hours"] == base["gpu_hours"]


@given(GPUS, PRICING, params, tokens, counts, counts)
def test_gpu_hours_never_beat_the_ideal(gpu, pricing, n, d, g1, g2) -> None:
    w, a = build_workload(params=n, tokens=d), Assumptions()
    ideal = ideal_gpu_hours(w, gpu[0], a)
    for g in (g1, g2):
        hours = evaluate(one(gpu, pricing, g, 1.0), w, a).iloc[0]["gpu_hours"]
        assert hours >= ideal * (1 - 1e-9)
