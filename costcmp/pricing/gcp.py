"""Google Cloud GPU machine prices: the Cloud Billing Catalog API through `google-cloud-billing` (REST
transport), and with a project the Compute Engine API's machine types through `google-cloud-compute`.

The catalog is one listing of every Compute Engine SKU (no region filter), so it is fetched once per
refresh, page by page with `nextPageToken`, and shared by the regions; each region then composes its
machines from component rates (costcmp.pricing.gcp_catalog). With a project, a machine is priced only
in regions whose zones offer it; without one, wherever its SKUs are listed (the row says so).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from functools import partial
from typing import Any

from costcmp.errors import CredentialsError, RegionFetchError
from costcmp.pricing.adapter import MAX_RETRIES, PageCallback, RegionResult, backoff_seconds, one_line
from costcmp.pricing.gcp_catalog import USAGE_KINDS, Rate, classify_sku, machine_price, maybe_component, rate_table
from costcmp.pricing.gcp_machines import ACCELERATOR_TYPES, MACHINES, MachineShape, base_machine

log = logging.getLogger(__name__)
COMPUTE_SERVICE = "services/6F81-5844-456A"
CATALOG_URL = "https://cloudbilling.googleapis.com"
CATALOG_URL_ENV = "COSTCMP_GCP_CATALOG_URL"
COMPUTE_URL = "https://compute.googleapis.com"
COMPUTE_URL_ENV = "COSTCMP_GCP_COMPUTE_URL"
SOURCE = "Google Cloud Billing Catalog API v1 (Compute Engine SKUs, composed per machine type)"
PAGE_SIZE = 5000
MAX_PAGES = 1000  # a catalog that never ends is a server bug, not a reason to loop forever

#: (zone's region, machine type) -> (vCPUs, memory GiB, accelerator key, GPU count) from the Compute API.
LiveMachines = dict[tuple[str, str], tuple[int, float, str, int]]


class GcpAdapter:
    """Composes GPU machine prices per region from the shared SKU listing of `catalog_client` (a
    `billing_v1.CloudCatalogClient`); `machine_types_client` + `project` add live shapes and availability."""

    name = "gcp"
    source = SOURCE

    def __init__(
        self,
        catalog_client: Any,
        *,
        machine_types_client: Any = None,
        project: str | None = None,
        regions: list[str] | None = None,
        sleep: Callable[[float], None] | None = None,
        max_attempts: int = MAX_RETRIES + 1,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self._catalog_client = catalog_client
        self._machine_types_client = machine_types_client if project else None
        self._project = project
        self._regions = regions
        self._sleep = sleep or time.sleep
        self._max_attempts = max_attempts
        self._now = now or (lambda: datetime.now(timezone.utc))
        self._lock = threading.Lock()
        self._fetched: tuple[dict[Any, Rate], Counter[str], int] | None = None
        self._live: LiveMachines | None = None

    @classmethod
    def from_environment(
        cls, *, api_key: str | None = None, project: str | None = None, sleep: Callable[[float], None] | None = None
    ) -> GcpAdapter:
        """The real clients: an API key (flag or COSTCMP_GCP_API_KEY) or Application Default Credentials.
        The Google SDKs are imported only here."""
        from google.api_core.client_options import ClientOptions
        from google.cloud import billing_v1

        api_key = api_key or os.environ.get("COSTCMP_GCP_API_KEY") or None
        project = project or os.environ.get("GOOGLE_CLOUD_PROJECT") or None
        credentials = None
        if not api_key:
            import google.auth
            from google.auth.exceptions import DefaultCredentialsError

            try:
                credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
            except DefaultCredentialsError:
                raise CredentialsError(
                    "no Google Cloud credentials: pass --gcp-api-key or set COSTCMP_GCP_API_KEY, or set up "
                    "Application Default Credentials (gcloud auth application-default login); the shipped snapshot "
                    "still works offline"
                ) from None
        catalog_url = os.environ.get(CATALOG_URL_ENV) or CATALOG_URL
        catalog = billing_v1.CloudCatalogClient(
            transport="rest",
            credentials=credentials,
            client_options=ClientOptions(api_endpoint=catalog_url, api_key=api_key),
        )
        machine_types = None
        if project:
            from google.cloud import compute_v1

            compute_url = os.environ.get(COMPUTE_URL_ENV) or COMPUTE_URL
            machine_types = compute_v1.MachineTypesClient(
                transport="rest",
                credentials=credentials,
                client_options=ClientOptions(api_endpoint=compute_url, api_key=api_key),
            )
        return cls(catalog, machine_types_client=machine_types, project=project, sleep=sleep)

    def default_regions(self) -> list[str]:
        from costcmp.providers import REGISTRY

        return list(self._regions or REGISTRY["gcp"].regions)

    def _call(self, what: str, request: Callable[[], Any]) -> Any:
        """One API call, retrying 429/quota, 5xx and dropped connections with backoff; any other error
        (or a body that does not parse) is RegionFetchError with one line of text."""
        import requests
        from google.api_core import exceptions as gexc
        from google.protobuf.json_format import ParseError

        for attempt in range(self._max_attempts):
            try:
                return request()
            except (gexc.TooManyRequests, gexc.ResourceExhausted, gexc.ServerError,
                    requests.ConnectionError, requests.Timeout) as exc:  # fmt: skip
                if attempt + 1 >= self._max_attempts:
                    raise RegionFetchError(f"{what}: {type(exc).__name__}: {one_line(exc)}") from None
                wait = backoff_seconds(attempt)
                log.info("%s: %s; retrying in %.2f s", what, type(exc).__name__, wait)
                self._sleep(wait)
            except gexc.GoogleAPICallError as exc:
                raise RegionFetchError(f"{what}: HTTP {exc.code}: {one_line(exc.message)}") from None
            except (ParseError, ValueError) as exc:  # the body is no JSON, or not the message it should be
                raise RegionFetchError(f"{what}: malformed response ({type(exc).__name__})") from None
        raise RegionFetchError(f"{what}: kept failing")  # pragma: no cover

    def _catalog(self) -> tuple[tuple[dict[Any, Rate], Counter[str], int], bool]:
        """Every Compute Engine SKU, once per adapter (regions wait for the first to fetch it), and
        whether this call fetched it (that region reports the pages and the skipped SKUs)."""
        with self._lock:
            if self._fetched is not None:
                return self._fetched, False
            self._fetched = self._fetch_catalog()
            return self._fetched, True

    def _fetch_catalog(self) -> tuple[dict[Any, Rate], Counter[str], int]:
        from google.cloud.billing_v1 import ListSkusRequest, Sku

        skipped: Counter[str] = Counter()
        rates: list[Rate] = []
        token, seen, pages = "", set(), 0
        while True:
            request = ListSkusRequest(
                parent=COMPUTE_SERVICE, page_size=PAGE_SIZE, currency_code="USD", page_token=token
            )
            page = self._call("Cloud Billing Catalog", partial(self._first_page, request))
            pages += 1
            for sku in page.skus:
                if not maybe_component(sku.description):
                    skipped["not a GPU-machine component"] += 1
                    continue
                result = classify_sku(Sku.to_dict(sku, preserving_proto_field_name=False))
                if isinstance(result, str):
                    skipped[result] += 1
                else:
                    rates.append(result)
            token = page.next_page_token
            if not token:
                break
            if token in seen or pages >= MAX_PAGES:
                raise RegionFetchError("Cloud Billing Catalog: the page tokens repeat (the listing never ends)")
            seen.add(token)
        return rate_table(rates, skipped), skipped, pages

    def _first_page(self, request: Any) -> Any:
        """One ListSkus page: the pager's first response (building the pager makes exactly one request)."""
        return next(iter(self._catalog_client.list_skus(request=request).pages))

    def _machines(self) -> LiveMachines | None:
        """GPU machine types per region from the Compute API (None without a project)."""
        if self._machine_types_client is None:
            return None
        with self._lock:
            if self._live is None:
                # Fetched (every page) inside the retry; read outside it, so a reading bug is no "network" fault.
                scopes = self._call("Compute Engine machine types", self._list_machine_types)
                self._live = live_machines(scopes)
            return self._live

    def _list_machine_types(self) -> list[tuple[str, Any]]:
        """Every page of the aggregated machine-type listing, as (scope, machine types) pairs."""
        from google.cloud.compute_v1 import AggregatedListMachineTypesRequest

        request = AggregatedListMachineTypesRequest(project=self._project)
        assert self._machine_types_client is not None  # only called with a client (see _machines)
        return list(self._machine_types_client.aggregated_list(request=request))

    def fetch_region(self, region: str, on_page: PageCallback) -> RegionResult:
        import pandas as pd

        from costcmp.schema import SCHEMA_COLUMNS

        (rates, catalog_skipped, pages), fetched_now = self._catalog()
        live = self._machines()
        skipped: Counter[str] = Counter(catalog_skipped) if fetched_now else Counter()
        notes = (
            []
            if live is not None
            else ["no project: machines priced wherever their SKUs are listed (availability not checked)"]
        )
        as_of = self._now().date().isoformat()
        rows = []
        for declared in MACHINES.values():
            shape = self._live_shape(declared, region, live, skipped)
            if shape is None:
                continue
            for kind in USAGE_KINDS.values():
                price = machine_price(shape, region, kind, rates)
                if isinstance(price, str):
                    skipped[price] += 1
                    continue
                detail = price.detail + ("" if live is not None else "; availability in the region not checked")
                rows.append({
                    "provider": "gcp", "region": region, "instance_type": shape.name, "gpu": shape.gpu,
                    "gpu_count": shape.gpu_count, "gpu_memory_gb": shape.gpu_memory_gb, "vcpus": shape.vcpus,
                    "memory_gb": shape.memory_gib, "network_gbps": shape.network_gbps or float("nan"),
                    "pricing": kind, "usd_per_hour": price.usd_per_hour, "spot_interruption": "",
                    "as_of": as_of, "source": SOURCE, "detail": detail,
                })  # fmt: skip
        on_page(len(rows))
        frame = pd.DataFrame(rows, columns=list(SCHEMA_COLUMNS))
        return RegionResult(rows=frame, pages=pages if fetched_now else 0, skipped=skipped, notes=notes)

    @staticmethod
    def _live_shape(
        shape: MachineShape, region: str, live: LiveMachines | None, skipped: Counter[str]
    ) -> MachineShape | None:
        """The declared shape, with the Compute API's vCPUs, memory and GPUs where it reports the type;
        None where a project was given and no zone of the region offers it."""
        if live is None:
            return shape
        facts = live.get((region, base_machine(shape.name)))
        if facts is None:
            skipped["machine type not offered in the region (Compute API)"] += 1
            return None
        if shape.family == "N1":  # the GPUs are attached, not part of the machine type
            return shape
        vcpus, memory_gib, accelerator, count = facts
        if accelerator != shape.accelerator or count < 1:
            skipped["machine type reports another accelerator (Compute API)"] += 1
            return None
        return replace(shape, vcpus=vcpus, memory_gib=memory_gib, gpu_count=count)


def live_machines(scopes: list[tuple[str, Any]]) -> LiveMachines:
    """(region, machine type) -> (vCPUs, memory GiB, accelerator key, count), from the aggregated
    listing's (scope, machine types) pairs (pure)."""
    live: LiveMachines = {}
    for scope, scoped in scopes:
        region = scope.rsplit("/", 1)[-1].rsplit("-", 1)[0]  # zones/us-central1-a -> us-central1
        for machine in scoped.machine_types:
            accelerators = list(machine.accelerators)
            key = ACCELERATOR_TYPES.get(accelerators[0].guest_accelerator_type, "") if accelerators else ""
            count = accelerators[0].guest_accelerator_count if accelerators else 0
            live[(region, machine.name)] = (machine.guest_cpus, machine.memory_mb / 1024, key, count)
    return live
