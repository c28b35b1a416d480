"""Add Google Cloud rows to snapshot_facts/ from Cyclenerd's published price table.

    python scripts/gcp_snapshot_facts.py pricing.yml   # then: python scripts/build_snapshot.py

pricing.yml is Cyclenerd/google-cloud-pricing-cost-calculator's file at @fd66b26f (generated
2026-07-30 from the Cloud Billing Catalog API; `git show fd66b26f:pricing.yml`). Its machine totals
are the same composition costcmp's adapter does (GPU + vCPU + RAM SKUs + bundled local SSD / 730 h);
costcmp's own composition reproduces them (tests/test_pricing_gcp.py). Kinds: `hour` -> on_demand,
`hour_spot` -> spot, `month_1y` / `month_3y` / 730 -> reserved_1y / reserved_3y. A spot figure under
5% of on-demand is left out (the rule the AWS snapshot uses), as are missing or zero figures.
Cyclenerd prices every region whose component SKUs exist, which is not where a machine is sold (its
A3 High spot rows sit at Google's 91%-off floor in regions with no A3 zone). So A2 and A3 rows are kept
only in the regions where skypilot-catalog v8 (@006059e0, built from Compute `machineTypes.list` per
zone) lists the machine type: snapshot_facts/gcp_availability.csv. G2 takes the 18 regions v8 lists for
each g2 type read (g2-standard-4, -8, -24, -32, -48: the same set). G4 is not in v8; its rows say that
availability was not checked.
Machine facts (instances.csv) come from costcmp.pricing.gcp_machines, whose vCPU/RAM/GPU/SSD counts
are checked against pricing.yml's here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import yaml

from costcmp.pricing.gcp_machines import HOURS_PER_MONTH, MACHINES

FACTS = Path(__file__).resolve().parent / "snapshot_facts"
SOURCE_KEY = "gcp-cyclenerd-2026-07-30"
_GPU_KEYS = {
    "a100": "a100",
    "a100-80gb": "a100-80gb",
    "h100-80gb": "h100",
    "h100-80gb-mega": "h100-mega",
    "l4": "l4",
    "rtx6000": "rtx-pro-6000",
}
DETAIL = "Cyclenerd pricing.yml (GPU + vCPU + RAM SKUs + bundled local SSD)"
UNCHECKED = "; availability in the region not checked"


def offered_regions(facts: Path = FACTS) -> dict[str, set[str]]:
    """Machine type -> regions with a zone that offers it (skypilot-catalog v8), for the types listed."""
    table = pd.read_csv(facts / "gcp_availability.csv")
    return {name: set(group["region"]) for name, group in table.groupby("instance_type")}


def rows_from(table: dict, offered: dict[str, set[str]]) -> tuple[list[dict], list[dict]]:
    prices, instances = [], []
    for name, shape in MACHINES.items():
        record = table.get(name)
        if record is None:
            continue
        gpus = {_GPU_KEYS[k]: v for k, v in record.items() if k in _GPU_KEYS}
        published = (record["cpu"], record["ram"], gpus, record.get("local-ssd", 0))
        declared = (shape.vcpus, shape.memory_gib, {shape.accelerator: shape.gpu_count}, shape.bundled_ssd_gib)
        if published != declared:
            raise SystemExit(f"{name}: pricing.yml says {published}, gcp_machines says {declared}")
        instances.append(
            {
                "provider": "gcp",
                "instance_type": name,
                "gpu": shape.gpu,
                "gpu_count": shape.gpu_count,
                "gpu_memory_gb": shape.gpu_memory_gb,
                "vcpus": shape.vcpus,
                "memory_gb": shape.memory_gib,
                "network_gbps": shape.network_gbps,
                "facts_source": "Google GPU machine types page (2026-08-26); "
                "counts checked against Cyclenerd pricing.yml @fd66b26f",
            }
        )
        for region, cost in sorted(record["cost"].items()):
            if name in offered and region not in offered[name]:
                continue
            figures = {
                "on_demand": cost.get("hour"),
                "spot": cost.get("hour_spot"),
                "reserved_1y": (cost.get("month_1y") or 0) / HOURS_PER_MONTH,
                "reserved_3y": (cost.get("month_3y") or 0) / HOURS_PER_MONTH,
            }
            on_demand = figures["on_demand"] or 0
            for kind, value in figures.items():
                if not value or value <= 0 or (kind == "spot" and value < 0.05 * on_demand):
                    continue
                if kind.startswith("reserved") and on_demand and value >= on_demand:
                    continue  # Cyclenerd falls back to the on-demand month when no commitment SKU exists
                detail = DETAIL + ("; committed use, month / 730 h" if kind.startswith("reserved") else "")
                detail += "" if name in offered else UNCHECKED
                prices.append(
                    {
                        "provider": "gcp",
                        "region": region,
                        "instance_type": name,
                        "pricing": kind,
                        "usd_per_hour": round(value, 6),
                        "source_key": SOURCE_KEY,
                        "detail": detail,
                    }
                )
    return prices, instances


def main(argv: list[str]) -> int:
    table = yaml.safe_load(Path(argv[0]).read_text())["compute"]["instance"]
    prices, instances = rows_from(table, offered_regions())
    for name, rows in (("prices.csv", prices), ("instances.csv", instances)):
        path = FACTS / name
        existing = pd.read_csv(path, keep_default_na=False, dtype=str)
        kept = existing[existing["provider"] != "gcp"]
        fresh = pd.DataFrame(rows).astype(str).replace({"None": "", "nan": ""})
        pd.concat([kept, fresh], ignore_index=True).to_csv(path, index=False, lineterminator="\n")
        print(f"{name}: {len(fresh)} gcp rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
