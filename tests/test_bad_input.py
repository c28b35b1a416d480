"""Bad input of every kind, through the real CLI entry point: exactly one line on stderr, exit status 2,
nothing on stdout, never a traceback. Grouped as a hostile but realistic user would try them; then a
property-based test throws random values at every option."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from costcmp.cli import main

PLAN = ["plan", "--model", "llama2-7b", "--gpu", "H100"]
PLAN_N = [*PLAN, "--gpus", "64"]
CLUSTER = ["cluster", "--gpu", "H100", "--gpus", "64"]
REPORT = ["report", "--model", "llama2-7b", "--gpu", "H100"]

# (arguments, words the one line must contain)
UNKNOWN_NAMES = [
    (["prices", "--gpu", "nope"], "unknown GPU 'nope'"),
    (["prices", "--gpu", "H100,H900"], "unknown GPU 'H900'"),
    (["prices", "--gpu", "A100-90GB"], "Did you mean"),
    (["prices", "--provider", "gcpp"], "unknown provider 'gcpp'"),
    (["prices", "--provider", "aws,oracle"], "unknown provider 'oracle'"),
    (["prices", "--region", "mars-1"], "unknown region"),
    (["prices", "--provider", "azure", "--region", "us-east-1"], "unknown region"),
    (["prices", "--pricing", "reserved"], "Did you mean"),
    (["prices", "--pricing", "preemptible"], "unknown pricing kind"),
    (["prices", "--sort", "price"], "unknown sort column"),
    (["prices", "--cpu", "--sort", "usd_per_gpu"], "unknown sort column"),
    (["plan", "--model", "gpt5", "--gpu", "H100", "--gpus", "8"], "unknown model preset 'gpt5'"),
    (["plan", "--model", "llama2-70", "--gpu", "H100", "--gpus", "8"], "Did you mean 'llama2-70b'"),
    ([*PLAN_N[:3], "--gpu", "TPUv5", "--gpus", "8"], "unknown GPU 'TPUv5'"),
    ([*PLAN_N, "--provider", "gcpp"], "unknown provider"),
    ([*PLAN_N, "--region", "eastus9"], "unknown region"),
    ([*PLAN_N, "--pricing", "spot-ish"], "unknown pricing kind"),
    ([*PLAN_N, "--precision", "fp4"], "--precision must be bf16 or fp8"),
    (["cluster", "--cluster-preset", "summit"], "unknown cluster preset 'summit'"),
    (["cluster", "--gpu", "H900", "--gpus", "8"], "unknown GPU 'H900'"),
    ([*CLUSTER, "--provider", "oracle"], "unknown provider"),
    ([*CLUSTER, "--pricing", "reserved"], "unknown pricing kind"),
    ([*REPORT, "--gpus", "64", "--provider", "ibm"], "unknown provider"),
    (["report", "--model", "nope", "--gpu", "H100"], "unknown model preset"),
    (["refresh", "--provider", "gcpp"], "unknown provider"),
    (["refresh", "--provider", "aws", "--region", "mars-1"], "unknown aws region"),
    (["refresh", "--provider", "azure", "--region", "marsus"], "unknown azure region"),
    (["nosuchcommand"], "invalid choice"),
    (["prices", "--format", "xml"], "invalid choice: 'xml'"),
    (["gpus", "--format", "yaml"], "invalid choice"),
]

MALFORMED_NUMBERS = [
    ([*PLAN, "--gpus", "abc"], "--gpus cannot read 'abc'"),
    ([*PLAN, "--gpus", "8.5"], "--gpus must be a whole number"),
    ([*PLAN, "--gpus", "-8"], "--gpus cannot read"),
    ([*PLAN, "--gpus", "0"], "--gpus must be"),
    ([*PLAN, "--gpus", "1,024"], "did you mean 1024"),
    ([*PLAN, "--gpus", "10,000"], "did you mean 10000"),
    ([*PLAN, "--gpus", "64,,128"], "--gpus has an empty item"),
    ([*PLAN, "--gpus", ","], "--gpus has an empty item"),
    ([*PLAN, "--gpus", "1e400"], "--gpus must be a finite number"),
    ([*PLAN, "--gpus", "nan"], "--gpus cannot read"),
    ([*PLAN, "--gpus", "inf"], "--gpus cannot read"),
    ([*PLAN, "--gpus", "9999999999"], "--gpus must be between"),
    (["plan", "--params", "7X", "--tokens", "1T", "--gpu", "H100", "--gpus", "8"], "--params cannot read '7X'"),
    (["plan", "--params", "seven", "--tokens", "1T", "--gpu", "H100", "--gpus", "8"], "--params cannot read"),
    (["plan", "--params", "-7B", "--tokens", "1T", "--gpu", "H100", "--gpus", "8"], "--params: expected one argument"),
    (["plan", "--params=-7B", "--tokens", "1T", "--gpu", "H100", "--gpus", "8"], "--params cannot read '-7B'"),
    (["plan", "--params", "0", "--tokens", "1T", "--gpu", "H100", "--gpus", "8"], "--params must be"),
    (["plan", "--params", "7B", "--tokens", "lots", "--gpu", "H100", "--gpus", "8"], "--tokens cannot read"),
    (["plan", "--params", "7B", "--tokens", "1,000B", "--gpu", "H100", "--gpus", "8"], "--tokens cannot read"),
    (["plan", "--params", "1e160", "--tokens", "1e160", "--gpu", "H100", "--gpus", "64"], "--params is too large"),
    (["plan", "--params", "7B", "--tokens", "1e31", "--gpu", "H100", "--gpus", "64"], "--tokens is too large"),
    (["plan", "--flops", "many", "--gpu", "H100", "--gpus", "8"], "--flops cannot read"),
    (["plan", "--flops=-1e23", "--gpu", "H100", "--gpus", "8"], "--flops cannot read"),
    (["plan", "--flops", "1e400", "--gpu", "H100", "--gpus", "8"], "--flops must be a finite number"),
    ([*PLAN, "--budget", "a lot"], "--budget cannot read"),
    ([*PLAN, "--budget=-5M"], "--budget cannot read"),
    ([*PLAN, "--budget", "0"], "--budget must be"),
    ([*PLAN, "--budget", "$1,000,000"], "--budget cannot read"),
    ([*PLAN, "--deadline", "soon"], "--deadline cannot read 'soon'"),
    ([*PLAN, "--deadline", "0d"], "--deadline must be a duration > 0"),
    ([*PLAN, "--deadline=-3d"], "--deadline cannot read"),
    ([*PLAN, "--deadline", "3y"], "--deadline cannot read"),
    ([*PLAN, "--deadline", "1e9d"], "--deadline must be a duration"),
    ([*PLAN_N, "--mfu", "lots"], "--mfu: not a number"),
    ([*PLAN_N, "--mfu", "nan"], "--mfu: not a finite number"),
    ([*PLAN_N, "--mfu", "inf"], "--mfu: not a finite number"),
    ([*PLAN_N, "--goodput", "x"], "--goodput: not a number"),
    ([*PLAN_N, "--discount", "cheap"], "--discount cannot read"),
    ([*PLAN_N, "--discount", "100%"], "--discount must be a percentage"),
    ([*PLAN_N, "--discount=-5%"], "--discount must be a percentage"),
    ([*PLAN_N, "--commit-discount", "1y"], "--commit-discount cannot read '1y'"),
    ([*PLAN_N, "--commit-discount", "2y=30%"], "--commit-discount cannot read"),
    ([*PLAN_N, "--commit-discount", "1y=150%"], "--commit-discount must be a percentage"),
    ([*PLAN_N, "--commit-discount", "1y=abc"], "--commit-discount cannot read"),
    ([*PLAN_N, "--global-batch-tokens", "big"], "--global-batch-tokens cannot read"),
    ([*PLAN_N, "--global-batch-tokens", "0.5"], "--global-batch-tokens must be in"),
    ([*PLAN_N, "--interruptions-per-hour", "often"], "--interruptions-per-hour: not a number"),
    ([*PLAN_N, "--checkpoint-minutes", "x"], "--checkpoint-minutes: not a number"),
    ([*PLAN_N, "--restart-minutes", "y"], "--restart-minutes: not a number"),
    ([*PLAN_N, "--max-gpus", "many"], "--max-gpus: not a whole number"),
    ([*PLAN_N, "--max-gpus", "1,000"], "no thousands separators"),
    ([*PLAN_N, "--seq-len", "long"], "--seq-len: not a whole number"),
    ([*PLAN_N, "--layers", "1.5"], "--layers: not a whole number"),
    ([*PLAN_N, "--hidden", "wide"], "--hidden: not a whole number"),
    ([*PLAN_N, "--limit", "ten"], "--limit: not a whole number"),
    (["prices", "--min-gpus", "eight"], "--min-gpus: not a whole number"),
    (["prices", "--min-gpu-memory", "lots"], "--min-gpu-memory: not a number"),
    (["prices", "--min-gpu-memory", "nan"], "--min-gpu-memory: not a finite number"),
    (["prices", "--limit", "1.5"], "--limit/-n: not a whole number"),
    (["cluster", "--gpu", "H100", "--gpus", "many"], "--gpus cannot read"),
    (["cluster", "--gpu", "H100", "--gpus", "1,024"], "--gpus cannot read"),
    ([*CLUSTER, "--cpu-cores", "lots"], "--cpu-cores: not a whole number"),
    ([*CLUSTER, "--network-gbps", "fast"], "--network-gbps: not a number"),
    ([*CLUSTER, "--hpl-efficiency", "high"], "--hpl-efficiency: not a number"),
    ([*REPORT, "--gpus", "sixty-four"], "--gpus cannot read"),
    (["refresh", "--workers", "many"], "--workers: not a whole number"),
]

OUT_OF_RANGE = [
    ([*PLAN_N, "--mfu", "2"], "--mfu must be in (0.0, 1.0]"),
    ([*PLAN_N, "--mfu", "0"], "--mfu must be in"),
    ([*PLAN_N, "--mfu", "-0.3"], "--mfu must be in"),
    ([*PLAN_N, "--goodput", "1.5"], "--goodput must be in"),
    ([*PLAN_N, "--goodput", "0"], "--goodput must be in"),
    ([*PLAN_N, "--interruptions-per-hour", "-1"], "--interruptions-per-hour must be in"),
    ([*PLAN_N, "--interruptions-per-hour", "1e9"], "--interruptions-per-hour must be in"),
    ([*PLAN_N, "--checkpoint-minutes", "-5"], "--checkpoint-minutes must be in"),
    ([*PLAN_N, "--checkpoint-minutes", "1e12"], "--checkpoint-minutes must be in"),
    ([*PLAN_N, "--restart-minutes", "-1"], "--restart-minutes must be in"),
    ([*PLAN_N, "--max-gpus", "0"], "--max-gpus must be in"),
    ([*PLAN_N, "--max-gpus", "-5"], "--max-gpus must be in"),
    ([*PLAN_N, "--seq-len", "0"], "--seq-len must be a whole number"),
    ([*PLAN_N, "--seq-len", "-1"], "--seq-len must be a whole number"),
    ([*PLAN_N, "--layers", "0", "--seq-len", "2048"], "--layers must be a whole number"),
    ([*PLAN_N, "--hidden", "99999999999"], "--hidden must be a whole number"),
    ([*PLAN_N, "--limit", "0"], "--limit must be >= 1"),
    ([*PLAN_N, "--limit", "-3"], "--limit must be >= 1"),
    (["prices", "--limit", "0"], "--limit must be >= 1"),
    (["prices", "--min-gpus", "-1"], "--min-gpus must be >= 0"),
    (["prices", "--min-gpu-memory", "-4"], "--min-gpu-memory must be"),
    (["prices", "--min-gpu-memory", "1e400"], "--min-gpu-memory: not a finite number"),
    (["cluster", "--gpu", "H100", "--gpus", "0"], "--gpus must be"),
    (["cluster", "--gpu", "H100", "--gpus", "1e30"], "--gpus must be at most"),
    (["cluster", "--gpu", "H100", "--gpus", "8.5"], "--gpus must be a whole number"),
    ([*CLUSTER, "--cpu-cores", "-1"], "--cpu-cores must be a whole number"),
    ([*CLUSTER, "--cpu-cores", "99999999999999"], "--cpu-cores must be a whole number"),
    ([*CLUSTER, "--network-gbps", "-1"], "--network-gbps must be > 0"),
    ([*CLUSTER, "--network-gbps", "0"], "--network-gbps must be > 0"),
    ([*CLUSTER, "--network-gbps", "1e12"], "--network-gbps must be > 0 and at most"),
    ([*CLUSTER, "--hpl-efficiency", "2"], "--hpl-efficiency must be in"),
    ([*CLUSTER, "--hpl-efficiency", "0"], "--hpl-efficiency must be in"),
    ([*REPORT, "--gpus", "0"], "--gpus must be"),
    ([*REPORT, "--gpus", "99999999"], "--gpus must be between"),
    (["refresh", "--workers", "0"], "--workers must be from 1 to 64"),
    (["refresh", "--workers", "100000000"], "--workers must be from 1 to 64"),
    (["refresh", "--currency", "EUR"], "the price cache holds USD"),
]

EMPTY_NAMES = [
    (["prices", "--gpu", ""], "--gpu has an empty name"),
    (["prices", "--gpu", ",,,"], "--gpu has an empty name"),
    (["prices", "--gpu", "H100,"], "--gpu has an empty name"),
    (["prices", "--provider", ""], "--provider has an empty name"),
    (["prices", "--region", " , "], "--region has an empty name"),
    (["prices", "--pricing", ","], "--pricing has an empty name"),
    ([*PLAN_N[:3], "--gpu", "", "--gpus", "8"], "--gpu has an empty name"),
    ([*PLAN_N, "--provider", ",aws"], "--provider has an empty name"),
    ([*CLUSTER, "--region", ""], "--region has an empty name"),
    (["refresh", "--provider", ""], "--provider has an empty name"),
    (["refresh", "--provider", "aws", "--region", ",,"], "--region has an empty name"),
]

CONFLICTS = [
    (
        ["plan", "--params", "7B", "--tokens", "1T", "--chinchilla", "--gpu", "H100", "--gpus", "8"],
        "--tokens and --chinchilla",
    ),
    (
        ["plan", "--params", "7B", "--tokens", "1T", "--flops", "1e23", "--gpu", "H100", "--gpus", "8"],
        "--flops and --tokens",
    ),
    ([*PLAN, "--deadline", "7d", "--budget", "1M"], "--deadline and --budget"),
    ([*PLAN_N, "--budget", "1M"], "--gpus and --budget"),
    ([*PLAN_N, "--deadline", "7d"], "--gpus and --deadline"),
    (["prices", "--cpu", "--gpu", "H100"], "--cpu and --gpu"),
    (["prices", "--cpu", "--min-gpus", "8"], "--cpu and --min-gpus"),
    (["prices", "--cpu", "--min-gpu-memory", "40"], "--cpu and --min-gpu-memory"),
    (["refresh", "--region", "eastus"], "--region needs a single --provider"),
    (["refresh", "--provider", "aws,azure", "--region", "eastus"], "--region needs a single --provider"),
]

MISSING_PIECES = [
    (["plan", "--gpu", "H100", "--gpus", "8"], "describe the run"),
    (["plan", "--params", "7B", "--gpu", "H100", "--gpus", "8"], "--tokens is missing"),
    (["plan", "--model", "turing-nlg-17b", "--gpu", "H100", "--gpus", "8"], "publishes none"),
    (["plan", "--chinchilla", "--gpu", "H100", "--gpus", "8"], "--chinchilla needs params"),
    (
        ["plan", "--params", "7B", "--active-params", "9B", "--tokens", "1T", "--gpu", "H100", "--gpus", "8"],
        "cannot exceed",
    ),
    (
        ["plan", "--active-params", "7B", "--tokens", "1T", "--gpu", "H100", "--gpus", "8"],
        "--active-params needs params",
    ),
    (
        ["plan", "--flops", "1e23", "--teacher-params", "8B", "--gpu", "H100", "--gpus", "8"],
        "--flops and --teacher-params",
    ),
    (
        ["plan", "--params", "1B", "--teacher-params", "x", "--tokens", "1T", "--gpu", "H100", "--gpus", "8"],
        "--teacher-params cannot read",
    ),
    (PLAN, "--gpus is missing"),
    (["cluster"], "--gpu is missing"),
    (["cluster", "--gpu", "H100"], "--gpus is missing"),
    (["report", "--gpu", "H100"], "describe the run"),
    (["report", "--params", "7B", "--gpu", "H100"], "--tokens is missing"),
]

USAGE = [
    (["prices", "--bogus"], "unrecognized arguments: --bogus"),
    (["prices", "--gpu"], "expected one argument"),
    (["plan", "--gpus"], "expected one argument"),
    (["cluster", "--cpu-cores"], "expected one argument"),
    (["prices", "extra"], "unrecognized arguments: extra"),
    (["--bogus"], "unrecognized arguments"),
    (["models", "--limit", "3"], "unrecognized arguments"),
    (["validate", "--gpu", "H100"], "unrecognized arguments"),
    (["refresh", "--aws-profile"], "expected one argument"),
]


def output_cases(tmp: Path) -> list[tuple[list[str], str]]:
    blocker = tmp / "file"
    blocker.write_text("")
    cases = [
        (["prices", "--gpu", "H100", "--format", "csv", "--output", str(tmp / "no" / "dir.csv")], "cannot write"),
        (["prices", "--gpu", "H100", "--output", str(tmp)], "is a directory"),
        (["gpus", "--output", str(blocker / "x.csv")], "cannot write"),
        (["models", "--format", "json", "--output", str(tmp / "missing" / "m.json")], "cannot write"),
        ([*PLAN_N, "--output", str(tmp)], "is a directory"),
        ([*REPORT, "--gpus", "64", "--export-dir", str(blocker)], "not a directory"),
        ([*REPORT, "--gpus", "64", "--export-dir", str(blocker / "out")], "cannot write the report"),
        ([*REPORT, "--gpus", "64", "--export-dir", "/dev/null"], "not a directory"),
    ]
    if Path("/dev/full").exists():
        cases += [
            (["prices", "--gpu", "H100", "--format", "csv", "--output", "/dev/full"], "No space left"),
            (["gpus", "--output", "/dev/full"], "No space left"),
            (["validate", "--format", "csv", "--output", "/dev/full"], "No space left"),
        ]
    return cases


GROUPS = {
    "unknown names": UNKNOWN_NAMES,
    "malformed numbers": MALFORMED_NUMBERS,
    "out of range": OUT_OF_RANGE,
    "empty names": EMPTY_NAMES,
    "conflicts": CONFLICTS,
    "missing pieces": MISSING_PIECES,
    "usage": USAGE,
}
CASES = [(group, args, words) for group, cases in GROUPS.items() for args, words in cases]


def test_the_table_is_large() -> None:
    assert len(CASES) + len(output_cases(Path("/tmp"))) >= 150


def assert_one_line_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], words: str) -> None:
    code = main(args)
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert code == 2, f"{args}: exit {code}, stderr {err!r}"
    assert out == "" and len(lines) == 1, f"{args}: {err!r}"
    assert lines[0].startswith("costcmp: error: ") and "Traceback" not in err
    assert words in lines[0], f"{args}: {lines[0]!r} lacks {words!r}"


@pytest.mark.parametrize(("group", "args", "words"), CASES, ids=[f"{g}: {' '.join(a)}" for g, a, _ in CASES])
def test_bad_input(capsys: pytest.CaptureFixture[str], group: str, args: list[str], words: str) -> None:
    assert_one_line_exit_2(capsys, args, words)


def test_bad_output_targets(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for args, words in output_cases(tmp_path):
        assert_one_line_exit_2(capsys, args, words)
        assert not [p for p in tmp_path.rglob(".*.tmp")], "a temporary file was left behind"


@pytest.mark.parametrize(
    "args",
    [
        ["prices", "--gpu", "B200", "--provider", "azure"],
        ["plan", "--model", "llama2-7b", "--gpu", "B200", "--provider", "azure", "--gpus", "8"],
        ["cluster", "--gpu", "B200", "--gpus", "8", "--provider", "azure"],
        ["report", "--model", "llama2-7b", "--gpu", "B200", "--provider", "azure"],
        ["prices", "--gpu", "B300", "--provider", "azure"],
    ],
)
def test_empty_results_are_a_line_and_exit_0(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 0 and out == "" and "Traceback" not in err
    assert any(line.startswith("No ") for line in err.splitlines())


# Values a hostile user might type into any option.
NASTY = st.one_of(
    st.sampled_from(
        [
            "",
            ",",
            ",,",
            "0",
            "-1",
            "1e400",
            "1e30",
            "nan",
            "inf",
            "-inf",
            "1,024",
            "8.5",
            "abc",
            "7B",
            "2T",
            "H100",
            "h100-sxm",
            "aws",
            "azure",
            "us-east-1",
            "eastus",
            "spot",
            "on_demand",
            "1y=30%",
            "35%",
            "14d",
            "36h",
            "2M",
            "llama2-7b",
            "msft-openai-2020",
            "csv",
            "json",
            "table",
            "\x1b[31m",
            "é",
            "💥",
            "64,256",
            "1k",
            "9" * 40,
            "-",
            "--",
            " ",
        ]
    ),
    st.text(max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
OPTIONS = {
    "prices": ["--gpu", "--provider", "--region", "--pricing", "--min-gpus", "--min-gpu-memory", "--sort", "--limit",
               "--format"],
    "plan": ["--model", "--params", "--tokens", "--flops", "--seq-len", "--layers", "--hidden", "--gpu", "--gpus",
             "--deadline", "--budget", "--provider", "--region", "--pricing", "--mfu", "--goodput", "--precision",
             "--global-batch-tokens", "--interruptions-per-hour", "--checkpoint-minutes", "--restart-minutes",
             "--commit-discount", "--discount", "--max-gpus", "--limit", "--format"],
    "cluster": ["--gpu", "--gpus", "--cpu-cores", "--network-gbps", "--cluster-preset", "--provider", "--region",
                "--pricing", "--commit-discount", "--hpl-efficiency", "--format"],
    "gpus": ["--format"],
    "models": ["--format"],
}  # fmt: skip
FLAGS = {"prices": ["--desc", "--cpu"], "plan": ["--chinchilla", "--pareto"], "cluster": [], "gpus": [], "models": []}
#: Plausible values per option, so that most generated command lines get past parsing into the library.
VALID = {
    "--gpu": ["H100", "A100-80GB", "V100-32GB,H100", "h100-sxm", "B200", "MI300X", "L4"],
    "--provider": ["aws", "azure", "aws,azure"],
    "--region": ["us-east-1", "eastus", "us-east-1,eastus", "westeurope"],
    "--pricing": ["on_demand", "spot", "reserved_1y", "on_demand,spot"],
    "--min-gpus": ["0", "1", "8", "16"],
    "--min-gpu-memory": ["0", "40", "80.5", "200"],
    "--sort": ["usd_per_hour", "usd_per_gpu_hour", "region", "network_gbps"],
    "--limit": ["1", "3", "50"],
    "--format": ["table", "csv", "json"],
    "--model": ["llama2-7b", "llama2-70b", "deepseek-v3", "gpt3-175b", "turing-nlg-17b"],
    "--params": ["7B", "70e9", "1.3B", "405B"],
    "--tokens": ["1T", "300B", "15T"],
    "--flops": ["1e23", "3.14e23", "6e24"],
    "--seq-len": ["2048", "8192"],
    "--layers": ["32", "80"],
    "--hidden": ["4096", "8192"],
    "--gpus": ["8", "64", "256,1024", "1k", "4096"],
    "--deadline": ["14d", "36h", "2w", "30"],
    "--budget": ["2M", "500k", "$1M"],
    "--mfu": ["0.3", "0.45", "1"],
    "--goodput": ["0.8", "1"],
    "--precision": ["bf16", "fp8", "FP8"],
    "--global-batch-tokens": ["4M", "16M"],
    "--interruptions-per-hour": ["0", "0.001", "0.5"],
    "--checkpoint-minutes": ["1", "5", "30"],
    "--restart-minutes": ["0", "20"],
    "--commit-discount": ["1y=35%", "1y=35%,3y=55%", "3y=0.5"],
    "--discount": ["12%", "0.1", "0"],
    "--max-gpus": ["1024", "200000"],
    "--cpu-cores": ["0", "285000"],
    "--network-gbps": ["100", "400", "3200"],
    "--cluster-preset": ["msft-openai-2020"],
    "--hpl-efficiency": ["0.74", "1"],
}


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(OPTIONS)))
    chosen = draw(st.lists(st.sampled_from(OPTIONS[command]), max_size=5, unique=True))
    args = [command]
    if draw(st.booleans()):  # half the time, a run that is complete before the random options
        base = {"plan": ["--model", "llama2-7b", "--gpu", "H100"], "cluster": ["--gpu", "H100", "--gpus", "64"]}
        args += base.get(command, [])
        if command == "plan" and not {"--gpus", "--deadline", "--budget"} & set(chosen):
            args += ["--gpus", "64"]
        chosen = [option for option in chosen if option not in args]
    for option in chosen:
        plausible = st.sampled_from(VALID.get(option, ["1"]))
        args += [option, draw(st.one_of(plausible, plausible, plausible, NASTY))]
    if FLAGS[command]:
        args += draw(st.lists(st.sampled_from(FLAGS[command]), max_size=2, unique=True))
    return args


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=command_lines())
def test_random_values_for_every_option(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    """Whatever is typed: exit 0 or 2, at most one stderr line with 2, never a traceback."""
    code = main(args)
    _, err = capsys.readouterr()
    assert code in (0, 2), f"{args}: exit {code}: {err!r}"
    assert "Traceback" not in err and "internal error" not in err, f"{args}: {err!r}"
    if code == 2:
        assert len(err.strip().splitlines()) == 1, f"{args}: {err!r}"
