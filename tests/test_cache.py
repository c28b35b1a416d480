from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from costcmp import cache
from costcmp.errors import CacheError, SchemaError
from costcmp.schema import coerce
from tests.conftest import make_offer


def user_offers() -> pd.DataFrame:
    return coerce(pd.DataFrame([make_offer(usd_per_hour=50.0, usd_per_gpu_hour=6.25, source="refresh test")]), "test")


def test_shipped_snapshot_loads_by_default(isolated_env: Path) -> None:
    snapshot = cache.load_snapshot()
    assert snapshot.origin == "shipped" and len(snapshot.offers) >= 200
    assert snapshot.meta["providers"]["aws"]["sources"]


def test_newer_user_cache_wins(isolated_env: Path) -> None:
    cache.write_snapshot(isolated_env, user_offers(), {"generated_at": "2099-01-01T00:00:00Z"})
    snapshot = cache.load_snapshot()
    assert snapshot.origin == "user" and len(snapshot.offers) == 1
    assert snapshot.offers.loc[0, "usd_per_hour"] == 50.0


def test_cache_dir_argument_beats_environment(tmp_path: Path) -> None:
    other = tmp_path / "explicit"
    cache.write_snapshot(other, user_offers(), {"generated_at": "2099-01-01T00:00:00Z"})
    assert cache.load_snapshot(other).origin == "user"
    assert cache.load_snapshot().origin == "shipped"


def test_older_user_cache_is_ignored_with_a_warning(isolated_env: Path) -> None:
    cache.write_snapshot(isolated_env, user_offers(), {"generated_at": "2000-01-01T00:00:00Z"})
    with pytest.warns(cache.CacheFallbackWarning):
        snapshot = cache.load_snapshot()
    assert snapshot.origin == "shipped"
    assert "older than the shipped snapshot" in snapshot.warnings[0]


def test_hand_edited_cache_is_detected(isolated_env: Path) -> None:
    cache.write_snapshot(isolated_env, user_offers(), {"generated_at": "2099-01-01T00:00:00Z"})
    path = isolated_env / cache.OFFERS_FILE
    path.write_text(path.read_text().replace("50.0", "5.0"))
    with pytest.raises(CacheError, match=r"does not match its meta\.json"):
        cache.load_user_cache(isolated_env)
    with pytest.warns(cache.CacheFallbackWarning, match=r"ignoring the user cache: .*offers.csv: does not match"):
        snapshot = cache.load_snapshot()
    assert snapshot.origin == "shipped" and len(snapshot.warnings) == 1


def test_bad_user_cache_row_names_file(isolated_env: Path) -> None:
    cache.write_snapshot(isolated_env, user_offers(), {"generated_at": "2099-01-01T00:00:00Z"})
    path = isolated_env / cache.OFFERS_FILE
    path.write_text(path.read_text().replace(",H100,", ",H999,"))
    meta = json.loads((isolated_env / cache.META_FILE).read_text())
    meta.pop("offers_sha256")
    (isolated_env / cache.META_FILE).write_text(json.dumps(meta))
    with pytest.raises(SchemaError, match=r"offers.csv, line 2, field 'gpu'"):
        cache.load_user_cache(isolated_env)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("not json", "not readable JSON"),
        ('{"format": 1}', "generated_at"),
        ('{"format": 99, "generated_at": "2099"}', "format 99"),
    ],
)
def test_bad_meta_is_a_clear_error(isolated_env: Path, content: str, words: str) -> None:
    isolated_env.mkdir(parents=True)
    (isolated_env / cache.META_FILE).write_text(content)
    with pytest.raises(CacheError, match=words):
        cache.load_user_cache(isolated_env)
    with pytest.warns(cache.CacheFallbackWarning, match=words):  # reading commands fall back, naming the file
        assert cache.load_snapshot().origin == "shipped"


def test_invalid_offers_are_never_written(isolated_env: Path) -> None:
    cache.write_snapshot(isolated_env, user_offers(), {"generated_at": "2099-01-01T00:00:00Z"})
    before = (isolated_env / cache.OFFERS_FILE).read_bytes()
    bad = user_offers().assign(usd_per_hour=0.0, usd_per_gpu_hour=0.0)
    with pytest.raises(SchemaError):
        cache.write_snapshot(isolated_env, bad, {"generated_at": "2099-02-01T00:00:00Z"})
    assert (isolated_env / cache.OFFERS_FILE).read_bytes() == before


def test_interrupted_write_leaves_the_old_cache(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.write_snapshot(isolated_env, user_offers(), {"generated_at": "2099-01-01T00:00:00Z"})
    before = {p.name: p.read_bytes() for p in isolated_env.iterdir()}

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    newer = user_offers().assign(usd_per_hour=40.0, usd_per_gpu_hour=5.0)
    with pytest.raises(KeyboardInterrupt):
        cache.write_snapshot(isolated_env, newer, {"generated_at": "2099-02-01T00:00:00Z"})
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in isolated_env.iterdir()} == before  # no temp files left either
    assert cache.load_snapshot(isolated_env).offers.loc[0, "usd_per_hour"] == 50.0


def test_staleness_warnings_per_provider() -> None:
    """Relative to the data, never to the calendar: holds for any snapshot."""
    from datetime import timedelta

    offers = pd.DataFrame({"provider": ["aws", "aws", "azure"], "as_of": ["2026-01-01", "2026-06-01", "2026-07-01"]})
    ages = cache.provider_ages(offers, today=date(2026, 7, 15))
    assert ages["aws"] == ("2026-01-01", "2026-06-01", 44) and ages["azure"][2] == 14
    warnings = cache.staleness_warnings(offers, today=date(2026, 7, 15))
    assert warnings == ["aws prices are 44 days old (newest 2026-06-01); run `costcmp refresh --provider aws`"]
    assert cache.staleness_warnings(offers, today=date(2026, 6, 1) + timedelta(days=cache.STALE_AFTER_DAYS)) == []


def commit_rows(directory: Path, price: float) -> list[str]:
    rows = user_offers().assign(usd_per_hour=price, usd_per_gpu_hour=price / 8)

    def merge(base: cache.Snapshot, notes: list[str]) -> tuple[pd.DataFrame, dict]:
        return rows, {"generated_at": "2099-01-01T00:00:00Z"}

    return cache.commit(directory, merge)


def test_commit_is_one_pointer_switch_and_old_versions_are_pruned(isolated_env: Path) -> None:
    for price in (50.0, 40.0, 30.0, 20.0):
        assert commit_rows(isolated_env, price) == []
    snapshot = cache.load_snapshot()
    assert snapshot.origin == "user" and snapshot.offers.loc[0, "usd_per_hour"] == 20.0
    versions = sorted(p.name for p in isolated_env.iterdir() if p.name.startswith(cache.VERSION_PREFIX))
    assert len(versions) == 1 + cache.KEEP_VERSIONS
    assert (isolated_env / cache.POINTER_FILE).read_text().strip() == versions[-1]


@pytest.mark.parametrize("stage", ["version files", "pointer"])
def test_a_kill_at_any_step_leaves_the_previous_snapshot(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    """An interruption while writing the new version, or just before the pointer switch, changes nothing
    that readers see; the next commit succeeds and tidies up."""
    commit_rows(isolated_env, 50.0)
    real_write = cache.atomic_write_bytes

    def killed(path: Path, data: bytes, **kwargs: object) -> None:
        if (stage == "pointer") == (path.name == cache.POINTER_FILE):
            raise KeyboardInterrupt
        real_write(path, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "atomic_write_bytes", killed)
    with pytest.raises(KeyboardInterrupt):
        commit_rows(isolated_env, 40.0)
    monkeypatch.undo()  # (also undoes the fixture's environment: name the cache explicitly below)
    assert cache.load_snapshot(isolated_env).offers.loc[0, "usd_per_hour"] == 50.0
    commit_rows(isolated_env, 30.0)
    assert cache.load_snapshot(isolated_env).offers.loc[0, "usd_per_hour"] == 30.0


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda d: (d / cache.POINTER_FILE).write_text("snapshot-missing\n"), "names no snapshot"),
        (lambda d: (d / cache.POINTER_FILE).write_bytes(b"\xff\xfe garbage"), "names no snapshot|cannot read"),
        (lambda d: (cache._current_version(d) / cache.META_FILE).write_text("{"), "not readable JSON"),  # type: ignore[operator]
        (
            lambda d: (cache._current_version(d) / cache.META_FILE).write_text(  # type: ignore[operator]
                json.dumps({"format": 0, "generated_at": "2099"})
            ),
            "format 0",
        ),
        (lambda d: (cache._current_version(d) / cache.OFFERS_FILE).write_bytes(b"\x00\x01binary"), "does not match"),
    ],
)
def test_a_broken_cache_never_blocks_reading_or_committing(isolated_env: Path, damage, words: str) -> None:  # type: ignore[no-untyped-def]
    commit_rows(isolated_env, 50.0)
    damage(isolated_env)
    with pytest.warns(cache.CacheFallbackWarning, match=words):
        snapshot = cache.load_snapshot()
    assert snapshot.origin == "shipped" and len(snapshot.warnings) == 1 and str(isolated_env) in snapshot.warnings[0]
    notes = commit_rows(isolated_env, 40.0)
    assert len(notes) == 1 and "rebuilt from the shipped snapshot" in notes[0]
    assert cache.load_snapshot().offers.loc[0, "usd_per_hour"] == 40.0


def test_unwritable_cache_dir_is_found_before_any_work(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(CacheError, match="cannot write the cache"):
        cache.ensure_writable(blocker / "cache")


def test_the_lock_serialises_commits_and_says_it_waits(isolated_env: Path) -> None:
    import threading

    commit_rows(isolated_env, 50.0)
    held, release, said = threading.Event(), threading.Event(), []

    def slow_merge(base: cache.Snapshot, notes: list[str]) -> tuple[pd.DataFrame, dict]:
        held.set()
        release.wait(5)
        return base.offers, {"generated_at": "2099-01-01T00:00:00Z"}

    first = threading.Thread(target=lambda: cache.commit(isolated_env, slow_merge))
    first.start()
    held.wait(5)
    second = threading.Thread(
        target=lambda: cache.commit(isolated_env, lambda b, n: (b.offers, b.meta), on_wait=said.append)
    )
    second.start()
    while not said and second.is_alive():
        second.join(0.05)
    release.set()
    first.join(5)
    second.join(5)
    assert said and said[0].startswith("waiting for another costcmp refresh")


def test_an_unreadable_cache_directory_falls_back(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a non-root user a cache directory may be unreadable: one warning, the shipped snapshot (root
    ignores permissions, so the refusal is played by the file system call)."""
    commit_rows(isolated_env, 50.0)
    real = cache.read_regular

    def refuse(path: Path, limit: int) -> bytes:
        if path.parent == isolated_env:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, limit)

    monkeypatch.setattr(cache, "read_regular", refuse)
    with pytest.warns(cache.CacheFallbackWarning, match="Permission denied"):
        snapshot = cache.load_snapshot(isolated_env)
    assert snapshot.origin == "shipped"
