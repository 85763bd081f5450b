"""One Bluesky query's collection window and the state it leaves in the cursor.

Results come newest first; a window is closed only when its last page is stored, so a crash resumes from
the API cursor of the next page and a finished window moves the ``since`` watermark.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from listeners.bluesky.options import BlueskyOptions
from listeners.bluesky.parse import parse_datetime


def iso(ts: datetime | None) -> str | None:
    """A time as the cursor and searchPosts write it: UTC, milliseconds, ``Z``."""
    return ts.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z") if ts else None


def _opt_time(value: Any) -> datetime | None:
    try:
        return parse_datetime(value, "cursor time") if value is not None else None
    except ValueError:
        return None


class Window:
    """One query's collection window: posts with sortAt >= ``since``, walked newest to oldest.

    While open, the saved state keeps the old ``since`` plus ``resume`` (the API cursor of the next page and
    the newest time seen), so a crash resumes mid-window; closing it moves ``since`` up to the newest post.
    """

    def __init__(self, since: datetime | None, api_cursor: str | None, newest: datetime | None) -> None:
        self.since = since
        self.api_cursor = api_cursor
        self.newest = newest

    @classmethod
    def open(cls, saved: Mapping[str, Any], lookback_days: float | None) -> Window:
        """From a query's saved state; the first window starts ``lookback_days`` ago (or unbounded)."""
        since = _opt_time(saved.get("since"))
        if since is None and lookback_days is not None:
            since = datetime.now(UTC) - timedelta(days=lookback_days)
        resume = saved.get("resume") if isinstance(saved.get("resume"), Mapping) else {}
        cursor = resume.get("cursor")
        return cls(since, cursor if isinstance(cursor, str) and cursor else None, _opt_time(resume.get("newest")))

    def params(self, query: str, opts: BlueskyOptions) -> dict[str, Any]:
        """The searchPosts parameters of the next page."""
        params: dict[str, Any] = {"q": query, "sort": "latest", "limit": opts.limit}
        if self.since is not None:
            params["since"] = iso(self.since)
        if (lang := opts.api_lang()) is not None:
            params["lang"] = lang
        if self.api_cursor is not None:
            params["cursor"] = self.api_cursor
        return params

    def see(self, sort_at: datetime | None) -> None:
        """Track the newest post; a clock in the future must not push ``since`` past now."""
        if sort_at is not None:
            sort_at = min(sort_at, datetime.now(UTC))
            self.newest = sort_at if self.newest is None else max(self.newest, sort_at)

    def advance(self, api_cursor: str) -> dict[str, Any]:
        """State after a page with more to come: old ``since`` plus where to resume."""
        self.api_cursor = api_cursor
        return {"since": iso(self.since), "resume": {"cursor": api_cursor, "newest": iso(self.newest)}}

    def close(self, overlap_seconds: float) -> dict[str, Any]:
        """State after the last page: ``since`` = newest post (minus the overlap), never moving back."""
        watermark = self.newest - timedelta(seconds=overlap_seconds) if self.newest is not None else None
        if watermark is None or (self.since is not None and watermark < self.since):
            watermark = self.since
        return {"since": iso(watermark)}
