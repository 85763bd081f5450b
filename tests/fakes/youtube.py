"""A fake YouTube Data API v3 on 127.0.0.1: ``commentThreads.list`` in the real wire format and error bodies.

google-api-python-client is built from its own bundled discovery document with ``api_endpoint`` set to this
server, so the request it sends (path ``/youtube/v3/commentThreads``, parameters checked against the document)
is the one YouTube would get. Threads are served newest first (``order=time``) per video or per channel
(``allThreadsRelatedToChannelId``); errors use Google's ``{"error": {"code", "message", "errors": [{reason}]}}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from listeners.youtube import KEY_ENV
from tests.fakes import HARNESSES, FakeApiHarness, Request, Response, Scenario

KEY = "AIzaSyD3-fakeKeyForTests_0123456789abcd"
PAGE_SIZE = 3
CHANNEL = "UCnarmartOfficial000000A"
VIDEO = "dQw4w9WgXcQ"
CAMPAIGN = "Xy12_ab-CDe"


@dataclass
class FakeYouTube:
    """State and request handler of the fake API."""

    threads: list[tuple[str, str, datetime, dict[str, Any]]] = field(default_factory=list)  # channel, video, t
    mode: str = "ok"  # ok | unauthorized | forbidden | quota
    fail_first: int | None = None
    crash_token: str | None = None
    healed: bool = False
    overlap: bool = False
    disabled: set[str] = field(default_factory=set)  # videos with comments turned off
    counter: int = 0
    calls: list[dict[str, list[str]]] = field(default_factory=list)
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def comment(self, text: Any, *, video: str = VIDEO, channel: str = CHANNEL, minutes_ago: float = 60,
                likes: Any = 3, replies: list[str] | None = None) -> dict[str, Any]:
        """A commentThread resource (with ``replies``); returns it."""
        self.counter += 1
        tid = f"Ugz{self.counter:05d}fakeThreadId4AaABAg"
        at = self.now - timedelta(minutes=minutes_ago)

        def snippet(body: Any, n: int, when: datetime, parent: str | None = None) -> dict[str, Any]:
            out = {"channelId": channel, "videoId": video, "textDisplay": body, "textOriginal": body,
                   "authorDisplayName": f"@viewer{n}", "authorProfileImageUrl": "https://yt3.ggpht.com/a.jpg",
                   "authorChannelUrl": f"http://www.youtube.com/@viewer{n}",
                   "authorChannelId": {"value": f"UCviewer{n:016d}"}, "canRate": True, "viewerRating": "none",
                   "likeCount": likes, "publishedAt": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "updatedAt": when.strftime("%Y-%m-%dT%H:%M:%SZ")}
            if parent:
                out["parentId"] = parent
            return out

        item: dict[str, Any] = {
            "kind": "youtube#commentThread", "etag": f"etag{self.counter}", "id": tid,
            "snippet": {"channelId": channel, "videoId": video,
                        "topLevelComment": {"kind": "youtube#comment", "etag": "e", "id": tid,
                                            "snippet": snippet(text, self.counter, at)},
                        "canReply": True, "totalReplyCount": len(replies or []), "isPublic": True}}
        if replies:
            item["replies"] = {"comments": [
                {"kind": "youtube#comment", "etag": "r", "id": f"{tid}.{i:02d}reply",
                 "snippet": snippet(r, self.counter * 100 + i, at + timedelta(minutes=i + 1), tid)}
                for i, r in enumerate(replies)]}
        self.threads.append((channel, video, at, item))
        return item

    def __call__(self, req: Request) -> Response:  # noqa: PLR0911 - one answer per API failure
        if req.path != "/youtube/v3/commentThreads":
            return _error(404, "notFound", "Not Found")
        q = {k: v[0] for k, v in req.query.items()}
        self.calls.append(req.query)
        if q.get("key") != KEY or self.mode == "unauthorized":
            return _error(400, "keyInvalid", "API key not valid. Please pass a valid API key.", "global")
        if self.mode == "forbidden":
            return _error(403, "accessNotConfigured", "YouTube Data API v3 has not been used in project 1234 "
                                                      "before or it is disabled.", "usageLimits")
        if self.mode == "quota":
            return _error(403, "quotaExceeded", "The request cannot be completed because you have exceeded your "
                                                "<a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
                          "youtube.quota")
        if self.fail_first is not None:
            status, self.fail_first = self.fail_first, None
            if status == 429:
                return _error(429, "rateLimitExceeded", "Resource has been exhausted (e.g. check quota).")
            return _error(status, "backendError", "Backend Error")
        if q.get("order") != "time":
            return _error(400, "invalidParameter", "order must be time for this fake")
        token = q.get("pageToken")
        if token is not None and token == self.crash_token and not self.healed:
            return _error(500, "backendError", "Backend Error")
        video, channel = q.get("videoId"), q.get("allThreadsRelatedToChannelId")
        if video in self.disabled:
            return _error(403, "commentsDisabled", "The video identified by the videoId parameter has disabled "
                                                   "comments.")
        listing = [t for c, v, at, t in sorted(self.threads, key=lambda x: x[2], reverse=True)
                   if (video and v == video) or (channel and c == channel)]
        start = int(token.removeprefix("QURTSl")) if token else 0
        start -= 1 if self.overlap and start else 0
        size = min(int(q.get("maxResults", "20")), PAGE_SIZE)
        items = listing[start:start + size]
        body: dict[str, Any] = {"kind": "youtube#commentThreadListResponse", "etag": "list",
                                "pageInfo": {"totalResults": len(items), "resultsPerPage": size}, "items": items}
        nxt = start + size + (1 if self.overlap and start else 0)
        if nxt < len(listing):
            body["nextPageToken"] = f"QURTSl{nxt}"
        return Response(200, body)


def _error(status: int, reason: str, message: str, domain: str = "youtube.commentThread") -> Response:
    return Response(status, {"error": {"code": status, "message": message,
                                       "errors": [{"message": message, "domain": domain, "reason": reason}]}})


def fill_pages(fake: FakeYouTube) -> set[str]:
    """The brand's channel (two videos) and a campaign video elsewhere; replies included."""
    ids = set()
    for i, text in enumerate(["Narmart çatdırılma yenə gecikdi", "Narmart reklamı super idi!",
                              "Нармарт доставка ужас", "Narmart app keeps crashing"]):
        item = fake.comment(text, minutes_ago=300 - i * 20, replies=["Narmart cavab versin!"] if i == 0 else None)
        ids.add(item["id"])
        ids |= {r["id"] for r in (item.get("replies") or {}).get("comments", [])}
    ids.add(fake.comment("Narmart second video comment", video="aaaaaaaaaaa", minutes_ago=50)["id"])
    fake.comment("first!!!", minutes_ago=40)  # no brand: dropped (the source has no brand)
    for i in range(4):
        ids.add(fake.comment(f"Tezbazar kampaniyası {i}", video=CAMPAIGN, channel="UCotherChannel0000000000",
                             minutes_ago=100 - i)["id"])
    return ids


def fill_malformed(fake: FakeYouTube) -> set[str]:
    ids = {fake.comment("Narmart ok one", minutes_ago=5)["id"], fake.comment("Narmart ok two", minutes_ago=90)["id"]}
    fake.comment("Narmart negative likes", likes=-2, minutes_ago=10)
    fake.comment({"text": "object"}, minutes_ago=11)
    bad = fake.comment("Narmart bad time", minutes_ago=12)
    bad["snippet"]["topLevelComment"]["snippet"]["publishedAt"] = "yesterday"
    no_snippet = fake.comment("x", minutes_ago=13)
    del no_snippet["snippet"]["topLevelComment"]["snippet"]
    return ids


def fill_duplicates(fake: FakeYouTube) -> set[str]:
    fake.overlap = True
    return {fake.comment(f"Narmart comment {i}", minutes_ago=100 - i * 5)["id"] for i in range(7)}


def fill_unicode(fake: FakeYouTube) -> set[str]:
    return {fake.comment(t, minutes_ago=10 + i)["id"] for i, t in enumerate([
        "Narmart 🚚📦💨 çatdırılma 👨‍👩‍👧 əla! 🇦🇿", "Narmart التوصيل متأخر جدا 😡",
        "Narmart שירות לקוחות 👍 mixed עברית and English", "Նարմարտ 🇦🇲 Нармарт Narmart — три алфавита\u200b в одном"])}


def fill_huge(fake: FakeYouTube) -> set[str]:
    return {fake.comment(("Narmart çatdırılma gecikir 😡 " * 1500)[:40_010], minutes_ago=2)["id"]}


def fill_crash(fake: FakeYouTube) -> set[str]:
    ids = {fake.comment(f"Narmart crash fixture {i}", minutes_ago=100 - i)["id"] for i in range(4 * PAGE_SIZE)}
    fake.crash_token = f"QURTSl{2 * PAGE_SIZE}"
    return ids


class YouTubeHarness(FakeApiHarness):
    """Drives the youtube listener against the fake for the conformance suite."""

    type = "youtube"
    source_name = "youtube-test"
    first_failures: ClassVar[dict[str, int]] = {"rate_limit": 429, "server_error": 503}
    scenarios: ClassVar[dict[str, Scenario]] = {
        "pages": fill_pages, "malformed": fill_malformed, "duplicates": fill_duplicates, "unicode": fill_unicode,
        "huge_text": fill_huge, "crash": fill_crash}
    fake: FakeYouTube

    def new_fake(self, previous: FakeYouTube | None) -> FakeYouTube:
        return FakeYouTube() if previous is None else FakeYouTube(counter=previous.counter)

    def fail_first(self, status: int) -> None:
        self.fake.fail_first = status

    def options(self) -> dict[str, Any]:
        return {"api_base": self.server.url, "channels": [CHANNEL], "videos": [CAMPAIGN], "max_results": PAGE_SIZE,
                "min_interval_seconds": 0}

    def env(self) -> dict[str, str]:
        return {KEY_ENV: KEY}

    def secrets(self) -> list[str]:
        return [KEY]


HARNESSES["youtube"] = YouTubeHarness
