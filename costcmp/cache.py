"""Where price snapshots live, how they are loaded, and how they are written without ever being lost.

Two places hold a snapshot, each an `offers.csv` (the schema's columns) plus a `meta.json`:

* the *shipped* snapshot, read-only, inside the installed package (``costcmp/pricing_cache``; in a
  source checkout, ``pricing_cache/`` at the repository root);
* the *user cache*, written by ``costcmp refresh``: ``--cache-dir``, else ``$COSTCMP_CACHE_DIR``, else
  the platform's user cache directory (platformdirs).

The user cache is used when it exists and was generated after the shipped snapshot. Writes go to a
temporary file that replaces the old one with ``os.replace``; ``meta.json`` records the SHA-256 of
``offers.csv`` so a half-finished write is detected instead of read.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costcmp.atomic import atomic_write_bytes
from costcmp.errors import CacheError, SchemaError, StaleDataWarning

if TYPE_CHECKING:
    import pandas as pd

OFFERS_FILE = "offers.csv"
META_FILE = "meta.json"
FORMAT_VERSION = 1
STALE_AFTER_DAYS = 30
CACHE_DIR_ENV = "COSTCMP_CACHE_DIR"

log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    """An offer table with where it came from."""

    offers: pd.DataFrame
    meta: dict[str, Any]
    path: Path
    origin: str  # "shipped" or "user"
    warnings: list[str] = field(default_factory=list)


def shipped_dir() -> Path:
    """The read-only snapshot that ships with costcmp."""
    packaged = Path(str(resources.files("costcmp"))) / "pricing_cache"
    if (packaged / OFFERS_FILE).is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "pricing_cache"
    if (checkout / OFFERS_FILE).is_file():
        return checkout
    raise CacheError("the shipped price snapshot is missing from this installation (pricing_cache/offers.csv)")


def user_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The writable cache directory: the argument, else $COSTCMP_CACHE_DIR, else the platform default."""
    if cache_dir:
        return Path(cache_dir).expanduser()
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("costcmp", appauthor=False))


def read_meta(directory: Path) -> dict[str, Any]:
    path = directory / META_FILE
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CacheError(f"{path}: missing (every snapshot has an {OFFERS_FILE} and a {META_FILE})") from None
    except (OSError, ValueError) as exc:
        raise CacheError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("generated_at"), str):
        raise CacheError(f"{path}: not a costcmp snapshot metadata file (no 'generated_at')")
    if meta.get("format") != FORMAT_VERSION:
        raise CacheError(
            f"{path}: snapshot format {meta.get('format')!r}; this costcmp reads format "
            f"{FORMAT_VERSION} (run `costcmp refresh` to rebuild the cache)"
        )
    return meta


def read_offers(path: Path, expected_sha256: str | None = None, *, trusted: bool = False) -> pd.DataFrame:
    """Read one offers CSV; errors name the file, the line and the field.

    A `trusted` file (the shipped snapshot) whose SHA-256 matches its metadata is read straight into the
    schema's dtypes: it was validated when it was built and is tested. Anything else is validated."""
    import io

    import pandas as pd

    from costcmp.schema import coerce, read_dtypes

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CacheError(f"{path}: cannot read ({exc.strerror or exc})") from None
    digest_ok = expected_sha256 is not None and hashlib.sha256(raw).hexdigest() == expected_sha256
    if expected_sha256 and not digest_ok:
        raise CacheError(
            f"{path}: does not match its {META_FILE} (an interrupted write or a hand edit); "
            "run `costcmp refresh` or delete the cache directory"
        )
    if trusted and digest_ok:
        df = pd.read_csv(io.BytesIO(raw), dtype=read_dtypes(), keep_default_na=False, na_values=[""])
        for name in ("gpu", "detail"):
            df[name] = df[name].fillna("")
        return df
    try:
        df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, na_values=[""])
    except (ValueError, pd.errors.ParserError) as exc:
        raise SchemaError(str(path), f"not a readable CSV ({exc})") from None
    return coerce(df, str(path))


def load_directory(directory: Path, origin: str) -> Snapshot:
    meta = read_meta(directory)
    offers = read_offers(directory / OFFERS_FILE, meta.get("offers_sha256"), trusted=origin == "shipped")
    log.debug("loaded %d offers from %s (%s)", len(offers), directory, origin)
    return Snapshot(offers=offers, meta=meta, path=directory, origin=origin)


def load_snapshot(cache_dir: str | os.PathLike[str] | None = None) -> Snapshot:
    """The freshest usable snapshot: the user cache if present and newer, else the shipped one.

    Emits a `StaleDataWarning` per provider whose newest price is older than STALE_AFTER_DAYS."""
    snapshot = _freshest_snapshot(cache_dir)
    for line in staleness_warnings(snapshot.offers):
        warnings.warn(line, StaleDataWarning, stacklevel=3)
    return snapshot


def _freshest_snapshot(cache_dir: str | os.PathLike[str] | None) -> Snapshot:
    shipped = shipped_dir()
    user = user_cache_dir(cache_dir)
    if (user / META_FILE).is_file() and user.resolve() != shipped.resolve():
        user_meta = read_meta(user)
        shipped_meta = read_meta(shipped)
        if user_meta["generated_at"] >= shipped_meta["generated_at"]:
            return load_directory(user, "user")
        snapshot = load_directory(shipped, "shipped")
        snapshot.warnings.append(f"the user cache {user} is older than the shipped snapshot; using the shipped one")
        return snapshot
    return load_directory(shipped, "shipped")


def offers_csv_bytes(offers: pd.DataFrame) -> bytes:
    """The canonical CSV form of an offer table (schema columns in order, NaN as empty)."""
    from costcmp.schema import SCHEMA_COLUMNS

    return offers.loc[:, list(SCHEMA_COLUMNS)].to_csv(index=False, lineterminator="\n").encode("utf-8")


def write_snapshot(directory: Path, offers: pd.DataFrame, meta: dict[str, Any]) -> None:
    """Validate, then write `offers.csv` and `meta.json` atomically (old files survive any failure)."""
    from costcmp.schema import validate

    validate(offers.reset_index(drop=True), f"offers to be written to {directory}")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        data = offers_csv_bytes(offers)
        full_meta = {**meta, "format": FORMAT_VERSION, "offers_sha256": hashlib.sha256(data).hexdigest()}
        atomic_write_bytes(directory / OFFERS_FILE, data)
        atomic_write_bytes(directory / META_FILE, (json.dumps(full_meta, indent=2, sort_keys=True) + "\n").encode())
    except OSError as exc:
        raise CacheError(f"cannot write the cache in {directory}: {exc.strerror or exc}") from None


def provider_ages(offers: pd.DataFrame, today: date | None = None) -> dict[str, tuple[str, str, int]]:
    """Per provider in `offers`: (oldest as_of, newest as_of, days since the newest)."""
    result: dict[str, tuple[str, str, int]] = {}
    today = today or date.today()
    for provider, group in offers.groupby("provider", sort=True, observed=True):
        oldest, newest = str(group["as_of"].min()), str(group["as_of"].max())
        result[str(provider)] = (oldest, newest, (today - date.fromisoformat(newest)).days)
    return result


def staleness_warnings(offers: pd.DataFrame, today: date | None = None) -> list[str]:
    """One line per provider whose newest price in `offers` is older than STALE_AFTER_DAYS."""
    return [
        f"{provider} prices are {days} days old (newest {newest}); run `costcmp refresh --provider {provider}`"
        for provider, (_, newest, days) in provider_ages(offers, today).items()
        if days > STALE_AFTER_DAYS
    ]
