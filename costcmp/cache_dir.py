"""Owning a cache directory: costcmp writes, replaces and deletes only what it made.

A user can point `--cache-dir` (or $COSTCMP_CACHE_DIR) anywhere, a project folder or their home
included. So a directory becomes costcmp's only when costcmp creates it or finds it empty, and is then
marked with a ``CACHEDIR.TAG`` (the Cache Directory Tagging Specification, https://bford.info/cachedir/:
backup tools skip it) that names costcmp. A directory that is neither new, empty nor marked is refused
before anything is written. Inside a marked directory only names costcmp makes are removed
(`VERSION_NAME` directories holding nothing but snapshot files, its own temporary files, a flat
older-layout snapshot whose metadata proves costcmp wrote it); anything else found there is left alone.

Everything read from a cache is read by `read_regular`: regular files only (a FIFO would block, a
device never end, a directory or a symlink loop raise), with a size cap.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import stat
from pathlib import Path

from costcmp.atomic import atomic_write_bytes
from costcmp.errors import CacheError

OFFERS_FILE = "offers.csv"
META_FILE = "meta.json"
POINTER_FILE = "current"
LOCK_FILE = ".lock"
MARKER_FILE = "CACHEDIR.TAG"
VERSION_PREFIX = "snapshot-"
#: The name of a version directory costcmp makes: snapshot-<UTC time to the microsecond>Z-<pid>.
VERSION_NAME = re.compile(r"^snapshot-\d{8}T\d{12}Z-\d+$")
#: Temporary files `costcmp.atomic` leaves only when killed mid-write: .<target>.<random>.tmp
TEMP_NAME = re.compile(r"^\.(?:current|offers\.csv|meta\.json|CACHEDIR\.TAG)\.[A-Za-z0-9_]+\.tmp$")
MARKER_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
MARKER_TEXT = (
    f"{MARKER_SIGNATURE}\n"
    "# This file is a cache directory tag created by costcmp (GPU price snapshots).\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
#: Size caps for what is read from a cache: far above real files, far below what exhausts memory.
MAX_POINTER_BYTES = 4096
MAX_META_BYTES = 4 * 2**20
MAX_OFFERS_BYTES = 512 * 2**20
MAX_MARKER_BYTES = 4096
NOT_OURS = "{directory} is not a costcmp cache; choose an empty or new directory"

log = logging.getLogger(__name__)


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of `path` if it is a regular file of at most `limit` bytes; OSError otherwise (ENOENT
    when absent). Opened without blocking, so a FIFO is refused, not waited on."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise OSError(errno.EINVAL, kind, str(path))
        if info.st_size > limit:
            raise OSError(errno.EFBIG, f"{info.st_size:,} bytes, more than a cache file holds ({limit:,})", str(path))
        chunks, size = [], 0
        while chunk := os.read(fd, min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # grew while being read
                raise OSError(errno.EFBIG, f"more than a cache file holds ({limit:,} bytes)", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)


def is_marked(directory: Path) -> bool:
    """Whether `directory` carries costcmp's CACHEDIR.TAG."""
    try:
        text = read_regular(directory / MARKER_FILE, MAX_MARKER_BYTES).decode("utf-8", "replace")
    except OSError:
        return False
    return text.startswith(MARKER_SIGNATURE) and "created by costcmp" in text


def claim(directory: Path) -> None:
    """Make sure `directory` is costcmp's before anything is written there: create and mark it if new,
    mark it if empty or an unmarked cache of an earlier costcmp; CacheError (NOT_OURS) otherwise."""
    try:
        if not directory.exists():
            directory.mkdir(parents=True, exist_ok=True)
        elif not directory.is_dir():
            raise CacheError(f"{directory} is not a directory; choose an empty or new directory for the cache")
        if is_marked(directory):
            return
        if any(directory.iterdir()) and not _earlier_costcmp_cache(directory):
            raise CacheError(NOT_OURS.format(directory=directory))
        atomic_write_bytes(directory / MARKER_FILE, MARKER_TEXT.encode(), through_devices=False)
    except OSError as exc:
        raise CacheError(f"cannot write the cache in {directory}: {exc.strerror or exc}") from None


def _earlier_costcmp_cache(directory: Path) -> bool:
    """A cache written by a costcmp from before the marker: every entry one costcmp makes, with the
    contents it makes (a pointer naming one of its versions, or a flat snapshot whose metadata holds
    the SHA-256 of its offers), and nothing else."""
    entries = {p.name: p for p in directory.iterdir()}
    allowed = {POINTER_FILE, LOCK_FILE, OFFERS_FILE, META_FILE}
    if any(n not in allowed and not VERSION_NAME.match(n) and not TEMP_NAME.match(n) for n in entries):
        return False
    if any(VERSION_NAME.match(n) and not only_snapshot_files(p) for n, p in entries.items()):
        return False
    if POINTER_FILE in entries:
        try:
            name = read_regular(entries[POINTER_FILE], MAX_POINTER_BYTES).decode("utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return False
        if not (VERSION_NAME.match(name) and name in entries):
            return False
    return not (OFFERS_FILE in entries or META_FILE in entries) or flat_snapshot_is_ours(directory)


def only_snapshot_files(version: Path) -> bool:
    """Whether the directory `version` holds nothing but a snapshot's files (and costcmp's temporaries)."""
    try:
        if version.is_symlink() or not version.is_dir():
            return False
        return all(
            (p.name in (OFFERS_FILE, META_FILE) or TEMP_NAME.match(p.name)) and p.is_file() and not p.is_symlink()
            for p in version.iterdir()
        )
    except OSError:
        return False


def flat_snapshot_is_ours(directory: Path) -> bool:
    """Whether `directory`'s offers.csv and meta.json are a snapshot costcmp wrote: the metadata's
    `offers_sha256` is the SHA-256 of the offers file."""
    try:
        meta = json.loads(read_regular(directory / META_FILE, MAX_META_BYTES))
        data = read_regular(directory / OFFERS_FILE, MAX_OFFERS_BYTES)
    except (OSError, ValueError):
        return False
    return (
        isinstance(meta, dict)
        and isinstance(meta.get("generated_at"), str)
        and meta.get("offers_sha256") == hashlib.sha256(data).hexdigest()
    )


def prune(directory: Path, current: Path, keep: int) -> None:
    """In a marked `directory`: remove versions older than the `keep` newest besides `current` (only
    those holding nothing but snapshot files) and a flat older-layout snapshot that costcmp wrote.
    Everything else is left where it is."""
    if not is_marked(directory):
        return
    versions = sorted(p for p in directory.iterdir() if VERSION_NAME.match(p.name) and p != current)
    for old in versions[: max(0, len(versions) - keep)]:  # names carry their commit time: oldest first
        if only_snapshot_files(old):
            for item in old.iterdir():
                item.unlink(missing_ok=True)
            try:
                old.rmdir()
            except OSError as exc:  # something appeared meanwhile: leave it
                log.debug("kept %s: %s", old, exc)
        else:
            log.debug("kept %s: it holds files costcmp did not write", old)
    if flat_snapshot_is_ours(directory):
        for name in (OFFERS_FILE, META_FILE):
            (directory / name).unlink(missing_ok=True)
