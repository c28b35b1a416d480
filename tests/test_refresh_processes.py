"""Real `costcmp refresh` processes against slow loopback servers: concurrent refreshes, kills at any
moment, Ctrl-C. What a user's cache holds afterwards is read back with the library."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from costcmp import cache
from tests.fakes.aws_data import region_fixture
from tests.fakes.aws_server import FakeAws
from tests.fakes.azure import FakeRetailPrices, region_items

DELAY = 0.15  # seconds per answer: a refresh of one region takes about a second


@pytest.fixture
def servers(httpserver: HTTPServer, tmp_path: Path) -> Iterator[dict[str, str]]:
    retail = FakeRetailPrices({"eastus": region_items("eastus")}, page_size=3, delay=DELAY)
    retail.base_url = httpserver.url_for("/api/retail/prices")
    httpserver.expect_request("/api/retail/prices").respond_with_handler(retail)
    with FakeAws({"us-east-1": region_fixture("us-east-1")}, delay=DELAY) as aws:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COSTCMP_", "AWS_", "AZURE_"))} | {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_ENDPOINT_URL_PRICING": aws.url,
            "AWS_ENDPOINT_URL_EC2": aws.url,
            "COSTCMP_AZURE_PRICES_URL": retail.base_url,
            "COSTCMP_CACHE_DIR": str(tmp_path / "cache"),
            "COSTCMP_AWS_SPOT_ADVISOR_URL": "http://127.0.0.1:9/spot-advisor-data.json",
            "NO_COLOR": "1",
        }
        yield env


AWS = ["refresh", "--provider", "aws", "--region", "us-east-1"]
AZURE = ["refresh", "--provider", "azure", "--region", "eastus"]


def start(env: dict[str, str], args: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "costcmp", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


class Lines:
    """Collects a process's stderr on a thread, so a test can wait for a line without blocking."""

    def __init__(self, run: subprocess.Popen[str]) -> None:
        import threading

        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(run,), daemon=True)
        self.thread.start()

    def _read(self, run: subprocess.Popen[str]) -> None:
        assert run.stderr is not None
        with run.stderr:
            for line in run.stderr:
                self.lines.append(line)

    def wait_for(self, words: str, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if any(words in line for line in self.lines):
                return True
            time.sleep(0.05)
        return False

    def text(self) -> str:
        self.thread.join(5)
        return "".join(self.lines)


def refreshed_providers(directory: Path) -> set[str]:
    snapshot = cache.load_user_cache(directory)
    assert snapshot is not None
    today = time.strftime("%Y-%m-%d", time.gmtime())
    return set(snapshot.offers.loc[snapshot.offers["as_of"] == today, "provider"])


def test_two_refreshes_at_once_keep_both_providers(servers: dict[str, str]) -> None:
    """Both processes fetch while the test holds the cache lock, so both must wait, then each merges into
    what the other committed."""
    directory = Path(servers["COSTCMP_CACHE_DIR"])
    directory.mkdir(parents=True)
    holder = os.open(directory / cache.LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    runs = [start(servers, AWS), start(servers, AZURE)]
    readers = [Lines(run) for run in runs]
    try:
        assert all(reader.wait_for("waiting for another costcmp refresh", 60) for reader in readers)
    finally:
        os.close(holder)  # both are blocked on the lock now: let them commit, one after the other
    for run, reader in zip(runs, readers, strict=True):
        assert run.stdout is not None
        with run.stdout:
            out = run.stdout.read()
        assert run.wait(60) == 0, reader.text()
        reader.text()  # the reader thread has closed stderr
        assert "Wrote" in out
    assert refreshed_providers(directory) == {"aws", "azure"}


def test_a_kill_at_any_moment_leaves_a_readable_cache(servers: dict[str, str]) -> None:
    directory = Path(servers["COSTCMP_CACHE_DIR"])
    first = subprocess.run([sys.executable, "-m", "costcmp", *AWS], env=servers, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    committed = cache.load_user_cache(directory)
    assert committed is not None
    for after in (0.3, 0.9, 1.4, 1.8):
        run = start(servers, AZURE)
        time.sleep(after)
        run.kill()
        run.communicate()
        snapshot = cache.load_user_cache(directory)  # never raises: the old snapshot or the new one
        assert snapshot is not None and "aws" in refreshed_providers(directory)
    again = subprocess.run([sys.executable, "-m", "costcmp", *AZURE], env=servers, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert refreshed_providers(directory) == {"aws", "azure"}


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_is_one_line_exit_130_and_the_cache_is_intact(servers: dict[str, str], presses: int) -> None:
    directory = Path(servers["COSTCMP_CACHE_DIR"])
    first = subprocess.run([sys.executable, "-m", "costcmp", *AWS], env=servers, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = {str(p): p.read_bytes() for p in directory.rglob("*") if p.is_file() and p.name != cache.LOCK_FILE}
    run = start(servers, AZURE)
    reader = Lines(run)
    assert reader.wait_for("fetching", 30)  # the fetch has begun
    for _ in range(presses):
        run.send_signal(signal.SIGINT)
        time.sleep(0.05)
    assert run.wait(30) == 130
    assert run.stdout is not None
    run.stdout.close()
    err = reader.text()
    assert err.strip().splitlines()[-1] == "costcmp: interrupted" and "Traceback" not in err
    after = {str(p): p.read_bytes() for p in directory.rglob("*") if p.is_file() and p.name != cache.LOCK_FILE}
    assert after == before
