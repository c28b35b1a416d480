"""Commands about the price catalog: `prices` and `gpus`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from costcmp.cli._app import (
    CacheDirOption,
    FormatOption,
    NamesOption,
    OutputFormat,
    OutputOption,
    PricingOption,
    ProviderOption,
    RegionOption,
    _console,
    _data_lines,
    _emit,
    app,
)
from costcmp.errors import CostcmpError

if TYPE_CHECKING:
    from rich.console import Console


@app.command()
def prices(
    gpu: Annotated[
        NamesOption,
        typer.Option(
            "--gpu",
            "-g",
            help="GPU model(s), e.g. H100 or A100-80GB,H100. Aliases accepted (h100-sxm, a100-40gb).",
        ),
    ] = None,
    provider: ProviderOption = None,
    region: RegionOption = None,
    pricing: PricingOption = None,
    min_gpus: Annotated[
        int | None, typer.Option("--min-gpus", help="At least this many GPUs per instance.")
    ] = None,
    min_gpu_memory: Annotated[
        float | None, typer.Option("--min-gpu-memory", help="At least this much memory per GPU, GiB.")
    ] = None,
    sort: Annotated[
        str, typer.Option("--sort", help="Column to sort by (any output column).")
    ] = "usd_per_gpu_hour",
    descending: Annotated[bool, typer.Option("--desc", help="Sort in descending order.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", "-n", help="Show at most this many rows.")] = None,
    cpu: Annotated[
        bool,
        typer.Option(
            "--cpu", help="List CPU-only instances (physical cores, $/core-hour) instead of GPU ones."
        ),
    ] = False,
    fmt: FormatOption = OutputFormat.table,
    output: OutputOption = None,
    cache_dir: CacheDirOption = None,
) -> None:
    """Compare GPU instance prices across clouds: $/hour, $/GPU-hour and $ per peak PFLOP-hour.

    With --cpu: CPU-only instances by $/physical-core-hour (the CPU side of a cluster)."""
    from costcmp import cache, offers, render

    if cpu and (gpu or min_gpus or min_gpu_memory):
        raise CostcmpError("--cpu lists CPU-only instances: drop --gpu, --min-gpus and --min-gpu-memory")
    snapshot = cache.load_snapshot(cache_dir)
    rows = offers.filter_offers(
        snapshot.offers,
        gpu=gpu,
        provider=provider,
        region=region,
        pricing=pricing,
        min_gpus=min_gpus,
        min_gpu_memory=min_gpu_memory,
        include_cpu=cpu,
    )
    if cpu:
        from costcmp.cluster import with_cores

        rows = with_cores(rows[rows["gpu_count"] == 0])
        sort = "usd_per_core_hour" if sort == "usd_per_gpu_hour" else sort
    rows = offers.sort_offers(offers.with_derived(rows), sort, descending=descending, limit=limit)
    err = _console(sys.stderr, stderr=True)
    for warning in snapshot.warnings:
        render.footer(err, [], [warning])
    if rows.empty:
        render.message(err, "No offers match these filters (try fewer filters, or `costcmp prices` for all).")
        return

    def draw(console: Console) -> None:
        if cpu:
            render.cpu_offers_table(
                console, rows, title=f"CPU instance prices ({render.count(len(rows), 'offer')}, USD)"
            )
        else:
            render.offers_table(
                console, rows, title=f"GPU instance prices ({render.count(len(rows), 'offer')}, USD)"
            )
        render.footer(console, _data_lines(snapshot, rows))

    _emit(rows, fmt, output, draw)
    render.footer(err, [], cache.staleness_warnings(rows))


@app.command()
def gpus(fmt: FormatOption = OutputFormat.table, output: OutputOption = None) -> None:
    """The GPU hardware table: memory, bandwidth, dense peak TFLOPS per data type, TDP, sources."""
    from costcmp import hardware, render

    specs = hardware.gpu_specs()
    _emit(specs, fmt, output, lambda console: render.gpus_table(console, specs))
