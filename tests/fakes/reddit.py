"""A fake Reddit: the OAuth token endpoint, subreddit search and comment trees in the real wire format.

``POST /api/v1/access_token`` checks HTTP basic auth and the client-credentials grant. ``GET /r/<sub>/search``
answers a ``Listing`` (``kind``/``data.after``/``data.children``/``data.dist``) of ``t3`` things: ``q`` is
evaluated as a small lucene subset (terms, quoted phrases, OR, AND, NOT, parentheses) against title and
selftext, ``restrict_sr``/``t``/``sort``/``limit``/``after`` behave as on Reddit, listings stop at a cap
(Reddit's ~1,000 items) and text is HTML-escaped unless ``raw_json=1``. ``GET /comments/<id>`` returns the
two-listing array. Every answer carries ``x-ratelimit-remaining/used/reset``; errors use Reddit's bodies
(``{"message", "error"}`` plus ``reason`` for private/quarantined/banned subreddits).
"""

from __future__ import annotations

import base64
import html
import re
import time
import zlib
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs

import prawcore.rate_limit
import prawcore.sessions

from listeners.reddit import CLIENT_ID_ENV, CLIENT_SECRET_ENV
from tests.fakes import HARNESSES, FakeApiHarness, Request, Response, Scenario

CLIENT_ID = "fake-client-Qx7"
CLIENT_SECRET = "fake-secret-Lm42"  # noqa: S105 - the fake's client secret
PAGE_LIMIT = 3  # the harness asks for 3 posts per page, so small fixtures span several pages
WINDOW = 600  # Reddit's rate-limit window: 1,000 requests per 10 minutes for an OAuth client
_TIME_FILTERS = {"hour": 3600, "day": 86400, "week": 7 * 86400, "month": 30 * 86400, "year": 365 * 86400}
_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+')


def b36(n: int) -> str:
    """Base-36 like Reddit ids (``1abc2d``)."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


# ---- a tiny lucene -------------------------------------------------------------------------------
def matches(query: str, text: str) -> bool:
    """Evaluate ``query`` (terms, "phrases", OR, AND, NOT, parentheses) as case-insensitive substrings."""
    tokens = _TOKEN.findall(query)
    pos = 0
    low = text.casefold()

    def expr() -> bool:
        nonlocal pos
        value = term()
        while pos < len(tokens) and tokens[pos] != ")":
            op = tokens[pos]
            if op in {"OR", "AND", "NOT"}:
                pos += 1
            right = term()
            value = value or right if op == "OR" else value and not right if op == "NOT" else value and right
        return value

    def term() -> bool:
        nonlocal pos
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            value = expr()
            pos += 1  # ")"
            return value
        return tok.strip('"').casefold() in low

    return expr() if tokens else False


# ---- the fake --------------------------------------------------------------------------------------
@dataclass
class Entry:
    """One searchable post: the wire ``t3`` data plus what the fake searches and sorts on."""

    data: Any
    fullname: str
    created: float
    subreddit: str
    text: str
    score: int = 0
    num_comments: int = 0
    kind: str = "t3"


@dataclass
class FakeReddit:
    """State and request handler of the fake API."""

    entries: list[Entry] = field(default_factory=list)
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # post id -> t1/more children
    now: float = field(default_factory=time.time)
    counter: int = 1_000_000
    mode: str = "ok"  # ok | unauthorized | forbidden | private | quarantined | app_forbidden | bad_token | banned
    fail_first: int | None = None  # status of the first API answer (429 / 5xx)
    fail_comments: int | None = None  # status of every comments answer
    crash_after: str | None = None  # search pages after this fullname fail with 500 ...
    healed: bool = False  # ... until healed
    rate_limit_reset: int = 3
    cap: int = 1000
    repeat_last: bool = False  # each page after the first starts with the previous page's last post
    issued: list[str] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    api_requests: int = 0
    window_start: float = field(default_factory=time.time)

    # ---- fixtures ---------------------------------------------------------------------------------
    def new_id(self) -> str:
        self.counter += 1
        return b36(self.counter)

    def post(self, title: str, selftext: str = "", *, sub: str = "azerbaijan", minutes_ago: float = 10.0,
             author: str | None = "aysel_b", score: int = 5, num_comments: int = 0) -> dict[str, Any]:
        """A valid ``t3`` data object as Reddit sends it."""
        ident = self.new_id()
        created = round(self.now - minutes_ago * 60, 3)
        slug = re.sub(r"[^a-z0-9]+", "_", title.lower())[:50].strip("_") or "post"
        permalink = f"/r/{sub}/comments/{ident}/{slug}/"
        return {
            "approved_at_utc": None, "subreddit": sub, "selftext": selftext, "author_fullname": "t2_" + b36(
                zlib.crc32((author or "").encode())), "saved": False, "gilded": 0, "clicked": False, "title": title,
            "subreddit_name_prefixed": f"r/{sub}", "hidden": False, "pwls": 6, "link_flair_css_class": None,
            "downs": 0, "hide_score": False, "name": f"t3_{ident}", "quarantine": False, "upvote_ratio": 0.93,
            "subreddit_type": "public", "ups": score, "domain": f"self.{sub}", "is_self": True,
            "created": created, "edited": False, "score": score, "over_18": False, "spoiler": False,
            "locked": False, "removed_by_category": None, "subreddit_id": "t5_2qh" + b36(len(sub)),
            "id": ident, "author": author or "[deleted]", "num_comments": num_comments, "permalink": permalink,
            "url": "https://www.reddit.com" + permalink, "stickied": False, "created_utc": created,
            "num_crossposts": 0, "is_video": False,
        }

    def add(self, data: Any, *, created: float | None = None, text: str | None = None, kind: str = "t3") -> str:
        """Make a post searchable; returns its fullname (what a complete collection stores)."""
        if not isinstance(data, dict):
            self.counter += 1
            fullname = f"t3_{b36(self.counter)}"
            self.entries.append(Entry(data, fullname, created or self.now, "azerbaijan", text or "", kind=kind))
            return fullname
        fullname = data.get("name") or f"t3_{self.new_id()}"
        created = created if created is not None else data["created_utc"]
        text = text if text is not None else f"{data.get('title', '')}\n{data.get('selftext', '')}"
        self.entries.append(Entry(data, fullname, created, data.get("subreddit", "azerbaijan"), text,
                                  data.get("score") or 0, data.get("num_comments") or 0, kind))
        return fullname

    def comment(self, post: dict[str, Any], body: str, *, parent: dict[str, Any] | None = None,
                author: str | None = "mehmet_tr", minutes_ago: float = 5.0, score: int = 2) -> dict[str, Any]:
        """A ``t1`` under ``post`` (or under ``parent``); returns its data, already attached to the tree."""
        ident = self.new_id()
        created = round(self.now - minutes_ago * 60, 3)
        data = {
            "subreddit_id": post["subreddit_id"], "approved_at_utc": None, "author_is_blocked": False,
            "edited": False, "author_flair_text": None, "id": ident, "gilded": 0, "archived": False,
            "no_follow": True, "author": author or "[deleted]", "can_mod_post": False, "send_replies": True,
            "parent_id": parent["name"] if parent else post["name"], "score": score, "author_fullname": "t2_x1",
            "body": body, "link_id": post["name"], "subreddit": post["subreddit"], "name": f"t1_{ident}",
            "created": created, "created_utc": created, "depth": (parent["depth"] + 1) if parent else 0,
            "permalink": f"{post['permalink']}{ident}/", "ups": score, "downs": 0, "replies": "",
            "stickied": False, "distinguished": None, "collapsed": False,
        }
        if parent is None:
            self.comments.setdefault(post["id"], []).append({"kind": "t1", "data": data})
        else:
            if parent["replies"] == "":
                parent["replies"] = _listing([], None)
            parent["replies"]["data"]["children"].append({"kind": "t1", "data": data})
        post["num_comments"] += 1
        for e in self.entries:
            if e.fullname == post["name"]:
                e.num_comments = post["num_comments"]
        return data

    def more(self, post: dict[str, Any], count: int = 4) -> None:
        """A 'load more comments' stub at the end of ``post``'s top level."""
        ident = self.new_id()
        self.comments.setdefault(post["id"], []).append({"kind": "more", "data": {
            "count": count, "name": f"t1_{ident}", "id": ident, "parent_id": post["name"], "depth": 0,
            "children": [ident, self.new_id()]}})

    # ---- HTTP ------------------------------------------------------------------------------------
    def __call__(self, req: Request) -> Response:
        path = req.path.rstrip("/").removesuffix(".json")
        if path == "/api/v1/access_token":
            return self._token(req)
        refused = self._refusal(req)
        if refused is not None:
            return refused
        if m := re.fullmatch(r"/r/([^/]+)/search", path):
            return self._search(req, m.group(1))
        if m := re.fullmatch(r"(?:/r/[^/]+)?/comments/([a-z0-9]+)(?:/[^/]*)?", path):
            return self._comments(req, m.group(1))
        return _error(404, "Not Found")

    def headers(self, *, exhausted: bool = False) -> dict[str, str]:
        elapsed = time.time() - self.window_start
        used = 1000 if exhausted else self.api_requests
        reset = self.rate_limit_reset if exhausted else max(1, int(WINDOW - elapsed % WINDOW))
        return {"x-ratelimit-remaining": f"{max(0, 1000 - used):.1f}", "x-ratelimit-used": str(used),
                "x-ratelimit-reset": str(reset)}

    def _token(self, req: Request) -> Response:
        if req.method != "POST":
            return _error(405, "Method Not Allowed")
        if self.mode == "unauthorized":
            return Response(401, {"message": "Unauthorized", "error": 401}, self.headers())
        if self.mode == "app_forbidden":
            return Response(403, {"message": "Forbidden", "error": 403}, self.headers())
        auth = req.headers.get("authorization", "")
        try:
            user, _, password = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
        except ValueError:
            user = password = ""
        if not auth.startswith("Basic ") or (user, password) != (CLIENT_ID, CLIENT_SECRET):
            return Response(401, {"message": "Unauthorized", "error": 401}, self.headers())
        form = parse_qs(req.body.decode())
        if form.get("grant_type") != ["client_credentials"]:
            return Response(200, {"error": "unsupported_grant_type"}, self.headers())
        token = f"eyJhbGciOiJSUzI1NiIsImtpZCI6IlNIQTI1Nj.{self.new_id()}{time.time_ns() % 10**6}.fakesig"
        self.tokens.add(token)
        self.issued.append(token)
        return Response(200, {"access_token": token, "token_type": "bearer", "expires_in": 86400, "scope": "*"},
                        self.headers())

    def _refusal(self, req: Request) -> Response | None:
        """Auth checks and the scripted failures, in the order Reddit's edge would hit them."""
        self.api_requests += 1
        auth = req.headers.get("authorization", "")
        if not req.headers.get("user-agent"):
            return _error(429, "Too Many Requests")  # Reddit throttles requests without a User-Agent
        if not auth.lower().startswith("bearer ") or auth[7:] not in self.tokens or self.mode == "bad_token":
            return Response(401, {"message": "Unauthorized", "error": 401},
                            {**self.headers(), "www-authenticate": 'Bearer realm="reddit", error="invalid_token"'})
        if self.fail_first is not None:
            status, self.fail_first = self.fail_first, None
            if status == 429:
                return Response(429, "<html><body><h1>whoa there, pardner!</h1></body></html>",
                                {**self.headers(exhausted=True), "Content-Type": "text/html; charset=UTF-8"})
            return _error(status, "Service Unavailable" if status == 503 else "Internal Server Error")
        return self._subreddit_refusal()

    def _subreddit_refusal(self) -> Response | None:
        """What Reddit answers for a private, quarantined or banned subreddit."""
        if self.mode == "forbidden":  # what an app without Data API access gets
            return Response(403, {"message": "Forbidden", "error": 403}, self.headers())
        if self.mode in {"private", "quarantined"}:
            body: dict[str, Any] = {"reason": self.mode, "message": "Forbidden", "error": 403}
            if self.mode == "quarantined":
                body["quarantine_message"] = "This community is quarantined."
            return Response(403, body, self.headers())
        if self.mode == "banned":
            return Response(404, {"reason": "banned", "message": "Not Found", "error": 404}, self.headers())
        return None

    def _search(self, req: Request, sub: str) -> Response:
        q = _one(req, "q")
        if not q:
            return Response(200, _listing([], None), self.headers())  # Reddit answers an empty listing
        if len(q) > 512:
            return Response(400, {"message": "Bad Request", "error": 400, "reason": "query too long"},
                            self.headers())
        try:
            limit = min(100, max(1, int(_one(req, "limit") or 25)))
        except ValueError:
            limit = 25
        after = _one(req, "after")
        if self.crash_after is not None and after == self.crash_after and not self.healed:
            return _error(500, "Internal Server Error")
        restrict = (_one(req, "restrict_sr") or "").lower() in {"1", "true", "on", "yes"}
        subs = {s.casefold() for s in sub.split("+")}
        window = _TIME_FILTERS.get(_one(req, "t") or "all")
        hits = [e for e in self.entries if matches(q, e.text)
                and (not restrict or sub.casefold() == "all" or e.subreddit.casefold() in subs)
                and (window is None or e.created >= self.now - window)]
        sort = _one(req, "sort") or "relevance"
        key = {"new": lambda e: (e.created, e.fullname), "top": lambda e: (e.score, e.created),
               "comments": lambda e: (e.num_comments, e.created)}.get(sort, _relevance)
        hits = sorted(hits, key=key, reverse=True)[: self.cap]
        start = 0
        if after:
            index = next((i for i, e in enumerate(hits) if e.fullname == after), None)
            if index is None:
                return Response(200, _listing([], None), self.headers())
            start = index if self.repeat_last else index + 1
        chunk = hits[start : start + limit]
        more = start + limit < len(hits)
        raw = _one(req, "raw_json") == "1"
        children = [{"kind": e.kind, "data": _escape(e.data, raw)} for e in chunk]
        body = _listing(children, chunk[-1].fullname if more and chunk else None)
        body["data"]["facets"] = {}
        return Response(200, body, self.headers())

    def _comments(self, req: Request, post_id: str) -> Response:
        if self.fail_comments is not None:
            return _error(self.fail_comments, "Forbidden" if self.fail_comments == 403 else "Not Found")
        entry = next((e for e in self.entries if e.fullname == f"t3_{post_id}"), None)
        if entry is None:
            return _error(404, "Not Found")
        raw = _one(req, "raw_json") == "1"
        tree = _escape(self.comments.get(post_id, []), raw)
        return Response(200, [_listing([{"kind": "t3", "data": _escape(entry.data, raw)}], None),
                              _listing(tree, None)], self.headers())


def _relevance(e: Entry) -> tuple[int, float]:
    return zlib.crc32(e.fullname.encode()), 0.0


def _listing(children: list[Any], after: str | None) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"after": after, "dist": len(children), "modhash": None,
                                        "geo_filter": "", "children": children, "before": None}}


def _escape(value: Any, raw: bool) -> Any:
    """Reddit HTML-escapes text fields unless ``raw_json=1``."""
    if raw:
        return value
    if isinstance(value, dict):
        return {k: html.escape(v, quote=False) if k in {"title", "selftext", "body"} and isinstance(v, str)
                else _escape(v, raw) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape(v, raw) for v in value]
    return value


def _one(req: Request, key: str) -> str | None:
    values = req.query.get(key)
    return values[0] if values else None


def _error(status: int, message: str) -> Response:
    return Response(status, {"message": message, "error": status})


# ---- scenarios ---------------------------------------------------------------------------------------
def fill_pages(fake: FakeReddit) -> set[str]:
    """Eight posts over several subreddits and scripts (3 pages), comments on and off topic, a deleted one."""
    texts = [
        ("Narmart çatdırılma yenə gecikdi", "3 gündür gözləyirəm, heç kim cavab vermir", "azerbaijan"),
        ("Narmart'tan aldığım telefon əla işləyir", "", "azerbaijan"),
        ("Нармарт доставка ужас", "Жду неделю, поддержка молчит", "russia"),
        ("Narmart kargo çok hızlı geldi", "teşekkürler", "Turkey"),
        ("Tezbazar qiymətləri bahalı olub", "Əvvəl ucuz idi", "azerbaijan"),
        ("Lumo vs Narmart", "Lumo is cheaper but Narmart delivers faster", "baku"),
        ("Նարմարտ-ի առաքումը լավ էր", "", "armenia"),
        ("Тезбазар опять опоздал", "", "russia"),
    ]
    ids = set()
    posts = []
    for i, (title, body, sub) in enumerate(texts):
        post = fake.post(title, body, sub=sub, minutes_ago=10 + 7 * i, score=i - 2)
        ids.add(fake.add(post))
        posts.append(post)
    first = posts[0]
    top = fake.comment(first, "Same here, Narmart support never answers")
    ids.add(top["name"])
    ids.add(fake.comment(first, "Lumo delivered mine in two days", parent=top)["name"])
    fake.comment(first, "thanks, good to know")  # no tracked brand: dropped
    fake.comment(first, "[deleted]", author=None)  # deleted: skipped
    fake.comment(first, "[removed]", author=None)
    fake.more(first)  # 'load more comments': removed without a request (more_comments_limit 0)
    ids.add(fake.comment(posts[2], "Нармарт всегда так", minutes_ago=3)["name"])
    fake.add(fake.post("tezbazar.fake giveaway, click the link", minutes_ago=12))  # excluded by NOT
    fake.add(fake.post("Unrelated post about tea", minutes_ago=13))  # not matched by q
    removed = fake.post("Narmart scam!!!", "[removed]", minutes_ago=15)
    removed["removed_by_category"] = "moderator"
    fake.add(removed)
    fake.add(fake.post("[deleted by user]", "[deleted]", author=None, minutes_ago=16),
             text="Narmart deleted")  # search still indexes the old text
    return ids


def fill_malformed(fake: FakeReddit) -> set[str]:
    ok1 = fake.post("Narmart ok item one", minutes_ago=5)
    ok2 = fake.post("Narmart ok item two", minutes_ago=50)
    ids = {fake.add(ok1), fake.add(ok2)}
    t = fake.now - 20 * 60
    no_id = fake.post("Narmart without id")
    del no_id["id"]
    fake.add(no_id, created=t)
    no_time = fake.post("Narmart without created_utc")
    del no_time["created_utc"]
    fake.add(no_time, created=t)
    bad_time = fake.post("Narmart bad time")
    bad_time["created_utc"] = "yesterday"
    fake.add(bad_time, created=t)
    no_title = fake.post("x")
    del no_title["title"]
    fake.add(no_title, created=t, text="Narmart")
    bad_count = fake.post("Narmart negative comments", minutes_ago=21)
    bad_count["num_comments"] = -4
    fake.add(bad_count)
    fake.add({"display_name": "narmart", "title": "Narmart"}, created=t, text="Narmart", kind="t5")
    fake.add("not-an-object", created=t, text="Narmart")
    broken = fake.comment(ok1, "Narmart comment without time")
    del broken["created_utc"]
    ids.add(fake.comment(ok1, "Narmart comment that is fine")["name"])
    return ids


def fill_duplicates(fake: FakeReddit) -> set[str]:
    """Each page repeats the last post of the previous one (new posts shifted the listing meanwhile)."""
    fake.repeat_last = True
    return {fake.add(fake.post(f"Narmart review number {i}", minutes_ago=5 + 3 * i)) for i in range(7)}


def fill_unicode(fake: FakeReddit) -> set[str]:
    return {
        fake.add(fake.post("Narmart 🚚📦💨 çatdırılma 👨‍👩‍👧 əla! 🇦🇿", "Sifariş #123 & <3 qutu", minutes_ago=6)),
        fake.add(fake.post("Narmart التوصيل متأخر جدا 😡", "خدمة العملاء لا ترد", sub="arabs", minutes_ago=7)),
        fake.add(fake.post("Narmart שירות לקוחות 👍", "mixed עברית and English", sub="Israel", minutes_ago=8)),
        fake.add(fake.post("Նարմարտ 🇦🇲 Нармарт Narmart — три алфавита\u200b в одном", sub="armenia",
                           minutes_ago=9)),
    }


def fill_huge(fake: FakeReddit) -> set[str]:
    body = ("Narmart çatdırılma gecikir 😡 " * 1400)[:40_000]  # Reddit's selftext limit
    return {fake.add(fake.post("Narmart: uzun şikayət", body, minutes_ago=0.5))}


def fill_crash(fake: FakeReddit) -> set[str]:
    posts = [fake.post(f"Narmart crash fixture {i}, delivery late", minutes_ago=5 + 3 * i)
             for i in range(4 * PAGE_LIMIT - 1)]
    ids = {fake.add(p) for p in posts}
    ids.add(fake.comment(posts[0], "Narmart refunded me at least")["name"])
    fake.crash_after = posts[2 * PAGE_LIMIT - 1]["name"]  # the request for page 3
    return ids


class _PrawcoreClock:
    """prawcore's view of the ``time`` module with ``sleep`` recorded instead of slept."""

    def __init__(self, record: list[float]) -> None:
        self._record = record

    def sleep(self, seconds: float) -> None:
        self._record.append(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


class RedditHarness(FakeApiHarness):
    """Drives the reddit listener against the fake for the conformance suite (and the unit tests).

    Besides our waits it records prawcore's own pacing and retry sleeps, which go through its ``time`` module.
    """

    type = "reddit"
    source_name = "reddit-test"
    first_failures: ClassVar[dict[str, int]] = {"rate_limit": 429, "server_error": 503}
    scenarios: ClassVar[dict[str, Scenario]] = {
        "pages": fill_pages, "malformed": fill_malformed, "duplicates": fill_duplicates, "unicode": fill_unicode,
        "huge_text": fill_huge, "crash": fill_crash}
    fake: FakeReddit

    def __init__(self) -> None:
        super().__init__()
        self.core_sleeps: list[float] = []  # prawcore's own pacing and retry sleeps
        self._saved: list[tuple[Any, str, Any]] = []

    @property
    def our_sleeps(self) -> list[float]:
        """Our backoff and 429 waits (``listeners.throttle``), without prawcore's."""
        return self._sleeps.seconds

    def new_fake(self, previous: FakeReddit | None) -> FakeReddit:
        # ids keep counting (Reddit ids never repeat) and every token ever handed out stays listed for secrets()
        return FakeReddit() if previous is None else FakeReddit(issued=previous.issued, counter=previous.counter + 1000)

    def fail_first(self, status: int) -> None:
        self.fake.fail_first = status

    def start(self) -> None:
        super().start()
        clock = _PrawcoreClock(self.core_sleeps)
        for module, name in ((prawcore.sessions, "time"), (prawcore.rate_limit, "time")):
            self._saved.append((module, name, getattr(module, name)))
            setattr(module, name, clock)

    def stop(self) -> None:
        for module, name, value in reversed(self._saved):
            setattr(module, name, value)
        self._saved.clear()
        super().stop()

    def load(self, scenario: str) -> set[str]:
        self.core_sleeps.clear()
        return super().load(scenario)

    def options(self) -> dict[str, Any]:
        return {"api_base": self.server.url, "reddit_url": self.server.url, "limit": PAGE_LIMIT}

    def env(self) -> dict[str, str]:
        return {CLIENT_ID_ENV: CLIENT_ID, CLIENT_SECRET_ENV: CLIENT_SECRET}

    def sleeps(self) -> list[float]:
        return [*self.our_sleeps, *self.core_sleeps]

    def secrets(self) -> list[str]:
        return [CLIENT_ID, CLIENT_SECRET, *self.fake.issued]


HARNESSES["reddit"] = RedditHarness
