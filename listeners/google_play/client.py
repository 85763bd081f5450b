"""Google Play's review listing, built and parsed by ``google-play-scraper``, sent over httpx.

google-play-scraper (pinned) knows the undocumented ``batchexecute`` request that the Play Store web page
uses for reviews (``Formats.Reviews``: URL and body, sorted newest first with a continuation token) and
where each field sits in the answer (``Regex.REVIEWS``, ``ElementSpecs.Review``); we use exactly those.
Its own ``reviews()`` is not used for the transport: it turns every failure (429, 5xx, a block page) into
"no more reviews", which would end a walk silently and lose its token, and it converts times to the
machine's local time. So the request is sent here, with the shared throttle, retries and error mapping.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from core.errors import AccessError, SourceError
from listeners.google_play._scraper import PLAY_STORE_BASE_URL, Formats, Regex, Sort
from listeners.google_play.options import GooglePlayOptions
from listeners.http import send
from listeners.throttle import Throttle

log = logging.getLogger("listeners.google_play")
_FORM = {"content-type": "application/x-www-form-urlencoded"}


class PlayReviews:
    """The review listing of Play Store apps."""

    def __init__(self, source: str, opts: GooglePlayOptions) -> None:
        self.source = source
        self.opts = opts
        self._throttle = Throttle(source, log, max_wait=opts.max_wait_seconds, max_retries=opts.max_retries,
                                  min_interval=opts.min_interval_seconds,
                                  outage="Google Play may be down, the next run resumes where this one stopped")
        self._http = httpx.Client(timeout=opts.timeout_seconds, headers={"User-Agent": "Mozilla/5.0 (voxpop)"})

    def __repr__(self) -> str:
        return f"PlayReviews(source={self.source!r}, api={self.opts.api_base!r})"

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def page(self, app_id: str, lang: str, country: str, token: str | None) -> tuple[list[Any], str | None]:
        """One page of raw review items (newest first) and the continuation token (None at the end)."""
        url = Formats.Reviews.build(lang=lang, country=country).replace(PLAY_STORE_BASE_URL, self.opts.api_base, 1)
        body = Formats.Reviews.build_body(app_id, Sort.NEWEST.value, self.opts.count, "null", "null", token)
        what = f"reviews of {app_id} ({lang}-{country})"
        resp = send(self._throttle, lambda: self._http.post(url, content=body, headers=_FORM), what=what,
                    limit="Google Play rate limit",  # Play also throttles with a 200 carrying PlayGatewayError
                    throttled=lambda r: r.status_code == 429 or (r.status_code == 200 and "PlayGatewayError" in r.text))
        if resp.status_code in {401, 403}:
            raise AccessError(f"source '{self.source}': Google Play refused access to {what} "
                              f"({resp.status_code}); no credentials are involved: this machine's address may "
                              "be blocked or the store unavailable in that country; try later or from "
                              "another network")
        if resp.status_code == 404:
            raise SourceError(f"source '{self.source}': Google Play has no app {app_id!r} (404); check "
                              "options.apps[].id (the id= of its Play Store page)")
        if resp.status_code != 200:
            raise SourceError(f"source '{self.source}': Google Play answered {resp.status_code} for {what}")
        return _parse(resp.text, self.source, what)


def _parse(dom: str, source: str, what: str) -> tuple[list[Any], str | None]:
    """The review items and the next token from a batchexecute answer, read as google-play-scraper reads it."""
    try:
        envelope = json.loads(Regex.REVIEWS.findall(dom)[0])
        payload = envelope[0][2]
        results = json.loads(payload) if payload else []
    except (IndexError, TypeError, ValueError):
        raise SourceError(f"source '{source}': Google Play's answer for {what} is not a review listing; "
                          "the store's format may have changed (update google-play-scraper)") from None
    if not results:  # an app with no reviews in this language/country
        return [], None
    try:
        token = results[-2][-1]
    except (IndexError, TypeError):
        token = None
    items = results[0] if isinstance(results[0], list) else []
    return items, token if isinstance(token, str) and token else None
