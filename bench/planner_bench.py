"""Planner throughput and memory: prints rows per second and peak MiB against the issue's targets.

    python bench/planner_bench.py

1. `costcmp.plan()` end to end (filters, reserved estimates, grid, maths, typed facts, categoricals,
   sort) on a ~100,000-row plan: every GPU offer in the shipped snapshot (reserved rows estimated with
   1y=35%,3y=55%) x as many GPU counts as make ~100,000 rows. Target >= 1,000,000 rows/s. Best of 5.
2. The maths alone (`core.evaluate_rows`) on the same grid, for reference.
3. Peak memory of a 1,000,000-row `plan()` (x 1,261 GPU counts), by tracemalloc (numpy and pandas
   report their buffers to it): target <= 400 MiB. Notes (words) are not part of a plan; they are made
   for the rows shown or exported.
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np

from costcmp.cache import load_directory, shipped_dir
from costcmp.planner import Assumptions, plan
from costcmp.planner.core import evaluate_rows, offer_figures
from costcmp.planner.solve import priced_offers
from costcmp.planner.workload import build_workload

ASSUMPTIONS = Assumptions(commit_discounts={"reserved_1y": 0.35, "reserved_3y": 0.55})


def best_of(fn, repeat: int = 5) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return min(timings)


def counts(n: int) -> list[int]:
    """`n` distinct GPU counts: 8, 16, 24, ... (whole 8-GPU servers)."""
    return list(range(8, 8 * (n + 1), 8))


def main() -> None:
    offers = load_directory(shipped_dir(), "shipped").offers
    n_offers = len(priced_offers(offers, ASSUMPTIONS))
    small = counts(max(1, round(100_000 / n_offers)))  # a ~100,000-row plan, whatever the snapshot holds
    rows = len(plan(params="70B", tokens="2T", gpus=small, offers=offers, assumptions=ASSUMPTIONS))
    seconds = best_of(lambda: plan(params="70B", tokens="2T", gpus=small, offers=offers, assumptions=ASSUMPTIONS))
    rate = rows / seconds
    print(f"plan() end to end: {rows:,} rows ({n_offers} offers x {len(small)} GPU counts) in {seconds * 1e3:.1f} ms")
    print(f"  = {rate:,.0f} rows/s (target >= 1,000,000: {'met' if rate >= 1e6 else 'NOT met'})")

    workload = build_workload(params="70B", tokens="2T")
    table = priced_offers(offers, ASSUMPTIONS)
    figures = offer_figures(table, ASSUMPTIONS)
    index = np.repeat(np.arange(len(table)), len(small))
    gpus = np.tile(np.asarray(small), len(table))
    maths = best_of(lambda: evaluate_rows(figures, index, gpus, workload, ASSUMPTIONS))
    print(f"  maths alone (core.evaluate_rows): {maths * 1e3:.1f} ms = {len(index) / maths:,.0f} rows/s")

    large = counts(1_000_000 // n_offers + 1)
    tracemalloc.start()
    start = time.perf_counter()
    result = plan(params="70B", tokens="2T", gpus=large, offers=offers, assumptions=ASSUMPTIONS)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_mib = peak / 2**20
    print(
        f"plan() of {len(result):,} rows: {seconds * 1e3:.0f} ms, peak {peak_mib:,.0f} MiB traced "
        f"(result {result.memory_usage(deep=True).sum() / 2**20:,.0f} MiB; target <= 400 MiB: "
        f"{'met' if peak_mib <= 400 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
