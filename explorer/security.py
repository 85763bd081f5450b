"""The explorer's defences: who may connect, which writes are genuine, and what a page may load.

- Binding: loopback by default; any other interface only with a token from the environment (``check_bind``).
- Token: with one set, every request needs ``Authorization: Bearer <token>`` or HTTP Basic with the token
  as password (the browser asks once); compared in constant time.
- Host header: only the bound host and loopback names, so a DNS-rebinding page cannot read the app.
- CSRF: a random cookie (HttpOnly, SameSite=Strict) that every POST must repeat in the ``csrf`` form field
  or the ``X-CSRF-Token`` header; a POST whose Origin is another site is refused as well.
- Content-Security-Policy: scripts, styles, images and requests only from the app itself, no inline script,
  no eval, no frames, forms only to the app; ``nosniff`` and no referrer.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import secrets
from urllib.parse import urlsplit

from pydantic import SecretStr
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from core.errors import ConfigError

CSRF_COOKIE = "vp_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
TOKEN_ENV = "VOXPOP_SERVE__TOKEN"  # noqa: S105 - the variable's name, not a token
MIN_TOKEN = 16
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
}
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) is this machine only."""
    if host.strip("[]") in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(host: str, token: SecretStr | None) -> None:
    """Refuse to serve beyond loopback without a token (one line saying what to do)."""
    if token is not None and len(token.get_secret_value()) < MIN_TOKEN:
        raise ConfigError(f"{TOKEN_ENV} is shorter than {MIN_TOKEN} characters; set a long random value "
                          "(python -c 'import secrets; print(secrets.token_urlsafe(32))')")
    if not is_loopback(host) and token is None:
        raise ConfigError(f"serving on {host} would let anyone on the network read and correct the data: set "
                          f"{TOKEN_ENV} to a long random value (the browser then asks for it), or serve on 127.0.0.1")


class Guard:
    """ASGI middleware: security headers, Host check, token check and CSRF for every request."""

    def __init__(self, app: ASGIApp, *, hosts: set[str] | None, token: SecretStr | None) -> None:
        self.app = app
        self.hosts = hosts  # None: any Host header (serving on all interfaces behind the token)
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse or pass the request; add the headers (and the CSRF cookie) to every response."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                if CSRF_COOKIE not in request.cookies:
                    headers.append((b"set-cookie", _csrf_cookie(scope["state"]["csrf"]).encode()))
                message = {**message, "headers": headers}
            await send(message)

        scope.setdefault("state", {})
        scope["state"]["csrf"] = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        problem = self._refusal(request)
        if problem is not None:
            await problem(scope, receive, send_with_headers)
            return
        scope["state"]["user"] = _basic_user(request)
        await self.app(scope, receive, send_with_headers)

    def _refusal(self, request: Request) -> Response | None:
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if self.hosts is not None and host not in self.hosts:
            return PlainTextResponse("unknown Host header", status_code=400)
        if self.token is not None and not _authorised(request, self.token):
            return PlainTextResponse("a token is required", status_code=401,
                                     headers={"www-authenticate": 'Basic realm="voxpop", charset="UTF-8"'})
        return None


def _authorised(request: Request, token: SecretStr) -> bool:
    expected = token.get_secret_value().encode()
    header = request.headers.get("authorization") or ""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer":
        return secrets.compare_digest(value.strip().encode(), expected)
    if scheme.lower() == "basic":
        try:
            _, _, password = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return False
        return secrets.compare_digest(password.encode(), expected)
    return False


def _basic_user(request: Request) -> str | None:
    scheme, _, value = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user = base64.b64decode(value.strip(), validate=True).decode().partition(":")[0].strip()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return user[:100] or None


def _csrf_cookie(value: str) -> str:
    return f"{CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict"


def csrf_ok(request: Request, form: dict[str, str]) -> bool:
    """Whether a POST carries the CSRF cookie's value (form field or header) and comes from this origin."""
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    if not cookie or not sent or not secrets.compare_digest(cookie.encode(), sent.encode()):
        return False
    origin = request.headers.get("origin")
    if origin and origin != "null":
        return urlsplit(origin).netloc == request.headers.get("host")
    return True

