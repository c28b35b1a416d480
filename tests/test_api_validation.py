"""Every public function refuses what the CLI refuses, with a typed CostcmpError naming the parameter —
never a bare TypeError/KeyError from inside pandas — and none returns a zero or negative price."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import costcmp
from costcmp.errors import CostcmpError, InvalidParameterError

ODD_VALUES: list[Any] = [None, 1.5, -1, "many", "80GB", [], {}, float("nan"), float("inf"), True, object(), b"H100"]


def refused(call: Any, param: str) -> CostcmpError:
    with pytest.raises(CostcmpError) as caught:
        call()
    assert caught.value.param == param or param in str(caught.value), (param, str(caught.value))
    return caught.value


@pytest.mark.parametrize(
    ("call", "param"),
    [
        (lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=1.5), "gpus"),
        (lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=object()), "gpus"),
        (lambda: costcmp.plan(model=7, gpu="H100", gpus=8), "model"),
        (lambda: costcmp.plan(model="llama2-7b", gpu=3.5, gpus=8), "gpu"),
        (lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=8, provider=1), "provider"),
        (lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=8, seq_len="long"), "seq_len"),
        (lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=8, layers=float("inf")), "layers"),
        (lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=8, pareto="yes"), "pareto"),
        (lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=8, assumptions={"mfu": 0.4}), "assumptions"),
        (lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=8, cache_dir=3), "cache_dir"),
        (lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=8, offers="offers.csv"), "offers"),
        (lambda: costcmp.price_cluster(gpu="H100", gpus="many"), "gpus"),
        (lambda: costcmp.price_cluster(gpu="H100", gpus=8, cpu_cores="lots"), "cpu_cores"),
        (lambda: costcmp.price_cluster(gpu="H100", gpus=8, network_gbps="fast"), "network_gbps"),
        (lambda: costcmp.price_cluster(gpu="H100", gpus=8, hpl_efficiency="0.7"), "hpl_efficiency"),
        (lambda: costcmp.price_cluster(preset=1), "preset"),
        (lambda: costcmp.load_offers(min_gpus="8"), "min_gpus"),
        (lambda: costcmp.load_offers(min_gpus=-1), "min_gpus"),
        (lambda: costcmp.load_offers(min_gpu_memory="80GB"), "min_gpu_memory"),
        (lambda: costcmp.load_offers(min_gpu_memory=float("nan")), "min_gpu_memory"),
        (lambda: costcmp.load_offers(gpu=["H100", 7]), "gpu"),
        (lambda: costcmp.filter_offers("not a frame"), "offers"),
        (lambda: costcmp.filter_offers(pd.DataFrame({"gpu": ["H100"]})), "offers"),
        (lambda: costcmp.filter_offers(costcmp.load_offers(), include_cpu="no"), "include_cpu"),
        (lambda: costcmp.resolve_gpu(None), "gpu"),
        (lambda: costcmp.gpu_spec(80), "gpu"),
        (lambda: costcmp.Assumptions(mfu="0.4"), "mfu"),
        (lambda: costcmp.Assumptions(goodput=True), "goodput"),
        (lambda: costcmp.Assumptions(max_gpus=2.5), "max_gpus"),
        (lambda: costcmp.Assumptions(commit_discounts=0.3), "commit_discounts"),
        (lambda: costcmp.plan_notes(pd.DataFrame()), "plans"),
        (lambda: costcmp.plan_notes("plans"), "plans"),
        (lambda: costcmp.build_run_story(pd.DataFrame(), [], {}), "plans"),
    ],
)
def test_bad_arguments_are_typed_errors_naming_the_parameter(call: Any, param: str) -> None:
    refused(call, param)


@pytest.mark.parametrize(
    "discounts",
    [
        {"reserved_3y": 2.0},
        {"reserved_3y": 1.0},
        {"reserved_1y": -0.1},
        {"reserved_1y": float("nan")},
        {"reserved_1y": "35%"},
        {"3y": 0.55},  # the CLI's spelling is text for the CLI; the library takes the pricing kinds
        {"reserved_5y": 0.5},
        "1y=35%",
    ],
)
def test_commit_discounts_are_fractions_below_one_keyed_by_pricing_kind(discounts: Any) -> None:
    error = refused(lambda: costcmp.price_cluster(gpu="V100-32GB", gpus=64, commit_discounts=discounts), "commit")
    assert isinstance(error, InvalidParameterError)
    refused(lambda: costcmp.Assumptions(commit_discounts=discounts), "commit_discounts")
    if discounts == {"3y": 0.55}:
        assert "reserved_3y" in str(error)


def test_valid_discounts_give_positive_estimates_everywhere() -> None:
    table = costcmp.price_cluster(gpu="V100-32GB", gpus=64, commit_discounts={"reserved_3y": 0.99})
    assert len(table) and (table["usd_per_hour"] > 0).all() and (table["usd_3y"] > 0).all()
    assert "reserved_3y" in set(table["pricing"])
    plans = costcmp.plan(
        model="llama2-7b",
        gpu="V100-32GB",
        gpus=64,
        assumptions=costcmp.Assumptions(commit_discounts={"reserved_1y": 0.5}, discount=0.99),
    )
    assert (plans["cost_usd"].dropna() > 0).all()


def test_an_offer_table_is_checked_at_the_door() -> None:
    offers = costcmp.load_offers(gpu="H100")
    no_count = offers.drop(columns="gpu_count")
    refused(lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=8, offers=no_count), "offers")
    refused(lambda: costcmp.price_cluster(gpu="H100", gpus=8, offers=offers.drop(columns="usd_per_hour")), "offers")
    bad = offers.copy()
    bad.loc[bad.index[0], ["usd_per_hour", "usd_per_gpu_hour"]] = [-8.0, -1.0]
    refused(lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=8, offers=bad), "offers")
    unknown = offers.copy()
    unknown.loc[unknown["pricing"] == "spot", "provider"] = "ibm"  # a provider the registry does not know
    for call in (
        lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=8, offers=unknown),
        lambda: costcmp.price_cluster(gpu="H100", gpus=8, offers=unknown),
        lambda: costcmp.filter_offers(unknown, gpu="H100"),
    ):
        error = refused(call, "offers")
        assert isinstance(error, costcmp.SchemaError) and "unknown provider" in str(error) and "'ibm'" in str(error)
    text = offers.astype(str)  # every column text, as from a hand-made CSV: converted, still accepted
    assert len(costcmp.plan(model="llama2-7b", gpu="H100", gpus=8, offers=text)) > 0


def test_an_empty_plan_frame_is_refused_or_described() -> None:
    plans = costcmp.plan(model="llama2-7b", gpu="H100", gpus=8)
    assert costcmp.plan_notes(plans.iloc[0:0]) == []
    refused(lambda: costcmp.build_run_story(plans.iloc[0:0], [], {}), "plans")
    bare = plans.copy()
    bare.attrs = {}
    refused(lambda: costcmp.plan_notes(bare), "workload")


def test_a_str_directory_is_accepted_for_the_report_bundle(tmp_path: Path) -> None:
    plans = costcmp.plan(model="llama2-7b", gpu="H100", gpus=[8, 64])
    story = costcmp.build_run_story(plans, ["data line"], {})
    target = str(tmp_path / "bundle")
    result = costcmp.write_report_bundle(story, costcmp.load_offers(gpu="H100"), target, sources={})
    assert "plan.csv" in result.written and (Path(target) / "plan.csv").is_file()
    refused(lambda: costcmp.write_report_bundle(story, costcmp.load_offers(), 42, sources={}), "directory")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_odd_values_never_escape_as_bare_python_errors(value: Any) -> None:
    calls = [
        lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=value),
        lambda: costcmp.plan(model="llama2-7b", gpu="H100", gpus=8, hidden=value),
        lambda: costcmp.price_cluster(gpu="H100", gpus=value),
        lambda: costcmp.price_cluster(gpu="H100", gpus=8, commit_discounts=value),
        lambda: costcmp.load_offers(min_gpus=value),
        lambda: costcmp.load_offers(region=value),
        lambda: costcmp.resolve_gpu(value),
        lambda: costcmp.Assumptions(goodput=value),
    ]
    for call in calls:
        try:
            call()
        except CostcmpError as exc:
            assert len(str(exc)) < 1_000
        except Exception as exc:  # the point of the test
            pytest.fail(f"{type(exc).__name__}: {exc}")


def test_a_long_bad_value_is_cut_in_the_message() -> None:
    error = refused(lambda: costcmp.resolve_gpu("X" * 100_000), "gpu")
    assert len(str(error)) < 1_000 and "100,002 chars" in str(error)


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_exports_honour_the_umask_and_a_replaced_file_keeps_its_mode(tmp_path: Path, umask: int) -> None:
    from costcmp.cli import main

    target = tmp_path / "prices.csv"
    previous = os.umask(umask)
    try:
        assert main(["prices", "--gpu", "H100", "--format", "csv", "--output", str(target)]) == 0
        assert target.stat().st_mode & 0o777 == 0o666 & ~umask
        target.chmod(0o664)
        assert main(["prices", "--gpu", "A100", "--format", "csv", "--output", str(target)]) == 0
        assert target.stat().st_mode & 0o777 == 0o664 and "A100" in target.read_text()
    finally:
        os.umask(previous)
