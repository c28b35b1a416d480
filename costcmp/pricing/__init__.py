"""Where prices come from: the provider registry (`registry`), the adapter contract (`adapter`) and
one adapter module per provider, each turning its provider's APIs into rows of the offer schema.

Nothing here imports a cloud SDK: each adapter imports its own when it is built.
"""

from costcmp.errors import CredentialsError, RegionFetchError
from costcmp.pricing.adapter import AdapterOptions, PageCallback, PriceAdapter, RegionResult, one_line
from costcmp.pricing.registry import PROVIDERS, REGISTRY, ProviderSpec, build_adapter, provider_spec

__all__ = [
    "PROVIDERS",
    "REGISTRY",
    "AdapterOptions",
    "CredentialsError",
    "PageCallback",
    "PriceAdapter",
    "ProviderSpec",
    "RegionFetchError",
    "RegionResult",
    "build_adapter",
    "one_line",
    "provider_spec",
]
