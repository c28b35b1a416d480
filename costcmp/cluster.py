"""Price a whole cluster: N GPUs of one model plus a number of CPU cores, on every matching offer.

Pure functions over the offer table. Cores: most x86 vCPUs are hyper-threads (2 vCPUs = 1 core); the
families below that run one thread per core are declared with their source. CPU top-up instances are
the cheapest per core in the same provider and region, at the same pricing kind where the data has it
(else on-demand, noted).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from costcmp.errors import CostcmpError, UnknownNameError
from costcmp.hardware import SPECS, resolve_gpu
from costcmp.top500 import HPL_EFFICIENCY, LISTS, placement

if TYPE_CHECKING:
    import pandas as pd

UNPRICED_CPU_NOTE = "no CPU price in this region: CPU top-up not priced"
HOURS_PER_MONTH = 730.0
HOURS_PER_YEAR = 8760.0

#: Instance families with one thread per core (vCPUs = physical cores); every other family: 2.
# Sources: EC2 DescribeInstanceTypes DefaultThreadsPerCore (moto 5.2.5's copy: c7a 1, hpc7a 1, c6i,
# c7i, p and g families 2); Microsoft docs: HBv3 and HBv4 run with SMT disabled; NDv2 "40
# non-HyperThreaded Intel Xeon Platinum 8168 cores" (ndv2-series page).
ONE_THREAD_PER_CORE: dict[str, set[str]] = {
    "aws": {"c7a", "hpc7a", "hpc6a"},
    "azure": {"Standard_HB120rs_v3", "Standard_HB176rs_v4", "Standard_ND40rs_v2"},
}


@dataclass(frozen=True)
class ClusterPreset:
    name: str
    gpu: str
    gpus: int
    cpu_cores: int
    network_gbps: float
    source: str


CLUSTER_PRESETS: dict[str, ClusterPreset] = {
    "msft-openai-2020": ClusterPreset(
        "msft-openai-2020",
        "V100-32GB",
        10_000,
        285_000,
        400.0,
        "Microsoft, 'Microsoft announces new supercomputer, lays out vision for future AI work' (May 2020): "
        "a single system with more than 285,000 CPU cores, 10,000 GPUs and 400 gigabits per second of "
        "network connectivity for each GPU server, in the top five of the Top500; built for OpenAI on "
        "Azure. GPU model: V100 (assumed 32 GB, as Azure's NDv2).",
    ),
}


def resolve_cluster_preset(name: str) -> ClusterPreset:
    key = name.strip().lower()
    if key not in CLUSTER_PRESETS:
        raise UnknownNameError("cluster preset", name, CLUSTER_PRESETS)
    return CLUSTER_PRESETS[key]


def threads_per_core(provider: str, instance_type: str) -> int:
    family = instance_type.split(".")[0] if provider == "aws" else instance_type
    return 1 if family in ONE_THREAD_PER_CORE.get(provider, set()) else 2


def with_cores(offers: pd.DataFrame) -> pd.DataFrame:
    """Add `cores` (physical cores per instance) and `usd_per_core_hour` (CPU-only rows)."""
    out = offers.copy()
    per_core = [threads_per_core(p, t) for p, t in zip(out["provider"], out["instance_type"], strict=True)]
    out["cores"] = (out["vcpus"].astype("float64") / per_core).round()
    out["usd_per_core_hour"] = (out["usd_per_hour"] / out["cores"]).where(out["gpu_count"] == 0)
    return out


def _cheapest_cpu(
    cpu: pd.DataFrame, provider: str, region: str, pricing: str
) -> tuple[pd.Series | None, str]:
    here = cpu[(cpu["provider"] == provider) & (cpu["region"] == region) & cpu["cores"].notna()]
    same = here[here["pricing"] == pricing]
    if len(same):
        return same.sort_values("usd_per_core_hour").iloc[0], ""
    demand = here[here["pricing"] == "on_demand"]
    if len(demand):
        cheapest = demand.sort_values("usd_per_core_hour").iloc[0]
        return cheapest, f"CPU at on-demand (no {pricing} CPU rate)"
    return None, UNPRICED_CPU_NOTE


def cluster_table(
    offers: pd.DataFrame,
    *,
    gpu: str,
    gpus: int,
    cpu_cores: int = 0,
    network_gbps: float | None = None,
    hpl_efficiency: float = HPL_EFFICIENCY,
) -> pd.DataFrame:
    """One row per GPU offer of `gpu` (provider x region x instance x pricing): what the cluster takes and
    costs, its peak FLOP/s, its estimated Linpack Rmax and where that places on each Top500 list."""
    import pandas as pd

    if gpus < 1:
        raise CostcmpError(f"--gpus must be >= 1 (got {gpus})")
    if cpu_cores < 0:
        raise CostcmpError(f"--cpu-cores must be >= 0 (got {cpu_cores})")
    if network_gbps is not None and not network_gbps > 0:
        raise CostcmpError(f"--network-gbps must be > 0 (got {network_gbps})")
    if not 0 < hpl_efficiency <= 1:
        raise CostcmpError(f"--hpl-efficiency must be in (0, 1] (got {hpl_efficiency})")
    name = resolve_gpu(gpu)
    spec = SPECS[name]
    table = with_cores(offers)
    cpu = table[table["gpu_count"] == 0]
    gpu_rows = table[table["gpu"] == name]
    # The FP64 tensor-core rate where the GPU has one (A100, H100...), else plain FP64; NaN if unpublished.
    fp64 = spec.fp64_tflops if math.isnan(spec.fp64_tensor_tflops) else spec.fp64_tensor_tflops
    rows = []
    for _, offer in gpu_rows.iterrows():
        instances = math.ceil(gpus / offer["gpu_count"])
        gpu_total = instances * int(offer["gpu_count"])
        gpu_cores = instances * offer["cores"]
        notes = [str(offer["detail"])] if offer.get("estimate") is True else []
        if gpu_total > gpus:
            notes.append(f"{gpu_total - gpus} GPUs more than asked (whole instances)")
        remaining = max(0.0, cpu_cores - gpu_cores)
        cpu_type, cpu_instances, cpu_usd, cpu_cores_added = "", 0, 0.0, 0.0
        top_up = None
        if remaining > 0:
            top_up, note = _cheapest_cpu(cpu, offer["provider"], offer["region"], offer["pricing"])
            if note:
                notes.append(note)
            if top_up is None:
                cpu_usd = math.nan
            else:
                cpu_type = top_up["instance_type"]
                cpu_instances = math.ceil(remaining / top_up["cores"])
                cpu_usd = cpu_instances * top_up["usd_per_hour"]
                cpu_cores_added = cpu_instances * top_up["cores"]
        network_ok = None
        if network_gbps is not None:
            known = not math.isnan(offer["network_gbps"])
            network_ok = bool(offer["network_gbps"] >= network_gbps) if known else None
            if network_ok is False:
                notes.append(
                    f"network {offer['network_gbps']:,.0f} Gbps per GPU server, below {network_gbps:,.0f}"
                )
            elif network_ok is None:
                notes.append("network per server not known")
        usd_per_hour = instances * offer["usd_per_hour"] + cpu_usd
        peak_fp64 = gpu_total * fp64 / 1000
        rmax = peak_fp64 * hpl_efficiency
        row = {
            "provider": offer["provider"],
            "region": offer["region"],
            "instance_type": offer["instance_type"],
            "gpu": name,
            "pricing": offer["pricing"],
            "gpu_instances": instances,
            "gpus": gpu_total,
            "gpu_cores": gpu_cores,
            "cpu_instance_type": cpu_type,
            "cpu_instances": cpu_instances,
            "cpu_cores": cpu_cores_added,
            "total_cores": gpu_cores + cpu_cores_added,
            "network_gbps": offer["network_gbps"],
            "network_ok": network_ok,
            "usd_per_hour": usd_per_hour,
            "usd_per_month": usd_per_hour * HOURS_PER_MONTH,
            "usd_per_year": usd_per_hour * HOURS_PER_YEAR,
            "usd_3y": usd_per_hour * 3 * HOURS_PER_YEAR,
            "fp64_pflops": peak_fp64,
            "bf16_pflops": gpu_total * spec.half_precision_tflops / 1000,
            "rmax_pflops_est": rmax,
        }
        for top in LISTS:
            row[f"top500_{top.name.lower().replace(' ', '_')}"] = (
                "" if math.isnan(rmax) else placement(rmax * 1000, top)
            )
        row["as_of"] = offer["as_of"]
        row["source"] = offer["source"]
        row["cpu_as_of"] = top_up["as_of"] if top_up is not None else ""
        row["cpu_source"] = top_up["source"] if top_up is not None else ""
        row["notes"] = "; ".join(notes)
        rows.append(row)
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(["usd_per_hour", "provider", "region"], na_position="last").reset_index(
        drop=True
    )
