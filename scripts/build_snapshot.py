"""Build the shipped snapshot (pricing_cache/) from the hand-checked fact tables in snapshot_facts/.

    python scripts/build_snapshot.py            # rewrite pricing_cache/offers.csv and meta.json
    python scripts/build_snapshot.py --check    # exit 1 if the shipped files differ from a fresh build

snapshot_facts/instances.csv  one row per instance type: GPU, counts, memory, network, and their source
snapshot_facts/prices.csv     one row per provider x region x instance type x pricing kind, with a source key
snapshot_facts/sources.json   source key -> as_of date, how that date was established, and the citation

Prices are published list prices copied as facts; derived or unconfirmed figures are left out.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

from costcmp import cache
from costcmp.schema import SCHEMA_COLUMNS, coerce, with_gpu_hour_price

ROOT = Path(__file__).resolve().parent.parent
FACTS = Path(__file__).resolve().parent / "snapshot_facts"
# The day this snapshot was assembled: a user cache generated later takes precedence over it.
ASSEMBLED_AT = "2026-11-22T00:00:00Z"


def build(facts: Path = FACTS) -> tuple[pd.DataFrame, dict]:
    instances = pd.read_csv(facts / "instances.csv")
    prices = pd.read_csv(facts / "prices.csv", keep_default_na=False, na_values=[""])
    sources = json.loads((facts / "sources.json").read_text())
    unknown_sources = set(prices["source_key"]) - set(sources)
    if unknown_sources:
        raise SystemExit(f"prices.csv names unknown source keys: {sorted(unknown_sources)}")
    merged = prices.merge(instances, on=["provider", "instance_type"], how="left", validate="many_to_one")
    orphans = merged[merged["gpu_count"].isna()]
    if not orphans.empty:
        raise SystemExit(
            f"prices.csv names instance types missing from instances.csv: {sorted(set(orphans['instance_type']))}"
        )
    merged["spot_interruption"] = _spot_bands(facts, merged, sources)
    merged["as_of"] = merged["source_key"].map(lambda k: sources[k]["as_of"])
    merged["source"] = merged["source_key"].map(lambda k: sources[k]["source"])
    merged["detail"] = merged["detail"].fillna("")
    merged["usd_per_gpu_hour"] = float("nan")
    offers = with_gpu_hour_price(merged.loc[:, list(SCHEMA_COLUMNS)])
    offers = offers.sort_values(["provider", "instance_type", "region", "pricing"], kind="stable")
    offers = coerce(offers.reset_index(drop=True), "snapshot build")
    meta = {
        "generated_at": ASSEMBLED_AT,
        "origin": "shipped snapshot assembled from published price files (see sources)",
        "providers": {
            provider: {
                "rows": len(group),
                "as_of_oldest": str(group["as_of"].min()),
                "as_of_newest": str(group["as_of"].max()),
                "sources": {
                    key: sources[key]
                    for key in sorted(
                        set(prices.loc[prices["provider"] == provider, "source_key"])
                        | _band_sources(facts, str(provider))
                    )
                },
            }
            for provider, group in offers.groupby("provider")
        },
    }
    return offers, meta


def _spot_bands(facts: Path, merged: pd.DataFrame, sources: dict) -> pd.Series:
    """The published interruption band of each spot row (snapshot_facts/spot_bands.csv), "" elsewhere."""
    path = facts / "spot_bands.csv"
    if not path.exists():
        return pd.Series("", index=merged.index)
    bands = pd.read_csv(path, keep_default_na=False)
    unknown = set(bands["source_key"]) - set(sources)
    if unknown:
        raise SystemExit(f"spot_bands.csv names unknown source keys: {sorted(unknown)}")
    key = ["provider", "region", "instance_type"]
    joined = merged[key].merge(bands[[*key, "band"]], on=key, how="left", validate="many_to_one")
    band = joined["band"].fillna("").where(merged["pricing"].to_numpy() == "spot", "")
    return pd.Series(band.to_numpy(), index=merged.index)


def _band_sources(facts: Path, provider: str) -> set[str]:
    path = facts / "spot_bands.csv"
    if not path.exists():
        return set()
    bands = pd.read_csv(path, keep_default_na=False)
    return set(bands.loc[bands["provider"] == provider, "source_key"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the shipped files instead of writing")
    parser.add_argument("--out", type=Path, default=ROOT / "pricing_cache")
    args = parser.parse_args(argv)
    offers, meta = build()
    if args.check:
        shipped = cache.load_directory(args.out, "shipped")
        same = cache.offers_csv_bytes(offers) == cache.offers_csv_bytes(shipped.offers)
        same = same and {k: v for k, v in shipped.meta.items() if k not in ("format", "offers_sha256")} == meta
        print("shipped snapshot is up to date" if same else "shipped snapshot differs from a fresh build")
        return 0 if same else 1
    cache.write_snapshot(args.out, offers, meta)
    regions = offers["region"].nunique()
    print(f"wrote {len(offers)} offers in {regions} regions to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
