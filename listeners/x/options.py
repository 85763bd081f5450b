"""``options:`` of an x source and the X constants the other x modules share."""

from __future__ import annotations

from pydantic import Field, model_validator

from listeners.options import HttpOptions, MaxRetries, MaxWait, MinInterval, Timeout, lang_codes

PLATFORM = "x"
X_API = "https://api.twitter.com"  # the host tweepy hard-codes
TOKEN_ENV = "VOXPOP_X_BEARER_TOKEN"  # noqa: S105 - the variable's name, not a token
TOKEN_HINT = "Create an app at developer.x.com and copy its Bearer Token."  # noqa: S105
RECENT_DAYS = 7  # recent search covers the last 7 days


class XOptions(HttpOptions):
    """``options:`` of an x source; unknown keys are errors so a typo never goes unnoticed."""

    url_example = X_API

    api_base: str = Field(default=X_API, description="API host; point it at a proxy or a fake for tests.")
    archive: bool = Field(default=False, description="Full-archive search (/2/tweets/search/all): Pro/Enterprise.")
    include_retweets: bool = Field(default=False, description="Keep retweets (else the query adds -is:retweet).")
    lang: str | list[str] | None = Field(default=None, description="Language hint(s): (lang:az OR lang:tr).")
    max_results: int = Field(default=100, ge=10, le=500, description="Posts per page (10-100; archive up to 500).")
    max_pages: int | None = Field(default=10, ge=1, description="Pages per query per run; the rest resumes later.")
    max_query_length: int = Field(default=512, ge=64, le=4096, description="Query length limit of your access tier.")
    lookback_days: float | None = Field(default=None, gt=0, description="First run: how far back to collect.")
    min_interval_seconds: MinInterval = 1.1
    max_wait_seconds: MaxWait = 900
    max_retries: MaxRetries = 5
    timeout_seconds: Timeout = 30
    bearer_token_block: str | None = Field(default=None, description="Prefect Secret block with the bearer token.")

    @model_validator(mode="after")
    def _tier_limits(self) -> XOptions:
        if not self.archive and self.max_results > 100:
            raise ValueError("max_results: recent search returns at most 100 posts per page (500 needs archive)")
        if not self.archive and self.lookback_days is not None and self.lookback_days > RECENT_DAYS:
            raise ValueError(f"lookback_days: recent search only reaches {RECENT_DAYS} days back; "
                             "set archive: true (Pro/Enterprise access) to go further")
        if self.archive and self.lookback_days is None:
            raise ValueError("lookback_days is required with archive: true (how far back the first run goes; "
                             "the full archive starts in 2006)")
        return self

    def langs(self) -> list[str]:
        """The language hint as a list."""
        return lang_codes(self.lang)
