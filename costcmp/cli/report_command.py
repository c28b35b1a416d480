"""`costcmp report`: the whole story of a training run, and optionally the export bundle."""

from __future__ import annotations

import argparse
from pathlib import Path

from costcmp.cli import options
from costcmp.cli.app import console, data_lines, load, note, stdout


def add_report_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    r = commands.add_parser(
        "report",
        parents=[common],
        help="The whole story of a training run.",
        description="The whole story of a training run: what it needs, the cheapest and fastest options per "
        "cloud, the time/cost Pareto front, what spot and reservations change, and how old the prices are.",
    )
    options.add_workload(r)
    options.add_offer_filters(r, gpu_help="GPU model(s): V100-32GB,A100-80GB,H100.", pricing=False)
    r.add_argument(
        "--gpus", "-n", action="append", metavar="N", help="GPU counts to compare (default 64,256,1024,4096)."
    )
    options.add_commit_discount(r)
    r.add_argument(
        "--export-dir", metavar="DIR",
        help="Also write prices.csv, plan.csv, summary.json and cost_vs_time.png here.",
    )  # fmt: skip
    options.add_cache_dir(r)
    r.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    import dataclasses

    from costcmp import cache
    from costcmp.export import write_report_bundle
    from costcmp.offers import select_offers, with_derived
    from costcmp.planner import Assumptions, parse_commit_discounts
    from costcmp.planner import plan as make_plan
    from costcmp.render.story_view import run_story_view
    from costcmp.story import DEFAULT_SCALES, build_run_story

    assumptions = dataclasses.replace(Assumptions(), commit_discounts=parse_commit_discounts(args.commit_discount))
    if args.export_dir is not None:  # before anything is printed: a bad target is bad input
        _prepare_export_dir(Path(args.export_dir))
    snapshot = load(args)
    plans = make_plan(
        **options.workload_args(args),
        gpu=args.gpu,
        gpus=args.gpus or list(DEFAULT_SCALES),
        provider=args.provider,
        region=args.region,
        assumptions=assumptions,
        offers=snapshot.offers,
    )
    if plans.empty or not plans["fits"].any():
        reason = plans.attrs.get("empty_reason") or "no plan fits the model at these scales (try more --gpus)"
        note(f"No report: {reason}.")
        return 0
    shown = snapshot.offers[snapshot.offers["gpu"].isin(set(plans["gpu"].astype("object")))]
    story = build_run_story(plans, data_lines(snapshot, shown), cache.provider_ages(shown))
    run_story_view(console(stdout()), story)
    if args.export_dir is None:
        return 0
    prices = with_derived(select_offers(snapshot.offers, gpu=args.gpu, provider=args.provider, region=args.region))
    bundle = write_report_bundle(story, prices, Path(args.export_dir), sources=snapshot.meta.get("providers", {}))
    for reason in bundle.skipped.values():
        note(f"costcmp: {reason}")
    note(f"wrote {', '.join(bundle.written)} to {args.export_dir}")
    return 1 if bundle.skipped else 0


def _prepare_export_dir(directory: Path) -> None:
    from costcmp.errors import CostcmpError

    try:
        if directory.exists() and not directory.is_dir():
            raise NotADirectoryError(20, "it exists and is not a directory")
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CostcmpError(f"cannot write the report to {directory}: {exc.strerror or exc}") from None
