"""Nothing from data or from a server drives the terminal: escape sequences, control characters,
bidirectional overrides and line feeds inside names are filtered from every printed string, long values
are cut, output a stream cannot encode is one line and exit 2, and absurd prices never enter."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from costcmp import cache
from costcmp.cli import main
from costcmp.render.safe_text import strip_controls, terminal_line
from tests.fakes.aws_data import region_fixture
from tests.fakes.aws_server import FakeAws

#: A window title, a screen clear, a hyperlink, a bell, a right-to-left override, a line feed that would
#: draw a row of its own, rich console markup, and 8-bit CSI/OSC forms.
HOSTILE = (
    "\x1b]0;pwned\x07\x1b[2J\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\\u202eevil\u2066"
    "\nFAKE ROW $0.01\r\x9b31m\x9d0;t\x9c\x00\x7f[link=https://evil.example/]x[/link]\u200b"
)
BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def assert_clean(text: str) -> None:
    assert not BAD.search(text), repr(BAD.search(text))
    assert "evil.example" not in text or "[link=" in text  # markup stays visible text, never a link
    assert not any(line.lstrip().startswith("FAKE ROW") for line in text.splitlines())


def test_the_filter_removes_sequences_whole_and_keeps_text() -> None:
    assert terminal_line("a\x1b[31mred\x1b[0m b") == "ared b"
    assert terminal_line("title\x1b]0;pwned\x07 done") == "title done"
    assert terminal_line("x\u202ey\u2067z\u200e") == "xyz"
    assert terminal_line("one\ntwo\r\nthree\tfour") == "one two three four"
    assert terminal_line("a\x9b2Jb\x9d8;;u\x9cc") == "abc"
    assert terminal_line("é × ★ 日本") == "é × ★ 日本"  # printable Unicode is untouched
    assert strip_controls("line one\nline two\x1b[2J") == "line one\nline two"
    cut = terminal_line("x" * 100_000, 50)
    assert cut == "x" * 50 + "…(100,000 chars)"
    assert_clean(terminal_line(HOSTILE))


@pytest.fixture
def hostile_cache(isolated_env: Path, shipped_offers: pd.DataFrame) -> Path:
    """The shipped prices with every AWS and Azure instance name made hostile."""
    offers = shipped_offers.copy()
    mask = offers["provider"].isin(["aws", "azure"])
    offers.loc[mask, "instance_type"] = HOSTILE + offers.loc[mask, "instance_type"].astype(str)
    offers.loc[mask, "detail"] = HOSTILE
    cache.write_snapshot(isolated_env, offers, {"generated_at": "2099-01-01T00:00:00Z"})
    assert cache.load_snapshot().origin == "user"
    return isolated_env


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--model", "turing-nlg-17b", "--tokens", "300B", "--gpu", "V100-32GB,A100-80GB,H100"],
        ["report", "--model", "llama2-7b", "--gpu", "H100", "--commit-discount", "1y=30%"],
        ["plan", "--model", "llama2-7b", "--gpu", "H100", "--gpus", "64"],
        ["plan", "--model", "llama2-70b", "--gpu", "H100", "--budget", "1"],  # the infeasible-budget line
        ["plan", "--model", "llama2-70b", "--gpu", "H100", "--deadline", "1h", "--gpus", "8"],
        ["prices", "--gpu", "H100"],
        ["prices", "--cpu"],
        ["cluster", "--cluster-preset", "msft-openai-2020"],
        ["cluster", "--gpu", "H100", "--gpus", "1024", "--cpu-cores", "100000", "--network-gbps", "3200"],
    ],
)
@pytest.mark.parametrize("columns", ["80", "200"])
def test_hostile_names_in_a_cache_never_reach_the_terminal_raw(
    hostile_cache: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    columns: str,
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    code = main(args)
    out, err = capsys.readouterr()
    assert code in (0, 2), err
    assert_clean(out)
    assert_clean(err)
    if code == 2:
        assert len(err.strip().splitlines()) == 1


def test_a_servers_error_text_is_filtered_in_progress_and_summary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeAws(
        {"us-east-1": region_fixture("us-east-1"), "eu-west-1": region_fixture("eu-west-1")},
        fail={"eu-west-1": (400, HOSTILE)},
    ) as fake:
        monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", fake.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", fake.url)
        code = main(["refresh", "--provider", "aws", "--region", "us-east-1,eu-west-1"])
    out, err = capsys.readouterr()
    assert code == 1 and "eu-west-1" in out
    assert_clean(out)
    assert_clean(err)


def test_the_live_progress_on_a_terminal_is_filtered() -> None:
    """The rich progress display (a terminal) takes the same filter: it renders through the Console."""
    from types import SimpleNamespace

    from costcmp.render.refresh_view import RichRefreshProgress, refresh_summary
    from costcmp.render.terminal import console_for

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    console = console_for(stream)
    outcome = SimpleNamespace(provider="aws", region="eu-west-1" + HOSTILE, ok=False, error=HOSTILE, pages=0, rows=0)
    with RichRefreshProgress(console) as progress:
        progress.region_started("aws", "eu-west-1" + HOSTILE)
        progress.region_finished(outcome)
    outcome.seconds, outcome.skipped, outcome.kept_previous, outcome.notes = 1.0, {HOSTILE: 2}, 0, [HOSTILE]
    refresh_summary(console, SimpleNamespace(outcomes=[outcome], written_to=None, failed=[outcome], total_rows=0))
    # rich's own colour codes are allowed on a terminal; nothing else is
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue())
    text = text.replace("\r", "\n")
    assert "pwned" not in text and "\x07" not in text and "\u202e" not in text
    assert not any(line.lstrip().startswith("FAKE ROW") for line in text.splitlines())


def test_a_long_bad_value_is_cut_in_the_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    value = "H" * 100_000
    for args in (["prices", "--gpu", value], ["plan", "--model", "llama2-7b", "--gpu", "H100", "--gpus", value]):
        assert main(args) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1 and len(err) < 2_000 and "chars)" in err


def test_unencodable_output_is_one_line_exit_2(
    isolated_env: Path, shipped_offers: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    offers = shipped_offers.copy()
    offers["source"] = "Preisliste für Rechenzentren"  # non-ASCII data
    cache.write_snapshot(isolated_env, offers, {"generated_at": "2099-01-01T00:00:00Z"})
    raw_out, raw_err = io.BytesIO(), io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(raw_out, encoding="ascii"))
    monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(raw_err, encoding="ascii"))
    code = main(["prices", "--gpu", "H100", "--format", "csv"])
    sys.stdout.flush()
    sys.stderr.flush()
    err = raw_err.getvalue().decode("ascii")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "cannot encode" in err
    assert raw_out.getvalue() == b""  # nothing half-written
    assert main(["prices", "--gpu", "H100"]) == 0  # a table degrades to ASCII instead


def test_an_absurd_price_is_refused_where_it_enters(
    isolated_env: Path, shipped_offers: pd.DataFrame, capsys: pytest.CaptureFixture[str]
) -> None:
    offers = shipped_offers.copy()
    row = offers.index[offers["gpu"] == "H100"][0]
    offers.loc[row, "usd_per_hour"] = 1e308
    offers.loc[row, "usd_per_gpu_hour"] = 1e308 / offers.loc[row, "gpu_count"]
    isolated_env.mkdir(parents=True)
    data = cache.offers_csv_bytes(offers)  # written by hand: costcmp itself refuses to write such a row
    (isolated_env / "offers.csv").write_bytes(data)
    meta = {"generated_at": "2099-01-01T00:00:00Z", "format": 2, "offers_sha256": hashlib.sha256(data).hexdigest()}
    (isolated_env / "meta.json").write_text(json.dumps(meta))
    code = main(["report", "--model", "llama2-7b", "--gpu", "H100"])
    _, err = capsys.readouterr()
    assert code == 0
    assert "RuntimeWarning" not in err and "site-packages" not in err and "overflow" not in err
    assert "ignoring the user cache" in err and "price above" in err
    import costcmp

    with pytest.raises(costcmp.SchemaError, match="price above"):
        costcmp.plan(model="llama2-7b", gpu="H100", gpus=64, offers=offers)
