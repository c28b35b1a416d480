"""Published training runs, replayed with the planner's default assumptions, and the error band they give.

Each run is planned on its published hardware and scale (8 GPUs per node, the node's published network
where known) and the predicted GPU-hours are compared with the published ones. The defaults come from
throughput measurements (assumptions.py), not from these hours, so leaving a run out changes no
prediction; the error band *is* set from these runs (the 10th-90th percentile of published/predicted
over the headline runs), so its coverage is measured leave-one-out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from costcmp.hardware import SPECS
from costcmp.planner.assumptions import Assumptions
from costcmp.planner.core import evaluate
from costcmp.planner.published_runs import PUBLISHED_RUNS, PublishedRun
from costcmp.planner.workload import build_workload

if TYPE_CHECKING:
    import pandas as pd

#: The band's percentiles of published / predicted GPU-hours.
BAND_PERCENTILES = (10.0, 90.0)


@dataclass(frozen=True)
class ValidationSummary:
    """The figures `costcmp validate` prints; errors in percent, the band as multipliers of a prediction."""

    runs: int
    headline_runs: int
    median_abs_error_pct: float
    loo_median_abs_error_pct: float
    median_signed_error_pct: float
    band_low: float
    band_high: float
    loo_coverage_pct: float
    band_ratio: float


def replay(run: PublishedRun, assumptions: Assumptions | None = None) -> dict[str, float]:
    """The planner's GPU-hours for one published run, with the efficiency and network derate it used."""
    import pandas as pd

    workload = build_workload(
        params=run.params,
        active_params=run.active_params,
        tokens=run.tokens,
        seq_len=run.seq_len,
        layers=run.layers,
        hidden=run.hidden,
        teacher_params=run.teacher_params,
    )
    base = assumptions or Assumptions()
    used = dataclasses.replace(
        base, global_batch_tokens=run.batch_tokens or base.global_batch_tokens, precision=run.precision
    )
    grid = pd.DataFrame(
        [
            {
                "provider": "aws",
                "gpu": run.gpu,
                "gpu_count": 8,
                "gpu_memory_gb": SPECS[run.gpu].memory_gb,
                "network_gbps": run.node_network_gbps,
                "pricing": "on_demand",
                "usd_per_hour": float("nan"),
                "gpus": run.gpus,
            }
        ]
    )
    row = evaluate(grid, workload, used).iloc[0]
    return {
        "flops": workload.flops,
        "mfu": float(row["mfu"]),
        "efficiency": float(row["efficiency"]),
        "network_derate": float(row["network_derate"]),
        "predicted_gpu_hours": float(row["gpu_hours"]),
    }


def validate_runs(
    runs: tuple[PublishedRun, ...] = PUBLISHED_RUNS, assumptions: Assumptions | None = None
) -> pd.DataFrame:
    """Predicted vs published GPU-hours for each run: signed error in percent and published/predicted."""
    import pandas as pd

    rows = []
    for run in runs:
        result = replay(run, assumptions)
        predicted = result["predicted_gpu_hours"]
        rows.append(
            {
                "run": run.name,
                "gpu": run.gpu,
                "gpus": run.gpus,
                "params": run.params,
                "active_params": run.active_params,
                "tokens": run.tokens,
                **result,
                "published_gpu_hours": run.published_gpu_hours,
                "error_pct": 100.0 * (predicted - run.published_gpu_hours) / run.published_gpu_hours,
                "ratio": run.published_gpu_hours / predicted,
                "headline": run.headline,
                "gpus_assumed": run.gpus_assumed,
                "source": run.source,
                "note": run.note,
            }
        )
    return pd.DataFrame(rows)


def _band(ratios: np.ndarray) -> tuple[float, float]:
    low, high = np.percentile(ratios, BAND_PERCENTILES)
    return float(low), float(high)


def summarize(table: pd.DataFrame) -> ValidationSummary:
    """Headline figures over the runs marked headline: median |error|, bias, the band and its coverage."""
    head = table[table["headline"]]
    errors = head["error_pct"].to_numpy(float)
    ratios = head["ratio"].to_numpy(float)
    low, high = _band(ratios)
    covered = []
    for i in range(len(ratios)):
        others = np.delete(ratios, i)
        lo, hi = _band(others)
        covered.append(lo <= ratios[i] <= hi)
    return ValidationSummary(
        runs=len(table),
        headline_runs=len(head),
        median_abs_error_pct=float(np.median(np.abs(errors))),
        loo_median_abs_error_pct=float(np.median(np.abs(errors))),  # nothing in a prediction is fitted to runs
        median_signed_error_pct=float(np.median(errors)),
        band_low=low,
        band_high=high,
        loo_coverage_pct=100.0 * float(np.mean(covered)),
        band_ratio=high / low,
    )


def median_abs_error_pct(table: pd.DataFrame) -> float:
    return summarize(table).median_abs_error_pct
