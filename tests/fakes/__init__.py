"""Fake social APIs on 127.0.0.1 and the harness protocol the conformance suite drives them through.

Each fake module (``tests/fakes/x.py``, ``reddit.py``, ``bluesky.py``) serves fixture payloads in the real
wire format through ``FakeServer`` and registers a ``Harness`` in ``HARNESSES``.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

import listeners._http as http_mod

SCENARIOS = (
    "pages",  # several pages of results, all valid
    "rate_limit",  # first request 429 with the platform's reset header, then success
    "server_error",  # first request 5xx, then success
    "unauthorized",  # 401 on every request
    "forbidden",  # 403 (X: 453 / access tier) on every request
    "malformed",  # valid items mixed with malformed and partial ones
    "duplicates",  # the same item on two pages
    "empty",  # no results
    "unicode",  # emoji, right-to-left text, mixed scripts
    "huge_text",  # one 40,000-character text
    "crash",  # 4 pages; requests for page 3 fail with 500 until healed, then a healthy re-run
)


@dataclass
class Request:
    """What a fake saw."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Response:
    """What a fake answers."""

    status: int = 200
    body: Any = None  # dict/list → JSON; bytes/str sent as is
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, self.headers.get("Content-Type", "application/octet-stream")
        if isinstance(self.body, str):
            return self.body.encode(), self.headers.get("Content-Type", "text/plain; charset=utf-8")
        return json.dumps(self.body if self.body is not None else {}).encode(), "application/json; charset=utf-8"


class FakeServer:
    """A threaded HTTP server on 127.0.0.1 (random port) calling ``handler`` for every request."""

    def __init__(self, handler: Callable[[Request], Response]) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                req = Request(self.command, parts.path, parse_qs(parts.query, keep_blank_values=True),
                              {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
                outer.requests.append(req)
                resp = outer.handler(req)
                body, ctype = resp.encoded()
                self.send_response(resp.status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in resp.headers.items():
                    if k.lower() != "content-type":
                        self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815 - http.server naming

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature from stdlib
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class SleepRecorder:
    """Records the waits of the HTTP listeners instead of sleeping: they all go through ``listeners._http._sleep``."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._real: Callable[[float], None] | None = None

    def start(self) -> None:
        self._real = http_mod._sleep
        http_mod._sleep = self.seconds.append

    def stop(self) -> None:
        if self._real is not None:
            http_mod._sleep, self._real = self._real, None


class Harness(Protocol):
    """How the conformance suite drives one listener type against its fake API."""

    type: str  # the listener type name in the registry (x, reddit, bluesky)

    def start(self) -> None:
        """Start the fake server(s)."""

    def stop(self) -> None:
        """Stop them."""

    def source(self) -> dict[str, Any]:
        """The `sources:` entry pointing the listener at the fake (type, name, queries, options)."""

    def env(self) -> dict[str, str]:
        """Environment variables with (fake) credentials for the listener."""

    def load(self, scenario: str) -> set[str]:
        """Configure ``scenario``; return the native ids a complete, successful collection must store."""

    def heal(self) -> None:
        """Make a failing scenario ('crash') succeed from now on."""

    def sleeps(self) -> list[float]:
        """Seconds the listener asked to sleep (its sleep function is patched by the harness)."""

    def secrets(self) -> list[str]:
        """Secret values that must never appear in logs, errors, artifacts or Parquet."""


HARNESSES: dict[str, Callable[[], Harness]] = {}
