"""The ``reddit`` listener: post search plus the on-topic comments of matching posts, through praw.

Its queries are listings, every search query in every configured subreddit; each keeps its own watermark
and gaps in the cursor under ``listings`` (``listing.py`` walks one).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import SecretStr

from core.config import Settings, Source
from core.types import Page
from listeners.base import Credential, QueryListener, Run
from listeners.reddit.client import RedditApi
from listeners.reddit.listing import ListingReader
from listeners.reddit.options import APP_HINT, CLIENT_ID_ENV, CLIENT_SECRET_ENV, RedditOptions
from listeners.reddit.query import SubredditSearch, build_queries, listings

log = logging.getLogger("listeners.reddit")


class RedditListener(QueryListener[RedditOptions, SubredditSearch, RedditApi]):
    """Searches Reddit posts (and their on-topic comments) for the brands, one watermark per listing."""

    options_model = RedditOptions
    credentials = (Credential(CLIENT_ID_ENV, "client_id_block", APP_HINT),
                   Credential(CLIENT_SECRET_ENV, "client_secret_block", APP_HINT))
    cursor_field = "listings"
    log = log

    @classmethod
    def build_queries(cls, source: Source, settings: Settings, options: RedditOptions) -> list[SubredditSearch]:
        """Lucene queries from the brands (or ``source.queries``), each under 512 characters, per subreddit."""
        return listings(options.subreddits, build_queries(source, settings))

    def query_key(self, query: SubredditSearch) -> str:
        """``r/<subreddit>: <query>``."""
        return query.key()

    def open_client(self, *secrets: SecretStr) -> RedditApi:
        """A read-only praw client with the app's client id and secret."""
        client_id, client_secret = secrets
        return RedditApi(self.name, self.options, client_id, client_secret)

    def restore(self, saved: Mapping[str, Any]) -> dict[str, Any]:
        """A listing's watermark (Unix seconds or None) and its gaps ``[[lo, hi], ...]``."""
        mark = saved.get("watermark")
        gaps = [[float(g[0]), float(g[1])] for g in saved.get("gaps") or []
                if isinstance(g, list | tuple) and len(g) == 2 and all(isinstance(x, int | float) for x in g)]
        return {"watermark": float(mark) if isinstance(mark, int | float) else None, "gaps": gaps}

    def query_pages(self, run: Run[RedditApi], key: str, query: SubredditSearch) -> Iterator[Page]:
        """One listing's pages; only the last carries its new watermark."""
        yield from ListingReader(run, self.options, self.matcher).pages(query.subreddit, query.query, key)

    def end_run(self, run: Run[RedditApi]) -> None:
        """Log what was skipped on purpose (never stored, never quarantined)."""
        s = run.skipped
        if s["deleted_posts"] or s["deleted_comments"] or s["off_topic_comments"]:
            log.info("source %s: skipped %d deleted/removed post(s), %d deleted/removed comment(s) and %d "
                     "comment(s) that mention no tracked brand", self.name, s["deleted_posts"],
                     s["deleted_comments"], s["off_topic_comments"])
