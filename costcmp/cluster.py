"""Price a whole cluster: N GPUs of one model plus a number of CPU cores, on every matching offer.

Pure functions over the offer table. Cores: most x86 vCPUs are hyper-threads (2 vCPUs = 1 core); the
families below that run one thread per core are declared with their source. CPU top-up instances are
the cheapest per core in the same provider and region, at the same pricing kind where the data has it
(else on-demand, noted).
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from costcmp import arguments
from costcmp.errors import InvalidParameterError, UnknownNameError
from costcmp.hardware import SPECS, resolve_gpu
from costcmp.providers import REGISTRY
from costcmp.top500 import HPL_EFFICIENCY, LISTS, placement
from costcmp.units import HOURS_PER_MONTH, HOURS_PER_YEAR

if TYPE_CHECKING:
    import pandas as pd

UNPRICED_CPU_NOTE = "no CPU price in this region: CPU top-up not priced"


@dataclass(frozen=True)
class ClusterPreset:
    """A published cluster: what it had, and where that is said."""

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
    key = arguments.name(name, "preset").strip().lower()
    if key not in CLUSTER_PRESETS:
        raise UnknownNameError("cluster preset", name, CLUSTER_PRESETS, param="preset")
    return CLUSTER_PRESETS[key]


def threads_per_core(provider: str, instance_type: str) -> int:
    """Hardware threads per core, by the provider's registry rule (a provider must declare one)."""
    return REGISTRY[provider].threads_per_core(instance_type)


def with_cores(offers: pd.DataFrame) -> pd.DataFrame:
    """Add `cores` (physical cores per instance) and `usd_per_core_hour` (CPU-only rows)."""
    out = offers.copy()
    per_core = [threads_per_core(str(p), str(t)) for p, t in zip(out["provider"], out["instance_type"], strict=True)]
    out["cores"] = (out["vcpus"].astype("float64") / per_core).round()
    out["usd_per_core_hour"] = (out["usd_per_hour"] / out["cores"]).where(out["gpu_count"] == 0)
    return out


def _cheapest_cpu(cpu: pd.DataFrame, provider: str, region: str, pricing: str) -> tuple[pd.Series | None, str]:
    here = cpu[(cpu["provider"] == provider) & (cpu["region"] == region) & cpu["cores"].notna()]
    same = here[here["pricing"] == pricing]
    if len(same):
        return same.sort_values("usd_per_core_hour").iloc[0], ""
    demand = here[here["pricing"] == "on_demand"]
    if len(demand):
        cheapest = demand.sort_values("usd_per_core_hour").iloc[0]
        return cheapest, f"CPU at on-demand (no {pricing} CPU rate)"
    return None, UNPRICED_CPU_NOTE


#: The largest cluster priced: 10x today's largest published GPU clusters, small enough for exact sums.
MAX_CLUSTER_GPUS = 10_000_000
MAX_CPU_CORES = 1_000_000_000


def price_cluster(
    *,
    gpu: str | None = None,
    gpus: int | None = None,
    cpu_cores: int | None = None,
    network_gbps: float | None = None,
    preset: str | None = None,
    provider: str | Iterable[str] | None = None,
    region: str | Iterable[str] | None = None,
    pricing: str | Iterable[str] | None = None,
    commit_discounts: dict[str, float] | None = None,
    hpl_efficiency: float | None = None,
    offers: pd.DataFrame | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """What a cluster of `gpus` x `gpu` (+ `cpu_cores` physical cores in all) costs on every matching
    offer, one row per provider x region x GPU instance x pricing kind, cheapest per hour first.

    `preset` (e.g. "msft-openai-2020") supplies any of gpu, gpus, cpu_cores, network_gbps not given.
    `commit_discounts` ({"reserved_1y": 0.35}) estimates reserved rates from on-demand where the data has
    none. Offers below `network_gbps` are flagged (`network_ok`). ``result.attrs`` holds the request
    ("request") and the pricing kinds asked for but absent from the data ("missing_pricing").
    Example: ``costcmp.price_cluster(preset="msft-openai-2020")``.
    """
    from costcmp.offers import resolve_pricing, select_offers, with_reserved_estimates
    from costcmp.schema import offer_table
    from costcmp.units import parse_count

    chosen = resolve_cluster_preset(preset) if preset is not None else None
    gpu = gpu if gpu is not None else (chosen.gpu if chosen else None)
    gpus = gpus if gpus is not None else (chosen.gpus if chosen else None)
    cpu_cores = cpu_cores if cpu_cores is not None else (chosen.cpu_cores if chosen else 0)
    network_gbps = network_gbps if network_gbps is not None else (chosen.network_gbps if chosen else None)
    if gpu is None:
        raise InvalidParameterError("gpu", "is missing: say which cluster (a GPU and a count, or a preset)")
    if gpus is None:
        raise InvalidParameterError("gpus", "is missing: say how many GPUs (or give a preset)")
    gpus = parse_count(gpus, "gpus", maximum=MAX_CLUSTER_GPUS)
    discounts = arguments.commit_discounts(commit_discounts)
    if offers is None:
        from costcmp.cache import load_snapshot

        offers = load_snapshot(cache_dir).offers
    else:
        offers = offer_table(offers, "offers")
    kinds = resolve_pricing(pricing)
    table = select_offers(offers, provider=provider, region=region, include_cpu=True)
    table = with_reserved_estimates(table, discounts)
    if kinds:
        table = table[table["pricing"].isin(kinds) | (table["gpu_count"] == 0)]
    result = cluster_costs(
        table,
        gpu=gpu,
        gpus=gpus,
        cpu_cores=cpu_cores,
        network_gbps=network_gbps,
        hpl_efficiency=HPL_EFFICIENCY if hpl_efficiency is None else hpl_efficiency,
    )
    present = set(result["pricing"]) if len(result) else set()
    result.attrs.update(
        request={
            "gpu": resolve_gpu(gpu),
            "gpus": gpus,
            "cpu_cores": cpu_cores,
            "network_gbps": network_gbps,
            "preset": chosen.name if chosen else None,
            "preset_source": chosen.source if chosen else None,
        },
        missing_pricing=[k for k in kinds if k not in present],
    )
    return result


def cluster_costs(
    offers: pd.DataFrame,
    *,
    gpu: str,
    gpus: int,
    cpu_cores: int = 0,
    network_gbps: float | None = None,
    hpl_efficiency: float = HPL_EFFICIENCY,
) -> pd.DataFrame:
    """One row per GPU offer of `gpu` in `offers` (already filtered): what the cluster takes and costs,
    its peak FLOP/s, its estimated Linpack Rmax and where that places on each Top500 list."""
    import pandas as pd

    gpus = arguments.whole(gpus, "gpus", 1, MAX_CLUSTER_GPUS)
    cpu_cores = arguments.whole(cpu_cores, "cpu_cores", 0, MAX_CPU_CORES)
    if network_gbps is not None and not 0 < arguments.real(network_gbps, "network_gbps") <= 1e6:
        raise InvalidParameterError("network_gbps", f"must be > 0 and at most 1,000,000 (got {network_gbps})")
    hpl_efficiency = arguments.real(hpl_efficiency, "hpl_efficiency", 0.0, 1.0, open_low=True)
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
                notes.append(f"network {offer['network_gbps']:,.0f} Gbps per GPU server, below {network_gbps:,.0f}")
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
    return frame.sort_values(["usd_per_hour", "provider", "region"], na_position="last").reset_index(drop=True)
