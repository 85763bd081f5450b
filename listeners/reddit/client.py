"""The Reddit API client: a read-only praw instance plus our retries, rate-limit waits and status → error mapping.

praw/prawcore own what is easy to get wrong: the application-only OAuth grant (client credentials, read
only), token renewal, pacing from Reddit's ``x-ratelimit-*`` headers and a first retry of transient 5xx.
Search pages are requested through ``Reddit.request`` on exactly the endpoint and parameters
``Subreddit.search`` uses (``r/<sub>/search``, ``sort=new``, ``syntax=lucene``, ``t``, ``limit``, ``after``)
rather than through its ListingGenerator: that generator builds praw objects for a whole page at once, so
one child without an ``id`` would sink the page instead of being quarantined, and it hides the page
boundaries our cursors need.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import praw
import prawcore
import requests
from prawcore.const import ACCESS_TOKEN_PATH
from pydantic import SecretStr

from core.errors import AccessError, SourceError
from listeners.reddit.options import APP_HINT, ENV_HINT, RedditOptions
from listeners.throttle import Throttle

_T = TypeVar("_T")
log = logging.getLogger("listeners.reddit")  # one logger per source, whichever module logs


class RedditApi:
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
        return f"RedditApi(source={self.source!r}, api={self.opts.api_base!r})"

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
