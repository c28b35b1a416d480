"""costcmp: what will it cost, on which cloud, and how long will it take, to train this model at this scale?

The public Python API. Importing it is cheap: each name below loads its module on first use, so
numpy, pandas, rich, boto3 and the Azure SDK load only when a function that needs them is called.

    >>> import costcmp
    >>> h100 = costcmp.load_offers(gpu="H100", pricing="on_demand")   # a pandas DataFrame
    >>> plans = costcmp.plan(model="llama2-70b", gpu="H100", gpus=1024)
    >>> cluster = costcmp.price_cluster(preset="msft-openai-2020")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> the module that defines it (imported on first access).
_LAZY: dict[str, str] = {
    "Assumptions": "costcmp.planner.assumptions",
    "CacheError": "costcmp.errors",
    "ConflictingParametersError": "costcmp.errors",
    "CostcmpError": "costcmp.errors",
    "CredentialsError": "costcmp.errors",
    "InvalidParameterError": "costcmp.errors",
    "PLAN_COLUMNS": "costcmp.planner.solve",
    "PRICING_KINDS": "costcmp.schema",
    "PROVIDERS": "costcmp.providers",
    "PlanInfeasibleError": "costcmp.errors",
    "REGISTRY": "costcmp.providers",
    "SCHEMA_COLUMNS": "costcmp.schema",
    "SchemaError": "costcmp.errors",
    "StaleDataWarning": "costcmp.errors",
    "UnknownGPUError": "costcmp.errors",
    "UnknownNameError": "costcmp.errors",
    "build_run_story": "costcmp.story",
    "filter_offers": "costcmp.offers",
    "gpu_spec": "costcmp.hardware",
    "gpu_specs": "costcmp.hardware",
    "load_offers": "costcmp.offers",
    "plan": "costcmp.planner",
    "plan_notes": "costcmp.describe",
    "price_cluster": "costcmp.cluster",
    "resolve_gpu": "costcmp.hardware",
    "write_report_bundle": "costcmp.export",
}

__all__ = [
    "Assumptions",
    "CacheError",
    "ConflictingParametersError",
    "CostcmpError",
    "CredentialsError",
    "InvalidParameterError",
    "PLAN_COLUMNS",
    "PRICING_KINDS",
    "PROVIDERS",
    "PlanInfeasibleError",
    "REGISTRY",
    "SCHEMA_COLUMNS",
    "SchemaError",
    "StaleDataWarning",
    "UnknownGPUError",
    "UnknownNameError",
    "__version__",
    "build_run_story",
    "filter_offers",
    "gpu_spec",
    "gpu_specs",
    "load_offers",
    "plan",
    "plan_notes",
    "price_cluster",
    "resolve_gpu",
    "write_report_bundle",
]

if TYPE_CHECKING:
    from costcmp.cluster import price_cluster
    from costcmp.describe import plan_notes
    from costcmp.errors import (
        CacheError,
        ConflictingParametersError,
        CostcmpError,
        CredentialsError,
        InvalidParameterError,
        PlanInfeasibleError,
        SchemaError,
        StaleDataWarning,
        UnknownGPUError,
        UnknownNameError,
    )
    from costcmp.export import write_report_bundle
    from costcmp.hardware import gpu_spec, gpu_specs, resolve_gpu
    from costcmp.offers import filter_offers, load_offers
    from costcmp.planner import plan
    from costcmp.planner.assumptions import Assumptions
    from costcmp.planner.solve import PLAN_COLUMNS
    from costcmp.providers import PROVIDERS, REGISTRY
    from costcmp.schema import PRICING_KINDS, SCHEMA_COLUMNS
    from costcmp.story import build_run_story


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'costcmp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
