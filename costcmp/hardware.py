"""GPU hardware facts: memory, bandwidth, dense peak TFLOPS per data type, TDP, with sources.

All TFLOPS are *dense* (no 2:4 sparsity): NVIDIA's headline tensor figures carry a "with sparsity"
asterisk and are halved here. `fp64_tflops` is the vector (CUDA-core) rate and `fp64_tensor_tflops`
the matrix rate that HPL/Top500 Rpeak uses where the GPU has FP64 tensor cores. NaN means the
vendor publishes no figure (never 0). `confidence`: C = read in a primary source; C2 = confirmed at
second hand; U = unconfirmed (use with care). Sources: the datasheets and publications named per row.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from costcmp.errors import UnknownGPUError

if TYPE_CHECKING:
    import pandas as pd

NAN = float("nan")


@dataclass(frozen=True)
class GPUSpec:
    name: str
    vendor: str
    form_factor: str
    memory_gb: float
    memory_bandwidth_gbs: float
    fp64_tflops: float
    fp64_tensor_tflops: float
    fp32_tflops: float
    tf32_tflops: float
    bf16_tflops: float
    fp16_tflops: float
    fp8_tflops: float
    tdp_watts: float
    confidence: str
    source: str

    @property
    def half_precision_tflops(self) -> float:
        """Dense 16-bit tensor peak used for training maths: BF16, or FP16 where BF16 does not exist."""
        return self.bf16_tflops if self.bf16_tflops == self.bf16_tflops else self.fp16_tflops


# fmt: off
_SPECS: tuple[GPUSpec, ...] = (
    GPUSpec("V100", "NVIDIA", "SXM2 16 GB", 16, 900, 7.8, NAN, 15.7, NAN, NAN, 125, NAN, 300, "C2",
            "NVIDIA Tesla V100 datasheet (SXM2); FP64 7.8 per NVIDIA A100 launch comparison. "
            "No BF16/TF32: the 125 TFLOPS is FP16 tensor. Azure NCv3 uses the PCIe part (14 FP32, 112 FP16, 250 W)."),
    GPUSpec("V100-32GB", "NVIDIA", "SXM2 32 GB", 32, 900, 7.8, NAN, 15.7, NAN, NAN, 125, NAN, 300, "C2",
            "NVIDIA Tesla V100 datasheet (SXM2 32 GB; p3dn.24xlarge, Azure ND40rs_v2)."),
    GPUSpec("A100", "NVIDIA", "SXM4 40 GB", 40, 1555, 9.7, 19.5, 19.5, 156, 312, 312, NAN, 400, "C2",
            "NVIDIA A100 datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf), dense figures."),
    GPUSpec("A100-80GB", "NVIDIA", "SXM4 80 GB", 80, 2039, 9.7, 19.5, 19.5, 156, 312, 312, NAN, 400, "C2",
            "NVIDIA A100 datasheet (SXM4 80 GB). Azure NC A100 v4 uses the PCIe 80 GB part (1,935 GB/s, 300 W)."),
    GPUSpec("H100", "NVIDIA", "SXM5 80 GB", 80, 3350, 33.5, 66.9, 66.9, 494.7, 989.4, 989.4, 1978.9, 700, "C2",
            "NVIDIA H100 datasheet (SXM5); sparse headline figures halved (1,979 BF16 -> 989.4)."),
    GPUSpec("H100-NVL", "NVIDIA", "PCIe NVL 94 GB", 94, 3900, 30, 60, 60, 417.5, 835.5, 835.5, 1670.5, 400, "U",
            "NVIDIA H100 datasheet, H100 NVL column (94 GB, 3.9 TB/s, 350-400 W); sparse tensor figures "
            "halved. 94 GB / 3.93 TB/s / 350 W confirmed at second hand; tensor figures unconfirmed here."),
    GPUSpec("H200", "NVIDIA", "SXM 141 GB", 141, 4800, 33.5, 66.9, 66.9, 494.7, 989.4, 989.4, 1978.9, 700, "C2",
            "NVIDIA H200 product page: H100 compute with 141 GB HBM3e at 4.8 TB/s."),
    GPUSpec("B200", "NVIDIA", "HGX B200 (SXM6)", 180, 7700, 37, 37, 75, 1100, 2250, 2250, 4500, 1000, "C2",
            "NVIDIA HGX B200 spec table (per GPU: 180 GB, 7.7 TB/s, FP64 37, FP32 75, BF16 4.5 PF sparse)."),
    GPUSpec("A10G", "NVIDIA", "PCIe 24 GB (AWS only)", 24, 600, NAN, NAN, 35, 35, 70, 70, NAN, 300, "U",
            "No AWS/NVIDIA datasheet; Baseten 'NVIDIA A10 vs A10G'. 24 GB / 600 GB/s C2; compute and TDP U."),
    GPUSpec("L4", "NVIDIA", "PCIe 24 GB", 24, 300, NAN, NAN, 30.3, 60, 121, 121, 242, 72, "C2",
            "NVIDIA L4 datasheet (sparse figures halved); FP32 30.3 unconfirmed."),
    GPUSpec("L40S", "NVIDIA", "PCIe 48 GB", 48, 864, NAN, NAN, 91.6, 183, 362, 362, 733, 350, "C2",
            "NVIDIA L40S datasheet (dense figures)."),
    GPUSpec("T4", "NVIDIA", "PCIe 16 GB", 16, 320, NAN, NAN, 8.1, NAN, NAN, 65, NAN, 70, "C2",
            "NVIDIA T4 datasheet (65 TFLOPS mixed-precision FP16; no BF16/TF32)."),
    GPUSpec("B300", "NVIDIA", "HGX B300 (Blackwell Ultra)", 288, 8000, 1.25, 1.25, 75, 1125, 2250, 2250, 4500, 1100, "C2",
            "Per-GPU dense figures (HGX B300 sparse totals halved: BF16 36 PF / 8, FP8 72 PF / 8, TF32 18 PF / 8; FP32 75, "
            "FP64 1.25); 288 GB HBM3e (AWS exposes 275,040 MiB); ~8 TB/s and 1,100 W unconfirmed (one source). "
            "NVIDIA HGX B300 specifications; per-GPU table at glennklockwood.com (B300); Verda blog (B300)."),
    GPUSpec("GB200", "NVIDIA", "GB200 NVL72 (per GPU)", 186, 8000, 40, 40, NAN, 1250, 2500, 2500, 5000, 1200, "U",
            "Per GPU in GB200 NVL72: rack 720 PF FP8 sparse / 72 -> 5,000 dense, BF16 2,500, 1,200 W; 186 GB usable "
            "(MLCommons system description; Azure docs 192 GiB); 8 TB/s. FP64 40 and TF32 1,250 unconfirmed; "
            "FP32 unpublished. NVIDIA GB200 NVL72 specifications; MLCommons Inference v6.1 system description "
            "(Crusoe GB200-NVL72); Microsoft Azure ND GB200 v6 docs."),
    GPUSpec("RTX-PRO-6000", "NVIDIA", "RTX PRO 6000 Blackwell Server Edition (PCIe)", 96, 1792, NAN, NAN, 125, NAN, 500,
            500, 1000, 600, "U",
            "96 GB GDDR7 (Azure docs; AWS 98,304 MiB), 1,792 GB/s, 600 W, up to 125 TFLOPS FP32 (press coverage of "
            "GTC 2025). BF16/FP8 dense are the published 4,000 sparse FP4 'AI TOPS' / 8 and / 4: derived, unconfirmed. "
            "NVIDIA RTX PRO 6000 Blackwell Server Edition product page; Microsoft Azure and AWS instance docs."),
    GPUSpec("MI300X", "AMD", "OAM 192 GB", 192, 5300, 81.7, 163.4, 163.4, 653.7, 1307.4, 1307.4, 2614.9, 750, "C2",
            "AMD Instinct MI300X datasheet (dense; FP32/FP64 163.4 matrix, 81.7 vector)."),
)
# fmt: on

SPECS: dict[str, GPUSpec] = {s.name: s for s in _SPECS}
CANONICAL_GPUS: tuple[str, ...] = tuple(SPECS)

# Extra spellings seen in provider APIs, catalogs and user habits, after normalisation (see _normalise).
_ALIASES: dict[str, str] = {
    "v100-16gb": "V100",
    "v100-sxm2": "V100",
    "v100-sxm2-16gb": "V100",
    "v100-pcie": "V100",
    "v100-pcie-16gb": "V100",
    "v100-16g": "V100",
    "v100-32g": "V100-32GB",
    "v100-sxm2-32gb": "V100-32GB",
    "v100-pcie-32gb": "V100-32GB",
    "a100-40gb": "A100",
    "a100-40g": "A100",
    "a100-sxm4": "A100",
    "a100-sxm4-40gb": "A100",
    "a100-pcie-40gb": "A100",
    "a100-sxm": "A100",
    "a100-80g": "A100-80GB",
    "a100-80": "A100-80GB",
    "a100-sxm4-80gb": "A100-80GB",
    "a100-pcie-80gb": "A100-80GB",
    "h100-80gb": "H100",
    "h100-sxm": "H100",
    "h100-sxm5": "H100",
    "h100-sxm5-80gb": "H100",
    "h100-80gb-hbm3": "H100",
    "h100-sxm-80gb": "H100",
    "h100-mega": "H100",
    "h100nvl": "H100-NVL",
    "h100-nvl-94gb": "H100-NVL",
    "h100-94gb": "H100-NVL",
    "h200-141gb": "H200",
    "h200-sxm": "H200",
    "h200-sxm-141gb": "H200",
    "b200-180gb": "B200",
    "b200-192gb": "B200",
    "hgx-b200": "B200",
    "b200-sxm": "B200",
    "t4-16gb": "T4",
    "mi300x-192gb": "MI300X",
    "b300-288gb": "B300",
    "hgx-b300": "B300",
    "b300-sxm": "B300",
    "blackwell-ultra": "B300",
    "gb200-nvl72": "GB200",
    "gb200-186gb": "GB200",
    "rtx-pro-6000-blackwell": "RTX-PRO-6000",
    "rtx-pro-server-6000": "RTX-PRO-6000",
    "rtx-pro-6000-bse": "RTX-PRO-6000",
    "rtx-pro-6000-server": "RTX-PRO-6000",
    "rtx6000-pro": "RTX-PRO-6000",
    "l40s-48gb": "L40S",
    "l4-24gb": "L4",
    "a10g-24gb": "A10G",
}
_LOOKUP: dict[str, str] = {**{n.lower(): n for n in CANONICAL_GPUS}, **_ALIASES}
_PREFIXES = re.compile(r"^(?:(?:nvidia|amd|tesla|instinct)-)+")


def _normalise(name: str) -> str:
    text = re.sub(r"[\s_]+", "-", name.strip().lower())
    text = _PREFIXES.sub("", text)
    return text.removesuffix("-tensor-core").removesuffix("-gpu")


def resolve_gpu(name: str) -> str:
    """The canonical name for `name` (case-insensitive, aliases allowed); UnknownGPUError otherwise."""
    from costcmp.arguments import name as checked_name

    canonical = _LOOKUP.get(_normalise(checked_name(name, "gpu")))
    if canonical is None:
        raise UnknownGPUError(name, CANONICAL_GPUS)
    return canonical


def gpu_spec(name: str) -> GPUSpec:
    """The spec of a GPU by any accepted name."""
    return SPECS[resolve_gpu(name)]


def gpu_specs() -> pd.DataFrame:
    """The hardware table as a DataFrame (one row per canonical GPU, columns as GPUSpec's fields)."""
    import pandas as pd

    df = pd.DataFrame([asdict(s) for s in _SPECS])
    df.insert(
        list(df.columns).index("fp8_tflops") + 1,
        "half_precision_tflops",
        [s.half_precision_tflops for s in _SPECS],
    )
    return df
