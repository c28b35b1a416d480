"""`costcmp report`: the story in the terminal and the export bundle."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from costcmp.cli import main
from costcmp.planner import Assumptions, plan
from costcmp.render.story_view import run_story_view
from costcmp.story import build_run_story, pricing_story

RUN = ["--model", "turing-nlg-17b", "--tokens", "300B", "--gpu", "V100-32GB,A100-80GB,H100"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def plans() -> pd.DataFrame:
    from costcmp import cache

    offers = cache.load_directory(cache.shipped_dir(), "shipped").offers
    return plan(
        model="turing-nlg-17b",
        tokens="300B",
        gpu="V100-32GB,A100-80GB,H100",
        gpus=[64, 256, 1024],
        offers=offers,
    )


def test_report_renders_every_section_at_fixed_width(plans: pd.DataFrame) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=120, color_system=None, force_terminal=False)
    run_story_view(console, build_run_story(plans, ["Prices as of: test data."], {}))
    text = buffer.getvalue()
    for words in (
        "turing-nlg-17b: 17.2B parameters x 300B tokens = 3.22e+22 training FLOPs",
        "0.275 TB at 16 bytes/parameter",
        "Cheapest plan per provider",
        "Fastest plan per provider",
        "Pareto front",
        "Spot and reservations",
        "Cheapest on-demand:",
        "Prices as of: test data.",
    ):
        assert words in text
    assert max(len(line) for line in text.splitlines()) <= 120


def test_cheapest_and_fastest_are_per_provider(plans: pd.DataFrame) -> None:
    story = build_run_story(plans, [], {})
    fitting = plans[plans["fits"]]
    for table, column in ((story.cheapest, "cost_usd"), (story.fastest, "days")):
        assert sorted(table["provider"]) == sorted(set(fitting["provider"]))
        for _, row in table.iterrows():
            assert row[column] == fitting.loc[fitting["provider"] == row["provider"], column].min()
    front = story.pareto.sort_values("days")
    assert front["cost_usd"].is_monotonic_decreasing  # faster is dearer along the front


def test_pricing_story_uses_estimated_reservations(plans: pd.DataFrame) -> None:
    from costcmp import cache

    offers = cache.load_directory(cache.shipped_dir(), "shipped").offers
    estimated = Assumptions(commit_discounts={"reserved_1y": 0.35})
    with_reserved = plan(
        model="turing-nlg-17b", tokens="300B", gpu="H100", gpus=[1024], offers=offers, assumptions=estimated
    )
    lines = pricing_story(with_reserved)
    reserved = [line for line in lines if line.startswith("reserved 1y (estimate)")]
    assert len(reserved) == 1 and "bills the whole 1y term" in reserved[0]
    assert any(line.startswith("spot:") for line in pricing_story(plans))


def test_export_bundle(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "report", *RUN, "--gpus", "64,1024", "--export-dir", str(out_dir))
    assert code == 0 and "Cheapest plan per provider" in out
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "cost_vs_time.png",
        "plan.csv",
        "prices.csv",
        "summary.json",
    ]
    assert "wrote prices.csv, plan.csv, summary.json, cost_vs_time.png" in err

    prices = pd.read_csv(out_dir / "prices.csv")
    assert set(prices["gpu"]) == {"V100-32GB", "A100-80GB", "H100"} and prices["as_of"].notna().all()
    plan_rows = pd.read_csv(out_dir / "plan.csv")
    assert {"cost_usd", "days", "gpu_hours", "as_of", "source", "notes", "idle_gpus"} <= set(plan_rows.columns)
    assert set(plan_rows["gpus"]) == {64, 1024} and plan_rows["source"].notna().all()

    summary = json.loads((out_dir / "summary.json").read_text())
    assert set(summary) >= {
        "generated_at",
        "workload",
        "training_flops",
        "model_state_bytes",
        "assumptions",
        "cheapest_per_provider",
        "fastest_per_provider",
        "pareto_front",
        "spot_and_reservations",
        "data",
    }
    assert summary["training_flops"] == pytest.approx(6 * 17.2e9 * 300e9 + 12 * 78 * 4256 * 1024 * 300e9)
    cheapest = summary["cheapest_per_provider"][0]
    assert {"provider", "instance_type", "gpus", "days", "cost_usd"} <= set(cheapest)
    assert cheapest["cost_usd"] == pytest.approx(plan_rows["cost_usd"].min())

    png = (out_dir / "cost_vs_time.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    from PIL import Image  # a matplotlib dependency

    with Image.open(out_dir / "cost_vs_time.png") as image:
        image.verify()
        assert image.size == (960, 600)


def test_missing_plot_extra_is_a_clear_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    code, _, err = run(capsys, "report", *RUN, "--gpus", "64", "--export-dir", str(tmp_path))
    assert code == 1 and "pip install 'costcmp[plot]'" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.csv", "prices.csv", "summary.json"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["report", "--gpu", "H100"], "describe the run"),
        (["report", *RUN, "--gpus", "0"], "--gpus"),
        (["report", *RUN, "--commit-discount", "1y=150%"], "discount"),
    ],
)
def test_report_bad_input_is_one_line_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], words: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and words in err


def test_unwritable_export_dir(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run(capsys, "report", *RUN, "--gpus", "64", "--export-dir", str(blocker / "out"))
    assert code == 2 and err.startswith("costcmp: error: cannot write the report to")


def test_bundle_is_a_library_function(plans: pd.DataFrame, tmp_path: Path) -> None:
    import costcmp

    story = costcmp.build_run_story(plans, ["Prices as of: test data."], {})
    result = costcmp.write_report_bundle(story, plans.head(0), tmp_path / "bundle", sources={})
    assert result.written == ["prices.csv", "plan.csv", "summary.json", "cost_vs_time.png"]
    assert not result.skipped and not [p for p in (tmp_path / "bundle").iterdir() if p.name.startswith(".")]
