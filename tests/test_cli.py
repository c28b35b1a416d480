from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from costcmp.cli import main
from costcmp.cli.app import build_parser
from costcmp.offers import DERIVED_COLUMNS
from costcmp.schema import SCHEMA_COLUMNS


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_prices_csv_has_schema_then_derived_columns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "prices", "--gpu", "H100", "--format", "csv")
    assert code == 0
    df = pd.read_csv(io.StringIO(out))
    assert list(df.columns) == list(SCHEMA_COLUMNS) + list(DERIVED_COLUMNS)
    assert set(df["provider"]) == {"aws", "azure", "gcp"} and set(df["gpu"]) == {"H100"}
    assert df["usd_per_gpu_hour"].is_monotonic_increasing


def test_issue_example_writes_csv_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "a100.csv"
    code, out, err = run(
        capsys,
        "prices",
        "--gpu",
        "A100-80GB",
        "--provider",
        "azure",
        "--pricing",
        "spot",
        "--sort",
        "usd_per_gpu_hour",
        "--format",
        "csv",
        "--output",
        str(target),
    )
    assert code == 0 and out == "" and "wrote" in err
    df = pd.read_csv(target)
    assert set(df["provider"]) == {"azure"} and set(df["pricing"]) == {"spot"} and set(df["gpu"]) == {"A100-80GB"}
    assert df["usd_per_gpu_hour"].is_monotonic_increasing and len(df) >= 4


def test_prices_table_shows_age_and_stale_warning(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warning depends on the data's age relative to today: played at a fixed distance either side,
    so the test holds however fresh the shipped snapshot is."""
    import datetime

    from costcmp import cache

    newest = max(cache.load_directory(cache.shipped_dir(), "shipped").offers["as_of"])

    def today_is(days_after: int) -> None:
        day = datetime.date.fromisoformat(newest) + datetime.timedelta(days=days_after)

        class Fixed(datetime.date):
            @classmethod
            def today(cls) -> datetime.date:
                return day

        monkeypatch.setattr(cache, "date", Fixed)

    today_is(cache.STALE_AFTER_DAYS + 5)
    code, out, err = run(capsys, "prices", "--gpu", "H200", "--limit", "5")
    assert code == 0
    assert "GPU instance prices (5 offers" in out and "Prices as of:" in out and "★" in out
    assert "days old" in err and "costcmp refresh" in err
    today_is(0)
    code, out, err = run(capsys, "prices", "--gpu", "H200", "--provider", "aws", "--region", "us-east-1")
    assert code == 0 and "days old" not in err


def test_prices_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "prices", "-g", "MI300X", "-f", "json")
    data = json.loads(out)
    assert code == 0 and {row["instance_type"] for row in data} == {
        "Standard_ND96isr_MI300X_v5",
        "Standard_ND96is_MI300X_v5",
    }
    assert all(row["network_gbps"] == (3200 if "isr" in row["instance_type"] else None) for row in data)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["prices", "--gpu", "nope"], "unknown GPU 'nope'"),
        (["prices", "--provider", "gcpp"], "unknown provider"),
        (["prices", "--region", "mars-1"], "unknown region"),
        (["prices", "--pricing", "reserved"], "Did you mean"),
        (["prices", "--sort", "cost"], "unknown sort column"),
        (["prices", "--limit", "zero"], "--limit"),
        (["prices", "--limit", "0"], "--limit must be >= 1"),
        (["prices", "--format", "xml"], "--format"),
        (["prices", "--bogus"], "unrecognized arguments: --bogus"),
        (["nosuchcommand"], "invalid choice: 'nosuchcommand'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], words: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("costcmp: error:") and words in err
    assert "Traceback" not in err


def test_empty_result_says_so_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "prices", "--gpu", "B200", "--provider", "azure")
    assert code == 0 and out == "" and "No offers match" in err


def test_unwritable_output_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "prices", "--format", "csv", "--output", str(tmp_path / "no" / "such" / "dir.csv"))
    assert code == 2 and "cannot write" in err and len(err.strip().splitlines()) == 1


def test_gpus_command_formats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "gpus")
    assert code == 0 and "H100-NVL" in out and "dense" in out
    code, out, _ = run(capsys, "gpus", "--format", "csv")
    df = pd.read_csv(io.StringIO(out))
    assert code == 0 and len(df) == 16 and df.set_index("name").loc["H100", "bf16_tflops"] == pytest.approx(989.4)


def test_every_command_and_option_has_help_text(capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    names = set(commands.choices)
    assert names == {"prices", "gpus", "plan", "models", "validate", "cluster", "report", "refresh"}
    helps = {choice.dest: choice.help for choice in commands._choices_actions}
    for name, sub in commands.choices.items():
        assert (helps.get(name) or "").strip() and (sub.description or "").strip(), name
        for action in sub._actions:
            assert action.help and action.help.strip(), f"{name} {action.option_strings}"
        code, out, _ = run(capsys, name, "--help")
        assert code == 0 and "usage: costcmp" in out
    code, out, _ = run(capsys)
    assert code == 0 and "prices" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.startswith("costcmp ")


def test_cli_start_imports_no_cloud_sdk() -> None:
    probe = (
        "import sys; from costcmp.cli import main; "
        "rc = main(['prices', '--gpu', 'H100', '--format', 'csv']); "
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'azure')); "
        "print('HEAVY', heavy, 'RC', rc, file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "HEAVY [] RC 0" in result.stderr
    help_probe = "import sys; from costcmp.cli import main; main(['--help']); print('PANDAS', 'pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", help_probe], capture_output=True, text=True, check=True)
    assert "PANDAS False" in result.stdout


def test_python_dash_m(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "costcmp", "prices", "--gpu", "nope"], capture_output=True, text=True
    )
    assert result.returncode == 2 and "unknown GPU" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "--model", "llama2-70b", "--gpu", "H100", "--gpus", "1024"],
        [
            "plan",
            "--params",
            "17B",
            "--tokens",
            "300B",
            "--gpu",
            "V100-32GB",
            "--gpus",
            "10000",
            "--provider",
            "azure",
        ],
        ["plan", "--params", "7e9", "--chinchilla", "--gpu", "A100-80GB,H100", "--deadline", "14d"],
        [
            "plan",
            "--flops",
            "3.14e23",
            "--gpu",
            "A100-80GB",
            "--budget",
            "2M",
            "--pricing",
            "spot,reserved_1y",
            "--commit-discount",
            "1y=35%",
            "--format",
            "csv",
        ],
    ],
)
def test_issue_plan_examples_run(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, err = run(capsys, *args)
    assert code == 0, err
    if "csv" in args:
        df = pd.read_csv(io.StringIO(out))
        assert (df["cost_usd"] <= 2e6).all() and set(df["pricing"]) <= {"spot", "reserved_1y"}
        reserved = df[df["pricing"] == "reserved_1y"]
        assert len(reserved) > 0 and reserved["estimate"].all() and (reserved["commitment_usd"] > 0).all()
    else:
        assert "Training plans" in out and "FLOPs" in out and "Assumptions:" in out


def test_plan_limit_keeps_cheapest_and_fastest(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "plan", "--model", "llama2-70b", "--gpu", "H100", "--gpus", "1024", "--limit", "2")
    assert code == 0 and "on-demand" in out and "»" in out and "(3 of" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["plan", "--model", "gpt5"], "unknown model preset"),
        (["plan", "--params", "-7B", "--tokens", "1T", "--gpu", "H100", "--gpus", "8"], "--params"),
        (["plan", "--params", "7B", "--tokens", "nan", "--gpu", "H100", "--gpus", "8"], "--tokens"),
        (["plan", "--model", "llama2-7b", "--gpu", "H100"], "say how many GPUs"),
        (["plan", "--model", "llama2-7b", "--gpu", "H100", "--gpus", "0"], "--gpus"),
        (["plan", "--model", "llama2-7b", "--gpu", "H100", "--gpus", "2.5"], "whole number"),
        (["plan", "--model", "llama3.1-405b", "--gpu", "H100", "--deadline", "1h"], "the fastest is"),
        (["plan", "--model", "llama2-70b", "--gpu", "H100", "--budget", "100"], "the cheapest is"),
        (["plan", "--model", "llama2-7b", "--gpu", "H100", "--gpus", "8", "--mfu", "1.5"], "--mfu"),
        (
            ["plan", "--model", "llama2-7b", "--gpu", "H100", "--gpus", "8", "--commit-discount", "2y=5%"],
            "1y=35%",
        ),
        (
            ["plan", "--model", "llama2-7b", "--gpu", "H100", "--gpus", "8", "--discount", "150%"],
            "--discount",
        ),
        (["plan", "--model", "llama2-7b", "--gpu", "H100", "--deadline", "soon"], "--deadline"),
    ],
)
def test_plan_bad_input_is_one_line(capsys: pytest.CaptureFixture[str], args: list[str], words: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and words in err and len(err.strip().splitlines()) == 1


def test_models_and_validate_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "models")
    assert code == 0 and "deepseek-v3" in out and "turing-nlg-17b" in out
    code, out, _ = run(capsys, "validate")
    assert code == 0 and "llama-65b" in out and "leave-one-out coverage" in out and "Median signed error (bias)" in out
    code, out, _ = run(capsys, "validate", "--format", "csv")
    assert code == 0 and "predicted_gpu_hours" in out.splitlines()[0]


def _cli(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "costcmp", *args], capture_output=True, text=True, env=full_env, **kwargs
    )


def test_broken_pipe_is_quiet_and_exit_0() -> None:
    import shlex

    command = f"{shlex.quote(sys.executable)} -m costcmp prices | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0" and "Traceback" not in result.stderr


def test_closed_and_full_stdout_are_one_line() -> None:
    import shlex

    closed = subprocess.run(
        ["bash", "-c", f"{shlex.quote(sys.executable)} -m costcmp prices --gpu H100 >&-"],
        capture_output=True,
        text=True,
    )
    assert closed.returncode == 2 and closed.stderr.strip().splitlines() == [
        "costcmp: error: cannot write the output: standard output is closed"
    ]
    if Path("/dev/full").exists():
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [sys.executable, "-m", "costcmp", "prices", "--gpu", "H100", "--format", "csv"],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
            )
        assert result.returncode == 2 and "No space left on device" in result.stderr
        assert "Traceback" not in result.stderr
        result = _cli("prices", "--gpu", "H100", "--format", "csv", "--output", "/dev/full")
        assert result.returncode == 2 and "cannot write /dev/full" in result.stderr
        assert Path("/dev/full").is_char_device()  # written in place, never replaced by a rename


@pytest.mark.parametrize("command", [["gpus"], ["plan", "--model", "llama2-7b", "--gpu", "H100", "--gpus", "64"]])
def test_non_unicode_output_degrades_to_ascii(command: list[str]) -> None:
    result = _cli(*command, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode == 0 and "Traceback" not in result.stderr
    result.stdout.encode("ascii")  # every character is ASCII


def test_output_file_is_whole_or_absent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out.csv"
    code, _, _ = run(capsys, "prices", "--gpu", "H100", "--format", "csv", "--output", str(target))
    assert code == 0 and target.read_text().startswith("provider,") and list(tmp_path.iterdir()) == [target]
    code, out, _ = run(capsys, "prices", "--gpu", "H100", "--format", "csv", "--output", "-")
    assert code == 0 and out.startswith("provider,") and not (Path.cwd() / "-").exists()


def test_verbose_shows_the_log(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "-v", "prices", "--gpu", "H100", "--format", "csv")
    assert code == 0 and "costcmp: DEBUG costcmp.cache: loaded" in err
    code, _, err = run(capsys, "prices", "--gpu", "H100", "--format", "csv")
    assert code == 0 and "DEBUG" not in err
