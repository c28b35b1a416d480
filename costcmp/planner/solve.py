"""From a workload and the offer table to ranked plans: fixed scales, deadline and budget solvers.

Everything runs on arrays indexed by offer: a plan row is (offer index, GPU count). The table is
built once at the end, already sorted, with categorical name columns, so a million-row plan needs a
few hundred MiB, not gigabytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from costcmp.errors import ConflictingParametersError, InvalidParameterError, PlanInfeasibleError
from costcmp.planner.core import evaluate_rows, offer_figures

if TYPE_CHECKING:
    import pandas as pd

    from costcmp.planner.assumptions import Assumptions
    from costcmp.planner.workload import Workload

Rows = dict[str, np.ndarray]

#: The plan table's columns, in order: what was chosen, what it takes, and the facts behind each row
#: (flags and numbers; `costcmp.describe.plan_notes` turns them into words for the rows a person sees).
PLAN_COLUMNS: tuple[str, ...] = (
    "provider",
    "region",
    "instance_type",
    "gpu",
    "pricing",
    "instances",
    "gpus",
    "efficiency",
    "network_derate",
    "days",
    "gpu_hours",
    "cost_usd",
    "gpu_hours_low",
    "gpu_hours_high",
    "days_low",
    "days_high",
    "cost_usd_low",
    "cost_usd_high",
    "commitment_usd",
    "usd_per_million_tokens",
    "fits",
    "min_gpus_to_fit",
    "idle_gpus",
    "interruptions",
    "spot_overhead",
    "term_used",
    "estimate",
    "fp8_fallback",
    "usd_per_hour",
    "effective_usd_per_hour",
    "pipeline_stages",
    "network_gbps",
    "gpu_count",
    "spot_interruption",
    "as_of",
    "source",
)
#: Columns taken from the offer (the rest are computed); the first five and the last two are categoricals.
_OFFER_COLUMNS = (
    "provider",
    "region",
    "instance_type",
    "gpu",
    "pricing",
    "network_gbps",
    "gpu_count",
    "spot_interruption",
    "as_of",
    "source",
)
_CATEGORICAL = ("provider", "region", "instance_type", "gpu", "pricing", "spot_interruption", "as_of", "source")
_OFFER_FIELDS = (
    "provider",
    "region",
    "instance_type",
    "gpu",
    "gpu_count",
    "gpu_memory_gb",
    "network_gbps",
    "pricing",
    "usd_per_hour",
    "spot_interruption",
    "as_of",
    "source",
)


def priced_offers(offers: pd.DataFrame, assumptions: Assumptions) -> pd.DataFrame:
    """GPU offers to plan on, plus reserved rows estimated from on-demand where `commit_discounts` asks
    and the data has no real rate of that kind (marked `estimate`)."""
    from costcmp.offers import with_reserved_estimates

    gpu_offers = offers.loc[offers["gpu_count"] > 0, [*_OFFER_FIELDS, "usd_per_gpu_hour", "detail"]]
    table = with_reserved_estimates(gpu_offers, assumptions.commit_discounts)
    return table.loc[:, [*_OFFER_FIELDS, "estimate"]].reset_index(drop=True)


def expand(offers: pd.DataFrame, gpu_counts: Sequence[int] | np.ndarray) -> pd.DataFrame:
    """The grid as a table: every offer row with every GPU count (column `gpus`)."""
    counts = np.asarray(gpu_counts, dtype="int64")
    grid = offers.iloc[np.repeat(np.arange(len(offers)), len(counts))].reset_index(drop=True)
    grid["gpus"] = np.tile(counts, len(offers))
    return grid


def _candidate_instances(max_instances: int) -> np.ndarray:
    """Instance counts to try: every count up to 32, then steps of 5% (refined by bisection later)."""
    small = np.arange(1, min(32, max_instances) + 1)
    if max_instances <= 32:
        return small
    steps = int(np.ceil(np.log(max_instances / 32) / np.log(1.05)))
    large = np.unique(np.round(32 * 1.05 ** np.arange(1, steps + 1)).astype("int64"))
    return np.unique(np.concatenate([small, large[large <= max_instances], [max_instances]]))


class _Evaluator:
    """Evaluates (offer, instance count) rows of one offer table for one workload."""

    def __init__(self, offers: pd.DataFrame, workload: Workload, assumptions: Assumptions) -> None:
        self.figures = offer_figures(offers, assumptions, workload)
        self.per_instance = offers["gpu_count"].to_numpy(dtype="int64")
        self.workload = workload
        self.assumptions = assumptions

    def gpus(self, offer_index: np.ndarray, gpus: np.ndarray) -> Rows:
        rows = evaluate_rows(self.figures, offer_index, gpus, self.workload, self.assumptions)
        rows["_offer"] = offer_index
        rows["gpus"] = np.asarray(gpus, dtype="int64")
        return rows

    def instances(self, offer_index: np.ndarray, instances: np.ndarray) -> Rows:
        return self.gpus(offer_index, np.asarray(instances, dtype="int64") * self.per_instance[offer_index])


def _subset(rows: Rows, mask: np.ndarray) -> Rows:
    return {name: values[mask] for name, values in rows.items()}


def _search(
    evaluator: _Evaluator,
    n_offers: int,
    ok: Callable[[Rows], np.ndarray],
    by_hours: bool,
) -> tuple[Rows, Rows]:
    """Per offer: scan candidate instance counts, then refine by bisection on whole instances.

    `ok(rows) -> bool array` says which rows satisfy the constraint. Without `by_hours` the smallest
    satisfying count wins (deadline); with it, the satisfying count with the fewest hours (budget),
    refined towards larger counts while the constraint holds and time does not grow.
    Returns (the chosen rows; every scanned candidate, for error messages).
    """
    max_inst = np.maximum(1, evaluator.assumptions.max_gpus // evaluator.per_instance)
    candidates = _candidate_instances(int(max_inst.max()))
    offer_index = np.repeat(np.arange(n_offers), len(candidates))
    inst = np.tile(candidates, n_offers)
    keep = inst <= max_inst[offer_index]
    offer_index, inst = offer_index[keep], inst[keep]
    scanned = evaluator.instances(offer_index, inst)
    scanned["_inst"] = inst
    good = ok(scanned)
    chosen = np.full(n_offers, -1, dtype="int64")
    if good.any():
        g_offer, g_inst = offer_index[good], inst[good]
        keys = (g_inst, scanned["hours"][good], g_offer) if by_hours else (g_inst, g_offer)
        order = np.lexsort(keys)
        first = np.unique(g_offer[order], return_index=True)[1]
        chosen[g_offer[order][first]] = g_inst[order][first]
    rows = np.flatnonzero(chosen > 0)
    if len(rows):
        idx = np.searchsorted(candidates, chosen[rows])
        if not by_hours:  # smallest satisfying count lies in (previous candidate, chosen]
            lo = np.where(idx > 0, candidates[np.maximum(idx - 1, 0)], 0)
            hi = chosen[rows].copy()
        else:  # largest satisfying count lies in [chosen, next candidate)
            lo = chosen[rows].copy()
            hi = np.where(idx + 1 < len(candidates), candidates[np.minimum(idx + 1, len(candidates) - 1)], lo + 1)
            hi = np.minimum(hi, max_inst[rows] + 1)
        base_hours = evaluator.instances(rows, lo)["hours"] if by_hours else None
        while np.any(hi - lo > 1):
            open_ = hi - lo > 1
            mid = np.where(open_, (lo + hi) // 2, hi)
            evaluated = evaluator.instances(rows, np.maximum(mid, 1))
            passed = ok(evaluated)
            if not by_hours:
                hi, lo = np.where(passed & open_, mid, hi), np.where(~passed & open_, mid, lo)
            else:
                better = passed & (evaluated["hours"] <= base_hours)
                lo, hi = np.where(better & open_, mid, lo), np.where(~better & open_, mid, hi)
        chosen[rows] = lo if by_hours else hi
    picked = np.flatnonzero(chosen > 0)
    return evaluator.instances(picked, chosen[picked]), scanned


def _describe_row(offers: pd.DataFrame, rows: Rows, i: int) -> str:
    offer = offers.iloc[int(rows["_offer"][i])]
    return (
        f"{int(rows['gpus'][i]):,} x {offer['gpu']} on {offer['provider']} {offer['instance_type']} "
        f"{offer['region']}, {offer['pricing']}, {rows['days'][i]:.3g} days"
    )


def solve_deadline(evaluator: _Evaluator, offers: pd.DataFrame, deadline_hours: float) -> Rows:
    """Per offer, the fewest whole instances that fit the model and finish within the deadline."""

    def ok(r: Rows) -> np.ndarray:
        return r["fits"] & (r["hours"] <= deadline_hours)

    final, scanned = _search(evaluator, len(offers), ok, by_hours=False)
    if not len(final["gpus"]):
        fitting = np.flatnonzero(scanned["fits"] & np.isfinite(scanned["hours"]))
        if not len(fitting):
            raise PlanInfeasibleError(f"no offer can hold the model within max_gpus {evaluator.assumptions.max_gpus:,}")
        best = fitting[np.argmin(scanned["hours"][fitting])]
        raise PlanInfeasibleError(
            f"no offer finishes within {deadline_hours / 24:.3g} days; the fastest is "
            f"{_describe_row(offers, scanned, int(best))}"
        )
    return final


def solve_budget(evaluator: _Evaluator, offers: pd.DataFrame, budget_usd: float) -> Rows:
    """Per offer, the fastest configuration (whole instances) whose cost stays within the budget."""

    def ok(r: Rows) -> np.ndarray:
        return r["fits"] & (r["cost_usd"] <= budget_usd)

    final, scanned = _search(evaluator, len(offers), ok, by_hours=True)
    if not len(final["gpus"]):
        fitting = np.flatnonzero(scanned["fits"] & np.isfinite(scanned["cost_usd"]))
        if not len(fitting):
            raise PlanInfeasibleError(f"no offer can hold the model within max_gpus {evaluator.assumptions.max_gpus:,}")
        best = fitting[np.argmin(scanned["cost_usd"][fitting])]
        raise PlanInfeasibleError(
            f"a budget of ${budget_usd:,.0f} buys no complete run; the cheapest is "
            f"${scanned['cost_usd'][best]:,.0f} ({_describe_row(offers, scanned, int(best))})"
        )
    return final


def pareto_mask(fits: np.ndarray, cost: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Rows not beaten on both cost and time by another row (among rows that fit and are priced)."""
    live = np.flatnonzero(fits & np.isfinite(cost) & np.isfinite(days))
    order = live[np.lexsort((days[live], cost[live]))]
    keep = np.zeros(len(fits), dtype=bool)
    if len(order):
        ordered_days = days[order]
        best = np.minimum.accumulate(ordered_days)
        front = np.ones(len(order), dtype=bool)
        front[1:] = ordered_days[1:] < best[:-1]
        keep[order[front]] = True
    return keep


def pareto_front(plans: pd.DataFrame) -> pd.DataFrame:
    """The plans no other plan beats on both cost and time, cheapest first."""
    mask = pareto_mask(plans["fits"].to_numpy(bool), plans["cost_usd"].to_numpy(float), plans["days"].to_numpy(float))
    front = plans[mask]
    return front.iloc[np.lexsort((front["days"].to_numpy(), front["cost_usd"].to_numpy()))]


def _sort_order(rows: Rows, by_time: bool) -> np.ndarray:
    """Plans that fit first, then by cost and time (time and cost under a budget); missing values last."""
    first, second = ("days", "cost_usd") if by_time else ("cost_usd", "days")
    # Missing values sort as +inf, i.e. last (a real infinite cost or time does not occur).
    return np.lexsort((np.nan_to_num(rows[second], nan=np.inf), np.nan_to_num(rows[first], nan=np.inf), ~rows["fits"]))


def build_table(offers: pd.DataFrame, rows: Rows, assumptions: Assumptions, *, by_time: bool) -> pd.DataFrame:
    """The plan table: rows sorted, offer columns gathered (names as categoricals), PLAN_COLUMNS order."""
    import pandas as pd

    order = _sort_order(rows, by_time)
    offer_index = rows["_offer"][order]
    columns: dict[str, object] = {}
    for name in _OFFER_COLUMNS:
        if name in _CATEGORICAL:
            codes, uniques = pd.factorize(offers[name].astype("object"), sort=True)
            columns[name] = pd.Categorical.from_codes(codes[offer_index], categories=uniques)
        else:
            columns[name] = offers[name].to_numpy()[offer_index]
    columns["estimate"] = offers["estimate"].to_numpy(bool)[offer_index]
    columns["usd_per_hour"] = offers["usd_per_hour"].to_numpy(float)[offer_index] * (1 - assumptions.discount)
    for name in PLAN_COLUMNS:
        if name not in columns:
            columns[name] = rows.pop(name)[order]  # pop: the unsorted array is freed as the sorted one is made
    columns["efficiency"] = np.round(columns["efficiency"], 6)  # type: ignore[call-overload]
    columns["network_derate"] = np.round(columns["network_derate"], 6)  # type: ignore[call-overload]
    columns["min_gpus_to_fit"] = np.asarray(columns["min_gpus_to_fit"]).astype("int64")
    return pd.DataFrame({name: columns[name] for name in PLAN_COLUMNS}, copy=False)


def plan_offers(
    offers: pd.DataFrame,
    workload: Workload,
    assumptions: Assumptions,
    *,
    gpu_counts: Iterable[int] | None = None,
    deadline_hours: float | None = None,
    budget_usd: float | None = None,
    pareto: bool = False,
    pricing_kinds: Sequence[str] = (),
) -> pd.DataFrame:
    """Plans for every offer in `offers` (already filtered): one row per offer x GPU count x pricing kind.

    `pricing_kinds` (empty: all) is applied after reserved estimates are derived from on-demand rows.
    """
    if deadline_hours is not None and budget_usd is not None:
        raise ConflictingParametersError("deadline", "budget", "cannot both be solved for: give one")
    counts = sorted(set(gpu_counts or []))
    if counts and (deadline_hours is not None or budget_usd is not None):
        solved = "deadline" if deadline_hours is not None else "budget"
        raise ConflictingParametersError("gpus", solved, f"conflict: the {solved} solver chooses the GPU count")
    candidates = priced_offers(offers, assumptions)
    if pricing_kinds:
        candidates = candidates[candidates["pricing"].isin(list(pricing_kinds))].reset_index(drop=True)
    evaluator = _Evaluator(candidates, workload, assumptions)
    if candidates.empty:  # an empty result, not an error; attrs say why
        empty = evaluator.gpus(np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64"))
        table = build_table(candidates, empty, assumptions, by_time=False)
        reserved = any(k.startswith("reserved") for k in pricing_kinds)
        table.attrs["empty_reason"] = "no GPU offer matches these filters" + (
            " (the data has no reserved rates: commit discounts (1y=..%,3y=..%) estimate them)" if reserved else ""
        )
        return table
    if deadline_hours is not None:
        rows = solve_deadline(evaluator, candidates, deadline_hours)
    elif budget_usd is not None:
        rows = solve_budget(evaluator, candidates, budget_usd)
    else:
        if not counts:
            raise InvalidParameterError(
                "gpus",
                "is missing: say how many GPUs (1024, or several: 256,1024), or give a deadline or a budget",
            )
        if counts[0] < 1 or counts[-1] > assumptions.max_gpus:
            raise InvalidParameterError("gpus", f"must be between 1 and {assumptions.max_gpus:,} (got {counts})")
        n, k = len(candidates), len(counts)
        rows = evaluator.gpus(np.repeat(np.arange(n), k), np.tile(np.asarray(counts, dtype="int64"), n))
    if pareto:
        rows = _subset(rows, pareto_mask(rows["fits"], rows["cost_usd"], rows["days"]))
    return build_table(candidates, rows, assumptions, by_time=budget_usd is not None)
