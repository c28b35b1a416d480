"""costcmp: what will it cost, on which cloud, and how long will it take, to train this model at this scale?

The public Python API. Importing it is cheap: pandas, boto3 and the Azure SDK load only when used.

    >>> import costcmp
    >>> h100 = costcmp.load_offers(gpu="H100", pricing="on_demand")   # a pandas DataFrame
    >>> costcmp.gpu_specs().set_index("name").loc["H100", "bf16_tflops"]
    989.4
"""

from costcmp.errors import CacheError, CostcmpError, SchemaError, UnknownGPUError, UnknownNameError
from costcmp.hardware import gpu_spec, gpu_specs, resolve_gpu
from costcmp.offers import filter_offers, load_offers
from costcmp.planner import plan
from costcmp.schema import PRICING_KINDS, PROVIDERS, SCHEMA_COLUMNS

__version__ = "0.1.0"

__all__ = [
    "CacheError",
    "CostcmpError",
    "PRICING_KINDS",
    "PROVIDERS",
    "SCHEMA_COLUMNS",
    "SchemaError",
    "UnknownGPUError",
    "UnknownNameError",
    "__version__",
    "filter_offers",
    "gpu_spec",
    "gpu_specs",
    "load_offers",
    "plan",
    "resolve_gpu",
]
