"""One newest-first listing's window (app reviews, comment threads): a watermark of time and ids, and a resume token.

A listing that returns items newest first, with a continuation token, is walked down to the watermark: the
newest item time collected by the last complete walk, plus the ids at exactly that time (so an item sharing
the watermark's second is neither lost nor read twice). While a walk is open each page saves the old
watermark plus ``resume`` (the token of the next page and the newest item seen), so a crash resumes mid-walk;
the last page moves the watermark up.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any


def iso(ts: datetime) -> str:
    """A time as the cursor keeps it: UTC, seconds."""
    return ts.astimezone(UTC).isoformat(timespec="seconds")


def _time(value: Any) -> datetime | None:
    try:
        ts = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return ts if ts is None or ts.tzinfo else ts.replace(tzinfo=UTC)


def _ids(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


class NewestFirst:
    """The window of one listing: items newer than the watermark (the first walk: ``lookback_days``)."""

    def __init__(self, saved: Mapping[str, Any], lookback_days: float | None) -> None:
        self.since = _time(saved.get("since"))
        self.since_ids = set(_ids(saved.get("since_ids")))
        self.floor = self.since
        if self.floor is None and lookback_days is not None:
            self.floor = datetime.now(UTC) - timedelta(days=lookback_days)
        resume = saved.get("resume") if isinstance(saved.get("resume"), Mapping) else {}
        token = resume.get("token")
        self.token: str | None = token if isinstance(token, str) and token else None
        self.newest = _time(resume.get("newest"))
        self.newest_ids = set(_ids(resume.get("newest_ids")))

    def is_old(self, ts: datetime, item_id: str) -> bool:
        """Whether an item is at or below the watermark (collected before), or older than the first window."""
        if self.floor is None:
            return False
        return ts < self.floor or (ts == self.since and item_id in self.since_ids)

    def see(self, ts: datetime, item_id: str) -> None:
        """Track the newest item (a clock in the future must not push the watermark past now)."""
        ts = min(ts, datetime.now(UTC).replace(microsecond=0))
        if self.newest is None or ts > self.newest:
            self.newest, self.newest_ids = ts, {item_id}
        elif ts == self.newest:
            self.newest_ids.add(item_id)

    def _watermark(self) -> dict[str, Any]:
        if self.since is None:
            return {}
        return {"since": iso(self.since), "since_ids": sorted(self.since_ids)}

    def advance(self, token: str) -> dict[str, Any]:
        """State after a page with more to come: the old watermark plus where to resume."""
        self.token = token
        resume: dict[str, Any] = {"token": token}
        if self.newest is not None:
            resume |= {"newest": iso(self.newest), "newest_ids": sorted(self.newest_ids)}
        return {**self._watermark(), "resume": resume}

    def close(self) -> dict[str, Any]:
        """State after the last page: the watermark moves up to the newest item seen, never back."""
        if self.newest is not None and (self.since is None or self.newest > self.since):
            self.since, self.since_ids = self.newest, set(self.newest_ids)
        elif self.newest is not None and self.newest == self.since:
            self.since_ids |= self.newest_ids
        return self._watermark()
