"""Every number the planner assumes, declared once, with where it comes from.

Efficiency is split in two on purpose. `MFU_BY_GENERATION` is the *steady-state* model-FLOPs
utilization that papers report while a run is going well. Wall-clock GPU-hours are higher than that
implies: restarts after failures, rollbacks to checkpoints, evaluation and stalls. `GOODPUT` is the
share of paid GPU time that advances training. End-to-end efficiency = MFU x goodput (x the network
derate, which the planner computes for each offer and scale).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from costcmp.errors import InvalidParameterError
from costcmp.units import parse_percent

GIB = 1024**3

#: Mixed-precision Adam keeps 2 (fp16/bf16 weights) + 2 (gradients) + 12 (fp32 master weights,
#: momentum, variance) = 16 bytes per parameter: ZeRO, Rajbhandari et al. 2020, §3.1 ("16Ψ").
BYTES_PER_PARAM_STATES = 16.0
#: Gradients are all-reduced in bf16/fp16: 2 bytes per parameter.
GRADIENT_BYTES_PER_PARAM = 2.0

# fmt: off
GENERATION: dict[str, str] = {
    "V100": "volta", "V100-32GB": "volta", "T4": "turing",
    "A100": "ampere", "A100-80GB": "ampere", "A10G": "ampere-pcie",
    "H100": "hopper", "H100-NVL": "hopper", "H200": "hopper",
    "L4": "ada", "L40S": "ada", "B200": "blackwell", "MI300X": "cdna3",
}
#: Steady-state MFU (of the dense BF16/FP16 peak) per generation, with the runs it is calibrated on.
MFU_BY_GENERATION: dict[str, tuple[float, str]] = {
    "volta": (0.24, "median of GPT-3 175B 21.3% (PaLM paper, Table 2 of MFU), Megatron-LM 8.3B on 512 V100 "
                    "15.1 PFLOP/s = 23.6% (Shoeybi et al. 2019), ZeRO 100B on 400 V100 15 PFLOP/s = 30% "
                    "(Rajbhandari et al. 2020)"),
    "ampere": (0.47, "median of LLaMA-65B 380 tokens/s/GPU = 47.6% (Touvron et al. 2023), OPT-175B 147 TFLOP/s "
                     "= 47% (Zhang et al. 2022), BLOOM ~150 TFLOP/s = 48% (BigScience 2022)"),
    "hopper": (0.40, "Llama 3 405B on 16K H100: 38-43% BF16 MFU (Llama 3 paper, Table 4)"),
    "blackwell": (0.35, "uncalibrated: no published large run; below Hopper while software matures"),
    "cdna3": (0.30, "uncalibrated: no published large run; public MI300X training reports sit near 30%"),
    "ampere-pcie": (0.30, "uncalibrated: inference-class PCIe GPU (A10G)"),
    "ada": (0.30, "uncalibrated: inference-class PCIe GPUs (L4, L40S)"),
    "turing": (0.25, "uncalibrated: inference-class PCIe GPU (T4)"),
}
# fmt: on

#: Share of paid time that advances training. Llama 3 reports >90% effective training time over a
#: 54-day window; its published 405B GPU-hours against its 38-43% MFU imply ~0.85; BLOOM's
#: 1,082,990 GPU-hours against ~150 TFLOP/s imply ~0.66; LLaMA-65B's imply ~1.0. 0.85 is the middle.
GOODPUT = 0.85

#: Global batch in tokens when none is given: LLaMA and Llama 2 trained with 4M-token batches.
GLOBAL_BATCH_TOKENS = 4 * 1024 * 1024
#: Sequence length assumed for the "at least one sequence per data-parallel replica" rule.
DEFAULT_SEQ_LEN = 2048
#: Share of each GPU's memory kept for activations (with checkpointing), buffers and fragmentation.
MEMORY_RESERVE = 0.25
#: Share of a step's compute time behind which gradient communication can hide (the backward pass is
#: ~2/3 of the step; buckets overlap most but not all of it).
COMM_OVERLAP = 0.6
#: NCCL ring all-reduce reaches ~80% of the line rate on InfiniBand/EFA ("bus bandwidth").
NETWORK_EFFICIENCY = 0.8
#: Per-hop latency of a ring step, seconds.
HOP_LATENCY_S = 10e-6

#: Spot interruptions per instance-hour default to each provider's registry figure
#: (`costcmp.pricing.registry`, with its source); `Assumptions.interruptions_per_hour` overrides it.
CHECKPOINT_MINUTES = 5.0
#: Replace the instance, rejoin the job, reload the last checkpoint.
RESTART_MINUTES = 20.0

TERM_HOURS: dict[str, float] = {"reserved_1y": 8760.0, "reserved_3y": 3 * 8760.0}
MAX_GPUS = 200_000


def default_mfu(gpu: str) -> float:
    return MFU_BY_GENERATION[GENERATION[gpu]][0]


@dataclass(frozen=True)
class Assumptions:
    """The tunable inputs of a plan; every field has a documented default above."""

    def __deepcopy__(self, memo: dict[int, object]) -> object:
        """Immutable: pandas deep-copies ``DataFrame.attrs`` on every operation; sharing is safe and cheap."""
        return self

    mfu: float | None = None  # None: the per-generation default
    goodput: float = GOODPUT
    precision: str = "bf16"  # "bf16" or "fp8"
    global_batch_tokens: float = GLOBAL_BATCH_TOKENS
    memory_reserve: float = MEMORY_RESERVE
    comm_overlap: float = COMM_OVERLAP
    network_efficiency: float = NETWORK_EFFICIENCY
    hop_latency_s: float = HOP_LATENCY_S
    interruptions_per_hour: float | None = None  # None: the per-provider default
    checkpoint_minutes: float = CHECKPOINT_MINUTES
    restart_minutes: float = RESTART_MINUTES
    discount: float = 0.0  # negotiated discount on every rate
    commit_discounts: dict[str, float] = field(default_factory=dict)  # pricing kind -> discount vs on-demand
    max_gpus: int = MAX_GPUS

    def __post_init__(self) -> None:
        def check(name: str, value: float | None, low: float, high: float, *, open_low: bool = False) -> None:
            if value is None:
                return
            ok = (low < value if open_low else low <= value) and value <= high
            if not ok or value != value:
                raise InvalidParameterError(name, f"must be in {'(' if open_low else '['}{low}, {high}] (got {value})")

        check("mfu", self.mfu, 0.0, 1.0, open_low=True)
        check("goodput", self.goodput, 0.0, 1.0, open_low=True)
        check("global_batch_tokens", self.global_batch_tokens, 1.0, 1e12)
        check("memory_reserve", self.memory_reserve, 0.0, 0.95)
        check("comm_overlap", self.comm_overlap, 0.0, 1.0)
        check("network_efficiency", self.network_efficiency, 0.0, 1.0, open_low=True)
        check("interruptions_per_hour", self.interruptions_per_hour, 0.0, 10.0)
        check("checkpoint_minutes", self.checkpoint_minutes, 0.0, 24 * 60.0)
        check("restart_minutes", self.restart_minutes, 0.0, 24 * 60.0)
        check("discount", self.discount, 0.0, 0.99)
        check("max_gpus", self.max_gpus, 1, 10_000_000)
        if self.precision not in ("bf16", "fp8"):
            raise InvalidParameterError("precision", f"must be bf16 or fp8 (got {self.precision!r})")
        for kind, value in self.commit_discounts.items():
            if kind not in TERM_HOURS:
                raise InvalidParameterError(
                    "commit_discounts", f"has an unknown term {kind!r}; use 1y=..% and/or 3y=..%"
                )
            check("commit_discounts", value, 0.0, 0.99)


def parse_commit_discounts(text: str | None) -> dict[str, float]:
    """'1y=35%,3y=55%' -> {'reserved_1y': 0.35, 'reserved_3y': 0.55}."""
    result: dict[str, float] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        term, sep, value = part.partition("=")
        kind = {"1y": "reserved_1y", "3y": "reserved_3y"}.get(term.strip().lower())
        if not sep or kind is None:
            raise InvalidParameterError("commit_discounts", f"cannot read {part.strip()!r}; write it as 1y=35%,3y=55%")
        result[kind] = parse_percent(value, "commit_discounts")
    return result
