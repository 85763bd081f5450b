"""``options:`` of an app-store source: the apps, with the brand each is about, and their store countries."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from listeners.options import HttpOptions, MaxRetries, MaxWait, MinInterval, Timeout, lang_codes

PLATFORM = "app_store"
ITUNES = "https://itunes.apple.com"
PAGE_CAP = 10  # the customer-reviews feed serves pages 1-10 only (50 reviews each): the newest 500
_COUNTRY = re.compile(r"^[a-z]{2}$")


class StoreApp(BaseModel):
    """One App Store app: its numeric id, the brand it belongs to, and the store countries read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int = Field(gt=0, description="The numeric id from the app's URL (apps.apple.com/.../id<number>).")
    brand: str = Field(description="The brand or competitor the app belongs to.")
    country: str | list[str] = Field(default="us", description="Store countries, e.g. [az, tr].")

    @field_validator("country")
    @classmethod
    def _countries(cls, v: str | list[str]) -> str | list[str]:
        bad = [c for c in lang_codes(v) if not _COUNTRY.match(c.lower())]
        if bad or not lang_codes(v):
            raise ValueError(f"must be two-letter store countries like 'az' or a list of them, not {v!r}")
        return v

    def countries(self) -> list[str]:
        """The store countries, lower case."""
        return [c.lower() for c in lang_codes(self.country)]


class AppStoreOptions(HttpOptions):
    """``options:`` of an app-store source; unknown keys are errors so a typo never goes unnoticed."""

    url_example = ITUNES

    apps: list[StoreApp] = Field(min_length=1, description="The apps whose reviews are read.")
    api_base: str = Field(default=ITUNES, description="Feed host (a test fake).")
    max_pages: int = Field(default=PAGE_CAP, ge=1, le=PAGE_CAP,
                           description=f"Feed pages per app and country (Apple serves at most {PAGE_CAP}).")
    lookback_days: float | None = Field(default=30, gt=0, description="First run: how far back to collect.")
    min_interval_seconds: MinInterval = 1.0
    max_wait_seconds: MaxWait = 300
    max_retries: MaxRetries = 5
    timeout_seconds: Timeout = 30
