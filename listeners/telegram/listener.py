"""The ``telegram`` listener: public channels and groups (and channels' discussion groups) through Telethon.

Each configured chat keeps its state in the cursor, keyed by its username: the chat's id, the newest
message id stored (``last_id``) and, with ``edits: true``, when edits were last looked for; a channel's
linked discussion group keeps the same under ``discussion``. Messages are read oldest first after
``last_id``, a page at a time, so a crash resumes after the last stored page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import SecretStr
from telethon.tl import types

from core.config import Settings, Source
from core.types import Mention, Page
from listeners.base import Credential, QueryListener, Run
from listeners.telegram.client import TelegramChats
from listeners.telegram.options import API_HASH_ENV, API_HINT, API_ID_ENV, SESSION_ENV, SESSION_HINT, TelegramOptions
from listeners.telegram.parse import label, message_to_mention, scrub

log = logging.getLogger("listeners.telegram")
_SKIP = (types.MessageService, types.MessageEmpty)  # joins, pins, deleted messages: nothing anyone wrote


def _iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat(timespec="seconds")


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _ids(messages: list[Any]) -> list[int]:
    return [m.id for m in messages if isinstance(getattr(m, "id", None), int)]


class TelegramListener(QueryListener[TelegramOptions, str, TelegramChats]):
    """Reads the configured public Telegram chats with a user session, keeping messages about the brands."""

    options_model = TelegramOptions
    credentials = (Credential(API_ID_ENV, "api_id_block", API_HINT),
                   Credential(API_HASH_ENV, "api_hash_block", API_HINT),
                   Credential(SESSION_ENV, "session_block", SESSION_HINT))
    cursor_field = "chats"
    log = log

    @classmethod
    def build_queries(cls, source: Source, settings: Settings, options: TelegramOptions) -> list[str]:  # noqa: ARG003
        """The chats to read: ``options.chats`` (``source.queries`` has no meaning for Telegram)."""
        return list(options.chats)

    def open_client(self, *secrets: SecretStr) -> TelegramChats:
        """A connected Telethon client signed in with the StringSession."""
        api_id, api_hash, session = secrets
        client = TelegramChats(self.name, self.options, api_id, api_hash, session)
        try:
            client.login()
        except BaseException:
            client.close()
            raise
        return client

    def restore(self, saved: Mapping[str, Any]) -> dict[str, Any]:
        """A chat's saved state with only usable fields."""
        def clean(part: Any) -> dict[str, Any]:
            if not isinstance(part, Mapping):
                return {}
            out: dict[str, Any] = {k: part[k] for k in ("id", "last_id") if isinstance(part.get(k), int)}
            if _time(part.get("edits_since")) is not None:
                out["edits_since"] = part["edits_since"]
            return out

        state = clean(saved)
        if discussion := clean(saved.get("discussion")):
            state["discussion"] = discussion
        return state

    def keep(self, run: Run[TelegramChats]) -> Any:
        """The filter of parsed messages: some text, and a tracked brand in it (excludes applied)."""
        def keep(mention: Mention) -> bool:
            if not mention.text.strip():
                run.skipped["without text (media only)"] += 1
                return False
            if not self.matcher.match(mention.text)[0]:
                run.skipped["about no tracked brand"] += 1
                return False
            return True

        return keep

    def query_pages(self, run: Run[TelegramChats], key: str, query: str) -> Iterator[Page]:
        """The new messages of one chat, then of its discussion group; with ``edits``, the recent edits too."""
        chat = run.client.chat(query)
        state = run.cursors.get(key)
        if state.get("id") not in (None, chat.id):
            log.warning("source %s: @%s now names another chat (id %s, was %s); collecting it from the start",
                        self.name, query, chat.id, state.get("id"))
            state = {}
        state = {**state, "id": chat.id}
        run.cursors.set(key, state)

        def save(slot: str | None, part: dict[str, Any]) -> None:
            nonlocal state
            state = {**state, **part} if slot is None else {**state, slot: part}
            run.cursors.set(key, state)

        yield from self.chat_pages(run, chat, query, {k: v for k, v in state.items() if k != "discussion"},
                                   lambda part: save(None, part))
        if not self.options.discussions:
            return
        group = run.client.discussion(chat)
        if group is None:
            return
        saved = state.get("discussion", {})
        if saved.get("id") not in (None, group.id):
            saved = {}
        yield from self.chat_pages(run, group, getattr(group, "username", None), {**saved, "id": group.id},
                                   lambda part: save("discussion", part))

    def chat_pages(self, run: Run[TelegramChats], chat: Any, username: str | None, state: dict[str, Any],
                   save: Any) -> Iterator[Page]:
        """Pages of one chat after ``state['last_id']`` (the first run: after ``lookback_days``), then its edits."""
        opts = self.options
        started = datetime.now(UTC)
        last_id = int(state.get("last_id", 0))
        until_id = last_id  # messages up to here were stored by earlier runs: the edit scan's range
        edits_since = _time(state.get("edits_since"))
        after = started - timedelta(days=opts.lookback_days) if opts.lookback_days and not last_id else None
        state = {**state, "edits_since": state.get("edits_since") or _iso(started)}
        pages = 0
        while opts.max_pages is None or pages < opts.max_pages:
            messages = run.client.messages(chat, after_id=last_id, after_date=after)
            pages += 1
            last_id = max([last_id, *_ids(messages)])
            page = run.parse_page([m for m in messages if not isinstance(m, _SKIP)],
                                  lambda m: message_to_mention(m, username=username), label=label, scrub=scrub,
                                  keep=self.keep(run))
            state = {**state, "last_id": last_id}
            save(state)
            yield run.checkpoint(page)
            if len(messages) < opts.limit or not _ids(messages):
                break
        else:
            log.info("source %s: @%s reached options.max_pages=%s; the next run resumes from its cursor", self.name,
                     username or chat.id, opts.max_pages)
        if opts.edits and edits_since is not None and until_id:
            yield from self.edit_pages(run, chat, username, until_id=until_id, edits_since=edits_since, state=state,
                                       save=save)

    def edit_pages(self, run: Run[TelegramChats], chat: Any, username: str | None, *, until_id: int,
                   edits_since: datetime, state: dict[str, Any], save: Any) -> Iterator[Page]:
        """Messages of the last ``edit_window_hours`` up to ``until_id`` edited after ``edits_since``, as edits.

        Their pages keep the old ``edits_since`` until the scan ends, so a crash re-reads them (replacing a
        text twice is harmless).
        """
        opts = self.options
        started = datetime.now(UTC)
        after_id, after = 0, started - timedelta(hours=opts.edit_window_hours)
        while True:
            messages = run.client.messages(chat, after_id=after_id, after_date=after)
            edited = [m for m in messages if isinstance(m, types.Message) and isinstance(m.id, int)
                      and m.id <= until_id and isinstance(m.edit_date, datetime) and m.edit_date > edits_since]
            ids = _ids(messages)
            done = len(messages) < opts.limit or not ids or max(ids) >= until_id
            page = run.parse_page(edited, lambda m: message_to_mention(m, username=username, edited=True),
                                  label=label, scrub=scrub, keep=self.keep(run))
            run.skipped["edited messages re-read"] += len(page.mentions)
            if done:
                save({**state, "edits_since": _iso(started)})
            yield run.checkpoint(page)
            if done:
                return
            after_id = max(ids)

    def end_run(self, run: Run[TelegramChats]) -> None:
        """Log what was left out, by reason."""
        for reason, n in sorted(run.skipped.items()):
            log.info("source %s: %d message(s) %s", self.name, n, reason)
