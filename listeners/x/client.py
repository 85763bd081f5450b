"""The X API client: tweepy's search calls with our pacing, retries, rate-limit waits and status → error mapping.

tweepy builds its own ``requests`` session; a transport adapter mounted on it adds timeouts and, when
``options.api_base`` is not X, sends every request there instead (proxies, the tests' fake).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import tweepy
from pydantic import SecretStr
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies

from core.errors import AccessError, RateLimitError, SourceError
from core.redact import register
from listeners.fields import json_object
from listeners.throttle import Throttle
from listeners.x.options import TOKEN_ENV, TOKEN_HINT, X_API, XOptions

log = logging.getLogger("listeners.x")  # one logger per source, whichever module logs


class HostAdapter(HTTPAdapter):
    """Adds a timeout to tweepy's requests (it sets none) and sends them to ``api_base``."""

    def __init__(self, api_base: str, timeout: float) -> None:
        super().__init__()
        self._base = urlsplit(api_base)
        self._timeout = timeout

    def send(  # noqa: PLR0917 - HTTPAdapter.send's signature
        self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
        verify: Any = True, cert: Any = None, proxies: Any = None,
    ) -> requests.Response:
        """Rewrite scheme and host (keeping path and query) unless ``api_base`` is X itself."""
        if request.url and self._base.geturl() != X_API:
            parts = urlsplit(request.url)
            path = self._base.path.rstrip("/") + parts.path
            request.url = urlunsplit((self._base.scheme, self._base.netloc, path, parts.query, ""))
            proxies = get_environ_proxies(request.url)  # chosen for api.twitter.com; redo for the new host
        return super().send(request, stream=stream, timeout=timeout or self._timeout, verify=verify, cert=cert,
                            proxies=proxies)



class InvalidIdError(Exception):
    """Recent search refused a saved ``since_id``/``until_id`` (older than its 7-day index)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


class XApi:
    """One tweepy client: pacing, retries, rate limits and status → error mapping."""

    def __init__(self, source: str, opts: XOptions, token: SecretStr) -> None:
        self.source = source
        self.opts = opts
        register(token.get_secret_value())  # tweepy logs the Authorization header at DEBUG: scrubbed (core.redact)
        self._client = tweepy.Client(bearer_token=token.get_secret_value(), return_type=requests.Response,
                                     wait_on_rate_limit=False)
        self._client.session.mount(X_API + "/", HostAdapter(opts.api_base, opts.timeout_seconds))
        self.endpoint = "full-archive search" if opts.archive else "recent search"
        self._what = f"X {self.endpoint}"  # names the request in logs and errors
        self._limit = f"X rate limit on {self.endpoint}"
        # X rounds its reset down to the second: wait one more so the first request after it does not 429
        self._throttle = Throttle(source, log, max_wait=opts.max_wait_seconds, max_retries=opts.max_retries,
                                  min_interval=opts.min_interval_seconds, slack=1.0, resume="the cursor",
                                  outage="X may be down, the next run resumes where this one stopped")

    def __repr__(self) -> str:
        return f"XApi(source={self.source!r}, api_base={self.opts.api_base!r}, endpoint={self.endpoint!r})"

    def close(self) -> None:
        """Release the connection pool."""
        self._client.session.close()

    def search(self, query: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """One search page as the raw JSON body."""
        call = self._client.search_all_tweets if self.opts.archive else self._client.search_recent_tweets
        failures = throttles = 0
        while True:
            self._throttle.pace(self._limit)
            try:
                resp = call(query, **params)
            except tweepy.TooManyRequests as exc:
                throttles += 1
                self._wait_for_reset(exc, throttles)
                continue
            except tweepy.TwitterServerError as exc:
                failures += 1
                self._throttle.backoff(self._what, failures, f"HTTP {_status(exc)} {_problem(exc)[1]}".strip())
                continue
            except (requests.Timeout, requests.ConnectionError) as exc:
                failures += 1
                self._throttle.backoff(self._what, failures, type(exc).__name__)
                continue
            except tweepy.HTTPException as exc:
                raise self._error(exc, query) from None
            except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema) as exc:
                raise SourceError(f"source '{self.source}': cannot call {self.opts.api_base} ({type(exc).__name__});"
                                  " check options.api_base") from None
            finally:
                self._throttle.sent()
            self._throttle.note_window(resp.headers.get("x-rate-limit-remaining"), _reset_at(resp.headers))
            return self._json(resp)

    # ---- errors ----------------------------------------------------------------------------------
    def _error(self, exc: tweepy.HTTPException, query: str) -> Exception:
        status = _status(exc)
        title, detail, body = _problem(exc)
        where = f"source '{self.source}': X {self.endpoint}"
        if status == 401:
            return AccessError(f"{where} rejected the bearer token (401 {title or 'Unauthorized'}); check "
                               f"{TOKEN_ENV} (or the Prefect Secret block named in options.bearer_token_block). "
                               f"{TOKEN_HINT}")
        codes = [e.get("code") for e in body.get("errors", []) if isinstance(e, Mapping)]
        if status in {403, 453} or 453 in codes:
            reason = body.get("reason") or ("code 453" if 453 in codes or status == 453 else "")
            why = f"{status} {title or 'Forbidden'}" + (f", {reason}" if reason else "") + f": {detail[:200]}"
            return AccessError(f"{where} was refused ({why}). Your app's access does not include this endpoint: "
                               "pay-per-use (the default since February 2026) includes recent and full-archive "
                               "search; on a legacy plan recent search needs Basic (or higher) access and full-archive "
                               "search (options.archive) needs Pro or Enterprise. Attach the app to a Project with "
                               "that access at developer.x.com, or turn options.archive off")
        if status == 402:
            return AccessError(f"{where} answered 402 {title} ({detail[:200]}): the account's plan or credits do "
                               "not cover this request; check billing at developer.x.com")
        if status == 400:
            return _bad_request(where, query, title, detail, body)
        if status == 404:
            return SourceError(f"{where}: 404 from {self.opts.api_base}; check options.api_base")
        return SourceError(f"{where} answered {status} {title} ({detail[:200]})")

    # ---- rate limits -----------------------------------------------------------------------------
    def _wait_for_reset(self, exc: tweepy.TooManyRequests, throttles: int) -> None:
        _, detail, body = _problem(exc)
        reset_at = float(exc.reset_time) if exc.reset_time is not None else _reset_at(exc.response.headers)
        if "usage-capped" in str(body.get("type", "")) or body.get("title") == "UsageCapExceeded":
            raise RateLimitError(f"source '{self.source}': X says the usage cap is reached ({detail[:200]}): your "
                                 "monthly read cap (pay-per-use) or the plan's monthly post cap is used up; it "
                                 "resets with the billing period", reset_at=reset_at)
        per_window = exc.response.headers.get("x-rate-limit-limit", "?")
        self._throttle.wait_for_reset(throttles, what=self._what, limit=self._limit, reset_at=reset_at,
                                      detail=f"x-rate-limit-limit {per_window}")

    def _json(self, resp: requests.Response) -> dict[str, Any]:
        return json_object(resp, f"source '{self.source}': X {self.endpoint} did not return a JSON object; is "
                                 f"options.api_base ({self.opts.api_base}) the X API?")


def _bad_request(where: str, query: str, title: str, detail: str, body: Mapping[str, Any]) -> Exception:
    """A 400: a saved since_id/until_id recent search no longer accepts, or a query X cannot parse."""
    errors = [e for e in body.get("errors", []) if isinstance(e, Mapping)]
    for err in errors:
        params = err.get("parameters")
        for name in ("since_id", "until_id"):
            if isinstance(params, Mapping) and name in params:
                return InvalidIdError(name, str(err.get("message") or detail))
    messages = "; ".join(str(e.get("message")) for e in errors if e.get("message"))
    return SourceError(f"{where} rejected query {query!r} (400 {title}: {(messages or detail)[:300]}); "
                       "fix source.queries or the brand terms")


def _status(exc: tweepy.HTTPException) -> int:
    return int(getattr(exc.response, "status_code", 0) or 0)


def _problem(exc: tweepy.HTTPException) -> tuple[str, str, dict[str, Any]]:
    """(title, detail, body) of X's error body ``{"title", "detail", "type", "status"}`` or ``{"errors": [...]}``."""
    try:
        body = exc.response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    messages = [str(e.get("message")) for e in body.get("errors", []) if isinstance(e, Mapping) and e.get("message")]
    detail = str(body.get("detail") or "; ".join(messages) or getattr(exc.response, "reason", "") or "")
    return str(body.get("title") or ""), detail, body


def _reset_at(headers: Mapping[str, str]) -> float | None:
    """``x-rate-limit-reset`` (Unix seconds), else ``Retry-After`` (seconds from now)."""
    for name, absolute in (("x-rate-limit-reset", True), ("retry-after", False)):
        try:
            number = float(str(headers.get(name, "")).strip())
        except ValueError:
            continue
        return number if absolute else time.time() + number
    return None

