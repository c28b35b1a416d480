"""`costcmp refresh`: replace cached prices from the providers' APIs."""

from __future__ import annotations

import argparse
import os
import sys

from costcmp.cli import options
from costcmp.cli.app import console, note, stdout, warn
from costcmp.errors import InvalidParameterError
from costcmp.providers import PROVIDERS, REGISTRY


def add_refresh_command(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    r = commands.add_parser(
        "refresh",
        parents=[common],
        help="Replace cached prices with today's from the providers' APIs.",
        description="Replace cached prices with today's from the providers' APIs (the shipped snapshot is never "
        "touched). Exit status: 0 if every region refreshed, 1 if any region or provider failed (previous rows "
        "are kept), 2 for bad input, or missing credentials for a provider you named.",
    )
    r.add_argument(
        "--provider", "-p", action="append", metavar="NAME",
        help=f"{', '.join(PROVIDERS)} (default: every provider).",
    )  # fmt: skip
    r.add_argument(
        "--region", "-r", action="append", metavar="CODE",
        help="Region code(s) (default: every region the provider lists; needs a single --provider).",
    )  # fmt: skip
    for spec in REGISTRY.values():  # each provider's credential options, from the registry
        for option in spec.credential_options:
            r.add_argument(option.flag, dest=option.key, metavar="VALUE", help=f"{option.help} (env {option.env})")
    r.add_argument("--currency", default="USD", help="Currency of the prices (the cache holds USD).")
    r.add_argument("--workers", type=options.whole_number, default=16, help="Regions fetched at once (1-64).")
    options.add_cache_dir(r)
    r.set_defaults(run=run_refresh)


def run_refresh(args: argparse.Namespace) -> int:
    from costcmp.errors import CredentialsError
    from costcmp.offers import split_names
    from costcmp.pricing.adapter import AdapterOptions
    from costcmp.pricing.registry import build_adapter
    from costcmp.providers import provider_spec
    from costcmp.refresh import refresh as run_refresh

    if args.currency.strip().upper() != "USD":
        raise InvalidParameterError(
            "currency",
            f"{args.currency}: the price cache holds USD (AWS publishes USD only, and mixing currencies would "
            "make every comparison wrong); only USD is supported",
        )
    if not 1 <= args.workers <= 64:
        raise InvalidParameterError("workers", f"must be from 1 to 64 (got {args.workers})")
    named = [provider_spec(p).name for p in split_names(args.provider, "provider")]
    regions = split_names(args.region, "region")
    if regions and len(named) != 1:
        raise InvalidParameterError("region", "needs a single --provider (region codes differ between providers)")
    if regions:
        regions = [REGISTRY[named[0]].validate_region(r) for r in regions]
    from costcmp import cache

    cache.ensure_writable(cache.user_cache_dir(args.cache_dir))  # before credentials or any network call
    settings = {
        option.key: getattr(args, option.key) or os.environ.get(option.env) or None
        for spec in REGISTRY.values()
        for option in spec.credential_options
    }
    adapter_options = AdapterOptions(settings=settings, workers=args.workers)
    adapters = []
    unavailable = []
    for name in named or list(PROVIDERS):
        try:
            adapters.append(build_adapter(name, adapter_options))
        except CredentialsError as exc:
            if named:  # the user asked for this provider: a clear error
                raise
            unavailable.append(f"skipped {name}: {exc}")
    warn(unavailable)
    if not adapters:
        return 1
    wanted = {adapters[0].name: regions} if regions else {}
    from costcmp.render.refresh_view import LogRefreshProgress, RichRefreshProgress, refresh_summary

    err = console(sys.stderr, stderr=True)
    progress = RichRefreshProgress(err) if sys.stderr.isatty() else LogRefreshProgress(sys.stderr)
    with progress:
        report = run_refresh(
            adapters, wanted, cache_dir=args.cache_dir, workers=args.workers, progress=progress, on_wait=note
        )
    refresh_summary(console(stdout()), report)
    warn(report.notes)
    return 1 if report.failed or unavailable else 0
