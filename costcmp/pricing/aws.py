"""AWS GPU prices: fetches the Price List Query API (on-demand, reserved), EC2 DescribeInstanceTypes
(GPU facts) and EC2 DescribeSpotPriceHistory (spot) page by page; `aws_parse` turns the answers into
rows of the offer schema.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import botocore.exceptions

from costcmp.errors import CredentialsError, RegionFetchError
from costcmp.pricing.adapter import MAX_RETRIES, PageCallback, RegionResult, backoff_seconds, one_line
from costcmp.pricing.aws_parse import (
    SOURCE,
    MalformedItemError,
    ProductPrices,
    build_rows,
    instance_facts,
    latest_spot_by_zone,
    parse_price_item,
)
from costcmp.pricing.aws_spot_advisor import SpotAdvisor

PRICING_ENDPOINT_REGION = "us-east-1"  # the Price List API is served from us-east-1, eu-central-1, ap-south-1
PRICE_LIST_FILTERS = {
    "instanceFamily": "GPU instance",
    "operatingSystem": "Linux",
    "tenancy": "Shared",
    "preInstalledSw": "NA",
    "capacitystatus": "Used",
    "licenseModel": "No License required",
    "marketoption": "OnDemand",  # leaves out Capacity Block products; aws_parse.choose_products checks again
}
log = logging.getLogger(__name__)
THROTTLING_CODES = {"ThrottlingException", "Throttling", "RequestLimitExceeded", "TooManyRequestsException"}


#: Connection-level failures worth retrying (botocore's own retry handler treats them the same).
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    botocore.exceptions.ConnectionError,
    botocore.exceptions.HTTPClientError,
)


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, TRANSIENT_ERRORS):
        return True
    status = (getattr(exc, "response", None) or {}).get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return _error_code(exc) in THROTTLING_CODES or int(status or 0) >= 500


def _retry_after(exc: BaseException) -> str | None:
    headers = (getattr(exc, "response", None) or {}).get("ResponseMetadata", {}).get("HTTPHeaders", {})
    return headers.get("retry-after") if isinstance(headers, dict) else None


def _error_code(exc: BaseException) -> str | None:
    response = getattr(exc, "response", None)
    return (response or {}).get("Error", {}).get("Code") if isinstance(response, dict) else None


class AwsAdapter:
    """Fetches one region at a time. Clients come from `client_factory(service, region)`: a boto3
    Session's in normal use, stubbed or loopback clients in tests."""

    name = "aws"
    source = SOURCE

    def __init__(
        self,
        client_factory: Callable[[str, str], Any],
        *,
        regions: list[str] | None = None,
        sleep: Callable[[float], None] | None = None,
        max_retries: int = MAX_RETRIES,
        now: Callable[[], datetime] | None = None,
        spot_advisor: SpotAdvisor | None = None,
    ) -> None:
        self._factory = client_factory
        self._spot_advisor = spot_advisor
        self._regions = regions
        self._sleep = sleep or time.sleep
        self._max_retries = max_retries
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._clients: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_session(
        cls, *, profile: str | None = None, workers: int = 16, sleep: Callable[[float], None] | None = None
    ) -> AwsAdapter:
        """Clients from a boto3 Session: the standard credential chain and AWS_ENDPOINT_URL_* apply."""
        import os

        import boto3
        import botocore.config

        try:
            session = boto3.Session(profile_name=profile)
            credentials = session.get_credentials()
        except botocore.exceptions.ProfileNotFound:
            name = profile or os.environ.get("AWS_PROFILE")
            raise CredentialsError(f"AWS profile {name!r} not found in your AWS config files") from None
        except botocore.exceptions.PartialCredentialsError as exc:
            raise CredentialsError(
                f"incomplete AWS credentials ({exc.kwargs.get('cred_var', 'a variable')} missing from "
                f"{exc.kwargs.get('provider', 'the environment')}): set both AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or neither"
            ) from None
        except botocore.exceptions.BotoCoreError as exc:
            raise CredentialsError(f"AWS credentials unusable: {one_line(exc)}") from None
        if credentials is None:
            raise CredentialsError(
                "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or "
                "--aws-profile, or run where an instance role is available (the shipped snapshot still works "
                "without credentials: costcmp prices)"
            )
        config = botocore.config.Config(
            # No SDK retries: `_pages` retries throttling, 5xx and dropped connections per request with
            # short backoff. (botocore's adaptive mode rate-limits a whole client: the shared pricing
            # client would serialise every region after one throttled call.)
            retries={"mode": "standard", "total_max_attempts": 1},
            connect_timeout=10,
            read_timeout=60,
            max_pool_connections=max(10, workers),
        )
        regions = session.get_available_regions("ec2")

        made: dict[tuple[str, str], Any] = {}

        def factory(service: str, region: str) -> Any:
            """One client per service and region, shared by the adapter's concurrent streams (a botocore
            client is thread-safe, and building one costs CPU). Called under the adapter's lock."""
            if (service, region) not in made:
                made[(service, region)] = session.client(service, region_name=region, config=config)
            return made[(service, region)]

        import requests

        feed = requests.Session()
        feed.headers["User-Agent"] = "costcmp"
        adapter = cls(factory, regions=regions, sleep=sleep, spot_advisor=SpotAdvisor(feed))
        adapter.warm_up()
        return adapter

    def warm_up(self) -> None:
        """Build the shared pricing client and load both services' models and paginator configs once.

        botocore caches these per session, but region threads that start together all miss the empty
        cache and each rescan botocore's data directories (measured: ~60 ms of CPU per client)."""
        self._client("pricing", PRICING_ENDPOINT_REGION).get_paginator("get_products")
        self._client("ec2", PRICING_ENDPOINT_REGION).get_paginator("describe_spot_price_history")

    def default_regions(self) -> list[str]:
        """Every region EC2 lists (botocore's endpoint data; no network call)."""
        return list(self._regions or [])

    def _client(self, service: str, region: str, stream: str = "") -> Any:
        """The client for `service` in `region`, asked of the factory once per `stream` of calls made at
        the same time (the spot history is fetched beside the instance facts). The session's factory
        shares one client between streams; a test's may hand each stream its own stubbed client."""
        key = (service, region, stream)
        client = self._clients.get(key)  # fast path: no lock for a client that exists
        if client is None:
            with self._lock:  # creating clients is not thread-safe; using them is
                client = self._clients.get(key)
                if client is None:
                    client = self._clients[key] = self._factory(service, region)
        return client

    def _pages(self, client: Any, operation: str, kwargs: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Pages from the operation's paginator; a throttled, 5xx or dropped request is retried after a
        backoff (its Retry-After when sent), resuming from the last page's token."""
        token: str | None = None
        attempt = 0
        while True:
            config = {"StartingToken": token} if token else {}
            try:
                for page in client.get_paginator(operation).paginate(**kwargs, PaginationConfig=config):
                    attempt = 0
                    yield page
                    token = page.get("NextToken") or None
                return
            except (botocore.exceptions.ClientError, *TRANSIENT_ERRORS) as exc:
                if not _retryable(exc) or attempt >= self._max_retries:
                    raise
                wait = backoff_seconds(attempt, _retry_after(exc))
                log.info(
                    "%s: %s; retry %d in %.2f s", operation, _error_code(exc) or type(exc).__name__, attempt + 1, wait
                )
                self._sleep(wait)
                attempt += 1

    def fetch_region(self, region: str, on_page: PageCallback) -> RegionResult:
        """On-demand, reserved and spot rows for one region."""
        import pandas as pd

        from costcmp.schema import SCHEMA_COLUMNS

        skipped: Counter[str] = Counter()
        pages = 0
        products: list[ProductPrices] = []
        filters = [{"Type": "TERM_MATCH", "Field": "regionCode", "Value": region}] + [
            {"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in PRICE_LIST_FILTERS.items()
        ]
        try:
            pricing = self._client("pricing", PRICING_ENDPOINT_REGION)
            ec2 = self._client("ec2", region)  # built now, so building overlaps other regions' waits
            spot_ec2 = self._client("ec2", region, "spot")
            kwargs = {"ServiceCode": "AmazonEC2", "Filters": filters, "FormatVersion": "aws_v1"}
            for page in self._pages(pricing, "get_products", kwargs):
                pages += 1
                for raw in page.get("PriceList", []):
                    try:
                        products.append(parse_price_item(raw))
                    except MalformedItemError:
                        skipped["malformed Price List item"] += 1
                on_page(len(products))
            types = sorted({p.instance_type for p in products})
            facts: dict[str, dict[str, Any]] = {}
            spot: dict[tuple[str, str], float] = {}
            if types:
                # Spot history needs only the type list, like the instance facts: fetch both at once.
                spot_pages: list[dict[str, Any]] = []
                spot_error: list[BaseException] = []
                spot_kwargs = {
                    "InstanceTypes": types,
                    "ProductDescriptions": ["Linux/UNIX"],
                    "StartTime": self._now() - timedelta(hours=3),
                }

                def fetch_spot() -> None:
                    try:
                        spot_pages.extend(self._pages(spot_ec2, "describe_spot_price_history", spot_kwargs))
                    except BaseException as exc:  # re-raised in the region's thread below
                        spot_error.append(exc)

                spot_thread = threading.Thread(target=fetch_spot, name=f"costcmp-spot-{region}", daemon=True)
                spot_thread.start()
                try:
                    for start in range(0, len(types), 100):
                        chunk = {"InstanceTypes": types[start : start + 100]}
                        for page in self._pages(ec2, "describe_instance_types", chunk):
                            pages += 1
                            facts.update(instance_facts(page.get("InstanceTypes", [])))
                            on_page(len(products))
                finally:
                    spot_thread.join()
                if spot_error:
                    raise spot_error[0]
                for _ in spot_pages:
                    pages += 1
                    on_page(len(products))
                history = (e for page in spot_pages for e in page.get("SpotPriceHistory", []))
                spot = latest_spot_by_zone(history, self._now(), skipped)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            code = _error_code(exc)
            raise RegionFetchError(f"{code or type(exc).__name__}: {one_line(exc, 300)}") from None
        rows = build_rows(region, products, facts, spot, self._now().date().isoformat(), skipped)
        bands = self._spot_advisor.bands() if self._spot_advisor else {}
        notes = [self._spot_advisor.error] if self._spot_advisor and self._spot_advisor.error else []
        for row in rows:
            if row["pricing"] == "spot":
                row["spot_interruption"] = bands.get((region, row["instance_type"]), "")
        # Schema-shaped (derived columns left to the refresh, which also validates the rows).
        return RegionResult(
            rows=pd.DataFrame(rows, columns=list(SCHEMA_COLUMNS)), pages=pages, skipped=skipped, notes=notes
        )
