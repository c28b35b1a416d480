"""Published training runs, with their shapes, hardware, scale and GPU-hours, each with its source.

`costcmp validate` replays them with the planner's defaults. Nothing in the planner is fitted to these
GPU-hours: efficiency comes from throughput measurements (assumptions.MFU_CURVES); only the error band
is set from how these runs scatter. `headline` is False for runs whose hours include more than
pre-training (or exclude part of it), or where the figure is not a published GPU-hour count; they are
shown but kept out of the headline figures. GPU counts marked `gpus_assumed` are not published; they
set only the network and memory layout, not the FLOPs. H800 runs are planned as H100 (the same dense
BF16 peak). Sources were read as listed in the repository's research notes (docs/research/).
"""

from __future__ import annotations

from dataclasses import dataclass

INF = float("inf")


@dataclass(frozen=True)
class PublishedRun:
    name: str
    params: float
    active_params: float
    layers: int | None  # None: the planner's shape rule
    hidden: int | None
    seq_len: int
    tokens: float
    gpu: str
    gpus: int
    node_network_gbps: float  # per 8-GPU node; INF where not published (network not modelled)
    batch_tokens: float | None  # None: the planner's default
    published_gpu_hours: float
    source: str
    note: str = ""
    precision: str = "bf16"
    headline: bool = True
    gpus_assumed: bool = False
    teacher_params: float | None = None


_LLAMA = "Touvron et al. 2023, LLaMA (arXiv:2302.13971) Table 15 hours, Table 2 shapes"
_LLAMA2 = "Touvron et al. 2023, Llama 2 (arXiv:2307.09288) Table 2; Llama 2 model card"
_LLAMA3 = "Meta Llama 3 model card (pre-training GPU hours)"
_PYTHIA = "Biderman et al. 2023, Pythia (arXiv:2304.01373) Table 5 (second-hand, except 1B)"

# fmt: off
PUBLISHED_RUNS: tuple[PublishedRun, ...] = (
    PublishedRun("llama-7b", 6.7e9, 6.7e9, 32, 4096, 2048, 1.0e12, "A100-80GB", 2048, 1600, 4e6, 82_432, _LLAMA,
                 "RSC: 200 Gbps InfiniBand per GPU", gpus_assumed=True),
    PublishedRun("llama-13b", 13.0e9, 13.0e9, 40, 5120, 2048, 1.0e12, "A100-80GB", 2048, 1600, 4e6, 135_168, _LLAMA,
                 gpus_assumed=True),
    PublishedRun("llama-33b", 32.5e9, 32.5e9, 60, 6656, 2048, 1.4e12, "A100-80GB", 2048, 1600, 4e6, 530_432, _LLAMA,
                 gpus_assumed=True),
    PublishedRun("llama-65b", 65.2e9, 65.2e9, 80, 8192, 2048, 1.4e12, "A100-80GB", 2048, 1600, 4e6, 1_022_362, _LLAMA,
                 "2,048 GPUs, 21 days (s2.4)"),
    PublishedRun("llama2-7b", 7e9, 7e9, 32, 4096, 4096, 2e12, "A100-80GB", 2048, 1600, 4e6, 184_320, _LLAMA2,
                 gpus_assumed=True),
    PublishedRun("llama2-13b", 13e9, 13e9, 40, 5120, 4096, 2e12, "A100-80GB", 2048, 1600, 4e6, 368_640, _LLAMA2,
                 gpus_assumed=True),
    PublishedRun("llama2-34b", 34e9, 34e9, 48, 8192, 4096, 2e12, "A100-80GB", 2048, 1600, 4e6, 1_038_336, _LLAMA2,
                 "34B row of Table 2, seen second-hand (absent from the card)", gpus_assumed=True),
    PublishedRun("llama2-70b", 70e9, 70e9, 80, 8192, 4096, 2e12, "A100-80GB", 2048, 1600, 4e6, 1_720_320, _LLAMA2,
                 gpus_assumed=True),
    PublishedRun("llama3-8b", 8.03e9, 8.03e9, 32, 4096, 8192, 15e12, "H100", 2048, 3200, None, 1.3e6, _LLAMA3,
                 "15T+ tokens; hours to 2 significant digits", gpus_assumed=True),
    PublishedRun("llama3-70b", 70.6e9, 70.6e9, 80, 8192, 8192, 15e12, "H100", 4096, 3200, None, 6.4e6, _LLAMA3,
                 "15T+ tokens", gpus_assumed=True),
    PublishedRun("llama3.1-405b", 405e9, 405e9, 126, 16384, 8192, 15.6e12, "H100", 16_384, 3200, 16 * 1024 * 1024,
                 30.84e6, "Llama 3.1 model card; Llama 3 paper (arXiv:2407.21783) s3.3 (16K H100, 400 Gbps per GPU)"),
    PublishedRun("bloom-176b", 176.2e9, 176.2e9, 70, 14336, 2048, 366e9, "A100-80GB", 384, 400, 2048 * 2048, 1_082_990,
                 "BigScience 2022, BLOOM (arXiv:2211.05100) s3.4.1; Luccioni et al. 2022 Table 1",
                 "4 x 100 Gbps Omni-Path per node"),
    PublishedRun("opt-175b", 175e9, 175e9, 96, 12288, 2048, 180e9, "A100-80GB", 992, INF, 2e6, 809_472,
                 "Zhang et al. 2022, OPT (arXiv:2205.01068) s2.4; hours from LLaMA Table 15",
                 "many restarts (OPT logbook); tokens ~180B"),
    PublishedRun("deepseek-67b-1T", 67e9, 67e9, 95, 8192, 4096, 1e12, "H100", 2048, 3200, 6144 * 4096, 300_600,
                 "DeepSeek-AI 2024, DeepSeek-V2 (arXiv:2405.04434) s3.2.3: H800 hours per trillion tokens",
                 "H800 planned as H100", gpus_assumed=True),
    PublishedRun("deepseek-v2-1T", 236e9, 21e9, 60, 5120, 4096, 1e12, "H100", 2048, 3200, 9216 * 4096, 172_800,
                 "DeepSeek-AI 2024, DeepSeek-V2 (arXiv:2405.04434) s3.2.3: H800 hours per trillion tokens",
                 "mixture of experts, 21B of 236B active", gpus_assumed=True),
    PublishedRun("deepseek-v3", 671e9, 37e9, 61, 7168, 4096, 14.8e12, "H100", 2048, 3200, 15360 * 4096, 2.664e6,
                 "DeepSeek-AI 2024, DeepSeek-V3 (arXiv:2412.19437) Table 1: pre-training 2,664K H800 hours",
                 "FP8 GEMMs: planned at the FP8 peak", precision="fp8"),
    PublishedRun("tinyllama-1.1b-300B", 1.1e9, 1.1e9, 22, 2048, 2048, 300e9, "A100", 16, INF, 2_097_152, 3_456,
                 "TinyLlama README (jzhang38/TinyLlama): A100 hours per 300B tokens"),
    PublishedRun("pythia-1b", 1.01e9, 1.01e9, 16, 2048, 2048, 299.9e9, "A100", 64, INF, 1024 * 2048, 4_830, _PYTHIA),
    PublishedRun("pythia-1.4b", 1.41e9, 1.41e9, 24, 2048, 2048, 299.9e9, "A100", 64, INF, 1024 * 2048, 7_120, _PYTHIA),
    PublishedRun("pythia-2.8b", 2.78e9, 2.78e9, 32, 2560, 2048, 299.9e9, "A100", 64, INF, 1024 * 2048, 14_240, _PYTHIA),
    PublishedRun("pythia-6.9b", 6.86e9, 6.86e9, 32, 4096, 2048, 299.9e9, "A100", 128, INF, 1024 * 2048, 33_500, _PYTHIA),
    PublishedRun("pythia-12b", 11.8e9, 11.8e9, 36, 5120, 2048, 299.9e9, "A100", 256, INF, 1024 * 2048, 72_300, _PYTHIA),
    PublishedRun("mpt-7b", 6.7e9, 6.7e9, 32, 4096, 2048, 1e12, "A100", 440, INF, None, 440 * 9.5 * 24,
                 "MosaicML 2023, 'Introducing MPT-7B': 440 A100-40GB for ~9.5 days (second-hand)"),
    PublishedRun("starcoderbase-15.5b", 15.5e9, 15.5e9, 40, 6144, 8192, 1e12, "A100-80GB", 512, INF, 4e6, 320_256,
                 "Li et al. 2023, StarCoder (arXiv:2305.06161) s5.6-5.7 (second-hand)"),
    PublishedRun("falcon-180b", 180e9, 180e9, 80, 14848, 2048, 3.5e12, "A100", 4096, INF, None, 7.0e6,
                 "Hugging Face 2023, 'Falcon 180B is here': ~7,000,000 GPU hours on up to 4,096 A100-40GB",
                 "one significant digit"),
    PublishedRun("falcon-40b", 40e9, 40e9, 60, 8192, 2048, 1e12, "A100", 384, INF, None, 384 * 60 * 24,
                 "TII/AWS 2023: 384 A100-40GB for two months (second-hand)", "duration approximate"),
    PublishedRun("bloomberggpt-50b", 50.6e9, 50.6e9, 70, 7680, 2048, 569e9, "A100", 512, INF, None, 512 * 53 * 24,
                 "Wu et al. 2023, BloombergGPT (arXiv:2303.17564) Table 4: 64 x 8 A100-40GB, 53 days (second-hand)"),
    PublishedRun("jetmoe-8b", 8e9, 2.2e9, 24, 2048, 4096, 1.25e12, "H100", 96, INF, None, 30_000,
                 "Shen et al. 2024, JetMoE (arXiv:2404.07413): 30,000 H100 hours, 96 GPUs",
                 "mixture of experts, 2.2B of 8B active"),
    PublishedRun("nemotron4-15b", 15e9, 15e9, 32, 6144, 4096, 8e12, "H100", 2304, 3200, 1152 * 4096, 2304 * 13 * 24,
                 "Parmar et al. 2024, Nemotron-4 15B (arXiv:2402.16819): 3,072 H100 (2,304 in the main stage), ~13 days",
                 "hours = GPUs x days (derived)"),
    PublishedRun("smollm3-3b", 3.08e9, 3.08e9, 36, 2048, 4096, 11.2e12, "H100", 384, 3200, 2_359_296, 384 * 24 * 24,
                 "huggingface/smollm pretraining README: 384 H100 for 24 days", "hours = GPUs x days (derived)"),
    PublishedRun("phi-4-14b", 14e9, 14e9, 40, 5120, 4096, 9.8e12, "H100", 1920, 3200, None, 1920 * 21 * 24,
                 "Microsoft phi-4 model card: 1,920 H100-80G, 21 days", "hours = GPUs x days (derived)"),
    # Shown, kept out of the headline:
    PublishedRun("llama3.1-8b", 8.03e9, 8.03e9, 32, 4096, 8192, 15e12, "H100", 2048, 3200, None, 1.46e6,
                 "Llama 3.1 model card ('training utilized')", "may include more than pre-training",
                 headline=False, gpus_assumed=True),
    PublishedRun("llama3.1-70b", 70.6e9, 70.6e9, 80, 8192, 8192, 15e12, "H100", 4096, 3200, None, 7.0e6,
                 "Llama 3.1 model card ('training utilized')", "may include more than pre-training",
                 headline=False, gpus_assumed=True),
    PublishedRun("llama3.2-1b", 1.23e9, 1.23e9, 16, 2048, 8192, 9e12, "H100", 1024, 3200, None, 370_000,
                 "Llama 3.2 model card", "pruned from Llama 3.1 8B and distilled from 8B/70B logits; the card's "
                 "hours exclude 86K hours of logit generation", headline=False, gpus_assumed=True),
    PublishedRun("llama4-maverick", 400e9, 17e9, 48, 5120, 8192, 22e12, "H100", 4096, 3200, None, 2.38e6,
                 "Meta Llama 4 model card", "multimodal; precision and GPU count not published; co-distilled",
                 headline=False, gpus_assumed=True),
    PublishedRun("gpt3-175b", 175e9, 175e9, 96, 12288, 2048, 300e9, "V100-32GB", 10_000, 400, 3.2e6,
                 3.14e23 / (125e12 * 0.213) / 3600,
                 "Brown et al. 2020 (3.14e23 FLOPs); PaLM Table 3: 21.3% MFU",
                 "GPU-hours implied by a published MFU, not published", headline=False, gpus_assumed=True),
)
# fmt: on
