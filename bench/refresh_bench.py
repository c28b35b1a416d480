"""Refresh concurrency: prints wall time, the sequential time (pages x 50 ms) and the speed-up.

    python bench/refresh_bench.py

Loopback servers speaking the real protocols answer every page after 50 ms: AWS (pricing JSON and EC2
Query/XML, tests/fakes/aws_server.py) and Azure Retail Prices (JSON with NextPageLink chains,
tests/fakes/azure.py). They run in a child process, as remote APIs would: in-process, their response
writing would compete with the clients being measured for the GIL.

For each provider, 16 regions x 5 pages each (AWS: 3 Price List pages, 1 DescribeInstanceTypes, 1 spot
history; Azure: 5 Retail Prices pages), fetched by `costcmp.refresh` with the default worker count.
Target: speed-up >= 6x. Three refreshes run per provider, each with a fresh adapter, fresh clients and
an empty cache; all are printed and the best is compared with the target (the machine's 2 cores also
run the servers).

Then the same refreshes against servers that answer every distinct request once with a throttling
error first (AWS: ThrottlingException / RequestLimitExceeded; Azure: 429 without Retry-After), and the
ratio throttled / unthrottled best wall time is printed. Target: <= 4 (issue 10): each request backs
off alone, briefly, while the other regions go on. Dummy credentials only; nothing leaves 127.0.0.1;
caches go to temporary directories.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from costcmp.pricing.aws import AwsAdapter  # noqa: E402
from costcmp.pricing.azure import AzureAdapter  # noqa: E402
from costcmp.refresh import refresh  # noqa: E402
from tests.fakes.aws_data import price_item, region_fixture  # noqa: E402
from tests.fakes.aws_server import FakeAws  # noqa: E402
from tests.fakes.azure import FakeRetailPrices, region_items, retail_item  # noqa: E402

AWS_REGIONS = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "sa-east-1",
]
AZURE_REGIONS = [
    *("eastus", "eastus2", "westus2", "westus3", "southcentralus", "westeurope", "swedencentral", "uksouth"),
    "japaneast",
    *("northeurope", "francecentral", "germanywestcentral", "southeastasia", "koreacentral", "australiaeast"),
    "centralindia",
]
DELAY = 0.050
DEFAULT_WORKERS = 16
RUNS = 3


def aws_region(region: str) -> dict:
    data = region_fixture(region)
    data["prices"] += [
        price_item("g6e.xlarge", region, "1.8610000000", gpus=1, vcpu=4, memory_gib=32, sku="G6E"),
        price_item("g5.xlarge", region, "1.0060000000", gpus=1, vcpu=4, memory_gib=16, sku="G5"),
    ]
    return data  # 6 products: 3 Price List pages of 2


def azure_region(region: str) -> list[dict]:
    extra = [
        retail_item("Standard_NC4as_T4_v3", region, 0.0627, meter=" Spot"),
        retail_item("Standard_NC64as_T4_v3", region, 4.352),
        retail_item("Standard_ND96amsr_A100_v4", region, 32.77),
    ]
    return region_items(region) + extra  # 15 items: 5 pages of 3


def serve(port_out, stop) -> None:  # type: ignore[no-untyped-def]
    import logging

    from pytest_httpserver import HTTPServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log per request

    from werkzeug.wrappers import Response

    azure = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    azure.start()
    urls = []
    for prefix, throttled in (("", False), ("/throttled", True)):
        retail = FakeRetailPrices(
            {r: azure_region(r) for r in AZURE_REGIONS}, page_size=3, delay=DELAY, throttle_once=throttled
        )
        retail.base_url = azure.url_for(f"{prefix}/api/retail/prices")
        azure.expect_request(f"{prefix}/api/retail/prices").respond_with_handler(retail)

        def stats(request, retail=retail):  # type: ignore[no-untyped-def]
            if request.args.get("reset"):
                retail.throttled.clear()
            return Response(json.dumps({"requests": len(retail.requests)}))

        azure.expect_request(f"{prefix}/__stats").respond_with_handler(stats)
        urls.append((retail.base_url, azure.url_for(f"{prefix}/__stats")))
    data = {r: aws_region(r) for r in AWS_REGIONS}
    with (
        FakeAws(data, page_size=2, ec2_page_size=100, delay=DELAY) as aws,
        FakeAws(data, page_size=2, ec2_page_size=100, delay=DELAY, throttle_once=True) as throttled_aws,
    ):
        port_out.send(((aws.url, *urls[0]), (throttled_aws.url, *urls[1])))
        stop.wait()
    azure.stop()


def requests_so_far(url: str) -> int:
    with urllib.request.urlopen(url) as answer:  # loopback only
        return int(json.load(answer)["requests"])


def measure(  # type: ignore[no-untyped-def]
    name: str, build, regions: list[str], stats_url: str, reset_url: str | None = None
) -> float:
    walls = []
    before = requests_so_far(stats_url)
    for _ in range(RUNS):  # each run: a fresh adapter, fresh clients and an empty cache directory
        if reset_url:
            requests_so_far(reset_url)  # every request is throttled once again in this run
        adapter = build()
        with tempfile.TemporaryDirectory() as cache_dir:
            start = time.perf_counter()
            report = refresh([adapter], {adapter.name: regions}, cache_dir=cache_dir, workers=DEFAULT_WORKERS)
            walls.append(time.perf_counter() - start)
        assert not report.failed, report.failed
    pages = (requests_so_far(stats_url) - before) // RUNS
    sequential, wall = pages * DELAY, min(walls)
    print(
        f"{name}: {len(regions)} regions, {pages} pages ({pages / len(regions):.0f} per region), "
        f"{DELAY * 1e3:.0f} ms per page, {DEFAULT_WORKERS} workers"
    )
    print("  runs: " + ", ".join(f"{w:.2f} s" for w in walls))
    target = "" if reset_url else f" (target >= 6x: {'met' if sequential / wall >= 6 else 'NOT met'})"
    print(
        f"  best wall time {wall:.2f} s (parsing, validation and the cache write included); sequential "
        f"{sequential:.2f} s; speed-up {sequential / wall:.1f}x{target}"
    )
    return wall


def main() -> None:
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        COSTCMP_AWS_SPOT_ADVISOR_URL="http://127.0.0.1:9/spot-advisor-data.json",  # loopback only
    )
    os.environ.pop("AZURE_SUBSCRIPTION_ID", None)
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    stop = context.Event()
    server = context.Process(target=serve, args=(send, stop), daemon=True)
    server.start()
    try:
        plain, throttled = receive.recv()
        import pandas  # noqa: F401  one-time process cost (imports), not refresh work

        best: dict[tuple[str, bool], float] = {}
        for (aws_url, azure_url, azure_stats), is_throttled in ((plain, False), (throttled, True)):
            os.environ.update(
                AWS_ENDPOINT_URL_PRICING=aws_url, AWS_ENDPOINT_URL_EC2=aws_url, COSTCMP_AZURE_PRICES_URL=azure_url
            )
            label = " (every request throttled once)" if is_throttled else ""
            best["aws", is_throttled] = measure(
                "aws" + label,
                lambda: AwsAdapter.from_session(workers=DEFAULT_WORKERS),
                AWS_REGIONS,
                f"{aws_url}/__stats",
                f"{aws_url}/__reset" if is_throttled else None,
            )
            best["azure", is_throttled] = measure(
                "azure" + label,
                lambda: AzureAdapter.from_environment(workers=DEFAULT_WORKERS),
                AZURE_REGIONS,
                azure_stats,
                f"{azure_stats}?reset=1" if is_throttled else None,
            )
        for provider in ("aws", "azure"):
            ratio = best[provider, True] / best[provider, False]
            print(
                f"{provider}: throttled / unthrottled best wall time = {ratio:.2f} "
                f"(target <= 4: {'met' if ratio <= 4 else 'NOT met'})"
            )
    finally:
        stop.set()
        server.join(timeout=5)


if __name__ == "__main__":
    main()
