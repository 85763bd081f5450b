"""``options:`` of a reddit source and the Reddit constants the other reddit modules share."""

from __future__ import annotations

import re
from typing import Any

from pydantic import AliasChoices, ConfigDict, Field, field_validator

from listeners.options import HttpOptions, MaxRetries, MaxWait, Timeout

PLATFORM = "reddit"
CLIENT_ID_ENV = "VOXPOP_REDDIT_CLIENT_ID"
CLIENT_SECRET_ENV = "VOXPOP_REDDIT_CLIENT_SECRET"  # noqa: S105 - the variable's name, not a secret
APP_HINT = "Create a 'script' or 'web' app at https://www.reddit.com/prefs/apps"
ENV_HINT = (f"check {CLIENT_ID_ENV} / {CLIENT_SECRET_ENV} (or the Prefect Secret blocks named in "
            "options.client_id_block / options.client_secret_block)")
WEB_URL = "https://www.reddit.com"  # canonical links, whatever host the API calls go to
MAX_QUERY_LENGTH = 512  # Reddit rejects longer search queries
_SUBREDDIT = re.compile(r"^[A-Za-z0-9_]{2,21}(\+[A-Za-z0-9_]{2,21})*$")


class RedditOptions(HttpOptions):
    """``options:`` of a reddit source; unknown keys are errors so a typo never goes unnoticed."""

    model_config = ConfigDict(populate_by_name=True)
    url_example = "https://oauth.reddit.com"

    subreddits: list[str] = Field(default_factory=lambda: ["all"],
                                  description="Subreddits to search, each its own listing ('a+b' is one multi).")
    api_base: str = Field(default="https://oauth.reddit.com", validation_alias=AliasChoices("api_base", "oauth_url"),
                          description="OAuth API host (alias: oauth_url).")
    reddit_url: str = Field(default="https://www.reddit.com", description="Host of the token endpoint.")
    user_agent: str = Field(default="voxpop/0.1 (social listening)", min_length=7,
                            description="User-Agent Reddit sees; name your deployment and a contact.")
    limit: int = Field(default=100, ge=1, le=100, description="Posts asked per page (Reddit's maximum is 100).")
    lookback_days: float = Field(default=7, gt=0, description="First run: how far back to collect.")
    overlap_seconds: float = Field(default=300, ge=0, description="Re-read this much before the watermark "
                                   "(search indexing lags; re-reads are deduplicated).")
    comments: bool = Field(default=True, description="Also collect on-topic comments of every matching post.")
    more_comments_limit: int | None = Field(default=0, ge=0, description="'load more comments' stubs expanded "
                                            "per post (one request each; null = all).")
    listing_cap: int = Field(default=1000, ge=1, description="Items after which Reddit ends a listing.")
    max_gap_age_days: float = Field(default=7, gt=0, description="Give up re-reading a gap older than this.")
    max_wait_seconds: MaxWait = 300
    max_retries: MaxRetries = Field(default=5, description="Attempts per page on 5xx / network errors.")
    timeout_seconds: Timeout = 16
    client_id_block: str | None = Field(default=None, description="Prefect Secret block with the client id.")
    client_secret_block: str | None = Field(default=None, description="Prefect Secret block with the secret.")

    @field_validator("subreddits", mode="before")
    @classmethod
    def _subreddit_names(cls, v: Any) -> Any:
        names = [v] if isinstance(v, str) else v
        if not isinstance(names, list) or not names:
            raise ValueError("give at least one subreddit name, e.g. ['all'] or ['azerbaijan', 'turkey']")
        out = []
        for name in names:
            clean = str(name).strip().removeprefix("/").removeprefix("r/")
            if not _SUBREDDIT.match(clean):
                raise ValueError(f"{name!r} is not a subreddit name (letters, digits, _; 'a+b' for a multi)")
            out.append(clean)
        return list(dict.fromkeys(out))
