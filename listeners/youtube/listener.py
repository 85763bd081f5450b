"""The ``youtube`` listener: comments on configured channels and videos, within a daily quota budget.

Every channel (``allThreadsRelatedToChannelId``: all its videos) and video (``videoId``) is a newest-first
listing (``order=time``) with its own window (``listeners.window``). Each call costs one quota unit; the
units used this Pacific day are kept in the cursor under ``~quota``, and a run stops cleanly (no error,
windows resumable) before it would pass ``daily_quota_budget``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any, Self

from pydantic import SecretStr

from core.config import Settings, Source
from core.types import Mention, Page, Rejected
from listeners.base import Credential, Cursors, QueryListener, Run
from listeners.options import check_brand
from listeners.window import NewestFirst
from listeners.youtube.client import CommentsOffError, Quota, YouTubeApi
from listeners.youtube.options import KEY_ENV, KEY_HINT, YouTubeOptions
from listeners.youtube.parse import scrub, thread_id, thread_time, thread_to_mentions

log = logging.getLogger("listeners.youtube")
QUOTA_KEY = "~quota"


class YouTubeListener(QueryListener[YouTubeOptions, str, YouTubeApi]):
    """Reads YouTube comment threads of the configured channels and videos."""

    options_model = YouTubeOptions
    credentials = (Credential(KEY_ENV, "api_key_block", KEY_HINT),)
    cursor_field = "listings"
    log = log

    @classmethod
    def from_config(cls, source: Source, settings: Settings) -> Self:
        """Validate options, and that ``brand`` names a configured brand."""
        listener = super().from_config(source, settings)
        check_brand(source, [b.name for b, _ in settings.all_brands()], listener.options.brand)
        return listener

    @classmethod
    def build_queries(cls, source: Source, settings: Settings, options: YouTubeOptions) -> list[str]:  # noqa: ARG003
        """``channel:<id>`` and ``video:<id>`` listings."""
        return [f"channel:{c}" for c in options.channels] + [f"video:{v}" for v in options.videos]

    def open_client(self, *secrets: SecretStr) -> YouTubeApi:
        """The API client with the key (no request is made)."""
        (key,) = secrets
        return YouTubeApi(self.name, self.options, key)

    def load_cursors(self, cursor: Mapping[str, Any] | None) -> Cursors:
        """The listings' windows, plus today's quota count."""
        cursors = super().load_cursors(cursor)
        saved = (cursor or {}).get(self.cursor_field)
        if isinstance(saved, Mapping) and isinstance(saved.get(QUOTA_KEY), Mapping):
            cursors.set(QUOTA_KEY, dict(saved[QUOTA_KEY]))
        return cursors

    def pages(self, cursor: Mapping[str, Any] | None) -> Iterator[Page]:
        """Every listing in turn until the quota budget is spent."""
        cursors = self.load_cursors(cursor)
        run = Run(self.name, self.client(), cursors)
        run.client.quota = Quota(cursors.get(QUOTA_KEY), self.options.daily_quota_budget)
        try:
            for query in self.queries:
                yield from self.query_pages(run, self.query_key(query), query)
                if run.skipped["quota"]:
                    return
        finally:
            run.client.close()
            self.end_run(run)

    def query_pages(self, run: Run[YouTubeApi], key: str, query: str) -> Iterator[Page]:
        """One listing's new comment threads, newest first, down to its watermark."""
        opts = self.options
        kind, ident = query.split(":", 1)
        window = NewestFirst(run.cursors.get(key), opts.lookback_days)
        pages = 0
        while opts.max_pages is None or pages < opts.max_pages:
            try:
                body = run.client.threads(video=ident if kind == "video" else None,
                                          channel=ident if kind == "channel" else None, token=window.token)
            except CommentsOffError as exc:
                log.warning("source %s: no comments to read on %s %s (%s); remove it from options.%ss",
                            self.name, kind, ident, exc, kind)
                return
            if body is None:
                run.skipped["quota"] += 1
                run.cursors.set(QUOTA_KEY, run.client.quota.state())
                log.warning("source %s: stopped before options.daily_quota_budget=%d units (%d used today, Pacific "
                            "time); the next run goes on from the cursor", self.name, opts.daily_quota_budget,
                            run.client.quota.used)
                yield run.checkpoint(Page())
                return
            pages += 1
            items = body.get("items") if isinstance(body.get("items"), list) else []
            fresh, reached = [], False
            for item in items:
                ts, tid = thread_time(item), thread_id(item)
                if ts is not None and tid is not None:
                    if window.is_old(ts, tid):
                        reached = True
                        break
                    window.see(ts, tid)
                fresh.append(item)
            page = self.parse(run, fresh)
            token = body.get("nextPageToken") if isinstance(body.get("nextPageToken"), str) else None
            done = reached or not token or not items
            run.cursors.set(key, window.close() if done else window.advance(token))
            run.cursors.set(QUOTA_KEY, run.client.quota.state())
            yield run.checkpoint(page)
            if done:
                return
        log.info("source %s: %s reached options.max_pages=%s; the next run resumes from its cursor", self.name,
                 query, opts.max_pages)

    def parse(self, run: Run[YouTubeApi], items: list[Any]) -> Page:
        """The page's comments (each once per run); without ``brand`` only those naming a tracked brand."""
        page = Page()
        for item in items:
            try:
                mentions = thread_to_mentions(item, brand=self.options.brand, replies=self.options.replies)
            except ValueError as exc:
                page.rejects.append(Rejected(self.name, f"youtube thread {thread_id(item) or '?'}: {exc}",
                                             scrub(item)))
                continue
            for mention in mentions:
                if mention.native_id in run.seen:
                    continue
                run.seen.add(mention.native_id)
                if self.keep(run, mention):
                    page.mentions.append(mention)
        return page

    def keep(self, run: Run[YouTubeApi], mention: Mention) -> bool:
        """Some text, and (without ``brand``) a tracked brand in it."""
        if not mention.text.strip():
            run.skipped["without text"] += 1
            return False
        if self.options.brand is None and not self.matcher.match(mention.text)[0]:
            run.skipped["about no tracked brand"] += 1
            return False
        return True

    def end_run(self, run: Run[YouTubeApi]) -> None:
        """Log the quota used and what was left out."""
        log.info("source %s: %d YouTube quota unit(s) used today (Pacific time)", self.name, run.client.quota.used)
        for reason, n in sorted(run.skipped.items()):
            if reason != "quota":
                log.info("source %s: %d comment(s) %s", self.name, n, reason)
