"""The ``x`` listener: X (Twitter) API v2 post search, one resumable window per query.

Recent search (the last 7 days; Basic access or higher) by default, full-archive search with
``options.archive`` (Pro or Enterprise). Results come newest first, so a run walks a window from the newest
post down to ``since_id``; after every page the query's state records the oldest id stored (``until_id``),
and an interrupted window is finished before anything newer is fetched.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr

from core.config import Settings, Source
from core.errors import SourceError
from core.types import Page
from listeners.base import Credential, QueryListener, Run
from listeners.x.client import InvalidIdError, XApi
from listeners.x.options import RECENT_DAYS, TOKEN_ENV, TOKEN_HINT, XOptions
from listeners.x.parse import TWEET_ID, id_range, label, scrub, tweet_to_mention, usernames_of
from listeners.x.query import build_queries, query_key

TWEET_FIELDS = ("created_at", "public_metrics", "conversation_id", "referenced_tweets", "lang", "author_id",
                "in_reply_to_user_id", "note_tweet", "withheld")
_MAX_WINDOW_FIXES = 3  # saved ids refused as too old, per query and run
_STATE_KEYS = {"since_id", "until_id", "newest_id"}
log = logging.getLogger("listeners.x")


class XListener(QueryListener[XOptions, str, XApi]):
    """Searches X posts for the brand terms, one resumable window per query."""

    options_model = XOptions
    credentials = (Credential(TOKEN_ENV, "bearer_token_block", TOKEN_HINT),)
    log = log

    @classmethod
    def build_queries(cls, source: Source, settings: Settings, options: XOptions) -> list[str]:
        """OR-ed brand terms split to fit ``max_query_length`` (or ``source.queries`` verbatim)."""
        return build_queries(source, settings, options)

    def query_key(self, query: str) -> str:
        """A short hash: the query text can be 512+ characters."""
        return query_key(query)

    def open_client(self, *secrets: SecretStr) -> XApi:
        """A tweepy client with the bearer token."""
        (token,) = secrets
        return XApi(self.name, self.options, token)

    def restore(self, saved: Mapping[str, Any]) -> dict[str, Any]:
        """Only the numeric ids of a saved window."""
        return {k: str(v) for k, v in saved.items() if k in _STATE_KEYS and v is not None and TWEET_ID.match(str(v))}

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

    def query_pages(self, run: Run[XApi], key: str, query: str) -> Iterator[Page]:
        """Finish an interrupted window (since_id..until_id), then collect everything newer than since_id."""
        budget = [self.options.max_pages]  # pages left for this query in this run (None: no cap)
        fixes = 0
        while True:
            resuming = "until_id" in run.cursors.get(key)
            outcome = yield from self._window(run, key, query, budget)
            if isinstance(outcome, InvalidIdError):
                fixes += 1
                if fixes > _MAX_WINDOW_FIXES:
                    raise SourceError(f"source '{self.name}': X keeps refusing the saved {outcome.parameter} "
                                      f"({outcome}); delete this source's cursor to start over")
                run.cursors.set(key, self._fix_window(key, run.cursors.get(key), outcome))
                continue
            if outcome == "capped":
                log.info("source %s: query %s reached options.max_pages=%s; the next run resumes from its cursor",
                         self.name, key, self.options.max_pages)
                return
            if not resuming:
                return

    def _window(self, run: Run[XApi], key: str, query: str,
                budget: list[int | None]) -> Generator[Page, None, str | InvalidIdError]:
        """One window, newest to oldest; returns "done", "capped" or the InvalidIdError to fix the state with.

        After each page the query's state keeps the old ``since_id`` plus ``until_id`` (the oldest id stored so
        far) and ``newest_id`` (the newest seen in the window); the last page sets ``since_id = newest_id``.
        """
        st = dict(run.cursors.get(key))
        newest = int(st["newest_id"]) if "newest_id" in st else None
        next_token: str | None = None
        while True:
            if budget[0] is not None and budget[0] <= 0:
                return "capped"
            try:
                body = run.client.search(query, self._params(st, next_token))
            except InvalidIdError as exc:
                return exc
            if budget[0] is not None:
                budget[0] -= 1
            page, (page_newest, page_oldest) = self._page(run, body)
            if page_newest is not None:
                newest = page_newest if newest is None else max(newest, page_newest)
            meta = body.get("meta") if isinstance(body.get("meta"), Mapping) else {}
            token = meta.get("next_token") if isinstance(meta.get("next_token"), str) else None
            done = not token or token == next_token
            if done:
                closed = str(newest) if newest is not None else st.get("since_id")
                run.cursors.set(key, {"since_id": closed} if closed else {})
            else:
                until = str(page_oldest) if page_oldest is not None else st.get("until_id")
                run.cursors.set(key, {k: v for k, v in (("since_id", st.get("since_id")), ("until_id", until),
                                                        ("newest_id", None if newest is None else str(newest))) if v})
            yield run.checkpoint(page)
            if done:
                return "done"
            next_token = token

    def _fix_window(self, key: str, st: Mapping[str, str], exc: InvalidIdError) -> dict[str, str]:
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

    def _page(self, run: Run[XApi], body: Mapping[str, Any]) -> tuple[Page, tuple[int | None, int | None]]:
        data = body.get("data", [])
        if not isinstance(data, list):
            raise SourceError(f"source '{self.name}': X answer has a 'data' that is not a list")
        if errors := body.get("errors"):
            log.info("source %s: X reported %d partial error(s), e.g. %s", self.name,
                     len(errors) if isinstance(errors, list) else 1, str(errors)[:200])
        users = usernames_of(body)
        page = run.parse_page(data, lambda tweet: tweet_to_mention(tweet, users), label=label, scrub=scrub)
        return page, id_range(body, data)
