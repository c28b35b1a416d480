"""Where prices come from: the adapter table (`registry`; provider facts are `costcmp.providers`), the
adapter contract (`adapter`) and one adapter module per provider, each turning its provider's APIs into
rows of the offer schema.

Nothing here imports a cloud SDK: each adapter imports its own when it is built.
"""

from costcmp.errors import CredentialsError, RegionFetchError
from costcmp.pricing.adapter import AdapterOptions, PageCallback, PriceAdapter, RegionResult, one_line
from costcmp.pricing.registry import ADAPTER_BUILDERS, build_adapter
from costcmp.providers import PROVIDERS, REGISTRY, ProviderSpec, provider_spec

__all__ = [
    "ADAPTER_BUILDERS",
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
