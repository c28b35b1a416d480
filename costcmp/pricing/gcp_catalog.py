"""Cloud Billing Catalog SKUs -> component rates -> machine prices (pure; no client, no I/O).

A Compute Engine SKU prices one component (a family's vCPU or GiB of RAM, a GPU, a GiB-month of local
SSD) in the regions of its `serviceRegions`, for one kind (`category.usageType`: OnDemand, Preemptible =
spot, Commit1Yr / Commit3Yr = reserved). Rules, from reading SkyPilot's, gpuhunt's and Cyclenerd's
fetchers against real SKUs (docs/research; Google's Cloud Billing Catalog API reference):

- "Reserved ...", "Sole Tenancy", "Custom", "Premium", "DWS ..." (calendar/flex capacity) and
  "suspended" SKUs are not list prices and are dropped; so are zero prices (never stored as 0).
- A Preemptible description under usageType OnDemand is spot (a known catalog quirk).
- Several SKUs for one (region, kind, component): a SKU naming fewer regions wins (a city SKU over an
  "Americas" one), then the latest `effectiveTime`, then the lower price; the others are counted.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from costcmp.pricing.gcp_machines import MachineShape
from costcmp.units import HOURS_PER_MONTH  # Google's billing month too: local SSD is priced per GiB-month

USAGE_KINDS = {"OnDemand": "on_demand", "Preemptible": "spot", "Commit1Yr": "reserved_1y", "Commit3Yr": "reserved_3y"}
_NOT_LIST = re.compile(r"sole tenancy|\breserved\b|\bcustom\b|\bpremium\b|\bdws\b|calendar mode|flex|suspended", re.I)

#: GPU SKU description -> accelerator key. Order matters: the first match wins.
GPU_SKU_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), key)
    for pattern, key in (
        (r"\bH100 80GB (Plus|Mega) GPU\b", "h100-mega"),
        (r"\bH100 80GB GPU\b", "h100"),
        (r"\bH200 141GB GPU\b", "h200"),
        (r"\bA100 80GB GPU\b", "a100-80gb"),
        (r"\bA100 GPU\b", "a100"),
        (r"\bL4 GPU\b", "l4"),
        (r"\bT4 GPU\b", "t4"),
        (r"\bV100 GPU\b", "v100"),
        (r"\bRTX (PRO )?6000 96GB\b", "rtx-pro-6000"),
    )
)
_SLICE = re.compile(r"\bB200 \(1 gpu slice\)", re.I)
_FAMILY = re.compile(
    r"^(?P<family>A2|A3Plus|A3 Ultra|A3|A4|G2|G4|N1 Predefined)(?: Instance)? (?P<part>Core|Cpu|Ram)\b", re.I
)
_N1_COMMIT = re.compile(r"^(?P<part>Cpu|Ram) (in|running in) ", re.I)  # "Commitment v1: Cpu in Montreal for 1 Year"
_SSD = re.compile(r"^(SSD backed Local Storage|Local SSD)\b", re.I)
_PREFIX = re.compile(r"^(Commitment v\d+:\s*|Spot Preemptible\s+)+", re.I)
#: Component -> (the usage unit its SKUs must price, hours in one unit): per hour, or per GiB-month.
_UNITS = {"gpu": ("h", 1.0), "slice": ("h", 1.0), "core": ("h", 1.0), "ram": ("GiBy.h", 1.0),
          "ssd": ("GiBy.mo", HOURS_PER_MONTH)}  # fmt: skip
#: Words one of which every SKU `classify_sku` can use contains: a cheap test before parsing a record.
_MAYBE_COMPONENT = ("gpu", "instance core", "instance ram", "local storage", "local ssd", "commitment", "96gb")


def maybe_component(description: str) -> bool:
    """False for SKUs that certainly price no GPU-machine component (most of the catalog)."""
    lowered = description.lower()
    return any(word in lowered for word in _MAYBE_COMPONENT)


@dataclass(frozen=True)
class Rate:
    """One component rate in USD per unit-hour (per vCPU-hour, GiB-hour, GPU-hour, GiB-hour of SSD)."""

    kind: str
    component: str  # "core", "ram", "gpu", "slice", "ssd"
    name: str  # family for core/ram, accelerator key for gpu/slice, "" for ssd
    usd_per_hour: float
    regions: tuple[str, ...]
    effective: str
    sku_id: str


def unit_price(pricing_info: Any) -> tuple[float, str, str] | str:
    """(price per unit, usage unit, effectiveTime) of the latest pricingInfo entry's first tier, or why
    there is none."""
    if not isinstance(pricing_info, list) or not pricing_info:
        return "no pricingInfo"
    latest = max(pricing_info, key=lambda info: str(info.get("effectiveTime", "")) if isinstance(info, dict) else "")
    expression = latest.get("pricingExpression") if isinstance(latest, dict) else None
    if not isinstance(expression, dict):
        return "no pricingExpression"
    tiers = expression.get("tieredRates")
    if not isinstance(tiers, list) or not tiers:
        return "no tieredRates"
    tier = min(tiers, key=lambda t: float(t.get("startUsageAmount", 0) or 0) if isinstance(t, dict) else math.inf)
    price = tier.get("unitPrice") if isinstance(tier, dict) else None
    if not isinstance(price, dict):  # the client reads a missing unitPrice as 0: it must stay missing
        return "tier without unitPrice"
    try:
        value = int(price.get("units", 0) or 0) + int(price.get("nanos", 0) or 0) / 1e9
    except (TypeError, ValueError):
        return "malformed unitPrice"
    if price.get("currencyCode", "USD") != "USD":
        return f"currency {price.get('currencyCode')!r}"
    if not math.isfinite(value) or value <= 0:
        return "zero price"
    return value, str(expression.get("usageUnit", "")), str(latest.get("effectiveTime", ""))


def classify_sku(sku: Mapping[str, Any]) -> Rate | str:
    """One SKU (REST JSON, camelCase) -> a Rate, or the reason it is left out (a string, counted)."""
    description = sku.get("description")
    category = sku.get("category")
    regions = sku.get("serviceRegions")
    if not isinstance(description, str) or not isinstance(category, dict) or not isinstance(regions, list):
        return "malformed SKU"
    if category.get("resourceFamily") not in (None, "Compute", "Storage"):
        return "not compute or storage"
    kind = USAGE_KINDS.get(str(category.get("usageType")))
    if kind is None:
        return f"usage type {category.get('usageType')!r}"
    if _NOT_LIST.search(description):
        return "not a list price (reserved, sole-tenant, custom, premium, DWS)"
    if kind == "on_demand" and re.search(r"\bpreemptible\b", description, re.I):
        kind = "spot"
    component = _component(description)
    if component is None:
        return "not a GPU-machine component"
    price = unit_price(sku.get("pricingInfo"))
    if isinstance(price, str):
        return price
    value, unit, effective = price
    expected, hours = _UNITS[component[0]]
    if unit != expected:
        return f"unit {unit!r} for {component[0]}"
    return Rate(
        kind, component[0], component[1], value / hours, tuple(map(str, regions)), effective, str(sku.get("skuId", ""))
    )


def _component(description: str) -> tuple[str, str] | None:
    if _SLICE.search(description):
        return "slice", "b200"
    for pattern, key in GPU_SKU_PATTERNS:
        if pattern.search(description):
            return "gpu", key
    bare = _PREFIX.sub("", description)
    match = _FAMILY.match(bare)
    if match:
        family = match["family"]
        family = "N1" if family.lower().startswith("n1") else family
        return ("ram" if match["part"].lower() == "ram" else "core"), {"a3plus": "A3Plus", "a3 ultra": "A3 Ultra"}.get(
            family.lower(), family.upper()
        )
    n1_commit = _N1_COMMIT.match(bare) if description.lower().startswith("commitment") else None
    if n1_commit:
        return ("core" if n1_commit["part"].lower() == "cpu" else "ram"), "N1"
    if _SSD.match(bare):
        return "ssd", ""
    return None


RateKey = tuple[str, str, str, str]  # region, kind, component, name


def rate_table(rates: Iterable[Rate], skipped: Counter[str]) -> dict[RateKey, Rate]:
    """One rate per (region, kind, component, name), whatever the order of the SKUs (module doc)."""
    best: dict[RateKey, Rate] = {}
    for rate in rates:
        for region in rate.regions:
            key = (region, rate.kind, rate.component, rate.name)
            current = best.get(key)
            if current is not None:
                skipped["duplicate SKU for one component (kept the most specific, latest)"] += 1
                if _rank(rate) <= _rank(current):
                    continue
            best[key] = rate
    return best


def _rank(rate: Rate) -> tuple[int, str, float]:
    return (-len(rate.regions), rate.effective, -rate.usd_per_hour)


@dataclass(frozen=True)
class MachinePrice:
    usd_per_hour: float
    detail: str


def machine_price(shape: MachineShape, region: str, kind: str, rates: Mapping[RateKey, Rate]) -> MachinePrice | str:
    """The hourly price of `shape` in `region` for `kind`, composed from its components; or the missing
    component (a string). A GPU "slice" SKU, where one exists, prices the whole machine per GPU."""
    slice_rate = rates.get((region, kind, "slice", shape.accelerator))
    if slice_rate is not None:
        return MachinePrice(shape.gpu_count * slice_rate.usd_per_hour, f"{shape.gpu_count} x B200 slice SKU")
    parts = [("gpu", shape.accelerator, shape.gpu_count), ("core", shape.family, shape.vcpus),
             ("ram", shape.family, shape.memory_gib)]  # fmt: skip
    if shape.bundled_ssd_gib:
        parts.append(("ssd", "", shape.bundled_ssd_gib))
    total = 0.0
    for component, name, quantity in parts:
        rate = rates.get((region, kind, component, name))
        if rate is None:
            return f"no {kind} {component} SKU for {name or 'local SSD'}"
        total += quantity * rate.usd_per_hour
    detail = f"{shape.gpu_count} GPU + {shape.vcpus} vCPU + {shape.memory_gib:g} GiB"
    if shape.bundled_ssd_gib:
        detail += f" + {shape.bundled_ssd_gib:g} GiB local SSD (/730 h)"
    return MachinePrice(total, detail + " SKUs")
