"""``options:`` of a telegram source and the Telegram constants the other telegram modules share."""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from listeners.options import HttpOptions, MaxRetries, MaxWait, MinInterval, Timeout

PLATFORM = "telegram"
API_ID_ENV = "VOXPOP_TELEGRAM_API_ID"
API_HASH_ENV = "VOXPOP_TELEGRAM_API_HASH"
SESSION_ENV = "VOXPOP_TELEGRAM_SESSION"
API_HINT = "Create an application at my.telegram.org → API development tools and copy its api_id and api_hash."
SESSION_HINT = ("Create a StringSession once on a machine where you can type the login code "
                "(docs/sources/telegram.md, 'Credentials').")

_USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")
_LINK = re.compile(r"^(?:https?://)?(?:www\.)?(?:t|telegram)\.(?:me|dog)/(?:s/)?(?P<name>[^/?#]+)/?$")


def chat_username(value: str) -> str:
    """A public chat as its username: ``@name``, ``name``, ``t.me/name`` and ``https://t.me/s/name`` all give ``name``.

    Invite links (``t.me/+...``, ``joinchat``) and numeric ids are refused: only public chats are read.
    """
    raw = value.strip()
    m = _LINK.match(raw)
    name = m.group("name") if m else raw.removeprefix("@")
    if name.startswith("+") or name.lower() == "joinchat":
        raise ValueError(f"{value!r} is an invite link; only public channels and groups (a t.me/<username>) are read")
    if not _USERNAME.match(name):
        raise ValueError(f"{value!r} is not a public Telegram username like @narmart_news or https://t.me/narmart_news")
    return name


class TelegramOptions(HttpOptions):
    """``options:`` of a telegram source; unknown keys are errors so a typo never goes unnoticed."""

    chats: list[str] = Field(min_length=1, description="Public channels and groups: @name or https://t.me/name.")
    discussions: bool = Field(default=True, description="Also read the discussion group linked to each channel.")
    edits: bool = Field(default=False, description="Re-read recent messages and replace the stored text of edits.")
    edit_window_hours: float = Field(default=48, gt=0, le=24 * 30,
                                     description="With edits: how far back messages are re-read for edits.")
    limit: int = Field(default=100, ge=1, le=100, description="Messages per request (Telegram's maximum 100).")
    max_pages: int | None = Field(default=50, ge=1, description="Pages per chat per run; the rest resumes later.")
    lookback_days: float | None = Field(default=7, gt=0, description="First run: how far back to collect.")
    min_interval_seconds: MinInterval = 1.0
    max_wait_seconds: MaxWait = 300
    max_retries: MaxRetries = 5
    timeout_seconds: Timeout = 30
    api_id_block: str | None = Field(default=None, description="Prefect Secret block holding the api_id.")
    api_hash_block: str | None = Field(default=None, description="Prefect Secret block holding the api_hash.")
    session_block: str | None = Field(default=None, description="Prefect Secret block holding the StringSession.")

    @field_validator("chats")
    @classmethod
    def _chats(cls, v: list[str]) -> list[str]:
        names = [chat_username(c) for c in v]
        return list(dict.fromkeys(n.casefold() for n in names))
