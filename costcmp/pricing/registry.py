"""The adapter table: how each provider's prices are fetched, by provider name.

Provider facts (names, regions, credential options, spot defaults...) live in `costcmp.providers`;
this table only maps each name to a builder of its adapter, which imports its SDK when called, so
importing this module stays cheap. `tests/test_registry.py` keeps both tables naming the same providers.
"""

from __future__ import annotations

from collections.abc import Callable

from costcmp.pricing.adapter import AdapterOptions, PriceAdapter
from costcmp.providers import provider_spec


def _build_aws(options: AdapterOptions) -> PriceAdapter:
    from costcmp.pricing.aws import AwsAdapter

    return AwsAdapter.from_session(
        profile=options.settings.get("aws_profile"), workers=options.workers, sleep=options.sleep
    )


def _build_azure(options: AdapterOptions) -> PriceAdapter:
    from costcmp.pricing.azure import AzureAdapter

    return AzureAdapter.from_environment(
        subscription=options.settings.get("azure_subscription"),
        currency=options.currency,
        sleep=options.sleep,
        workers=options.workers,
    )


def _build_gcp(options: AdapterOptions) -> PriceAdapter:
    from costcmp.pricing.gcp import GcpAdapter

    return GcpAdapter.from_environment(
        api_key=options.settings.get("gcp_api_key"), project=options.settings.get("gcp_project"), sleep=options.sleep
    )


#: Provider name -> the builder of its adapter, in the registry's order.
ADAPTER_BUILDERS: dict[str, Callable[[AdapterOptions], PriceAdapter]] = {
    "aws": _build_aws,
    "azure": _build_azure,
    "gcp": _build_gcp,
}


def build_adapter(name: str, options: AdapterOptions) -> PriceAdapter:
    """The adapter of provider `name`, built with the user's options (its SDK is imported now)."""
    return ADAPTER_BUILDERS[provider_spec(name).name](options)
