"""Telethon ``Message`` objects → ``Mention``: ids, links, counts; a broken message raises ValueError (quarantined)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from telethon.tl import types

from core.types import Mention
from listeners.telegram.options import PLATFORM


def peer_id(peer: Any) -> int:
    """The bare id of a channel, basic group or user peer."""
    for attr in ("channel_id", "chat_id", "user_id"):
        value = getattr(peer, attr, None)
        if isinstance(value, int):
            return value
    raise ValueError("peer_id is missing")


def _count(value: Any, name: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, not {str(value)[:20]!r}")
    return value


def reactions(msg: Any) -> int:
    """All reactions on a message (Telegram's likes)."""
    results = getattr(getattr(msg, "reactions", None), "results", None) or []
    return sum(_count(getattr(r, "count", None), "reactions.count") for r in results)


def message_to_mention(msg: Any, *, username: str | None, edited: bool = False) -> Mention:
    """One channel post or group message; ``username`` is the chat's public username (for the t.me link)."""
    if not isinstance(msg, types.Message):
        raise ValueError(f"not a message but {type(msg).__name__}")
    if not isinstance(msg.id, int) or msg.id <= 0:
        raise ValueError(f"message id must be a positive integer, not {msg.id!r}")
    chat = peer_id(msg.peer_id)
    if not isinstance(msg.date, datetime):
        raise ValueError("date is missing")
    if not isinstance(msg.message, str):
        raise ValueError("text is missing")
    reply = msg.reply_to if isinstance(msg.reply_to, types.MessageReplyHeader) else None
    top = (reply.reply_to_top_id or reply.reply_to_msg_id) if reply else None
    author: str | None = None
    if isinstance(msg.from_id, types.PeerUser | types.PeerChannel):
        author = str(peer_id(msg.from_id))
    elif msg.post_author:
        author = msg.post_author  # a channel's signature
    return Mention(
        platform=PLATFORM,
        native_id=f"{chat}/{msg.id}",
        text=msg.message,
        created_at=msg.date.astimezone(UTC) if msg.date.tzinfo else msg.date.replace(tzinfo=UTC),
        url=f"https://t.me/{username}/{msg.id}" if username else f"https://t.me/c/{chat}/{msg.id}",
        author=author,
        likes=reactions(msg),
        reposts=_count(msg.forwards, "forwards"),
        replies=_count(getattr(msg.replies, "replies", None), "replies.replies"),
        views=_count(msg.views, "views") if msg.views is not None else None,
        thread_id=f"{chat}/{top or msg.id}",
        parent_id=f"{chat}/{reply.reply_to_msg_id}" if reply and reply.reply_to_msg_id else None,
        edited=edited,
    )


def label(msg: Any) -> str:
    """How a quarantined message is named in its reason."""
    try:
        return f"telegram message {peer_id(msg.peer_id)}/{msg.id}"
    except (AttributeError, ValueError):
        return f"telegram message {getattr(msg, 'id', '?')}"


def scrub(msg: Any) -> dict[str, Any]:
    """What the quarantine keeps of a broken message: ids, dates, counts and text; never the sender."""
    out: dict[str, Any] = {"type": type(msg).__name__}
    for key in ("id", "date", "message", "views", "forwards", "edit_date"):
        value = getattr(msg, key, None)
        out[key] = value.isoformat() if isinstance(value, datetime) else value if isinstance(
            value, str | int | None) else repr(value)[:80]
    return out
