"""The ``bluesky`` listener: AT Protocol post search (``app.bsky.feed.searchPosts``) over plain httpx.

No SDK: the four XRPC calls we need (createSession, refreshSession, searchPosts and their error bodies) are
small, and owning them lets us honour the ``ratelimit-*`` headers, retry 5xx and map statuses to typed
errors exactly like the other listeners. Bluesky search has no OR, so every brand term is its own query
with its own cursor. Results come newest first; a window is closed only when its last page is stored, so a
crash resumes from the API cursor of the next page and a finished window moves the ``since`` watermark.
"""

from __future__ import annotations

import copy
import logging
import re
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic import Field, SecretStr

from core.config import Settings, Source
from core.errors import AccessError, SourceError
from core.types import Mention, Page, Rejected
from listeners._base import parse_options, registry
from listeners._credentials import secret
from listeners._http import HttpOptions, MaxRetries, MaxWait, MinInterval, Throttle, Timeout, lang_codes
from listeners._normalize import BrandMatcher

PLATFORM = "bluesky"
HANDLE_ENV = "VOXPOP_BLUESKY_HANDLE"
PASSWORD_ENV = "VOXPOP_BLUESKY_APP_PASSWORD"  # noqa: S105 - the variable's name, not a password
PASSWORD_HINT = "Create an app password at bsky.app → Settings → Privacy and security → App passwords."  # noqa: S105
HANDLE_HINT = "Use the account's handle, e.g. yourname.bsky.social."
CURSOR_VERSION = 1
_MAX_EMPTY_PAGES = 3  # pages with a cursor but no posts before a window counts as exhausted
_POST_URI = re.compile(r"^at://(did:[a-z0-9]+:[A-Za-z0-9._:%-]+)/app\.bsky\.feed\.post/([A-Za-z0-9._:~-]{1,512})$")
log = logging.getLogger(__name__)


class BlueskyOptions(HttpOptions):
    """``options:`` of a bluesky source; unknown keys are errors so a typo never goes unnoticed."""

    url_example = "https://bsky.social"
    lang_pattern = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")  # BCP 47: searchPosts takes pt-BR
    lang_rule = "look like 'az' or 'pt-BR'"

    pds_url: str = Field(default="https://bsky.social", description="PDS that issues the session.")
    api_base: str = Field(default="https://bsky.social", description="Host serving app.bsky.feed.searchPosts.")
    lang: str | list[str] | None = Field(default=None, description="Language filter (one code is sent as lang).")
    limit: int = Field(default=100, ge=1, le=100, description="Posts asked per page (API maximum 100).")
    max_pages: int | None = Field(default=50, ge=1, description="Pages per query per run; the rest resumes later.")
    lookback_days: float | None = Field(default=7, gt=0, description="First run: how far back to collect.")
    overlap_seconds: float = Field(default=300, ge=0, description="Re-read this much before the watermark.")
    min_interval_seconds: MinInterval = 0.5
    max_wait_seconds: MaxWait = 300
    max_retries: MaxRetries = 5
    timeout_seconds: Timeout = 30
    handle_block: str | None = Field(default=None, description="Prefect Secret block holding the handle.")
    app_password_block: str | None = Field(default=None, description="Prefect Secret block with the app password.")

    def api_lang(self) -> str | None:
        """The ``lang`` parameter: searchPosts filters on one language only, so several mean no filter."""
        codes = lang_codes(self.lang)
        return codes[0] if len(codes) == 1 else None


def build_queries(source: Source, settings: Settings) -> list[str]:
    """One search query per brand term, handle and hashtag (searchPosts has no OR), deduplicated.

    Bluesky search is case-insensitive, so terms differing only in case collapse into one query. A phrase
    is quoted, a trailing ``$`` (whole-word marker for our matcher) is dropped, a Bluesky-style handle with
    a dot becomes ``mentions:<handle>`` and a hashtag is searched as ``#tag``.
    """
    raw: list[str] = list(source.queries)
    if not raw:
        for brand, _ in settings.all_brands():
            for term in brand.terms():
                if term.startswith("@"):
                    handle = term[1:]
                    raw.append(f"mentions:{handle}" if "." in handle else handle)
                elif term.startswith("#"):
                    raw.append(term)
                else:
                    phrase = term.removesuffix("$").replace('"', "").strip()
                    raw.append(f'"{phrase}"' if " " in phrase else phrase)
    out: dict[str, str] = {}
    for query in (q.strip() for q in raw):
        if query:
            out.setdefault(query.casefold(), query)
    return list(out.values())


class _CursorRejectedError(Exception):
    """searchPosts refused the pagination cursor we sent (expired or invalid)."""


class _XrpcClient:
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
        return f"_XrpcClient(source={self.source!r}, pds={self.opts.pds_url!r}, api={self.opts.api_base!r})"

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
            raise _CursorRejectedError(f"{error}: {message}")
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
    try:
        body = resp.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise SourceError(f"source '{source}': {nsid} did not return a JSON object; is the base URL an XRPC "
                          "service (options.pds_url / options.api_base)?")
    return body


# ---- normalisation -------------------------------------------------------------------------------
def _parse_datetime(value: Any, field: str) -> datetime:
    """RFC 3339 as AT Protocol writes it (``Z`` or an offset); a naive value is read as UTC."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} is missing")
    try:
        ts = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{field} is not an RFC 3339 datetime: {value[:40]!r}") from None
    return (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).astimezone(UTC)


def _count(post: Mapping[str, Any], key: str) -> int:
    value = post.get(key)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key} must be a non-negative integer, not {str(value)[:20]!r}")
    return value


def _strong_ref_uri(reply: Mapping[str, Any], key: str) -> str:
    ref = reply.get(key)
    uri = ref.get("uri") if isinstance(ref, Mapping) else None
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise ValueError(f"record.reply.{key}.uri is missing or not an AT-URI")
    return uri


def post_to_mention(post: Any) -> Mention:
    """Normalise one ``app.bsky.feed.defs#postView``; raises ValueError with a precise reason."""
    if not isinstance(post, Mapping):
        raise ValueError(f"expected a postView object, got {type(post).__name__}")
    uri = post.get("uri")
    if not isinstance(uri, str) or not uri:
        raise ValueError("missing uri")
    m = _POST_URI.match(uri)
    if m is None:
        raise ValueError(f"uri is not an app.bsky.feed.post AT-URI with a DID: {uri[:80]!r}")
    did, rkey = m.groups()
    record = post.get("record")
    if not isinstance(record, Mapping):
        raise ValueError("missing record")
    rtype = record.get("$type")
    if rtype is not None and rtype != "app.bsky.feed.post":
        raise ValueError(f"record.$type is {str(rtype)[:40]!r}, not app.bsky.feed.post")
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError("record.text is missing or not a string")
    created = _parse_datetime(record.get("createdAt"), "record.createdAt")
    author = post.get("author")
    handle = author.get("handle") if isinstance(author, Mapping) else None
    handle = handle if isinstance(handle, str) and handle and handle != "handle.invalid" else None
    reply = record.get("reply")
    if reply is not None and not isinstance(reply, Mapping):
        raise ValueError("record.reply is not an object")
    thread_id, parent_id = (_strong_ref_uri(reply, "root"), _strong_ref_uri(reply, "parent")) if reply else (uri, None)
    return Mention(
        platform=PLATFORM,
        native_id=f"{did}/{rkey}",
        text=text,
        created_at=created,
        # The DID, not the handle: it is in native_id anyway, the link survives handle changes and no
        # readable handle reaches storage when authors are pseudonymised.
        url=f"https://bsky.app/profile/{did}/post/{rkey}",
        author=handle,
        likes=_count(post, "likeCount"),
        reposts=_count(post, "repostCount") + _count(post, "quoteCount"),
        replies=_count(post, "replyCount"),
        thread_id=thread_id,
        parent_id=parent_id,
    )


def _sort_at(post: Any) -> datetime | None:
    """The time searchPosts sorts and filters ``since`` on: the earlier of createdAt and indexedAt."""
    if not isinstance(post, Mapping):
        return None
    record = post.get("record")
    stamps = [post.get("indexedAt"), record.get("createdAt") if isinstance(record, Mapping) else None]
    parsed = []
    for value in stamps:
        try:
            parsed.append(_parse_datetime(value, "t"))
        except ValueError:
            continue
    return min(parsed) if parsed else None


def _iso(ts: datetime | None) -> str | None:
    return ts.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z") if ts else None


def _opt_time(value: Any) -> datetime | None:
    try:
        return _parse_datetime(value, "cursor time") if value is not None else None
    except ValueError:
        return None


class _Window:
    """One query's collection window: posts with sortAt >= ``since``, walked newest to oldest.

    While open, the saved state keeps the old ``since`` plus ``resume`` (the API cursor of the next page and
    the newest time seen), so a crash resumes mid-window; closing it moves ``since`` up to the newest post.
    """

    def __init__(self, since: datetime | None, api_cursor: str | None, newest: datetime | None) -> None:
        self.since = since
        self.api_cursor = api_cursor
        self.newest = newest

    @classmethod
    def open(cls, saved: Mapping[str, Any], lookback_days: float | None) -> _Window:
        """From a query's saved state; the first window starts ``lookback_days`` ago (or unbounded)."""
        since = _opt_time(saved.get("since"))
        if since is None and lookback_days is not None:
            since = datetime.now(UTC) - timedelta(days=lookback_days)
        resume = saved.get("resume") if isinstance(saved.get("resume"), Mapping) else {}
        cursor = resume.get("cursor")
        return cls(since, cursor if isinstance(cursor, str) and cursor else None, _opt_time(resume.get("newest")))

    def params(self, query: str, opts: BlueskyOptions) -> dict[str, Any]:
        """The searchPosts parameters of the next page."""
        params: dict[str, Any] = {"q": query, "sort": "latest", "limit": opts.limit}
        if self.since is not None:
            params["since"] = _iso(self.since)
        if (lang := opts.api_lang()) is not None:
            params["lang"] = lang
        if self.api_cursor is not None:
            params["cursor"] = self.api_cursor
        return params

    def see(self, sort_at: datetime | None) -> None:
        """Track the newest post; a clock in the future must not push ``since`` past now."""
        if sort_at is not None:
            sort_at = min(sort_at, datetime.now(UTC))
            self.newest = sort_at if self.newest is None else max(self.newest, sort_at)

    def advance(self, api_cursor: str) -> dict[str, Any]:
        """State after a page with more to come: old ``since`` plus where to resume."""
        self.api_cursor = api_cursor
        return {"since": _iso(self.since), "resume": {"cursor": api_cursor, "newest": _iso(self.newest)}}

    def close(self, overlap_seconds: float) -> dict[str, Any]:
        """State after the last page: ``since`` = newest post (minus the overlap), never moving back."""
        watermark = self.newest - timedelta(seconds=overlap_seconds) if self.newest is not None else None
        if watermark is None or (self.since is not None and watermark < self.since):
            watermark = self.since
        return {"since": _iso(watermark)}



# ---- the listener ----------------------------------------------------------------------------------
class BlueskyListener:
    """Searches Bluesky posts for every brand term, one resumable window per query."""

    def __init__(self, name: str, queries: list[str], matcher: BrandMatcher, options: BlueskyOptions) -> None:
        self.name = name
        self.queries = queries
        self.matcher = matcher
        self.options = options

    @classmethod
    def from_config(cls, source: Source, settings: Settings) -> BlueskyListener:
        """Validate ``options`` and build the queries; credentials are read later, in ``pages()``."""
        opts = parse_options(BlueskyOptions, source)
        return cls(source.name, build_queries(source, settings), BrandMatcher(settings), opts)

    def read_credentials(self) -> tuple[SecretStr, SecretStr]:
        """(handle, app password); ``voxpop check`` calls this to warn about missing ones."""
        extra = self.options.model_dump(include={"handle_block", "app_password_block"})
        handle = secret(self.name, HANDLE_ENV, options=extra, block_option="handle_block", hint=HANDLE_HINT)
        password = secret(self.name, PASSWORD_ENV, options=extra, block_option="app_password_block",
                          hint=PASSWORD_HINT)
        return handle, password

    def _client(self) -> _XrpcClient:
        return _XrpcClient(self.name, self.options, *self.read_credentials())

    def _initial_state(self, cursor: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
        saved = (cursor or {}).get("queries")
        if cursor and not isinstance(saved, Mapping):
            log.warning("source %s: ignoring a cursor without 'queries' (older format?)", self.name)
        saved = saved if isinstance(saved, Mapping) else {}
        return {q: dict(saved[q]) for q in self.queries if isinstance(saved.get(q), Mapping)}

    def pages(self, cursor: Mapping[str, Any] | None) -> Iterator[Page]:
        """Pages of every query in turn; each page's cursor holds every query's state."""
        state = self._initial_state(cursor)
        api = self._client()
        try:
            api.login()
            seen: set[str] = set()
            for query in self.queries:
                yield from self._query_pages(api, query, state, seen)
        finally:
            api.close()

    def _query_pages(self, api: _XrpcClient, query: str, state: dict[str, dict[str, Any]],
                     seen: set[str]) -> Iterator[Page]:
        """One window of one query: newest to oldest down to ``since``, or on from a saved API cursor."""
        opts = self.options
        window = _Window.open(state.get(query, {}), opts.lookback_days)
        restarted, pages_done, empty_pages, excluded = False, 0, 0, 0
        while opts.max_pages is None or pages_done < opts.max_pages:
            try:
                body = api.search(window.params(query, opts))
            except _CursorRejectedError as exc:
                if restarted or window.api_cursor is None:
                    raise SourceError(f"source '{self.name}': searchPosts rejected query {query!r} ({exc})") from None
                log.warning("source %s: the saved cursor of %r was rejected (%s); restarting its window from %s",
                            self.name, query, exc, _iso(window.since))
                restarted, window.api_cursor = True, None
                continue
            pages_done += 1
            posts = body.get("posts")
            if not isinstance(posts, list):
                raise SourceError(f"source '{self.name}': searchPosts answer has no 'posts' list")
            page = Page()
            for post in posts:
                window.see(_sort_at(post))
                excluded += self._add(post, page, seen)
            next_cursor = body.get("cursor") if isinstance(body.get("cursor"), str) else None
            empty_pages = 0 if posts else empty_pages + 1
            done = not next_cursor or next_cursor == window.api_cursor or empty_pages >= _MAX_EMPTY_PAGES
            state[query] = window.close(opts.overlap_seconds) if done else window.advance(next_cursor)
            page.cursor = {"v": CURSOR_VERSION, "queries": copy.deepcopy(state)}
            yield page
            if done:
                if excluded:
                    log.info("source %s: %r: %d post(s) dropped by brand exclude terms", self.name, query, excluded)
                return
        log.info("source %s: %r reached options.max_pages=%s; the next run resumes from its cursor",
                 self.name, query, opts.max_pages)

    def _add(self, post: Any, page: Page, seen: set[str]) -> int:
        """Convert one post into ``page``; returns 1 when an exclude term dropped it."""
        try:
            mention = post_to_mention(post)
        except ValueError as exc:
            uri = post.get("uri") if isinstance(post, Mapping) else None
            record = dict(post) if isinstance(post, Mapping) else {"item": post}
            page.rejects.append(Rejected(self.name, f"bluesky post {str(uri or '?')[:120]}: {exc}", record))
            return 0
        if mention.native_id in seen or not mention.text.strip():
            return 0  # another query already yielded it / image-only post: nothing to analyse
        seen.add(mention.native_id)
        brands, _, excluded = self.matcher.match(mention.text)
        if excluded and not brands:
            return 1
        page.mentions.append(mention)
        return 0


@registry.register("bluesky", "bsky", "atproto", description="Bluesky post search (AT Protocol searchPosts)")
def _bluesky_factory(source: Source, settings: Settings) -> BlueskyListener:
    return BlueskyListener.from_config(source, settings)
