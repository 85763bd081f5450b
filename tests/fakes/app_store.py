"""A fake Apple customer-reviews feed on 127.0.0.1 in its JSON wire format (``{"feed": {"entry": [...]}}``).

Paths are ``/{country}/rss/customerreviews/page={n}/id={app}/sortby=mostrecent/json``; pages 1-10 only (a
higher page is a 400, as Apple answers); entries newest first with Apple's ``{"label": ...}`` fields, and a
page with one review carries it as an object, not a list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from tests.fakes import HARNESSES, FakeApiHarness, Request, Response, Scenario

PAGE_SIZE = 3  # Apple serves 50; small pages keep fixtures small
APP = 1512345678
RIVAL = 1587654321
_PATH = re.compile(r"^/(?P<country>[a-z]{2})/rss/customerreviews/page=(?P<page>\d+)/id=(?P<app>\d+)"
                   r"/sortby=mostrecent/json$")


@dataclass
class FakeFeed:
    """State and request handler of the fake feed."""

    entries: list[tuple[int, str, datetime, dict[str, Any]]] = field(default_factory=list)
    mode: str = "ok"
    fail_first: int | None = None
    crash_page: int | None = None
    healed: bool = False
    overlap: bool = False  # each page starts with the last review of the page before (pages overlap)
    counter: int = 9_000_000_000
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def review(self, body: Any, *, app: int = APP, country: str = "az", title: str | None = "Rəy", stars: Any = "2",
               minutes_ago: float = 60, version: str = "4.2.1") -> dict[str, Any]:
        """A feed entry; returns it."""
        self.counter += 1
        at = self.now - timedelta(minutes=minutes_ago)
        entry: dict[str, Any] = {
            "author": {"uri": {"label": f"https://itunes.apple.com/{country}/reviews/id{self.counter + 7}"},
                       "name": {"label": f"reviewer{self.counter % 1000}"}, "label": ""},
            "updated": {"label": (at - timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%S-07:00")},  # Apple: Pacific
            "im:rating": {"label": stars}, "im:version": {"label": version},
            "id": {"label": str(self.counter)}, "title": {"label": title},
            "content": {"label": body, "attributes": {"type": "text"}},
            "link": {"attributes": {"rel": "related", "href": f"https://itunes.apple.com/{country}/review?id={app}"}},
            "im:voteSum": {"label": "0"}, "im:contentType": {"attributes": {"term": "Application", "label": "App"}},
            "im:voteCount": {"label": "0"},
        }
        if title is None:
            del entry["title"]
        self.entries.append((app, country, at, entry))
        return entry

    def __call__(self, req: Request) -> Response:  # noqa: PLR0911 - one answer per failure the feed has
        m = _PATH.match(req.path)
        if m is None:
            return Response(404, "<html>Not Found</html>", {"Content-Type": "text/html"})
        if self.mode == "unauthorized":
            return Response(401, "<html>Unauthorized</html>", {"Content-Type": "text/html"})
        if self.mode == "forbidden":
            return Response(403, "<html>Forbidden</html>", {"Content-Type": "text/html"})
        if self.fail_first is not None:
            status, self.fail_first = self.fail_first, None
            return Response(status, "<html>Error</html>", {"Content-Type": "text/html", "Retry-After": "3"})
        page, app, country = int(m["page"]), int(m["app"]), m["country"]
        if not 1 <= page <= 10:
            return Response(400, "<html>CustomerReviews RSS page depth is limited to 10</html>",
                            {"Content-Type": "text/html"})
        if page == self.crash_page and not self.healed:
            return Response(500, "<html>Error</html>", {"Content-Type": "text/html"})
        listing = [e for a, c, at, e in sorted(self.entries, key=lambda t: t[2], reverse=True)
                   if (a, c) == (app, country)]
        start = (page - 1) * PAGE_SIZE - (1 if self.overlap and page > 1 else 0)
        chunk = listing[start:start + PAGE_SIZE]
        feed: dict[str, Any] = {"author": {"name": {"label": "iTunes Store"}, "uri": {"label": "http://www.apple.com/"}},
                                "updated": {"label": self.now.isoformat()}, "id": {"label": req.path},
                                "title": {"label": "iTunes Store: Customer Reviews"}}
        if chunk:
            feed["entry"] = chunk[0] if len(chunk) == 1 else chunk
        return Response(200, {"feed": feed})


def fill_pages(fake: FakeFeed) -> set[str]:
    ids = set()
    for i, (text, stars) in enumerate([("Tətbiq donur", "1"), ("Çox rahatdır", "5"), ("Kuryer gecikir", "2"),
                                       ("Ödəniş alınmır", "1"), ("Yaxşıdır", "4")]):
        ids.add(fake.review(text, stars=stars, minutes_ago=500 - i * 30)["id"]["label"])
    ids.add(fake.review("Uygulama çok yavaş", country="tr", minutes_ago=100)["id"]["label"])  # one review: an object
    for i in range(4):
        ids.add(fake.review(f"Qiymətlər bahadır {i}", app=RIVAL, minutes_ago=200 - i, title=None)["id"]["label"])
    return ids


def fill_malformed(fake: FakeFeed) -> set[str]:
    ids = {fake.review("Yaxşı", minutes_ago=5)["id"]["label"], fake.review("Pis deyil", minutes_ago=90)["id"]["label"]}
    fake.review("no stars", stars="0", minutes_ago=10)
    fake.review({"not": "text"}, minutes_ago=11)
    fake.review("bad id", minutes_ago=12)["id"]["label"] = "abc"
    fake.review("no time", minutes_ago=13)["updated"] = {"label": "last Tuesday"}
    return ids


def fill_duplicates(fake: FakeFeed) -> set[str]:
    fake.overlap = True
    return {fake.review(f"Rəy nömrə {i}", minutes_ago=100 - i * 5)["id"]["label"] for i in range(7)}


def fill_unicode(fake: FakeFeed) -> set[str]:
    return {fake.review(t, minutes_ago=10 + i)["id"]["label"] for i, t in enumerate([
        "🚚📦💨 çatdırılma 👨‍👩‍👧 əla! 🇦🇿", "التوصيل متأخر جدا 😡", "שירות לקוחות 👍 mixed עברית and English",
        "Նարմարտ 🇦🇲 Нармарт Narmart — три алфавита\u200b в одном"])}


def fill_huge(fake: FakeFeed) -> set[str]:
    return {fake.review(("çatdırılma gecikir 😡 " * 2100)[:40_010], minutes_ago=2)["id"]["label"]}


def fill_crash(fake: FakeFeed) -> set[str]:
    fake.crash_page = 3
    return {fake.review(f"Crash fixture {i}", minutes_ago=100 - i)["id"]["label"] for i in range(4 * PAGE_SIZE)}


class AppStoreHarness(FakeApiHarness):
    """Drives the app-store listener against the fake feed for the conformance suite."""

    type = "app-store"
    source_name = "app-store-test"
    first_failures: ClassVar[dict[str, int]] = {"rate_limit": 429, "server_error": 503}
    scenarios: ClassVar[dict[str, Scenario]] = {
        "pages": fill_pages, "malformed": fill_malformed, "duplicates": fill_duplicates, "unicode": fill_unicode,
        "huge_text": fill_huge, "crash": fill_crash}
    fake: FakeFeed

    def new_fake(self, previous: FakeFeed | None) -> FakeFeed:
        return FakeFeed() if previous is None else FakeFeed(counter=previous.counter)

    def fail_first(self, status: int) -> None:
        self.fake.fail_first = status

    def options(self) -> dict[str, Any]:
        return {"api_base": self.server.url, "min_interval_seconds": 0,
                "apps": [{"id": APP, "brand": "Narmart", "country": ["az", "tr"]}, {"id": RIVAL, "brand": "Tezbazar",
                                                                                   "country": "az"}]}

    def env(self) -> dict[str, str]:
        return {}  # the feed is public

    def secrets(self) -> list[str]:
        return []


HARNESSES["app-store"] = AppStoreHarness
