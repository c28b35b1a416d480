"""Pure parsing of AWS pricing and EC2 answers into offer rows (no I/O; see aws.py for the fetching).

Reserved rows are the *standard* offering class with the *No Upfront* purchase option where AWS offers
it (else Partial Upfront, else All Upfront; the option is named in `detail`), as the effective hourly
rate over the term: hourly fee + upfront fee / (years x 8760).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from costcmp.hardware import SPECS, resolve_gpu
from costcmp.units import HOURS_PER_YEAR

PURCHASE_OPTION_PREFERENCE = ("No Upfront", "Partial Upfront", "All Upfront")
TERM_KIND = {"1yr": ("reserved_1y", 1), "3yr": ("reserved_3y", 3)}
SOURCE = "AWS Price List Query API (get_products) and EC2 DescribeInstanceTypes"
SPOT_SOURCE = "AWS EC2 DescribeSpotPriceHistory (Linux/UNIX)"

# Quirks of the EC2 API's GPU names, as seen in DescribeInstanceTypes output (moto 5.2.5's copy of it,
# and the skypilot-catalog GpuInfo column, 2025): the name alone does not tell memory variants apart.
#: (GpuInfo.Gpus[].Name lowercased, MemoryInfo.SizeInMiB) -> canonical GPU.
GPU_BY_NAME_AND_MEMORY: dict[tuple[str, int], str] = {
    ("v100", 16384): "V100",
    ("v100", 32768): "V100-32GB",  # p3dn.24xlarge
    ("a100", 40960): "A100",
    ("a100", 81920): "A100-80GB",  # p4de.24xlarge reports "A100" with 80 GiB
    ("h100", 81920): "H100",
    ("h200", 144384): "H200",
    ("b200", 183359): "B200",
    ("b300", 275040): "B300",  # p6-b300 (Karpenter instance-types table, 2026-07)
    ("rtx-pro-server-6000", 98304): "RTX-PRO-6000",  # g7e
    ("t4", 16384): "T4",
    ("a10g", 22888): "A10G",
    ("l4", 22888): "L4",
    ("l40s", 45776): "L40S",
}
#: Instance families whose GPU the API names vaguely (p5en's GpuInfo has been seen as just "NVIDIA"),
#: and the fallback when DescribeInstanceTypes has no entry for a priced type.
GPU_BY_FAMILY: dict[str, str] = {
    "p3": "V100", "p3dn": "V100-32GB", "p4d": "A100", "p4de": "A100-80GB", "p5": "H100", "p5e": "H200",
    "p5en": "H200", "p6-b200": "B200", "g4dn": "T4", "g5": "A10G", "g6": "L4", "g6e": "L40S",
    "p6-b300": "B300", "p6e-gb200": "GB200", "g7e": "RTX-PRO-6000",
}  # fmt: skip


class MalformedItemError(ValueError):
    """A Price List item that is not the shape the API documents."""


#: The Price List product attribute that tells an on-demand product from a Capacity Block one; both share
#: every other filter costcmp sends (seen on p5/p5e/p5en/p4d, 2025-2026: a $0 "CapacityBlock" product
#: beside the "OnDemand" one). Only "OnDemand" products are priced.
ON_DEMAND_MARKET = "OnDemand"
#: Spot history older than this is not from the real API, which keeps 90 days (DescribeSpotPriceHistory
#: docs); the answer to a query may include the last change before its start time, so a few days' age
#: is normal.
SPOT_MAX_AGE_DAYS = 90
#: A spot price below this share of the on-demand rate is implausible: AWS advertises savings of "up to
#: 90%" (EC2 Spot page), so 5% leaves room and still catches placeholder or corrupt prices.
SPOT_FLOOR_SHARE_OF_ON_DEMAND = 0.05


@dataclass
class ProductPrices:
    """What one Price List product says about one instance type in one region."""

    instance_type: str
    region: str
    attributes: dict[str, str]
    on_demand: float | None = None
    reserved: dict[str, tuple[float, str]] = field(default_factory=dict)  # kind -> (usd/hour, purchase option)
    skipped: Counter[str] = field(default_factory=Counter)


def _usd(dimension: dict[str, Any]) -> float:
    return float(dimension["pricePerUnit"]["USD"])


def parse_price_item(raw: str | bytes | dict[str, Any]) -> ProductPrices:
    """One `PriceList` entry (a JSON *string* in the real API) -> on-demand and reserved hourly rates.

    Zero-rate lines (capacity blocks, placeholders) are skipped and counted, never stored.
    """
    try:
        item = json.loads(raw) if isinstance(raw, (str, bytes)) else raw
        attributes = item["product"]["attributes"]
        instance_type = attributes["instanceType"]
        region = attributes["regionCode"]
        terms = item.get("terms") or {}
    except (ValueError, KeyError, TypeError) as exc:
        raise MalformedItemError(f"not a Price List product ({type(exc).__name__}: {exc})") from None
    product = ProductPrices(instance_type, region, dict(attributes))
    try:
        for term in (terms.get("OnDemand") or {}).values():
            for dim in term["priceDimensions"].values():
                if dim.get("unit") != "Hrs":
                    continue
                price = _usd(dim)
                if price <= 0:
                    product.skipped["zero on-demand rate (placeholder; not stored)"] += 1
                elif product.on_demand is None:
                    product.on_demand = price
        options: dict[str, dict[str, float]] = {}
        for term in (terms.get("Reserved") or {}).values():
            attrs = term.get("termAttributes") or {}
            if attrs.get("OfferingClass") != "standard" or attrs.get("LeaseContractLength") not in TERM_KIND:
                continue
            kind, years = TERM_KIND[attrs["LeaseContractLength"]]
            dims = list(term["priceDimensions"].values())
            hourly = sum(_usd(d) for d in dims if d.get("unit") == "Hrs")
            upfront = sum(_usd(d) for d in dims if d.get("unit") == "Quantity")
            effective = hourly + upfront / (years * HOURS_PER_YEAR)
            if effective <= 0:
                product.skipped["zero reserved rate"] += 1
                continue
            options.setdefault(kind, {})[attrs.get("PurchaseOption", "")] = effective
        for kind, by_option in options.items():
            for option in PURCHASE_OPTION_PREFERENCE:
                if option in by_option:
                    product.reserved[kind] = (by_option[option], option)
                    break
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedItemError(f"{instance_type}: malformed price terms ({type(exc).__name__}: {exc})") from None
    return product


def parse_network_gbps(performance: str | None, cards: Iterable[dict[str, Any]] = ()) -> float:
    """The instance's scale-out bandwidth in Gbit/s.

    The rule: the instance's own `NetworkInfo.NetworkPerformance` figure ("3200 Gigabit" -> 3200,
    "4x 100 Gigabit" -> 400). The per-card figures are not added up: real answers repeat the instance
    figure on each card (g6e.48xlarge: 4 cards of "400 Gigabit" for a 400 Gigabit instance) or split it
    unevenly (p6-b200.48xlarge: 8 x 200 for 3,200). Only where the instance figure is missing or a burst
    ("Up to 25 Gigabit") do the cards' sustained `BaselineBandwidthInGbps` give the figure; with neither,
    NaN (unknown, never 0).
    """
    text = (performance or "").strip()
    match = re.fullmatch(r"(?:(\d+)\s*x\s*)?(\d+(?:\.\d+)?)\s*Gigabit", text, re.IGNORECASE)
    if match:
        return float(match.group(1) or 1) * float(match.group(2))
    baselines = [float(c["BaselineBandwidthInGbps"]) for c in cards if c.get("BaselineBandwidthInGbps")]
    return sum(baselines) if baselines else math.nan


def canonical_gpu(instance_type: str, name: str | None, memory_mib: int | None) -> str | None:
    """The canonical GPU of an instance type from its GpuInfo, with the declared quirks; None if unknown."""
    family = instance_type.split(".")[0]
    if name and memory_mib and (name.strip().lower(), int(memory_mib)) in GPU_BY_NAME_AND_MEMORY:
        return GPU_BY_NAME_AND_MEMORY[(name.strip().lower(), int(memory_mib))]
    if name and name.strip().lower() not in ("nvidia", "amd", ""):
        try:
            gpu = resolve_gpu(name)
        except ValueError:
            gpu = None
        if gpu and (not memory_mib or abs(SPECS[gpu].memory_gb * 1024 - memory_mib) / memory_mib < 0.1):
            return gpu
    return GPU_BY_FAMILY.get(family)


def instance_facts(instance_types: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """DescribeInstanceTypes entries -> {type: gpu name, count, GiB per GPU, vCPUs, GiB, Gbit/s}."""
    facts = {}
    for entry in instance_types:
        gpus = (entry.get("GpuInfo") or {}).get("Gpus") or []
        first = gpus[0] if gpus else {}
        memory_mib = (first.get("MemoryInfo") or {}).get("SizeInMiB")
        network = entry.get("NetworkInfo") or {}
        facts[entry["InstanceType"]] = {
            "gpu": canonical_gpu(entry["InstanceType"], first.get("Name"), memory_mib),
            "gpu_name": first.get("Name"),
            "gpu_partition": float(first.get("GpuPartitionSize") or 1.0),
            "gpu_count": sum(int(g.get("Count", 0)) for g in gpus),
            "gpu_memory_gb": memory_mib / 1024 if memory_mib else math.nan,
            "vcpus": (entry.get("VCpuInfo") or {}).get("DefaultVCpus"),
            "memory_gb": (entry.get("MemoryInfo") or {}).get("SizeInMiB", math.nan) / 1024,
            "network_gbps": parse_network_gbps(network.get("NetworkPerformance"), network.get("NetworkCards") or ()),
        }
    return facts


def _standard_zone(region: str, zone: str) -> bool:
    """us-east-1a is a standard zone; us-east-1-atl-2a (a Local Zone) is not."""
    return re.fullmatch(re.escape(region) + r"[a-z]", zone) is not None


def latest_spot_by_zone(
    history: Iterable[dict[str, Any]], now: datetime, skipped: Counter[str] | None = None
) -> dict[tuple[str, str], float]:
    """(instance type, zone) -> the most recent spot price in the history.

    Entries dated more than SPOT_MAX_AGE_DAYS before `now` (the API keeps 90 days), in the future, or
    with a price that is not a positive number are dropped and counted in `skipped`."""
    skipped = skipped if skipped is not None else Counter()
    oldest = now - timedelta(days=SPOT_MAX_AGE_DAYS)
    latest: dict[tuple[str, str], tuple[Any, float]] = {}
    for entry in history:
        key = (entry["InstanceType"], entry["AvailabilityZone"])
        stamp = entry["Timestamp"]
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        if stamp < oldest or stamp > now + timedelta(hours=1):
            skipped[f"spot price dated {stamp:%Y-%m-%d}, outside the API's 90-day history (left out)"] += 1
            continue
        try:
            price = float(entry["SpotPrice"])
        except (TypeError, ValueError):
            price = math.nan
        if not (math.isfinite(price) and price > 0):
            skipped["spot price not a positive number (left out)"] += 1
            continue
        if key not in latest or stamp > latest[key][0]:
            latest[key] = (stamp, price)
    return {key: price for key, (_, price) in latest.items()}


def _pricing_attr_number(text: str | None) -> float:
    match = re.match(r"\s*([0-9][0-9,.]*)", text or "")
    return float(match.group(1).replace(",", "")) if match else math.nan


def choose_products(products: Iterable[ProductPrices], skipped: Counter[str]) -> list[ProductPrices]:
    """One product per instance type, whatever the order the pages brought them in.

    Capacity Block products (`marketoption` other than "OnDemand") are counted, never priced. Among the
    rest, the product with a non-zero on-demand rate wins; a second product for the same type is
    counted as a duplicate."""
    chosen: dict[str, ProductPrices] = {}
    for product in products:
        market = product.attributes.get("marketoption", ON_DEMAND_MARKET)
        if market != ON_DEMAND_MARKET:
            skipped[f"{market} product (a capacity reservation, not an on-demand price; not stored)"] += 1
            continue
        current = chosen.get(product.instance_type)
        if current is None:
            chosen[product.instance_type] = product
            continue
        skipped["duplicate product for one instance type"] += 1
        if current.on_demand is None and product.on_demand is not None:
            chosen[product.instance_type] = product
    return [chosen[t] for t in sorted(chosen)]


def _fraction(text: str | None) -> float:
    """The Price List's `gpu` attribute as a number ("8", "0.125"); NaN when absent."""
    try:
        return float(text) if text not in (None, "", "NA") else math.nan
    except ValueError:
        return math.nan


def build_rows(
    region: str,
    products: Iterable[ProductPrices],
    facts: dict[str, dict[str, Any]],
    spot: dict[tuple[str, str], float],
    as_of: str,
    skipped: Counter[str],
) -> list[dict[str, Any]]:
    """Rows of the offer schema for one region. Anything dropped is counted in `skipped` with the reason."""
    rows: list[dict[str, Any]] = []
    for product in choose_products(products, skipped):
        skipped.update(product.skipped)
        itype = product.instance_type
        fact = facts.get(itype) or {}
        share = _fraction(product.attributes.get("gpu"))
        partition = fact.get("gpu_partition", 1.0)
        if partition < 1 or (share == share and 0 < share < 1):
            part = partition if partition < 1 else share
            skipped[f"{itype}: fractional GPU ({part:g} of a GPU per instance; costcmp prices whole GPUs)"] += 1
            continue
        gpu = fact.get("gpu") or GPU_BY_FAMILY.get(itype.split(".")[0])
        if gpu is None:
            name = fact.get("gpu_name") or product.attributes.get("gpu") or "?"
            skipped[f"{itype}: GPU model {name!r} is not one costcmp knows"] += 1
            continue
        count = fact.get("gpu_count") or _pricing_attr_number(product.attributes.get("gpu"))
        if not count or math.isnan(count):
            skipped[f"{itype}: no GPU count in either API"] += 1
            continue
        base = {
            "provider": "aws",
            "region": region,
            "instance_type": itype,
            "gpu": gpu,
            "gpu_count": int(count),
            "gpu_memory_gb": fact.get("gpu_memory_gb")
            if fact.get("gpu_memory_gb") == fact.get("gpu_memory_gb") and fact.get("gpu_memory_gb")
            else SPECS[gpu].memory_gb,
            "vcpus": fact.get("vcpus") or _pricing_attr_number(product.attributes.get("vcpu")),
            "memory_gb": fact.get("memory_gb", math.nan)
            if fact.get("memory_gb") == fact.get("memory_gb") and fact.get("memory_gb")
            else _pricing_attr_number(product.attributes.get("memory")),
            "network_gbps": fact.get("network_gbps", math.nan)
            if fact
            else parse_network_gbps(product.attributes.get("networkPerformance")),
            "as_of": as_of,
            "source": SOURCE,
        }
        if product.on_demand is None:
            skipped[f"{itype}: no non-zero on-demand rate"] += 1
        else:
            rows.append({**base, "pricing": "on_demand", "usd_per_hour": product.on_demand, "detail": ""})
        for kind, (price, option) in sorted(product.reserved.items()):
            rows.append(
                {
                    **base,
                    "pricing": kind,
                    "usd_per_hour": price,
                    "detail": f"standard, {option}, effective hourly over the term",
                }
            )
        rows.extend(_spot_row(base, product, spot, region, skipped))
    return rows


def _spot_row(
    base: dict[str, Any], product: ProductPrices, spot: dict[tuple[str, str], float], region: str, skipped: Counter[str]
) -> list[dict[str, Any]]:
    """The region's spot row for one type: the lowest standard-zone price that passes the sanity checks."""
    itype = product.instance_type
    zones = {zone: price for (t, zone), price in spot.items() if t == itype}
    local = [z for z in zones if not _standard_zone(region, z)]
    if local:
        skipped["spot price in a Local Zone (left out)"] += len(local)
    standard = {z: p for z, p in zones.items() if _standard_zone(region, z)}
    if product.on_demand is not None:
        capped = [z for z, p in standard.items() if p >= product.on_demand]
        if capped:
            skipped["spot price at or above on-demand (no discount; left out)"] += len(capped)
        floor = SPOT_FLOOR_SHARE_OF_ON_DEMAND * product.on_demand
        tiny = [z for z, p in standard.items() if p < floor]
        if tiny:
            skipped[f"spot price below {SPOT_FLOOR_SHARE_OF_ON_DEMAND:.0%} of on-demand (implausible; left out)"] += (
                len(tiny)
            )
        standard = {z: p for z, p in standard.items() if floor <= p < product.on_demand}
    if not standard:
        return []
    low, high = min(standard.values()), max(standard.values())
    detail = f"lowest of {len(standard)} zone price{'s' if len(standard) > 1 else ''}" + (
        f" ({low:g}-{high:g})" if len(standard) > 1 else ""
    )
    return [{**base, "pricing": "spot", "usd_per_hour": low, "source": SPOT_SOURCE, "detail": detail}]
