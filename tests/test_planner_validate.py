"""`costcmp validate`: published runs replayed with the defaults, the band and its coverage."""

from __future__ import annotations

import numpy as np
import pytest

from costcmp.planner import assumptions as A
from costcmp.planner.published_runs import PUBLISHED_RUNS
from costcmp.planner.validate import summarize, validate_runs


@pytest.fixture(scope="module")
def table():  # type: ignore[no-untyped-def]
    return validate_runs()


def test_at_least_30_cited_runs_of_every_kind(table) -> None:  # type: ignore[no-untyped-def]
    head = table[table["headline"]]
    assert len(head) >= 30 and len(table) == len(PUBLISHED_RUNS)
    assert all(run.source for run in PUBLISHED_RUNS)
    assert {"A100", "A100-80GB", "H100"} <= set(head["gpu"]) and "V100-32GB" in set(table["gpu"])
    assert (head["active_params"] < head["params"]).sum() >= 3  # mixture-of-experts runs
    assert head["gpus"].min() <= 16 and head["gpus"].max() >= 16_384
    assert np.isfinite(table["predicted_gpu_hours"]).all()
    llama65 = table.set_index("run").loc["llama-65b"]
    assert llama65["published_gpu_hours"] == 1_022_362 and llama65["gpus"] == 2048


def test_the_goals_of_the_issue_hold(table) -> None:  # type: ignore[no-untyped-def]
    summary = summarize(table)
    assert summary.loo_median_abs_error_pct <= 15
    assert abs(summary.median_signed_error_pct) <= 10
    assert summary.loo_coverage_pct >= 70 and summary.band_ratio <= 2.0


def test_the_band_constants_are_what_validation_gives(table) -> None:  # type: ignore[no-untyped-def]
    """The band every plan carries is the one `costcmp validate` computes (kept in step, not drifted)."""
    summary = summarize(table)
    assert pytest.approx((summary.band_low, summary.band_high), abs=0.001) == A.ERROR_BAND


def test_runs_outside_the_headline_say_why() -> None:
    for run in PUBLISHED_RUNS:
        if not run.headline:
            assert run.note, run.name
