"""Published training runs, reproduced with the planner's *default* assumptions.

Each run is replayed on its published hardware and scale (8 GPUs per node, the node's published
network where known) and the predicted GPU-hours are compared with the published ones. The defaults
in assumptions.py were set from steady-state MFU reports, not fitted to these GPU-hour figures.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from costcmp.hardware import SPECS
from costcmp.planner.assumptions import Assumptions
from costcmp.planner.core import evaluate
from costcmp.planner.workload import PRESETS, Workload

if TYPE_CHECKING:
    import pandas as pd

INF = float("inf")


@dataclass(frozen=True)
class PublishedRun:
    preset: str
    gpu: str
    gpus: int
    node_network_gbps: float  # per 8-GPU node; INF where not published (network not modelled)
    batch_tokens: float | None  # None: the planner's default
    published_gpu_hours: float
    source: str
    note: str = ""


# fmt: off
PUBLISHED_RUNS: tuple[PublishedRun, ...] = (
    PublishedRun("llama-7b", "A100-80GB", 2048, 1600, 4e6, 82_432, "LLaMA paper, Table 15",
                 "RSC: 200 Gbps InfiniBand per GPU (Llama 2 paper §2.2.1)"),
    PublishedRun("llama-13b", "A100-80GB", 2048, 1600, 4e6, 135_168, "LLaMA paper, Table 15"),
    PublishedRun("llama-33b", "A100-80GB", 2048, 1600, 4e6, 530_432, "LLaMA paper, Table 15"),
    PublishedRun("llama-65b", "A100-80GB", 2048, 1600, 4e6, 1_022_362, "LLaMA paper, Table 15"),
    PublishedRun("llama2-7b", "A100-80GB", 2048, 1600, 4e6, 184_320, "Llama 2 paper, Table 2",
                 "GPU count per model not published: 2,048 assumed"),
    PublishedRun("llama2-13b", "A100-80GB", 2048, 1600, 4e6, 368_640, "Llama 2 paper, Table 2",
                 "GPU count per model not published: 2,048 assumed"),
    PublishedRun("llama2-70b", "A100-80GB", 2048, 1600, 4e6, 1_720_320, "Llama 2 paper, Table 2",
                 "GPU count per model not published: 2,048 assumed"),
    PublishedRun("bloom-176b", "A100-80GB", 384, 400, 2048 * 2048, 1_082_990, "BLOOM paper §3.5; GENCI",
                 "4 x 100 Gbps Omni-Path per node"),
    PublishedRun("mpt-7b", "A100", 440, INF, None, 440 * 9.5 * 24, "MosaicML 'Introducing MPT-7B': 440 A100-40GB "
                 "for 9.5 days", "network not published: not modelled"),
    PublishedRun("gpt3-175b", "V100-32GB", 10_000, 400, 3.2e6, 3.14e23 / (125e12 * 0.213) / 3600,
                 "GPT-3 paper (3.14e23 FLOPs, 3.2M-token batch); PaLM paper: 21.3% MFU",
                 "GPU-hours implied by the published MFU; scale not published: the 10,000-GPU Azure cluster "
                 "(400 Gbps per server) assumed"),
    PublishedRun("llama3.1-8b", "H100", 2048, 3200, None, 1.46e6, "Llama 3.1 model card (training GPU-hours)",
                 "GPU count not published: 2,048 assumed"),
    PublishedRun("llama3.1-70b", "H100", 2048, 3200, None, 7.0e6, "Llama 3.1 model card (training GPU-hours)",
                 "GPU count not published: 2,048 assumed"),
    PublishedRun("llama3.1-405b", "H100", 16_384, 3200, 16 * 1024 * 1024, 30.84e6, "Llama 3.1 model card; "
                 "Llama 3 paper (16K H100, 400 Gbps RoCE per GPU, final 16M-token batch)"),
    PublishedRun("deepseek-v3", "H100", 2048, 3200, 15360 * 4096, 2.664e6, "DeepSeek-V3 report: pre-training "
                 "2,664K H800 GPU-hours on 2,048 GPUs", "H800 = H100 compute; the run used FP8 GEMMs, "
                 "planned here at the BF16 default"),
)
# fmt: on


def _workload(run: PublishedRun) -> Workload:
    preset = PRESETS[run.preset]
    assert preset.tokens is not None
    flops = 3.14e23 if run.preset == "gpt3-175b" else 6.0 * preset.active_params * preset.tokens
    return Workload(preset.name, preset.params, preset.active_params, preset.tokens, flops)


def validate_runs(
    runs: tuple[PublishedRun, ...] = PUBLISHED_RUNS, assumptions: Assumptions | None = None
) -> pd.DataFrame:
    """Predicted vs published GPU-hours for each run, with the signed error in percent."""
    import pandas as pd

    base = assumptions or Assumptions()
    rows = []
    for run in runs:
        workload = _workload(run)
        used = dataclasses.replace(base, global_batch_tokens=run.batch_tokens or base.global_batch_tokens)
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
        result = evaluate(grid, workload, used).iloc[0]
        predicted = float(result["gpu_hours"])
        rows.append(
            {
                "run": run.preset,
                "gpu": run.gpu,
                "gpus": run.gpus,
                "params": workload.params,
                "tokens": workload.tokens,
                "flops": workload.flops,
                "efficiency": float(result["efficiency"]),
                "network_derate": float(result["network_derate"]),
                "published_gpu_hours": run.published_gpu_hours,
                "predicted_gpu_hours": predicted,
                "error_pct": 100.0 * (predicted - run.published_gpu_hours) / run.published_gpu_hours,
                "source": run.source,
                "note": run.note,
            }
        )
    return pd.DataFrame(rows)


def median_abs_error_pct(table: pd.DataFrame) -> float:
    return float(table["error_pct"].abs().median())
