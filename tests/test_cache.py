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
    snapshot = cache.load_snapshot()
    assert snapshot.origin == "shipped"
    assert "older than the shipped snapshot" in snapshot.warnings[0]


def test_hand_edited_cache_is_detected(isolated_env: Path) -> None:
    cache.write_snapshot(isolated_env, user_offers(), {"generated_at": "2099-01-01T00:00:00Z"})
    path = isolated_env / cache.OFFERS_FILE
    path.write_text(path.read_text().replace("50.0", "5.0"))
    with pytest.raises(CacheError, match=r"does not match its meta\.json"):
        cache.load_snapshot()


def test_bad_user_cache_row_names_file(isolated_env: Path) -> None:
    cache.write_snapshot(isolated_env, user_offers(), {"generated_at": "2099-01-01T00:00:00Z"})
    path = isolated_env / cache.OFFERS_FILE
    path.write_text(path.read_text().replace(",H100,", ",H999,"))
    meta = json.loads((isolated_env / cache.META_FILE).read_text())
    meta.pop("offers_sha256")
    (isolated_env / cache.META_FILE).write_text(json.dumps(meta))
    with pytest.raises(SchemaError, match=r"offers.csv, line 2, field 'gpu'"):
        cache.load_snapshot()


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
        cache.load_snapshot()


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


def test_staleness_warnings_per_provider(shipped_offers: pd.DataFrame) -> None:
    ages = cache.provider_ages(shipped_offers, today=date(2026, 8, 1))
    assert ages["azure"][1] == "2026-06-18" and ages["azure"][2] == 44
    warnings = cache.staleness_warnings(shipped_offers, today=date(2026, 8, 1))
    assert len(warnings) == 1 and warnings[0].startswith("azure prices are 44 days old")
    assert cache.staleness_warnings(shipped_offers, today=date(2026, 7, 10)) == []
