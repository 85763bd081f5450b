"""The ``google-play`` listener: the newest reviews of each configured app, per language and country.

Every (app, lang, country) is a listing with its own window in the cursor (``listeners.window``): walked
newest first with Google Play's continuation token down to the newest review stored by the last complete
walk (its time and ids).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import NamedTuple, Self

from pydantic import SecretStr

from core.config import Settings, Source
from core.types import Mention, Page
from listeners.base import QueryListener, Run
from listeners.google_play.client import PlayReviews
from listeners.google_play.options import GooglePlayOptions
from listeners.google_play.parse import review_id, review_time, review_to_mention, scrub
from listeners.options import check_brand
from listeners.window import NewestFirst

log = logging.getLogger("listeners.google_play")


class Listing(NamedTuple):
    """One app's reviews in one language and country."""

    app_id: str
    brand: str
    lang: str
    country: str

    def __str__(self) -> str:
        return f"{self.app_id}:{self.lang}-{self.country}"


class GooglePlayListener(QueryListener[GooglePlayOptions, Listing, PlayReviews]):
    """Reads Google Play reviews of the configured apps (no credentials: the public store listing)."""

    options_model = GooglePlayOptions
    cursor_field = "listings"
    log = log

    @classmethod
    def from_config(cls, source: Source, settings: Settings) -> Self:
        """Validate options, and that every app names a configured brand."""
        listener = super().from_config(source, settings)
        brands = [b.name for b, _ in settings.all_brands()]
        for i, app in enumerate(listener.options.apps):
            check_brand(source, brands, app.brand, option=f"apps.{i}.brand")
        return listener

    @classmethod
    def build_queries(cls, source: Source, settings: Settings, options: GooglePlayOptions) -> list[Listing]:  # noqa: ARG003
        """One listing per app, language and country."""
        out = [Listing(app.id, app.brand, lang, country) for app in options.apps for lang, country in app.listings()]
        return list(dict.fromkeys(out))

    def open_client(self, *secrets: SecretStr) -> PlayReviews:  # noqa: ARG002 - the store needs none
        """The review listing client."""
        return PlayReviews(self.name, self.options)

    def query_pages(self, run: Run[PlayReviews], key: str, query: Listing) -> Iterator[Page]:
        """One listing's new reviews, newest first, down to the watermark."""
        opts = self.options
        window = NewestFirst(run.cursors.get(key), opts.lookback_days)
        pages = 0

        def parse(item: object) -> Mention:
            return review_to_mention(item, app_id=query.app_id, lang=query.lang, country=query.country,
                                     brand=query.brand)

        def keep(mention: Mention) -> bool:
            if mention.text.strip():
                return True
            run.skipped["rating without text"] += 1
            return False

        while opts.max_pages is None or pages < opts.max_pages:
            items, token = run.client.page(query.app_id, query.lang, query.country, window.token)
            pages += 1
            fresh, reached = [], False
            for item in items:
                ts, rid = review_time(item), review_id(item)
                if ts is not None and rid is not None:
                    if window.is_old(ts, rid):
                        reached = True
                        break
                    window.see(ts, rid)
                fresh.append(item)
            page = run.parse_page(fresh, parse, scrub=scrub, keep=keep,
                                  label=lambda item: f"google play review {review_id(item) or '?'} of {query}")
            done = reached or token is None or not items
            run.cursors.set(key, window.close() if done else window.advance(token))
            yield run.checkpoint(page)
            if done:
                return
        log.info("source %s: %s reached options.max_pages=%s; the next run resumes from its cursor", self.name,
                 query, opts.max_pages)

    def end_run(self, run: Run[PlayReviews]) -> None:
        """Log what was left out."""
        for reason, n in sorted(run.skipped.items()):
            log.info("source %s: %d review(s) skipped: %s", self.name, n, reason)
