"""Every number the planner assumes, declared once, with where it comes from.

Efficiency is split in two on purpose. `MFU_CURVES` give the *steady-state* model-FLOPs utilization
that papers report while a run is going well, by GPU generation and model width (x `MOE_EFFICIENCY` for
mixture-of-experts models). Wall-clock GPU-hours are higher than that
implies: restarts after failures, rollbacks to checkpoints, evaluation and stalls. `GOODPUT` is the
share of paid GPU time that advances training. End-to-end efficiency = MFU x goodput (x the network
derate, which the planner computes for each offer and scale).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from costcmp import arguments
from costcmp.errors import InvalidParameterError, shown
from costcmp.units import HOURS_PER_YEAR, parse_percent

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
    "B300": "blackwell", "GB200": "blackwell", "RTX-PRO-6000": "blackwell-pcie",
}
#: Steady-state MFU (of the dense BF16/FP16 peak) as a function of the model's hidden size d:
#:     MFU(d) = wide x d / (d + half)
#: `wide` is the MFU of a very wide model; `half` the hidden size at which half of it is reached. Narrow
#: models run smaller matrix multiplies per GPU (tensor parallelism splits d further) and spend more of
#: each step on memory-bound work and communication; the faster the GPU, the wider a model must be to
#: keep it busy. Each pair is set from published throughput measurements, never from the GPU-hours that
#: `costcmp validate` checks against. (generation -> (wide, half, source))
MFU_CURVES: dict[str, tuple[float, float, str]] = {
    "hopper": (0.477, 3000.0,
               "two runs of one vendor on one DGX H100 cluster: Nemotron-4 340B (d=18,432) 41-42% MFU and "
               "Nemotron-4 15B (d=6,144) 30.5-34% (NVIDIA 2024, arXiv:2406.11704 Table 2; Parmar et al. 2024, "
               "arXiv:2402.16819 Table 2) fix both numbers; check: Llama 3 405B (d=16,384) 38-43% "
               "(arXiv:2407.21783 Table 4), the curve gives 40%"),
    "ampere": (0.51, 250.0,
               "LLaMA-65B (d=8,192) 380 tokens/s/GPU = 49.6% with attention FLOPs (Touvron et al. 2023 s2.4), "
               "OPT-175B (d=12,288) 147 TFLOP/s = 47% (Zhang et al. 2022 s2.4), BLOOM (d=14,336) ~150 TFLOP/s = 48% "
               "(BigScience 2022); "
               "narrow models hold up on A100: llm-foundry 350M-7B (d=1,024-4,096) 50-60% (MosaicML "
               "benchmark tables), so `half` is small"),
    "volta": (0.25, 250.0,
              "GPT-3 175B (d=12,288) 21.3% (PaLM, Chowdhery et al. 2022 Table 3), Megatron-LM 8.3B (d=3,072) on 512 "
              "V100 29.5 TFLOP/s = 23.6% (Shoeybi et al. 2019)"),
    "blackwell": (0.40, 4000.0, "uncalibrated: no published BF16 training run; Hopper's curve, less mature software"),
    "cdna3": (0.35, 3000.0, "uncalibrated: no published large run; Hopper's shape, public MI300X reports near 30%"),
    "ampere-pcie": (0.30, 500.0, "uncalibrated: inference-class PCIe GPU (A10G)"),
    "blackwell-pcie": (0.30, 500.0, "uncalibrated: workstation-class PCIe GPU (RTX PRO 6000)"),
    "ada": (0.30, 500.0, "uncalibrated: inference-class PCIe GPUs (L4, L40S)"),
    "turing": (0.25, 500.0, "uncalibrated: inference-class PCIe GPU (T4)"),
}
#: Mixture-of-experts models reach a fraction of a dense model's MFU on the same cluster (expert routing,
#: all-to-all, small expert matrices). DeepSeek-V2 (arXiv:2405.04434 s3.2.3): on one H800 cluster,
#: 172.8K GPU-hours per trillion tokens for V2 (21B active, d=5,120) against 300.6K for dense DeepSeek 67B
#: (d=8,192). Per FLOP (6N + attention) V2 runs at 0.56 of 67B's rate; the Hopper curve explains 0.86 of
#: that by width; the rest, 0.65, is the MoE factor.
MOE_EFFICIENCY = 0.65
#: Experts each token is routed to (DeepSeek-V3 and Qwen3 route to 8): the all-to-all volume per token.
MOE_TOP_K = 8
# fmt: on

#: Share of paid time that advances training (restarts, rollbacks, evaluation and stalls take the rest):
#: Llama 3 reports ">90% effective training time" over a 54-day window of its 405B run (arXiv:2407.21783
#: s3.3.4, 466 interruptions). Runs that publish both throughput and hours scatter around it: LLaMA-65B
#: ~1.0 (380 tokens/s/GPU vs its hours), Nemotron-4 15B ~1.0, BLOOM ~0.66.
GOODPUT = 0.90

#: Global batch in tokens when none is given: LLaMA and Llama 2 trained with 4M-token batches.
GLOBAL_BATCH_TOKENS = 4 * 1024 * 1024
#: Share of each GPU's memory kept for activations (with checkpointing), buffers and fragmentation.
MEMORY_RESERVE = 0.25
#: Share of a step's compute time behind which gradient communication can hide (the backward pass is
#: ~2/3 of the step; buckets overlap most but not all of it).
COMM_OVERLAP = 0.6
#: NCCL ring all-reduce reaches ~80% of the line rate on InfiniBand/EFA ("bus bandwidth").
NETWORK_EFFICIENCY = 0.8
#: NCCL's latency model (NVIDIA/nccl 2.30 src/graph/tuning.cc): a network step costs 14 us, a call 8.4 us
#: base; NCCL picks the algorithm with the least modelled time, so at scale the double binary tree's
#: 2·log2(nodes) steps replace the ring's 2(nodes-1). Bandwidth stays the ring's 2(n-1)/n x bytes.
HOP_LATENCY_S = 14e-6
CALL_LATENCY_S = 8.4e-6

#: Spot offers that carry a published band (AWS Spot Instance Advisor: the share of capacity reclaimed in
#: the trailing month) are planned at that band's rate, per instance-month: the middle of the band, and
#: for ">20%", which has no upper edge, its lower edge (a floor). An instance-month is 730 hours.
SPOT_BAND_MONTHLY: dict[str, float] = {"<5%": 0.025, "5-10%": 0.075, "10-15%": 0.125, "15-20%": 0.175, ">20%": 0.20}
#: Spot interruptions per instance-hour default to each provider's registry figure
#: (`costcmp.providers`, with its source); `Assumptions.interruptions_per_hour` overrides it.
CHECKPOINT_MINUTES = 5.0
#: Replace the instance, rejoin the job, reload the last checkpoint.
RESTART_MINUTES = 20.0

#: The error band of every plan: published / predicted GPU-hours over the headline published runs, 10th and
#: 90th percentile (`costcmp validate` computes it; tests/test_planner_validate.py keeps these in step).
#: A plan's GPU-hours, days and cost are shown with this range around them.
ERROR_BAND: tuple[float, float] = (0.764, 1.386)

TERM_HOURS: dict[str, float] = {"reserved_1y": HOURS_PER_YEAR, "reserved_3y": 3 * HOURS_PER_YEAR}
MAX_GPUS = 200_000


def default_mfu(gpu: str, hidden: float | None = None) -> float:
    """MFU of `gpu` for a model of hidden size `hidden` (a very wide model's when unknown)."""
    wide, half, _ = MFU_CURVES[GENERATION[gpu]]
    return wide if not hidden else wide * hidden / (hidden + half)


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
            if value is not None:
                arguments.real(value, name, low, high, open_low=open_low)

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
        arguments.whole(self.max_gpus, "max_gpus", 1, 10_000_000)
        if not isinstance(self.precision, str) or self.precision not in ("bf16", "fp8"):
            raise InvalidParameterError("precision", f"must be bf16 or fp8 (got {shown(self.precision)})")
        arguments.commit_discounts(self.commit_discounts)


def parse_commit_discounts(text: str | None) -> dict[str, float]:
    """'1y=35%,3y=55%' -> {'reserved_1y': 0.35, 'reserved_3y': 0.55}."""
    result: dict[str, float] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        term, sep, value = part.partition("=")
        kind = {"1y": "reserved_1y", "3y": "reserved_3y"}.get(term.strip().lower())
        if not sep or kind is None:
            raise InvalidParameterError(
                "commit_discounts", f"cannot read {shown(part.strip())}; write it as 1y=35%,3y=55%"
            )
        result[kind] = parse_percent(value, "commit_discounts")
    return result
