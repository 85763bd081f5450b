"""One HTTP request with the listeners' pacing, backoff and rate-limit waits (shared by the httpx clients)."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from listeners.throttle import Throttle


def retry_after(resp: httpx.Response) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or a Unix time), None when absent or unreadable."""
    try:
        value = float(resp.headers.get("retry-after", ""))
    except ValueError:
        return None
    return value - time.time() if value > 1e9 else value  # a Unix time, not a delay


def send(throttle: Throttle, request: Callable[[], httpx.Response], *, what: str, limit: str,
         throttled: Callable[[httpx.Response], bool] = lambda r: r.status_code == 429,
         retry_in: Callable[[httpx.Response], float | None] = retry_after,
         detail: Callable[[httpx.Response], str] = lambda r: f"HTTP {r.status_code}") -> httpx.Response:
    """The first answer that is neither a transport error, a throttle nor a 5xx (those are waited out).

    Transport errors and 5xx answers back off (``Throttle.backoff``, which gives up after its retries);
    ``throttled`` answers wait for the reset ``retry_in`` gives. Every other answer is the caller's to read.
    """
    failures = throttles = 0
    while True:
        throttle.pace(limit)
        try:
            resp = request()
        except httpx.TransportError as exc:
            failures += 1
            throttle.backoff(what, failures, type(exc).__name__)
            continue
        finally:
            throttle.sent()
        if throttled(resp):
            throttles += 1
            throttle.wait_for_reset(throttles, what=what, limit=limit, detail=detail(resp), retry_in=retry_in(resp))
            continue
        if resp.status_code >= 500:
            failures += 1
            throttle.backoff(what, failures, detail(resp))
            continue
        return resp
