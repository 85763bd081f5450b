"""The bluesky listener against the fake XRPC service on 127.0.0.1 (no Prefect, no network)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from core.config import Source
from core.errors import AccessError, ConfigError, MissingCredentialsError, RateLimitError, SourceError
from listeners import registry
from listeners.bluesky import HANDLE_ENV, PASSWORD_ENV, BlueskyListener, Window, build_queries, post_to_mention, sort_at
from tests.fakes import FakeServer, Request, Response
from tests.fakes import collect as collect_pages
from tests.fakes.bluesky import HANDLE, PASSWORD, BlueskyHarness, FakeBluesky

ALL_QUERIES = ["Narmart", "Нармарт", "Նարմարտ", "Tezbazar", "Тезбазар", "Lumo"]


@pytest.fixture
def h(start_harness: Any) -> BlueskyHarness:
    return start_harness(BlueskyHarness())


def listener(settings_factory: Any, h: BlueskyHarness, **options: Any) -> BlueskyListener:
    made = h.listener(settings_factory(), name="bsky", **{"min_interval_seconds": 0, **options})
    assert isinstance(made, BlueskyListener)
    return made


def collect(lst: BlueskyListener, cursor: dict[str, Any] | None = None) -> tuple[list[Any], list[Any], Any]:
    """(mentions, rejects, the last cursor a page carried, else ``cursor``)."""
    mentions, rejects, cursors = collect_pages(lst, cursor)
    return mentions, rejects, next((c for c in reversed(cursors) if c), cursor)


def searches(server: FakeServer, q: str | None = None) -> list[Request]:
    return [r for r in server.requests if r.path.endswith("searchPosts") and (q is None or r.query["q"] == [q])]


def calls(server: FakeServer, nsid: str) -> int:
    return sum(r.path == f"/xrpc/{nsid}" for r in server.requests)


# ---- queries and options ---------------------------------------------------------------------------
def test_one_query_per_term_handle_and_hashtag(settings_factory: Any) -> None:
    settings = settings_factory()
    assert build_queries(Source(name="b", type="bluesky"), settings) == ALL_QUERIES  # @narmart == Narmart
    custom = settings_factory(brands=[{"name": "Nar Mart", "keywords": ["nar mart", "NM$"],
                                       "handles": ["@narmart.az", "narmart"], "hashtags": ["#NarmartPayız"]}],
                              competitors=[])
    assert build_queries(Source(name="b", type="bluesky"), custom) == [
        '"Nar Mart"', "NM", "mentions:narmart.az", "narmart", "#NarmartPayız"]
    raw = Source(name="b", type="bluesky", queries=["Narmart lang:az", " narmart LANG:az ", "from:x.bsky.social"])
    assert build_queries(raw, settings) == ["Narmart lang:az", "from:x.bsky.social"]


def test_options_are_validated_and_credentials_are_lazy(settings_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HANDLE_ENV, raising=False)
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    settings = settings_factory()
    made = registry.create(Source(name="b", type="bsky"), settings)  # no credentials needed to build it
    assert made.name == "b"
    with pytest.raises(MissingCredentialsError, match=HANDLE_ENV):
        next(iter(made.pages(None)))
    monkeypatch.setenv(HANDLE_ENV, HANDLE)
    with pytest.raises(MissingCredentialsError, match="App passwords"):
        next(iter(made.pages(None)))
    with pytest.raises(ConfigError, match=r"options\.page_sise: unknown option; allowed: pds_url, api_base"):
        registry.create(Source(name="b", type="bluesky", options={"page_sise": 10}), settings)
    with pytest.raises(ConfigError, match=r"options\.limit"):
        registry.create(Source(name="b", type="bluesky", options={"limit": 101}), settings)
    with pytest.raises(ConfigError, match=r"options\.api_base: must be an http\(s\) URL"):
        registry.create(Source(name="b", type="bluesky", options={"api_base": "bsky.social"}), settings)
    with pytest.raises(ConfigError, match=r"options\.lang"):
        registry.create(Source(name="b", type="bluesky", options={"lang": ["Azeri"]}), settings)


@pytest.mark.parametrize(("lang", "sent"), [("az", ["az"]), (["tr"], ["tr"]), (["az", "tr"], None), (None, None)])
def test_lang_is_sent_only_for_one_language(settings_factory: Any, h: BlueskyHarness, lang: Any,
                                            sent: list[str] | None) -> None:
    h.load("empty")
    collect(listener(settings_factory, h, lang=lang))
    assert all(r.query.get("lang") == sent for r in searches(h.server))


# ---- normalisation ---------------------------------------------------------------------------------
def test_a_reply_post_view_is_normalised() -> None:
    fake = FakeBluesky()
    root = fake.post("Narmart thread", author="ivan.bsky.social")
    view = fake.post("Нармарт 🚚 ужас", author="anush.bsky.social", reply_to=root["uri"], likes=4, reposts=2,
                     quotes=1, replies=3)
    m = post_to_mention(view)
    did, rkey = view["uri"].removeprefix("at://").split("/app.bsky.feed.post/")
    assert m.platform == "bluesky"
    assert m.native_id == f"{did}/{rkey}"
    assert m.url == f"https://bsky.app/profile/{did}/post/{rkey}"  # the DID, never the handle
    assert m.text == "Нармарт 🚚 ужас"
    assert m.created_at == datetime.fromisoformat(view["record"]["createdAt"])
    assert m.created_at.tzinfo is not None
    assert (m.author, m.likes, m.reposts, m.replies, m.views) == ("anush.bsky.social", 4, 3, 3, None)
    assert (m.thread_id, m.parent_id) == (root["uri"], root["uri"])
    top = post_to_mention(root)
    assert (top.thread_id, top.parent_id) == (root["uri"], None)
    root["author"]["handle"] = "handle.invalid"
    anon = post_to_mention(root)
    assert anon.author is None
    assert anon.url.startswith("https://bsky.app/profile/did:web:ivan.example.com/post/")


def test_malformed_items_are_rejected_with_reasons(settings_factory: Any, h: BlueskyHarness) -> None:
    expected = h.load("malformed")
    mentions, rejects, _ = collect(listener(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    reasons = " | ".join(r.reason for r in rejects)
    for reason in ("missing uri", "not an app.bsky.feed.post AT-URI", "missing record",
                   "record.text is missing", "record.createdAt is missing", "record.createdAt is not an RFC 3339",
                   "likeCount must be a non-negative integer", "expected a postView object, got str"):
        assert reason in reasons
    assert all(r.source == "bsky" and r.record for r in rejects)


# ---- collection and cursors ------------------------------------------------------------------------
def test_collects_every_query_and_moves_the_watermark(settings_factory: Any, h: BlueskyHarness) -> None:
    expected = h.load("pages")
    lst = listener(settings_factory, h)
    mentions, rejects, cursor = collect(lst)
    assert {m.native_id for m in mentions} == expected  # the tezbazar.fake homonym is dropped, no duplicates
    assert len(mentions) == len(expected)
    assert not rejects
    assert calls(h.server, "com.atproto.server.createSession") == 1
    assert [r.query["q"][0] for r in searches(h.server) if "cursor" not in r.query] == ALL_QUERIES
    first = searches(h.server, "Narmart")[0]
    assert first.headers["authorization"].startswith("Bearer eyJ")
    assert (first.query["sort"], first.query["limit"]) == (["latest"], ["100"])
    assert "since" in first.query  # the first window starts options.lookback_days ago
    assert [r.query.get("cursor") for r in searches(h.server, "Narmart")] == [None, ["o3"], ["o6"], ["o9"]]
    assert set(cursor["queries"]) == set(ALL_QUERIES)
    assert all(set(state) == {"since"} for state in cursor["queries"].values())
    newest = max(datetime.fromisoformat(p.view["record"]["createdAt"]) for p in h.fake.entries
                 if "Narmart" in p.match_text)
    assert datetime.fromisoformat(cursor["queries"]["Narmart"]["since"]) == newest - timedelta(seconds=300)

    before = len(h.server.requests)
    again, _, _ = collect(lst, cursor)
    second = [r for r in h.server.requests[before:] if r.path.endswith("searchPosts") and r.query["q"] == ["Narmart"]]
    assert second[0].query["since"] == [cursor["queries"]["Narmart"]["since"]]
    assert {m.native_id for m in again} < expected  # only the overlap is read again


def test_crash_mid_window_resumes_from_the_api_cursor(settings_factory: Any, h: BlueskyHarness) -> None:
    expected = h.load("crash")
    lst = listener(settings_factory, h)
    got, cursors = [], []

    def run() -> None:
        for page in lst.pages(None):
            got.extend(page.mentions)
            cursors.append(page.cursor)

    with pytest.raises(SourceError, match="failed 5 times"):
        run()
    assert len(cursors) == 2
    assert h.sleeps() == [1.0, 2.0, 4.0, 8.0]
    state = cursors[-1]["queries"]["Narmart"]
    assert state["resume"]["cursor"] == "o6"
    assert state["since"] == searches(h.server, "Narmart")[0].query["since"][0]  # the old since is kept
    h.heal()
    before = len(h.server.requests)
    rest, _, final = collect(lst, cursors[-1])
    resumed = [r for r in h.server.requests[before:] if r.path.endswith("searchPosts") and r.query["q"] == ["Narmart"]]
    assert resumed[0].query["cursor"] == ["o6"]
    assert resumed[0].query["since"] == [state["since"]]
    assert {m.native_id for m in got} | {m.native_id for m in rest} == expected
    assert not {m.native_id for m in got} & {m.native_id for m in rest}
    assert final["queries"]["Narmart"] == {"since": final["queries"]["Narmart"]["since"]}
    assert final["queries"]["Narmart"]["since"] > state["since"]


def test_a_rejected_cursor_restarts_the_window_once(settings_factory: Any, h: BlueskyHarness) -> None:
    expected = h.load("crash")
    h.heal()
    since = "2026-01-01T00:00:00.000Z"
    saved = {"v": 1, "queries": {"Narmart": {"since": since, "resume": {"cursor": "stale", "newest": None}}}}
    mentions, _, cursor = collect(listener(settings_factory, h), saved)
    narmart = searches(h.server, "Narmart")
    assert narmart[0].query["cursor"] == ["stale"]
    assert "cursor" not in narmart[1].query
    assert narmart[1].query["since"] == [since]
    assert {m.native_id for m in mentions} == expected
    assert "resume" not in cursor["queries"]["Narmart"]
    h.fake.reject_cursors = True  # every cursor refused: fail instead of looping
    with pytest.raises(SourceError, match="rejected query 'Narmart'"):
        collect(listener(settings_factory, h), saved)


def test_max_pages_keeps_the_window_open_for_the_next_run(settings_factory: Any, h: BlueskyHarness) -> None:
    expected = h.load("crash")
    h.heal()
    lst = listener(settings_factory, h, max_pages=1)
    first, _, cursor = collect(lst)
    assert len(first) == 3
    assert cursor["queries"]["Narmart"]["resume"]["cursor"] == "o3"
    seen = {m.native_id for m in first}
    for _ in range(3):
        more, _, cursor = collect(lst, cursor)
        seen |= {m.native_id for m in more}
    assert seen == expected
    assert "resume" not in cursor["queries"]["Narmart"]


def test_watermark_ignores_future_clocks_and_never_moves_back() -> None:
    fake = FakeBluesky()
    view = fake.post("Narmart from the future")
    view["record"]["createdAt"] = "2099-01-01T00:00:00Z"
    assert sort_at(view) == datetime.fromisoformat(view["indexedAt"])
    window = Window(datetime(2026, 11, 1, tzinfo=UTC), None, None)
    window.see(datetime(2099, 1, 1, tzinfo=UTC))
    assert window.newest is not None
    assert window.newest <= datetime.now(UTC)
    old = Window(datetime(2026, 11, 1, tzinfo=UTC), None, datetime(2026, 11, 1, 0, 1, tzinfo=UTC))
    assert old.close(300) == {"since": "2026-11-01T00:00:00.000Z"}


# ---- rate limits, retries, errors --------------------------------------------------------------------
def test_429_waits_for_ratelimit_reset(settings_factory: Any, h: BlueskyHarness) -> None:
    expected = h.load("rate_limit")
    mentions, _, _ = collect(listener(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    assert len(h.sleeps()) == 1
    assert 1 <= h.sleeps()[0] <= 3.5


def test_429_beyond_the_cap_raises_with_reset_time(settings_factory: Any, h: BlueskyHarness) -> None:
    h.load("rate_limit")
    h.fake.rate_limit_reset_in = 600
    with pytest.raises(RateLimitError, match="max_wait_seconds=300") as exc:
        collect(listener(settings_factory, h))
    assert exc.value.reset_at is not None
    assert abs(exc.value.reset_at - (time.time() + 600)) < 5
    assert h.sleeps() == []


def test_exhausted_window_waits_before_the_next_request(settings_factory: Any, h: BlueskyHarness) -> None:
    h.load("crash")
    h.heal()
    h.fake.remaining_zero = True
    collect(listener(settings_factory, h))
    assert h.sleeps()
    assert all(0 < s <= 2.5 for s in h.sleeps())


def test_pacing_keeps_min_interval(settings_factory: Any, h: BlueskyHarness) -> None:
    h.load("pages")
    collect(listener(settings_factory, h, min_interval_seconds=0.5))
    assert len(h.sleeps()) >= len(ALL_QUERIES)
    assert all(0 < s <= 0.5 for s in h.sleeps())


def test_timeouts_are_retried(settings_factory: Any, h: BlueskyHarness) -> None:
    expected = h.load("pages")
    slow = {"left": 1}

    def handler(req: Request) -> Response:
        if req.path.endswith("searchPosts") and slow["left"]:
            slow["left"] -= 1
            time.sleep(0.5)
        return h.fake(req)

    with FakeServer(handler) as server:
        opts = {"pds_url": server.url, "api_base": server.url, "timeout_seconds": 0.2, "min_interval_seconds": 0}
        lst = registry.create(Source(name="bsky", type="bluesky", options=opts), settings_factory())
        mentions, _, _ = collect(lst)  # type: ignore[arg-type]
    assert {m.native_id for m in mentions} == expected
    assert h.sleeps() == [1.0]


def test_bad_credentials_name_the_env_vars(settings_factory: Any, h: BlueskyHarness) -> None:
    h.load("unauthorized")
    with pytest.raises(AccessError) as exc:
        collect(listener(settings_factory, h))
    message = str(exc.value)
    assert "401" in message
    assert HANDLE_ENV in message
    assert PASSWORD_ENV in message
    assert PASSWORD not in message
    assert searches(h.server) == []


def test_forbidden_login_and_search_are_access_errors(settings_factory: Any, h: BlueskyHarness) -> None:
    h.load("pages")
    h.fake.mode = "login_forbidden"
    with pytest.raises(AccessError, match="403"):
        collect(listener(settings_factory, h))
    h.load("forbidden")
    with pytest.raises(AccessError, match=r"403 Forbidden .*public\.api\.bsky\.app"):
        collect(listener(settings_factory, h))


def test_expired_token_is_refreshed_mid_run(settings_factory: Any, h: BlueskyHarness) -> None:
    expected = h.load("pages")
    h.fake.expire_next_search = True
    mentions, _, _ = collect(listener(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    assert calls(h.server, "com.atproto.server.refreshSession") == 1
    assert calls(h.server, "com.atproto.server.createSession") == 1
    refresh = next(r for r in h.server.requests if r.path.endswith("refreshSession"))
    assert refresh.headers["authorization"].removeprefix("Bearer ") in h.fake.issued


def test_failed_refresh_logs_in_again(settings_factory: Any, h: BlueskyHarness) -> None:
    expected = h.load("pages")
    h.fake.expire_next_search = True
    h.fake.refresh_fails = True
    mentions, _, _ = collect(listener(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    assert calls(h.server, "com.atproto.server.createSession") == 2


def test_login_sends_handle_and_app_password_once(settings_factory: Any, h: BlueskyHarness) -> None:
    h.load("empty")
    collect(listener(settings_factory, h))
    login = next(r for r in h.server.requests if r.path.endswith("createSession"))
    assert login.method == "POST"
    assert json.loads(login.body) == {"identifier": HANDLE, "password": PASSWORD}
    assert login.headers["content-type"] == "application/json"
    assert "authorization" not in login.headers
    assert calls(h.server, "com.atproto.server.createSession") == 1
