"""``options:`` of a telegram-bot source and the Bot API constants the other modules share."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from listeners.options import HttpOptions, MaxRetries, MaxWait, MinInterval, Timeout

PLATFORM = "telegram"  # the same platform as the user-session source: a message is one mention either way
BOT_API = "https://api.telegram.org"
TOKEN_ENV = "VOXPOP_TELEGRAM_BOT_TOKEN"  # noqa: S105 - the variable's name, not a token
TOKEN_HINT = "Ask @BotFather in Telegram for the bot's token (/mybots → API Token)."  # noqa: S105
ChatType = Literal["group", "supergroup", "channel", "private"]


class TelegramBotOptions(HttpOptions):
    """``options:`` of a telegram-bot source; unknown keys are errors so a typo never goes unnoticed."""

    url_example = BOT_API

    api_base: str = Field(default=BOT_API, description="Bot API host (a local Bot API server, a test fake).")
    chats: list[int | str] = Field(default_factory=list,
                                   description="Only these chats (ids like -1001234567890 or @usernames); empty: all.")
    chat_types: list[ChatType] = Field(default_factory=lambda: ["group", "supergroup"],
                                       description="Chat types read; private chats (DMs to the bot) only if listed.")
    brand: str | None = Field(default=None, description="Brand every message is about (your own support groups); "
                                                        "else the brand keywords decide.")
    edits: bool = Field(default=False, description="Replace the stored text when a message is edited.")
    limit: int = Field(default=100, ge=1, le=100, description="Updates per getUpdates call (Bot API maximum 100).")
    max_pages: int | None = Field(default=100, ge=1, description="getUpdates calls per run; the rest waits.")
    min_interval_seconds: MinInterval = 0.2
    max_wait_seconds: MaxWait = 300
    max_retries: MaxRetries = 5
    timeout_seconds: Timeout = 30
    bot_token_block: str | None = Field(default=None, description="Prefect Secret block holding the bot token.")

    def wants(self, chat: dict) -> bool:
        """Whether a message of ``chat`` (the Bot API Chat object) is read."""
        if chat.get("type") not in self.chat_types:
            return False
        if not self.chats:
            return True
        username = str(chat.get("username") or "").casefold()
        wanted = {str(c).casefold().removeprefix("@") for c in self.chats}
        return str(chat.get("id")) in wanted or (bool(username) and username in wanted)
