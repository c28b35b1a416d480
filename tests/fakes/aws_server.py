"""A loopback HTTP server that speaks the real AWS wire protocols for the three calls costcmp makes:
pricing GetProducts (JSON 1.1, X-Amz-Target) and EC2 DescribeInstanceTypes / DescribeSpotPriceHistory
(EC2 Query: form-encoded request, XML response). The XML is written from botocore's own output-shape
model, so it matches what the SDK parses. Serves only 127.0.0.1; stops when closed.
"""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

_EC2_MODEL = None


def _ec2_model():  # type: ignore[no-untyped-def]
    global _EC2_MODEL
    if _EC2_MODEL is None:
        import botocore.session

        _EC2_MODEL = botocore.session.get_session().get_service_model("ec2")
    return _EC2_MODEL


def _write(parent: Element, tag: str, shape: Any, value: Any) -> None:
    node = SubElement(parent, tag)
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                _write(node, member.serialization.get("name", name), member, value[name])
    elif shape.type_name == "list":
        for item in value:
            _write(node, shape.member.serialization.get("name", "item"), shape.member, item)
    elif shape.type_name == "timestamp":
        node.text = value.strftime("%Y-%m-%dT%H:%M:%S.000Z") if isinstance(value, datetime) else str(value)
    elif shape.type_name == "boolean":
        node.text = "true" if value else "false"
    else:
        node.text = str(value)


def ec2_response_xml(operation: str, data: dict[str, Any]) -> bytes:
    """The body EC2 returns for `operation` with `data` (botocore's parsed form, PascalCase keys)."""
    shape = _ec2_model().operation_model(operation).output_shape
    root = Element(f"{operation}Response", xmlns="http://ec2.amazonaws.com/doc/2016-11-15/")
    SubElement(root, "requestId").text = "4ac5e1c9-0000-4000-8000-000000000000"
    for name, member in shape.members.items():
        if name in data and data[name] is not None:
            _write(root, member.serialization.get("name", name), member, data[name])
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root)


class FakeAws:
    """Region data in, AWS answers out. `fail` maps region -> (status, error code) for every call there;
    `delay` is added before each answer (benchmarks); `requests` records (service, region, detail)."""

    def __init__(
        self,
        regions: dict[str, dict[str, Any]],
        *,
        page_size: int = 2,
        ec2_page_size: int | None = None,
        delay: float = 0.0,
        fail: dict[str, tuple[int, str]] | None = None,
        honor_filters: bool = True,
        throttle_once: bool = False,
    ) -> None:
        self.regions = regions
        self.page_size = page_size
        self.ec2_page_size = ec2_page_size or page_size
        self.delay = delay
        self.fail = fail or {}
        # The real GetProducts applies every TERM_MATCH filter to the product's attributes; False plays a
        # mirror (or an older API) that ignores them, so the client-side choice is tested too.
        self.honor_filters = honor_filters
        # Every distinct request is answered once with a throttling error first (the refresh benchmark).
        self.throttle_once = throttle_once
        self._throttled: set[tuple[str, str, bytes]] = set()
        self.requests: list[tuple[str, str, str]] = []
        self._memo: dict[tuple[str, str, bytes], tuple[int, str, bytes]] = {}
        self._lock = threading.Lock()
        _ec2_model()  # load once now: concurrent first requests would each load it (a cold-start stampede)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # /__stats: requests answered; /__reset: throttle every request again
                if self.path == "/__reset":
                    with fake._lock:
                        fake._throttled.clear()
                payload = json.dumps({"requests": len(fake.requests)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if fake.delay:
                    time.sleep(fake.delay)
                status, content_type, payload = fake.answer(dict(self.headers), body)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # the default backlog of 5 drops bursts of new connections (1 s SYN retry)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeAws:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _page(self, items: list[Any], token: str | None, size: int | None = None) -> tuple[list[Any], str | None]:
        start = int(token or 0)
        end = start + (size or self.page_size)
        return items[start:end], (str(end) if end < len(items) else None)

    def answer(self, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        """Answers are memoized per request (the data is fixed): a benchmark then measures the client."""
        key = (
            headers.get("X-Amz-Target", ""),
            headers.get("Authorization", "").split("/")[2:3].__repr__(),
            body,
        )
        if self.throttle_once:
            with self._lock:
                first = key not in self._throttled
                self._throttled.add(key)
            if first:
                return self._throttled_answer(headers)
        if not self.fail and key in self._memo:
            self._record(headers, body)
            return self._memo[key]
        result = self._answer(headers, body)
        if not self.fail and result[0] == 200:
            self._memo[key] = result
        return result

    @staticmethod
    def _throttled_answer(headers: dict[str, str]) -> tuple[int, str, bytes]:
        """What AWS answers a throttled call: JSON for pricing, EC2's XML error document for EC2."""
        if headers.get("X-Amz-Target"):
            body = json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode()
            return 400, "application/x-amz-json-1.1", body
        xml = (
            b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded."
            b"</Message></Error></Errors><RequestID>4ac5e1c9</RequestID></Response>"
        )
        return 503, "text/xml", xml

    def _matches(self, item: str, filters: list[dict[str, str]]) -> bool:
        attributes = json.loads(item)["product"]["attributes"]
        return all(
            str(attributes.get(f["Field"], "")).lower() == str(f["Value"]).lower()
            for f in filters
            if f.get("Type") == "TERM_MATCH" and f["Field"] != "regionCode"
        )

    def _record(self, headers: dict[str, str], body: bytes) -> None:
        with self._lock:
            self.requests.append(("memo", "", ""))

    def _answer(self, headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        target = headers.get("X-Amz-Target", "")
        if target == "AWSPriceListService.GetProducts":
            request = json.loads(body)
            region = next(f["Value"] for f in request["Filters"] if f["Field"] == "regionCode")
            with self._lock:
                self.requests.append(("pricing", region, request.get("NextToken") or ""))
            if region in self.fail:
                status, code = self.fail[region]
                return (
                    status,
                    "application/x-amz-json-1.1",
                    json.dumps({"__type": code, "message": "denied"}).encode(),
                )
            prices = self.regions.get(region, {}).get("prices", [])
            if self.honor_filters:
                prices = [p for p in prices if self._matches(p, request["Filters"])]
            items, token = self._page(prices, request.get("NextToken"))
            page: dict[str, Any] = {"FormatVersion": "aws_v1", "PriceList": items}
            if token:
                page["NextToken"] = token
            return 200, "application/x-amz-json-1.1", json.dumps(page).encode()
        form = urllib.parse.parse_qs(body.decode())
        action = form["Action"][0]
        match = re.search(r"Credential=[^/]+/\d+/([^/]+)/ec2/", headers.get("Authorization", ""))
        region = match.group(1) if match else "us-east-1"
        with self._lock:
            self.requests.append(("ec2", region, action))
        if region in self.fail:
            status, code = self.fail[region]
            xml = (
                f"<Response><Errors><Error><Code>{code}</Code><Message>denied</Message></Error></Errors>"
                "<RequestID>4ac5e1c9</RequestID></Response>"
            ).encode()
            return status, "text/xml", xml
        data = self.regions.get(region, {})
        token = form.get("NextToken", [None])[0]
        if action == "DescribeInstanceTypes":
            wanted = {v[0] for k, v in form.items() if k.startswith("InstanceType.")}
            items = [t for t in data.get("instance_types", []) if not wanted or t["InstanceType"] in wanted]
            page, next_token = self._page(items, token, self.ec2_page_size)
            return 200, "text/xml", ec2_response_xml(action, {"InstanceTypes": page, "NextToken": next_token})
        if action == "DescribeSpotPriceHistory":
            page, next_token = self._page(data.get("spot", []), token, self.ec2_page_size)
            return (
                200,
                "text/xml",
                ec2_response_xml(action, {"SpotPriceHistory": page, "NextToken": next_token or ""}),
            )
        return (
            400,
            "text/xml",
            b"<Response><Errors><Error><Code>InvalidAction</Code></Error></Errors></Response>",
        )
