"""The offer table: one row per provider × region × instance type × pricing kind.

This is the one contract between the pricing adapters, the cache and everything downstream.
Units are in the column names; the meaning of each column is in `COLUMNS`.

Reserved kinds (`reserved_1y`, `reserved_3y`) carry the *effective* hourly rate over the whole
term: AWS rows are the standard offering class, "No Upfront" purchase option where offered (else
Partial Upfront, else All Upfront; `detail` names it), hourly fee + upfront fee / hours in the term;
Azure rows are the Reservation price for the term divided by the hours in it. Unknown prices are
absent rows, never 0.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from costcmp.errors import SchemaError, shown
from costcmp.hardware import CANONICAL_GPUS
from costcmp.providers import PROVIDERS

if TYPE_CHECKING:
    import pandas as pd

PRICING_KINDS: tuple[str, ...] = ("on_demand", "spot", "reserved_1y", "reserved_3y")

#: column -> (pandas dtype, meaning). Order is the CSV column order.
COLUMNS: dict[str, tuple[str, str]] = {
    "provider": ("string", "cloud provider: one of PROVIDERS"),
    "region": ("string", "the provider's region code (us-east-1, eastus)"),
    "instance_type": ("string", "the provider's instance type / VM size name"),
    "gpu": ("string", "canonical GPU name (see costcmp.hardware); empty for CPU-only offers"),
    "gpu_count": ("int64", "GPUs per instance (0 for CPU-only offers)"),
    "gpu_memory_gb": ("float64", "memory per GPU in GiB, as the provider reports it"),
    "vcpus": ("Int64", "vCPUs per instance (missing when not sourced)"),
    "memory_gb": ("float64", "host memory per instance in GiB (NaN when not sourced)"),
    "network_gbps": (
        "float64",
        "scale-out network per instance in Gbit/s: EFA/InfiniBand where the "
        "instance has it, else the baseline Ethernet figure (NaN when not sourced)",
    ),
    "pricing": ("string", "pricing kind: one of PRICING_KINDS"),
    "usd_per_hour": ("float64", "USD per instance-hour (effective hourly over the term for reserved)"),
    "usd_per_gpu_hour": ("float64", "usd_per_hour / gpu_count (NaN for CPU-only offers)"),
    "spot_interruption": (
        "string",
        "spot rows: the provider's published frequency-of-interruption band (one of SPOT_BANDS); empty where "
        "the provider publishes none",
    ),
    "as_of": ("string", "ISO date (YYYY-MM-DD) on which the price was read or is known to be current"),
    "source": ("string", "where the price came from (API, or a published file and its date)"),
    "detail": ("string", "free text: how the figure was derived (e.g. lowest of 3 zone spot prices)"),
}
SCHEMA_COLUMNS: tuple[str, ...] = tuple(COLUMNS)
KEY_COLUMNS: tuple[str, ...] = ("provider", "region", "instance_type", "pricing")
#: AWS Spot Instance Advisor's bands of the share of capacity reclaimed in the trailing month.
SPOT_BANDS: tuple[str, ...] = ("<5%", "5-10%", "10-15%", "15-20%", ">20%")
#: Text columns where missing means "none" and is stored as "".
_EMPTY_AS_BLANK = ("gpu", "detail", "spot_interruption")

#: Bounds no real offer comes near; a value beyond them is a broken file or feed, refused where it
#: enters (a $1e308 rate would overflow every sum after it). The largest instances today: 8-16 GPUs,
#: 72 in a GB200 NVL72 rack, about $100-$200 per hour on demand.
MAX_USD_PER_HOUR = 100_000.0
MAX_GPUS_PER_INSTANCE = 1024
MAX_GPU_MEMORY_GB = 16_384.0
LIMITS: dict[str, float] = {
    "vcpus": 100_000,
    "memory_gb": 1_000_000.0,
    "network_gbps": 1_000_000.0,
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_dtypes() -> dict[str, Any]:
    """The schema's dtypes as `pandas.read_csv` takes them."""
    import pandas as pd

    return {name: (pd.StringDtype() if dtype == "string" else dtype) for name, (dtype, _) in COLUMNS.items()}


def empty_offers() -> pd.DataFrame:
    """An offer table with no rows and the schema's columns and dtypes."""
    import pandas as pd

    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, (dtype, _) in COLUMNS.items()})


def coerce(df: pd.DataFrame, origin: str, *, first_line: int = 2) -> pd.DataFrame:
    """Return `df` with the schema's columns, in order, and dtypes; raise SchemaError on the first bad cell.

    `first_line` is the line number of the first data row in `origin` (2 for a CSV with a header),
    so errors point at the right line of the file.
    """
    import pandas as pd

    if "spot_interruption" not in df.columns:  # format-1 files predate the column: no band published
        df = df.assign(spot_interruption="")
    missing = [c for c in SCHEMA_COLUMNS if c not in df.columns]
    if missing:
        raise SchemaError(origin, f"missing column(s): {', '.join(missing)}")
    out = df.loc[:, list(SCHEMA_COLUMNS)].copy()
    out.index = pd.RangeIndex(len(out))
    for name, (dtype, _) in COLUMNS.items():
        col = out[name]
        if dtype == "string":
            out[name] = col.astype("string").fillna("") if name in _EMPTY_AS_BLANK else col.astype("string")
            continue
        numeric = pd.to_numeric(col, errors="coerce")
        bad = numeric.isna() & col.notna() & (col.astype("string").str.strip() != "")
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise SchemaError(origin, f"not a number: {shown(col.iloc[i])}", line=i + first_line, field=name)
        if dtype == "int64":
            if numeric.isna().any():
                i = int(numeric.isna().to_numpy().nonzero()[0][0])
                raise SchemaError(origin, "missing value", line=i + first_line, field=name)
            if (numeric != numeric.round()).any():
                i = int((numeric != numeric.round()).to_numpy().nonzero()[0][0])
                raise SchemaError(origin, f"not a whole number: {shown(col.iloc[i])}", line=i + first_line, field=name)
            out[name] = numeric.astype("int64")
        elif dtype == "Int64":
            if (numeric.notna() & (numeric != numeric.round())).any():
                i = int((numeric.notna() & (numeric != numeric.round())).to_numpy().nonzero()[0][0])
                raise SchemaError(origin, f"not a whole number: {shown(col.iloc[i])}", line=i + first_line, field=name)
            out[name] = numeric.round().astype("Int64")
        else:
            out[name] = numeric.astype("float64")
    validate(out, origin, first_line=first_line)
    return out


def offer_table(value: object, param: str = "offers") -> pd.DataFrame:
    """An offer table handed to a public function (`plan(offers=...)`), checked at the door: a DataFrame
    with the schema's columns, in its dtypes (converted if need be) and obeying its rules. Returns the
    schema's columns; `SchemaError` naming `param`, the row (counted from 0) and the field otherwise."""
    from costcmp.arguments import frame

    df = frame(value, param, ())
    origin = f"{param} (a DataFrame; rows counted from 0)"
    dtypes = read_dtypes()
    try:
        if all(c in df.columns and str(df[c].dtype) == str(dtypes[c]) for c in SCHEMA_COLUMNS):
            table = df.loc[:, list(SCHEMA_COLUMNS)]
            validate(table, origin, first_line=0)
            return table
        return coerce(df, origin, first_line=0)
    except SchemaError as exc:
        exc.param = param
        raise


def validate(df: pd.DataFrame, origin: str, *, first_line: int = 2, today: date | None = None) -> None:
    """Check the rules every offer table obeys; raise SchemaError naming origin, line and field.

    Rules: known provider, pricing kind and GPU name; GPU offers have a GPU name and count;
    prices present, finite and > 0; usd_per_gpu_hour consistent with usd_per_hour / gpu_count;
    as_of a real ISO date not in the future; a source on every row; no duplicate keys.
    """
    import numpy as np
    import pandas as pd

    def fail(mask: pd.Series, field: str, message: str) -> None:
        if mask.any():
            i = int(mask.to_numpy().nonzero()[0][0])
            value = df[field].iloc[i]
            value = value.item() if hasattr(value, "item") else value  # 5.0, not np.float64(5.0)
            raise SchemaError(origin, f"{message} (got {shown(value)})", line=i + first_line, field=field)

    missing = [c for c in SCHEMA_COLUMNS if c not in df.columns]
    if missing:
        raise SchemaError(origin, f"missing column(s): {', '.join(missing)}")
    fail(~df["provider"].isin(PROVIDERS), "provider", f"unknown provider; valid: {', '.join(PROVIDERS)}")
    fail(
        ~df["pricing"].isin(PRICING_KINDS),
        "pricing",
        f"unknown pricing kind; valid: {', '.join(PRICING_KINDS)}",
    )
    for name in ("region", "instance_type", "source"):
        fail(df[name].isna() | (df[name].astype("string").str.strip() == ""), name, "empty")
    gpu_count = df["gpu_count"]
    fail(gpu_count < 0, "gpu_count", "negative GPU count")
    has_gpu = gpu_count > 0
    fail(has_gpu & ~df["gpu"].isin(CANONICAL_GPUS), "gpu", "not a canonical GPU name")
    fail(~has_gpu & (df["gpu"] != ""), "gpu", "a GPU name on a row with gpu_count 0")
    fail(has_gpu & ~(df["gpu_memory_gb"] > 0), "gpu_memory_gb", "GPU memory must be > 0")
    fail(df["gpu_memory_gb"] > MAX_GPU_MEMORY_GB, "gpu_memory_gb", f"more than {MAX_GPU_MEMORY_GB:,.0f} GiB per GPU")
    fail(gpu_count > MAX_GPUS_PER_INSTANCE, "gpu_count", f"more than {MAX_GPUS_PER_INSTANCE:,} GPUs in one instance")
    price = df["usd_per_hour"]
    fail(price.isna(), "usd_per_hour", "missing price (an unknown price is an absent row, never a blank)")
    fail(~np.isfinite(price) | (price <= 0), "usd_per_hour", "price must be a finite number > 0")
    fail(price > MAX_USD_PER_HOUR, "usd_per_hour", f"price above ${MAX_USD_PER_HOUR:,.0f} per instance-hour")
    per_gpu = df["usd_per_gpu_hour"]
    with np.errstate(all="ignore"):  # the values are bounded above; this is only the consistency test
        expected = price / gpu_count.where(has_gpu)
        consistent = np.isclose(per_gpu, expected, rtol=1e-6, atol=1e-9)
    fail(has_gpu & ~consistent, "usd_per_gpu_hour", "must equal usd_per_hour / gpu_count")
    fail(~has_gpu & per_gpu.notna(), "usd_per_gpu_hour", "must be empty on a CPU-only row")
    band = df["spot_interruption"].astype("string").fillna("")
    fail(~band.isin(("", *SPOT_BANDS)), "spot_interruption", f"not a band; valid: {', '.join(SPOT_BANDS)}")
    fail((band != "") & (df["pricing"] != "spot"), "spot_interruption", "a band on a row that is not spot")
    for name, most in LIMITS.items():
        fail(df[name].notna() & (df[name] <= 0), name, "must be > 0 when present")
        fail(df[name].notna() & ~(df[name] <= most), name, f"must be at most {most:,} (or absent)")
    as_of = df["as_of"].astype("string")
    fail(as_of.isna() | ~as_of.fillna("").str.match(_DATE), "as_of", "not an ISO date YYYY-MM-DD")
    parsed = pd.to_datetime(as_of, format="%Y-%m-%d", errors="coerce")
    fail(parsed.isna(), "as_of", "not a real date")
    limit = pd.Timestamp(today or date.today()) + pd.Timedelta(days=1)
    fail(parsed > limit, "as_of", "date is in the future")
    dup = df.duplicated(subset=list(KEY_COLUMNS), keep="first")
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        key = ", ".join(f"{k}={df[k].iloc[i]}" for k in KEY_COLUMNS)
        raise SchemaError(origin, f"duplicate offer ({key})", line=i + first_line, field="instance_type")


def with_gpu_hour_price(df: pd.DataFrame) -> pd.DataFrame:
    """Fill `usd_per_gpu_hour` from `usd_per_hour` and `gpu_count` (NaN for CPU-only rows): the one place
    this derived column is computed for rows from an adapter. Text that is no number gives NaN here
    and is refused, with its line, by `coerce`."""
    import pandas as pd

    out = df.copy()
    count = pd.to_numeric(out["gpu_count"], errors="coerce")
    out["usd_per_gpu_hour"] = pd.to_numeric(out["usd_per_hour"], errors="coerce") / count.where(count > 0)
    return out
