"""AWS Spot Instance Advisor bands: how often spot capacity of a type was reclaimed in a region last month.

The data behind aws.amazon.com/ec2/spot/instance-advisor/ is a public JSON file that needs no
credentials (its shape, read in a copy of 2025-06-28 of spot-advisor-data.json):
``spot_advisor[region]["Linux"][type] = {"s": savings %, "r": band index}`` with ``ranges[r]["label"]``
one of "<5%", "5-10%", "10-15%", "15-20%", ">20%". It is undocumented and republished irregularly, so a
failed fetch is not a failed refresh: the offers keep the bands they had.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from costcmp.schema import SPOT_BANDS

SPOT_ADVISOR_URL = "https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json"
SPOT_ADVISOR_URL_ENV = "COSTCMP_AWS_SPOT_ADVISOR_URL"
TIMEOUT = (10, 60)
log = logging.getLogger(__name__)

#: (region, instance type) -> band label
Bands = dict[tuple[str, str], str]


def parse_spot_advisor(data: Any) -> Bands:
    """The Linux bands of every (region, type) in a Spot Advisor document; entries of another shape are
    skipped (the feed is undocumented), an unusable document gives {}."""
    if not isinstance(data, dict):
        return {}
    labels: dict[int, str] = {}
    for entry in data.get("ranges") or []:
        if isinstance(entry, dict) and entry.get("label") in SPOT_BANDS and isinstance(entry.get("index"), int):
            labels[entry["index"]] = entry["label"]
    bands: Bands = {}
    for region, by_os in (data.get("spot_advisor") or {}).items():
        linux = by_os.get("Linux") if isinstance(by_os, dict) else None
        for itype, entry in (linux or {}).items():
            index = entry.get("r") if isinstance(entry, dict) else None
            band = labels.get(index) if isinstance(index, int) else None
            if band:
                bands[(str(region), str(itype))] = band
    return bands


class SpotAdvisor:
    """Fetches the feed once per refresh through `session` (a requests.Session), shared by all regions."""

    def __init__(self, session: Any, url: str | None = None) -> None:
        self._session = session
        self._url = url or os.environ.get(SPOT_ADVISOR_URL_ENV) or SPOT_ADVISOR_URL
        self._bands: Bands | None = None
        self._lock = threading.Lock()
        self.error: str | None = None

    def bands(self) -> Bands:
        with self._lock:
            if self._bands is None:
                self._bands = self._fetch()
            return self._bands

    def _fetch(self) -> Bands:
        import requests

        try:
            response = self._session.get(self._url, timeout=TIMEOUT)
            response.raise_for_status()
            bands = parse_spot_advisor(response.json())
        except (requests.RequestException, ValueError) as exc:
            self.error = f"Spot Advisor feed unavailable ({type(exc).__name__}); spot rows keep their bands"
            log.info("%s: %s", self.error, exc)
            return {}
        if not bands:
            self.error = "Spot Advisor feed had no usable bands; spot rows keep their bands"
        return bands
