"""Fake social APIs on 127.0.0.1 and the harness protocol the conformance suite drives them through.

Each fake module (``tests/fakes/x.py``, ``reddit.py``, ``bluesky.py``) serves fixture payloads in the real
wire format and registers a ``FakeApiHarness`` subclass in ``HARNESSES``: the base runs the ``FakeServer``,
records the listener's waits and loads scenarios; a subclass names its fake, its scenario builders, the
source entry and the credentials. The ``start_harness`` fixture (tests/conftest.py) starts one for a test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar, Protocol
from urllib.parse import parse_qs, urlsplit

from core.config import Settings, Source
from core.types import Mention, Rejected
from listeners import Listener, registry
from listeners.throttle import use_sleep

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
    """Records the waits of the HTTP listeners instead of sleeping (``listeners.throttle.use_sleep``)."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._real: Callable[[float], None] | None = None

    def start(self) -> None:
        self._real = use_sleep(self.seconds.append)

    def stop(self) -> None:
        if self._real is not None:
            use_sleep(self._real)
            self._real = None


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


DENIED = ("unauthorized", "forbidden")  # scenarios where the fake refuses every request: nothing is stored
Scenario = Callable[[Any], set[str]]  # fills a fake; returns the native ids a complete collection stores


class FakeApiHarness:
    """A fake API on 127.0.0.1 (random port) for one listener type, with the listener's waits recorded.

    Subclasses set ``type`` (the registry name), ``source_name``, ``first_failures`` (the status the first
    request of "rate_limit" / "server_error" gets) and ``scenarios`` (builders of the other scenarios, "pages"
    among them), and implement ``new_fake``, ``fail_first``, ``options`` and ``env``.
    """

    type: ClassVar[str]
    source_name: ClassVar[str]
    first_failures: ClassVar[dict[str, int]]
    scenarios: ClassVar[dict[str, Scenario]]

    def __init__(self) -> None:
        self.fake: Any = self.new_fake(None)
        self.server = FakeServer(self._handle)
        self._sleeps = SleepRecorder()

    def _handle(self, req: Request) -> Response:
        return self.fake(req)  # looked up per request: load() swaps the fake

    def new_fake(self, previous: Any) -> Any:
        """A fresh fake API; ``previous`` (None at first) passes on what must never repeat (ids, tokens)."""
        raise NotImplementedError

    def fail_first(self, status: int) -> None:
        """Make the fake's first API answer fail with ``status`` (429 or 5xx)."""
        raise NotImplementedError

    def options(self) -> dict[str, Any]:
        """The source's ``options:`` pointing the listener at the fake."""
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        """Environment variables with (fake) credentials for the listener."""
        raise NotImplementedError

    def start(self) -> None:
        """Serve the fake and record waits instead of sleeping."""
        self.server.__enter__()
        self._sleeps.start()

    def stop(self) -> None:
        """Stop serving and sleep for real again."""
        self._sleeps.stop()
        self.server.__exit__(None, None, None)

    def source(self) -> dict[str, Any]:
        """The `sources:` entry of the listener under test."""
        return {"name": self.source_name, "type": self.type, "options": self.options()}

    def listener(self, settings: Settings, *, name: str | None = None, queries: list[str] | None = None,
                 **options: Any) -> Listener:
        """The listener of ``source()`` (``options`` added on top), built by the registry as ``listen`` builds it."""
        source = Source(name=name or self.source_name, type=self.type, queries=queries or [],
                        options={**self.options(), **options})
        return registry.create(source, settings)

    def load(self, scenario: str) -> set[str]:
        """A fresh fake with ``scenario``'s data (records cleared); the native ids a full collection stores."""
        self.fake = self.new_fake(self.fake)
        self._sleeps.seconds.clear()
        self.server.requests.clear()
        if scenario in {"pages", "rate_limit", "server_error", *DENIED}:
            ids = self.scenarios["pages"](self.fake)
            self.fake.mode = scenario if scenario in DENIED else "ok"
            if scenario in self.first_failures:
                self.fail_first(self.first_failures[scenario])
            return set() if scenario in DENIED else ids
        return {"empty": lambda _: set(), **self.scenarios}[scenario](self.fake)

    def heal(self) -> None:
        """Make a failing scenario ('crash') succeed from now on."""
        self.fake.healed = True

    def sleeps(self) -> list[float]:
        """Seconds the listener asked to sleep."""
        return list(self._sleeps.seconds)

    def secrets(self) -> list[str]:
        """Secret values that must never appear in logs, errors, artifacts or Parquet."""
        raise NotImplementedError


def collect(listener: Listener, cursor: dict[str, Any] | None = None) -> tuple[list[Mention], list[Rejected],
                                                                           list[Any]]:
    """Every page of one ``pages(cursor)`` call: (mentions, rejects, each page's cursor)."""
    mentions: list[Mention] = []
    rejects: list[Rejected] = []
    cursors: list[Any] = []
    for page in listener.pages(cursor):
        mentions += page.mentions
        rejects += page.rejects
        cursors.append(page.cursor)
    return mentions, rejects, cursors


HARNESSES: dict[str, Callable[[], Harness]] = {}
