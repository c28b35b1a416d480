"""Commands that tell a whole story: `cluster` (price a supercomputer) and `report` (a run, end to end)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from costcmp.cli._app import (
    CacheDirOption,
    ChinchillaOption,
    CommitDiscountOption,
    FlopsOption,
    FormatOption,
    ModelOption,
    NamesOption,
    OutputFormat,
    OutputOption,
    ParamsOption,
    PricingOption,
    ProviderOption,
    RegionOption,
    TokensOption,
    _console,
    _data_lines,
    _emit,
    _int_list,
    app,
)
from costcmp.errors import CostcmpError

if TYPE_CHECKING:
    from rich.console import Console


@app.command()
def cluster(
    gpu: Annotated[str | None, typer.Option("--gpu", "-g", help="GPU model, e.g. V100-32GB or H100.")] = None,
    gpus: Annotated[int | None, typer.Option("--gpus", "-n", help="Number of GPUs.")] = None,
    cpu_cores: Annotated[
        int | None,
        typer.Option(
            "--cpu-cores",
            help="Physical CPU cores in all (the GPU servers' cores count; CPU instances top up the rest).",
        ),
    ] = None,
    network_gbps: Annotated[
        float | None,
        typer.Option(
            "--network-gbps", help="Required network per GPU server, Gbit/s (offers below are flagged)."
        ),
    ] = None,
    cluster_preset: Annotated[
        str | None,
        typer.Option("--cluster-preset", help="msft-openai-2020: 10,000 V100-32GB, 285,000 cores, 400 Gbps."),
    ] = None,
    provider: ProviderOption = None,
    region: RegionOption = None,
    pricing: PricingOption = None,
    commit_discount: CommitDiscountOption = None,
    hpl_efficiency: Annotated[
        float | None, typer.Option("--hpl-efficiency", help="Linpack Rmax / Rpeak (default: Summit's, 0.74).")
    ] = None,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Price a whole cluster on every cloud: instances, CPU top-up, network, cost per hour to 3 years, and
    where its estimated Linpack Rmax would rank on the Top500."""
    from costcmp import cache, render
    from costcmp.cluster import cluster_table, resolve_cluster_preset
    from costcmp.offers import filter_offers, resolve_pricing, with_reserved_estimates
    from costcmp.planner.assumptions import parse_commit_discounts
    from costcmp.render import report
    from costcmp.top500 import HPL_EFFICIENCY

    preset = resolve_cluster_preset(cluster_preset) if cluster_preset else None
    gpu = gpu or (preset.gpu if preset else None)
    gpus = gpus if gpus is not None else (preset.gpus if preset else None)
    cpu_cores = cpu_cores if cpu_cores is not None else (preset.cpu_cores if preset else 0)
    network_gbps = network_gbps if network_gbps is not None else (preset.network_gbps if preset else None)
    if not gpu or gpus is None:
        raise CostcmpError(
            "say which cluster: --gpu and --gpus (and optionally --cpu-cores), or --cluster-preset"
        )
    snapshot = cache.load_snapshot(cache_dir)
    offers = filter_offers(snapshot.offers, provider=provider, region=region, include_cpu=True)
    offers = with_reserved_estimates(offers, parse_commit_discounts(commit_discount))
    kinds = resolve_pricing(pricing)
    if kinds:
        offers = offers[offers["pricing"].isin(kinds) | (offers["gpu_count"] == 0)]
    table = cluster_table(
        offers,
        gpu=gpu,
        gpus=gpus,
        cpu_cores=cpu_cores,
        network_gbps=network_gbps,
        hpl_efficiency=HPL_EFFICIENCY if hpl_efficiency is None else hpl_efficiency,
    )
    if table.empty:
        raise CostcmpError(
            f"no {gpu} offers match these filters (reserved kinds need data or --commit-discount)"
        )
    missing = [k for k in kinds if k not in set(table["pricing"])]
    err = _console(sys.stderr, stderr=True)
    for kind in missing:
        render.footer(
            err,
            [],
            [
                f"no {kind} prices in the data for {gpu} (run `costcmp refresh`, or estimate "
                f"them with --commit-discount)"
            ],
        )
    wanted = (
        f"{gpus:,} × {table['gpu'].iloc[0]}"
        + (f" + {cpu_cores:,} CPU cores" if cpu_cores else "")
        + (f", {network_gbps:,.0f} Gbps per GPU server" if network_gbps else "")
    )
    lines = [f"Cluster: {wanted}" + (f" (preset {preset.name})" if preset else "") + "."]
    lines += _data_lines(snapshot, snapshot.offers[snapshot.offers["provider"].isin(set(table["provider"]))])

    def draw(console: Console) -> None:
        report.cluster_summary(console, table, lines)
        report.cluster_table(
            console, table, title=f"What it costs ({render.count(len(table), 'offer')}, USD; month = 730 h)"
        )
        if preset:
            console.print(f"Preset source: {preset.source}", style="dim", highlight=False)

    _emit(table, fmt, output, draw)


@app.command()
def report(
    model: ModelOption = None,
    params: ParamsOption = None,
    tokens: TokensOption = None,
    flops: FlopsOption = None,
    chinchilla: ChinchillaOption = False,
    gpu: Annotated[
        NamesOption, typer.Option("--gpu", "-g", help="GPU model(s): V100-32GB,A100-80GB,H100.")
    ] = None,
    gpus: Annotated[
        NamesOption, typer.Option("--gpus", "-n", help="GPU counts to compare (default 64,256,1024,4096).")
    ] = None,
    provider: ProviderOption = None,
    region: RegionOption = None,
    commit_discount: CommitDiscountOption = None,
    export_dir: Annotated[
        Path | None,
        typer.Option(
            "--export-dir",
            help="Also write prices.csv, plan.csv, summary.json and cost_vs_time.png here.",
            file_okay=False,
        ),
    ] = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """The whole story of a training run: what it needs, the cheapest and fastest options per cloud, the
    time/cost Pareto front, what spot and reservations change, and how old the prices are."""
    import dataclasses
    import json

    from costcmp import cache, export
    from costcmp.offers import filter_offers, with_derived
    from costcmp.planner import Assumptions, parse_commit_discounts
    from costcmp.planner import plan as make_plan
    from costcmp.render import report as render_report
    from costcmp.report import DEFAULT_SCALES, build_report, summary_dict

    assumptions = dataclasses.replace(Assumptions(), commit_discounts=parse_commit_discounts(commit_discount))
    snapshot = cache.load_snapshot(cache_dir)
    scales = _int_list(gpus, "--gpus") or list(DEFAULT_SCALES)
    plans = make_plan(
        model=model,
        params=params,
        tokens=tokens,
        flops=flops,
        chinchilla=chinchilla,
        gpu=gpu,
        gpus=scales,
        provider=provider,
        region=region,
        assumptions=assumptions,
        offers=snapshot.offers,
    )
    shown = snapshot.offers[snapshot.offers["gpu"].isin(set(plans["gpu"]))]
    story = build_report(plans, _data_lines(snapshot, shown), cache.provider_ages(shown))
    render_report.run_report(_console(sys.stdout), story)
    if export_dir is None:
        return
    try:
        export_dir.mkdir(parents=True, exist_ok=True)
        prices = with_derived(filter_offers(snapshot.offers, gpu=gpu, provider=provider, region=region))
        with (export_dir / "prices.csv").open("w", encoding="utf-8", newline="") as handle:
            export.write_csv(prices, handle)
        with (export_dir / "plan.csv").open("w", encoding="utf-8", newline="") as handle:
            export.write_csv(plans, handle)
        summary = summary_dict(story, snapshot.meta.get("providers", {}))
        (export_dir / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    except OSError as exc:
        raise CostcmpError(f"cannot write to {export_dir}: {exc.strerror or exc}") from None
    from costcmp.plot import MissingExtraError, cost_vs_time

    written = ["prices.csv", "plan.csv", "summary.json"]
    try:
        cost_vs_time(
            plans,
            story.pareto,
            export_dir / "cost_vs_time.png",
            title=f"{story.workload.label}: cost vs time to train",
        )
        written.append("cost_vs_time.png")
    except MissingExtraError as exc:
        print(f"costcmp: {exc}", file=sys.stderr)
        print(f"wrote {', '.join(written)} to {export_dir}", file=sys.stderr)
        raise typer.Exit(1) from None
    print(f"wrote {', '.join(written)} to {export_dir}", file=sys.stderr)
