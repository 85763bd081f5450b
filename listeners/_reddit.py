"""The ``reddit`` listener: post search plus the on-topic comments of matching posts, through praw.

praw/prawcore own what is easy to get wrong: the application-only OAuth grant (client credentials, read
only), token renewal, pacing from Reddit's ``x-ratelimit-*`` headers and a first retry of transient 5xx.
Search pages are requested through ``Reddit.request`` on exactly the endpoint and parameters
``Subreddit.search`` uses (``r/<sub>/search``, ``sort=new``, ``syntax=lucene``, ``t``, ``limit``, ``after``)
rather than through its ListingGenerator: that generator builds praw objects for a whole page at once, so
one child without an ``id`` would sink the page instead of being quarantined, and it hides the page
boundaries our cursors need. Comments come from praw's CommentForest (``replace_more`` + ``list``).

Each (subreddit, query) listing has a time watermark: ``created_utc`` of the newest post fully collected.
Listings run newest→oldest and stop at it; pages of a run in progress keep the old watermark, the last page
of a listing sets the new one. Reddit stops listings at about 1,000 items: when that cap ends a listing
before the watermark, the missing span is re-read in smaller listings (one subreddit of a multi, one term
of an OR query) and, failing that, logged and kept in the cursor as a gap the next run retries.
"""

from __future__ import annotations

import copy
import logging
import math
import re
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import praw
import prawcore
import requests
from prawcore.const import ACCESS_TOKEN_PATH
from pydantic import AliasChoices, ConfigDict, Field, SecretStr, field_validator

from core.config import Settings, Source
from core.errors import AccessError, ConfigError, SourceError
from core.types import Mention, Page, Rejected
from listeners._base import parse_options, registry
from listeners._credentials import secret
from listeners._http import HttpOptions, MaxRetries, MaxWait, Throttle, Timeout
from listeners._normalize import BrandMatcher

PLATFORM = "reddit"
CLIENT_ID_ENV = "VOXPOP_REDDIT_CLIENT_ID"
CLIENT_SECRET_ENV = "VOXPOP_REDDIT_CLIENT_SECRET"  # noqa: S105 - the variable's name, not a secret
APP_HINT = "Create a 'script' or 'web' app at https://www.reddit.com/prefs/apps"
ENV_HINT = (f"check {CLIENT_ID_ENV} / {CLIENT_SECRET_ENV} (or the Prefect Secret blocks named in "
            "options.client_id_block / options.client_secret_block)")
WEB_URL = "https://www.reddit.com"  # canonical links, whatever host the API calls go to
CURSOR_VERSION = 1
MAX_QUERY_LENGTH = 512  # Reddit rejects longer search queries
DELETED_BODIES = frozenset({"[deleted]", "[removed]"})
_TIME_FILTERS = (("hour", 3600), ("day", 86400), ("week", 7 * 86400), ("month", 28 * 86400),
                 ("year", 365 * 86400))
_TIME_MARGIN = 120  # seconds of slack so a window surely covers the oldest post we still want
_BARE_TERM = re.compile(r"^[\w'’]+$")
_SUBREDDIT = re.compile(r"^[A-Za-z0-9_]{2,21}(\+[A-Za-z0-9_]{2,21})*$")
_ID36 = re.compile(r"^[a-z0-9]{1,13}$")
_T = TypeVar("_T")
log = logging.getLogger(__name__)


class RedditOptions(HttpOptions):
    """``options:`` of a reddit source; unknown keys are errors so a typo never goes unnoticed."""

    model_config = ConfigDict(populate_by_name=True)
    url_example = "https://oauth.reddit.com"

    subreddits: list[str] = Field(default_factory=lambda: ["all"],
                                  description="Subreddits to search, each its own listing ('a+b' is one multi).")
    api_base: str = Field(default="https://oauth.reddit.com", validation_alias=AliasChoices("api_base", "oauth_url"),
                          description="OAuth API host (alias: oauth_url).")
    reddit_url: str = Field(default="https://www.reddit.com", description="Host of the token endpoint.")
    user_agent: str = Field(default="voxpop/0.1 (social listening)", min_length=7,
                            description="User-Agent Reddit sees; name your deployment and a contact.")
    limit: int = Field(default=100, ge=1, le=100, description="Posts asked per page (Reddit's maximum is 100).")
    lookback_days: float = Field(default=7, gt=0, description="First run: how far back to collect.")
    overlap_seconds: float = Field(default=300, ge=0, description="Re-read this much before the watermark "
                                   "(search indexing lags; re-reads are deduplicated).")
    comments: bool = Field(default=True, description="Also collect on-topic comments of every matching post.")
    more_comments_limit: int | None = Field(default=0, ge=0, description="'load more comments' stubs expanded "
                                            "per post (one request each; null = all).")
    listing_cap: int = Field(default=1000, ge=1, description="Items after which Reddit ends a listing.")
    max_gap_age_days: float = Field(default=7, gt=0, description="Give up re-reading a gap older than this.")
    max_wait_seconds: MaxWait = 300
    max_retries: MaxRetries = Field(default=5, description="Attempts per page on 5xx / network errors.")
    timeout_seconds: Timeout = 16
    client_id_block: str | None = Field(default=None, description="Prefect Secret block with the client id.")
    client_secret_block: str | None = Field(default=None, description="Prefect Secret block with the secret.")

    @field_validator("subreddits", mode="before")
    @classmethod
    def _subreddit_names(cls, v: Any) -> Any:
        names = [v] if isinstance(v, str) else v
        if not isinstance(names, list) or not names:
            raise ValueError("give at least one subreddit name, e.g. ['all'] or ['azerbaijan', 'turkey']")
        out = []
        for name in names:
            clean = str(name).strip().removeprefix("/").removeprefix("r/")
            if not _SUBREDDIT.match(clean):
                raise ValueError(f"{name!r} is not a subreddit name (letters, digits, _; 'a+b' for a multi)")
            out.append(clean)
        return list(dict.fromkeys(out))


# ---- queries ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SearchQuery:
    """Terms OR'ed together minus excluded terms, in Reddit's lucene syntax; ``raw`` is sent as given."""

    terms: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    raw: str | None = None

    def render(self) -> str:
        """The ``q`` parameter."""
        if self.raw is not None:
            return self.raw
        text = _any_of(self.terms)
        return f"{text} NOT {_any_of(self.exclude)}" if self.exclude else text

    def split(self) -> list[SearchQuery]:
        """One query per term (a user query cannot be split)."""
        if self.raw is not None or len(self.terms) < 2:
            return [self]
        return [SearchQuery((t,), self.exclude) for t in self.terms]


def _any_of(terms: tuple[str, ...]) -> str:
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def _quote(term: str) -> str | None:
    """A brand term as a search term: '@'/'#' and our matcher's '$' dropped, phrases and symbols quoted."""
    clean = term.strip().lstrip("@#").removesuffix("$").replace('"', " ").strip()
    clean = " ".join(clean.split())
    if not clean:
        return None
    if _BARE_TERM.match(clean) and clean.upper() not in {"AND", "OR", "NOT"}:
        return clean
    return f'"{clean}"'


def build_queries(source: Source, settings: Settings) -> list[SearchQuery]:
    """Queries from ``source.queries``, else from the brands.

    Brands without exclusions share one OR query; a brand with ``exclude`` terms gets its own query, so its
    ``NOT`` never hides another brand's mentions. A query over 512 characters is split into several.
    """
    if source.queries:
        out = []
        for q in source.queries:
            if len(q) > MAX_QUERY_LENGTH:
                raise ConfigError(f"source '{source.name}': query {q[:40]!r}... is {len(q)} characters; Reddit "
                                  f"accepts at most {MAX_QUERY_LENGTH}")
            if q.strip():
                out.append(SearchQuery(raw=q.strip()))
        return out
    groups: list[tuple[list[str], tuple[str, ...]]] = [([], ())]
    for brand, _ in settings.all_brands():
        terms = [t for t in (_quote(term) for term in brand.terms()) if t]
        if brand.exclude:
            exclude = tuple(dict.fromkeys(t for t in (_quote(x) for x in brand.exclude) if t))
            groups.append((terms, exclude))
        else:
            groups[0][0].extend(terms)
    queries: list[SearchQuery] = []
    for terms, exclude in groups:
        unique: dict[str, str] = {}
        for term in terms:  # Reddit search ignores case: Narmart and @narmart are one term
            unique.setdefault(term.casefold(), term)
        if unique:
            queries += _pack(list(unique.values()), exclude, source.name)
    return queries


def _pack(terms: list[str], exclude: tuple[str, ...], source: str) -> list[SearchQuery]:
    """Greedily fill queries with terms up to the length limit."""
    out: list[SearchQuery] = []
    chunk: list[str] = []
    for term in terms:
        if len(SearchQuery((*chunk, term), exclude).render()) <= MAX_QUERY_LENGTH:
            chunk.append(term)
            continue
        if not chunk:
            raise ConfigError(f"source '{source}': term {term[:40]!r} with its exclusions does not fit in a "
                              f"{MAX_QUERY_LENGTH}-character Reddit query; shorten the brand's exclude list")
        out.append(SearchQuery(tuple(chunk), exclude))
        chunk = [term]
        if len(SearchQuery((term,), exclude).render()) > MAX_QUERY_LENGTH:
            raise ConfigError(f"source '{source}': term {term[:40]!r} with its exclusions does not fit in a "
                              f"{MAX_QUERY_LENGTH}-character Reddit query; shorten the brand's exclude list")
    if chunk:
        out.append(SearchQuery(tuple(chunk), exclude))
    return out


def time_filter_for(age_seconds: float) -> str:
    """The narrowest ``t`` window (all end now) that still reaches ``age_seconds`` back."""
    for name, span in _TIME_FILTERS:
        if age_seconds + _TIME_MARGIN <= span:
            return name
    return "all"


# ---- normalisation -----------------------------------------------------------------------------------
def _created(data: Mapping[str, Any], field: str = "created_utc") -> float:
    value = data.get(field)
    if value is None:
        raise ValueError(f"{field} is missing")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{field} must be Unix seconds, not {str(value)[:30]!r}")
    return float(value)


def _number(data: Mapping[str, Any], field: str, *, clamp: bool = False) -> int:
    value = data.get(field)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{field} must be a number, not {str(value)[:20]!r}")
    if value < 0 and not clamp:
        raise ValueError(f"{field} must not be negative, not {value}")
    return max(0, int(value))


def _id36(data: Mapping[str, Any]) -> str:
    ident = data.get("id")
    if not isinstance(ident, str) or not _ID36.match(ident):
        raise ValueError("id is missing" if ident in (None, "") else f"id is not a base-36 id: {str(ident)[:30]!r}")
    return ident


def _author(value: Any) -> str | None:
    name = getattr(value, "name", value)  # praw gives a Redditor, raw JSON a string
    return name if isinstance(name, str) and name and name != "[deleted]" else None


def _permalink(data: Mapping[str, Any], fallback: str) -> str:
    link = data.get("permalink")
    return WEB_URL + (link if isinstance(link, str) and link.startswith("/") else fallback)


def removed_reason(data: Mapping[str, Any], text_field: str) -> str | None:
    """Why a post (``selftext``) or comment (``body``) is deleted or removed, or None when it is live."""
    if data.get("removed_by_category"):
        return f"removed ({data['removed_by_category']})"
    body = data.get(text_field)
    if isinstance(body, str) and body.strip() in DELETED_BODIES:
        return f"{text_field} is {body.strip()}"
    if text_field == "selftext" and data.get("title") == "[deleted by user]":
        return "deleted by user"
    return None


def post_to_mention(data: Mapping[str, Any]) -> Mention:
    """Normalise one ``t3`` (post) object; raises ValueError with a precise reason."""
    ident = _id36(data)
    created = _created(data)
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("title is missing or empty")
    body = data.get("selftext")
    if body is not None and not isinstance(body, str):
        raise ValueError(f"selftext must be text, not {type(body).__name__}")
    fullname = f"t3_{ident}"
    return Mention(
        platform=PLATFORM,
        native_id=fullname,
        text=f"{title}\n\n{body}" if body else title,
        created_at=datetime.fromtimestamp(created, tz=UTC),
        url=_permalink(data, f"/comments/{ident}/"),
        author=_author(data.get("author")),
        likes=_number(data, "score", clamp=True),
        replies=_number(data, "num_comments"),
        thread_id=fullname,
    )


def comment_to_mention(data: Mapping[str, Any], thread_id: str, replies: int = 0) -> Mention:
    """Normalise one ``t1`` (comment) object; raises ValueError with a precise reason."""
    ident = _id36(data)
    created = _created(data)
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        raise ValueError("body is missing or empty")
    parent = data.get("parent_id")
    if not isinstance(parent, str) or not re.match(r"^t[13]_[a-z0-9]+$", parent):
        raise ValueError(f"parent_id is not a t1_/t3_ fullname: {str(parent)[:30]!r}")
    return Mention(
        platform=PLATFORM,
        native_id=f"t1_{ident}",
        text=body,
        created_at=datetime.fromtimestamp(created, tz=UTC),
        url=_permalink(data, f"/comments/{thread_id.removeprefix('t3_')}/_/{ident}/"),
        author=_author(data.get("author")),
        likes=_number(data, "score", clamp=True),
        replies=replies,
        thread_id=thread_id,
        parent_id=parent,
    )


def _not_a_post(source: str, child: Any) -> Rejected:
    if not isinstance(child, Mapping):
        return Rejected(source, f"reddit search result is a {type(child).__name__}, not a post",
                        {"item": str(child)[:200]})
    data = child.get("data")
    record = {"kind": str(child.get("kind"))[:20], "data": _raw(data) if isinstance(data, Mapping) else None}
    if child.get("kind") != "t3":
        return Rejected(source, f"reddit search result has kind {str(child.get('kind'))[:20]!r}, not t3 (post)", record)
    return Rejected(source, "reddit post: data is not an object", record)


def _raw(data: Mapping[str, Any]) -> dict[str, Any]:
    """A quarantine record: plain JSON values only, the author masked (quarantine must not undo pseudonyms)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key.startswith("_") or key in {"author_fullname", "author_flair_text"}:
            continue
        if key == "author":
            out[key] = "<removed>"
        elif value is None or isinstance(value, str | int | float | bool):
            out[key] = value
    return out


# ---- the API ---------------------------------------------------------------------------------------
class _Api:
    """A read-only praw client plus our retries, rate-limit waits and status → error mapping."""

    def __init__(self, source: str, opts: RedditOptions, client_id: SecretStr, client_secret: SecretStr) -> None:
        self.source = source
        self.opts = opts
        # prawcore paces the requests itself: ours only back off and wait out 429s
        self._throttle = Throttle(source, log, max_wait=opts.max_wait_seconds, max_retries=opts.max_retries,
                                  outage="Reddit may be down, the next run resumes from the saved cursor", beyond=False)
        self._http = requests.Session()
        self.reddit = praw.Reddit(
            site_name="DEFAULT",  # ignore praw_site / praw.ini sections: this source is configured here
            client_id=client_id.get_secret_value(),
            client_secret=client_secret.get_secret_value(),
            user_agent=opts.user_agent,
            oauth_url=opts.api_base,
            reddit_url=opts.reddit_url,
            username=None,  # application-only OAuth: read only, never a user's account
            password=None,
            refresh_token=None,
            check_for_async=False,
            check_for_updates=False,
            requestor_kwargs={"session": self._http, "timeout": opts.timeout_seconds},
        )

    def __repr__(self) -> str:
        return f"_Api(source={self.source!r}, api={self.opts.api_base!r})"

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def search(self, subreddit: str, query: str, sort: str, time_filter: str, after: str | None) -> dict[str, Any]:
        """One page of ``r/<subreddit>/search`` as the raw Listing ``data`` object."""
        params: dict[str, Any] = {"q": query, "restrict_sr": subreddit.lower() != "all", "sort": sort,
                                  "syntax": "lucene", "t": time_filter, "limit": self.opts.limit}
        if after:
            params["after"] = after
        where = f"search of r/{subreddit} for {query[:80]!r}"
        body: Any = self.call(lambda: self.reddit.request(method="GET", path=f"r/{subreddit}/search/",
                                                          params=params), where, subreddit)
        data = body.get("data") if isinstance(body, Mapping) else None
        if not isinstance(data, Mapping) or not isinstance(data.get("children"), list):
            raise SourceError(f"source '{self.source}': the {where} did not return a Listing; check options.api_base")
        return dict(data)

    def call(self, fn: Callable[[], _T], where: str, subreddit: str | None = None, *,
             tolerate: frozenset[int] = frozenset()) -> _T | None:
        """Run one request (prawcore already paces it and retries some 5xx) with our retries on top.

        A status in ``tolerate`` (e.g. 404 for the comments of a post deleted since the search) returns None.
        """
        what = f"the {where}"  # how our logs and errors name the request
        failures = throttles = 0
        while True:
            try:
                return fn()
            except prawcore.OAuthException as exc:
                raise AccessError(f"source '{self.source}': Reddit refused the client-credentials grant "
                                  f"({exc.error}); {ENV_HINT}. {APP_HINT}") from None
            except prawcore.RequestException as exc:  # no response: DNS, refused, timeout
                failures += 1
                self._throttle.backoff(what, failures, type(exc.original_exception).__name__)
            except prawcore.ResponseException as exc:
                status = exc.response.status_code
                if status == 429:
                    throttles += 1
                    used = exc.response.headers.get("x-ratelimit-used", "?")
                    self._throttle.wait_for_reset(throttles, what=what, limit=f"Reddit rate limit on {what}; it",
                                                  retry_in=_retry_in(exc.response.headers),
                                                  detail=f"429, {used} requests used")
                elif status >= 500 or isinstance(exc, prawcore.BadJSON):
                    failures += 1
                    self._throttle.backoff(what, failures, f"HTTP {status}")
                elif status in tolerate and ACCESS_TOKEN_PATH not in (exc.response.url or ""):
                    log.warning("source %s: skipping the %s (HTTP %d %s)", self.source, where, status,
                                _reason(exc.response) or "")
                    return None
                else:
                    raise self._error(exc, where, subreddit) from None

    def _error(self, exc: prawcore.ResponseException, where: str, subreddit: str | None) -> SourceError:
        status = exc.response.status_code
        token = ACCESS_TOKEN_PATH in (exc.response.url or "")
        reason = _reason(exc.response)
        if status in {401, 403}:
            return self._access_error(exc, where, subreddit, token=token, reason=reason)
        if status == 404 or isinstance(exc, prawcore.Redirect):
            what = f"r/{subreddit} is banned" if reason == "banned" else f"r/{subreddit} does not exist"
            return SourceError(f"source '{self.source}': {what} ({status}); fix options.subreddits")
        if status == 400:
            return SourceError(f"source '{self.source}': Reddit rejected the {where} (400 {reason or 'Bad Request'});"
                               " check the query syntax")
        return SourceError(f"source '{self.source}': the {where} answered HTTP {status}")

    def _access_error(self, exc: prawcore.ResponseException, where: str, subreddit: str | None, *, token: bool,
                      reason: str | None) -> AccessError:
        """401/403 explained: which credential, which permission, which subreddit."""
        if exc.response.status_code == 401:
            what = "the client credentials" if token else "the access token"
            return AccessError(f"source '{self.source}': Reddit rejected {what} (401 Unauthorized); {ENV_HINT}. "
                               f"{APP_HINT}")
        if isinstance(exc, prawcore.InsufficientScope):
            return AccessError(f"source '{self.source}': 403 insufficient_scope on the {where}: the token lacks the "
                               "'read' scope; use a 'script' or 'web' app with the default scopes")
        sub = f"r/{subreddit}" if subreddit else "the subreddit"
        why = {"private": f"{sub} is private: only approved members can read it, an app-only token cannot",
               "quarantined": f"{sub} is quarantined: reading it needs a logged-in account that opted in, which "
                              "read-only (application-only) access cannot do",
               "gold_only": f"{sub} is limited to premium members"}.get(reason or "")
        if why and not token:
            return AccessError(f"source '{self.source}': 403 Forbidden on the {where}: {why}; remove it from "
                               "options.subreddits")
        return AccessError(f"source '{self.source}': Reddit answered 403 Forbidden to the "
                           f"{'token request' if token else where}{f' (reason {reason!r})' if reason else ''}: the "
                           "app has no Data API access (Reddit must approve new apps, see "
                           "https://www.reddit.com/wiki/api) or is disabled; check it at https://www.reddit.com/prefs/apps")


def _retry_in(headers: Mapping[str, str]) -> float | None:
    """Seconds until the window resets: Reddit sends them (not a time) in ``x-ratelimit-reset``, or Retry-After."""
    for name in ("x-ratelimit-reset", "retry-after"):
        try:
            return float(headers.get(name, ""))
        except ValueError:
            continue
    return None


def _reason(resp: requests.Response) -> str | None:
    try:
        body = resp.json()
    except ValueError:
        return None
    reason = body.get("reason") if isinstance(body, dict) else None
    return str(reason)[:60] if reason else None


# ---- collection --------------------------------------------------------------------------------------
@dataclass
class _Walk:
    """How far one listing got."""

    count: int = 0  # children the listing returned
    ended: bool = False  # Reddit had no further page
    reached: bool = False  # sort=new met a post older than the lower bound
    newest: float | None = None
    oldest: float | None = None

    def complete(self, cap: int) -> bool:
        """True when nothing in the span can be missing: the bound was reached or the listing ended under the cap."""
        return self.reached or (self.ended and self.count < cap)

    def see(self, created: float) -> None:
        self.newest = created if self.newest is None else max(self.newest, created)
        self.oldest = created if self.oldest is None else min(self.oldest, created)


@dataclass
class _Stats:
    deleted_posts: int = 0
    deleted_comments: int = 0
    off_topic_comments: int = 0


def _merge(gaps: list[list[float]]) -> list[list[float]]:
    out: list[list[float]] = []
    for lo, hi in sorted(gaps):
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return out


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class RedditListener:
    """Searches Reddit posts (and their on-topic comments) for the brands, one watermark per listing."""

    def __init__(self, name: str, queries: list[SearchQuery], matcher: BrandMatcher, options: RedditOptions) -> None:
        self.name = name
        self.queries = queries
        self.matcher = matcher
        self.options = options

    @classmethod
    def from_config(cls, source: Source, settings: Settings) -> RedditListener:
        """Validate ``options`` and build the queries; credentials are read later, in ``pages()``."""
        opts = parse_options(RedditOptions, source)
        return cls(source.name, build_queries(source, settings), BrandMatcher(settings), opts)

    def listings(self) -> list[tuple[str, SearchQuery, str]]:
        """(subreddit, query, cursor key) for every listing this source reads."""
        return [(sub, q, f"r/{sub}: {q.render()}") for sub in self.options.subreddits for q in self.queries]

    def read_credentials(self) -> tuple[SecretStr, SecretStr]:
        """(client id, client secret); ``voxpop check`` calls this to warn about missing ones."""
        extra = self.options.model_dump(include={"client_id_block", "client_secret_block"})
        client_id = secret(self.name, CLIENT_ID_ENV, options=extra, block_option="client_id_block", hint=APP_HINT)
        client_secret = secret(self.name, CLIENT_SECRET_ENV, options=extra, block_option="client_secret_block",
                               hint=APP_HINT)
        return client_id, client_secret

    def _client(self) -> _Api:
        return _Api(self.name, self.options, *self.read_credentials())

    def _initial_state(self, cursor: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
        saved = (cursor or {}).get("listings")
        if cursor and not isinstance(saved, Mapping):
            log.warning("source %s: ignoring a cursor without 'listings' (older format?)", self.name)
        saved = saved if isinstance(saved, Mapping) else {}
        state: dict[str, dict[str, Any]] = {}
        for _, _, key in self.listings():
            entry = saved.get(key)
            if not isinstance(entry, Mapping):
                continue
            mark = entry.get("watermark")
            gaps = [[float(g[0]), float(g[1])] for g in entry.get("gaps") or []
                    if isinstance(g, list | tuple) and len(g) == 2 and all(isinstance(x, int | float) for x in g)]
            state[key] = {"watermark": float(mark) if isinstance(mark, int | float) else None, "gaps": gaps}
        return state

    def pages(self, cursor: Mapping[str, Any] | None) -> Iterator[Page]:
        """Pages of every listing in turn; each page's cursor holds every listing's state."""
        run = _Run(self, self._initial_state(cursor), self._client())
        try:
            for sub, query, key in self.listings():
                yield from run.listing(sub, query, key)
        finally:
            run.api.close()
            run.report()


class _Run:
    """One ``pages()`` call: the client, every listing's state, what was seen and skipped."""

    def __init__(self, listener: RedditListener, state: dict[str, dict[str, Any]], api: _Api) -> None:
        self.name = listener.name
        self.opts = listener.options
        self.matcher = listener.matcher
        self.state = state
        self.api = api
        self.seen: set[str] = set()  # fullnames handled this run (queries and passes overlap)
        self.stats = _Stats()

    def report(self) -> None:
        """Log what was skipped on purpose (never stored, never quarantined)."""
        s = self.stats
        if s.deleted_posts or s.deleted_comments or s.off_topic_comments:
            log.info("source %s: skipped %d deleted/removed post(s), %d deleted/removed comment(s) and %d "
                     "comment(s) that mention no tracked brand", self.name, s.deleted_posts, s.deleted_comments,
                     s.off_topic_comments)

    def _cursor(self) -> dict[str, Any]:
        return {"v": CURSOR_VERSION, "listings": copy.deepcopy(self.state)}

    def listing(self, sub: str, query: SearchQuery, key: str) -> Iterator[Page]:
        """One listing's pages; only the last carries the listing's new watermark.

        Each page is held back until the next one is fetched, so the last can be told apart; earlier pages keep
        the old watermark, and a failure still yields the page held back before raising.
        """
        final: dict[str, Any] = {}
        pending: Page | None = None
        try:
            for page in self._collect(sub, query, self.state.get(key, {}), final):
                if pending is not None:
                    pending.cursor = self._cursor()
                    yield pending
                pending = page
        except SourceError:
            if pending is not None:
                pending.cursor = self._cursor()
                yield pending
            raise
        self.state[key] = final
        pending = pending or Page()
        pending.cursor = self._cursor()
        yield pending

    def _collect(self, sub: str, query: SearchQuery, entry: Mapping[str, Any], final: dict[str, Any]) -> Iterator[Page]:
        """Main pass newest→oldest down to the watermark, then the gaps; fills ``final`` with the new state."""
        opts = self.opts
        now = time.time()
        mark: float | None = entry.get("watermark")
        if mark is None:
            floor = now - opts.lookback_days * 86400
        else:  # without an overlap, strictly after the watermark: posts at that very second are in
            floor = mark - opts.overlap_seconds if opts.overlap_seconds else math.nextafter(mark, math.inf)
        walk = _Walk()
        # the first run's lookback is a soft bound: 7 days may use t=week even if a request takes a second
        soft = _TIME_MARGIN if mark is None else 0
        yield from self._walk(sub, query, sort="new", lo=floor, hi=None, walk=walk, main=True,
                              time_filter=time_filter_for(now - floor - soft))
        gaps = [list(g) for g in entry.get("gaps", [])]
        if not walk.complete(opts.listing_cap):
            gaps.append([floor, walk.oldest if walk.oldest is not None else now])
        remaining = []
        label = f"r/{sub} {query.render()!r}"
        for lo, hi in _merge(gaps):
            covered = yield from self._fill(sub, query, lo, hi)
            if covered:
                log.info("source %s: %s: posts from %s to %s are now collected", self.name, label, _iso(lo), _iso(hi))
            elif hi < now - opts.max_gap_age_days * 86400:
                log.warning("source %s: %s: giving up on posts between %s and %s (older than "
                            "options.max_gap_age_days=%g): Reddit's listing cap hid them", self.name, label,
                            _iso(lo), _iso(hi), opts.max_gap_age_days)
            else:
                log.warning("source %s: %s: Reddit's listing cap (~%d items) stopped collection at %s; posts "
                            "between %s and %s may be missing. Recorded as a gap in the cursor, the next run "
                            "retries it; search fewer subreddits per listing, split the query or run more often",
                            self.name, label, opts.listing_cap, _iso(hi), _iso(lo), _iso(hi))
                remaining.append([lo, hi])
        newest = max((t for t in (walk.newest, mark) if t is not None), default=None)
        final.update({"watermark": min(newest, now) if newest is not None else None, "gaps": remaining})

    def _fill(self, sub: str, query: SearchQuery, lo: float, hi: float) -> Generator[Page, None, bool]:
        """Re-read ``[lo, hi]`` in smaller listings; returns True when nothing in it can still be missing.

        Reddit's time windows all end now, so a narrower ``t`` cannot isolate an older span; smaller result
        sets can: one subreddit of a multi, one term of an OR query, each read newest→oldest down to ``lo``.
        What stays capped gets a best-effort pass sorted by comment count (the most-discussed posts first).
        """
        cap = self.opts.listing_cap
        parts = [(s, q) for s in sub.split("+") for q in query.split()]
        covered = True
        for part_sub, part_query in parts:
            if len(parts) > 1:
                walk = _Walk()
                yield from self._walk(part_sub, part_query, sort="new", lo=lo, hi=hi, walk=walk)
                if walk.complete(cap):
                    continue
            walk = _Walk()
            yield from self._walk(part_sub, part_query, sort="comments", lo=lo, hi=hi, walk=walk)
            covered = covered and walk.complete(cap)
        return covered

    def _walk(self, sub: str, query: SearchQuery, *, sort: str, lo: float, hi: float | None, walk: _Walk,
              main: bool = False, time_filter: str | None = None) -> Iterator[Page]:
        """Page through one listing keeping posts created in ``[lo, hi]``: one Page per search page.

        The main pass yields every page (even empty ones: they carry cursors) and quarantines undated or
        broken results; gap passes yield only pages with something in them.
        """
        after: str | None = None
        time_filter = time_filter or time_filter_for(time.time() - lo)
        while True:
            data = self.api.search(sub, query.render(), sort, time_filter, after)
            children = data["children"]
            walk.count += len(children)
            page = Page()
            for child in children:
                post = child.get("data") if isinstance(child, Mapping) else None
                if not isinstance(post, Mapping) or child.get("kind") != "t3":
                    if main:
                        page.rejects.append(_not_a_post(self.name, child))
                    continue
                try:
                    created: float | None = _created(post)
                except ValueError:
                    created = None
                if created is None and not main:
                    continue
                if created is not None:
                    if sort == "new" and created < lo:
                        walk.reached = True
                        break
                    if created < lo or (hi is not None and created > hi):
                        continue
                    walk.see(created)
                self._add_post(post, page)
            if main or page.mentions or page.rejects:
                yield page
            next_after = data.get("after")
            if walk.reached:
                return
            if not children or not isinstance(next_after, str) or not next_after or next_after == after:
                walk.ended = True
                return
            after = next_after

    def _add_post(self, post: Mapping[str, Any], page: Page) -> None:
        """Convert one post into ``page`` and add its on-topic comments."""
        ident = post.get("id")
        fullname = f"t3_{ident}" if isinstance(ident, str) and ident else None
        if fullname is not None:
            if fullname in self.seen:
                return
            self.seen.add(fullname)
        if removed_reason(post, "selftext"):
            self.stats.deleted_posts += 1
            return
        try:
            mention = post_to_mention(post)
        except ValueError as exc:
            page.rejects.append(Rejected(self.name, f"reddit post {fullname or '?'}: {exc}", _raw(post)))
            return
        page.mentions.append(mention)
        if self.opts.comments and _number(post, "num_comments") > 0:
            self._add_comments(mention.native_id, page)

    def _add_comments(self, fullname: str, page: Page) -> None:
        """Comments of one post that mention a tracked brand (search matched the post, not its comments)."""
        submission = self.api.reddit.submission(id=fullname.removeprefix("t3_"))
        submission.comment_sort = "new"
        where = f"comments of {fullname}"

        def fetch() -> list[Any]:
            submission.comments.replace_more(limit=self.opts.more_comments_limit)
            return submission.comments.list()

        try:  # 403/404: the post was removed, or its subreddit went private, since the search
            comments = self.api.call(fetch, where, tolerate=frozenset({403, 404}))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # praw could not build the tree
            page.rejects.append(Rejected(self.name, f"reddit {where}: malformed comment tree "
                                         f"({type(exc).__name__}: {str(exc)[:120]})", {"link_id": fullname}))
            return
        for comment in comments or []:
            if not isinstance(comment, praw.models.Comment):
                continue
            fields = vars(comment)  # the JSON fields; getattr would fetch missing ones from the API
            cid = fields.get("id")
            if f"t1_{cid}" in self.seen:
                continue
            self.seen.add(f"t1_{cid}")
            if removed_reason(fields, "body"):
                self.stats.deleted_comments += 1
                continue
            try:
                mention = comment_to_mention(fields, fullname, replies=len(fields.get("_replies") or []))
            except ValueError as exc:
                page.rejects.append(Rejected(self.name, f"reddit comment t1_{cid or '?'} on {fullname}: {exc}",
                                             _raw(fields)))
                continue
            brands, _, _ = self.matcher.match(mention.text)
            if not brands:
                self.stats.off_topic_comments += 1
                continue
            page.mentions.append(mention)


@registry.register("reddit", "subreddit", description="Reddit post search plus on-topic comments (praw, read-only)")
def _reddit_factory(source: Source, settings: Settings) -> RedditListener:
    return RedditListener.from_config(source, settings)
