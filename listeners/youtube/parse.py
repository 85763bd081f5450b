"""commentThreads.list items → ``Mention`` (the top-level comment, and the replies returned with it)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from core.types import Mention
from listeners.fields import count
from listeners.youtube.options import PLATFORM


def _time(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{name} is missing")
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} is not an ISO datetime: {value[:40]!r}") from None
    if ts.tzinfo is None:
        raise ValueError(f"{name} has no time zone")
    return ts.astimezone(UTC)


def thread_time(item: Any) -> datetime | None:
    """When the thread's top-level comment was published (what ``order=time`` sorts on)."""
    try:
        return _time(item["snippet"]["topLevelComment"]["snippet"]["publishedAt"], "publishedAt")
    except (KeyError, TypeError, ValueError):
        return None


def thread_id(item: Any) -> str | None:
    """The thread's id."""
    value = item.get("id") if isinstance(item, Mapping) else None
    return value if isinstance(value, str) and value else None


def _comment(comment: Any, *, video: str | None, thread: str, brand: str | None) -> Mention:
    if not isinstance(comment, Mapping) or not isinstance(comment.get("snippet"), Mapping):
        raise ValueError("comment has no snippet")
    cid = comment.get("id")
    if not isinstance(cid, str) or not cid:
        raise ValueError("comment id is missing")
    snip = comment["snippet"]
    text = snip.get("textOriginal", snip.get("textDisplay"))
    if not isinstance(text, str):
        raise ValueError("text is missing")
    vid = snip.get("videoId") if isinstance(snip.get("videoId"), str) else video
    author = snip.get("authorChannelId")
    author_id = author.get("value") if isinstance(author, Mapping) else None
    parent = snip.get("parentId")
    return Mention(
        platform=PLATFORM,
        native_id=cid,
        text=text,
        created_at=_time(snip.get("publishedAt"), "publishedAt"),
        url=f"https://www.youtube.com/watch?v={vid}&lc={cid}" if vid else None,
        author=author_id if isinstance(author_id, str) and author_id else snip.get("authorDisplayName"),
        likes=count(snip, "likeCount"),
        thread_id=thread,
        parent_id=parent if isinstance(parent, str) and parent else None,
        brand_hint=brand,
    )


def thread_to_mentions(item: Any, *, brand: str | None, replies: bool) -> list[Mention]:
    """The thread's top-level comment (with its reply count) and, with ``replies``, the replies it carries."""
    if not isinstance(item, Mapping) or not isinstance(item.get("snippet"), Mapping):
        raise ValueError("not a commentThread (no snippet)")
    tid = thread_id(item)
    if tid is None:
        raise ValueError("thread id is missing")
    snip = item["snippet"]
    video = snip.get("videoId") if isinstance(snip.get("videoId"), str) else None
    top = _comment(snip.get("topLevelComment"), video=video, thread=tid, brand=brand)
    top = dataclasses.replace(top, replies=count(snip, "totalReplyCount"))
    out = [top]
    if replies and isinstance(item.get("replies"), Mapping):
        out += [_comment(r, video=video, thread=tid, brand=brand) for r in item["replies"].get("comments") or []]
    return out


def scrub(item: Any) -> dict[str, Any]:
    """A broken thread for the quarantine, without author names, channels and avatars."""
    if not isinstance(item, Mapping):
        return {"item": str(item)[:500]}

    def clean(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: clean(v) for k, v in value.items() if not k.startswith("author")}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return clean(item)
