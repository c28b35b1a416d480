"""Querying the offer table: filters, sorting and derived price-performance columns (pure functions)."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from costcmp import arguments
from costcmp.errors import InvalidParameterError, UnknownNameError, shown
from costcmp.hardware import SPECS, resolve_gpu
from costcmp.providers import PROVIDERS
from costcmp.schema import PRICING_KINDS

if TYPE_CHECKING:
    import pandas as pd

#: Columns computed from the schema and the hardware table; written after the schema columns.
DERIVED_COLUMNS: tuple[str, ...] = ("peak_pflops_16bit", "usd_per_pflop_hour")


def split_names(values: str | Iterable[str] | None, param: str = "name") -> list[str]:
    """Accept repeated options and comma-separated lists alike: ["a,b", "c"] -> ["a", "b", "c"].

    An empty name ("", "a,,b") is refused: it would otherwise silently mean "no filter"."""
    names = []
    for value in arguments.names(values, param):
        parts = [part.strip() for part in str(value).split(",")]
        if not all(parts):
            raise InvalidParameterError(param, f"has an empty name in {shown(str(value))}")
        names.extend(parts)
    return names


def _resolve(kind: str, values: Iterable[str], choices: Sequence[str], param: str) -> list[str]:
    lookup = {c.lower(): c for c in choices}
    resolved = []
    for value in values:
        match = lookup.get(value.strip().lower().replace("-", "_") if kind == "pricing kind" else value.lower())
        if match is None:
            raise UnknownNameError(kind, value, choices, param=param)
        resolved.append(match)
    return resolved


def resolve_providers(values: str | Iterable[str] | None) -> list[str]:
    return _resolve("provider", split_names(values, "provider"), PROVIDERS, "provider")


def resolve_pricing(values: str | Iterable[str] | None) -> list[str]:
    return _resolve("pricing kind", split_names(values, "pricing"), PRICING_KINDS, "pricing")


def resolve_gpus(values: str | Iterable[str] | None) -> list[str]:
    return [resolve_gpu(v) for v in split_names(values, "gpu")]


def filter_offers(
    offers: pd.DataFrame,
    *,
    gpu: str | Iterable[str] | None = None,
    provider: str | Iterable[str] | None = None,
    region: str | Iterable[str] | None = None,
    pricing: str | Iterable[str] | None = None,
    min_gpus: int | None = None,
    min_gpu_memory: float | None = None,
    include_cpu: bool = False,
) -> pd.DataFrame:
    """Rows of `offers` matching every given filter. Names are validated against the valid choices.

    `offers` is checked at the door against the schema (`costcmp.schema.offer_table`: an unknown
    provider, a missing column, a price that is not > 0 is refused naming `offers`); the rows returned
    are the caller's, with any extra columns. `min_gpu_memory` is GiB per GPU. CPU-only rows are dropped
    unless `include_cpu`.
    """
    from costcmp.schema import offer_table

    offer_table(offers, "offers")
    return select_offers(
        offers.reset_index(drop=True),
        gpu=gpu,
        provider=provider,
        region=region,
        pricing=pricing,
        min_gpus=min_gpus,
        min_gpu_memory=min_gpu_memory,
        include_cpu=include_cpu,
    )


def select_offers(
    offers: pd.DataFrame,
    *,
    gpu: str | Iterable[str] | None = None,
    provider: str | Iterable[str] | None = None,
    region: str | Iterable[str] | None = None,
    pricing: str | Iterable[str] | None = None,
    min_gpus: int | None = None,
    min_gpu_memory: float | None = None,
    include_cpu: bool = False,
) -> pd.DataFrame:
    """`filter_offers` on a table already checked (the snapshot, or one `offer_table` passed): the
    library's own calls, which must not pay for the check twice."""
    mask = offers["gpu_count"] >= 0 if arguments.boolean(include_cpu, "include_cpu") else offers["gpu_count"] > 0
    gpus = resolve_gpus(gpu)
    if gpus:
        mask &= offers["gpu"].isin(gpus)
    providers = resolve_providers(provider)
    if providers:
        mask &= offers["provider"].isin(providers)
    regions = split_names(region, "region")
    if regions:
        scope = offers[offers["provider"].isin(providers)] if providers else offers
        known = sorted(set(scope["region"].astype("object")))
        _resolve("region", regions, known, "region")
        mask &= offers["region"].isin([r.lower() for r in regions])
    kinds = resolve_pricing(pricing)
    if kinds:
        mask &= offers["pricing"].isin(kinds)
    if min_gpus is not None:
        mask &= offers["gpu_count"] >= arguments.whole(min_gpus, "min_gpus", 0)
    if min_gpu_memory is not None:
        memory = arguments.real(min_gpu_memory, "min_gpu_memory", 0.0, math.inf, open_high=True)
        mask &= offers["gpu_memory_gb"] >= memory
    return offers[mask].reset_index(drop=True)


def with_derived(offers: pd.DataFrame) -> pd.DataFrame:
    """Add price-performance columns after the schema columns.

    peak_pflops_16bit: the instance's dense 16-bit tensor peak in PFLOP/s (BF16; FP16 where the GPU
    has no BF16). usd_per_pflop_hour: USD per peak PFLOP-hour = usd_per_hour / peak_pflops_16bit.
    """
    out = offers.copy()
    per_gpu_tflops = out["gpu"].map(lambda g: SPECS[g].half_precision_tflops if g in SPECS else float("nan"))
    out["peak_pflops_16bit"] = per_gpu_tflops.astype("float64") * out["gpu_count"] / 1000.0
    out["usd_per_pflop_hour"] = out["usd_per_hour"] / out["peak_pflops_16bit"]
    return out


def with_reserved_estimates(offers: pd.DataFrame, discounts: dict[str, float]) -> pd.DataFrame:
    """`offers` plus reserved rows estimated from on-demand (rate x (1 - discount)) for each pricing kind
    in `discounts` where the data has no real rate of that kind. Column `estimate` marks them."""
    import pandas as pd

    discounts = arguments.commit_discounts(discounts)
    base = offers.copy()
    base["estimate"] = False
    derived = []
    on_demand = base[base["pricing"] == "on_demand"]
    key = ["provider", "region", "instance_type"]
    for kind, discount in sorted(discounts.items()):
        have = base.loc[base["pricing"] == kind, key]
        rows = on_demand.merge(have, on=key, how="left", indicator=True)
        rows = rows[rows["_merge"] == "left_only"].drop(columns="_merge")
        rows["pricing"] = kind
        rows["usd_per_hour"] = rows["usd_per_hour"] * (1 - discount)
        rows["usd_per_gpu_hour"] = rows["usd_per_gpu_hour"] * (1 - discount)
        rows["estimate"] = True
        rows["detail"] = f"estimate: on-demand -{discount:.0%}"
        derived.append(rows)
    return pd.concat([base, *derived], ignore_index=True) if derived else base.reset_index(drop=True)


def sort_offers(
    offers: pd.DataFrame, by: str = "usd_per_gpu_hour", *, descending: bool = False, limit: int | None = None
) -> pd.DataFrame:
    """Sort by one column (missing values last, ties broken by provider/region/type) and cut to `limit`."""
    if by not in offers.columns:
        raise UnknownNameError("sort column", by, list(offers.columns), param="sort")
    if limit is not None and limit < 1:
        raise InvalidParameterError("limit", f"must be >= 1 (got {limit})")
    keys = [by] + [k for k in ("provider", "region", "instance_type", "pricing") if k != by]
    ascending = [not descending] + [True] * (len(keys) - 1)
    out = offers.sort_values(keys, ascending=ascending, na_position="last", kind="stable")
    return out.head(limit).reset_index(drop=True) if limit else out.reset_index(drop=True)


def load_offers(
    *,
    gpu: str | Iterable[str] | None = None,
    provider: str | Iterable[str] | None = None,
    region: str | Iterable[str] | None = None,
    pricing: str | Iterable[str] | None = None,
    min_gpus: int | None = None,
    min_gpu_memory: float | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """The offer table (schema columns), from the freshest snapshot, filtered as asked.

    Example: ``costcmp.load_offers(gpu="H100", pricing="on_demand")``.
    """
    from costcmp.cache import load_snapshot

    snapshot = load_snapshot(cache_dir)
    return select_offers(
        snapshot.offers,
        gpu=gpu,
        provider=provider,
        region=region,
        pricing=pricing,
        min_gpus=min_gpus,
        min_gpu_memory=min_gpu_memory,
    )
