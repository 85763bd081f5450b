"""A fake X API v2: recent and full-archive post search in the real wire format.

``GET /2/tweets/search/recent`` and ``/2/tweets/search/all`` answer ``{"data", "includes": {"users"}, "meta":
{"newest_id", "oldest_id", "result_count", "next_token"}}`` exactly like X: only the requested ``tweet.fields``
(plus ``id``, ``text``, ``edit_history_tweet_ids``), users only with ``expansions=author_id``, text HTML-escaped
(``&amp;``/``&lt;``/``&gt;``), long posts truncated in ``text`` with the full text in ``note_tweet``. The
``query`` is evaluated (terms, "phrases", OR, implicit AND, ``-`` negation, parentheses, ``@handle``,
``#tag``, ``lang:``, ``is:retweet|reply|quote``, ``from:``); ``since_id``/``until_id``/``start_time``/
``next_token``/``max_results`` behave as documented, recent search refuses ids and times older than 7 days.
Ids are snowflakes (time-ordered). Every answer carries ``x-rate-limit-limit/remaining/reset``; errors use X's
problem bodies (``{"title", "detail", "type", "status"}``, ``{"errors": [...]}`` for invalid requests, the
``client-forbidden`` body and the ``code 453`` body for access-tier refusals).
"""

from __future__ import annotations

import base64
import html
import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from listeners.x import TOKEN_ENV
from tests.fakes import HARNESSES, FakeApiHarness, Request, Response, Scenario

BEARER = "AAAA-test-bearer-Zk93"
PAGE_SIZE = 10  # the harness asks for 10 posts per page (X's minimum), so small fixtures span pages
TWITTER_EPOCH_MS = 1288834974657
RECENT = timedelta(days=7)
_TOKEN = re.compile(r'-(?=["(])|"[^"]*"|\(|\)|[^\s()"]+')
_KNOWN_TWEET_FIELDS = {"attachments", "author_id", "card_uri", "context_annotations", "conversation_id",
                       "created_at", "edit_controls", "edit_history_tweet_ids", "entities", "geo", "id",
                       "in_reply_to_user_id", "lang", "non_public_metrics", "note_tweet", "organic_metrics",
                       "possibly_sensitive", "promoted_metrics", "public_metrics", "referenced_tweets",
                       "reply_settings", "source", "text", "withheld"}
_KNOWN_EXPANSIONS = {"author_id", "referenced_tweets.id", "referenced_tweets.id.author_id", "in_reply_to_user_id",
                     "attachments.media_keys", "entities.mentions.username", "geo.place_id", "edit_history_tweet_ids"}
_KNOWN_USER_FIELDS = {"created_at", "description", "id", "location", "name", "username", "verified", "url",
                      "protected", "public_metrics", "profile_image_url"}


def snowflake(at: datetime, seq: int) -> int:
    """An X id: milliseconds since the Twitter epoch in the high bits, a sequence number in the low 22."""
    return ((int(at.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22) | (seq & 0x3FFFFF)


def snowflake_time(tweet_id: int) -> datetime:
    return datetime.fromtimestamp(((tweet_id >> 22) + TWITTER_EPOCH_MS) / 1000, tz=UTC)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# ---- a small X query language ---------------------------------------------------------------------------
@dataclass
class Entry:
    """One searchable item: its payload as served and what the query is evaluated against."""

    sort_id: int
    payload: Any
    text: str
    lang: str | None = None
    username: str | None = None
    kinds: frozenset[str] = frozenset()  # retweet / reply / quote


Predicate = Callable[[Entry], bool]


class QueryError(ValueError):
    """The query does not parse (X answers 400)."""


def _word(pattern: str) -> Predicate:
    regex = re.compile(r"(?<![\w@#])" + pattern + r"(?!\w)")
    return lambda e: bool(regex.search(e.text.casefold()))


def compile_query(query: str) -> Predicate:
    """Compile ``query`` into a predicate; raises QueryError like X's 400."""
    tokens = _TOKEN.findall(query)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> str:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def or_expr() -> Predicate:
        parts = [and_expr()]
        while peek() == "OR":
            take()
            parts.append(and_expr())
        return lambda e: any(p(e) for p in parts)

    def and_expr() -> Predicate:
        parts = []
        while peek() not in {None, ")", "OR"}:
            parts.append(unary())
        if not parts:
            raise QueryError("There were errors processing your request: Ambiguous use of or")
        return lambda e: all(p(e) for p in parts)

    def unary() -> Predicate:
        tok = peek()
        if tok == "-":
            take()
            inner = atom(take())
            return lambda e: not inner(e)
        if tok is not None and tok.startswith("-") and len(tok) > 1:
            take()
            inner = atom(tok[1:])
            return lambda e: not inner(e)
        return atom(take())

    def atom(tok: str) -> Predicate:
        if tok == "(":
            inner = or_expr()
            if peek() != ")":
                raise QueryError("There were errors processing your request: missing closing parenthesis")
            take()
            return inner
        if tok == ")":
            raise QueryError("There were errors processing your request: unexpected ')'")
        if tok.startswith('"'):
            phrase = tok.strip('"').casefold()
            return _word(r"\s+".join(re.escape(p) for p in phrase.split()))
        return _operator(tok)

    predicate = or_expr()
    if pos != len(tokens):
        raise QueryError("There were errors processing your request: unbalanced parentheses")
    return predicate


def _operator(tok: str) -> Predicate:
    if tok.startswith(("@", "#")):
        regex = re.compile(r"(?<!\w)" + re.escape(tok.casefold()) + r"(?!\w)")
        return lambda e: bool(regex.search(e.text.casefold()))
    if ":" in tok:
        name, _, value = tok.partition(":")
        if name == "lang":
            return lambda e: e.lang == value
        if name == "is" and value in {"retweet", "reply", "quote"}:
            return lambda e: value in e.kinds
        if name == "from":
            return lambda e: (e.username or "").casefold() == value.casefold()
        raise QueryError(f"There were errors processing your request: Reference to invalid operator '{name}'. "
                         "Operator is not available in current product or product packaging.")
    return _word(re.escape(tok.casefold()))


# ---- the fake --------------------------------------------------------------------------------------------
@dataclass
class FakeX:
    """State of the fake X API: posts, users and how to misbehave."""

    counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    entries: list[Entry] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    token: str = BEARER
    mode: str = "ok"  # ok / unauthorized / forbidden / forbidden_453 / usage_capped
    fail_first: int | None = None  # 429 or 5xx on the first search request
    fail_status: int | None = None  # every search request fails with this status
    reset_in: float = 30  # seconds until the rate-limit window resets on a 429
    crash_ids: set[int] = field(default_factory=set)  # a page serving any of these fails with 500 until healed
    healed: bool = False
    repeat_last: bool = False  # a next_token page starts with the previous page's last post again
    archive_access: bool = True
    max_query_length: int = 512
    delay: float = 0  # seconds before answering (timeouts)
    remaining: int = 450

    # -- fixtures --------------------------------------------------------------------------------------
    def user(self, username: str) -> str:
        uid = str(1000 + sum(ord(c) * (i + 1) for i, c in enumerate(username)))
        self.users[uid] = {"id": uid, "name": username.replace("_", " ").title(), "username": username}
        return uid

    def tweet(self, text: str, *, minutes_ago: float = 10, user: str = "aysel_b", lang: str = "az",
              likes: int = 0, retweets: int = 0, quotes: int = 0, replies: int = 0, impressions: int | None = 100,
              reply_to: dict[str, Any] | None = None, retweet_of: dict[str, Any] | None = None,
              quote_of: dict[str, Any] | None = None, withheld: dict[str, Any] | None = None) -> dict[str, Any]:
        """Add a post as X stores it (every field); returns the full object."""
        at = self.now - timedelta(minutes=minutes_ago)
        tid = str(snowflake(at, next(self.counter)))
        uid = self.user(user)
        metrics = {"retweet_count": retweets, "reply_count": replies, "like_count": likes, "quote_count": quotes,
                   "bookmark_count": 0}
        if impressions is not None:
            metrics["impression_count"] = impressions
        tweet: dict[str, Any] = {"id": tid, "text": text, "created_at": _iso(at), "author_id": uid, "lang": lang,
                                 "conversation_id": reply_to["conversation_id"] if reply_to else tid,
                                 "public_metrics": metrics, "edit_history_tweet_ids": [tid]}
        refs, kinds = [], set()
        if reply_to:
            refs.append({"type": "replied_to", "id": reply_to["id"]})
            tweet["in_reply_to_user_id"] = reply_to["author_id"]
            kinds.add("reply")
        if retweet_of:
            refs.append({"type": "retweeted", "id": retweet_of["id"]})
            kinds.add("retweet")
        if quote_of:
            refs.append({"type": "quoted", "id": quote_of["id"]})
            kinds.add("quote")
        if refs:
            tweet["referenced_tweets"] = refs
        if withheld:
            tweet["withheld"] = withheld
        self.entries.append(Entry(int(tid), tweet, text, lang, user, frozenset(kinds)))
        return tweet

    def raw(self, payload: Any, *, match_text: str, minutes_ago: float = 10) -> Any:
        """Add an item served as given (malformed ones), sorted and matched as if it said ``match_text``."""
        self.entries.append(Entry(snowflake(self.now - timedelta(minutes=minutes_ago), next(self.counter)),
                                  payload, match_text, "az"))
        return payload

    # -- HTTP --------------------------------------------------------------------------------------------
    def __call__(self, req: Request) -> Response:
        if self.delay:
            time.sleep(self.delay)
        if req.path not in {"/2/tweets/search/recent", "/2/tweets/search/all"}:
            return _problem(404, "Not Found Error", f"The resource at {req.path} was not found.",
                            "https://api.twitter.com/2/problems/resource-not-found")
        archive = req.path.endswith("/all")
        refusal = self._refusal(req, archive)
        if refusal is not None:
            return refusal
        if self.fail_first is not None:
            status, self.fail_first = self.fail_first, None
            return self._failure(status, archive)
        if self.fail_status is not None:
            return self._failure(self.fail_status, archive)
        return self._search(req, archive)

    def _refusal(self, req: Request, archive: bool) -> Response | None:
        """401 for a wrong token, 403 for a missing access tier, 429 for a used-up monthly cap."""
        if req.headers.get("authorization") != f"Bearer {self.token}" or self.mode == "unauthorized":
            return _problem(401, "Unauthorized", "Unauthorized", "about:blank")
        if self.mode == "forbidden" or (archive and not self.archive_access):
            return Response(403, {
                "client_id": "28374651",
                "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens "
                          "from a Twitter developer App that is attached to a Project. You can create a project via "
                          "the developer portal.",
                "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
                "title": "Client Forbidden", "required_enrollment": "Appropriate Level of API Access",
                "reason": "client-not-enrolled", "type": "https://api.twitter.com/2/problems/client-forbidden"})
        if self.mode == "forbidden_453":
            return Response(403, {"errors": [{
                "message": "You currently have access to a subset of X API V2 endpoints and limited v1.1 endpoints "
                           "(e.g. media post, oauth) only. If you need access to this endpoint, you may need a "
                           "different access level. You can learn more here: https://developer.x.com/en/portal/"
                           "product", "code": 453}]})
        if self.mode == "usage_capped":
            return Response(429, {"account_id": 1234, "product_name": "standard-basic",
                                  "title": "UsageCapExceeded", "period": "Monthly", "scope": "Product",
                                  "detail": "Usage cap exceeded: Monthly product cap",
                                  "type": "https://api.twitter.com/2/problems/usage-capped"},
                            self._limits(archive, remaining=0))
        return None

    def _failure(self, status: int, archive: bool) -> Response:
        if status == 429:
            return _problem(429, "Too Many Requests", "Too Many Requests", "about:blank",
                            self._limits(archive, remaining=0))
        titles = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
        title = titles.get(status, "Error")
        return _problem(status, title, title, "about:blank", self._limits(archive))

    def _limits(self, archive: bool, remaining: int | None = None) -> dict[str, str]:
        if remaining is None:
            if self.remaining == 0:  # the client waited for the reset (its sleep is patched: no time passed)
                self.remaining = 450
            self.remaining = max(0, self.remaining - 1)
            remaining = self.remaining
        return {"x-rate-limit-limit": "300" if archive else "450", "x-rate-limit-remaining": str(remaining),
                "x-rate-limit-reset": str(int(time.time() + self.reset_in))}

    def _search(self, req: Request, archive: bool) -> Response:
        try:
            params = self._params(req, archive)
        except _InvalidError as exc:
            return Response(400, {"errors": [{"parameters": {exc.name: [exc.value]}, "message": exc.message}],
                                  "title": "Invalid Request",
                                  "detail": "One or more parameters to your request was invalid.",
                                  "type": "https://api.twitter.com/2/problems/invalid-request"},
                            self._limits(archive))
        predicate, limit, since, until, start, after, fields = params
        horizon = None if archive else snowflake(self.now - RECENT, 0)
        matching = sorted((e for e in self.entries
                           if (horizon is None or e.sort_id >= horizon)
                           and (since is None or e.sort_id > since) and (until is None or e.sort_id < until)
                           and (start is None or snowflake_time(e.sort_id) >= start) and predicate(e)),
                          key=lambda e: e.sort_id, reverse=True)
        if after is not None:
            matching = [e for e in matching if (e.sort_id <= after if self.repeat_last else e.sort_id < after)]
        page, rest = matching[:limit], matching[limit:]
        if not self.healed and any(e.sort_id in self.crash_ids for e in page):
            return self._failure(500, archive)
        body: dict[str, Any] = {}
        if page:
            body["data"] = [self._render(e.payload, fields) for e in page]
            authors = [e.payload.get("author_id") for e in page if isinstance(e.payload, dict)]
            if "author_id" in fields["expansions"]:
                found = [self._user(uid, fields) for uid in dict.fromkeys(authors) if uid in self.users]
                if found:
                    body["includes"] = {"users": found}
                missing = [uid for uid in dict.fromkeys(authors) if isinstance(uid, str) and uid not in self.users]
                if missing:
                    body["errors"] = [{"value": uid, "detail": f"Could not find user with id: [{uid}].",
                                       "title": "Not Found Error", "resource_type": "user", "parameter": "author_id",
                                       "resource_id": uid,
                                       "type": "https://api.twitter.com/2/problems/resource-not-found"}
                                      for uid in missing]
        meta: dict[str, Any] = {"result_count": len(page)}
        if page:
            meta = {"newest_id": str(page[0].sort_id), "oldest_id": str(page[-1].sort_id), **meta}
        if page and rest:
            meta["next_token"] = _encode_token(page[-1].sort_id)
        body["meta"] = meta
        return Response(200, body, self._limits(archive))

    def _params(self, req: Request, archive: bool) -> tuple[Any, ...]:
        query = _one(req, "query")
        if not query:
            raise _InvalidError("query", "", "The `query` query parameter can not be empty")
        if len(query) > self.max_query_length:
            raise _InvalidError("query", query, f"There were errors processing your request: Rule length exceeds "
                                f"the max allowed. The max is {self.max_query_length} and this rule has "
                                f"{len(query)} characters.")
        try:
            predicate = compile_query(query)
        except QueryError as exc:
            raise _InvalidError("query", query, str(exc)) from None
        top = 500 if archive else 100
        raw_max = _one(req, "max_results") or "10"
        if not raw_max.isdigit() or not 10 <= int(raw_max) <= top:
            raise _InvalidError("max_results", raw_max, f"The `max_results` query parameter value [{raw_max}] is "
                                f"not between 10 and {top}")
        ids = {name: self._id_param(req, name, archive) for name in ("since_id", "until_id")}
        start = None
        if (raw_start := _one(req, "start_time")) is not None:
            try:
                start = datetime.fromisoformat(raw_start)
            except ValueError:
                raise _InvalidError("start_time", raw_start, f"Invalid 'start_time':'{raw_start}'.") from None
            if not archive and start < self.now - RECENT - timedelta(minutes=1):
                raise _InvalidError("start_time", raw_start, f"Invalid 'start_time':'{raw_start}'. 'start_time' must "
                                    f"be on or after {_iso(self.now - RECENT)}")
        after = None
        if (token := _one(req, "next_token")) is not None:
            after = _decode_token(token)
            if after is None:
                raise _InvalidError("next_token", token, f"The `next_token` query parameter value [{token}] is not "
                                    "valid")
        if (_one(req, "sort_order") or "recency") not in {"recency", "relevancy"}:
            raise _InvalidError("sort_order", _one(req, "sort_order") or "", "Invalid sort_order")
        fields = {name: set(filter(None, (_one(req, name) or "").split(",")))
                  for name in ("tweet.fields", "expansions", "user.fields")}
        for name, known in (("tweet.fields", _KNOWN_TWEET_FIELDS), ("expansions", _KNOWN_EXPANSIONS),
                            ("user.fields", _KNOWN_USER_FIELDS)):
            if bad := sorted(fields[name] - known):
                raise _InvalidError(name, bad[0], f"The `{name}` query parameter value [{bad[0]}] is not one of "
                                    f"[{','.join(sorted(known))}]")
        return predicate, int(raw_max), ids["since_id"], ids["until_id"], start, after, fields

    def _id_param(self, req: Request, name: str, archive: bool) -> int | None:
        """``since_id``/``until_id``: digits, and on recent search no older than its 7-day index."""
        value = _one(req, name)
        if value is None:
            return None
        if not value.isdigit():
            raise _InvalidError(name, value, f"The `{name}` query parameter value [{value}] is not valid")
        if not archive and snowflake_time(int(value)) < self.now - RECENT:
            raise _InvalidError(name, value, f"Invalid '{name}':'{value}'. '{name}' must be a tweet id created "
                                f"after {_iso(self.now - RECENT)}. Please use a '{name}' that is larger than "
                                f"{snowflake(self.now - RECENT, 0)}")
        return int(value)

    @staticmethod
    def _render(payload: Any, fields: dict[str, set[str]]) -> Any:
        """The post as X serves it: default plus requested fields, escaped text, long text in note_tweet."""
        if not isinstance(payload, dict):
            return payload
        keep = {"id", "text", "edit_history_tweet_ids"} | fields["tweet.fields"]
        out = {k: v for k, v in payload.items() if k in keep}
        text = payload.get("text")
        if isinstance(text, str):
            out["text"] = _escape(text[:280])
            if len(text) > 280 and "note_tweet" in fields["tweet.fields"]:
                out["note_tweet"] = {"text": _escape(text)}
        return out

    def _user(self, uid: str, fields: dict[str, set[str]]) -> dict[str, Any]:
        user = self.users[uid]
        return {k: v for k, v in user.items() if k in {"id", "name", "username"} | fields["user.fields"]}


@dataclass
class _InvalidError(Exception):
    name: str
    value: str
    message: str


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _encode_token(after: int) -> str:
    return base64.b32encode(f"x{after}".encode()).decode().lower().rstrip("=")


def _decode_token(token: str) -> int | None:
    try:
        raw = base64.b32decode(token.upper() + "=" * (-len(token) % 8)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return int(raw[1:]) if raw.startswith("x") and raw[1:].isdigit() else None


def _one(req: Request, key: str) -> str | None:
    values = req.query.get(key)
    return values[0] if values else None


def _problem(status: int, title: str, detail: str, kind: str, headers: dict[str, str] | None = None) -> Response:
    return Response(status, {"title": title, "detail": detail, "type": kind, "status": status}, headers or {})


# ---- scenarios ------------------------------------------------------------------------------------------
def fill_pages(fake: FakeX) -> set[str]:
    """25 posts over three pages: brands, scripts, a reply thread, a quote, plus noise the query must drop."""
    texts = [
        ("Narmart çatdırılma yenə gecikdi, 3 gündür gözləyirəm", "az"),
        ("Narmart'tan aldığım telefon əla işləyir", "az"),
        ("Narmart support never answers, terrible", "en"),
        ("Sifarişim Narmart-da ləğv olundu, pul hələ qaytarılmayıb", "az"),
        ("Narmart kargo çok hızlı geldi, teşekkürler", "tr"),
        ("Narmart app keeps crashing at checkout", "en"),
        ("Narmart endirimləri super idi bu həftə", "az"),
        ("Narmart vs Lumo: Lumo is cheaper but Narmart delivers faster", "en"),
        ("Narmart & Lumo <3 price war, good for us", "en"),
        ("Нармарт доставка ужас, жду неделю", "ru"),
        ("Նարմարտ-ի առաքումը լավ էր", "hy"),
        ("Tezbazar qiymətləri bahalı olub", "az"),
        ("Тезбазар опять опоздал", "ru"),
        ("Lumo kulaklık harika ses veriyor", "tr"),
        ("@narmart sifarişim hanı? 5 gündür gözləyirəm", "az"),
    ]
    ids = set()
    for i, (text, lang) in enumerate(texts):
        t = fake.tweet(text, minutes_ago=10 + i * 7, lang=lang, likes=i, retweets=i % 3, quotes=1, replies=2,
                       user=("aysel_b", "mehmet_tr", "ivan_msk")[i % 3])
        ids.add(t["id"])
    root = fake.tweet("Narmart delivery question thread, anyone else waiting?", minutes_ago=200, lang="en",
                      user="ivan_msk")
    reply = fake.tweet("@ivan_msk Narmart mənə də 4 gün gecikdirdi", minutes_ago=190, reply_to=root)
    quote = fake.tweet("Bu Narmart haqqında doğrudur", minutes_ago=185, quote_of=root)
    ids |= {root["id"], reply["id"], quote["id"]}
    for i in range(7):
        ids.add(fake.tweet(f"Narmart review {i}: qiymət normal, çatdırılma vaxtında", minutes_ago=230 + i)["id"])
    fake.tweet("RT @aysel_b: Narmart çatdırılma yenə gecikdi", minutes_ago=9, retweet_of={"id": "1"})  # -is:retweet
    fake.tweet("tezbazar.fake giveaway, click the link", minutes_ago=35)  # brand exclude term
    fake.tweet("Bakıda hava bu gün çox gözəldir", minutes_ago=40)  # no brand at all
    return ids


def fill_malformed(fake: FakeX) -> set[str]:
    ids = {fake.tweet("Narmart ok item one", minutes_ago=5)["id"],
           fake.tweet("Narmart ok item two", minutes_ago=50)["id"]}
    ghost = fake.tweet("Narmart from a suspended account", minutes_ago=15, user="gone_user")
    del fake.users[ghost["author_id"]]  # X answers with a partial error for the missing user
    ids.add(ghost["id"])
    no_id = fake.tweet("Narmart without id", minutes_ago=20)
    del no_id["id"]
    no_text = fake.tweet("Narmart no text", minutes_ago=21)
    del no_text["text"]
    no_time = fake.tweet("Narmart no time", minutes_ago=22)
    del no_time["created_at"]
    bad_time = fake.tweet("Narmart bad time", minutes_ago=23)
    bad_time["created_at"] = "yesterday at noon"
    negative = fake.tweet("Narmart negative likes", minutes_ago=24)
    negative["public_metrics"]["like_count"] = -3
    withheld = fake.tweet("Narmart withheld", minutes_ago=25, withheld={"copyright": False, "country_codes": ["AZ"]})
    del withheld["text"]
    fake.raw("not-a-tweet", match_text="Narmart", minutes_ago=26)
    return ids


def fill_duplicates(fake: FakeX) -> set[str]:
    """The last post of each page starts the next page again (X shows this when posts arrive mid-walk)."""
    fake.repeat_last = True
    return {fake.tweet(f"Narmart review number {i}, çatdırılma vaxtında", minutes_ago=5 + i)["id"] for i in range(24)}


def fill_unicode(fake: FakeX) -> set[str]:
    return {
        fake.tweet("Narmart 🚚📦💨 çatdırılma 👨‍👩‍👧 əla! 🇦🇿", minutes_ago=3)["id"],
        fake.tweet("Narmart التوصيل متأخر جدا 😡", minutes_ago=4, lang="ar")["id"],
        fake.tweet("Narmart שירות לקוחות 👍 mixed עברית and English", minutes_ago=5, lang="iw")["id"],
        fake.tweet("Նարմարտ 🇦🇲 Нармарт Narmart — три алфавита\u200b в одном", minutes_ago=6, lang="hy")["id"],
    }


def fill_huge(fake: FakeX) -> set[str]:
    text = "Narmart " + ("çatdırılma gecikir 😡 " * 2100)
    return {fake.tweet(text[:40_010], minutes_ago=1)["id"]}


def fill_crash(fake: FakeX) -> set[str]:
    tweets = [fake.tweet(f"Narmart crash fixture {i}, delivery late", minutes_ago=5 + 3 * i)
              for i in range(4 * PAGE_SIZE)]
    fake.crash_ids = {int(t["id"]) for t in tweets[2 * PAGE_SIZE: 3 * PAGE_SIZE]}
    return {t["id"] for t in tweets}


class XHarness(FakeApiHarness):
    """Drives the x listener against the fake for the conformance suite (and the unit tests)."""

    type = "x"
    source_name = "x-test"
    first_failures: ClassVar[dict[str, int]] = {"rate_limit": 429, "server_error": 503}
    scenarios: ClassVar[dict[str, Scenario]] = {
        "pages": fill_pages, "malformed": fill_malformed, "duplicates": fill_duplicates, "unicode": fill_unicode,
        "huge_text": fill_huge, "crash": fill_crash}
    fake: FakeX

    def new_fake(self, previous: FakeX | None) -> FakeX:
        # ids keep counting (and are time-based) so they never repeat
        return FakeX() if previous is None else FakeX(counter=previous.counter)

    def fail_first(self, status: int) -> None:
        self.fake.fail_first = status

    def options(self) -> dict[str, Any]:
        return {"api_base": self.server.url, "max_results": PAGE_SIZE}

    def env(self) -> dict[str, str]:
        return {TOKEN_ENV: BEARER}

    def secrets(self) -> list[str]:
        return [BEARER]


HARNESSES["x"] = XHarness
