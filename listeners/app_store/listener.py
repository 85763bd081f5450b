"""The ``app-store`` listener: the newest App Store reviews of each configured app, per store country.

Apple's feed has no token: pages 1 to 10 (``PAGE_CAP``) of 50 reviews each, newest first. Each (app,
country) keeps a window (``listeners.window``) whose resume point is the next page number; new reviews only
push older ones down, so resuming by page can re-read, never skip.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import NamedTuple, Self

from pydantic import SecretStr

from core.config import Settings, Source
from core.types import Mention, Page
from listeners.app_store.client import ReviewFeed
from listeners.app_store.options import PAGE_CAP, AppStoreOptions
from listeners.app_store.parse import entry_id, entry_time, entry_to_mention, scrub
from listeners.base import QueryListener, Run
from listeners.options import check_brand
from listeners.window import NewestFirst

log = logging.getLogger("listeners.app_store")


class Listing(NamedTuple):
    """One app's reviews in one store country."""

    app_id: int
    brand: str
    country: str

    def __str__(self) -> str:
        return f"{self.app_id}:{self.country}"


class AppStoreListener(QueryListener[AppStoreOptions, Listing, ReviewFeed]):
    """Reads App Store reviews of the configured apps (no credentials: Apple's public feed)."""

    options_model = AppStoreOptions
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
    def build_queries(cls, source: Source, settings: Settings, options: AppStoreOptions) -> list[Listing]:  # noqa: ARG003
        """One listing per app and country."""
        return list(dict.fromkeys(Listing(a.id, a.brand, c) for a in options.apps for c in a.countries()))

    def open_client(self, *secrets: SecretStr) -> ReviewFeed:  # noqa: ARG002 - the feed needs none
        """The feed client."""
        return ReviewFeed(self.name, self.options)

    def query_pages(self, run: Run[ReviewFeed], key: str, query: Listing) -> Iterator[Page]:
        """One listing's new reviews, pages 1-10 newest first, down to the watermark."""
        window = NewestFirst(run.cursors.get(key), self.options.lookback_days)
        number = int(window.token) if window.token and window.token.isdigit() else 1

        def parse(entry: object) -> Mention:
            return entry_to_mention(entry, app_id=query.app_id, country=query.country, brand=query.brand)

        while True:
            entries = run.client.page(query.app_id, query.country, number)
            fresh, reached = [], False
            for entry in entries:
                ts, rid = entry_time(entry), entry_id(entry)
                if ts is not None and rid is not None:
                    if window.is_old(ts, rid):
                        reached = True
                        break
                    window.see(ts, rid)
                fresh.append(entry)
            page = run.parse_page(fresh, parse, scrub=scrub,
                                  label=lambda e: f"app store review {entry_id(e) or '?'} of {query}")
            last = number >= min(self.options.max_pages, PAGE_CAP)
            done = reached or not entries or last
            if done and last and not reached and entries:
                log.warning("source %s: %s: Apple's feed ends after page %d (the newest %d reviews); older "
                            "reviews since the last run are out of its reach; run more often", self.name, query,
                            number, number * 50)
            run.cursors.set(key, window.close() if done else window.advance(str(number + 1)))
            yield run.checkpoint(page)
            if done:
                return
            number += 1
