"""The telegram-bot listener against the fake Bot API on 127.0.0.1 (tests/fakes/telegram_bot.py)."""

from __future__ import annotations

from typing import Any

import pytest

from core.config import Source
from core.errors import ConfigError, RateLimitError, SourceError
from listeners import registry
from listeners.telegram_bot import TelegramBotListener
from tests.fakes import collect
from tests.fakes.telegram_bot import SUPPORT, TelegramBotHarness


@pytest.fixture
def h(start_harness: Any) -> TelegramBotHarness:
    return start_harness(TelegramBotHarness())


def listener(settings_factory: Any, h: TelegramBotHarness, **options: Any) -> TelegramBotListener:
    lst = registry.create(Source(name="bot", type="telegram-bot", options={**h.options(), **options}),
                          settings_factory())
    assert isinstance(lst, TelegramBotListener)
    return lst


def test_brand_must_be_configured(settings_factory: Any) -> None:
    with pytest.raises(ConfigError, match="not a configured brand"):
        registry.create(Source(name="bot", type="telegram-bot", options={"brand": "Nope"}), settings_factory())


def test_offsets_confirm_only_stored_pages(settings_factory: Any, h: TelegramBotHarness) -> None:
    expected = h.load("pages")
    mentions, _, cursors = collect(listener(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    assert all(m.brand_hint == "Narmart" for m in mentions)
    offsets = [c.get("offset", ["-"])[0] for c in h.fake.calls]
    assert offsets[0] == "-"  # first run: no offset
    # each later call confirms the pages before it, which were stored; the last page is confirmed next run
    assert [int(o) for o in offsets[1:]] == [c["bot"]["updates"]["offset"] for c in cursors[:-1]]
    support = next(m for m in mentions if m.native_id.startswith(str(SUPPORT["id"])[4:]))
    assert support.url.startswith("https://t.me/narmart_support/")


def test_without_brand_the_keywords_decide(settings_factory: Any, h: TelegramBotHarness) -> None:
    h.load("pages")
    mentions, _, _ = collect(listener(settings_factory, h, brand=None))
    assert [m.text for m in mentions] == ["VIP: Narmart-da çatdırılma gecikir"]


@pytest.mark.parametrize("edits", [True, False])
def test_an_edit_in_the_same_page_wins_only_with_edits(settings_factory: Any, h: TelegramBotHarness,
                                                       edits: bool) -> None:
    h.load("empty")
    first = h.fake.message("Sifariş gecikir", minutes_ago=5)
    h.fake.message("Sifariş gecikir, 3 gündür!", minutes_ago=5, kind="edited_message",
                   mid=first["message"]["message_id"])
    mentions, _, _ = collect(listener(settings_factory, h, edits=edits))
    assert [(m.text, m.edited) for m in mentions] == (
        [("Sifariş gecikir, 3 gündür!", True)] if edits else [("Sifariş gecikir", False)])


def test_webhook_conflict_and_long_floods_are_one_line(settings_factory: Any, h: TelegramBotHarness) -> None:
    h.load("pages")
    h.fake.mode = "conflict"
    with pytest.raises(SourceError, match="deleteWebhook"):
        collect(listener(settings_factory, h))
    h.load("rate_limit")
    h.fake.retry_after = 5000
    with pytest.raises(RateLimitError) as exc:
        collect(listener(settings_factory, h, max_wait_seconds=60))
    assert exc.value.reset_at is not None
