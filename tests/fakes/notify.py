"""Local fakes that Apprise delivers to over real HTTP and SMTP on 127.0.0.1.

``FakeWebhooks`` is one HTTP server for a generic JSON webhook (``json://``), Slack's incoming webhooks
(``NotifySlack.webhook_url`` pointed at it) and the Telegram Bot API (``NotifyTelegram.notify_url``
pointed at it); it answers what each real service answers (``ok`` for Slack, a JSON result for Telegram)
and can be told to fail the next requests. ``FakeSmtp`` is an aiosmtpd server that keeps every message.
"""

from __future__ import annotations

import email
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    """One request the fake received."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


class FakeWebhooks:
    """A threaded HTTP server on 127.0.0.1 that records requests and answers like the real services."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.fail_next: list[int] = []  # HTTP statuses for the next requests, then success again
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                fake.requests.append(Request("POST", self.path, dict(self.headers), body))
                status = fake.fail_next.pop(0) if fake.fail_next else 200
                if self.path.startswith("/services/"):  # Slack incoming webhook
                    payload = b"ok" if status == 200 else b"invalid_payload"
                else:  # Telegram Bot API and generic webhooks
                    payload = json.dumps({"ok": status == 200, "result": {"message_id": len(fake.requests)}}
                                         if status == 200 else {"ok": False, "description": "fake failure"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        """http://127.0.0.1:<port>."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def hostport(self) -> str:
        """127.0.0.1:<port>, for json:// URLs."""
        return f"127.0.0.1:{self.server.server_address[1]}"

    def at(self, prefix: str) -> list[Request]:
        """The requests whose path starts with ``prefix``."""
        return [r for r in self.requests if r.path.startswith(prefix)]

    def start(self) -> FakeWebhooks:
        """Serve in a background thread."""
        self.thread.start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        self.server.shutdown()
        self.server.server_close()


class FakeSmtp:
    """An aiosmtpd SMTP server on 127.0.0.1 that keeps every message it accepts."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Message] = []
        fake = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd hook
                fake.messages.append(email.message_from_bytes(envelope.content))
                return "250 OK"

        with socket.socket() as probe:  # aiosmtpd connects to its own port to check it started: no port 0
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def url(self, to: str = "team@example.test") -> str:
        """An Apprise mailto:// URL that delivers here without TLS or login."""
        return f"mailto://127.0.0.1:{self.port}?from=voxpop@example.test&to={to}&mode=insecure"

    def start(self) -> FakeSmtp:
        """Start accepting mail."""
        self.controller.start()
        return self

    def stop(self) -> None:
        """Stop the server."""
        self.controller.stop()


def parts(message: Message) -> Iterator[Message]:
    """Every leaf part of a MIME message."""
    for part in message.walk():
        if not part.is_multipart():
            yield part
