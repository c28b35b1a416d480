"""costcmp deletes and replaces only what it wrote; it reads only regular files from a cache.

The data-loss cases plant a user's files where the code writes or removes things and check them byte for
byte afterwards."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from costcmp import cache, cache_dir
from costcmp.cli import main
from costcmp.errors import CacheError
from costcmp.schema import coerce
from tests.conftest import make_offer

NOT_OURS = "is not a costcmp cache; choose an empty or new directory"


def tree(root: Path) -> dict[str, tuple[str, bytes | str | None, int]]:
    """Every entry under `root`: kind, content (bytes of a file, target of a link) and mode."""
    out: dict[str, tuple[str, bytes | str | None, int]] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        rel = str(path.relative_to(root))
        if path.is_symlink():
            out[rel] = ("link", os.readlink(path), info.st_mode)
        elif path.is_dir():
            out[rel] = ("dir", None, info.st_mode)
        else:
            out[rel] = ("file", path.read_bytes(), info.st_mode)
    return out


def rows(price: float) -> pd.DataFrame:
    return coerce(pd.DataFrame([make_offer(usd_per_hour=price, usd_per_gpu_hour=price / 8)]), "test")


def commit_rows(directory: Path, price: float) -> list[str]:
    return cache.commit(directory, lambda base, notes: (rows(price), {"generated_at": "2099-01-01T00:00:00Z"}))


@pytest.fixture
def users_folder(tmp_path: Path) -> Path:
    """A folder holding the user's own files under every name the cache code ever writes or removes."""
    folder = tmp_path / "project"
    (folder / "current").mkdir(parents=True)
    (folder / "current" / "notes.txt").write_bytes(b"my notes\n")
    (folder / "snapshot-2019-photos").mkdir()
    (folder / "snapshot-2019-photos" / "beach.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    (folder / "snapshot-20240101T000000000000Z-1").mkdir()
    (folder / "snapshot-20240101T000000000000Z-1" / "offers.csv").write_bytes(b"mine,too\n")
    (folder / "offers.csv").write_bytes(b"vendor,price\nacme,3\n")
    (folder / "meta.json").write_bytes(b'{"mine": true}\n')
    (folder / ".lock").write_bytes(b"my lock file\n")
    return folder


def test_refresh_refuses_a_folder_that_is_not_a_cache_and_touches_nothing(
    users_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = tree(users_folder)
    code = main(["refresh", "--provider", "aws", "--cache-dir", str(users_folder)])
    err = capsys.readouterr().err
    assert code == 2 and NOT_OURS in err and len(err.strip().splitlines()) == 1
    assert tree(users_folder) == before


def test_the_environment_variable_is_refused_the_same_way(
    users_folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COSTCMP_CACHE_DIR", str(users_folder))
    before = tree(users_folder)
    assert main(["refresh", "--provider", "azure"]) == 2
    assert NOT_OURS in capsys.readouterr().err
    assert tree(users_folder) == before


@pytest.mark.parametrize("planted", ["offers.csv", "current", "snapshot-2019-photos", "notes.md", ".hidden"])
def test_any_one_foreign_entry_makes_a_folder_not_a_cache(tmp_path: Path, planted: str) -> None:
    """`--cache-dir .` in a project folder: one file of the user's is enough to refuse."""
    folder = tmp_path / "proj"
    folder.mkdir()
    (folder / planted).write_bytes(b"user data \x00\x01")
    before = tree(folder)
    with pytest.raises(CacheError, match=NOT_OURS):
        commit_rows(folder, 50.0)
    with pytest.raises(CacheError, match=NOT_OURS):
        cache.ensure_writable(folder)
    assert tree(folder) == before


def test_a_new_or_empty_folder_becomes_a_marked_cache(tmp_path: Path) -> None:
    for folder in (tmp_path / "new" / "deeper", tmp_path / "empty"):
        if folder.name == "empty":
            folder.mkdir()
        commit_rows(folder, 50.0)
        marker = (folder / cache_dir.MARKER_FILE).read_text()
        assert marker.startswith("Signature: 8a477f597d28d172789f06886806bc55") and "costcmp" in marker
        assert cache.load_snapshot(folder).origin == "user"


@pytest.mark.parametrize(
    "plant",
    [
        # a file of the user's inside an old version that pruning would remove
        lambda d, old: (old / "my-extra.txt").write_bytes(b"keep me"),
        # a folder that merely looks like a version
        lambda d, old: ((d / "snapshot-2019-photos").mkdir(), (d / "snapshot-2019-photos" / "a.jpg").write_bytes(b"x")),
        # flat-layout names with the user's own contents (no metadata proving costcmp wrote them)
        lambda d, old: ((d / "offers.csv").write_bytes(b"my,own\n"), (d / "meta.json").write_bytes(b"{}")),
        lambda d, old: (d / "offers.csv").write_bytes(b"my,own\n"),
    ],
)
def test_pruning_a_marked_cache_removes_only_what_costcmp_wrote(isolated_env: Path, plant) -> None:  # type: ignore[no-untyped-def]
    for price in (50.0, 40.0, 30.0):
        commit_rows(isolated_env, price)
    oldest = sorted(p for p in isolated_env.iterdir() if cache_dir.VERSION_NAME.match(p.name))[0]
    plant(isolated_env, oldest)
    planted = {k: v for k, v in tree(isolated_env).items() if not cache_dir.VERSION_NAME.match(k.split("/")[0])}
    planted.update({k: v for k, v in tree(isolated_env).items() if k.endswith("my-extra.txt")})
    for price in (20.0, 10.0):
        commit_rows(isolated_env, price)
    after = tree(isolated_env)
    for name, entry in planted.items():
        if name not in (cache.POINTER_FILE, cache_dir.MARKER_FILE, cache.LOCK_FILE):
            assert after[name] == entry, name
    assert cache.load_snapshot(isolated_env).offers.loc[0, "usd_per_hour"] == 10.0


def test_old_versions_holding_only_snapshot_files_are_pruned(isolated_env: Path) -> None:
    for price in (50.0, 40.0, 30.0, 20.0, 10.0):
        commit_rows(isolated_env, price)
    versions = [p for p in isolated_env.iterdir() if cache_dir.VERSION_NAME.match(p.name)]
    assert len(versions) == 1 + cache.KEEP_VERSIONS


def test_a_directory_named_current_is_never_removed(isolated_env: Path) -> None:
    commit_rows(isolated_env, 50.0)
    pointer = isolated_env / cache.POINTER_FILE
    pointer.unlink()
    pointer.mkdir()
    (pointer / "thesis.tex").write_bytes(b"\\documentclass{article}")
    before = tree(isolated_env)
    with pytest.warns(cache.CacheFallbackWarning):
        assert cache.load_snapshot(isolated_env).origin == "shipped"
    with pytest.raises(CacheError, match="costcmp did not make"):
        commit_rows(isolated_env, 40.0)
    assert {k: v for k, v in tree(isolated_env).items() if not k.startswith(".")} == {
        k: v for k, v in before.items() if not k.startswith(".")
    }


def test_a_cache_of_an_earlier_costcmp_is_adopted(isolated_env: Path) -> None:
    """Caches written before the marker existed: the versioned layout and the flat one."""
    commit_rows(isolated_env, 50.0)
    (isolated_env / cache_dir.MARKER_FILE).unlink()
    commit_rows(isolated_env, 40.0)
    assert (isolated_env / cache_dir.MARKER_FILE).is_file()
    flat = isolated_env.parent / "flat"
    cache.write_snapshot(flat, rows(30.0), {"generated_at": "2099-01-01T00:00:00Z"})
    commit_rows(flat, 20.0)
    assert not (flat / cache.OFFERS_FILE).exists()  # costcmp's own flat snapshot, replaced by a version
    assert cache.load_snapshot(flat).offers.loc[0, "usd_per_hour"] == 20.0


def test_a_hand_edited_flat_cache_is_not_adopted(tmp_path: Path) -> None:
    flat = tmp_path / "flat"
    cache.write_snapshot(flat, rows(30.0), {"generated_at": "2099-01-01T00:00:00Z"})
    path = flat / cache.OFFERS_FILE
    path.write_text(path.read_text().replace("30.0", "3.0"))
    before = tree(flat)
    with pytest.raises(CacheError, match=NOT_OURS):
        commit_rows(flat, 20.0)
    assert tree(flat) == before


@pytest.fixture
def no_hang() -> Iterator[None]:
    """Fail instead of hanging if a read blocks (a FIFO) or never ends (/dev/zero)."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("blocked reading the cache")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def _link(target: str):  # type: ignore[no-untyped-def]
    def make(path: Path) -> None:
        path.unlink(missing_ok=True)
        path.symlink_to(target)

    return make


def _loop(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(path.name)


@pytest.mark.parametrize(
    "damage", [_fifo, _link("/dev/zero"), _loop, _link("/dev/null")], ids=["fifo", "zero", "loop", "null"]
)
@pytest.mark.parametrize("where", ["pointer", "meta", "offers"])
def test_only_regular_files_are_read_from_a_cache(isolated_env: Path, no_hang: None, damage, where: str) -> None:  # type: ignore[no-untyped-def]
    commit_rows(isolated_env, 50.0)
    version = cache._current_version(isolated_env)
    assert version is not None
    target = {"pointer": isolated_env / cache.POINTER_FILE, "meta": version / cache.META_FILE}.get(
        where, version / cache.OFFERS_FILE
    )
    damage(target)
    with pytest.warns(cache.CacheFallbackWarning) as caught:
        snapshot = cache.load_snapshot(isolated_env)
    assert snapshot.origin == "shipped" and len(snapshot.warnings) == 1
    assert len([w for w in caught if w.category is cache.CacheFallbackWarning]) == 1
    notes = commit_rows(isolated_env, 40.0)  # a refresh rebuilds, replacing the damage, never writing through it
    assert notes and cache.load_snapshot(isolated_env).offers.loc[0, "usd_per_hour"] == 40.0


def test_a_cache_directory_that_is_a_symlink_loop_falls_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to("loop")
    with pytest.warns(cache.CacheFallbackWarning):
        assert cache.load_snapshot(loop).origin == "shipped"
    assert main(["prices", "--gpu", "H100", "--cache-dir", str(loop), "--format", "csv"]) == 0
    err = capsys.readouterr().err
    assert "internal error" not in err and len([line for line in err.splitlines() if "user cache" in line]) == 1


def test_an_oversized_cache_file_is_refused_unread(isolated_env: Path) -> None:
    commit_rows(isolated_env, 50.0)
    version = cache._current_version(isolated_env)
    assert version is not None
    os.truncate(version / cache.OFFERS_FILE, cache_dir.MAX_OFFERS_BYTES + 1)  # sparse: no disk used
    with pytest.warns(cache.CacheFallbackWarning, match="more than a cache file holds"):
        assert cache.load_snapshot(isolated_env).origin == "shipped"


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_cache_files_honour_the_umask(isolated_env: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        commit_rows(isolated_env, 50.0)
    finally:
        os.umask(previous)
    version = cache._current_version(isolated_env)
    assert version is not None
    for path in (isolated_env / cache.POINTER_FILE, version / cache.OFFERS_FILE, version / cache.META_FILE):
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path
    assert version.stat().st_mode & 0o777 == 0o777 & ~umask
