"""``options:`` of a google-play source: the apps, with the brand each is about, and their languages/countries."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from listeners.options import HttpOptions, MaxRetries, MaxWait, MinInterval, Timeout, lang_codes

PLATFORM = "google_play"
PLAY = "https://play.google.com"
_APP_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)+$")
_CODE = re.compile(r"^[a-z]{2}(-[A-Za-z]{2,4})?$")


class PlayApp(BaseModel):
    """One app: its package name, the brand it belongs to, and where its reviews are read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Package name, e.g. az.narmart.app (the id= of its Play Store page).")
    brand: str = Field(description="The brand or competitor the app belongs to.")
    lang: str | list[str] = Field(default="en", description="Review languages (hl), e.g. [az, ru].")
    country: str | list[str] = Field(default="us", description="Store countries (gl), e.g. [az].")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _APP_ID.match(v):
            raise ValueError(f"must be an Android package name like az.narmart.app, not {v!r}")
        return v

    @field_validator("lang", "country")
    @classmethod
    def _codes(cls, v: str | list[str]) -> str | list[str]:
        bad = [c for c in lang_codes(v) if not _CODE.match(c.lower())]
        if bad or not lang_codes(v):
            raise ValueError(f"must be two-letter codes like 'az' or a list of them, not {v!r}")
        return v

    def listings(self) -> list[tuple[str, str]]:
        """Every (lang, country) pair: each is its own review listing."""
        return [(lang, country.lower()) for lang in lang_codes(self.lang) for country in lang_codes(self.country)]


class GooglePlayOptions(HttpOptions):
    """``options:`` of a google-play source; unknown keys are errors so a typo never goes unnoticed."""

    url_example = PLAY

    apps: list[PlayApp] = Field(min_length=1, description="The apps whose reviews are read.")
    api_base: str = Field(default=PLAY, description="Play Store host (a test fake).")
    count: int = Field(default=100, ge=1, le=200, description="Reviews asked per page.")
    max_pages: int | None = Field(default=20, ge=1, description="Pages per app listing per run; the rest resumes.")
    lookback_days: float | None = Field(default=30, gt=0, description="First run: how far back to collect.")
    min_interval_seconds: MinInterval = 1.0
    max_wait_seconds: MaxWait = 300
    max_retries: MaxRetries = 5
    timeout_seconds: Timeout = 30
