"""The ``x`` listener: X (Twitter) API v2 post search through tweepy.

Recent search (the last 7 days; Basic access or higher) by default, full-archive search with
``options.archive`` (Pro or Enterprise). Brand terms are OR-ed into as few queries as the query length limit
allows, each with its own cursor keyed by a short hash of the query text. Results come newest first, so a
run walks a window from the newest post down to ``since_id``; after every page the cursor records the
oldest id stored (``until_id``), and an interrupted window is finished before anything newer is fetched.
tweepy builds its own ``requests`` session; a transport adapter mounted on it adds timeouts and, when
``options.api_base`` is not X, sends every request there instead (proxies, the tests' fake).
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
import time
from collections.abc import Generator, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import tweepy
from pydantic import Field, SecretStr, model_validator
from requests.adapters import HTTPAdapter
from requests.utils import get_environ_proxies

from core.config import Settings, Source
from core.errors import AccessError, ConfigError, RateLimitError, SourceError
from core.types import Mention, Page, Rejected
from listeners._base import parse_options, registry
from listeners._credentials import secret
from listeners._http import HttpOptions, MaxRetries, MaxWait, MinInterval, Throttle, Timeout, lang_codes

PLATFORM = "x"
X_API = "https://api.twitter.com"  # the host tweepy hard-codes
TOKEN_ENV = "VOXPOP_X_BEARER_TOKEN"  # noqa: S105 - the variable's name, not a token
TOKEN_HINT = "Create an app at developer.x.com and copy its Bearer Token."  # noqa: S105
CURSOR_VERSION = 1
TWEET_FIELDS = ("created_at", "public_metrics", "conversation_id", "referenced_tweets", "lang", "author_id",
                "in_reply_to_user_id", "note_tweet", "withheld")
RECENT_DAYS = 7  # recent search covers the last 7 days
_MAX_WINDOW_FIXES = 3  # saved ids refused as too old, per query and run
_TWEET_ID = re.compile(r"^[0-9]{1,20}$")
_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")  # X usernames; Bluesky-style handles with dots are skipped
_HASHTAG = re.compile(r"^[^\W]+$")
_BARE = re.compile(r"^[^\W_]+$")  # one word in any script: no quotes needed
_RESERVED = {"OR", "AND", "NOT"}
log = logging.getLogger(__name__)


class XOptions(HttpOptions):
    """``options:`` of an x source; unknown keys are errors so a typo never goes unnoticed."""

    url_example = X_API

    api_base: str = Field(default=X_API, description="API host; point it at a proxy or a fake for tests.")
    archive: bool = Field(default=False, description="Full-archive search (/2/tweets/search/all): Pro/Enterprise.")
    include_retweets: bool = Field(default=False, description="Keep retweets (else the query adds -is:retweet).")
    lang: str | list[str] | None = Field(default=None, description="Language hint(s): (lang:az OR lang:tr).")
    max_results: int = Field(default=100, ge=10, le=500, description="Posts per page (10-100; archive up to 500).")
    max_pages: int | None = Field(default=10, ge=1, description="Pages per query per run; the rest resumes later.")
    max_query_length: int = Field(default=512, ge=64, le=4096, description="Query length limit of your access tier.")
    lookback_days: float | None = Field(default=None, gt=0, description="First run: how far back to collect.")
    min_interval_seconds: MinInterval = 1.1
    max_wait_seconds: MaxWait = 900
    max_retries: MaxRetries = 5
    timeout_seconds: Timeout = 30
    bearer_token_block: str | None = Field(default=None, description="Prefect Secret block with the bearer token.")

    @model_validator(mode="after")
    def _tier_limits(self) -> XOptions:
        if not self.archive and self.max_results > 100:
            raise ValueError("max_results: recent search returns at most 100 posts per page (500 needs archive)")
        if not self.archive and self.lookback_days is not None and self.lookback_days > RECENT_DAYS:
            raise ValueError(f"lookback_days: recent search only reaches {RECENT_DAYS} days back; "
                             "set archive: true (Pro/Enterprise access) to go further")
        if self.archive and self.lookback_days is None:
            raise ValueError("lookback_days is required with archive: true (how far back the first run goes; "
                             "the full archive starts in 2006)")
        return self

    def langs(self) -> list[str]:
        """The language hint as a list."""
        return lang_codes(self.lang)


# ---- queries -------------------------------------------------------------------------------------------
def _quote(term: str) -> str:
    """One brand term in X query syntax: a bare word, ``@handle``, ``#tag`` or a quoted phrase."""
    clean = " ".join(term.removesuffix("$").replace('"', " ").split())
    if not clean:
        return ""
    if clean.startswith("@"):
        handle = clean[1:]
        return f"@{handle}" if _HANDLE.match(handle) else ""  # not an X username (e.g. a Bluesky handle)
    if clean.startswith("#") and _HASHTAG.match(clean[1:]):
        return clean
    if _BARE.match(clean) and clean.upper() not in _RESERVED:
        return clean
    return f'"{clean}"'


def _suffix(opts: XOptions) -> str:
    parts = [] if opts.include_retweets else ["-is:retweet"]
    langs = [f"lang:{code}" for code in dict.fromkeys(opts.langs())]
    if len(langs) == 1:
        parts.append(langs[0])
    elif langs:
        parts.append("(" + " OR ".join(langs) + ")")
    return " ".join(parts)


def _render(atoms: list[str], suffix: str) -> str:
    body = atoms[0] if len(atoms) == 1 else "(" + " OR ".join(atoms) + ")"
    return f"{body} {suffix}".strip()


def _exclude_group(terms: list[str], exclude: list[str]) -> str:
    """``((a OR b) -"x")``: a brand's exclusions only ever hide that brand's matches."""
    body = terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"
    return "(" + " ".join([body, *(f"-{x}" for x in exclude)]) + ")"


def _pack(atoms: list[str], suffix: str, limit: int) -> list[str]:
    """Greedily fill queries with OR-ed atoms up to ``limit`` characters."""
    out: list[str] = []
    chunk: list[str] = []
    for atom in atoms:
        if chunk and len(_render([*chunk, atom], suffix)) > limit:
            out.append(_render(chunk, suffix))
            chunk = []
        chunk.append(atom)
    if chunk:
        out.append(_render(chunk, suffix))
    return out


def build_queries(source: Source, settings: Settings, opts: XOptions) -> list[str]:
    """Queries from ``source.queries`` (used verbatim), else OR-ed brand terms split to fit the length limit.

    Terms are quoted when they are phrases or contain punctuation, handles become ``@handle`` (mentions),
    hashtags ``#tag``; a brand's ``exclude`` terms become ``-"term"`` inside that brand's own group. The
    query ends with ``-is:retweet`` (unless ``include_retweets``) and the optional language hint.
    """
    limit = opts.max_query_length
    if source.queries:
        out = []
        for q in (q.strip() for q in source.queries):
            if len(q) > limit:
                raise ConfigError(f"source '{source.name}': query {q[:40]!r}... is {len(q)} characters; "
                                  f"options.max_query_length is {limit} (X: 512 for Basic/Pro recent search)")
            if q:
                out.append(q)
        return list(dict.fromkeys(out))
    suffix = _suffix(opts)
    atoms: list[str] = []
    for brand, _ in settings.all_brands():
        terms = list(dict.fromkeys(t for t in (_quote(term) for term in brand.terms()) if t))
        exclude = list(dict.fromkeys(f'"{x}"' if not x.startswith('"') else x
                                     for x in (_quote(e).strip('"') for e in brand.exclude) if x))
        if not exclude:
            atoms += [t for t in terms if t not in atoms]
            continue
        group: list[str] = []
        for term in terms:  # split a long brand into several groups, each carrying the exclusions
            if group and len(_render([_exclude_group([*group, term], exclude)], suffix)) > limit:
                atoms.append(_exclude_group(group, exclude))
                group = []
            group.append(term)
        if group:
            atoms.append(_exclude_group(group, exclude))
    too_long = [a for a in atoms if len(_render([a], suffix)) > limit]
    if too_long:
        raise ConfigError(f"source '{source.name}': {too_long[0][:60]!r} does not fit in a {limit}-character X "
                          "query with its exclusions and filters; shorten the brand's exclude list or raise "
                          "options.max_query_length if your access tier allows longer queries")
    return _pack(atoms, suffix, limit)


def query_key(query: str) -> str:
    """A stable short key for a query's cursor (the text itself can be 512+ characters)."""
    return hashlib.sha256(query.encode()).hexdigest()[:12]


# ---- transport -----------------------------------------------------------------------------------------
class _HostAdapter(HTTPAdapter):
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


class _Redact(logging.Filter):
    """tweepy logs request headers (the bearer token) at DEBUG; blank the token out of those records."""

    def __init__(self, token: SecretStr) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        value = self._token.get_secret_value()
        message = record.getMessage()
        if value and value in message:
            record.msg, record.args = message.replace(value, "<redacted>"), ()
        return True


class _InvalidIdError(Exception):
    """Recent search refused a saved ``since_id``/``until_id`` (older than its 7-day index)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


class _XApi:
    """One tweepy client: pacing, retries, rate limits and status → error mapping."""

    def __init__(self, source: str, opts: XOptions, token: SecretStr) -> None:
        self.source = source
        self.opts = opts
        self._redact = _Redact(token)
        logging.getLogger("tweepy.client").addFilter(self._redact)
        self._client = tweepy.Client(bearer_token=token.get_secret_value(), return_type=requests.Response,
                                     wait_on_rate_limit=False)
        self._client.session.mount(X_API + "/", _HostAdapter(opts.api_base, opts.timeout_seconds))
        self.endpoint = "full-archive search" if opts.archive else "recent search"
        self._what = f"X {self.endpoint}"  # names the request in logs and errors
        self._limit = f"X rate limit on {self.endpoint}"
        # X rounds its reset down to the second: wait one more so the first request after it does not 429
        self._throttle = Throttle(source, log, max_wait=opts.max_wait_seconds, max_retries=opts.max_retries,
                                  min_interval=opts.min_interval_seconds, slack=1.0, resume="the cursor",
                                  outage="X may be down, the next run resumes where this one stopped")

    def __repr__(self) -> str:
        return f"_XApi(source={self.source!r}, api_base={self.opts.api_base!r}, endpoint={self.endpoint!r})"

    def close(self) -> None:
        """Release the connection pool and the log filter."""
        self._client.session.close()
        logging.getLogger("tweepy.client").removeFilter(self._redact)

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
            return AccessError(f"{where} was refused ({why}). Your app's access tier does not include this "
                               "endpoint: recent search needs Basic (or higher) access, full-archive search "
                               "(options.archive) needs Pro or Enterprise. Attach the app to a Project with that "
                               "access at developer.x.com, or turn options.archive off")
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
                                 "plan's monthly post cap is used up; it resets with the billing period, or "
                                 "upgrade the access tier", reset_at=reset_at)
        per_window = exc.response.headers.get("x-rate-limit-limit", "?")
        self._throttle.wait_for_reset(throttles, what=self._what, limit=self._limit, reset_at=reset_at,
                                      detail=f"x-rate-limit-limit {per_window}")

    def _json(self, resp: requests.Response) -> dict[str, Any]:
        try:
            body = resp.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise SourceError(f"source '{self.source}': X {self.endpoint} did not return a JSON object; is "
                              f"options.api_base ({self.opts.api_base}) the X API?")
        return body


def _bad_request(where: str, query: str, title: str, detail: str, body: Mapping[str, Any]) -> Exception:
    """A 400: a saved since_id/until_id recent search no longer accepts, or a query X cannot parse."""
    errors = [e for e in body.get("errors", []) if isinstance(e, Mapping)]
    for err in errors:
        params = err.get("parameters")
        for name in ("since_id", "until_id"):
            if isinstance(params, Mapping) and name in params:
                return _InvalidIdError(name, str(err.get("message") or detail))
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


# ---- normalisation -------------------------------------------------------------------------------------
def _unescape(text: str) -> str:
    """X escapes ``&``, ``<`` and ``>`` in post text as HTML entities; undo exactly that."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _count(metrics: Mapping[str, Any], key: str) -> int:
    value = metrics.get(key)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"public_metrics.{key} must be a non-negative integer, not {str(value)[:20]!r}")
    return value


def _opt_id(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _TWEET_ID.match(value):
        raise ValueError(f"{field} is not a numeric id: {str(value)[:30]!r}")
    return value


def tweet_to_mention(tweet: Any, usernames: Mapping[str, str]) -> Mention:
    """Normalise one X API v2 tweet object; raises ValueError with a precise reason."""
    if not isinstance(tweet, Mapping):
        raise ValueError(f"expected a tweet object, got {type(tweet).__name__}")
    tweet_id = tweet.get("id")
    if tweet_id is None or tweet_id == "":
        raise ValueError("missing id")
    _opt_id(tweet_id, "id")
    note = tweet.get("note_tweet")
    text = note.get("text") if isinstance(note, Mapping) and note.get("text") else tweet.get("text")
    if not isinstance(text, str) or not text:
        withheld = tweet.get("withheld")
        if withheld:
            codes = withheld.get("country_codes") if isinstance(withheld, Mapping) else None
            where = ", ".join(str(c) for c in codes) if isinstance(codes, list) else ""
            raise ValueError(f"withheld{f' in {where}' if where else ''} and served without text")
        raise ValueError("missing text")
    raw_ts = tweet.get("created_at")
    if not isinstance(raw_ts, str) or not raw_ts.strip():
        raise ValueError("missing created_at")
    try:
        created = datetime.fromisoformat(raw_ts.strip())
    except ValueError:
        raise ValueError(f"created_at is not an ISO 8601 timestamp: {raw_ts[:40]!r}") from None
    created = (created if created.tzinfo else created.replace(tzinfo=UTC)).astimezone(UTC)
    metrics = tweet.get("public_metrics") or {}
    if not isinstance(metrics, Mapping):
        raise ValueError("public_metrics is not an object")
    views = metrics.get("impression_count")
    parent = None
    refs = tweet.get("referenced_tweets") or []
    if not isinstance(refs, list):
        raise ValueError("referenced_tweets is not a list")
    for ref in refs:
        if isinstance(ref, Mapping) and ref.get("type") == "replied_to":
            parent = _opt_id(ref.get("id"), "referenced_tweets[replied_to].id")
    author_id = tweet.get("author_id")
    username = usernames.get(author_id) if isinstance(author_id, str) else None
    return Mention(
        platform=PLATFORM,
        native_id=tweet_id,
        text=_unescape(text),
        created_at=created,
        url=f"https://x.com/{username}/status/{tweet_id}" if username else f"https://x.com/i/web/status/{tweet_id}",
        author=username,
        likes=_count(metrics, "like_count"),
        reposts=_count(metrics, "retweet_count") + _count(metrics, "quote_count"),
        replies=_count(metrics, "reply_count"),
        views=None if views is None else _count(metrics, "impression_count"),
        thread_id=_opt_id(tweet.get("conversation_id"), "conversation_id"),
        parent_id=parent,
    )


def _usernames(body: Mapping[str, Any]) -> dict[str, str]:
    includes = body.get("includes")
    users = includes.get("users") if isinstance(includes, Mapping) else None
    out = {}
    for user in users if isinstance(users, list) else []:
        if isinstance(user, Mapping) and isinstance(user.get("id"), str) and isinstance(user.get("username"), str):
            out[user["id"]] = user["username"]
    return out


def _scrub(tweet: Any) -> dict[str, Any]:
    """The raw item for the quarantine, minus user ids: the quarantine must not undo pseudonymisation."""
    if not isinstance(tweet, Mapping):
        return {"item": tweet}
    return {k: ("<removed>" if k in {"author_id", "in_reply_to_user_id"} else v) for k, v in tweet.items()}


def _id_range(body: Mapping[str, Any], data: list[Any]) -> tuple[int | None, int | None]:
    """(newest, oldest) id on a page: ``meta.newest_id``/``oldest_id``, else the items' own ids."""
    meta = body.get("meta") if isinstance(body.get("meta"), Mapping) else {}
    ids = [int(t["id"]) for t in data if isinstance(t, Mapping) and isinstance(t.get("id"), str)
           and _TWEET_ID.match(t["id"])]
    for key in ("newest_id", "oldest_id"):
        value = meta.get(key)
        if isinstance(value, str) and _TWEET_ID.match(value):
            ids.append(int(value))
    return (max(ids), min(ids)) if ids else (None, None)


# ---- the listener --------------------------------------------------------------------------------------
class XListener:
    """Searches X posts for the brand terms, one resumable window per query."""

    def __init__(self, name: str, queries: list[str], options: XOptions) -> None:
        self.name = name
        self.queries = queries
        self.options = options

    @classmethod
    def from_config(cls, source: Source, settings: Settings) -> XListener:
        """Validate ``options`` and build the queries; the token is read later, in ``pages()``."""
        opts = parse_options(XOptions, source)
        return cls(source.name, build_queries(source, settings, opts), opts)

    def read_credentials(self) -> SecretStr:
        """The bearer token (``voxpop check`` calls this to warn about a missing one)."""
        return secret(self.name, TOKEN_ENV, options=self.options.model_dump(include={"bearer_token_block"}),
                      block_option="bearer_token_block", hint=TOKEN_HINT)

    def _api(self) -> _XApi:
        return _XApi(self.name, self.options, self.read_credentials())

    def _initial_state(self, cursor: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
        saved = (cursor or {}).get("queries")
        if cursor and not isinstance(saved, Mapping):
            log.warning("source %s: ignoring a cursor without 'queries' (older format?)", self.name)
        saved = saved if isinstance(saved, Mapping) else {}
        state = {}
        for query in self.queries:  # states of queries no longer configured are dropped
            entry = saved.get(query_key(query))
            if isinstance(entry, Mapping):
                state[query_key(query)] = {k: str(v) for k, v in entry.items()
                                           if k in {"since_id", "until_id", "newest_id"} and v is not None
                                           and _TWEET_ID.match(str(v))}
        return state

    def pages(self, cursor: Mapping[str, Any] | None) -> Iterator[Page]:
        """Pages of every query in turn; each page's cursor holds every query's state."""
        state = self._initial_state(cursor)
        api = self._api()
        try:
            seen: set[str] = set()
            for query in self.queries:
                yield from self._query_pages(api, query, state, seen)
        finally:
            api.close()

    def _params(self, st: Mapping[str, str], next_token: str | None) -> dict[str, Any]:
        opts = self.options
        params: dict[str, Any] = {
            "max_results": opts.max_results, "sort_order": "recency", "tweet_fields": list(TWEET_FIELDS),
            "expansions": ["author_id"], "user_fields": ["username"],
            "since_id": st.get("since_id"), "until_id": st.get("until_id"), "next_token": next_token,
        }
        if st.get("since_id") is None and opts.lookback_days is not None:
            now = datetime.now(UTC)
            start = now - timedelta(days=opts.lookback_days)
            if not opts.archive:  # recent search refuses a start_time even a second beyond its 7 days
                start = max(start, now - timedelta(days=RECENT_DAYS) + timedelta(minutes=1))
            params["start_time"] = start
        return params

    def _query_pages(self, api: _XApi, query: str, state: dict[str, dict[str, Any]],
                     seen: set[str]) -> Iterator[Page]:
        """Finish an interrupted window (since_id..until_id), then collect everything newer than since_id."""
        key = query_key(query)
        budget = [self.options.max_pages]  # pages left for this query in this run (None: no cap)
        fixes = 0
        while True:
            resuming = "until_id" in state.get(key, {})
            outcome = yield from self._window(api, query, state, seen, budget)
            if isinstance(outcome, _InvalidIdError):
                fixes += 1
                if fixes > _MAX_WINDOW_FIXES:
                    raise SourceError(f"source '{self.name}': X keeps refusing the saved {outcome.parameter} "
                                      f"({outcome}); delete this source's cursor to start over")
                state[key] = self._fix_window(key, state.get(key, {}), outcome)
                continue
            if outcome == "capped":
                log.info("source %s: query %s reached options.max_pages=%s; the next run resumes from its cursor",
                         self.name, key, self.options.max_pages)
                return
            if not resuming:
                return

    def _window(self, api: _XApi, query: str, state: dict[str, dict[str, Any]], seen: set[str],
                budget: list[int | None]) -> Generator[Page, None, str | _InvalidIdError]:
        """One window, newest to oldest; returns "done", "capped" or the _InvalidIdError to fix the state with.

        After each page the query's state keeps the old ``since_id`` plus ``until_id`` (the oldest id stored so
        far) and ``newest_id`` (the newest seen in the window); the last page sets ``since_id = newest_id``.
        """
        key = query_key(query)
        st = dict(state.get(key, {}))
        newest = int(st["newest_id"]) if "newest_id" in st else None
        next_token: str | None = None
        while True:
            if budget[0] is not None and budget[0] <= 0:
                return "capped"
            try:
                body = api.search(query, self._params(st, next_token))
            except _InvalidIdError as exc:
                return exc
            if budget[0] is not None:
                budget[0] -= 1
            page, (page_newest, page_oldest) = self._page(body, seen)
            if page_newest is not None:
                newest = page_newest if newest is None else max(newest, page_newest)
            meta = body.get("meta") if isinstance(body.get("meta"), Mapping) else {}
            token = meta.get("next_token") if isinstance(meta.get("next_token"), str) else None
            done = not token or token == next_token
            if done:
                closed = str(newest) if newest is not None else st.get("since_id")
                state[key] = {"since_id": closed} if closed else {}
            else:
                until = str(page_oldest) if page_oldest is not None else st.get("until_id")
                state[key] = {k: v for k, v in (("since_id", st.get("since_id")), ("until_id", until),
                                                ("newest_id", None if newest is None else str(newest))) if v}
            page.cursor = {"v": CURSOR_VERSION, "queries": copy.deepcopy(state)}
            yield page
            if done:
                return "done"
            next_token = token

    def _fix_window(self, key: str, st: Mapping[str, str], exc: _InvalidIdError) -> dict[str, str]:
        """A saved id is older than recent search's 7 days: drop it (the gap cannot be filled anyway)."""
        if exc.parameter == "until_id":
            log.warning("source %s: query %s: the interrupted window is older than %d days and cannot be finished "
                        "(%s); moving on to newer posts", self.name, key, RECENT_DAYS, exc)
            closed = st.get("newest_id") or st.get("since_id")
            return {"since_id": closed} if closed else {}
        log.warning("source %s: query %s: the last run is older than %d days (%s); collecting the last %d days, "
                    "posts in between are out of reach of recent search", self.name, key, RECENT_DAYS, exc,
                    RECENT_DAYS)
        return {k: v for k, v in st.items() if k != "since_id"}

    def _page(self, body: Mapping[str, Any], seen: set[str]) -> tuple[Page, tuple[int | None, int | None]]:
        data = body.get("data", [])
        if not isinstance(data, list):
            raise SourceError(f"source '{self.name}': X answer has a 'data' that is not a list")
        if errors := body.get("errors"):
            log.info("source %s: X reported %d partial error(s), e.g. %s", self.name,
                     len(errors) if isinstance(errors, list) else 1, str(errors)[:200])
        usernames = _usernames(body)
        page = Page()
        for tweet in data:
            try:
                mention = tweet_to_mention(tweet, usernames)
            except ValueError as exc:
                tid = tweet.get("id") if isinstance(tweet, Mapping) else None
                page.rejects.append(Rejected(self.name, f"x tweet {str(tid or '?')[:30]}: {exc}", _scrub(tweet)))
                continue
            if mention.native_id in seen:
                continue  # another query (or page) of this run already yielded it
            seen.add(mention.native_id)
            page.mentions.append(mention)
        return page, _id_range(body, data)


@registry.register("x", "twitter", description="X (Twitter) API v2 recent / full-archive search")
def _x_factory(source: Source, settings: Settings) -> XListener:
    return XListener.from_config(source, settings)
