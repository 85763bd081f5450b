"""``options:`` of a bluesky source and the Bluesky constants the other bluesky modules share."""

from __future__ import annotations

import re

from pydantic import Field

from listeners.options import HttpOptions, MaxRetries, MaxWait, MinInterval, Timeout, lang_codes

PLATFORM = "bluesky"
HANDLE_ENV = "VOXPOP_BLUESKY_HANDLE"
PASSWORD_ENV = "VOXPOP_BLUESKY_APP_PASSWORD"  # noqa: S105 - the variable's name, not a password
PASSWORD_HINT = "Create an app password at bsky.app → Settings → Privacy and security → App passwords."  # noqa: S105
HANDLE_HINT = "Use the account's handle, e.g. yourname.bsky.social."


class BlueskyOptions(HttpOptions):
    """``options:`` of a bluesky source; unknown keys are errors so a typo never goes unnoticed."""

    url_example = "https://bsky.social"
    lang_pattern = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")  # BCP 47: searchPosts takes pt-BR
    lang_rule = "look like 'az' or 'pt-BR'"

    pds_url: str = Field(default="https://bsky.social", description="PDS that issues the session.")
    api_base: str = Field(default="https://bsky.social", description="Host serving app.bsky.feed.searchPosts.")
    lang: str | list[str] | None = Field(default=None, description="Language filter (one code is sent as lang).")
    limit: int = Field(default=100, ge=1, le=100, description="Posts asked per page (API maximum 100).")
    max_pages: int | None = Field(default=50, ge=1, description="Pages per query per run; the rest resumes later.")
    lookback_days: float | None = Field(default=7, gt=0, description="First run: how far back to collect.")
    overlap_seconds: float = Field(default=300, ge=0, description="Re-read this much before the watermark.")
    min_interval_seconds: MinInterval = 0.5
    max_wait_seconds: MaxWait = 300
    max_retries: MaxRetries = 5
    timeout_seconds: Timeout = 30
    handle_block: str | None = Field(default=None, description="Prefect Secret block holding the handle.")
    app_password_block: str | None = Field(default=None, description="Prefect Secret block with the app password.")

    def api_lang(self) -> str | None:
        """The ``lang`` parameter: searchPosts filters on one language only, so several mean no filter."""
        codes = lang_codes(self.lang)
        return codes[0] if len(codes) == 1 else None
