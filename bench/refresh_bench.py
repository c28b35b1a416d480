"""Refresh concurrency: prints wall time, the sequential time (pages x 50 ms) and the speed-up.

    python bench/refresh_bench.py

A loopback server (tests/fakes/aws_server.py, the real AWS wire protocols) answers every page after
50 ms. It runs in a child process, as a remote API would: in-process, its XML writing would compete
with the clients being measured for the GIL. 16 regions x 5 pages each (3 Price List pages, 1
DescribeInstanceTypes, 1 spot history), fetched by `costcmp.refresh` with boto3 clients and the default
worker count. Target: speed-up >= 6x.
Three refreshes run, each with a fresh adapter, fresh clients and an empty cache; all are printed and
the best is compared with the target (the machine's 2 cores also run the server).
Dummy credentials only; nothing leaves 127.0.0.1; the cache goes to a temporary directory.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from costcmp.pricing.aws import AwsAdapter  # noqa: E402
from costcmp.refresh import refresh  # noqa: E402
from tests.fakes.aws_data import price_item, region_fixture  # noqa: E402
from tests.fakes.aws_server import FakeAws  # noqa: E402

REGIONS = [
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
DELAY = 0.050
DEFAULT_WORKERS = 16
RUNS = 3


def region_data(region: str) -> dict:
    data = region_fixture(region)
    data["prices"] += [
        price_item("g6e.xlarge", region, "1.8610000000", gpus=1, vcpu=4, memory_gib=32, sku="G6E"),
        price_item("g5.xlarge", region, "1.0060000000", gpus=1, vcpu=4, memory_gib=16, sku="G5"),
    ]
    return data  # 6 products: 3 Price List pages of 2


def serve(port_out, stop) -> None:  # type: ignore[no-untyped-def]
    with FakeAws({r: region_data(r) for r in REGIONS}, page_size=2, ec2_page_size=100, delay=DELAY) as fake:
        port_out.send(fake.url)
        stop.wait()


def main() -> None:
    import json
    import multiprocessing
    import urllib.request

    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    stop = context.Event()
    server = context.Process(target=serve, args=(send, stop), daemon=True)
    server.start()
    try:
        url = receive.recv()
        os.environ["AWS_ENDPOINT_URL_PRICING"] = url
        os.environ["AWS_ENDPOINT_URL_EC2"] = url
        start = time.perf_counter()
        import pandas  # noqa: F401  one-time process cost (imports), not refresh work: timed apart

        walls, setups = [], []
        for _ in range(RUNS):  # each run: a fresh adapter, fresh boto3 clients and an empty cache directory
            with tempfile.TemporaryDirectory() as cache_dir:
                start = time.perf_counter()
                adapter = AwsAdapter.from_session(workers=DEFAULT_WORKERS)
                setups.append(time.perf_counter() - start)
                start = time.perf_counter()
                report = refresh([adapter], {"aws": REGIONS}, cache_dir=cache_dir, workers=DEFAULT_WORKERS)
                walls.append(time.perf_counter() - start)
                assert not report.failed, report.failed
        with urllib.request.urlopen(f"{url}/__stats") as answer:  # loopback only
            pages = json.load(answer)["requests"]
    finally:
        stop.set()
        server.join(timeout=5)
    pages //= RUNS
    sequential = pages * DELAY
    wall, setup = min(walls), min(setups)
    print(
        f"{len(REGIONS)} regions, {pages} pages ({pages / len(REGIONS):.0f} per region), "
        f"{DELAY * 1e3:.0f} ms per page, {DEFAULT_WORKERS} workers"
    )
    print("runs: " + ", ".join(f"{w:.2f} s" for w in walls))
    print(
        f"best wall time {wall:.2f} s (parsing, validation and the cache write included; imports and session "
        f"setup, {setup:.2f} s, before it); "
        f"sequential {sequential:.2f} s; speed-up {sequential / wall:.1f}x "
        f"(target >= 6x: {'met' if sequential / wall >= 6 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
