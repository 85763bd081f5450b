"""Bluesky ``app.bsky.feed.defs#postView`` objects as Mentions, and the time search sorts them by."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from core.types import Mention
from listeners.bluesky.options import PLATFORM
from listeners.fields import count

_POST_URI = re.compile(r"^at://(did:[a-z0-9]+:[A-Za-z0-9._:%-]+)/app\.bsky\.feed\.post/([A-Za-z0-9._:~-]{1,512})$")


def parse_datetime(value: Any, field: str) -> datetime:
    """RFC 3339 as AT Protocol writes it (``Z`` or an offset); a naive value is read as UTC."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{field} is missing")
    try:
        ts = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{field} is not an RFC 3339 datetime: {value[:40]!r}") from None
    return (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).astimezone(UTC)



def _strong_ref_uri(reply: Mapping[str, Any], key: str) -> str:
    ref = reply.get(key)
    uri = ref.get("uri") if isinstance(ref, Mapping) else None
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise ValueError(f"record.reply.{key}.uri is missing or not an AT-URI")
    return uri


def post_to_mention(post: Any) -> Mention:
    """Normalise one ``app.bsky.feed.defs#postView``; raises ValueError with a precise reason."""
    if not isinstance(post, Mapping):
        raise ValueError(f"expected a postView object, got {type(post).__name__}")
    uri = post.get("uri")
    if not isinstance(uri, str) or not uri:
        raise ValueError("missing uri")
    m = _POST_URI.match(uri)
    if m is None:
        raise ValueError(f"uri is not an app.bsky.feed.post AT-URI with a DID: {uri[:80]!r}")
    did, rkey = m.groups()
    record = post.get("record")
    if not isinstance(record, Mapping):
        raise ValueError("missing record")
    rtype = record.get("$type")
    if rtype is not None and rtype != "app.bsky.feed.post":
        raise ValueError(f"record.$type is {str(rtype)[:40]!r}, not app.bsky.feed.post")
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError("record.text is missing or not a string")
    created = parse_datetime(record.get("createdAt"), "record.createdAt")
    author = post.get("author")
    handle = author.get("handle") if isinstance(author, Mapping) else None
    handle = handle if isinstance(handle, str) and handle and handle != "handle.invalid" else None
    reply = record.get("reply")
    if reply is not None and not isinstance(reply, Mapping):
        raise ValueError("record.reply is not an object")
    thread_id, parent_id = (_strong_ref_uri(reply, "root"), _strong_ref_uri(reply, "parent")) if reply else (uri, None)
    return Mention(
        platform=PLATFORM,
        native_id=f"{did}/{rkey}",
        text=text,
        created_at=created,
        # The DID, not the handle: it is in native_id anyway, the link survives handle changes and no
        # readable handle reaches storage when authors are pseudonymised.
        url=f"https://bsky.app/profile/{did}/post/{rkey}",
        author=handle,
        likes=count(post, "likeCount"),
        reposts=count(post, "repostCount") + count(post, "quoteCount"),
        replies=count(post, "replyCount"),
        thread_id=thread_id,
        parent_id=parent_id,
    )


def sort_at(post: Any) -> datetime | None:
    """The time searchPosts sorts and filters ``since`` on: the earlier of createdAt and indexedAt."""
    if not isinstance(post, Mapping):
        return None
    record = post.get("record")
    stamps = [post.get("indexedAt"), record.get("createdAt") if isinstance(record, Mapping) else None]
    parsed = []
    for value in stamps:
        try:
            parsed.append(parse_datetime(value, "t"))
        except ValueError:
            continue
    return min(parsed) if parsed else None
