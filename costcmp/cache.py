"""Where price snapshots live, how they are loaded, and how a refresh commits one without ever losing data.

Two places hold a snapshot, each an `offers.csv` (the schema's columns) plus a `meta.json`:

* the *shipped* snapshot, read-only, inside the installed package (``costcmp/pricing_cache``; in a
  source checkout, ``pricing_cache/`` at the repository root);
* the *user cache*, written by ``costcmp refresh``: ``--cache-dir``, else ``$COSTCMP_CACHE_DIR``, else
  the platform's user cache directory (platformdirs).

The user cache is versioned: each commit writes a new ``snapshot-*`` directory holding both files,
then replaces the one-line pointer file ``current`` with ``os.replace`` — the single atomic step, so a
kill at any moment leaves the previous snapshot or the new one, never half of either. Commits take an
exclusive lock (``fcntl.flock`` on ``.lock``) and merge into the latest committed state under it, so
two refreshes at once keep each other's rows. A user cache that cannot be read never blocks anything:
reading commands fall back to the shipped snapshot with one warning naming the broken file, and a
refresh rebuilds from the shipped snapshot plus what it fetched, and says so. What a cache directory
may hold, and what costcmp may delete in it, is `costcmp.cache_dir`'s business.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costcmp import cache_dir
from costcmp.atomic import atomic_write_bytes
from costcmp.cache_dir import (
    LOCK_FILE,
    META_FILE,
    OFFERS_FILE,
    POINTER_FILE,
    VERSION_NAME,
    VERSION_PREFIX,
    read_regular,
)
from costcmp.errors import CacheError, SchemaError, StaleDataWarning, shown

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LOCK_FILE", "META_FILE", "OFFERS_FILE", "POINTER_FILE", "VERSION_PREFIX"]  # re-exported
#: Committed versions kept besides the current one (a reader may still be reading the previous one).
KEEP_VERSIONS = 2
#: 2 added the `spot_interruption` column; format-1 files are still read (the column empty).
FORMAT_VERSION = 2
READABLE_FORMATS = (1, 2)
STALE_AFTER_DAYS = 30
CACHE_DIR_ENV = "COSTCMP_CACHE_DIR"

log = logging.getLogger(__name__)


class CacheFallbackWarning(UserWarning):
    """The user cache could not be read; the shipped snapshot was used instead (the message says why)."""


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
    if cache_dir is not None and not (isinstance(cache_dir, str) and not cache_dir):
        from costcmp.arguments import path

        return path(cache_dir, "cache_dir")
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("costcmp", appauthor=False))


def read_meta(directory: Path) -> dict[str, Any]:
    path = directory / META_FILE
    try:
        meta = json.loads(read_regular(path, cache_dir.MAX_META_BYTES))
    except FileNotFoundError:
        raise CacheError(f"{path}: missing (every snapshot has an {OFFERS_FILE} and a {META_FILE})") from None
    except OSError as exc:
        raise CacheError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise CacheError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("generated_at"), str):
        raise CacheError(f"{path}: not a costcmp snapshot metadata file (no 'generated_at')")
    if meta.get("format") not in READABLE_FORMATS:
        raise CacheError(
            f"{path}: snapshot format {shown(meta.get('format'))}; this costcmp reads formats "
            f"{', '.join(map(str, READABLE_FORMATS))}"
        )
    return meta


def read_offers(path: Path, expected_sha256: str | None = None, *, trusted: bool = False) -> pd.DataFrame:
    """Read one offers CSV; errors name the file, the line and the field.

    A `trusted` file (the shipped snapshot) whose SHA-256 matches its metadata is read straight into the
    schema's dtypes: it was validated when it was built and is tested. Anything else is validated."""
    import io

    import pandas as pd

    from costcmp.schema import SCHEMA_COLUMNS, coerce, read_dtypes

    try:
        raw = read_regular(path, cache_dir.MAX_OFFERS_BYTES)
    except OSError as exc:
        raise CacheError(f"{path}: cannot read ({exc.strerror or exc})") from None
    digest_ok = expected_sha256 is not None and hashlib.sha256(raw).hexdigest() == expected_sha256
    if expected_sha256 and not digest_ok:
        raise CacheError(f"{path}: does not match its {META_FILE} (an interrupted write or a hand edit)")
    if trusted and digest_ok:
        df = pd.read_csv(io.BytesIO(raw), dtype=read_dtypes(), keep_default_na=False, na_values=[""])
        if list(df.columns) == list(SCHEMA_COLUMNS):
            for name in ("gpu", "detail", "spot_interruption"):
                df[name] = df[name].fillna("")
            return df
    try:
        df = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, na_values=[""])
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise SchemaError(str(path), f"not a readable CSV ({' '.join(str(exc).split())[:200]})") from None
    return coerce(df, str(path))


def load_directory(directory: Path, origin: str) -> Snapshot:
    meta = read_meta(directory)
    offers = read_offers(directory / OFFERS_FILE, meta.get("offers_sha256"), trusted=origin == "shipped")
    log.debug("loaded %d offers from %s (%s)", len(offers), directory, origin)
    return Snapshot(offers=offers, meta=meta, path=directory, origin=origin)


def _current_version(directory: Path) -> Path | None:
    """The committed snapshot directory of a user cache (the pointer's target, or a flat older layout);
    None when the cache holds nothing. CacheError when the pointer itself is unusable."""
    pointer = directory / POINTER_FILE
    try:
        name = read_regular(pointer, cache_dir.MAX_POINTER_BYTES).decode("utf-8").strip()
    except FileNotFoundError:
        try:
            flat = (directory / META_FILE).exists() or (directory / OFFERS_FILE).exists()
        except OSError as exc:  # an unreadable or odd directory
            raise CacheError(f"{directory}: cannot read ({exc.strerror or exc})") from None
        return directory if flat else None
    except NotADirectoryError:
        raise CacheError(f"{directory}: not a directory") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CacheError(f"{pointer}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    if not VERSION_NAME.match(name) or not (directory / name).is_dir():
        raise CacheError(f"{pointer}: names no snapshot of this cache ({shown(name)})")
    return directory / name


def load_user_cache(directory: Path) -> Snapshot | None:
    """The user cache's committed snapshot (validated), None if it holds none; CacheError/SchemaError if
    it cannot be used."""
    version = _current_version(directory)
    return None if version is None else load_directory(version, "user")


def load_snapshot(cache_dir: str | os.PathLike[str] | None = None) -> Snapshot:
    """The freshest usable snapshot: the user cache if present, readable and newer, else the shipped one.

    Emits a `StaleDataWarning` per provider whose newest price is older than STALE_AFTER_DAYS, and a
    `CacheFallbackWarning` when a broken user cache was passed over (also in `Snapshot.warnings`)."""
    snapshot = _freshest_snapshot(cache_dir)
    for line in staleness_warnings(snapshot.offers):
        warnings.warn(line, StaleDataWarning, stacklevel=3)
    for line in snapshot.warnings:
        warnings.warn(line, CacheFallbackWarning, stacklevel=3)
    return snapshot


def _freshest_snapshot(cache_dir: str | os.PathLike[str] | None) -> Snapshot:
    shipped_path = shipped_dir()
    user = user_cache_dir(cache_dir)
    if os.path.realpath(user) == os.path.realpath(shipped_path):  # realpath: a symlink loop is no error
        return load_directory(shipped_path, "shipped")
    try:
        mine = load_user_cache(user)
    except (CacheError, SchemaError) as exc:
        shipped = load_directory(shipped_path, "shipped")
        shipped.warnings.append(
            f"ignoring the user cache: {exc}; using the shipped snapshot (`costcmp refresh` rebuilds it)"
        )
        log.debug("user cache %s unusable: %s", user, exc)
        return shipped
    if mine is None:
        return load_directory(shipped_path, "shipped")
    shipped_meta = read_meta(shipped_path)
    if mine.meta["generated_at"] >= shipped_meta["generated_at"]:
        return mine
    shipped = load_directory(shipped_path, "shipped")
    shipped.warnings.append(f"the user cache {user} is older than the shipped snapshot; using the shipped one")
    return shipped


def offers_csv_bytes(offers: pd.DataFrame) -> bytes:
    """The canonical CSV form of an offer table (schema columns in order, NaN as empty)."""
    from costcmp.schema import SCHEMA_COLUMNS

    return offers.loc[:, list(SCHEMA_COLUMNS)].to_csv(index=False, lineterminator="\n").encode("utf-8")


def _snapshot_files(offers: pd.DataFrame, meta: dict[str, Any], origin: str) -> tuple[bytes, bytes]:
    """Validated CSV bytes and the meta JSON (with the format and the CSV's SHA-256) for a snapshot."""
    from costcmp.schema import validate

    validate(offers.reset_index(drop=True), origin)
    data = offers_csv_bytes(offers)
    full_meta = {**meta, "format": FORMAT_VERSION, "offers_sha256": hashlib.sha256(data).hexdigest()}
    return data, (json.dumps(full_meta, indent=2, sort_keys=True) + "\n").encode()


def write_snapshot(directory: Path, offers: pd.DataFrame, meta: dict[str, Any]) -> None:
    """Write a flat snapshot (`offers.csv` + `meta.json`), as the shipped one is built. Each file is
    replaced atomically; for the user cache use `commit`, which replaces both in one step."""
    data, meta_bytes = _snapshot_files(offers, meta, f"offers to be written to {directory}")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(directory / OFFERS_FILE, data, through_devices=False)
        atomic_write_bytes(directory / META_FILE, meta_bytes, through_devices=False)
    except OSError as exc:
        raise CacheError(f"cannot write the cache in {directory}: {exc.strerror or exc}") from None


def ensure_writable(directory: Path) -> None:
    """Fail now, before any fetching, if `directory` cannot hold a cache (read-only, full, not a dir)."""
    import tempfile

    cache_dir.claim(directory)
    try:
        with tempfile.TemporaryFile(dir=directory) as probe:
            probe.write(b"costcmp")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        raise CacheError(f"cannot write the cache in {directory}: {exc.strerror or exc}") from None


class _Lock:
    """An exclusive advisory lock on `<cache>/.lock` (fcntl.flock; released when the process dies)."""

    def __init__(self, directory: Path, on_wait: Callable[[str], None] | None) -> None:
        self.path = directory / LOCK_FILE
        self.on_wait = on_wait
        self.fd = -1

    def __enter__(self) -> _Lock:
        import fcntl

        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)  # less the umask
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if self.on_wait:
                self.on_wait(f"waiting for another costcmp refresh to finish writing {self.path.parent}")
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)  # closing the descriptor releases the lock


def commit(
    directory: Path,
    merge: Callable[[Snapshot, list[str]], tuple[pd.DataFrame, dict[str, Any]]],
    *,
    on_wait: Callable[[str], None] | None = None,
) -> list[str]:
    """Commit a new user-cache snapshot: under the lock, read the latest committed state (the shipped
    snapshot if the cache is empty or unreadable), let `merge(base, notes)` build the new table and meta
    from it, write them to a new version directory and switch the pointer. Returns notes for the user
    (e.g. that a broken cache was rebuilt). Nothing is changed if `merge` or the write fails."""
    cache_dir.claim(directory)
    try:
        with _Lock(directory, on_wait):
            if (directory / POINTER_FILE).is_dir() and not (directory / POINTER_FILE).is_symlink():
                raise CacheError(
                    f"{directory / POINTER_FILE} is a directory that costcmp did not make; move it out of the cache"
                )
            notes: list[str] = []
            base = _base_for_commit(directory, notes)
            offers, meta = merge(base, notes)
            data, meta_bytes = _snapshot_files(offers, meta, f"offers to be written to {directory}")
            stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
            version = directory / f"{VERSION_PREFIX}{stamp}-{os.getpid()}"
            version.mkdir()
            atomic_write_bytes(version / OFFERS_FILE, data, through_devices=False)
            atomic_write_bytes(version / META_FILE, meta_bytes, through_devices=False)
            pointer = directory / POINTER_FILE
            atomic_write_bytes(pointer, (version.name + "\n").encode(), through_devices=False)
            cache_dir.prune(directory, version, KEEP_VERSIONS)
            return notes
    except OSError as exc:
        raise CacheError(f"cannot write the cache in {directory}: {exc.strerror or exc}") from None


def _base_for_commit(directory: Path, notes: list[str]) -> Snapshot:
    try:
        mine = load_user_cache(directory)
    except (CacheError, SchemaError) as exc:
        notes.append(f"the user cache was unreadable ({exc}); rebuilt from the shipped snapshot plus what was fetched")
        return load_directory(shipped_dir(), "shipped")
    shipped = load_directory(shipped_dir(), "shipped")
    if mine is None or mine.meta["generated_at"] < shipped.meta["generated_at"]:
        return shipped
    return mine


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
