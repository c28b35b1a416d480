"""Writing files so that a failure (a full disk, a kill, Ctrl-C) never leaves a partial file behind.

Data goes to a temporary file in the target's directory, is flushed to disk, and then replaces the
target with one `os.replace`: readers see the old file or the new one, never half of one. A device or
FIFO (`/dev/stdout`, `/dev/null`, a named pipe) is written in place: there is no file to replace, and a
rename would put a regular file where the device was.

Permissions are those of a file the usual way: a new file gets 0666 less the process umask (the
temporary file's private 0600 is widened before the rename), a replaced file keeps its mode.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TextIO, cast


def _is_special(path: Path) -> bool:
    """An existing path that is not a regular file: it must be written in place, never replaced."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except FileNotFoundError:
        return False


def current_umask() -> int:
    """The process umask, read without changing it (Linux: /proc; elsewhere set and restored at once)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """The permission bits `path` gets: its own if it exists, else 0666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~current_umask()


@contextmanager
def _atomic_handle(path: Path, binary: bool, *, through_devices: bool = True) -> Iterator[IO[str] | IO[bytes]]:
    kwargs = {} if binary else {"encoding": "utf-8", "newline": ""}
    mode = "wb" if binary else "w"
    if through_devices and _is_special(path):
        with open(path, mode, **kwargs) as direct:  # type: ignore[call-overload]
            yield direct
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **kwargs) as handle:  # type: ignore[call-overload]
            os.fchmod(handle.fileno(), _mode_for(path))
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_text(path: Path) -> Iterator[TextIO]:
    """A text handle (UTF-8, no newline translation) whose content becomes `path` only on success."""
    with _atomic_handle(path, binary=False) as handle:
        yield cast(TextIO, handle)


def atomic_write_bytes(path: Path, data: bytes, *, through_devices: bool = True) -> None:
    """Write `data` to `path` atomically. With `through_devices` False, a device, FIFO or symlink at
    `path` is replaced like a file, never written through (the cache's own files)."""
    with _atomic_handle(path, binary=True, through_devices=through_devices) as handle:
        handle.write(data)  # type: ignore[arg-type]
