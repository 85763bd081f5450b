"""Bot API ``Update`` / ``Message`` objects → ``Mention``; a broken one raises ValueError (quarantined)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from core.types import Mention
from listeners.telegram_bot.options import PLATFORM

EDITS = {"edited_message", "edited_channel_post"}


def update_message(update: Any) -> tuple[str, Any] | None:
    """(kind, message) of an update carrying a message or channel post; None for other updates."""
    if not isinstance(update, Mapping):
        return None
    for kind in ("message", "channel_post", "edited_message", "edited_channel_post"):
        if kind in update:
            return kind, update[kind]
    return None


def bare(chat_id: int) -> str:
    """The chat id MTProto uses (``-1001234`` → ``1234``, ``-42`` → ``42``): the telegram source's ids match."""
    return str(chat_id).removeprefix("-100").lstrip("-")


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} is missing or not an integer")
    return value


def message_to_mention(msg: Any, *, brand: str | None, edited: bool = False) -> Mention:
    """One Bot API Message (text or a media caption)."""
    if not isinstance(msg, Mapping):
        raise ValueError("message is not an object")
    mid = _int(msg.get("message_id"), "message_id")
    chat = msg.get("chat")
    if not isinstance(chat, Mapping):
        raise ValueError("chat is missing")
    chat_id = _int(chat.get("id"), "chat.id")
    date = msg.get("date")
    if isinstance(date, bool) or not isinstance(date, int) or date <= 0:
        raise ValueError(f"date must be unix seconds, not {str(date)[:20]!r}")
    text = msg.get("text", msg.get("caption", ""))
    if not isinstance(text, str):
        raise ValueError("text is not a string")
    sender = msg.get("from") if isinstance(msg.get("from"), Mapping) else msg.get("sender_chat")
    author = str(sender["id"]) if isinstance(sender, Mapping) and isinstance(sender.get("id"), int) else None
    reply = msg.get("reply_to_message")
    parent = reply.get("message_id") if isinstance(reply, Mapping) else None
    topic = msg.get("message_thread_id")
    username = chat.get("username")
    if isinstance(username, str) and username:
        url: str | None = f"https://t.me/{username}/{mid}"
    elif str(chat_id).startswith("-100"):
        url = f"https://t.me/c/{str(chat_id)[4:]}/{mid}"
    else:
        url = None  # a basic group or a private chat has no message links
    return Mention(
        platform=PLATFORM,
        native_id=f"{bare(chat_id)}/{mid}",
        text=text,
        created_at=datetime.fromtimestamp(date, UTC),
        url=url,
        author=author,
        thread_id=f"{bare(chat_id)}/{topic if isinstance(topic, int) else mid}",
        parent_id=f"{bare(chat_id)}/{parent}" if isinstance(parent, int) else None,
        brand_hint=brand,
        edited=edited,
    )


def label(update: Any) -> str:
    """How a quarantined update is named in its reason."""
    uid = update.get("update_id") if isinstance(update, Mapping) else None
    return f"telegram update {uid if isinstance(uid, int) else '?'}"


def scrub(update: Any) -> dict[str, Any]:
    """The update without its sender (``from``, ``sender_chat``): the quarantine keeps no handle."""
    if not isinstance(update, Mapping):
        return {"item": str(update)[:200]}
    out: dict[str, Any] = {}
    for key, value in update.items():
        if isinstance(value, Mapping):
            out[key] = {k: v for k, v in value.items() if k not in {"from", "sender_chat"}}
        else:
            out[key] = value
    return out
