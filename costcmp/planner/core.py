"""The planner's maths, vectorized over a grid of (offer x GPU count) rows. Pure: no I/O, no printing.

For each row:

* **Memory fit.** Model states take 16 bytes/parameter (assumptions.BYTES_PER_PARAM_STATES), sharded
  over all GPUs (ZeRO-3/FSDP); each GPU keeps `memory_reserve` of its memory for activations.
* **Layout.** Tensor parallelism inside an instance (NVLink), the fewest pipeline stages P whose
  instances hold the model states (and enough that each data-parallel replica gets at least one
  sequence of the global batch), data parallelism over the R = instances / P replicas.
* **Network derate.** Each step every instance all-reduces the bf16 gradients of the parameters it
  holds (2·N/P bytes) over its `network_gbps` with a ring (2(R-1)/R of the bytes, plus per-hop
  latency). Communication hides behind `comm_overlap` of the step's compute; the rest is exposed.
  derate = compute / (compute + exposed).
* **Time.** hours = FLOPs / (GPUs x peak x MFU x goodput x derate) / 3600.
* **Spot.** Interruptions arrive at `rate x instances` per hour (the whole synchronous job stops
  when any instance goes). Checkpoint interval by the Young/Daly rule and expected wall time by
  Daly's model (Daly 2006, "A higher order estimate of the optimum checkpoint interval").
* **Reserved.** The whole term is billed: max(run, term) x rate x instances.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from costcmp.hardware import SPECS
from costcmp.planner import assumptions as A

if TYPE_CHECKING:
    import pandas as pd

    from costcmp.planner.assumptions import Assumptions
    from costcmp.planner.workload import Workload

#: Columns `evaluate` adds to the grid.
RESULT_COLUMNS = (
    "instances",
    "peak_tflops",
    "mfu",
    "efficiency",
    "network_derate",
    "pipeline_stages",
    "fits",
    "min_gpus_to_fit",
    "spot_factor",
    "interruptions",
    "hours",
    "days",
    "gpu_hours",
    "cost_usd",
    "commitment_usd",
    "usd_per_million_tokens",
    "effective_usd_per_hour",
)


def peak_tflops(gpus: pd.Series, precision: str) -> np.ndarray:
    """Per-GPU dense peak for the run's precision: FP8 where asked and available, else BF16/FP16."""
    half = {name: spec.half_precision_tflops for name, spec in SPECS.items()}
    peak = gpus.map(half).to_numpy(dtype="float64")
    if precision == "fp8":
        fp8 = gpus.map({name: spec.fp8_tflops for name, spec in SPECS.items()}).to_numpy(dtype="float64")
        peak = np.where(np.isnan(fp8), peak, fp8)
    return peak


def mfu_for(gpus: pd.Series, assumptions: Assumptions) -> np.ndarray:
    if assumptions.mfu is not None:
        return np.full(len(gpus), assumptions.mfu)
    return gpus.map({g: A.default_mfu(g) for g in A.GENERATION}).to_numpy(dtype="float64")


def daly_spot_factor(rate_per_hour: np.ndarray, checkpoint_h: float, restart_h: float) -> np.ndarray:
    """Expected wall time / useful time with exponential interruptions (Daly 2006) at the optimum interval."""
    rate = np.asarray(rate_per_hour, dtype="float64")
    factor = np.ones_like(rate)
    live = rate > 0
    if not live.any():
        return factor
    mtbf = 1.0 / rate[live]
    delta = checkpoint_h
    x = delta / (2.0 * mtbf)
    tau = np.where(
        delta < 2.0 * mtbf, np.sqrt(2.0 * delta * mtbf) * (1 + np.sqrt(x) / 3 + x / 9) - delta, mtbf
    )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        wall = mtbf * np.exp(restart_h / mtbf) * np.expm1((tau + delta) / mtbf) / tau
    factor[live] = np.where(tau > 1e-12, wall, np.exp(restart_h / mtbf))
    return factor


def evaluate(grid: pd.DataFrame, workload: Workload, assumptions: Assumptions) -> pd.DataFrame:
    """Add RESULT_COLUMNS to `grid` (columns: provider, gpu, gpu_count, gpu_memory_gb, network_gbps,
    pricing, usd_per_hour, gpus). Rows are independent; nothing is filtered or sorted here."""
    out = grid.copy()
    gpus = out["gpus"].to_numpy(dtype="float64")
    per_instance = out["gpu_count"].to_numpy(dtype="float64")
    instances = np.ceil(gpus / per_instance)
    peak = peak_tflops(out["gpu"], assumptions.precision) * 1e12
    mfu = mfu_for(out["gpu"], assumptions)
    efficiency = mfu * assumptions.goodput

    usable_per_gpu = out["gpu_memory_gb"].to_numpy(dtype="float64") * A.GIB * (1 - assumptions.memory_reserve)
    tokens = workload.tokens
    batch = assumptions.global_batch_tokens
    if workload.params is not None:
        states = A.BYTES_PER_PARAM_STATES * workload.params
        min_gpus = np.ceil(states / usable_per_gpu)
        fits = gpus >= min_gpus
        seq = workload.seq_len or A.DEFAULT_SEQ_LEN
        stages = np.maximum(
            np.ceil(states / (usable_per_gpu * per_instance)), np.ceil(instances * seq / batch)
        )
        stages = np.clip(stages, 1, instances)
        replicas = instances / stages
        grad_bytes = A.GRADIENT_BYTES_PER_PARAM * workload.params / stages
        bytes_per_s = out["network_gbps"].to_numpy(dtype="float64") * 1e9 / 8 * assumptions.network_efficiency
        flops_per_token = (
            workload.flops / tokens if tokens else 6.0 * (workload.active_params or workload.params)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            t_comm = 2 * (replicas - 1) / replicas * grad_bytes / bytes_per_s + 2 * (replicas - 1) * (
                assumptions.hop_latency_s
            )
            t_comp = flops_per_token * batch / (gpus * peak * mfu)
            exposed = np.maximum(0.0, t_comm - assumptions.comm_overlap * t_comp)
            derate = t_comp / (t_comp + exposed)
        derate = np.where(replicas <= 1, 1.0, derate)  # one replica: nothing to synchronise over the network
    else:  # only FLOPs known: neither memory nor gradient traffic can be modelled
        min_gpus = np.ones_like(gpus)
        fits = np.ones(len(out), dtype=bool)
        stages = np.ones_like(gpus)
        derate = np.ones_like(gpus)

    with np.errstate(divide="ignore", invalid="ignore"):
        compute_hours = workload.flops / (gpus * peak * efficiency * derate) / 3600.0
    pricing = out["pricing"].to_numpy()
    is_spot = pricing == "spot"
    if assumptions.interruptions_per_hour is not None:
        rate = np.full(len(out), assumptions.interruptions_per_hour)
    else:
        rate = out["provider"].map(A.INTERRUPTIONS_PER_INSTANCE_HOUR).to_numpy(dtype="float64")
    job_rate = np.where(is_spot, np.nan_to_num(rate) * instances, 0.0)
    spot_factor = daly_spot_factor(
        job_rate, assumptions.checkpoint_minutes / 60, assumptions.restart_minutes / 60
    )
    hours = compute_hours * spot_factor

    term = np.zeros(len(out))
    for kind, term_hours in A.TERM_HOURS.items():
        term[pricing == kind] = term_hours
    rate_usd = out["usd_per_hour"].to_numpy(dtype="float64") * (1 - assumptions.discount)
    billed_hours = np.maximum(hours, term)
    cost = billed_hours * rate_usd * instances

    out["instances"] = instances.astype("int64")
    out["peak_tflops"] = peak / 1e12
    out["mfu"] = mfu
    out["efficiency"] = efficiency
    out["network_derate"] = derate
    out["pipeline_stages"] = stages
    out["fits"] = fits
    out["min_gpus_to_fit"] = min_gpus
    out["spot_factor"] = spot_factor
    out["interruptions"] = job_rate * hours
    out["hours"] = hours
    out["days"] = hours / 24.0
    out["gpu_hours"] = gpus * hours
    out["cost_usd"] = cost
    out["commitment_usd"] = term * rate_usd * instances
    out["usd_per_million_tokens"] = cost / tokens * 1e6 if tokens else np.nan
    out["effective_usd_per_hour"] = rate_usd * instances
    return out


def ideal_gpu_hours(workload: Workload, gpu: str, assumptions: Assumptions) -> float:
    """GPU-hours with perfect scaling (no network derate, no interruptions): the floor for any scale."""
    import pandas as pd

    series = pd.Series([gpu])
    peak = peak_tflops(series, assumptions.precision)[0] * 1e12
    mfu = mfu_for(series, assumptions)[0]
    return workload.flops / (peak * mfu * assumptions.goodput) / 3600.0
