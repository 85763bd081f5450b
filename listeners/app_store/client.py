"""Apple's public customer-reviews feed (RSS as JSON) over httpx, with pacing, retries and error mapping."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from core.errors import AccessError, SourceError
from listeners.app_store.options import AppStoreOptions
from listeners.fields import json_object
from listeners.http import send
from listeners.throttle import Throttle

log = logging.getLogger("listeners.app_store")


class ReviewFeed:
    """``/{country}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/json``."""

    def __init__(self, source: str, opts: AppStoreOptions) -> None:
        self.source = source
        self.opts = opts
        self._throttle = Throttle(source, log, max_wait=opts.max_wait_seconds, max_retries=opts.max_retries,
                                  min_interval=opts.min_interval_seconds,
                                  outage="the App Store feed may be down, the next run resumes where this one stopped")
        self._http = httpx.Client(timeout=opts.timeout_seconds, headers={"User-Agent": "voxpop (app-store)"},
                                  follow_redirects=True)

    def __repr__(self) -> str:
        return f"ReviewFeed(source={self.source!r}, api={self.opts.api_base!r})"

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def page(self, app_id: int, country: str, page: int) -> list[Any]:
        """The entries of one feed page, newest first (an empty list past the last review)."""
        url = f"{self.opts.api_base}/{country}/rss/customerreviews/page={page}/id={app_id}/sortby=mostrecent/json"
        what = f"reviews of app {app_id} ({country}, page {page})"
        resp = send(self._throttle, lambda: self._http.get(url), what=what, limit="App Store feed rate limit")
        if resp.status_code in {401, 403}:
            raise AccessError(f"source '{self.source}': Apple refused access to {what} ({resp.status_code}); "
                              "the feed needs no credentials: this address may be blocked, try later or from "
                              "another network")
        if resp.status_code in {400, 404}:
            raise SourceError(f"source '{self.source}': the App Store has no review feed for app {app_id} in "
                              f"'{country}' ({resp.status_code}); check options.apps[].id (the number after "
                              "'id' in its apps.apple.com link) and country")
        if resp.status_code != 200:
            raise SourceError(f"source '{self.source}': the review feed answered {resp.status_code} for {what}")
        body = json_object(resp, f"source '{self.source}': the review feed for {what} is not JSON; check "
                                 "options.api_base")
        feed = body.get("feed")
        if not isinstance(feed, dict):
            raise SourceError(f"source '{self.source}': the review feed for {what} has no 'feed' object")
        entries = feed.get("entry", [])
        return entries if isinstance(entries, list) else [entries]  # one review comes as an object

