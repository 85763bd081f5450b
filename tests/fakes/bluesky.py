"""A fake Bluesky PDS/AppView: createSession, refreshSession and searchPosts in the real XRPC wire format.

Posts are app.bsky.feed.defs#postView objects with the real field names. Search is a case-insensitive
substring match of ``q`` (``#tag`` and ``mentions:<handle>`` included), filtered on ``since`` against
sortAt (the earlier of createdAt and indexedAt) and ordered newest first; the cursor is an opaque offset.
Errors use the XRPC body ``{"error", "message"}``; 429s carry ``ratelimit-*`` headers (reset in Unix seconds).
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from listeners.bluesky import HANDLE_ENV, PASSWORD_ENV
from tests.fakes import HARNESSES, FakeApiHarness, Request, Response, Scenario

HANDLE = "narmart-watch.bsky.social"
PASSWORD = "abcd-efgh-ijkl-mnop"  # noqa: S105 - the fake's app password
ACCOUNT_DID = "did:plc:narmartwatch7xq2lk4b5c6d"
PAGE_SIZE = 3  # the fake pages well below `limit` (servers may), so small fixtures still span pages
_TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"
AUTHORS = {
    "aysel.bsky.social": "did:plc:ayselq3m5n7p2r4t6v8x1z3b",
    "mehmet.tr": "did:plc:mehmetk2l4n6p8r2t4v6x8z2",
    "anush.bsky.social": "did:plc:anushd3f5h7j2l4n6p8r2t4v",
    "ivan.bsky.social": "did:web:ivan.example.com",
}


def tid(n: int) -> str:
    """A 13-character record key in the TID alphabet (base32-sortable), unique per ``n``."""
    value = (1_700_000_000_000_000 + n) << 10
    return "".join(_TID_CHARS[(value >> (5 * i)) & 31] for i in reversed(range(13)))


def _iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Entry:
    """One searchable item: the wire postView plus what the fake searches and sorts on."""

    view: Any
    match_text: str
    sort_at: datetime


@dataclass
class FakeBluesky:
    """State and request handler of the fake XRPC service."""

    entries: list[Entry] = field(default_factory=list)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    mode: str = "ok"  # ok | unauthorized | forbidden | login_forbidden
    fail_search_once: int | None = None  # status of the first searchPosts answer (429 / 5xx)
    crash_query: str | None = None  # searchPosts for this query at crash_offset fails with 500 ...
    crash_offset: int = 2 * PAGE_SIZE
    healed: bool = False  # ... until healed
    rate_limit_reset_in: int = 3
    expire_next_search: bool = False  # answer the next searchPosts with 400 ExpiredToken
    reject_cursors: bool = False  # answer any searchPosts with a cursor with 400 InvalidRequest
    refresh_fails: bool = False
    remaining_zero: bool = False  # successful answers say ratelimit-remaining: 0
    page_size: int = PAGE_SIZE
    access: dict[str, str] = field(default_factory=dict)  # accessJwt -> did
    refresh: dict[str, str] = field(default_factory=dict)
    issued: list[str] = field(default_factory=list)
    counter: int = 0

    # ---- fixtures ---------------------------------------------------------------------------------
    def post(self, text: str, *, author: str = "aysel.bsky.social", minutes_ago: float = 10.0,
             reply_to: str | None = None, likes: int = 1, reposts: int = 0, quotes: int = 0, replies: int = 0,
             langs: tuple[str, ...] = ("az",)) -> dict[str, Any]:
        """A valid postView; ``minutes_ago`` orders the fixture (newest first in search)."""
        self.counter += 1
        did = AUTHORS[author]
        uri = f"at://{did}/app.bsky.feed.post/{tid(self.counter)}"
        created = self.now - timedelta(minutes=minutes_ago)
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": _iso(created),
                                  "langs": list(langs)}
        if reply_to is not None:
            ref = {"uri": reply_to, "cid": "bafyreib2rxk3rh6kzwq" + "a" * 39}
            record["reply"] = {"root": ref, "parent": ref}
        return {
            "uri": uri,
            "cid": "bafyreie" + tid(self.counter).ljust(52, "q"),
            "author": {"did": did, "handle": author, "displayName": author.split(".", maxsplit=1)[0].title(),
                       "labels": []},
            "record": record,
            "replyCount": replies,
            "repostCount": reposts,
            "likeCount": likes,
            "quoteCount": quotes,
            "indexedAt": _iso(created + timedelta(seconds=1)),
            "labels": [],
        }

    def add(self, view: Any, *, match_text: str | None = None, sort_at: datetime | None = None) -> str:
        """Make ``view`` searchable; returns its native id (``did/rkey``) when it has a post URI."""
        if match_text is None:
            match_text = view["record"]["text"]
        if sort_at is None:
            sort_at = datetime.fromisoformat(view["record"]["createdAt"])
        self.entries.append(Entry(view, match_text, sort_at))
        uri = view.get("uri", "") if isinstance(view, dict) else ""
        return uri.removeprefix("at://").replace("/app.bsky.feed.post/", "/")

    # ---- XRPC ------------------------------------------------------------------------------------
    def __call__(self, req: Request) -> Response:
        nsid = req.path.removeprefix("/xrpc/")
        if nsid == "com.atproto.server.createSession" and req.method == "POST":
            return self._create_session(req)
        if nsid == "com.atproto.server.refreshSession" and req.method == "POST":
            return self._refresh_session(req)
        if nsid == "app.bsky.feed.searchPosts" and req.method == "GET":
            return self._search(req)
        return _error(404, "MethodNotImplemented", "Method Not Implemented")

    def _tokens(self) -> dict[str, Any]:
        access = f"eyJhbGciOiJFUzI1NksifQ.acc-{secrets.token_hex(12)}.c2ln"
        refresh = f"eyJhbGciOiJFUzI1NksifQ.ref-{secrets.token_hex(12)}.c2ln"
        self.access[access] = ACCOUNT_DID
        self.refresh[refresh] = ACCOUNT_DID
        self.issued += [access, refresh]
        return {"accessJwt": access, "refreshJwt": refresh, "handle": HANDLE, "did": ACCOUNT_DID,
                "email": "watch@narmart.example", "emailConfirmed": True, "active": True}

    def _create_session(self, req: Request) -> Response:
        if self.mode == "unauthorized":
            return _error(401, "AuthenticationRequired", "Invalid identifier or password")
        if self.mode == "login_forbidden":
            return _error(403, "Forbidden", "This app password is not allowed to sign in")
        try:
            body = json.loads(req.body or b"{}")
        except json.JSONDecodeError:
            return _error(400, "InvalidRequest", "Request body must be JSON")
        if not isinstance(body.get("identifier"), str) or not isinstance(body.get("password"), str):
            return _error(400, "InvalidRequest", 'Input must have the property "identifier"')
        if body["identifier"] not in {HANDLE, ACCOUNT_DID} or body["password"] != PASSWORD:
            return _error(401, "AuthenticationRequired", "Invalid identifier or password")
        return Response(200, self._tokens(), _limits(30, 29))

    def _refresh_session(self, req: Request) -> Response:
        token = req.headers.get("authorization", "").removeprefix("Bearer ")
        if self.refresh_fails or token not in self.refresh:
            return _error(400, "ExpiredToken", "Token has expired")
        del self.refresh[token]
        body = self._tokens()
        body.pop("email")
        return Response(200, body, _limits(3000, 2999))

    def _search(self, req: Request) -> Response:
        refused = self._search_refusal(req)
        if refused is not None:
            return refused
        params = _search_params(req, reject_cursors=self.reject_cursors)
        if isinstance(params, Response):
            return params
        q, limit, since, lang, offset = params
        if q == self.crash_query and offset == self.crash_offset and not self.healed:
            return _error(500, "InternalServerError", "Internal Server Error")
        hits = [e for e in self.entries if _matches(q, e.match_text) and (since is None or e.sort_at >= since)
                and (not lang or lang in _langs(e.view))]
        hits.sort(key=lambda e: e.sort_at, reverse=True)  # stable: equal times keep insertion order
        size = min(limit, self.page_size)
        body: dict[str, Any] = {"hitsTotal": len(hits), "posts": [e.view for e in hits[offset : offset + size]]}
        if offset + size < len(hits):
            body["cursor"] = f"o{offset + size}"
        headers = _limits(3000, 0 if self.remaining_zero else 2900)
        if self.remaining_zero:
            headers["ratelimit-reset"] = str(int(time.time()) + 2)
        return Response(200, body, headers)

    def _search_refusal(self, req: Request) -> Response | None:
        """Auth checks and the scripted failures, in the order a real server would hit them."""
        token = req.headers.get("authorization", "")
        if not token.startswith("Bearer ") or token.removeprefix("Bearer ") not in self.access \
                or self.mode == "unauthorized":
            error = "InvalidToken" if token.startswith("Bearer ") else "AuthenticationRequired"
            return _error(401, error, "Token could not be verified" if token else "Authentication Required")
        if self.mode == "forbidden":
            return _error(403, "Forbidden", "Request forbidden by administrative rules.")
        if self.expire_next_search:
            self.expire_next_search = False
            return _error(400, "ExpiredToken", "Token has expired")
        if self.fail_search_once is not None:
            status, self.fail_search_once = self.fail_search_once, None
            if status == 429:
                reset = int(time.time()) + self.rate_limit_reset_in
                return _error(429, "RateLimitExceeded", "Rate Limit Exceeded",
                              {**_limits(3000, 0), "ratelimit-reset": str(reset)})
            return _error(status, "InternalServerError", "Internal Server Error")
        return None


def _search_params(req: Request, *, reject_cursors: bool) -> Response | tuple[str, int, datetime | None, str | None,
                                                                             int]:
    """Validate searchPosts parameters like the lexicon does: (q, limit, since, lang, offset) or a 400."""
    q = _one(req, "q")
    if not q:
        return _error(400, "InvalidRequest", 'Error: Params must have the property "q"')
    try:
        limit = int(_one(req, "limit") or 25)
        since = datetime.fromisoformat(_one(req, "since")) if _one(req, "since") else None
    except ValueError:
        return _error(400, "InvalidRequest", "Error: limit must be an integer and since a datetime")
    if not 1 <= limit <= 100 or (_one(req, "sort") or "latest") not in {"latest", "top"}:
        return _error(400, "InvalidRequest", "Error: limit must be 1-100 and sort one of top, latest")
    cursor = _one(req, "cursor")
    if cursor is not None and (reject_cursors or not cursor.startswith("o") or not cursor[1:].isdigit()):
        return _error(400, "InvalidRequest", "Error: invalid cursor")
    return q, limit, since, _one(req, "lang"), int(cursor[1:]) if cursor else 0


def _one(req: Request, key: str) -> str | None:
    values = req.query.get(key)
    return values[0] if values else None


def _langs(view: Any) -> list[str]:
    record = view.get("record") if isinstance(view, dict) else None
    return list(record.get("langs") or []) if isinstance(record, dict) else []


def _matches(q: str, text: str) -> bool:
    needle = q.removeprefix("mentions:")
    needle = f"@{needle}" if needle != q else needle
    return needle.strip('"').casefold() in text.casefold()


def _limits(limit: int, remaining: int) -> dict[str, str]:
    return {"ratelimit-limit": str(limit), "ratelimit-remaining": str(remaining),
            "ratelimit-reset": str(int(time.time()) + 300), "ratelimit-policy": f"{limit};w=300"}


def _error(status: int, error: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, {"error": error, "message": message}, headers or {})


# ---- scenarios ------------------------------------------------------------------------------------
def fill_pages(fake: FakeBluesky) -> set[str]:
    """Several pages on the Narmart query, other brands and scripts, a reply, an excluded homonym."""
    ids = set()
    texts = [
        "Narmart çatdırılma yenə gecikdi, 3 gündür gözləyirəm",
        "Narmart'tan aldığım telefon əla işləyir",
        "Narmart support never answers, terrible",
        "Sifarişim Narmart-da ləğv olundu, pul hələ qaytarılmayıb",
        "Narmart kargo çok hızlı geldi, teşekkürler",
        "Narmart app keeps crashing at checkout",
        "Narmart endirimləri super idi bu həftə",
        "Narmart vs Lumo: Lumo is cheaper but Narmart delivers faster",
    ]
    for i, text in enumerate(texts):
        ids.add(fake.add(fake.post(text, minutes_ago=10 + i * 7, likes=i, reposts=i % 3, quotes=1, replies=2)))
    root = fake.post("Narmart delivery question thread", author="ivan.bsky.social", minutes_ago=120, langs=("en",))
    ids.add(fake.add(root))
    ids.add(fake.add(fake.post("@narmart-watch.bsky.social Нармарт доставка ужас, жду неделю",
                               author="ivan.bsky.social", minutes_ago=90, reply_to=root["uri"], langs=("ru",))))
    ids.add(fake.add(fake.post("Նարմարտ-ի առաքումը լավ էր", author="anush.bsky.social", minutes_ago=95,
                               langs=("hy",))))
    ids.add(fake.add(fake.post("Tezbazar qiymətləri bahalı olub", author="mehmet.tr", minutes_ago=30)))
    ids.add(fake.add(fake.post("Тезбазар опять опоздал", author="ivan.bsky.social", minutes_ago=40,
                               langs=("ru",))))
    fake.add(fake.post("tezbazar.fake giveaway, click the link", author="mehmet.tr", minutes_ago=35))  # excluded
    return ids


def fill_malformed(fake: FakeBluesky) -> set[str]:
    ids = {fake.add(fake.post("Narmart ok item one", minutes_ago=5)),
           fake.add(fake.post("Narmart ok item two", minutes_ago=50))}
    t = fake.now - timedelta(minutes=20)
    no_uri = fake.post("Narmart without uri")
    del no_uri["uri"]
    fake.add(no_uri, sort_at=t)
    bad_uri = fake.post("Narmart repost uri")
    bad_uri["uri"] = bad_uri["uri"].replace("app.bsky.feed.post", "app.bsky.feed.repost")
    fake.add(bad_uri, sort_at=t)
    no_record = fake.post("x")
    del no_record["record"]
    fake.add(no_record, match_text="Narmart", sort_at=t)
    no_text = fake.post("x")
    del no_text["record"]["text"]
    fake.add(no_text, match_text="Narmart", sort_at=t)
    bad_time = fake.post("Narmart bad time")
    bad_time["record"]["createdAt"] = "yesterday at noon"
    fake.add(bad_time, sort_at=t)
    no_time = fake.post("Narmart no time")
    del no_time["record"]["createdAt"]
    fake.add(no_time, sort_at=t)
    negative = fake.post("Narmart negative likes", likes=-3)
    fake.add(negative, sort_at=t)
    fake.add("not-a-post-view", match_text="Narmart", sort_at=t)
    return ids


def fill_duplicates(fake: FakeBluesky) -> set[str]:
    """The same post ends page 1 and starts page 2 (a new post shifted the offsets between requests)."""
    ids = {fake.add(fake.post(f"Narmart review number {i}", minutes_ago=5 + i)) for i in range(2)}
    dup = fake.post("Narmart shown twice across pages", minutes_ago=20)
    ids.add(fake.add(dup))
    fake.add(dup)
    ids |= {fake.add(fake.post(f"Narmart older review {i}", minutes_ago=40 + i)) for i in range(3)}
    return ids


def fill_unicode(fake: FakeBluesky) -> set[str]:
    return {
        fake.add(fake.post("Narmart 🚚📦💨 çatdırılma 👨‍👩‍👧 əla! 🇦🇿", minutes_ago=3)),
        fake.add(fake.post("Narmart التوصيل متأخر جدا 😡", minutes_ago=4, langs=("ar",))),
        fake.add(fake.post("Narmart שירות לקוחות 👍 mixed עברית and English", minutes_ago=5, langs=("he",))),
        fake.add(fake.post("Նարմարտ 🇦🇲 Нармарт Narmart — три алфавита\u200b в одном", minutes_ago=6,
                           author="anush.bsky.social")),
    }


def fill_huge(fake: FakeBluesky) -> set[str]:
    text = "Narmart " + ("çatdırılma gecikir 😡 " * 2100)
    return {fake.add(fake.post(text[:40_010], minutes_ago=2))}


def fill_crash(fake: FakeBluesky) -> set[str]:
    fake.crash_query = "Narmart"
    return {fake.add(fake.post(f"Narmart crash fixture {i}, delivery late", minutes_ago=5 + 3 * i))
            for i in range(4 * PAGE_SIZE)}


class BlueskyHarness(FakeApiHarness):
    """Drives the bluesky listener against the fake for the conformance suite (and the unit tests)."""

    type = "bluesky"
    source_name = "bluesky-test"
    first_failures: ClassVar[dict[str, int]] = {"rate_limit": 429, "server_error": 502}
    scenarios: ClassVar[dict[str, Scenario]] = {
        "pages": fill_pages, "malformed": fill_malformed, "duplicates": fill_duplicates, "unicode": fill_unicode,
        "huge_text": fill_huge, "crash": fill_crash}
    fake: FakeBluesky

    def new_fake(self, previous: FakeBluesky | None) -> FakeBluesky:
        # record keys keep counting (real ones never repeat) and every token ever handed out stays listed
        return FakeBluesky() if previous is None else FakeBluesky(issued=previous.issued, counter=previous.counter)

    def fail_first(self, status: int) -> None:
        self.fake.fail_search_once = status

    def options(self) -> dict[str, Any]:
        return {"pds_url": self.server.url, "api_base": self.server.url}

    def env(self) -> dict[str, str]:
        return {HANDLE_ENV: HANDLE, PASSWORD_ENV: PASSWORD}

    def secrets(self) -> list[str]:
        return [PASSWORD, *self.fake.issued]


HARNESSES["bluesky"] = BlueskyHarness
