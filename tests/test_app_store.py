"""The app-store listener against the fake customer-reviews feed on 127.0.0.1 (tests/fakes/app_store.py)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from core.config import Source
from core.errors import ConfigError
from listeners import registry
from listeners.app_store import AppStoreListener
from tests.fakes import collect
from tests.fakes.app_store import APP, AppStoreHarness


@pytest.fixture
def h(start_harness: Any) -> AppStoreHarness:
    return start_harness(AppStoreHarness())


def listener(settings_factory: Any, h: AppStoreHarness, **options: Any) -> AppStoreListener:
    lst = registry.create(Source(name="ios", type="app-store", options={**h.options(), **options}), settings_factory())
    assert isinstance(lst, AppStoreListener)
    return lst


def test_the_page_cap_is_validated(settings_factory: Any, h: AppStoreHarness) -> None:
    with pytest.raises(ConfigError, match="max_pages"):
        listener(settings_factory, h, max_pages=11)


def test_reviews_with_rating_title_and_one_entry_pages(settings_factory: Any, h: AppStoreHarness) -> None:
    expected = h.load("pages")
    mentions, rejects, cursors = collect(listener(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    assert not rejects
    first = next(m for m in mentions if m.text.endswith("Tətbiq donur"))
    assert first.text == "Rəy\n\nTətbiq donur"
    assert dict(first.extras)["rating"] == "1"
    assert first.rating == 1
    assert dict(first.extras)["app_version"] == "4.2.1"
    assert first.brand_hint == "Narmart"
    assert first.created_at.utcoffset().total_seconds() == 0
    assert any(m.text.endswith("Uygulama çok yavaş") for m in mentions)  # tr: the feed's single entry object
    new = h.fake.review("Yeni: ödəniş alınmır", minutes_ago=1)
    h.server.requests.clear()
    again, _, _ = collect(listener(settings_factory, h), cursors[-1])
    assert [m.native_id for m in again] == [new["id"]["label"]]
    assert len([r for r in h.server.requests if f"id={APP}" in r.path and "/az/" in r.path]) == 1


def test_the_feed_stops_at_page_ten_with_a_warning(settings_factory: Any, h: AppStoreHarness,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    h.load("empty")
    for i in range(40):
        h.fake.review(f"Rəy {i}", minutes_ago=200 - i)
    caplog.set_level(logging.WARNING)
    mentions, _, _ = collect(listener(settings_factory, h, max_pages=10))
    assert len(mentions) == 30  # 10 pages of the fake's 3
    assert max(int(r.path.split("page=")[1].split("/")[0]) for r in h.server.requests) == 10
    assert "ends after page 10" in caplog.text
