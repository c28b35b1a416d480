"""`costcmp refresh` end to end: boto3 against a loopback server speaking the real wire protocols."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from costcmp import cache
from costcmp.cli import main
from costcmp.pricing import RegionResult
from costcmp.refresh import refresh
from costcmp.schema import empty_offers
from tests.fakes.aws_data import region_fixture
from tests.fakes.aws_server import FakeAws

SECRET = "wJalrXUtnFEMI-K7MDENG-costcmp-test-secret"


@pytest.fixture
def fake_aws(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    with FakeAws({"us-east-1": region_fixture("us-east-1"), "eu-west-1": region_fixture("eu-west-1")}) as fake:
        monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", fake.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", fake.url)
        yield fake


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_refresh_fills_the_user_cache_and_prices_show_it(
    fake_aws: FakeAws, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = cache.load_snapshot().offers
    code, out, err = run(capsys, "refresh", "--provider", "aws", "--region", "us-east-1,eu-west-1")
    assert code == 0, err
    assert "aws us-east-1: ok" in err and "Wrote" in out
    assert {r[1] for r in fake_aws.requests} == {"us-east-1", "eu-west-1"}
    assert {r[2] for r in fake_aws.requests if r[0] == "ec2"} == {
        "DescribeInstanceTypes",
        "DescribeSpotPriceHistory",
    }

    code, out, _ = run(capsys, "prices", "--provider", "aws", "--region", "us-east-1", "--format", "csv")
    rows = pd.read_csv(io.StringIO(out))
    assert code == 0 and set(rows["as_of"]) == {pd.Timestamp.now("UTC").date().isoformat()}
    assert set(rows["instance_type"]) == {"p5.48xlarge", "p4de.24xlarge", "p5en.48xlarge"}
    assert {"on_demand", "spot", "reserved_1y", "reserved_3y"} <= set(rows["pricing"])

    after = cache.load_snapshot().offers
    assert cache.load_snapshot().origin == "user"
    untouched = shipped[~shipped["region"].isin(["us-east-1", "eu-west-1"]) | (shipped["provider"] != "aws")]
    cpu_rows = shipped[
        (shipped["provider"] == "aws")
        & shipped["region"].isin(["us-east-1", "eu-west-1"])
        & (shipped["gpu_count"] == 0)
    ]
    assert len(cpu_rows) == 6  # c6i, c7i, c7a in both regions: the GPU-only refresh leaves them for `cluster`
    assert len(after) == len(untouched) + 12 + len(cpu_rows)  # every other row is still there
    kept = after[
        after.set_index(["provider", "region", "instance_type"]).index.isin(
            cpu_rows.set_index(["provider", "region", "instance_type"]).index
        )
    ]
    assert sorted(kept["usd_per_hour"]) == sorted(cpu_rows["usd_per_hour"])
    for path in isolated_env.rglob("*"):
        if path.is_file():
            assert SECRET not in path.read_text() and "testing" not in path.read_text()
    assert SECRET not in out + err


def test_a_failing_region_keeps_its_rows_and_exits_1(fake_aws: FakeAws, capsys: pytest.CaptureFixture[str]) -> None:
    fake_aws.fail = {"eu-west-1": (400, "AccessDeniedException")}
    shipped = cache.load_snapshot().offers
    code, out, err = run(capsys, "refresh", "--provider", "aws", "--region", "us-east-1,eu-west-1")
    assert code == 1
    assert "eu-west-1: FAILED: AccessDeniedException" in err and "failed and kept their previous rows" in out
    after = cache.load_snapshot().offers
    kept = after[(after["provider"] == "aws") & (after["region"] == "eu-west-1")]
    pd.testing.assert_frame_equal(
        kept.reset_index(drop=True),
        shipped[(shipped["provider"] == "aws") & (shipped["region"] == "eu-west-1")].reset_index(drop=True),
        check_like=True,
    )
    refreshed = (after["provider"] == "aws") & (after["region"] == "us-east-1") & (after["gpu_count"] > 0)
    assert set(after.loc[refreshed, "as_of"]) == {pd.Timestamp.now("UTC").date().isoformat()}


def test_every_region_failing_writes_nothing(
    fake_aws: FakeAws, isolated_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_aws.fail = {"us-east-1": (400, "AccessDeniedException")}
    code, out, _ = run(capsys, "refresh", "--provider", "aws", "--region", "us-east-1")
    assert code == 1 and "Nothing written" in out and cache.load_user_cache(isolated_env) is None


def test_no_credentials_is_one_clear_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, out, err = run(capsys, "refresh", "--provider", "aws")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "no AWS credentials found" in err and "shipped snapshot still works" in err


def test_unknown_profile_and_provider(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "refresh", "--provider", "aws", "--aws-profile", "nope")
    assert code == 2 and "profile 'nope' not found" in err
    code, _, err = run(capsys, "refresh", "--provider", "oracle")
    assert code == 2 and "unknown provider 'oracle'" in err


class ScriptedAdapter:
    """A stand-in adapter: returns prepared rows, raises, or returns nothing, per region."""

    name = "aws"
    source = "scripted"

    def __init__(self, script: dict[str, object]) -> None:
        self.script = script

    def default_regions(self) -> list[str]:
        return list(self.script)

    def fetch_region(self, region: str, on_page):  # type: ignore[no-untyped-def]
        action = self.script[region]
        if isinstance(action, BaseException):
            raise action
        on_page(len(action))  # type: ignore[arg-type]
        return RegionResult(rows=action, pages=1)  # type: ignore[arg-type]


def test_ctrl_c_leaves_the_old_cache(isolated_env: Path) -> None:
    first = refresh([ScriptedAdapter({"us-east-1": empty_offers()})])
    assert first.written_to is None  # an empty answer keeps previous rows and writes nothing
    shipped = cache.load_snapshot().offers
    some = shipped[(shipped["provider"] == "aws") & (shipped["region"] == "us-east-1")].reset_index(drop=True)
    refresh([ScriptedAdapter({"us-east-1": some})])
    before = {str(p): p.read_bytes() for p in isolated_env.rglob("*") if p.is_file()}
    with pytest.raises(KeyboardInterrupt):
        refresh([ScriptedAdapter({"us-east-1": KeyboardInterrupt(), "us-west-2": some})], workers=1)
    assert {str(p): p.read_bytes() for p in isolated_env.rglob("*") if p.is_file()} == before


def test_region_returning_nothing_keeps_previous_rows() -> None:
    shipped = cache.load_snapshot().offers
    report = refresh(
        [
            ScriptedAdapter(
                {
                    "us-west-2": empty_offers(),
                    "us-east-1": shipped[(shipped["provider"] == "aws") & (shipped["region"] == "us-east-1")]
                    .head(3)
                    .reset_index(drop=True),
                }
            )
        ]
    )
    empty = next(o for o in report.outcomes if o.region == "us-west-2")
    assert empty.ok and empty.kept_previous > 0
    after = cache.load_snapshot().offers
    assert len(after[(after["provider"] == "aws") & (after["region"] == "us-west-2")]) == empty.kept_previous


# --- Azure, and both providers in one command ----------------------------------------------------


@pytest.fixture
def fake_azure(httpserver, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from tests.fakes.azure import FakeRetailPrices, region_items

    fake = FakeRetailPrices({r: region_items(r) for r in ("eastus", "westeurope", "eastus2", "uksouth")})
    fake.base_url = httpserver.url_for("/api/retail/prices")
    httpserver.expect_request("/api/retail/prices").respond_with_handler(fake)
    monkeypatch.setenv("COSTCMP_AZURE_PRICES_URL", fake.base_url)
    return fake


def test_azure_refresh_and_reserved_rates_are_term_price_over_hours(
    fake_azure,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    code, out, err = run(capsys, "refresh", "--provider", "azure", "--region", "eastus,westeurope")
    assert code == 0, err
    assert "no subscription: GPU counts and memory from costcmp's declared size table" in out
    code, out, _ = run(capsys, "prices", "--provider", "azure", "--pricing", "reserved_3y", "--format", "csv")
    rows = pd.read_csv(io.StringIO(out))
    assert code == 0 and set(rows["region"]) == {"eastus", "westeurope"}
    assert rows["usd_per_hour"].tolist() == pytest.approx([1_240_000 / 26280] * 2)
    code, out, _ = run(capsys, "prices", "--provider", "azure", "--pricing", "reserved_3y")
    assert "$47.18" in out  # 1,240,000 / 26,280 h


def test_currency_other_than_usd_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "refresh", "--provider", "azure", "--currency", "EUR")
    assert code == 2 and "the price cache holds USD" in err


def test_both_providers_in_one_command_and_one_bad_region(
    fake_aws: FakeAws,
    fake_azure,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    fake_azure.malformed = {"westeurope"}
    shipped = cache.load_snapshot().offers
    code, _, err = run(capsys, "refresh", "--workers", "32")
    assert code == 1
    assert "azure westeurope: FAILED: malformed page" in err and "aws us-east-1: ok" in err
    after = cache.load_snapshot().offers
    today = pd.Timestamp.now("UTC").date().isoformat()
    fresh = after[after["as_of"] == today]
    assert {"aws", "azure"} == set(fresh["provider"])
    assert {"us-east-1", "eu-west-1", "eastus", "eastus2", "uksouth"} == set(fresh["region"])
    kept = after[(after["provider"] == "azure") & (after["region"] == "westeurope")]
    assert len(kept) == len(shipped[(shipped["provider"] == "azure") & (shipped["region"] == "westeurope")])
    assert (kept["as_of"] != today).all()
    # regions the fakes do not sell in answered with no GPU offers: their shipped rows are still there
    assert len(after[(after["provider"] == "aws") & (after["region"] == "ap-northeast-1")]) > 0


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--provider", "aws", "--region", "mars-1"], "unknown aws region 'mars-1'"),
        (["--provider", "azure", "--region", "marsus"], "Did you mean 'eastus'"),
        (["--provider", "aws", "--workers", "100000000"], "--workers must be from 1 to 64"),
        (["--provider", "aws", "--workers", "0"], "--workers must be from 1 to 64"),
        (["--region", "eastus"], "--region needs a single --provider"),
        (["--provider", "aws", "--cache-dir", "/proc/costcmp-not-writable"], "cannot write the cache"),
    ],
)
def test_refresh_input_is_checked_before_any_network_call(
    fake_aws: FakeAws, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = run(capsys, "refresh", *args)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and words in err
    assert fake_aws.requests == []


def test_half_set_credentials_skip_aws_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, _, err = run(capsys, "refresh", "--provider", "aws")
    assert code == 2 and "incomplete AWS credentials" in err and len(err.strip().splitlines()) == 1


def test_refreshed_at_moves_only_for_regions_that_succeeded(isolated_env: Path) -> None:
    shipped = cache.load_snapshot().offers
    some = shipped[(shipped["provider"] == "aws") & (shipped["region"] == "us-east-1")].reset_index(drop=True)
    from costcmp.errors import RegionFetchError

    report = refresh([ScriptedAdapter({"us-east-1": some, "eu-west-1": RegionFetchError("denied")})])
    meta = cache.load_snapshot().meta["providers"]["aws"]
    assert meta["refreshed_regions"] == ["us-east-1"] and list(meta["regions_refreshed_at"]) == ["us-east-1"]
    assert meta["failed_regions"] == {"eu-west-1": "denied"} and report.failed
    stamp = meta["refreshed_at"]
    azure = ScriptedAdapter({"eastus": shipped[(shipped["provider"] == "azure") & (shipped["region"] == "eastus")]})
    azure.name = "azure"
    aws_down = ScriptedAdapter({"us-east-1": RegionFetchError("down")})
    refresh([aws_down, azure], now=pd.Timestamp("2099-01-01T00:00:00Z").to_pydatetime())
    after = cache.load_snapshot().meta["providers"]
    assert after["aws"]["refreshed_at"] == stamp  # every aws region failed: its time does not move
    assert after["aws"]["failed_regions"] == {"eu-west-1": "denied", "us-east-1": "down"}
    assert after["azure"]["refreshed_at"] == "2099-01-01T00:00:00Z"
