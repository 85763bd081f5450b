"""listeners.window.NewestFirst: the watermark of newest-first listings (reviews, comment threads)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from listeners.window import NewestFirst, iso


def test_first_window_is_the_lookback() -> None:
    w = NewestFirst({}, lookback_days=7)
    now = datetime.now(UTC)
    assert not w.is_old(now - timedelta(days=6), "a")
    assert w.is_old(now - timedelta(days=8), "b")
    assert not NewestFirst({}, lookback_days=None).is_old(now - timedelta(days=9000), "c")


def test_items_sharing_the_watermark_second_are_neither_lost_nor_repeated() -> None:
    t = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    w = NewestFirst({"since": iso(t), "since_ids": ["a"]}, lookback_days=7)
    assert w.is_old(t, "a")
    assert not w.is_old(t, "b")  # same second, not stored before
    assert w.is_old(t - timedelta(seconds=1), "c")
    w.see(t, "b")
    assert w.close() == {"since": iso(t), "since_ids": ["a", "b"]}


def test_an_open_walk_keeps_the_old_watermark_and_resumes() -> None:
    t = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    w = NewestFirst({"since": iso(t), "since_ids": ["a"]}, lookback_days=7)
    w.see(t + timedelta(hours=2), "n")
    page_token = "next-page-3"  # noqa: S105 - a page token, not a secret
    state = w.advance(page_token)
    assert state["since"] == iso(t)
    assert state["resume"]["token"] == page_token
    resumed = NewestFirst(state, lookback_days=7)
    assert resumed.token == page_token
    resumed.see(t + timedelta(hours=1), "m")
    assert resumed.close() == {"since": iso(t + timedelta(hours=2)), "since_ids": ["n"]}


def test_a_clock_in_the_future_does_not_push_the_watermark_past_now() -> None:
    w = NewestFirst({}, lookback_days=7)
    w.see(datetime.now(UTC) + timedelta(days=3), "f")
    assert datetime.fromisoformat(w.close()["since"]) <= datetime.now(UTC)
