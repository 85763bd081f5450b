"""The ``telegram-bot`` listener: the brand's own groups where its bot is a member, through ``getUpdates``.

The cursor is the Bot API ``offset`` (the last update id stored plus one). Telegram forgets an update once a
call asks for a later offset, and the next call is made only after the flow stored the previous page, so
nothing confirmed is lost. Updates are kept by Telegram for 24 hours: run at least daily.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any, Self

from pydantic import SecretStr

from core.config import Settings, Source
from core.types import Mention, Page, Rejected
from listeners.base import Credential, QueryListener, Run
from listeners.options import check_brand
from listeners.telegram_bot.client import BotApi
from listeners.telegram_bot.options import TOKEN_ENV, TOKEN_HINT, TelegramBotOptions
from listeners.telegram_bot.parse import EDITS, label, message_to_mention, scrub, update_message

log = logging.getLogger("listeners.telegram_bot")
_KEY = "updates"


class TelegramBotListener(QueryListener[TelegramBotOptions, str, BotApi]):
    """Reads the messages a bot receives in its groups; keeps those about a brand (or all, with ``brand``)."""

    options_model = TelegramBotOptions
    credentials = (Credential(TOKEN_ENV, "bot_token_block", TOKEN_HINT),)
    cursor_field = "bot"
    log = log

    @classmethod
    def from_config(cls, source: Source, settings: Settings) -> Self:
        """Validate options, and that ``brand`` names a configured brand."""
        listener = super().from_config(source, settings)
        check_brand(source, [b.name for b, _ in settings.all_brands()], listener.options.brand)
        return listener

    @classmethod
    def build_queries(cls, source: Source, settings: Settings, options: TelegramBotOptions) -> list[str]:  # noqa: ARG003
        """One stream: the bot's updates."""
        return [_KEY]

    def open_client(self, *secrets: SecretStr) -> BotApi:
        """A Bot API client with the bot token."""
        (token,) = secrets
        return BotApi(self.name, self.options, token)

    def restore(self, saved: Mapping[str, Any]) -> dict[str, Any]:
        """The saved ``offset``, when it is one."""
        offset = saved.get("offset")
        return {"offset": offset} if isinstance(offset, int) and not isinstance(offset, bool) else {}

    def query_pages(self, run: Run[BotApi], key: str, query: str) -> Iterator[Page]:  # noqa: ARG002
        """GetUpdates after the saved offset until Telegram has no more (or ``max_pages``)."""
        opts = self.options
        offset = run.cursors.get(key).get("offset")
        pages = 0
        while opts.max_pages is None or pages < opts.max_pages:
            updates = run.client.get_updates(offset)
            pages += 1
            if not updates:
                return
            ids = [u["update_id"] for u in updates if isinstance(u, Mapping) and isinstance(u.get("update_id"), int)]
            page = self.parse(run, updates)
            if ids:
                offset = max(ids) + 1
                run.cursors.set(key, {"offset": offset})
            yield run.checkpoint(page)
            if len(updates) < opts.limit or not ids:
                return
        log.info("source %s: reached options.max_pages=%s; the next run goes on from the offset", self.name,
                 opts.max_pages)

    def parse(self, run: Run[BotApi], updates: list[Any]) -> Page:
        """A page of the updates' messages: the latest version of each, edits marked when ``edits`` is on."""
        page = Page()
        latest: dict[str, Mention] = {}
        for update in updates:
            found = update_message(update)
            if found is None:
                if not isinstance(update, Mapping) or not isinstance(update.get("update_id"), int):
                    page.rejects.append(Rejected(self.name, f"{label(update)}: not an update object",
                                                 scrub(update)))
                continue  # an update of another kind (a member joined, a poll ...)
            kind, msg = found
            edited = kind in EDITS
            if edited and not self.options.edits:
                run.skipped["edits ignored (options.edits is off)"] += 1
                continue
            chat = msg.get("chat") if isinstance(msg, Mapping) else None
            if isinstance(chat, Mapping) and not self.options.wants(dict(chat)):
                run.skipped["from chats not configured"] += 1
                continue
            try:
                mention = message_to_mention(msg, brand=self.options.brand, edited=edited)
            except ValueError as exc:
                page.rejects.append(Rejected(self.name, f"{label(update)}: {exc}", scrub(update)))
                continue
            if not mention.text.strip():
                run.skipped["without text"] += 1
                continue
            if self.options.brand is None and not self.matcher.match(mention.text)[0]:
                run.skipped["about no tracked brand"] += 1
                continue
            if mention.native_id in run.seen and not edited:
                continue
            run.seen.add(mention.native_id)
            previous = latest.get(mention.native_id)
            if previous is not None and previous.edited and not edited:
                continue
            latest[mention.native_id] = mention
        page.mentions = list(latest.values())
        return page

    def end_run(self, run: Run[BotApi]) -> None:
        """Log what was left out, by reason."""
        for reason, n in sorted(run.skipped.items()):
            log.info("source %s: %d message(s) %s", self.name, n, reason)
