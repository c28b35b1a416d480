"""Builders for AWS API payloads with exactly the real shapes (see ../shared/reference/prices_and_apis.md).

Values are illustrative fixtures, not current list prices.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

LOCATIONS = {
    "us-east-1": "US East (N. Virginia)",
    "eu-west-1": "EU (Ireland)",
    "us-west-2": "US West (Oregon)",
}


def price_item(
    instance_type: str,
    region: str,
    on_demand: str | None,
    *,
    gpus: int = 8,
    vcpu: int = 192,
    memory_gib: int = 2048,
    network: str = "3200 Gigabit",
    reserved: dict[tuple[str, str, str], tuple[str, str]] | None = None,
    sku: str = "SKU0001",
    market: str = "OnDemand",
    gpu_attribute: str | None = None,
) -> str:
    """One PriceList entry as the API returns it: a JSON *string*.

    `reserved`: (LeaseContractLength, OfferingClass, PurchaseOption) -> (hourly USD, upfront USD).
    """
    attributes = {
        "enhancedNetworkingSupported": "Yes",
        "intelTurboAvailable": "No",
        "memory": f"{memory_gib} GiB",
        "dedicatedEbsThroughput": "80000 Mbps",
        "vcpu": str(vcpu),
        "classicnetworkingsupport": "false",
        "capacitystatus": "Used",
        "locationType": "AWS Region",
        "storage": "8 x 3840 NVMe SSD",
        "instanceFamily": "GPU instance",
        "operatingSystem": "Linux",
        "regionCode": region,
        "physicalProcessor": "AMD EPYC 7R13 Processor",
        "clockSpeed": "2.95 GHz",
        "ecu": "NA",
        "networkPerformance": network,
        "servicename": "Amazon Elastic Compute Cloud",
        "gpuMemory": "NA",
        "vpcnetworkingsupport": "true",
        "instanceType": instance_type,
        "tenancy": "Shared",
        "usagetype": f"BoxUsage:{instance_type}",
        "normalizationSizeFactor": "384",
        "intelAvxAvailable": "No",
        "processorFeatures": "AMD Turbo",
        "servicecode": "AmazonEC2",
        "licenseModel": "No License required",
        "currentGeneration": "Yes",
        "preInstalledSw": "NA",
        "location": LOCATIONS.get(region, region),
        "processorArchitecture": "64-bit",
        "marketoption": market,
        "operation": "RunInstances",
        "availabilityzone": "NA",
        "gpu": gpu_attribute or str(gpus),
    }
    if market != "OnDemand":  # Capacity Block products carry their own usage type (seen 2025-2026)
        attributes["usagetype"] = f"CapacityBlock:{instance_type}"
    terms: dict[str, Any] = {}
    if on_demand is not None:
        code = f"{sku}.JRTCKXETXF"
        terms["OnDemand"] = {
            code: {
                "priceDimensions": {
                    f"{code}.6YS6EN2CT7": {
                        "unit": "Hrs",
                        "endRange": "Inf",
                        "description": f"${on_demand} per On Demand Linux {instance_type}",
                        "appliesTo": [],
                        "rateCode": f"{code}.6YS6EN2CT7",
                        "beginRange": "0",
                        "pricePerUnit": {"USD": on_demand},
                    }
                },
                "sku": sku,
                "effectiveDate": "2026-11-01T00:00:00Z",
                "offerTermCode": "JRTCKXETXF",
                "termAttributes": {},
            }
        }
    if reserved:
        terms["Reserved"] = {}
        for i, ((length, offering, option), (hourly, upfront)) in enumerate(reserved.items()):
            code = f"{sku}.RSV{i:07d}"
            dims = {
                f"{code}.6YS6EN2CT7": {
                    "unit": "Hrs",
                    "endRange": "Inf",
                    "description": "Linux reserved hourly",
                    "appliesTo": [],
                    "rateCode": f"{code}.6YS6EN2CT7",
                    "beginRange": "0",
                    "pricePerUnit": {"USD": hourly},
                }
            }
            if upfront != "0":
                dims[f"{code}.2TG2D8R56U"] = {
                    "unit": "Quantity",
                    "description": "Upfront Fee",
                    "appliesTo": [],
                    "rateCode": f"{code}.2TG2D8R56U",
                    "pricePerUnit": {"USD": upfront},
                }
            terms["Reserved"][code] = {
                "priceDimensions": dims,
                "sku": sku,
                "effectiveDate": "2026-11-01T00:00:00Z",
                "offerTermCode": f"RSV{i:07d}",
                "termAttributes": {
                    "LeaseContractLength": length,
                    "OfferingClass": offering,
                    "PurchaseOption": option,
                },
            }
    item = {
        "product": {"productFamily": "Compute Instance", "attributes": attributes, "sku": sku},
        "serviceCode": "AmazonEC2",
        "terms": terms,
        "version": "20261101000000",
        "publicationDate": "2026-11-01T00:00:00Z",
    }
    return json.dumps(item)


def instance_type(
    name: str,
    gpu_name: str,
    gpus: int,
    gpu_mib: int,
    vcpus: int,
    memory_mib: int,
    network: str,
    baseline_gbps: list[float] | None = None,
    card_performance: str | None = None,
    partition: float | None = None,
) -> dict[str, Any]:
    """One DescribeInstanceTypes `InstanceTypes[]` entry (the fields costcmp reads, plus neighbours)."""
    cards = [
        {
            "NetworkCardIndex": i,
            "NetworkPerformance": card_performance or f"{g:g} Gigabit",
            "MaximumNetworkInterfaces": 2,
            "BaselineBandwidthInGbps": g,
            "PeakBandwidthInGbps": g,
        }
        for i, g in enumerate(baseline_gbps or [])
    ]
    return {
        "InstanceType": name,
        "CurrentGeneration": True,
        "SupportedUsageClasses": ["on-demand", "spot"],
        "SupportedRootDeviceTypes": ["ebs"],
        "SupportedVirtualizationTypes": ["hvm"],
        "BareMetal": False,
        "Hypervisor": "nitro",
        "ProcessorInfo": {"SupportedArchitectures": ["x86_64"]},
        "VCpuInfo": {"DefaultVCpus": vcpus, "DefaultCores": vcpus // 2, "DefaultThreadsPerCore": 2},
        "MemoryInfo": {"SizeInMiB": memory_mib},
        "NetworkInfo": {
            "NetworkPerformance": network,
            "MaximumNetworkInterfaces": 64,
            "MaximumNetworkCards": max(1, len(cards)),
            "DefaultNetworkCardIndex": 0,
            "NetworkCards": cards,
            "EfaSupported": bool(cards),
        },
        "GpuInfo": {
            "Gpus": [
                {
                    "Name": gpu_name,
                    "Manufacturer": "NVIDIA",
                    "Count": gpus,
                    **({"GpuPartitionSize": partition} if partition is not None else {}),
                    "MemoryInfo": {"SizeInMiB": gpu_mib},
                }
            ],
            "TotalGpuMemoryInMiB": gpus * gpu_mib,
        },
    }


def spot_entry(instance_type: str, zone: str, price: str, when: datetime | None = None) -> dict[str, Any]:
    """One DescribeSpotPriceHistory `SpotPriceHistory[]` entry."""
    return {
        "AvailabilityZone": zone,
        "InstanceType": instance_type,
        "ProductDescription": "Linux/UNIX",
        "SpotPrice": price,
        "Timestamp": when or datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc),
    }


def region_fixture(region: str) -> dict[str, Any]:
    """A realistic region: p5 (H100), p4de (A100 with 80 GiB, the name quirk), p5en ("NVIDIA" quirk),
    a capacity-block style zero rate, and spot in two zones plus a Local Zone."""
    reserved = {
        ("1yr", "standard", "No Upfront"): ("38.0000000000", "0"),
        ("1yr", "standard", "Partial Upfront"): ("18.0000000000", "160000"),
        ("3yr", "standard", "All Upfront"): ("0.0000000000", "650000"),
        ("1yr", "convertible", "No Upfront"): ("45.0000000000", "0"),
    }
    return {
        "prices": [
            price_item("p5.48xlarge", region, "55.0400000000", reserved=reserved, sku="SKUP5"),
            price_item(
                "p4de.24xlarge",
                region,
                "27.4470500000",
                gpus=8,
                vcpu=96,
                memory_gib=1152,
                network="400 Gigabit",
                sku="SKUP4DE",
            ),
            price_item("p5en.48xlarge", region, "63.2960000000", sku="SKUP5EN"),
            price_item("p5e.48xlarge", region, "0.0000000000", sku="SKUP5E"),
        ],
        "instance_types": [
            instance_type("p5.48xlarge", "H100", 8, 81920, 192, 2097152, "3200 Gigabit", [100.0] * 32),
            instance_type("p4de.24xlarge", "A100", 8, 81920, 96, 1179648, "4x 100 Gigabit", [100.0] * 4),
            instance_type("p5en.48xlarge", "NVIDIA", 8, 144384, 192, 2097152, "3200 Gigabit", [200.0] * 16),
            instance_type("p5e.48xlarge", "H200", 8, 144384, 192, 2097152, "3200 Gigabit", [100.0] * 32),
        ],
        "spot": [
            spot_entry("p5.48xlarge", f"{region}a", "12.693500"),
            spot_entry("p5.48xlarge", f"{region}b", "16.130100"),
            spot_entry("p5.48xlarge", f"{region}b", "15.000000", datetime(2026, 11, 21, 1, 0, tzinfo=timezone.utc)),
            spot_entry("p5.48xlarge", f"{region}-atl-2a", "10.239700"),
            spot_entry("p4de.24xlarge", f"{region}c", "27.447050"),
        ],
    }
