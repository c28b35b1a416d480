"""Google Cloud GPU machine shapes: what a machine type is made of, because GCP bills it by component.

An accelerator-optimized VM's hourly price is its GPUs x the GPU SKU + its vCPUs x its family's core
SKU + its memory GiB x the family's RAM SKU + its bundled local SSD GiB x the SSD SKU / 730 h. The
Catalog API prices components, never machines, so costcmp needs each machine's components; with a
project the Compute API's machine types (`MachineTypesClient`) supply vCPUs, memory and GPUs and say
where a type exists, else this declared table does.

Sources: Google "GPU machine types" (docs.cloud.google.com/compute/docs/gpus, updated 2026-08-26) for
vCPUs, memory, GPUs, bundled SSD and the maximum network bandwidth per machine (an egress cap, Gbit/s);
cross-checked against Cyclenerd/google-cloud-pricing-cost-calculator build/gcp.yml (@fd66b26f) and
skypilot-catalog v8 vCPUs/MemoryGiB. G4 shapes from Cyclenerd's table only (network not sourced).
N1 with attached T4/V100: Google's vCPU limits per GPU count (T4 x1/2/4 up to 48/48/96 vCPUs, V100
x1/2/4/8 up to 12/24/48/96); costcmp prices one n1-standard shape per count inside those limits.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MachineShape:
    """One GPU machine type: its billing family (whose core and RAM SKUs apply), its accelerator (the
    GPU SKU's key), and its size."""

    name: str
    family: str  # the family word in the core/RAM SKU descriptions: "A2", "A3", "A3Plus", "G2", "N1"
    accelerator: str  # the accelerator key of the GPU SKU (see gcp.GPU_SKU_PATTERNS)
    gpu: str  # canonical costcmp GPU name
    gpu_count: int
    gpu_memory_gb: float  # per GPU
    vcpus: int
    memory_gib: float
    bundled_ssd_gib: float
    network_gbps: float | None


def _shape(name, family, accelerator, gpu, count, gpu_gb, vcpus, mem, ssd=0.0, net=None) -> MachineShape:
    return MachineShape(name, family, accelerator, gpu, count, gpu_gb, vcpus, mem, ssd, net)


# fmt: off
_A2 = [
    _shape("a2-highgpu-1g", "A2", "a100", "A100", 1, 40, 12, 85, 0, 24),
    _shape("a2-highgpu-2g", "A2", "a100", "A100", 2, 40, 24, 170, 0, 32),
    _shape("a2-highgpu-4g", "A2", "a100", "A100", 4, 40, 48, 340, 0, 50),
    _shape("a2-highgpu-8g", "A2", "a100", "A100", 8, 40, 96, 680, 0, 100),
    _shape("a2-megagpu-16g", "A2", "a100", "A100", 16, 40, 96, 1360, 0, 100),
    _shape("a2-ultragpu-1g", "A2", "a100-80gb", "A100-80GB", 1, 80, 12, 170, 375, 24),
    _shape("a2-ultragpu-2g", "A2", "a100-80gb", "A100-80GB", 2, 80, 24, 340, 750, 32),
    _shape("a2-ultragpu-4g", "A2", "a100-80gb", "A100-80GB", 4, 80, 48, 680, 1500, 50),
    _shape("a2-ultragpu-8g", "A2", "a100-80gb", "A100-80GB", 8, 80, 96, 1360, 3000, 100),
]
_A3 = [
    _shape("a3-highgpu-1g", "A3", "h100", "H100", 1, 80, 26, 234, 750, 25),
    _shape("a3-highgpu-2g", "A3", "h100", "H100", 2, 80, 52, 468, 1500, 50),
    _shape("a3-highgpu-4g", "A3", "h100", "H100", 4, 80, 104, 936, 3000, 100),
    _shape("a3-highgpu-8g", "A3", "h100", "H100", 8, 80, 208, 1872, 6000, 1000),
    # A3 Mega's core and RAM SKUs read "A3Plus Instance ..." and its GPU "H100 80GB Plus/Mega GPU".
    _shape("a3-megagpu-8g", "A3Plus", "h100-mega", "H100", 8, 80, 208, 1872, 6000, 1800),
    # A3 Ultra and A4: shapes and network from Google's page; their SKU descriptions ("A3 Ultra
    # Instance", "H200 141GB GPU", "A4 Nvidia B200 (1 gpu slice)") are second-hand (SkyPilot, gpuhunt).
    _shape("a3-ultragpu-8g", "A3 Ultra", "h200", "H200", 8, 141, 224, 2952, 12000, 3600),
    _shape("a4-highgpu-8g", "A4", "b200", "B200", 8, 180, 224, 3968, 12000, 3600),
]
_G2 = [
    _shape("g2-standard-4", "G2", "l4", "L4", 1, 24, 4, 16, 0, 10),
    _shape("g2-standard-8", "G2", "l4", "L4", 1, 24, 8, 32, 0, 16),
    _shape("g2-standard-12", "G2", "l4", "L4", 1, 24, 12, 48, 0, 16),
    _shape("g2-standard-16", "G2", "l4", "L4", 1, 24, 16, 64, 0, 32),
    _shape("g2-standard-24", "G2", "l4", "L4", 2, 24, 24, 96, 0, 32),
    _shape("g2-standard-32", "G2", "l4", "L4", 1, 24, 32, 128, 0, 32),
    _shape("g2-standard-48", "G2", "l4", "L4", 4, 24, 48, 192, 0, 50),
    _shape("g2-standard-96", "G2", "l4", "L4", 8, 24, 96, 384, 0, 100),
]
_G4 = [  # whole-GPU shapes only (g4-standard-6/12/24 carry a fraction of one GPU)
    _shape("g4-standard-48", "G4", "rtx-pro-6000", "RTX-PRO-6000", 1, 96, 48, 180),
    _shape("g4-standard-96", "G4", "rtx-pro-6000", "RTX-PRO-6000", 2, 96, 96, 360),
    _shape("g4-standard-192", "G4", "rtx-pro-6000", "RTX-PRO-6000", 4, 96, 192, 720),
    _shape("g4-standard-384", "G4", "rtx-pro-6000", "RTX-PRO-6000", 8, 96, 384, 1440),
]
#: N1 + attached GPUs: (accelerator, canonical GPU, GiB per GPU, [(count, n1-standard vCPUs)]).
_N1_ATTACHED = [
    ("t4", "T4", 16, [(1, 8), (2, 16), (4, 32)]),
    ("v100", "V100", 16, [(1, 8), (2, 16), (4, 32), (8, 64)]),
]
_N1 = [
    _shape(f"n1-standard-{vcpus}+{count}x{gpu}", "N1", accelerator, gpu, count, gib, vcpus, vcpus * 3.75)
    for accelerator, gpu, gib, combos in _N1_ATTACHED
    for count, vcpus in combos
]
# fmt: on

MACHINES: dict[str, MachineShape] = {shape.name: shape for shape in (*_A2, *_A3, *_G2, *_G4, *_N1)}

#: Compute API accelerator type -> the GPU SKU key (for machine types a project reports).
ACCELERATOR_TYPES: dict[str, str] = {
    "nvidia-tesla-a100": "a100",
    "nvidia-a100-80gb": "a100-80gb",
    "nvidia-h100-80gb": "h100",
    "nvidia-h100-mega-80gb": "h100-mega",
    "nvidia-h200-141gb": "h200",
    "nvidia-b200": "b200",
    "nvidia-l4": "l4",
    "nvidia-rtx-pro-6000": "rtx-pro-6000",
    "nvidia-tesla-t4": "t4",
    "nvidia-tesla-v100": "v100",
}


def base_machine(instance_type: str) -> str:
    """The Compute API machine type of an offer name (n1-standard-8+1xT4 -> n1-standard-8)."""
    return instance_type.split("+", 1)[0]


def machine_family(instance_type: str) -> str:
    """The series of a machine type (a3-highgpu-8g -> a3), for the registry's core rule."""
    return instance_type.split("-", 1)[0]
