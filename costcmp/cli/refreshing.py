"""`refresh`: replace cached prices from the providers' APIs."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from costcmp.cli._app import (
    CacheDirOption,
    NamesOption,
    _console,
    app,
)
from costcmp.errors import CostcmpError

if TYPE_CHECKING:
    pass


@app.command()
def refresh(
    provider: Annotated[
        NamesOption, typer.Option("--provider", "-p", help="aws, azure (default: every provider).")
    ] = None,
    region: Annotated[
        NamesOption,
        typer.Option(
            "--region",
            "-r",
            help="Region code(s) (default: every region the provider lists; needs a single --provider).",
        ),
    ] = None,
    aws_profile: Annotated[
        str | None,
        typer.Option("--aws-profile", help="AWS profile (default: the standard credential chain)."),
    ] = None,
    subscription: Annotated[
        str | None,
        typer.Option(
            "--subscription",
            help="Azure subscription for GPU facts and restrictions (default: $AZURE_SUBSCRIPTION_ID).",
        ),
    ] = None,
    currency: Annotated[
        str, typer.Option("--currency", help="Currency of the prices (the cache holds USD).")
    ] = "USD",
    workers: Annotated[int, typer.Option("--workers", help="Regions fetched at once.")] = 16,
    cache_dir: CacheDirOption = None,
) -> None:
    """Replace cached prices with today's from the providers' APIs (the shipped snapshot is never touched).

    Exit status: 0 if every region refreshed, 1 if any region or provider failed (previous rows are
    kept), 2 for bad input, or missing credentials for a provider you named.
    """
    from costcmp import render
    from costcmp.offers import split_names
    from costcmp.pricing import ADAPTERS, AdapterOptions, CredentialsError, build_adapter
    from costcmp.refresh import refresh as run_refresh

    if currency.upper() != "USD":
        raise CostcmpError(
            f"--currency {currency}: the price cache holds USD (AWS publishes USD only, and "
            "mixing currencies would make every comparison wrong); only USD is supported"
        )
    named = [p.lower() for p in split_names(provider)]
    options = AdapterOptions(aws_profile=aws_profile, azure_subscription=subscription, workers=workers)
    adapters = []
    unavailable = []
    for name in named or list(ADAPTERS):
        try:
            adapters.append(build_adapter(name, options))
        except CredentialsError as exc:
            if named:  # the user asked for this provider: a clear error
                raise
            unavailable.append(f"{name}: {exc}")
    regions = split_names(region)
    if regions and len(adapters) != 1:
        raise CostcmpError("--region needs a single --provider (region codes differ between providers)")
    err = _console(sys.stderr, stderr=True)
    for line in unavailable:
        render.footer(err, [], [f"skipped {line}"])
    if not adapters:
        raise typer.Exit(1)
    wanted = {adapters[0].name: regions} if regions else {}
    progress = (
        render.RichRefreshProgress(err) if sys.stderr.isatty() else render.LogRefreshProgress(sys.stderr)
    )
    with progress:
        report = run_refresh(adapters, wanted, cache_dir=cache_dir, workers=workers, progress=progress)
    render.refresh_summary(_console(sys.stdout), report)
    if report.failed or unavailable:
        raise typer.Exit(1)
