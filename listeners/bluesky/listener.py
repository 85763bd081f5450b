"""The ``bluesky`` listener: AT Protocol post search (``app.bsky.feed.searchPosts``), one window per query.

Bluesky search has no OR, so every brand term is its own query with its own state in the cursor, keyed by
the query text; ``window.py`` holds how one query's window moves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import SecretStr

from core.config import Settings, Source
from core.errors import SourceError
from core.types import Mention, Page
from listeners.base import Credential, QueryListener, Run
from listeners.bluesky.client import CursorRejectedError, XrpcClient
from listeners.bluesky.options import HANDLE_ENV, HANDLE_HINT, PASSWORD_ENV, PASSWORD_HINT, BlueskyOptions
from listeners.bluesky.parse import post_to_mention, sort_at
from listeners.bluesky.query import build_queries
from listeners.bluesky.window import Window, iso

_MAX_EMPTY_PAGES = 3  # pages with a cursor but no posts before a window counts as exhausted
log = logging.getLogger("listeners.bluesky")


def _label(post: Any) -> str:
    uri = post.get("uri") if isinstance(post, Mapping) else None
    return f"bluesky post {str(uri or '?')[:120]}"


def _record(post: Any) -> dict[str, Any]:
    return dict(post) if isinstance(post, Mapping) else {"item": post}


class BlueskyListener(QueryListener[BlueskyOptions, str, XrpcClient]):
    """Searches Bluesky posts for every brand term, one resumable window per query."""

    options_model = BlueskyOptions
    credentials = (Credential(HANDLE_ENV, "handle_block", HANDLE_HINT),
                   Credential(PASSWORD_ENV, "app_password_block", PASSWORD_HINT))
    log = log

    @classmethod
    def build_queries(cls, source: Source, settings: Settings, options: BlueskyOptions) -> list[str]:  # noqa: ARG003
        """One query per brand term, handle and hashtag (or ``source.queries``)."""
        return build_queries(source, settings)

    def open_client(self, *secrets: SecretStr) -> XrpcClient:
        """An XRPC client logged in with the handle and app password."""
        handle, password = secrets
        client = XrpcClient(self.name, self.options, handle, password)
        try:
            client.login()
        except BaseException:
            client.close()
            raise
        return client

    def query_pages(self, run: Run[XrpcClient], key: str, query: str) -> Iterator[Page]:
        """One window of one query: newest to oldest down to ``since``, or on from a saved API cursor."""
        opts = self.options
        window = Window.open(run.cursors.get(key), opts.lookback_days)
        restarted, pages_done, empty_pages, excluded = False, 0, 0, 0

        def keep(mention: Mention) -> bool:
            """Drop image-only posts (nothing to analyse) and those only an exclude term matched."""
            nonlocal excluded
            if not mention.text.strip():
                return False
            brands, _, dropped = self.matcher.match(mention.text)
            if dropped and not brands:
                excluded += 1
                return False
            return True

        while opts.max_pages is None or pages_done < opts.max_pages:
            try:
                body = run.client.search(window.params(query, opts))
            except CursorRejectedError as exc:
                if restarted or window.api_cursor is None:
                    raise SourceError(f"source '{self.name}': searchPosts rejected query {query!r} ({exc})") from None
                log.warning("source %s: the saved cursor of %r was rejected (%s); restarting its window from %s",
                            self.name, query, exc, iso(window.since))
                restarted, window.api_cursor = True, None
                continue
            pages_done += 1
            posts = body.get("posts")
            if not isinstance(posts, list):
                raise SourceError(f"source '{self.name}': searchPosts answer has no 'posts' list")
            for post in posts:
                window.see(sort_at(post))
            page = run.parse_page(posts, post_to_mention, label=_label, scrub=_record, keep=keep)
            next_cursor = body.get("cursor") if isinstance(body.get("cursor"), str) else None
            empty_pages = 0 if posts else empty_pages + 1
            done = not next_cursor or next_cursor == window.api_cursor or empty_pages >= _MAX_EMPTY_PAGES
            run.cursors.set(key, window.close(opts.overlap_seconds) if done else window.advance(next_cursor))
            yield run.checkpoint(page)
            if done:
                if excluded:
                    log.info("source %s: %r: %d post(s) dropped by brand exclude terms", self.name, query, excluded)
                return
        log.info("source %s: %r reached options.max_pages=%s; the next run resumes from its cursor",
                 self.name, query, opts.max_pages)
