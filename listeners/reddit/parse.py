"""Reddit ``t3`` (post) and ``t1`` (comment) objects as Mentions, and quarantine records without authors."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from core.types import Mention, Rejected
from listeners.reddit.options import PLATFORM, WEB_URL

DELETED_BODIES = frozenset({"[deleted]", "[removed]"})
_ID36 = re.compile(r"^[a-z0-9]{1,13}$")


def created_utc(data: Mapping[str, Any], field: str = "created_utc") -> float:
    """``data[field]`` as Unix seconds; raises ValueError when missing or not a time."""
    value = data.get(field)
    if value is None:
        raise ValueError(f"{field} is missing")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{field} must be Unix seconds, not {str(value)[:30]!r}")
    return float(value)


def number(data: Mapping[str, Any], field: str, *, clamp: bool = False) -> int:
    """A count field (missing: 0); negative values raise unless ``clamp`` (scores go below zero)."""
    value = data.get(field)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{field} must be a number, not {str(value)[:20]!r}")
    if value < 0 and not clamp:
        raise ValueError(f"{field} must not be negative, not {value}")
    return max(0, int(value))


def _id36(data: Mapping[str, Any]) -> str:
    ident = data.get("id")
    if not isinstance(ident, str) or not _ID36.match(ident):
        raise ValueError("id is missing" if ident in (None, "") else f"id is not a base-36 id: {str(ident)[:30]!r}")
    return ident


def _author(value: Any) -> str | None:
    name = getattr(value, "name", value)  # praw gives a Redditor, raw JSON a string
    return name if isinstance(name, str) and name and name != "[deleted]" else None


def _permalink(data: Mapping[str, Any], fallback: str) -> str:
    link = data.get("permalink")
    return WEB_URL + (link if isinstance(link, str) and link.startswith("/") else fallback)


def removed_reason(data: Mapping[str, Any], text_field: str) -> str | None:
    """Why a post (``selftext``) or comment (``body``) is deleted or removed, or None when it is live."""
    if data.get("removed_by_category"):
        return f"removed ({data['removed_by_category']})"
    body = data.get(text_field)
    if isinstance(body, str) and body.strip() in DELETED_BODIES:
        return f"{text_field} is {body.strip()}"
    if text_field == "selftext" and data.get("title") == "[deleted by user]":
        return "deleted by user"
    return None


def post_to_mention(data: Mapping[str, Any]) -> Mention:
    """Normalise one ``t3`` (post) object; raises ValueError with a precise reason."""
    ident = _id36(data)
    created = created_utc(data)
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ValueError("title is missing or empty")
    body = data.get("selftext")
    if body is not None and not isinstance(body, str):
        raise ValueError(f"selftext must be text, not {type(body).__name__}")
    fullname = f"t3_{ident}"
    return Mention(
        platform=PLATFORM,
        native_id=fullname,
        text=f"{title}\n\n{body}" if body else title,
        created_at=datetime.fromtimestamp(created, tz=UTC),
        url=_permalink(data, f"/comments/{ident}/"),
        author=_author(data.get("author")),
        likes=number(data, "score", clamp=True),
        replies=number(data, "num_comments"),
        thread_id=fullname,
    )


def comment_to_mention(data: Mapping[str, Any], thread_id: str, replies: int = 0) -> Mention:
    """Normalise one ``t1`` (comment) object; raises ValueError with a precise reason."""
    ident = _id36(data)
    created = created_utc(data)
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        raise ValueError("body is missing or empty")
    parent = data.get("parent_id")
    if not isinstance(parent, str) or not re.match(r"^t[13]_[a-z0-9]+$", parent):
        raise ValueError(f"parent_id is not a t1_/t3_ fullname: {str(parent)[:30]!r}")
    return Mention(
        platform=PLATFORM,
        native_id=f"t1_{ident}",
        text=body,
        created_at=datetime.fromtimestamp(created, tz=UTC),
        url=_permalink(data, f"/comments/{thread_id.removeprefix('t3_')}/_/{ident}/"),
        author=_author(data.get("author")),
        likes=number(data, "score", clamp=True),
        replies=replies,
        thread_id=thread_id,
        parent_id=parent,
    )


def not_a_post(source: str, child: Any) -> Rejected:
    """The quarantine entry of a search result that is not a ``t3`` with a data object."""
    if not isinstance(child, Mapping):
        return Rejected(source, f"reddit search result is a {type(child).__name__}, not a post",
                        {"item": str(child)[:200]})
    data = child.get("data")
    record = {"kind": str(child.get("kind"))[:20], "data": raw_record(data) if isinstance(data, Mapping) else None}
    if child.get("kind") != "t3":
        return Rejected(source, f"reddit search result has kind {str(child.get('kind'))[:20]!r}, not t3 (post)", record)
    return Rejected(source, "reddit post: data is not an object", record)


def raw_record(data: Mapping[str, Any]) -> dict[str, Any]:
    """A quarantine record: plain JSON values only, the author masked (quarantine must not undo pseudonyms)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key.startswith("_") or key in {"author_fullname", "author_flair_text"}:
            continue
        if key == "author":
            out[key] = "<removed>"
        elif value is None or isinstance(value, str | int | float | bool):
            out[key] = value
    return out
