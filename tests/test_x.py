"""The x listener against the fake X API v2 on 127.0.0.1, through the real tweepy client (no Prefect, no network)."""

from __future__ import annotations

import logging
import socket
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core import redact
from core.config import Source
from core.errors import AccessError, ConfigError, MissingCredentialsError, RateLimitError, SourceError
from listeners import parse_options, registry
from listeners.x import TOKEN_ENV, XListener, XOptions, build_queries, query_key, tweet_to_mention
from tests.fakes import Request, collect
from tests.fakes.x import (
    BEARER,
    PAGE_SIZE,
    FakeX,
    XHarness,
    compile_query,
    fill_crash,
    fill_malformed,
    fill_pages,
    snowflake,
)

DEFAULT_Q = ('(Narmart OR Нармарт OR Նարմարտ OR @narmart OR ((Tezbazar OR Тезбазар) -"tezbazar.fake") OR Lumo) '
             "-is:retweet")


@pytest.fixture
def h(start_harness: Any) -> XHarness:
    return start_harness(XHarness())


def make(settings_factory: Any, h: XHarness, queries: list[str] | None = None, settings: Any = None,
         **options: Any) -> XListener:
    made = h.listener(settings or settings_factory(), name="xs", queries=queries, **options)
    assert isinstance(made, XListener)
    return made


def searches(h: XHarness) -> list[Request]:
    return [r for r in h.server.requests if r.path.startswith("/2/tweets/search/")]


def opts_for(**options: Any) -> Any:
    return parse_options(XOptions, Source(name="xs", type="x", options=options))


# ---- queries ---------------------------------------------------------------------------------------------
def test_default_query_ors_all_brands_and_keeps_exclusions_inside_their_brand(settings_factory: Any) -> None:
    queries = build_queries(Source(name="xs", type="x"), settings_factory(), opts_for())
    assert queries == [DEFAULT_Q]
    fake = FakeX()
    match = compile_query(DEFAULT_Q)
    narmart = fake.tweet("Narmart tezbazar.fake ilə müqayisə")  # Tezbazar's exclusion must not hide Narmart
    fake.tweet("tezbazar.fake giveaway")
    fake.tweet("RT @a: Narmart", retweet_of={"id": "1"})
    assert [e.payload["id"] for e in fake.entries if match(e)] == [narmart["id"]]


def test_terms_are_quoted_handles_checked_and_filters_appended(settings_factory: Any) -> None:
    settings = settings_factory(brands=[{"name": "Nar Mart", "keywords": ["nar mart", "NM$", 'say "hi"', "OR",
                                                                          "narmart.az"],
                                         "handles": ["@narmart_az", "narmart.bsky.social"],
                                         "hashtags": ["#NarmartPayız"]}], competitors=[])
    queries = build_queries(Source(name="xs", type="x"), settings, opts_for(lang=["az", "tr"], include_retweets=True))
    assert queries == [('("Nar Mart" OR "nar mart" OR NM OR "say hi" OR "OR" OR "narmart.az" OR @narmart_az '
                       "OR #NarmartPayız) (lang:az OR lang:tr)")]
    compile_query(queries[0])  # the fake (an X query parser) accepts it
    assert build_queries(Source(name="xs", type="x"), settings, opts_for(lang="az"))[0].endswith(
        " -is:retweet lang:az")


def test_raw_queries_are_used_verbatim_and_checked_for_length(settings_factory: Any) -> None:
    raw = Source(name="xs", type="x", queries=["Narmart lang:az has:links", "  ", "Narmart lang:az has:links"])
    assert build_queries(raw, settings_factory(), opts_for()) == ["Narmart lang:az has:links"]
    with pytest.raises(ConfigError, match="max_query_length is 512"):
        build_queries(Source(name="xs", type="x", queries=["x" * 513]), settings_factory(), opts_for())


def test_long_term_lists_split_under_the_limit_each_term_once(settings_factory: Any) -> None:
    words = [f"Narmartproduct{i:03d}" for i in range(40)]
    settings = settings_factory(brands=[{"name": "Narmart", "keywords": words}],
                                competitors=[{"name": "Tezbazar", "keywords": [f"Tezbazar{i:02d}" for i in range(20)],
                                              "exclude": ["tezbazar.fake"]}])
    queries = build_queries(Source(name="xs", type="x"), settings, opts_for(max_query_length=200))
    assert len(queries) > 3
    assert all(len(q) <= 200 and q.endswith(" -is:retweet") for q in queries)
    body = " ".join(queries)
    for term in [*words, *(f"Tezbazar{i:02d}" for i in range(20))]:
        assert body.count(f"{term} ") + body.count(f"{term})") == 1, term
    tez = [q for q in queries if "Tezbazar0" in q or "Tezbazar1" in q]
    assert tez
    assert all('-"tezbazar.fake")' in q for q in tez)
    assert len({query_key(q) for q in queries}) == len(queries)
    with pytest.raises(ConfigError, match="does not fit"):
        build_queries(Source(name="xs", type="x"),
                      settings_factory(competitors=[{"name": "Lumo", "keywords": ["Lumo"], "exclude": ["z" * 70]}]),
                      opts_for(max_query_length=64))


def test_split_queries_collect_everything_with_one_cursor_each(settings_factory: Any, h: XHarness) -> None:
    words = [f"Narmartproduct{i:03d}" for i in range(30)]
    settings = settings_factory(brands=[{"name": "Narmart", "keywords": words}], competitors=[])
    ids = {h.fake.tweet(f"{w} çatdırılma gecikdi", minutes_ago=5 + i)["id"] for i, w in enumerate(words)}
    lst = make(settings_factory, h, settings=settings, max_query_length=150)
    assert len(lst.queries) > 2
    mentions, _, cursors = collect(lst)
    assert {m.native_id for m in mentions} == ids
    assert all(len(r.query["query"][0]) <= 150 for r in searches(h))
    final = cursors[-1]["queries"]
    assert set(final) == {query_key(q) for q in lst.queries}
    assert all(set(state) == {"since_id"} for state in final.values())


# ---- normalisation ---------------------------------------------------------------------------------------
WIRE = {
    "id": "1861234567890123456", "text": "@narmart Narmart &amp; Lumo &lt;3 gecikmə &gt; 3 gün",
    "created_at": "2026-11-20T10:00:00.000Z", "author_id": "42", "conversation_id": "1861234500000000000",
    "lang": "az", "in_reply_to_user_id": "7", "edit_history_tweet_ids": ["1861234567890123456"],
    "referenced_tweets": [{"type": "quoted", "id": "1861234400000000000"},
                          {"type": "replied_to", "id": "1861234500000000000"}],
    "public_metrics": {"retweet_count": 3, "reply_count": 2, "like_count": 11, "quote_count": 4,
                       "bookmark_count": 1, "impression_count": 950},
}


def test_one_wire_tweet_normalises_to_a_mention() -> None:
    m = tweet_to_mention(WIRE, {"42": "aysel_b"})
    assert (m.platform, m.native_id, m.author) == ("x", "1861234567890123456", "aysel_b")
    assert m.text == "@narmart Narmart & Lumo <3 gecikmə > 3 gün"
    assert m.created_at == datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert m.url == "https://x.com/aysel_b/status/1861234567890123456"
    assert (m.likes, m.reposts, m.replies, m.views) == (11, 7, 2, 950)
    assert (m.thread_id, m.parent_id) == ("1861234500000000000", "1861234500000000000")
    bare = tweet_to_mention({**WIRE, "public_metrics": {"like_count": 1}, "referenced_tweets": None,
                             "note_tweet": {"text": "Narmart " + "uzun " * 100}}, {})
    assert bare.url == "https://x.com/i/web/status/1861234567890123456"
    assert bare.author is None
    assert bare.views is None
    assert bare.parent_id is None
    assert bare.text.startswith("Narmart uzun")
    assert len(bare.text) > 280


@pytest.mark.parametrize(("change", "reason"), [
    ({"id": None}, "missing id"),
    ({"id": "12ab"}, "id is not a numeric id"),
    ({"text": None}, "missing text"),
    ({"text": None, "withheld": {"copyright": False, "country_codes": ["AZ", "TR"]}}, "withheld in AZ, TR"),
    ({"created_at": None}, "missing created_at"),
    ({"created_at": "yesterday"}, "created_at is not an ISO 8601 timestamp"),
    ({"public_metrics": {"like_count": -1}}, "public_metrics.like_count must be a non-negative integer"),
    ({"public_metrics": {"like_count": "many"}}, "public_metrics.like_count must be a non-negative integer"),
    ({"conversation_id": 5}, "conversation_id is not a numeric id"),
])
def test_invalid_tweets_are_rejected_with_the_field_named(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        tweet_to_mention({**WIRE, **change}, {})
    with pytest.raises(ValueError, match="expected a tweet object"):
        tweet_to_mention(["not", "a", "tweet"], {})


def test_malformed_page_keeps_good_tweets_and_quarantines_the_rest_without_user_ids(settings_factory: Any,
                                                                                    h: XHarness) -> None:
    expected = fill_malformed(h.fake)
    mentions, rejects, _ = collect(make(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    reasons = sorted(r.reason.split(": ", 1)[1] for r in rejects)
    assert reasons == ["created_at is not an ISO 8601 timestamp: 'yesterday at noon'", ("expected a tweet object, "
                       "got str"), "missing created_at", "missing id", "missing text",
                       "public_metrics.like_count must be a non-negative integer, not '-3'",
                       "withheld in AZ and served without text"]
    assert all(r.record.get("author_id") in {None, "<removed>"} for r in rejects)
    ghost = next(m for m in mentions if "suspended" in m.text)
    assert ghost.author is None
    assert "/i/web/status/" in (ghost.url or "")


# ---- requests and cursors --------------------------------------------------------------------------------
def test_requests_carry_the_fields_and_the_bearer_token(settings_factory: Any, h: XHarness) -> None:
    fill_pages(h.fake)
    collect(make(settings_factory, h))
    first = searches(h)[0]
    assert first.path == "/2/tweets/search/recent"
    assert first.headers["authorization"] == f"Bearer {BEARER}"
    assert first.query["query"] == [DEFAULT_Q]
    assert set(first.query["tweet.fields"][0].split(",")) >= {
        "created_at", "public_metrics", "conversation_id", "referenced_tweets", "lang", "author_id",
        "in_reply_to_user_id", "note_tweet"}
    assert (first.query["expansions"], first.query["user.fields"]) == (["author_id"], ["username"])
    assert (first.query["max_results"], first.query["sort_order"]) == ([str(PAGE_SIZE)], ["recency"])
    assert "since_id" not in first.query
    assert "next_token" in searches(h)[1].query


def test_cursor_walks_the_window_then_moves_since_id(settings_factory: Any, h: XHarness) -> None:
    expected = fill_pages(h.fake)
    lst = make(settings_factory, h)
    key = query_key(DEFAULT_Q)
    mentions, _, cursors = collect(lst)
    assert {m.native_id for m in mentions} == expected
    assert len(cursors) == 3
    ids = sorted((int(i) for i in expected), reverse=True)
    assert cursors[0]["queries"][key] == {"until_id": str(ids[PAGE_SIZE - 1]), "newest_id": str(ids[0])}
    assert cursors[1]["queries"][key] == {"until_id": str(ids[2 * PAGE_SIZE - 1]), "newest_id": str(ids[0])}
    assert cursors[2]["queries"][key] == {"since_id": str(ids[0])}
    h.server.requests.clear()
    fresh = h.fake.tweet("Narmart yeni post", minutes_ago=1)
    mentions, _, again = collect(lst, cursors[-1])
    assert [m.native_id for m in mentions] == [fresh["id"]]
    assert [r.query.get("since_id") for r in searches(h)] == [[str(ids[0])]]
    assert again[-1]["queries"][key] == {"since_id": fresh["id"]}


def test_a_crash_after_page_two_refetches_only_pages_three_and_four(settings_factory: Any, h: XHarness) -> None:
    expected = fill_crash(h.fake)
    h.heal()
    lst = make(settings_factory, h)
    gen = lst.pages(None)
    first_two = [next(gen), next(gen)]
    gen.close()  # the process dies after page 2 was stored and its cursor saved
    stored = {m.native_id for p in first_two for m in p.mentions}
    h.server.requests.clear()
    newer = h.fake.tweet("Narmart arrived during the outage", minutes_ago=1)
    mentions, _, cursors = collect(lst, first_two[-1].cursor)
    refetched = {m.native_id for m in mentions}
    assert not refetched & stored
    assert refetched | stored == expected | {newer["id"]}
    calls = searches(h)
    oldest_stored = min(int(i) for i in stored)
    assert calls[0].query["until_id"] == [str(oldest_stored)]
    assert "since_id" not in calls[0].query
    assert len(calls) == 3  # pages 3 and 4 of the old window, then one page of newer posts
    newest_old = max(int(i) for i in expected)
    assert calls[2].query["since_id"] == [str(newest_old)]
    assert "until_id" not in calls[2].query
    assert cursors[-1]["queries"][query_key(DEFAULT_Q)] == {"since_id": newer["id"]}


def test_persistent_5xx_fails_after_retries_with_pages_before_it_kept(settings_factory: Any, h: XHarness) -> None:
    fill_crash(h.fake)
    pages = make(settings_factory, h).pages(None)
    got = [next(pages), next(pages)]
    with pytest.raises(SourceError, match="failed 5 times"):
        next(pages)
    assert len(got[0].mentions) == len(got[1].mentions) == PAGE_SIZE
    assert [s for s in h.sleeps() if s >= 1.5] == [2.0, 4.0, 8.0]  # backoff 1, 2, 4, 8 (1 s hides among pacing)


def test_max_pages_stops_and_the_next_run_resumes(settings_factory: Any, h: XHarness) -> None:
    expected = fill_crash(h.fake)
    h.heal()
    lst = make(settings_factory, h, max_pages=3)
    first, _, cursors = collect(lst)
    assert len(first) == 3 * PAGE_SIZE
    assert "until_id" in cursors[-1]["queries"][query_key(DEFAULT_Q)]
    second, _, cursors = collect(lst, cursors[-1])
    assert {m.native_id for m in first + second} == expected
    assert cursors[-1]["queries"][query_key(DEFAULT_Q)] == {"since_id": max(expected, key=int)}


def test_saved_ids_older_than_seven_days_are_dropped(settings_factory: Any, h: XHarness,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    expected = fill_pages(h.fake)
    old = str(snowflake(datetime.now(UTC) - timedelta(days=9), 1))
    older = str(snowflake(datetime.now(UTC) - timedelta(days=10), 1))
    lst = make(settings_factory, h)
    key = query_key(DEFAULT_Q)
    caplog.set_level(logging.WARNING, logger="listeners.x")
    mentions, _, _cursors = collect(lst, {"v": 1, "queries": {key: {"since_id": old}}})
    assert {m.native_id for m in mentions} == expected
    assert "older than 7 days" in caplog.text
    mentions, _, _ = collect(lst, {"v": 1, "queries": {key: {"since_id": older, "until_id": old, "newest_id": old}}})
    assert {m.native_id for m in mentions} == expected  # the lost window is abandoned, the last 7 days collected
    assert "cannot be finished" in caplog.text


def test_duplicates_and_posts_matching_two_queries_are_yielded_once(settings_factory: Any, h: XHarness) -> None:
    both = h.fake.tweet("Narmart və Lumo eyni gün gəldi", minutes_ago=3)
    mentions, _, _ = collect(make(settings_factory, h, queries=["Narmart", "Lumo"]))
    assert [m.native_id for m in mentions] == [both["id"]]
    h.fake = FakeX(counter=h.fake.counter, repeat_last=True)
    ids = {h.fake.tweet(f"Narmart {i}", minutes_ago=5 + i)["id"] for i in range(25)}
    mentions, _, _ = collect(make(settings_factory, h))
    assert sorted(m.native_id for m in mentions) == sorted(ids)


def test_retweets_language_hint_and_full_archive(settings_factory: Any, h: XHarness) -> None:
    tweet = h.fake.tweet("Narmart çatdırılma", minutes_ago=3)
    rt = h.fake.tweet("RT @aysel_b: Narmart çatdırılma", minutes_ago=2, retweet_of=tweet)
    tr = h.fake.tweet("Narmart kargo geç geldi", minutes_ago=4, lang="tr")
    old = h.fake.tweet("Narmart last month", minutes_ago=60 * 24 * 20)
    got = {m.native_id for m in collect(make(settings_factory, h, include_retweets=True))[0]}
    assert got == {tweet["id"], rt["id"], tr["id"]}  # recent search: 7 days
    got = {m.native_id for m in collect(make(settings_factory, h, lang=["az"]))[0]}
    assert got == {tweet["id"]}
    got = {m.native_id for m in collect(make(settings_factory, h, lookback_days=7))[0]}  # clamped: no 400
    assert got == {tweet["id"], tr["id"]}
    got = {m.native_id for m in collect(make(settings_factory, h, lookback_days=2.5 / 1440))[0]}
    assert got == set()  # the first run only looks 2.5 minutes back
    h.server.requests.clear()
    got = {m.native_id for m in collect(make(settings_factory, h, archive=True, lookback_days=30))[0]}
    assert got == {tweet["id"], tr["id"], old["id"]}
    call = searches(h)[0]
    assert call.path == "/2/tweets/search/all"
    assert "start_time" in call.query


# ---- errors and rate limits ------------------------------------------------------------------------------
def test_401_names_the_variable_and_never_the_token(settings_factory: Any, h: XHarness,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fill_pages(h.fake)
    monkeypatch.setenv(TOKEN_ENV, "AAAA-wrong-token-Qq1")
    with pytest.raises(AccessError, match="401") as exc:
        collect(make(settings_factory, h))
    assert TOKEN_ENV in str(exc.value)
    assert "AAAA-" not in str(exc.value)
    assert len(searches(h)) == 1  # no retries on a rejected token


@pytest.mark.parametrize(("setup", "words"), [
    ({"mode": "forbidden"}, ("403", "client-not-enrolled", "Basic", "Pro or Enterprise")),
    ({"mode": "forbidden_453"}, ("403", "code 453", "Basic")),
    ({"archive_access": False}, ("403", "full-archive search", "Pro or Enterprise")),
])
def test_access_tier_refusals_explain_the_tier(settings_factory: Any, h: XHarness, setup: dict[str, Any],
                                               words: tuple[str, ...]) -> None:
    fill_pages(h.fake)
    for key, value in setup.items():
        setattr(h.fake, key, value)
    archive = {"archive": True, "lookback_days": 30} if "archive_access" in setup else {}
    with pytest.raises(AccessError) as exc:
        collect(make(settings_factory, h, **archive))
    for word in words:
        assert word in str(exc.value)


def test_429_waits_until_the_reset_header(settings_factory: Any, h: XHarness) -> None:
    expected = fill_pages(h.fake)
    h.fake.fail_first, h.fake.reset_in = 429, 120
    mentions, _, _ = collect(make(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    assert 119 <= max(h.sleeps()) <= 122  # reset - now + 1 s


def test_429_beyond_the_cap_raises_with_reset_time(settings_factory: Any, h: XHarness) -> None:
    fill_pages(h.fake)
    h.fake.fail_first, h.fake.reset_in = 429, 5000
    with pytest.raises(RateLimitError, match="max_wait_seconds=900") as exc:
        collect(make(settings_factory, h))
    assert exc.value.reset_at is not None
    assert abs(exc.value.reset_at - (time.time() + 5000)) < 5
    h.fake.mode = "usage_capped"
    with pytest.raises(RateLimitError, match="monthly post cap"):
        collect(make(settings_factory, h))


def test_exhausted_window_waits_before_the_next_request(settings_factory: Any, h: XHarness) -> None:
    fill_pages(h.fake)
    h.fake.remaining, h.fake.reset_in = 1, 60  # the first answer says remaining 0
    collect(make(settings_factory, h))
    assert 59 <= h.sleeps()[0] <= 62
    assert all(abs(s - 1.1) < 0.2 for s in h.sleeps()[1:])  # then the usual pacing


def test_pacing_spaces_requests(settings_factory: Any, h: XHarness) -> None:
    fill_pages(h.fake)
    collect(make(settings_factory, h, min_interval_seconds=2))
    assert len(h.sleeps()) == len(searches(h)) - 1
    assert all(1.8 <= s <= 2.0 for s in h.sleeps())


def test_server_errors_timeouts_and_refused_connections_are_retried(settings_factory: Any, h: XHarness) -> None:
    expected = fill_pages(h.fake)
    h.fake.fail_first = 503
    assert {m.native_id for m in collect(make(settings_factory, h))[0]} == expected
    h.fake.delay = 0.3
    with pytest.raises(SourceError, match=r"failed 2 times \(ReadTimeout\)"):
        collect(make(settings_factory, h, timeout_seconds=0.05, max_retries=2))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(SourceError, match=r"failed 3 times \(ConnectionError\)"):
        collect(make(settings_factory, h, api_base=f"http://127.0.0.1:{port}", max_retries=3))


def test_api_base_path_prefix_and_bad_queries(settings_factory: Any, h: XHarness) -> None:
    h.fake.tweet("Narmart", minutes_ago=2)
    with pytest.raises(SourceError, match=r"404 .*check options\.api_base"):
        collect(make(settings_factory, h, api_base=h.server.url + "/proxy/"))
    assert searches(h) == []
    assert h.server.requests[-1].path == "/proxy/2/tweets/search/recent"
    with pytest.raises(SourceError, match=r"rejected query 'Narmart \(' \(400 Invalid Request"):
        collect(make(settings_factory, h, queries=["Narmart ("]))


# ---- credentials, logging and options --------------------------------------------------------------------
def test_missing_token_is_reported_by_pages_not_by_create(settings_factory: Any, h: XHarness,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_ENV)
    lst = make(settings_factory, h)
    with pytest.raises(MissingCredentialsError, match=f"{TOKEN_ENV} is not set.*bearer_token_block"):
        collect(lst)


def test_tweepy_debug_logs_never_show_the_token(settings_factory: Any, h: XHarness,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fill_pages(h.fake)
    collect(make(settings_factory, h))
    assert "Making API request" in caplog.text
    assert f"Bearer {redact.MASK}" in caplog.text  # scrubbed at the root, whatever library logs it
    assert BEARER not in caplog.text
    assert BEARER not in repr(make(settings_factory, h).client())


@pytest.mark.parametrize(("options", "message"), [
    ({"bogus": 1}, "unknown option"),
    ({"archive": True}, "lookback_days is required with archive"),
    ({"max_results": 500}, "at most 100 posts per page"),
    ({"lookback_days": 10}, "only reaches 7 days back"),
    ({"lang": ["azerbaijani"]}, "ISO 639-1"),
    ({"api_base": "api.x.com"}, "http"),
])
def test_invalid_options_are_config_errors(settings_factory: Any, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        registry.create(Source(name="xs", type="twitter", options=options), settings_factory())
