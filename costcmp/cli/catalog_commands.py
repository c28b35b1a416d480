"""Commands about the price catalog: `prices` and `gpus`."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from costcmp.cli import options
from costcmp.cli.app import data_lines, emit, load, note, warn
from costcmp.errors import ConflictingParametersError

#: Rows a terminal table shows when --limit is not given; CSV and JSON always carry every row.
TABLE_ROWS = 40

if TYPE_CHECKING:
    from rich.console import Console


def add_catalog_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    prices_parser = commands.add_parser(
        "prices",
        parents=[common],
        help="Compare GPU instance prices across clouds.",
        description="Compare GPU instance prices across clouds: $/hour, $/GPU-hour and $ per peak PFLOP-hour. "
        "With --cpu: CPU-only instances by $/physical-core-hour (the CPU side of a cluster).",
    )
    options.add_offer_filters(
        prices_parser,
        gpu_help="GPU model(s), e.g. H100 or A100-80GB,H100. Aliases accepted (h100-sxm, a100-40gb).",
    )
    prices_parser.add_argument("--min-gpus", type=options.whole_number, help="At least this many GPUs per instance.")
    prices_parser.add_argument(
        "--min-gpu-memory",
        type=options.finite_float,
        metavar="GIB",
        help="At least this much memory per GPU, GiB.",
    )
    prices_parser.add_argument(
        "--sort", default="usd_per_gpu_hour", metavar="COLUMN", help="Column to sort by (any output column)."
    )
    prices_parser.add_argument("--desc", action="store_true", help="Sort in descending order.")
    prices_parser.add_argument("--limit", "-n", type=options.whole_number, help="Show at most this many rows.")
    prices_parser.add_argument(
        "--cpu",
        action="store_true",
        help="List CPU-only instances (physical cores, $/core-hour) instead of GPU ones.",
    )
    options.add_output(prices_parser)
    options.add_cache_dir(prices_parser)
    prices_parser.set_defaults(run=run_prices)

    gpus_parser = commands.add_parser(
        "gpus",
        parents=[common],
        help="The GPU hardware table.",
        description="The GPU hardware table: memory, bandwidth, dense peak TFLOPS per data type, TDP, sources.",
    )
    options.add_output(gpus_parser)
    gpus_parser.set_defaults(run=run_gpus)


def run_prices(args: argparse.Namespace) -> int:
    from costcmp import cache, offers

    if args.cpu and (args.gpu or args.min_gpus is not None or args.min_gpu_memory is not None):
        other = "gpu" if args.gpu else ("min_gpus" if args.min_gpus is not None else "min_gpu_memory")
        raise ConflictingParametersError("cpu", other, "conflict: --cpu lists CPU-only instances")
    snapshot = load(args)
    rows = offers.select_offers(
        snapshot.offers,
        gpu=args.gpu,
        provider=args.provider,
        region=args.region,
        pricing=args.pricing,
        min_gpus=args.min_gpus,
        min_gpu_memory=args.min_gpu_memory,
        include_cpu=args.cpu,
    )
    sort = args.sort
    if args.cpu:
        from costcmp.cluster import with_cores

        rows = with_cores(rows[rows["gpu_count"] == 0])
        sort = "usd_per_core_hour" if sort == "usd_per_gpu_hour" else sort
    rows = offers.sort_offers(offers.with_derived(rows), sort, descending=args.desc, limit=args.limit)
    if rows.empty:
        note("No offers match these filters (try fewer filters, or `costcmp prices` for all).")
        return 0
    table_rows = rows if args.limit is not None or args.fmt != "table" else rows.head(TABLE_ROWS)

    def draw(console: Console) -> None:
        from costcmp.render import offer_tables
        from costcmp.render.formatting import count
        from costcmp.render.layout import footer

        shown = (
            f"{len(table_rows):,} of {count(len(rows), 'offer')}"
            if len(table_rows) < len(rows)
            else count(len(rows), "offer")
        )
        title = f"{'CPU' if args.cpu else 'GPU'} instance prices ({shown}, USD)"
        if args.cpu:
            offer_tables.cpu_offers_table(console, table_rows, title=title)
        else:
            offer_tables.offers_table(console, table_rows, title=title)
        if len(table_rows) < len(rows):
            footer(console, [f"({len(rows) - len(table_rows):,} more offers: --limit N shows more, --format csv all.)"])
        footer(console, data_lines(snapshot, rows))

    emit(rows, args.fmt, args.output, draw)
    warn(cache.staleness_warnings(rows))
    return 0


def run_gpus(args: argparse.Namespace) -> int:
    from costcmp import hardware

    specs = hardware.gpu_specs()

    def draw(console: Console) -> None:
        from costcmp.render.offer_tables import gpus_table

        gpus_table(console, specs)

    emit(specs, args.fmt, args.output, draw)
    return 0
