"""The telegram listener against the fake Telethon client (tests/fakes/telegram.py): real Telethon objects."""

from __future__ import annotations

from typing import Any

import pytest

from core.config import Source
from core.errors import AccessError, ConfigError, RateLimitError
from listeners import registry
from listeners.telegram import SESSION_ENV, TelegramListener, chat_username
from nlp import Scorer
from pipeline import ListenRun
from storage import MentionStore, connect
from tests.conftest import KeywordSentiment
from tests.fakes import collect
from tests.fakes.telegram import TelegramHarness


@pytest.fixture
def h(start_harness: Any) -> TelegramHarness:
    return start_harness(TelegramHarness())


def listener(settings_factory: Any, h: TelegramHarness, **options: Any) -> TelegramListener:
    source = Source(name="tg", type="telegram", options={**h.options(), **options})
    lst = registry.create(source, settings_factory())
    assert isinstance(lst, TelegramListener)
    return lst


@pytest.mark.parametrize(("given", "name"), [
    ("@narmart_news", "narmart_news"), ("https://t.me/narmart_news", "narmart_news"),
    ("t.me/s/Narmart_News/", "Narmart_News"), ("narmart_news", "narmart_news")])
def test_chat_names_are_usernames(given: str, name: str) -> None:
    assert chat_username(given) == name


def test_invite_links_and_bad_options_fail_like_voxpop_check(settings_factory: Any) -> None:
    settings = settings_factory()
    with pytest.raises(ConfigError, match="invite link"):
        registry.create(Source(name="tg", type="telegram", options={"chats": ["https://t.me/+AbCdEf123"]}), settings)
    with pytest.raises(ConfigError, match=r"options\.chats"):
        registry.create(Source(name="tg", type="telegram", options={"chats": []}), settings)
    errors, _ = registry.check(Source(name="tg", type="telegram", options={"chats": ["@ok_name"], "limit": 500}),
                               settings)
    assert any("options.limit" in e for e in errors)


def test_channel_posts_and_discussion_comments(settings_factory: Any, h: TelegramHarness) -> None:
    expected = h.load("pages")
    mentions, rejects, cursors = collect(listener(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    assert not rejects
    news = h.fake.chats["narmart_news"]
    group = h.fake.linked[news.id]
    post = next(m for m in mentions if m.native_id.startswith(f"{news.id}/"))
    assert post.url == f"https://t.me/narmart_news/{post.native_id.split('/')[1]}"
    assert post.likes == 2
    assert post.views == 120
    assert post.replies == 2
    assert post.author is None
    comment = next(m for m in mentions if m.native_id.startswith(f"{group.id}/"))
    assert comment.url.startswith(f"https://t.me/c/{group.id}/")  # the group has no username
    assert comment.thread_id == comment.parent_id
    assert comment.author is not None
    state = cursors[-1]["chats"]["narmart_news"]
    assert state["id"] == news.id
    assert state["discussion"]["id"] == group.id
    assert state["last_id"] == max(m.id for m in h.fake.messages[news.id])
    assert all(kw["flood_sleep_threshold"] == 0 for kw in h.fake.client_kwargs)  # every flood wait comes to us
    # the next run asks only for what is newer than the cursor, and finds nothing
    assert collect(listener(settings_factory, h), cursors[-1])[0] == []


def test_discussions_can_be_left_out(settings_factory: Any, h: TelegramHarness) -> None:
    h.load("pages")
    mentions, _, _ = collect(listener(settings_factory, h, discussions=False))
    group = h.fake.linked[h.fake.chats["narmart_news"].id]
    assert not [m for m in mentions if m.native_id.startswith(f"{group.id}/")]


def test_flood_wait_beyond_the_cap_raises_with_reset(settings_factory: Any, h: TelegramHarness) -> None:
    h.load("rate_limit")
    h.fake.flood_seconds = 4000
    with pytest.raises(RateLimitError, match="resumes from") as exc:
        collect(listener(settings_factory, h, max_wait_seconds=60))
    assert exc.value.reset_at is not None


def test_a_bad_or_revoked_session_is_one_line_without_the_secret(settings_factory: Any, h: TelegramHarness,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    h.load("pages")
    monkeypatch.setenv(SESSION_ENV, "not-a-session-" + "x" * 40)
    with pytest.raises(ConfigError, match="StringSession") as exc:
        collect(listener(settings_factory, h))
    assert "xxxxxxxx" not in str(exc.value)
    monkeypatch.setenv(SESSION_ENV, h.fake.session)
    h.fake.mode = "unauthorized"
    with pytest.raises(AccessError, match="401") as exc:
        collect(listener(settings_factory, h))
    assert h.fake.session not in str(exc.value)
    assert "\n" not in str(exc.value)


def _listen(settings: Any) -> None:
    store = MentionStore(settings.storage.path)
    ListenRun(settings, store, lambda: Scorer(sentiment=KeywordSentiment()), run_id="t").run(["tg"])


def _texts(settings: Any) -> dict[str, str]:
    with connect(settings.storage.path) as con:
        return dict(con.execute("SELECT native_id, text FROM mentions").fetchall())


@pytest.mark.parametrize("edits", [True, False])
def test_edits_replace_the_stored_text_only_when_configured(settings_factory: Any, h: TelegramHarness,
                                                            edits: bool) -> None:
    h.load("pages")
    source = {"name": "tg", "type": "telegram", "options": {**h.options(), "edits": edits}}
    settings = settings_factory(sources=[source], topics={"enabled": False})
    _listen(settings)
    news = h.fake.chats["narmart_news"]
    first = h.fake.messages[news.id][0]
    key = f"{news.id}/{first.id}"
    before = _texts(settings)
    h.fake.edit(news, first.id, "Narmart payız kampaniyası uzadıldı: 40% endirim (düzəliş)")
    _listen(settings)
    after = _texts(settings)
    assert after[key] == ("Narmart payız kampaniyası uzadıldı: 40% endirim (düzəliş)" if edits else before[key])
    assert set(after) == set(before)  # replaced, never duplicated
    with connect(settings.storage.path) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == len(before)


def test_the_real_telethon_client_takes_the_listeners_arguments() -> None:
    """Built (never connected) with real Telethon: flood waits all reach the listener, the session is ours."""
    from pydantic import SecretStr
    from telethon import TelegramClient

    from listeners.telegram import TelegramChats, TelegramOptions
    from tests.fakes.telegram import API_HASH, API_ID, make_session

    session = make_session()
    chats = TelegramChats("tg", TelegramOptions(chats=["@narmart_news"]), SecretStr(API_ID), SecretStr(API_HASH),
                          SecretStr(session))
    try:
        client = chats._client
        assert isinstance(client, TelegramClient)
        assert client.flood_sleep_threshold == 0
        assert client.session.save() == session
        assert API_HASH not in repr(chats)
    finally:
        chats._loop.close()
