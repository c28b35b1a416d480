"""Provider facts: one frozen record per cloud, from which everything provider-specific derives.

`PROVIDERS` (the schema's valid names), the CLI's provider help and credential options, region
validation, the planner's spot-interruption defaults, the cluster's vCPU-to-core rule and the plot's
markers all read these records. This module sits on the ground floor: it imports nothing of costcmp but
`errors`, so the schema, the planner, cluster pricing, the words and the plot read provider facts
without importing `costcmp.pricing` (the package that talks to clouds). How each provider's prices are
fetched lives there: `costcmp.pricing.registry` maps the same names to adapter builders, and a test
keeps the two tables naming the same providers. Adding a provider = one `ProviderSpec` here + one
adapter module and builder there (+ its tests and snapshot rows). A record with an empty field fails at
import, so nothing falls back to 0 or to another provider's value.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from costcmp.errors import UnknownNameError
from costcmp.units import HOURS_PER_MONTH


@dataclass(frozen=True)
class CredentialOption:
    """A credential or account option of one provider: its CLI flag, the key adapters read it by, the
    environment variable that supplies it when the flag is absent, and its help text."""

    flag: str
    key: str
    env: str
    help: str


@dataclass(frozen=True)
class ProviderSpec:
    """Everything that differs between providers. Every field is required and must be non-empty."""

    name: str
    label: str
    regions: tuple[str, ...]
    regions_source: str
    credential_options: tuple[CredentialOption, ...]
    #: Spot interruptions per instance-hour when the offer carries no published band.
    spot_interruptions_per_instance_hour: float
    spot_interruptions_source: str
    #: Instance type -> the family the core rule is declared by (p5.48xlarge -> p5).
    instance_family: Callable[[str], str]
    #: Families that run one hardware thread per core (vCPUs = cores); every other family runs two.
    one_thread_per_core: frozenset[str]
    one_thread_per_core_source: str
    plot_marker: str

    def __post_init__(self) -> None:
        for item in dataclasses.fields(self):
            value = getattr(self, item.name)
            empty = value is None or (isinstance(value, (str, tuple, frozenset)) and not value)
            if isinstance(value, float) and (math.isnan(value) or value <= 0):
                empty = True
            if empty:
                raise TypeError(f"provider {self.name!r}: registry field {item.name!r} is empty")
        if not re.fullmatch(r"[a-z][a-z0-9]*", self.name):
            raise TypeError(f"provider name {self.name!r}: lowercase letters and digits only")

    def validate_region(self, region: str) -> str:
        """The region code as the provider spells it; UnknownNameError (with did-you-mean) otherwise."""
        code = region.strip().lower()
        if code not in self.regions:
            raise UnknownNameError(f"{self.name} region", region, self.regions, param="region")
        return code

    def threads_per_core(self, instance_type: str) -> int:
        """Hardware threads per physical core of an instance type (vCPUs / this = cores)."""
        return 1 if self.instance_family(instance_type) in self.one_thread_per_core else 2


#: AWS spot: the Spot Instance Advisor reports the share of capacity reclaimed in the trailing month in
#: bands (<5%, 5-10%, 10-15%, 15-20%, >20%); large GPU types sit in the top band, so the default is its
#: lower edge, 20% per month = 0.20 / 730 per instance-hour (a floor). Azure publishes no such figure;
#: the same rate is an assumption, said where the plan shows it.
_TOP_BAND_PER_HOUR = 0.20 / HOURS_PER_MONTH

# fmt: off
AWS = ProviderSpec(
    name="aws",
    label="Amazon Web Services",
    # botocore 1.44.8 endpoint data, partition "aws", service ec2 (Session.get_available_regions("ec2")).
    regions=(
        "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
        "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
        "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
        "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
        "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2",
        "us-west-1", "us-west-2",
    ),
    regions_source="botocore 1.44.8 endpoint data (aws partition, EC2)",
    credential_options=(
        CredentialOption("--aws-profile", "aws_profile", "AWS_PROFILE",
                         "AWS profile (default: the standard credential chain)."),
    ),
    spot_interruptions_per_instance_hour=_TOP_BAND_PER_HOUR,
    spot_interruptions_source="AWS Spot Instance Advisor: GPU types in the top band (>20%/month); its "
                              "lower edge, 20%/month, as a floor",
    instance_family=lambda instance_type: instance_type.split(".")[0],
    one_thread_per_core=frozenset({"c7a", "hpc7a", "hpc6a"}),
    one_thread_per_core_source="EC2 DescribeInstanceTypes DefaultThreadsPerCore (moto 5.2.5's copy: c7a, "
                               "hpc7a, hpc6a 1; c6i, c7i and the p and g families 2)",
    plot_marker="o",
)

AZURE = ProviderSpec(
    name="azure",
    label="Microsoft Azure",
    # Azure/karpenter-provider-azure zz_generated.pricing.go @352646f5 (generated 2026-06-18 from the
    # Retail Prices API): the 57 regions its table prices.
    regions=(
        "australiacentral", "australiacentral2", "australiaeast", "australiasoutheast", "austriaeast",
        "brazilsouth", "brazilsoutheast", "canadacentral", "canadaeast", "centralindia", "centralus",
        "chilecentral", "eastasia", "eastus", "eastus2", "francecentral", "francesouth", "germanynorth",
        "germanywestcentral", "indonesiacentral", "israelcentral", "italynorth", "japaneast", "japanwest",
        "jioindiacentral", "jioindiawest", "koreacentral", "koreasouth", "malaysiawest", "mexicocentral",
        "newzealandnorth", "northcentralus", "northeurope", "norwayeast", "norwaywest", "polandcentral",
        "qatarcentral", "southafricanorth", "southafricawest", "southcentralus", "southeastasia",
        "southindia", "spaincentral", "swedencentral", "swedensouth", "switzerlandnorth",
        "switzerlandwest", "uaecentral", "uaenorth", "uksouth", "ukwest", "westcentralus", "westeurope",
        "westindia", "westus", "westus2", "westus3",
    ),
    regions_source="Azure/karpenter-provider-azure pricing table @352646f5 (Retail Prices API, 2026-06-18)",
    credential_options=(
        CredentialOption("--subscription", "azure_subscription", "AZURE_SUBSCRIPTION_ID",
                         "Azure subscription for GPU facts and restrictions (prices need none)."),
    ),
    spot_interruptions_per_instance_hour=_TOP_BAND_PER_HOUR,
    spot_interruptions_source="assumption: Azure publishes no eviction rate in a sourceable form; "
                              "AWS's top band (20%/month) is assumed",
    instance_family=lambda instance_type: instance_type,
    one_thread_per_core=frozenset({"Standard_HB120rs_v3", "Standard_HB176rs_v4", "Standard_ND40rs_v2"}),
    one_thread_per_core_source="Microsoft docs: HBv3 and HBv4 run with SMT disabled; NDv2 has '40 "
                               "non-HyperThreaded Intel Xeon Platinum 8168 cores' (ndv2-series page)",
    plot_marker="s",
)

GCP = ProviderSpec(
    name="gcp",
    label="Google Cloud",
    # Cyclenerd/google-cloud-pricing-cost-calculator pricing.yml @fd66b26f (2026-07-30): the 40 regions in
    # which Google's Catalog API lists the A2/A3/G2/G4 component SKUs.
    regions=(
        "africa-south1", "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3",
        "asia-south1", "asia-south2", "asia-southeast1", "asia-southeast2", "australia-southeast1",
        "australia-southeast2", "europe-central2", "europe-north1", "europe-southwest1", "europe-west1",
        "europe-west10", "europe-west12", "europe-west2", "europe-west3", "europe-west4", "europe-west6",
        "europe-west8", "europe-west9", "me-central1", "me-central2", "me-west1", "northamerica-northeast1",
        "northamerica-northeast2", "southamerica-east1", "southamerica-west1", "us-central1", "us-east1",
        "us-east4", "us-east5", "us-south1", "us-west1", "us-west2", "us-west3", "us-west4",
    ),
    regions_source="Cyclenerd/google-cloud-pricing-cost-calculator pricing.yml @fd66b26f (Catalog API SKU "
                   "regions, 2026-07-30)",
    credential_options=(
        CredentialOption("--gcp-api-key", "gcp_api_key", "COSTCMP_GCP_API_KEY",
                         "Google Cloud API key for the Cloud Billing Catalog API (default: Application "
                         "Default Credentials)."),
        CredentialOption("--gcp-project", "gcp_project", "GOOGLE_CLOUD_PROJECT",
                         "Google Cloud project: machine shapes and availability from the Compute API."),
    ),
    spot_interruptions_per_instance_hour=_TOP_BAND_PER_HOUR,
    spot_interruptions_source="assumption: Google publishes no Spot VM preemption rate (Spot VMs may be "
                              "preempted at any time, 30 s notice); AWS's top band (20%/month) is assumed",
    instance_family=lambda instance_type: instance_type.split("-", 1)[0],
    one_thread_per_core=frozenset({"t2d", "t2a", "c4a", "h3"}),
    one_thread_per_core_source="Google machine family docs: Tau T2D and H3 run with SMT off (1 vCPU = 1 "
                               "core); the Arm T2A and C4A have one thread per core",
    plot_marker="^",
)
# fmt: on

#: The registry, in display order.
REGISTRY: dict[str, ProviderSpec] = {spec.name: spec for spec in (AWS, AZURE, GCP)}
PROVIDERS: tuple[str, ...] = tuple(REGISTRY)


def provider_spec(name: str) -> ProviderSpec:
    """The record of provider `name` (case-insensitive); UnknownNameError lists the valid ones."""
    spec = REGISTRY.get(str(name).strip().lower())
    if spec is None:
        raise UnknownNameError("provider", str(name), PROVIDERS, param="provider")
    return spec
