"""The youtube listener against the fake Data API on 127.0.0.1 (tests/fakes/youtube.py): quota, errors, params."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from core.config import Source
from core.errors import ConfigError, RateLimitError
from listeners import registry
from listeners.youtube import QUOTA_KEY, YouTubeListener, next_reset, quota_day
from tests.fakes import collect
from tests.fakes.youtube import CAMPAIGN, CHANNEL, KEY, VIDEO, YouTubeHarness


@pytest.fixture
def h(start_harness: Any) -> YouTubeHarness:
    return start_harness(YouTubeHarness())


def listener(settings_factory: Any, h: YouTubeHarness, **options: Any) -> YouTubeListener:
    lst = registry.create(Source(name="yt", type="youtube", options={**h.options(), **options}), settings_factory())
    assert isinstance(lst, YouTubeListener)
    return lst


def test_options(settings_factory: Any) -> None:
    settings = settings_factory()
    with pytest.raises(ConfigError, match="at least one"):
        registry.create(Source(name="yt", type="youtube", options={}), settings)
    with pytest.raises(ConfigError, match="channel ids"):
        registry.create(Source(name="yt", type="youtube", options={"channels": ["@narmart"]}), settings)
    lst = registry.create(Source(name="yt", type="youtube", options={"videos": [f"https://youtu.be/{VIDEO}"]}),
                          settings)
    assert lst.queries == [f"video:{VIDEO}"]


def test_requests_and_comments(settings_factory: Any, h: YouTubeHarness) -> None:
    expected = h.load("pages")
    mentions, rejects, cursors = collect(listener(settings_factory, h))
    assert {m.native_id for m in mentions} == expected
    assert not rejects
    first = h.fake.calls[0]
    assert first["allThreadsRelatedToChannelId"] == [CHANNEL]
    assert first["order"] == ["time"]
    assert first["key"] == [KEY]
    assert first["part"] == ["snippet,replies"]
    assert first["textFormat"] == ["plainText"]
    assert any(c.get("videoId") == [CAMPAIGN] for c in h.fake.calls)
    reply = next(m for m in mentions if m.parent_id)
    assert reply.thread_id == reply.parent_id
    assert reply.url.startswith(f"https://www.youtube.com/watch?v={VIDEO}&lc=")
    top = next(m for m in mentions if m.native_id == reply.parent_id)
    assert top.replies == 1
    quota = cursors[-1]["listings"][QUOTA_KEY]
    assert quota == {"day": quota_day(), "used": len(h.fake.calls)}
    # the next run stops at each watermark after one call per listing, and adds to today's count
    again, _, more = collect(listener(settings_factory, h), cursors[-1])
    assert again == []
    assert more[-1]["listings"][QUOTA_KEY]["used"] == quota["used"] + 2


def test_the_budget_stops_the_run_cleanly_and_resumes(settings_factory: Any, h: YouTubeHarness,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    expected = h.load("pages")
    caplog.set_level(logging.WARNING)
    mentions, _, cursors = collect(listener(settings_factory, h, daily_quota_budget=2))
    assert len(h.fake.calls) == 2
    assert "daily_quota_budget=2" in caplog.text
    assert cursors[-1]["listings"][QUOTA_KEY]["used"] == 2
    assert collect(listener(settings_factory, h, daily_quota_budget=2), cursors[-1])[0] == []  # spent today
    assert len(h.fake.calls) == 2
    rest, _, _ = collect(listener(settings_factory, h), cursors[-1])  # a larger budget goes on where it stopped
    assert {m.native_id for m in mentions + rest} == expected


def test_quota_exceeded_raises_with_the_pacific_reset(settings_factory: Any, h: YouTubeHarness) -> None:
    h.load("pages")
    h.fake.mode = "quota"
    with pytest.raises(RateLimitError, match="quotaExceeded") as exc:
        collect(listener(settings_factory, h))
    assert exc.value.reset_at == next_reset()
    assert KEY not in str(exc.value)


def test_reset_is_midnight_pacific() -> None:
    winter = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)  # 01:00 PST
    assert datetime.fromtimestamp(next_reset(winter), UTC) == datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    assert quota_day(winter) == "2026-12-04"
    assert quota_day(datetime(2026, 12, 4, 7, 59, tzinfo=UTC)) == "2026-12-03"


def test_a_video_with_comments_off_is_skipped_with_a_warning(settings_factory: Any, h: YouTubeHarness,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    h.load("pages")
    h.fake.disabled.add(CAMPAIGN)
    caplog.set_level(logging.WARNING)
    mentions, _, _ = collect(listener(settings_factory, h))
    assert mentions
    assert "commentsDisabled" in caplog.text
    assert CAMPAIGN in caplog.text
