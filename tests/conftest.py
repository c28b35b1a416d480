"""Shared fixtures: every test runs with an empty user cache, no cloud credentials that could reach the
network, and plain (colourless, fixed-width) terminal output."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from costcmp import cache

_PREFIXES = ("COSTCMP_", "AWS_", "AZURE_", "GOOGLE_", "CLOUDSDK_", "GCE_")


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in list(os.environ):
        if name.startswith(_PREFIXES):
            monkeypatch.delenv(name)
    for name in ("FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    user_cache = tmp_path / "user-cache"
    monkeypatch.setenv("COSTCMP_CACHE_DIR", str(user_cache))
    # The Spot Advisor feed is public: point it at a closed loopback port (tests that need it serve it).
    monkeypatch.setenv("COSTCMP_AWS_SPOT_ADVISOR_URL", "http://127.0.0.1:9/spot-advisor-data.json")
    # Credential lookups must never leave the machine (IMDS, shared config files, Azure identity).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    # Google ADC: no metadata-server probe, no developer gcloud config (NO_GCE_CHECK is read lowercase).
    monkeypatch.setenv("NO_GCE_CHECK", "true")
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud-config"))
    return user_cache


@pytest.fixture(scope="session")
def shipped_offers() -> pd.DataFrame:
    return cache.load_directory(cache.shipped_dir(), "shipped").offers


@pytest.fixture
def console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=160, color_system=None, force_terminal=False), buffer


def make_offer(**overrides: object) -> dict[str, object]:
    """One valid offer row; tests override the fields they care about."""
    row: dict[str, object] = {
        "provider": "aws",
        "region": "us-east-1",
        "instance_type": "p5.48xlarge",
        "gpu": "H100",
        "gpu_count": 8,
        "gpu_memory_gb": 80.0,
        "vcpus": 192,
        "memory_gb": 2048.0,
        "network_gbps": 3200.0,
        "pricing": "on_demand",
        "usd_per_hour": 55.04,
        "usd_per_gpu_hour": 6.88,
        "as_of": "2026-07-20",
        "source": "test",
        "detail": "",
    }
    row.update(overrides)
    return row
