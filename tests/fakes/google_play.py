"""A fake Google Play review endpoint on 127.0.0.1: ``/_/PlayStoreUi/data/batchexecute`` in its wire format.

The request is what google-play-scraper's ``Formats.Reviews`` builds (a form-encoded ``f.req`` with the app
id, sort, count and continuation token); the answer is the ``)]}'`` envelope whose inner JSON holds the
review items at the positions ``ElementSpecs.Review`` reads and the token at ``[-2][-1]``. Reviews are
served newest first per app, ``hl`` and ``gl``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qs

from tests.fakes import HARNESSES, FakeApiHarness, Request, Response, Scenario

PAGE_SIZE = 3
APP = "az.narmart.app"
RIVAL = "com.tezbazar.shop"


@dataclass
class Review:
    """One stored review and where it is listed."""

    item: list[Any]
    app: str
    lang: str
    country: str
    at: float


@dataclass
class FakePlay:
    """State and request handler of the fake batchexecute endpoint."""

    reviews: list[Review] = field(default_factory=list)
    mode: str = "ok"
    fail_first: int | None = None
    crash_token: str | None = None
    healed: bool = False
    duplicate_boundary: bool = False  # the last review of a page comes again first on the next page
    counter: int = 0
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    calls: list[tuple[str, str, str, str | None]] = field(default_factory=list)

    def review(self, text: str | None, *, app: str = APP, lang: str = "az", country: str = "az", stars: int = 2,
               minutes_ago: float = 60, reply: str | None = None, version: str | None = "4.2.1",
               thumbs: int = 1) -> list[Any]:
        """A review item in the wire layout; returns it (its id is item[0])."""
        self.counter += 1
        at = (self.now - timedelta(minutes=minutes_ago)).timestamp()
        rid = f"gp:AOqpTOH{self.counter:06d}k2Lw-9xYzQ"
        item: list[Any] = [rid, [f"User {self.counter}", [None, None, None, [None, None, "https://play-lh/a.png"]]],
                           stars, None, text, [int(at), 120_000_000], thumbs,
                           [None, reply, [int(at) + 3600, 0]] if reply else None, None, None, version]
        self.reviews.append(Review(item, app, lang, country, at))
        return item

    def __call__(self, req: Request) -> Response:
        if req.path != "/_/PlayStoreUi/data/batchexecute" or req.method != "POST":
            return Response(404, "<html>Not Found</html>", {"Content-Type": "text/html"})
        if self.mode == "unauthorized":
            return Response(401, "<html>Unauthorized</html>", {"Content-Type": "text/html"})
        if self.mode == "forbidden":
            return Response(403, "<html>Your client does not have permission</html>", {"Content-Type": "text/html"})
        if self.fail_first is not None:
            status, self.fail_first = self.fail_first, None
            return Response(status, "<html>Error</html>", {"Content-Type": "text/html", "Retry-After": "3"})
        hl, gl = req.query["hl"][0], req.query["gl"][0]
        freq = json.loads(parse_qs(req.body.decode())["f.req"][0])
        inner = json.loads(freq[0][0][1])
        app = inner[2][0]
        paging = inner[1][2]
        count, token = paging[0], paging[2] if len(paging) > 2 else None
        self.calls.append((app, hl, gl, token))
        if token is not None and token == self.crash_token and not self.healed:
            return Response(500, "<html>Error</html>", {"Content-Type": "text/html"})
        listing = sorted((r for r in self.reviews if (r.app, r.lang, r.country) == (app, hl, gl)),
                         key=lambda r: r.at, reverse=True)
        start = int(token.removeprefix("tok-")) if token else 0
        if self.duplicate_boundary and start:
            start -= 1
        size = min(count, PAGE_SIZE)
        chunk = [r.item for r in listing[start:start + size]]
        nxt = start + size + (1 if self.duplicate_boundary and start else 0)
        results: list[Any] = [chunk, [None, f"tok-{nxt}"] if nxt < len(listing) else None, None] if listing else []
        envelope = [["wrb.fr", "oCPfdb", json.dumps(results), None, None, None, "generic"], ["di", 112],
                    ["af.httprm", 111, "-3425", 12]]
        return Response(200, ")]}'\n\n" + json.dumps(envelope), {"Content-Type": "application/json; charset=utf-8"})


def fill_pages(fake: FakePlay) -> set[str]:
    """Narmart's app in az and ru, a rival's app; a rating without text is skipped."""
    ids = set()
    own = [("Tətbiq tez-tez donur, ödəniş keçmir", 1), ("Çatdırılma sürətlidir, əla", 5),
           ("Endirimlər yaxşıdır amma kuryer gecikir", 3), ("Yeni versiya daha rahatdır", 4),
           ("Sifarişi izləmək olmur", 2)]
    for i, (text, stars) in enumerate(own):
        reply = "Salam! Bizə yazın" if i == 0 else None
        ids.add(fake.review(text, stars=stars, minutes_ago=600 - i * 60, reply=reply)[0])
    for i, text in enumerate(["Приложение вылетает при оплате", "Доставка быстрая, спасибо"]):
        ids.add(fake.review(text, lang="ru", minutes_ago=500 - i * 30, stars=2 + 3 * i)[0])
    fake.review(None, stars=5, minutes_ago=30)  # a rating without text
    for i in range(4):
        ids.add(fake.review(f"Qiymətlər bahadır {i}", app=RIVAL, lang="en", country="us", minutes_ago=300 - i)[0])
    return ids


def fill_malformed(fake: FakePlay) -> set[str]:
    ids = {fake.review("Yaxşı tətbiqdir", minutes_ago=10)[0], fake.review("Pis deyil", minutes_ago=100)[0]}
    fake.review("no stars", minutes_ago=20)[2] = 9
    fake.review("bad thumbs", minutes_ago=21, thumbs=-4)
    no_id = fake.review("no id", minutes_ago=22)
    no_id[0] = None
    bad_text = fake.review("x", minutes_ago=23)
    bad_text[4] = {"text": "object"}
    no_date = fake.review("no date", minutes_ago=24)
    no_date[5] = None
    fake.reviews[-1].at = (fake.now - timedelta(minutes=24)).timestamp()
    return ids


def fill_duplicates(fake: FakePlay) -> set[str]:
    fake.duplicate_boundary = True
    return {fake.review(f"Rəy nömrə {i}", minutes_ago=100 - i * 5)[0] for i in range(7)}


def fill_unicode(fake: FakePlay) -> set[str]:
    return {fake.review(t, minutes_ago=10 + i)[0] for i, t in enumerate([
        "🚚📦💨 çatdırılma 👨‍👩‍👧 əla! 🇦🇿", "التوصيل متأخر جدا 😡", "שירות לקוחות 👍 mixed עברית and English",
        "Նարմարտ 🇦🇲 Нармарт Narmart — три алфавита\u200b в одном"])}


def fill_huge(fake: FakePlay) -> set[str]:
    return {fake.review(("çatdırılma gecikir 😡 " * 2100)[:40_010], minutes_ago=2)[0]}


def fill_crash(fake: FakePlay) -> set[str]:
    ids = {fake.review(f"Crash fixture {i}, kuryer gecikir", minutes_ago=100 - i)[0] for i in range(4 * PAGE_SIZE)}
    fake.crash_token = f"tok-{2 * PAGE_SIZE}"
    return ids


class GooglePlayHarness(FakeApiHarness):
    """Drives the google-play listener against the fake for the conformance suite."""

    type = "google-play"
    source_name = "google-play-test"
    first_failures: ClassVar[dict[str, int]] = {"rate_limit": 429, "server_error": 503}
    scenarios: ClassVar[dict[str, Scenario]] = {
        "pages": fill_pages, "malformed": fill_malformed, "duplicates": fill_duplicates, "unicode": fill_unicode,
        "huge_text": fill_huge, "crash": fill_crash}
    fake: FakePlay

    def new_fake(self, previous: FakePlay | None) -> FakePlay:
        return FakePlay() if previous is None else FakePlay(counter=previous.counter)

    def fail_first(self, status: int) -> None:
        self.fake.fail_first = status

    def options(self) -> dict[str, Any]:
        return {"api_base": self.server.url, "count": PAGE_SIZE, "min_interval_seconds": 0,
                "apps": [{"id": APP, "brand": "Narmart", "lang": ["az", "ru"], "country": "az"},
                         {"id": RIVAL, "brand": "Tezbazar"}]}

    def env(self) -> dict[str, str]:
        return {}  # the store's public listing needs no credentials

    def secrets(self) -> list[str]:
        return []


HARNESSES["google-play"] = GooglePlayHarness
