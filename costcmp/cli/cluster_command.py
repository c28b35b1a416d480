"""`costcmp cluster`: price a whole cluster (GPUs, CPU cores, network) on every cloud."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from costcmp.cli import options
from costcmp.cli.app import data_lines, emit, load, note, warn

if TYPE_CHECKING:
    from rich.console import Console


def add_cluster_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    from costcmp.cluster import CLUSTER_PRESETS

    presets = "; ".join(
        f"{p.name}: {p.gpus:,} {p.gpu}, {p.cpu_cores:,} cores, {p.network_gbps:,.0f} Gbps"
        for p in CLUSTER_PRESETS.values()
    )
    c = commands.add_parser(
        "cluster",
        parents=[common],
        help="Price a whole cluster on every cloud.",
        description="Price a whole cluster on every cloud: instances, CPU top-up, network, cost per hour to 3 "
        "years, and where its estimated Linpack Rmax would rank on the Top500.",
    )
    c.add_argument("--gpu", "-g", help="GPU model, e.g. V100-32GB or H100.")
    c.add_argument("--gpus", "-n", help="Number of GPUs (a whole number: 10000, 10k).")
    c.add_argument(
        "--cpu-cores", type=options.whole_number,
        help="Physical CPU cores in all (the GPU servers' cores count; CPU instances top up the rest).",
    )  # fmt: skip
    c.add_argument(
        "--network-gbps", type=options.finite_float,
        help="Required network per GPU server, Gbit/s (offers below are flagged).",
    )  # fmt: skip
    c.add_argument("--cluster-preset", help=presets.replace("%", "%%"))
    options.add_offer_filters(c, gpu_help="", with_gpu=False)
    options.add_commit_discount(c)
    c.add_argument(
        "--hpl-efficiency", type=options.finite_float, help="Linpack Rmax / Rpeak (default: Summit's, 0.74)."
    )
    options.add_output(c)
    options.add_cache_dir(c)
    c.set_defaults(run=run_cluster)


def run_cluster(args: argparse.Namespace) -> int:
    from costcmp.cluster import MAX_CLUSTER_GPUS, price_cluster
    from costcmp.planner.assumptions import parse_commit_discounts
    from costcmp.units import parse_count

    snapshot = load(args)
    table = price_cluster(
        gpu=args.gpu,
        gpus=parse_count(args.gpus, "gpus", maximum=MAX_CLUSTER_GPUS) if args.gpus is not None else None,
        cpu_cores=args.cpu_cores,
        network_gbps=args.network_gbps,
        preset=args.cluster_preset,
        provider=args.provider,
        region=args.region,
        pricing=args.pricing,
        commit_discounts=parse_commit_discounts(args.commit_discount),
        hpl_efficiency=args.hpl_efficiency,
        offers=snapshot.offers,
    )
    request = table.attrs["request"]
    warn(
        [
            f"no {kind} prices in the data for {request['gpu']} (run `costcmp refresh`, or estimate them "
            "with --commit-discount)"
            for kind in table.attrs["missing_pricing"]
        ]
    )
    if table.empty:
        note(f"No {request['gpu']} offers match these filters.")
        return 0
    wanted = (
        f"{request['gpus']:,} × {request['gpu']}"
        + (f" + {request['cpu_cores']:,} CPU cores" if request["cpu_cores"] else "")
        + (f", {request['network_gbps']:,.0f} Gbps per GPU server" if request["network_gbps"] else "")
    )
    lines = [f"Cluster: {wanted}" + (f" (preset {request['preset']})" if request["preset"] else "") + "."]
    lines += data_lines(snapshot, snapshot.offers[snapshot.offers["provider"].isin(set(table["provider"]))])

    def draw(console: Console) -> None:
        from costcmp.render.cluster_view import cluster_costs_table, cluster_summary
        from costcmp.render.formatting import count
        from costcmp.units import HOURS_PER_MONTH

        cluster_summary(console, table, lines)
        title = f"What it costs ({count(len(table), 'offer')}, USD; month = {HOURS_PER_MONTH:.0f} h)"
        cluster_costs_table(console, table, title=title)
        if request["preset_source"]:
            console.print(f"Preset source: {request['preset_source']}", style="dim")

    emit(table, args.fmt, args.output, draw)
    return 0
