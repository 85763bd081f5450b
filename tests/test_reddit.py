"""The reddit listener against the fake Reddit on 127.0.0.1, through real praw/prawcore (no Prefect, no network)."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

import pytest

from core.config import Source
from core.errors import AccessError, ConfigError, MissingCredentialsError, RateLimitError, SourceError
from listeners import registry
from listeners.reddit import (
    CLIENT_ID_ENV,
    CLIENT_SECRET_ENV,
    RedditListener,
    SearchQuery,
    build_queries,
    comment_to_mention,
    post_to_mention,
    removed_reason,
    time_filter_for,
)
from tests.fakes import FakeServer, Request, collect
from tests.fakes.reddit import CLIENT_ID, FakeReddit, RedditHarness, matches

NARMART_Q = "(Narmart OR Нармарт OR Նարմարտ OR Lumo)"
TEZBAZAR_Q = '(Tezbazar OR Тезбазар) NOT "tezbazar.fake"'


@pytest.fixture
def h(start_harness: Any) -> RedditHarness:
    return start_harness(RedditHarness())


def listener(settings_factory: Any, h: RedditHarness, queries: list[str] | None = None,
             **options: Any) -> RedditListener:
    made = h.listener(settings_factory(), name="rd", queries=queries, **options)
    assert isinstance(made, RedditListener)
    return made


def searches(server: FakeServer, q: str | None = None) -> list[Request]:
    return [r for r in server.requests if r.path.endswith("/search/") and (q is None or r.query["q"] == [q])]


# ---- queries and options -----------------------------------------------------------------------------
def test_queries_or_terms_quote_phrases_and_keep_exclusions_per_brand(settings_factory: Any) -> None:
    rendered = [q.render() for q in build_queries(Source(name="r", type="reddit"), settings_factory())]
    assert rendered == [NARMART_Q, TEZBAZAR_Q]  # @narmart == Narmart; Tezbazar's NOT cannot hide a Narmart post
    custom = settings_factory(brands=[{"name": "Nar Mart", "keywords": ["nar mart", "NM$", 'say "hi"', "OR"],
                                       "handles": ["@narmart_az"], "hashtags": ["#NarmartPayız"]}], competitors=[])
    assert [q.render() for q in build_queries(Source(name="r", type="reddit"), custom)] == [
        '("Nar Mart" OR NM OR "say hi" OR "OR" OR narmart_az OR NarmartPayız)']
    raw = Source(name="r", type="reddit", queries=["Narmart AND delivery", "  "])
    assert [q.render() for q in build_queries(raw, settings_factory())] == ["Narmart AND delivery"]
    with pytest.raises(ConfigError, match="at most 512"):
        build_queries(Source(name="r", type="reddit", queries=["x" * 513]), settings_factory())


def test_long_brand_lists_are_split_under_512_characters(settings_factory: Any) -> None:
    words = [f"Narmartproduct{i:03d}" for i in range(60)]
    settings = settings_factory(brands=[{"name": "Narmart", "keywords": words}],
                                competitors=[{"name": "Tezbazar", "keywords": ["Tezbazar"],
                                              "exclude": [f"fake{i}" for i in range(20)]}])
    queries = build_queries(Source(name="r", type="reddit"), settings)
    narmart = [q for q in queries if not q.exclude]
    assert len(narmart) >= 3
    assert all(len(q.render()) <= 512 for q in queries)
    assert [t for q in narmart for t in q.terms] == ["Narmart", *words]  # every term once, order kept
    assert queries[-1].render().startswith("Tezbazar NOT (fake0 OR fake1")
    with pytest.raises(ConfigError, match="exclude list"):
        build_queries(Source(name="r", type="reddit"), settings_factory(
            brands=[{"name": "Narmart", "keywords": ["Narmart"], "exclude": ["x" * 300, "y" * 300]}],
            competitors=[]))


def test_query_splits_per_term_and_time_filters() -> None:
    q = SearchQuery(("A", '"b c"'), ("x",))
    assert [p.render() for p in q.split()] == ["A NOT x", '"b c" NOT x']
    assert SearchQuery(raw="a OR b").split() == [SearchQuery(raw="a OR b")]
    assert [time_filter_for(s) for s in (60, 3500, 3 * 3600, 3 * 86400, 20 * 86400, 100 * 86400, 400 * 86400)] == [
        "hour", "day", "day", "week", "month", "year", "all"]
    assert matches(TEZBAZAR_Q, "Тезбазар again late")
    assert not matches(TEZBAZAR_Q, "tezbazar.fake promo")


def test_options_are_validated_and_credentials_are_lazy(settings_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CLIENT_ID_ENV, raising=False)
    monkeypatch.delenv(CLIENT_SECRET_ENV, raising=False)
    made = registry.create(Source(name="r", type="reddit", options={"subreddits": ["r/azerbaijan", "Turkey+armenia"],
                                                                    "oauth_url": "http://127.0.0.1:9/"}),
                           settings_factory())
    assert isinstance(made, RedditListener)
    assert made.options.subreddits == ["azerbaijan", "Turkey+armenia"]
    assert made.options.api_base == "http://127.0.0.1:9"  # oauth_url is an alias of api_base
    with pytest.raises(MissingCredentialsError, match=CLIENT_ID_ENV):
        next(iter(made.pages(None)))
    monkeypatch.setenv(CLIENT_ID_ENV, CLIENT_ID)
    with pytest.raises(MissingCredentialsError, match=rf"{CLIENT_SECRET_ENV}.*prefs/apps"):
        next(iter(made.pages(None)))
    for bad, words in (({"subreddits": ["no spaces"]}, "not a subreddit"), ({"limit": 500}, "limit"),
                       ({"colour": "red"}, "unknown option")):
        with pytest.raises(ConfigError, match=words):
            registry.create(Source(name="r", type="reddit", options=bad), settings_factory())


# ---- normalisation -----------------------------------------------------------------------------------
def test_post_and_comment_wire_items_normalise() -> None:
    fake = FakeReddit(now=1_790_000_000.0)
    post = fake.post("Narmart gecikdi", "3 gündür gözləyirəm", sub="azerbaijan", minutes_ago=60, score=-4)
    post["num_comments"] = 7
    m = post_to_mention(post)
    assert (m.platform, m.native_id) == ("reddit", f"t3_{post['id']}")
    assert m.text == "Narmart gecikdi\n\n3 gündür gözləyirəm"
    assert m.created_at == datetime.fromtimestamp(1_790_000_000.0 - 3600, tz=UTC)
    assert m.url == f"https://www.reddit.com/r/azerbaijan/comments/{post['id']}/narmart_gecikdi/"
    assert (m.author, m.likes, m.replies, m.thread_id, m.parent_id) == ("aysel_b", 0, 7, post["name"], None)
    assert post_to_mention({**post, "selftext": ""}).text == "Narmart gecikdi"  # link post: the title alone
    assert post_to_mention({**post, "author": "[deleted]"}).author is None
    top = fake.comment(post, "Narmart support is slow")
    reply = fake.comment(post, "Same", parent=top)
    c = comment_to_mention(reply, post["name"])
    assert (c.native_id, c.parent_id, c.thread_id, c.text) == (f"t1_{reply['id']}", top["name"], post["name"], "Same")
    assert c.url == f"https://www.reddit.com/r/azerbaijan/comments/{post['id']}/narmart_gecikdi/{reply['id']}/"
    for broken, reason in (({"id": None}, "id is missing"), ({"created_utc": "noon"}, "Unix seconds"),
                           ({"title": " "}, "title"), ({"num_comments": -1}, "num_comments"),
                           ({"selftext": 5}, "selftext")):
        with pytest.raises(ValueError, match=reason):
            post_to_mention({**post, **broken})
    with pytest.raises(ValueError, match="body"):
        comment_to_mention({**reply, "body": None}, post["name"])
    with pytest.raises(ValueError, match="parent_id"):
        comment_to_mention({**reply, "parent_id": "x"}, post["name"])
    assert removed_reason({**post, "removed_by_category": "moderator"}, "selftext") == "removed (moderator)"
    assert removed_reason({**reply, "body": "[deleted]", "author": None}, "body") == "body is [deleted]"
    assert removed_reason(post, "selftext") is None


# ---- collection, comments, cursors --------------------------------------------------------------------
def test_pages_collect_posts_and_on_topic_comments(settings_factory: Any, h: RedditHarness,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="listeners.reddit")
    expected = h.load("pages")
    mentions, rejects, cursors = collect(listener(settings_factory, h))
    assert sorted(m.native_id for m in mentions) == sorted(expected)  # each once
    assert rejects == []
    texts = {m.text for m in mentions}
    assert "Lumo delivered mine in two days" in texts  # a nested reply that mentions a tracked brand
    assert not texts & {"thanks, good to know", "[deleted]", "[removed]"}
    assert not any("scam" in t or "tezbazar.fake" in t for t in texts)  # removed post; excluded by NOT
    reply = next(m for m in mentions if m.text.startswith("Lumo delivered"))
    assert (reply.parent_id[:3], reply.thread_id[:3]) == ("t1_", "t3_")
    assert "2 deleted/removed post(s), 2 deleted/removed comment(s) and 1 comment(s)" in caplog.text
    # search parameters exactly as Subreddit.search sends them
    first = searches(h.server)[0].query
    assert {k: v[0] for k, v in first.items()} == {"q": NARMART_Q, "restrict_sr": "False", "sort": "new",
                                                   "syntax": "lucene", "t": "week", "limit": "3", "raw_json": "1"}
    assert not any("morechildren" in r.path for r in h.server.requests)  # more_comments_limit 0: no request
    # only the last page of each listing carries its watermark
    keys = [f"r/all: {NARMART_Q}", f"r/all: {TEZBAZAR_Q}"]
    assert [sorted(c["listings"]) for c in cursors] == [[], [], keys[:1], keys]
    newest = max(m.created_at.timestamp() for m in mentions if m.native_id.startswith("t3_"))
    assert cursors[-1]["listings"][keys[0]] == {"watermark": pytest.approx(newest), "gaps": []}


def test_a_second_run_stops_at_the_watermark(settings_factory: Any, h: RedditHarness) -> None:
    h.load("pages")
    lst = listener(settings_factory, h, overlap_seconds=0)
    _, _, cursors = collect(lst)
    before = len(searches(h.server))
    new = h.fake.post("Narmart new post after the first run", minutes_ago=1)
    h.fake.add(new)
    mentions, _, cursors2 = collect(lst, cursors[-1])
    assert [m.native_id for m in mentions] == [new["name"]]  # nothing older than the watermark is read again
    assert len(searches(h.server)) - before == 2  # one page per listing
    assert cursors2[-1]["listings"][f"r/all: {NARMART_Q}"]["watermark"] == pytest.approx(new["created_utc"])


def test_overlap_rereads_the_last_minutes_for_late_indexed_posts(settings_factory: Any, h: RedditHarness) -> None:
    h.load("empty")
    lst = listener(settings_factory, h)
    mark = time.time() - 60
    late = h.fake.post("Narmart indexed late", minutes_ago=3)  # older than the watermark, within the overlap
    h.fake.add(late)
    h.fake.add(h.fake.post("Narmart long before", minutes_ago=30))
    cursor = {"v": 1, "listings": {f"r/all: {NARMART_Q}": {"watermark": mark, "gaps": []}}}
    mentions, _, cursors = collect(lst, cursor)
    assert [m.native_id for m in mentions] == [late["name"]]
    assert cursors[-1]["listings"][f"r/all: {NARMART_Q}"]["watermark"] == pytest.approx(mark)  # never moves back
    assert searches(h.server)[0].query["t"] == ["hour"]


def test_each_subreddit_is_its_own_listing(settings_factory: Any, h: RedditHarness) -> None:
    h.load("pages")
    mentions, _, cursors = collect(listener(settings_factory, h, subreddits=["azerbaijan", "russia+armenia"]))
    assert {m.text.split("\n")[0] for m in mentions if m.native_id.startswith("t3_")} == {
        "Narmart çatdırılma yenə gecikdi", "Narmart'tan aldığım telefon əla işləyir", "Нармарт доставка ужас",
        "Tezbazar qiymətləri bahalı olub", "Նարմարտ-ի առաքումը լավ էր", "Тезбазар опять опоздал"}
    assert sorted(cursors[-1]["listings"]) == sorted(f"r/{s}: {q}" for s in ("azerbaijan", "russia+armenia")
                                                     for q in (NARMART_Q, TEZBAZAR_Q))
    assert {r.query["restrict_sr"][0] for r in searches(h.server)} == {"True"}
    assert {r.path for r in searches(h.server)} == {"/r/azerbaijan/search/", "/r/russia+armenia/search/"}


def test_malformed_items_are_rejected_with_reasons_and_no_author(settings_factory: Any, h: RedditHarness) -> None:
    expected = h.load("malformed")
    mentions, rejects, _ = collect(listener(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    reasons = sorted(r.reason for r in rejects)
    for words in ("id is missing", "created_utc is missing", "'yesterday'", "title is missing",
                  "num_comments must not be negative", "kind 't5'", "data is not an object",
                  "comment t1_"):
        assert any(words in r for r in reasons), (words, reasons)
    assert all(r.record.get("author") in (None, "<removed>") for r in rejects)
    assert "aysel_b" not in repr([r.record for r in rejects])


def test_text_arrives_unescaped(settings_factory: Any, h: RedditHarness) -> None:
    h.load("unicode")
    mentions, _, _ = collect(listener(settings_factory, h))
    assert any("Sifariş #123 & <3 qutu" in m.text for m in mentions)  # raw_json=1: no &amp; / &lt;
    assert any("🇦🇿" in m.text for m in mentions)


def test_comments_of_a_vanished_post_are_skipped(settings_factory: Any, h: RedditHarness,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    expected = h.load("pages")
    h.fake.fail_comments = 404
    mentions, _, _ = collect(listener(settings_factory, h))
    assert {m.native_id for m in mentions} == {i for i in expected if i.startswith("t3_")}
    assert "skipping the comments of t3_" in caplog.text
    h.load("pages")
    mentions, _, _ = collect(listener(settings_factory, h, comments=False))
    assert all(m.native_id.startswith("t3_") for m in mentions)
    assert not any("/comments/" in r.path for r in h.server.requests)


# ---- the listing cap ---------------------------------------------------------------------------------
def test_a_capped_listing_is_refilled_per_term(settings_factory: Any, h: RedditHarness,
                                               caplog: pytest.LogCaptureFixture) -> None:
    h.load("empty")
    h.fake.cap = 6
    ids = {h.fake.add(h.fake.post(f"Narmart post {i}", minutes_ago=5 + i)) for i in range(5)}
    ids |= {h.fake.add(h.fake.post(f"Lumo post {i}", minutes_ago=7 + i)) for i in range(4)}
    mentions, _, cursors = collect(listener(settings_factory, h, listing_cap=6))
    assert {m.native_id for m in mentions} == ids  # 9 posts behind a 6-item cap
    assert [r.query["q"][0] for r in searches(h.server)][2:] == ["Narmart", "Narmart", "Нармарт", "Նարմարտ",
                                                                "Lumo", "Lumo", TEZBAZAR_Q]
    assert cursors[-1]["listings"][f"r/all: {NARMART_Q}"]["gaps"] == []
    assert "may be missing" not in caplog.text


def test_an_unsplittable_capped_listing_records_a_gap_and_retries_it(settings_factory: Any, h: RedditHarness,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    h.load("empty")
    h.fake.cap = 6
    posts = [h.fake.post(f"Narmart post {i}", minutes_ago=5 + i, num_comments=0) for i in range(9)]
    for p in posts:
        h.fake.add(p)
    lst = listener(settings_factory, h, queries=["Narmart"], listing_cap=6)
    mentions, _, cursors = collect(lst)
    got = {m.native_id for m in mentions}
    assert {p["name"] for p in posts[:6]} <= got < {p["name"] for p in posts}
    assert "Reddit's listing cap (~6 items) stopped collection at" in caplog.text
    assert "may be missing" in caplog.text
    state = cursors[-1]["listings"]["r/all: Narmart"]
    assert state["watermark"] == pytest.approx(posts[0]["created_utc"])
    [[lo, hi]] = state["gaps"]
    assert hi == pytest.approx(posts[5]["created_utc"])
    assert lo < posts[-1]["created_utc"]
    assert searches(h.server)[-1].query["sort"] == ["comments"]  # the best-effort pass
    # the next run retries the gap; with the cap gone it is covered and dropped from the cursor
    h.fake.cap = 1000
    caplog.clear()
    caplog.set_level(logging.INFO, logger="listeners.reddit")
    mentions, _, cursors = collect(listener(settings_factory, h, queries=["Narmart"]), cursors[-1])
    assert got | {m.native_id for m in mentions} == {p["name"] for p in posts}
    assert cursors[-1]["listings"]["r/all: Narmart"]["gaps"] == []
    assert "are now collected" in caplog.text


def test_old_gaps_are_given_up_after_max_gap_age(settings_factory: Any, h: RedditHarness,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    h.load("empty")
    h.fake.cap = 1
    h.fake.add(h.fake.post("Narmart a", minutes_ago=1))
    h.fake.add(h.fake.post("Narmart b", minutes_ago=2))
    old = time.time() - 20 * 86400
    cursor = {"v": 1, "listings": {"r/all: Narmart": {"watermark": time.time() - 600, "gaps": [[old - 60, old]]}}}
    _, _, cursors = collect(listener(settings_factory, h, queries=["Narmart"], listing_cap=1), cursor)
    assert "giving up on posts between" in caplog.text
    assert all(lo > old for lo, _ in cursors[-1]["listings"]["r/all: Narmart"]["gaps"])


# ---- errors ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("mode", "error", "words"), [
    ("unauthorized", AccessError, ("401", CLIENT_ID_ENV, CLIENT_SECRET_ENV, "client credentials")),
    ("bad_token", AccessError, ("401", "access token", CLIENT_ID_ENV)),
    ("app_forbidden", AccessError, ("403", "token request", "Data API access")),
    ("forbidden", AccessError, ("403", "Data API access")),
    ("private", AccessError, ("403", "r/all is private")),
    ("quarantined", AccessError, ("403", "quarantined", "opted in")),
    ("banned", SourceError, ("r/all is banned", "options.subreddits")),
])
def test_errors_are_typed_and_explained(settings_factory: Any, h: RedditHarness, mode: str, error: type,
                                        words: tuple[str, ...]) -> None:
    h.load("pages")
    h.fake.mode = mode
    with pytest.raises(error) as exc:
        collect(listener(settings_factory, h))
    for word in words:
        assert word in str(exc.value)
    for secret in h.secrets():
        assert secret not in str(exc.value)


def test_429_waits_for_the_reset_or_fails_with_reset_at(settings_factory: Any, h: RedditHarness) -> None:
    expected = h.load("rate_limit")
    mentions, _, _ = collect(listener(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    assert h.our_sleeps == [3.0]
    h.load("rate_limit")
    h.fake.rate_limit_reset = 900
    with pytest.raises(RateLimitError, match="max_wait_seconds=300") as exc:
        collect(listener(settings_factory, h))
    assert exc.value.reset_at == pytest.approx(time.time() + 900, abs=30)
    assert h.our_sleeps == []


def test_5xx_backs_off_then_fails_after_yielding_what_it_had(settings_factory: Any, h: RedditHarness) -> None:
    expected = h.load("crash")
    lst = listener(settings_factory, h)
    got: set[str] = set()
    cursors: list[Any] = []

    def run() -> None:
        for page in lst.pages(None):
            got.update(m.native_id for m in page.mentions)
            cursors.append(page.cursor)

    with pytest.raises(SourceError, match="failed 5 times") as exc:
        run()
    assert not isinstance(exc.value, AccessError | RateLimitError)
    assert h.our_sleeps == [1.0, 2.0, 4.0, 8.0]
    assert len(got) == 2 * 3 + 1  # pages 1-2 (and a comment) were yielded
    assert got < expected
    assert all(c == {"v": 1, "listings": {}} for c in cursors)  # in progress: the old (no) watermark
    h.heal()
    mentions, _, _ = collect(lst, cursors[-1])
    assert {m.native_id for m in mentions} == expected
