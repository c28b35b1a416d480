from __future__ import annotations

import numpy as np

from costcmp.planner.validate import PUBLISHED_RUNS, median_abs_error_pct, validate_runs


def test_published_runs_are_reproduced_within_a_stated_error() -> None:
    table = validate_runs()
    assert {"llama-65b", "gpt3-175b", "mpt-7b"} <= set(table["run"])
    assert len(table) == len(PUBLISHED_RUNS) >= 12
    assert np.isfinite(table["predicted_gpu_hours"]).all()
    llama65 = table.set_index("run").loc["llama-65b"]
    assert llama65["published_gpu_hours"] == 1_022_362 and llama65["gpus"] == 2048
    # The defaults are set from steady-state MFU reports, not fitted to these rows: a median error
    # under 15% with no row off by more than a factor of 2.5 is what they currently achieve.
    assert median_abs_error_pct(table) < 15
    ratio = table["predicted_gpu_hours"] / table["published_gpu_hours"]
    assert ratio.between(0.4, 2.5).all()
