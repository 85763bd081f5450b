"""``options:`` of a youtube source and the YouTube constants the other youtube modules share."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from listeners.options import HttpOptions, MaxRetries, MaxWait, MinInterval, Timeout

PLATFORM = "youtube"
YOUTUBE_API = "https://youtube.googleapis.com"  # rootUrl of the bundled discovery document
KEY_ENV = "VOXPOP_YOUTUBE_API_KEY"
KEY_HINT = ("Create an API key in the Google Cloud console (APIs & Services → Credentials) in a project where "
            "'YouTube Data API v3' is enabled.")
_CHANNEL = re.compile(r"^UC[A-Za-z0-9_-]{22}$")
_VIDEO = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIDEO_URL = re.compile(r"(?:v=|youtu\.be/|/shorts/|/embed/)(?P<id>[A-Za-z0-9_-]{11})")


class YouTubeOptions(HttpOptions):
    """``options:`` of a youtube source; unknown keys are errors so a typo never goes unnoticed."""

    url_example = YOUTUBE_API

    channels: list[str] = Field(default_factory=list, description="Channel ids (UC...): comments on all their videos.")
    videos: list[str] = Field(default_factory=list, description="Video ids or links: comments on these videos.")
    brand: str | None = Field(default=None, description="Brand every comment is about (your own channel or "
                                                        "campaign videos); else the brand keywords decide.")
    replies: bool = Field(default=True, description="Keep the replies commentThreads.list returns with a thread.")
    daily_quota_budget: int = Field(default=9000, ge=1, description="Quota units this source may use per Pacific "
                                                                    "day; it stops cleanly before going over.")
    max_results: int = Field(default=100, ge=1, le=100, description="Threads per page (API maximum 100).")
    max_pages: int | None = Field(default=20, ge=1, description="Pages per channel/video per run; the rest resumes.")
    lookback_days: float | None = Field(default=30, gt=0, description="First run: how far back to collect.")
    api_base: str = Field(default=YOUTUBE_API, description="API root (a proxy or a test fake).")
    min_interval_seconds: MinInterval = 0.2
    max_wait_seconds: MaxWait = 300
    max_retries: MaxRetries = 5
    timeout_seconds: Timeout = 30
    api_key_block: str | None = Field(default=None, description="Prefect Secret block holding the API key.")

    @field_validator("channels")
    @classmethod
    def _channels(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not _CHANNEL.match(c)]
        if bad:
            raise ValueError(f"channel ids look like UCxxxxxxxxxxxxxxxxxxxxxx (24 characters, from the channel's "
                             f"page source or youtube.com/channel/<id>), not {bad}")
        return list(dict.fromkeys(v))

    @field_validator("videos")
    @classmethod
    def _videos(cls, v: list[str]) -> list[str]:
        out = []
        for item in v:
            m = _VIDEO_URL.search(item)
            vid = m.group("id") if m else item.strip()
            if not _VIDEO.match(vid):
                raise ValueError(f"{item!r} is not a video id (11 characters) or a youtube.com/watch?v= link")
            out.append(vid)
        return list(dict.fromkeys(out))

    @model_validator(mode="after")
    def _something(self) -> YouTubeOptions:
        if not self.channels and not self.videos:
            raise ValueError("list at least one of channels or videos")
        return self
