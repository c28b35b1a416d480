"""The planner's maths, vectorized over (offer, GPU count) rows. Pure: no I/O, no printing, no words.

Per-offer figures (peak, MFU, memory, network, price, spot rate, term) are computed once on the small
offer table and gathered by an index array, so a million-row plan costs a few dozen numpy passes.
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
from costcmp.providers import REGISTRY
from costcmp.units import HOURS_PER_MONTH

if TYPE_CHECKING:
    import pandas as pd

    from costcmp.planner.assumptions import Assumptions
    from costcmp.planner.workload import Workload

#: Offer columns the maths reads.
OFFER_INPUTS = ("provider", "gpu", "gpu_count", "gpu_memory_gb", "network_gbps", "pricing", "usd_per_hour")


def peak_tflops(gpus: pd.Series, precision: str) -> np.ndarray:
    """Per-GPU dense peak for the run's precision: FP8 where asked and available, else BF16/FP16."""
    half = {name: spec.half_precision_tflops for name, spec in SPECS.items()}
    peak = gpus.map(half).to_numpy(dtype="float64")
    if precision == "fp8":
        fp8 = gpus.map({name: spec.fp8_tflops for name, spec in SPECS.items()}).to_numpy(dtype="float64")
        peak = np.where(np.isnan(fp8), peak, fp8)
    return peak


def mfu_for(gpus: pd.Series, assumptions: Assumptions, workload: Workload | None = None) -> np.ndarray:
    """Steady-state MFU per row: the user's figure, else the generation's curve at the model's width, times
    MOE_EFFICIENCY for a mixture-of-experts model."""
    if assumptions.mfu is not None:
        return np.full(len(gpus), assumptions.mfu)
    hidden = workload.hidden if workload is not None else None
    moe = A.MOE_EFFICIENCY if workload is not None and workload.is_moe else 1.0
    curve = {g: A.default_mfu(g, hidden) * moe for g in A.GENERATION}
    return gpus.map(curve).to_numpy(dtype="float64")


def spot_rates(providers: pd.Series, assumptions: Assumptions, bands: pd.Series | None = None) -> np.ndarray:
    """Spot interruptions per instance-hour per offer: the user's figure, else the offer's published band
    (assumptions.SPOT_BAND_MONTHLY), else the provider's registry default."""
    if assumptions.interruptions_per_hour is not None:
        return np.full(len(providers), assumptions.interruptions_per_hour)
    defaults = {name: spec.spot_interruptions_per_instance_hour for name, spec in REGISTRY.items()}
    rates = providers.astype("object").map(defaults).to_numpy(dtype="float64")
    if bands is not None:
        by_band = {band: monthly / HOURS_PER_MONTH for band, monthly in A.SPOT_BAND_MONTHLY.items()}
        banded = bands.astype("object").map(by_band).to_numpy(dtype="float64")
        rates = np.where(np.isnan(banded), rates, banded)
    return rates


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
    tau = np.where(delta < 2.0 * mtbf, np.sqrt(2.0 * delta * mtbf) * (1 + np.sqrt(x) / 3 + x / 9) - delta, mtbf)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        wall = mtbf * np.exp(restart_h / mtbf) * np.expm1((tau + delta) / mtbf) / tau
    factor[live] = np.where(tau > 1e-12, wall, np.exp(restart_h / mtbf))
    return factor


def offer_figures(
    offers: pd.DataFrame, assumptions: Assumptions, workload: Workload | None = None
) -> dict[str, np.ndarray]:
    """Per-offer inputs of the maths, one array each (computed once, gathered per row)."""
    pricing = offers["pricing"].astype("object").to_numpy()
    term = np.zeros(len(offers))
    for kind, term_hours in A.TERM_HOURS.items():
        term[pricing == kind] = term_hours
    peak = peak_tflops(offers["gpu"].astype("object"), assumptions.precision)
    half = peak_tflops(offers["gpu"].astype("object"), "bf16")
    return {
        "gpu_count": offers["gpu_count"].to_numpy(dtype="float64"),
        "usable_memory": offers["gpu_memory_gb"].to_numpy(dtype="float64") * A.GIB * (1 - assumptions.memory_reserve),
        "network_bytes_per_s": offers["network_gbps"].to_numpy(dtype="float64")
        * 1e9
        / 8
        * assumptions.network_efficiency,
        "peak": peak * 1e12,
        "fp8_fallback": (peak == half) if assumptions.precision == "fp8" else np.zeros(len(offers), bool),
        "mfu": mfu_for(offers["gpu"].astype("object"), assumptions, workload),
        "rate_usd": offers["usd_per_hour"].to_numpy(dtype="float64") * (1 - assumptions.discount),
        "spot_rate": np.where(
            pricing == "spot",
            np.nan_to_num(spot_rates(offers["provider"], assumptions, offers.get("spot_interruption"))),
            0.0,
        ),
        "term": term,
    }


def evaluate_rows(
    figures: dict[str, np.ndarray],
    offer_index: np.ndarray,
    gpus: np.ndarray,
    workload: Workload,
    assumptions: Assumptions,
) -> dict[str, np.ndarray]:
    """The computed columns (numbers and flags; no text) for rows (offer `offer_index[i]`, `gpus[i]` GPUs),
    as arrays by name."""
    take = {name: values[offer_index] for name, values in figures.items()}
    gpus = np.asarray(gpus, dtype="float64")
    per_instance = take["gpu_count"]
    instances = np.ceil(gpus / per_instance)
    peak, mfu = take["peak"], take["mfu"]
    efficiency = mfu * assumptions.goodput
    tokens = workload.tokens
    batch = assumptions.global_batch_tokens
    if workload.params is not None:
        usable = take["usable_memory"]
        states = workload.state_bytes or 0.0
        min_gpus = np.ceil(states / usable)
        fits = gpus >= min_gpus
        seq = workload.seq_len or 4096
        stages = np.maximum(np.ceil(states / (usable * per_instance)), np.ceil(instances * seq / batch))
        stages = np.clip(stages, 1, instances)
        replicas = instances / stages
        grad_bytes = A.GRADIENT_BYTES_PER_PARAM * workload.params / stages
        flops_per_token = workload.flops / tokens if tokens else 6.0 * (workload.active_params or workload.params)
        bandwidth = take["network_bytes_per_s"]
        with np.errstate(divide="ignore", invalid="ignore"):
            # Data-parallel gradient all-reduce: the ring's bandwidth term, NCCL's tree latency.
            t_comm = 2 * (replicas - 1) / replicas * grad_bytes / bandwidth + np.where(
                replicas > 1, A.CALL_LATENCY_S + 2 * np.log2(np.maximum(replicas, 1)) * assumptions.hop_latency_s, 0.0
            )
            t_comp = flops_per_token * batch / (gpus * peak * mfu)
            exposed = np.maximum(0.0, t_comm - assumptions.comm_overlap * t_comp)
            if workload.is_moe and workload.hidden and workload.layers:
                # Expert-parallel all-to-all, to first order: each token's activations go to MOE_TOP_K experts
                # and back, forward and backward (4 crossings x 2 bytes x hidden), through the instance's
                # layers; it hides behind compute (DeepSeek-V3 s3.2.1 overlaps it fully) until it is longer.
                tokens_per_instance = batch / replicas
                layers_here = workload.layers / stages
                a2a_bytes = tokens_per_instance * layers_here * 4 * A.MOE_TOP_K * workload.hidden * 2.0
                t_a2a = np.where(instances > 1, a2a_bytes / bandwidth, 0.0)
                exposed = exposed + np.maximum(0.0, t_a2a - t_comp)
            derate = t_comp / (t_comp + exposed)
        derate = np.where((replicas <= 1) & ~(workload.is_moe & (instances > 1)), 1.0, derate)
    else:  # only FLOPs known: neither memory nor gradient traffic can be modelled
        min_gpus = np.ones_like(gpus)
        fits = np.ones(len(gpus), dtype=bool)
        stages = np.ones_like(gpus)
        derate = np.ones_like(gpus)

    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        compute_hours = workload.flops / (gpus * peak * efficiency * derate) / 3600.0
    job_rate = take["spot_rate"] * instances
    spot_factor = daly_spot_factor(job_rate, assumptions.checkpoint_minutes / 60, assumptions.restart_minutes / 60)
    hours = compute_hours * spot_factor
    term = take["term"]
    bill = take["rate_usd"] * instances  # USD per hour for the whole cluster
    low, high = A.ERROR_BAND
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        days = hours / 24.0
        gpu_hours = gpus * hours
        cost = np.maximum(hours, term) * bill
        term_used = np.where(term > 0, hours / np.where(term > 0, term, 1.0), np.nan)
        band = {
            "gpu_hours_low": gpu_hours * low,
            "gpu_hours_high": gpu_hours * high,
            "days_low": days * low,
            "days_high": days * high,
            "cost_usd_low": np.maximum(hours * low, term) * bill,
            "cost_usd_high": np.maximum(hours * high, term) * bill,
        }
    return {
        **band,
        "instances": instances.astype("int64"),
        "peak_tflops": peak / 1e12,
        "mfu": mfu,
        "efficiency": efficiency,
        "network_derate": derate,
        "pipeline_stages": stages,
        "fits": fits,
        "min_gpus_to_fit": min_gpus,
        "idle_gpus": (instances * per_instance - gpus).astype("int64"),
        "spot_factor": spot_factor,
        "spot_overhead": spot_factor - 1.0,
        "interruptions": job_rate * hours,
        "hours": hours,
        "days": days,
        "gpu_hours": gpu_hours,
        "cost_usd": cost,
        "commitment_usd": term * bill,
        "term_used": term_used,
        "usd_per_million_tokens": cost / tokens * 1e6 if tokens else np.full(len(gpus), np.nan),
        "effective_usd_per_hour": bill,
        "fp8_fallback": take["fp8_fallback"],
    }


def evaluate(grid: pd.DataFrame, workload: Workload, assumptions: Assumptions) -> pd.DataFrame:
    """`grid` (OFFER_INPUTS plus `gpus`, one row per plan) with `evaluate_rows`' columns added.

    Rows are independent; nothing is filtered or sorted. The table form of `evaluate_rows`, for
    validation and tests; `plan()` gathers per-offer figures instead of repeating offer rows."""
    out = grid.copy()
    figures = offer_figures(out, assumptions, workload)
    rows = evaluate_rows(figures, np.arange(len(out)), out["gpus"].to_numpy(), workload, assumptions)
    for name, values in rows.items():
        out[name] = values
    return out


def ideal_gpu_hours(workload: Workload, gpu: str, assumptions: Assumptions) -> float:
    """GPU-hours with perfect scaling (no network derate, no interruptions): the floor for any scale."""
    import pandas as pd

    series = pd.Series([gpu])
    peak = peak_tflops(series, assumptions.precision)[0] * 1e12
    mfu = mfu_for(series, assumptions, workload)[0]
    return workload.flops / (peak * mfu * assumptions.goodput) / 3600.0
