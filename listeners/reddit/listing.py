"""Reading one Reddit listing: newest to oldest down to its watermark, then the gaps Reddit's cap left.

Each (subreddit, query) listing has a time watermark: ``created_utc`` of the newest post fully collected.
Listings run newest→oldest and stop at it; pages of a run in progress keep the old watermark, the last page
of a listing sets the new one. Reddit stops listings at about 1,000 items: when that cap ends a listing
before the watermark, the missing span is re-read in smaller listings (one subreddit of a multi, one term
of an OR query) and, failing that, logged and kept in the cursor as a gap the next run retries. Comments
come from praw's CommentForest (``replace_more`` + ``list``) and are kept only when they name a brand.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import praw

from core.errors import SourceError
from core.types import Page, Rejected
from listeners.base import Run
from listeners.normalize import BrandMatcher
from listeners.reddit.client import RedditApi
from listeners.reddit.options import RedditOptions
from listeners.reddit.parse import (
    comment_to_mention,
    created_utc,
    not_a_post,
    number,
    post_to_mention,
    raw_record,
    removed_reason,
)
from listeners.reddit.query import TIME_MARGIN, SearchQuery, time_filter_for

log = logging.getLogger("listeners.reddit")


@dataclass
class Walk:
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
        """Widen the span seen to ``created``."""
        self.newest = created if self.newest is None else max(self.newest, created)
        self.oldest = created if self.oldest is None else min(self.oldest, created)


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


class ListingReader:
    """Reads listings into pages for one run: its client, cursors and seen ids come from ``run``."""

    def __init__(self, run: Run[RedditApi], options: RedditOptions, matcher: BrandMatcher) -> None:
        self.run = run
        self.source = run.source
        self.opts = options
        self.matcher = matcher  # search matched the post, not its comments

    def pages(self, sub: str, query: SearchQuery, key: str) -> Iterator[Page]:
        """One listing's pages; only the last carries the listing's new watermark.

        Each page is held back until the next one is fetched, so the last can be told apart; earlier pages keep
        the old watermark, and a failure still yields the page held back before raising.
        """
        final: dict[str, Any] = {}
        pending: Page | None = None
        try:
            for page in self._collect(sub, query, self.run.cursors.get(key), final):
                if pending is not None:
                    self.run.checkpoint(pending)
                    yield pending
                pending = page
        except SourceError:
            if pending is not None:
                self.run.checkpoint(pending)
                yield pending
            raise
        self.run.cursors.set(key, final)
        pending = pending or Page()
        self.run.checkpoint(pending)
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
        walk = Walk()
        # the first run's lookback is a soft bound: 7 days may use t=week even if a request takes a second
        soft = TIME_MARGIN if mark is None else 0
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
                log.info("source %s: %s: posts from %s to %s are now collected", self.source, label, _iso(lo), _iso(hi))
            elif hi < now - opts.max_gap_age_days * 86400:
                log.warning("source %s: %s: giving up on posts between %s and %s (older than "
                            "options.max_gap_age_days=%g): Reddit's listing cap hid them", self.source, label,
                            _iso(lo), _iso(hi), opts.max_gap_age_days)
            else:
                log.warning("source %s: %s: Reddit's listing cap (~%d items) stopped collection at %s; posts "
                            "between %s and %s may be missing. Recorded as a gap in the cursor, the next run "
                            "retries it; search fewer subreddits per listing, split the query or run more often",
                            self.source, label, opts.listing_cap, _iso(hi), _iso(lo), _iso(hi))
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
                walk = Walk()
                yield from self._walk(part_sub, part_query, sort="new", lo=lo, hi=hi, walk=walk)
                if walk.complete(cap):
                    continue
            walk = Walk()
            yield from self._walk(part_sub, part_query, sort="comments", lo=lo, hi=hi, walk=walk)
            covered = covered and walk.complete(cap)
        return covered

    def _walk(self, sub: str, query: SearchQuery, *, sort: str, lo: float, hi: float | None, walk: Walk,
              main: bool = False, time_filter: str | None = None) -> Iterator[Page]:
        """Page through one listing keeping posts created in ``[lo, hi]``: one Page per search page.

        The main pass yields every page (even empty ones: they carry cursors) and quarantines undated or
        broken results; gap passes yield only pages with something in them.
        """
        after: str | None = None
        time_filter = time_filter or time_filter_for(time.time() - lo)
        while True:
            data = self.run.client.search(sub, query.render(), sort, time_filter, after)
            children = data["children"]
            walk.count += len(children)
            page = Page()
            for child in children:
                post = child.get("data") if isinstance(child, Mapping) else None
                if not isinstance(post, Mapping) or child.get("kind") != "t3":
                    if main:
                        page.rejects.append(not_a_post(self.source, child))
                    continue
                try:
                    created: float | None = created_utc(post)
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
            if fullname in self.run.seen:
                return
            self.run.seen.add(fullname)
        if removed_reason(post, "selftext"):
            self.run.skipped["deleted_posts"] += 1
            return
        try:
            mention = post_to_mention(post)
        except ValueError as exc:
            page.rejects.append(Rejected(self.source, f"reddit post {fullname or '?'}: {exc}", raw_record(post)))
            return
        page.mentions.append(mention)
        if self.opts.comments and number(post, "num_comments") > 0:
            self._add_comments(mention.native_id, page)

    def _add_comments(self, fullname: str, page: Page) -> None:
        """Comments of one post that mention a tracked brand (search matched the post, not its comments)."""
        submission = self.run.client.reddit.submission(id=fullname.removeprefix("t3_"))
        submission.comment_sort = "new"
        where = f"comments of {fullname}"

        def fetch() -> list[Any]:
            submission.comments.replace_more(limit=self.opts.more_comments_limit)
            return submission.comments.list()

        try:  # 403/404: the post was removed, or its subreddit went private, since the search
            comments = self.run.client.call(fetch, where, tolerate=frozenset({403, 404}))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:  # praw could not build the tree
            page.rejects.append(Rejected(self.source, f"reddit {where}: malformed comment tree "
                                         f"({type(exc).__name__}: {str(exc)[:120]})", {"link_id": fullname}))
            return
        for comment in comments or []:
            if not isinstance(comment, praw.models.Comment):
                continue
            fields = vars(comment)  # the JSON fields; getattr would fetch missing ones from the API
            cid = fields.get("id")
            if f"t1_{cid}" in self.run.seen:
                continue
            self.run.seen.add(f"t1_{cid}")
            if removed_reason(fields, "body"):
                self.run.skipped["deleted_comments"] += 1
                continue
            try:
                mention = comment_to_mention(fields, fullname, replies=len(fields.get("_replies") or []))
            except ValueError as exc:
                page.rejects.append(Rejected(self.source, f"reddit comment t1_{cid or '?'} on {fullname}: {exc}",
                                             raw_record(fields)))
                continue
            brands, _, _ = self.matcher.match(mention.text)
            if not brands:
                self.run.skipped["off_topic_comments"] += 1
                continue
            page.mentions.append(mention)
