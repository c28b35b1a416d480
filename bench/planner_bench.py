"""Planner throughput: prints rows per second (target: >= 1,000,000 rows/s for the vectorized maths).

    python bench/planner_bench.py

1. A 70B-parameter / 2T-token run planned over every GPU offer in the shipped snapshot x 16 GPU
   counts x all pricing kinds (reserved estimated with --commit-discount 1y=35%,3y=55%), end to end
   (grid, maths, notes, sorting) and for the maths alone.
2. A synthetic grid of 1,000,000 offer x scale rows through the maths (costcmp.planner.core.evaluate).
Each figure is the best of 5 runs.
"""

from __future__ import annotations

import time

import numpy as np

from costcmp.cache import load_snapshot
from costcmp.planner import Assumptions, plan
from costcmp.planner.core import evaluate
from costcmp.planner.solve import expand, priced_offers
from costcmp.planner.workload import build_workload

COUNTS = [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 6144, 8192, 10_000, 12_288, 16_384, 24_576]


def best_of(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    offers = load_snapshot().offers
    assumptions = Assumptions(commit_discounts={"reserved_1y": 0.35, "reserved_3y": 0.55})
    workload = build_workload(params="70B", tokens="2T")

    rows = len(plan(params="70B", tokens="2T", gpus=COUNTS, offers=offers, assumptions=assumptions))
    end_to_end = best_of(lambda: plan(params="70B", tokens="2T", gpus=COUNTS, offers=offers, assumptions=assumptions))
    grid = expand(priced_offers(offers, assumptions), COUNTS)
    maths = best_of(lambda: evaluate(grid, workload, assumptions))
    print(f"70B/2T plan: {rows:,} rows (offers x 16 GPU counts x 4 pricing kinds)")
    label = "  end to end (grid, maths, notes, sort):"
    print(f"{label} {end_to_end * 1e3:8.1f} ms  {rows / end_to_end:12,.0f} rows/s")
    print(f"  maths only (core.evaluate):           {maths * 1e3:8.1f} ms  {len(grid) / maths:12,.0f} rows/s")

    rng = np.random.default_rng(0)
    base = priced_offers(offers, assumptions)
    synthetic = base.iloc[rng.integers(0, len(base), 1_000_000)].reset_index(drop=True)
    synthetic["gpus"] = rng.integers(1, 50_000, len(synthetic))
    big = best_of(lambda: evaluate(synthetic, workload, assumptions), repeat=3)
    print(
        f"synthetic grid: {len(synthetic):,} rows in {big * 1e3:.1f} ms = {len(synthetic) / big:,.0f} rows/s "
        f"(target >= 1,000,000 rows/s: {'met' if len(synthetic) / big >= 1e6 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
