from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import costcmp
from costcmp.planner import Assumptions, PlanInfeasibleError, plan
from costcmp.planner.solve import PLAN_COLUMNS, _candidate_instances, pareto_front


def test_plan_columns_and_order(shipped_offers: pd.DataFrame) -> None:
    result = plan(model="llama2-70b", gpu="H100", gpus=[256, 1024], offers=shipped_offers)
    assert list(result.columns[: len(PLAN_COLUMNS)]) == list(PLAN_COLUMNS)
    fitting = result[result["fits"]]
    priced = fitting["cost_usd"].notna().to_numpy()
    assert fitting["cost_usd"][priced].is_monotonic_increasing
    assert list(priced) == sorted(priced, reverse=True)  # unknown cost (network not published) sorts last
    assert set(result["gpus"]) == {256, 1024} and set(result["provider"]) == {"aws", "azure", "gcp"}
    assert costcmp.plan is plan


def test_non_fitting_rows_rank_last_with_minimum(shipped_offers: pd.DataFrame) -> None:
    result = plan(
        model="llama3.1-405b",
        gpu="H100",
        gpus=[8, 2048],
        provider="aws",
        pricing="on_demand",
        offers=shipped_offers,
    )
    fits = result["fits"].to_numpy()
    assert fits[0] and not fits[-1] and list(fits) == sorted(fits, reverse=True)
    assert (result.loc[~result["fits"], "min_gpus_to_fit"] == 101).all()
    notes = costcmp.plan_notes(result[~result["fits"]])
    assert notes and all(">= 101 GPUs" in note for note in notes)


def test_deadline_finds_the_fewest_instances(shipped_offers: pd.DataFrame) -> None:
    a = Assumptions()
    result = plan(
        params="7e9",
        chinchilla=True,
        gpu="A100-80GB,H100",
        deadline="14d",
        offers=shipped_offers,
        assumptions=a,
    )
    assert (result["days"] <= 14).all() and result["fits"].all()
    for row in result.head(15).itertuples():
        if row.instances <= 1:
            continue
        fewer = plan(
            params="7e9",
            chinchilla=True,
            gpu=row.gpu,
            gpus=(row.instances - 1) * (row.gpus // row.instances),
            provider=row.provider,
            region=row.region,
            pricing=row.pricing,
            offers=shipped_offers,
        )
        same = fewer[fewer["instance_type"] == row.instance_type].iloc[0]
        assert same["days"] > 14, (row.instance_type, row.instances)


def test_deadline_solver_handles_large_scales_exactly(shipped_offers: pd.DataFrame) -> None:
    result = plan(
        model="llama2-70b",
        gpu="H100",
        deadline="7d",
        provider="aws",
        region="us-east-1",
        pricing="on_demand",
        offers=shipped_offers,
    )
    p5 = result[result["instance_type"] == "p5.48xlarge"].iloc[0]
    assert p5["days"] <= 7 and p5["instances"] > 32
    one_less = plan(
        model="llama2-70b",
        gpu="H100",
        gpus=int(p5["gpus"]) - 8,
        provider="aws",
        region="us-east-1",
        pricing="on_demand",
        offers=shipped_offers,
    )
    assert one_less[one_less["instance_type"] == "p5.48xlarge"].iloc[0]["days"] > 7


def test_impossible_deadline_names_the_fastest(shipped_offers: pd.DataFrame) -> None:
    with pytest.raises(PlanInfeasibleError, match=r"no offer finishes within 0\.0417 days; the fastest is"):
        plan(model="llama3.1-405b", gpu="H100", deadline="1h", offers=shipped_offers)


def test_budget_finds_the_fastest_affordable(shipped_offers: pd.DataFrame) -> None:
    result = plan(model="llama2-7b", gpu="H100", budget="250k", provider="aws", pricing="spot", offers=shipped_offers)
    assert (result["cost_usd"] <= 250e3).all() and result["days"].is_monotonic_increasing
    top = result.iloc[0]
    per = int(top["gpus"] // top["instances"])
    more = plan(
        model="llama2-7b",
        gpu="H100",
        gpus=int(top["gpus"]) + per,
        provider="aws",
        region=top["region"],
        pricing="spot",
        offers=shipped_offers,
    )
    bigger = more[more["instance_type"] == top["instance_type"]].iloc[0]
    assert bigger["cost_usd"] > 250e3 or bigger["days"] >= top["days"]


def test_tiny_budget_names_the_cheapest(shipped_offers: pd.DataFrame) -> None:
    with pytest.raises(PlanInfeasibleError, match=r"a budget of \$10 buys no complete run; the cheapest is \$"):
        plan(model="llama2-70b", gpu="H100", budget=10, offers=shipped_offers)


def test_commit_discount_estimates_and_reserved_term(shipped_offers: pd.DataFrame) -> None:
    a = Assumptions(commit_discounts={"reserved_1y": 0.35})
    result = plan(
        params="7B",
        tokens="100B",
        gpu="H100",
        gpus=64,
        pricing="reserved_1y",
        provider="aws",
        region="us-east-1",
        offers=shipped_offers,
        assumptions=a,
    )
    p5 = result[result["instance_type"] == "p5.48xlarge"].iloc[0]
    assert p5["estimate"] and p5["usd_per_hour"] == pytest.approx(55.04 * 0.65)
    assert p5["cost_usd"] == pytest.approx(8760 * 55.04 * 0.65 * 8)
    assert p5["term_used"] < 1 and p5["commitment_usd"] == pytest.approx(p5["cost_usd"])
    note = costcmp.plan_notes(result[result["instance_type"] == "p5.48xlarge"].head(1))[0]
    assert "estimate: on-demand -35%" in note and "bills the whole 1y term" in note
    without = plan(
        params="7B",
        tokens="100B",
        gpu="H100",
        gpus=64,
        provider="aws",
        region="us-east-1",
        offers=shipped_offers,
    )
    assert "reserved_1y" not in set(without["pricing"])


def test_pareto_front_has_no_dominated_rows(shipped_offers: pd.DataFrame) -> None:
    result = plan(model="llama2-70b", gpu="A100-80GB,H100", gpus=[256, 1024, 4096], pareto=True, offers=shipped_offers)
    assert len(result) >= 2
    cost, days = result["cost_usd"].to_numpy(), result["days"].to_numpy()
    for i in range(len(result)):
        dominated = (cost <= cost[i]) & (days <= days[i]) & ((cost < cost[i]) | (days < days[i]))
        assert not dominated.any()
    assert len(pareto_front(pd.DataFrame({"fits": [True], "cost_usd": [1.0], "days": [1.0]}))) == 1


def test_request_errors(shipped_offers: pd.DataFrame) -> None:
    with pytest.raises(costcmp.InvalidParameterError, match="say how many GPUs"):
        plan(model="llama2-7b", gpu="H100", offers=shipped_offers)
    with pytest.raises(costcmp.ConflictingParametersError, match="deadline and budget"):
        plan(model="llama2-7b", gpu="H100", deadline="7d", budget="1M", offers=shipped_offers)
    with pytest.raises(costcmp.ConflictingParametersError, match="gpus and budget"):
        plan(model="llama2-7b", gpu="H100", gpus=8, budget="1M", offers=shipped_offers)
    with pytest.raises(costcmp.InvalidParameterError, match="gpus must be") as caught:
        plan(model="llama2-7b", gpu="H100", gpus=0, offers=shipped_offers)
    assert caught.value.param == "gpus"
    with pytest.raises(costcmp.InvalidParameterError, match="gpus must be between"):
        plan(model="llama2-7b", gpu="H100", gpus=10**9, offers=shipped_offers)
    empty = plan(model="llama2-7b", gpu="B200", provider="azure", gpus=8, offers=shipped_offers)
    assert empty.empty and "no GPU offer" in empty.attrs["empty_reason"]


def test_deadline_means_days_for_every_input_type(shipped_offers: pd.DataFrame) -> None:
    args = {"model": "llama2-7b", "gpu": "H100", "provider": "aws", "region": "us-east-1", "offers": shipped_offers}
    as_text, as_number, with_unit = (plan(deadline=d, **args) for d in ("30", 30, "30d"))
    assert as_text.attrs["deadline_hours"] == as_number.attrs["deadline_hours"] == 720
    assert list(as_text["gpus"]) == list(as_number["gpus"]) == list(with_unit["gpus"])


def test_name_columns_are_categorical(shipped_offers: pd.DataFrame) -> None:
    result = plan(model="llama2-7b", gpu="H100,A100", gpus=[64, 128], offers=shipped_offers)
    for column in ("provider", "region", "instance_type", "gpu", "pricing"):
        assert isinstance(result[column].dtype, pd.CategoricalDtype), column
    assert result["idle_gpus"].dtype == "int64" and result["fits"].dtype == bool


def test_candidates_cover_the_range() -> None:
    c = _candidate_instances(25_000)
    assert c[0] == 1 and c[-1] == 25_000 and list(c[:32]) == list(range(1, 33))
    assert np.all(c[33:] / c[32:-1] <= 1.07)  # coarse steps; bisection makes the answer exact
    assert list(_candidate_instances(5)) == [1, 2, 3, 4, 5]


def test_assumptions_are_recorded(shipped_offers: pd.DataFrame) -> None:
    a = dataclasses.replace(Assumptions(), mfu=0.5)
    result = plan(model="llama2-7b", gpu="H100", gpus=64, offers=shipped_offers, assumptions=a)
    assert result.attrs["assumptions"].mfu == 0.5 and result.attrs["workload"].label == "llama2-7b"
    assert result["efficiency"].iloc[0] == pytest.approx(0.5 * 0.90)
