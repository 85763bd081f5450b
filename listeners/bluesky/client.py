"""The Bluesky XRPC client over plain httpx: session, searchPosts, pacing, retries and status → error mapping.

No SDK: the four XRPC calls we need (createSession, refreshSession, searchPosts and their error bodies) are
small, and owning them lets us honour the ``ratelimit-*`` headers, retry 5xx and map statuses to typed
errors exactly like the other listeners.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import httpx
from pydantic import SecretStr

from core.errors import AccessError, SourceError
from listeners.bluesky.options import HANDLE_ENV, PASSWORD_ENV, PASSWORD_HINT, BlueskyOptions
from listeners.fields import json_object
from listeners.throttle import Throttle

log = logging.getLogger("listeners.bluesky")  # one logger per source, whichever module logs


class CursorRejectedError(Exception):
    """searchPosts refused the pagination cursor we sent (expired or invalid)."""


class XrpcClient:
    """A logged-in XRPC session: pacing, retries, rate limits, token refresh and status → error mapping."""

    def __init__(self, source: str, opts: BlueskyOptions, handle: SecretStr, password: SecretStr) -> None:
        self.source = source
        self.opts = opts
        self._handle = handle
        self._password = password
        self._access: SecretStr | None = None
        self._refresh: SecretStr | None = None
        self._throttle = Throttle(source, log, max_wait=opts.max_wait_seconds, max_retries=opts.max_retries,
                                  min_interval=opts.min_interval_seconds,
                                  outage="Bluesky may be down, the next run resumes where this one stopped")
        self._http = httpx.Client(timeout=opts.timeout_seconds, headers={"User-Agent": "voxpop (bluesky listener)"})

    def __repr__(self) -> str:
        return f"XrpcClient(source={self.source!r}, pds={self.opts.pds_url!r}, api={self.opts.api_base!r})"

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    # ---- session ---------------------------------------------------------------------------------
    def login(self) -> None:
        """``com.atproto.server.createSession`` with the handle and app password."""
        body = {"identifier": self._handle.get_secret_value(), "password": self._password.get_secret_value()}
        resp = self._request("POST", self.opts.pds_url, "com.atproto.server.createSession", json_body=body)
        if resp.status_code == 200:
            self._take_tokens(resp, "createSession")
            return
        error, message = _xrpc_error(resp)
        where = (f"check {HANDLE_ENV} and {PASSWORD_ENV} (or the Prefect Secret blocks named in "
                 f"options.handle_block / options.app_password_block)")
        if error == "AuthFactorTokenRequired":
            raise AccessError(f"source '{self.source}': Bluesky asked for an email sign-in code "
                              f"({resp.status_code} {error}): that is the account password, not an app password; "
                              f"put an app password in {PASSWORD_ENV}. {PASSWORD_HINT}")
        if error in {"AccountTakedown", "AccountSuspended"} or resp.status_code == 403:
            raise AccessError(f"source '{self.source}': Bluesky refused the login with {resp.status_code} "
                              f"{error or 'Forbidden'} ({message}): the account is taken down, suspended or has "
                              f"no access to {self.opts.pds_url}; sign in at bsky.app to see why, or {where}")
        if resp.status_code in {400, 401}:
            raise AccessError(f"source '{self.source}': Bluesky rejected the credentials ({resp.status_code} "
                              f"{error or 'Unauthorized'}: {message}); {where}. {PASSWORD_HINT}")
        raise SourceError(f"source '{self.source}': createSession at {self.opts.pds_url} answered "
                          f"{resp.status_code} {error} ({message}); check options.pds_url")

    def _refresh_session(self) -> None:
        """Swap the refresh token for a new pair; log in again when that fails (refresh tokens expire too)."""
        if self._refresh is not None:
            resp = self._request("POST", self.opts.pds_url, "com.atproto.server.refreshSession", token=self._refresh)
            if resp.status_code == 200:
                self._take_tokens(resp, "refreshSession")
                return
            error, _ = _xrpc_error(resp)
            log.info("source %s: refreshSession answered %s %s; logging in again", self.source,
                     resp.status_code, error)
        self.login()

    def _take_tokens(self, resp: httpx.Response, endpoint: str) -> None:
        body = _json(resp, self.source, endpoint)
        access, refresh = body.get("accessJwt"), body.get("refreshJwt")
        if not isinstance(access, str) or not access:
            raise SourceError(f"source '{self.source}': {endpoint} returned no accessJwt; check options.pds_url")
        if body.get("active") is False:
            status = body.get("status") or "inactive"
            raise AccessError(f"source '{self.source}': the Bluesky account is {status} (createSession says "
                              "active=false), so it has no access to search; reactivate it or use another account")
        self._access = SecretStr(access)
        self._refresh = SecretStr(refresh) if isinstance(refresh, str) and refresh else None

    # ---- search ----------------------------------------------------------------------------------
    def search(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """One ``app.bsky.feed.searchPosts`` page; refreshes the session once on ExpiredToken / 401."""
        nsid = "app.bsky.feed.searchPosts"
        for attempt in range(2):
            resp = self._request("GET", self.opts.api_base, nsid, params=params, token=self._access)
            if resp.status_code == 200:
                return _json(resp, self.source, nsid)
            error, message = _xrpc_error(resp)
            expired = resp.status_code == 401 or (resp.status_code == 400 and error == "ExpiredToken")
            if expired and attempt == 0:
                log.info("source %s: session token %s; refreshing", self.source, error or resp.status_code)
                self._refresh_session()
                continue
            break
        query = params.get("q")
        if resp.status_code in {400, 401} and error in {"ExpiredToken", "InvalidToken", "AuthenticationRequired"}:
            raise AccessError(f"source '{self.source}': searchPosts rejected a fresh session token "
                              f"({resp.status_code} {error}: {message}); check {HANDLE_ENV} / {PASSWORD_ENV} and "
                              f"that options.api_base ({self.opts.api_base}) accepts tokens from options.pds_url")
        if resp.status_code == 401:
            raise AccessError(f"source '{self.source}': searchPosts answered 401 {error} ({message}); check the "
                              f"credentials in {HANDLE_ENV} / {PASSWORD_ENV}")
        if resp.status_code == 403:
            raise AccessError(f"source '{self.source}': searchPosts at {self.opts.api_base} answered 403 "
                              f"{error or 'Forbidden'} ({message}): this account or app password has no access to "
                              "post search there. public.api.bsky.app refuses search; keep options.api_base at "
                              "your PDS (https://bsky.social) or https://api.bsky.app, and check the account is "
                              "in good standing")
        if resp.status_code == 400 and params.get("cursor"):
            raise CursorRejectedError(f"{error}: {message}")
        if resp.status_code == 400:
            raise SourceError(f"source '{self.source}': searchPosts rejected query {query!r} (400 {error}: "
                              f"{message}); fix source.queries or options.lang")
        if resp.status_code == 404:
            raise SourceError(f"source '{self.source}': {self.opts.api_base} does not serve {nsid} (404 {error}); "
                              "check options.api_base")
        raise SourceError(f"source '{self.source}': searchPosts answered {resp.status_code} {error} ({message})")

    # ---- transport -------------------------------------------------------------------------------
    def _request(self, method: str, base: str, nsid: str, *, params: Mapping[str, Any] | None = None,
                 json_body: Mapping[str, Any] | None = None, token: SecretStr | None = None) -> httpx.Response:
        """Send with pacing; retry 5xx and transport errors with backoff; wait out 429s up to the cap."""
        url = f"{base}/xrpc/{nsid}"
        limit = f"Bluesky rate limit on {nsid}"
        failures = throttles = 0
        while True:
            self._throttle.pace(limit)
            headers = {"Authorization": f"Bearer {token.get_secret_value()}"} if token is not None else {}
            try:
                resp = self._http.request(method, url, params=params, json=json_body, headers=headers)
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                raise SourceError(f"source '{self.source}': cannot call {url} ({exc}); check options.pds_url "
                                  "and options.api_base") from None
            except httpx.TransportError as exc:
                failures += 1
                self._throttle.backoff(nsid, failures, type(exc).__name__)
                continue
            finally:
                self._throttle.sent()
            if resp.status_code < 400:
                self._throttle.note_window(resp.headers.get("ratelimit-remaining"), _reset_at(resp.headers))
            if resp.status_code == 429:
                throttles += 1
                self._throttle.wait_for_reset(throttles, what=nsid, limit=limit, reset_at=_reset_at(resp.headers),
                                              detail=f"ratelimit-limit {resp.headers.get('ratelimit-limit', '?')}")
                continue
            if resp.status_code >= 500:
                failures += 1
                error, _ = _xrpc_error(resp)
                self._throttle.backoff(nsid, failures, f"HTTP {resp.status_code} {error}".strip())
                continue
            return resp


def _reset_at(headers: httpx.Headers) -> float | None:
    """Unix time of the reset: ``ratelimit-reset`` (epoch seconds; small values read as a delta) or Retry-After."""
    now = time.time()
    for name in ("ratelimit-reset", "retry-after"):
        value = headers.get(name, "").strip()
        try:
            number = float(value)
        except ValueError:
            continue
        return number if number > 1e9 else now + number
    return None


def _xrpc_error(resp: httpx.Response) -> tuple[str, str]:
    """The XRPC error body ``{"error": ..., "message": ...}``, tolerating HTML and empty bodies."""
    try:
        body = resp.json()
    except ValueError:
        return "", (resp.text or resp.reason_phrase or "").strip()[:200]
    if not isinstance(body, dict):
        return "", str(body)[:200]
    return str(body.get("error") or ""), str(body.get("message") or resp.reason_phrase or "")[:200]


def _json(resp: httpx.Response, source: str, nsid: str) -> dict[str, Any]:
    return json_object(resp, f"source '{source}': {nsid} did not return a JSON object; is the base URL an XRPC "
                             "service (options.pds_url / options.api_base)?")
