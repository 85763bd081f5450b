"""``options:`` of a file source: column names and their aliases, date formats, extra columns, encodings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from core.encodings import AUTO, check_encoding
from core.errors import ConfigError
from listeners.file.parse import EXTRA_TYPES

# First match wins; compared case-insensitively.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "message", "comment", "review", "full_text", "selftext", "post"),
    "created_at": ("created_at", "created", "date", "datetime", "timestamp", "time", "created_utc",
                   "posted_at", "published_at"),
    "id": ("id", "native_id", "post_id", "tweet_id", "comment_id", "review_id", "ticket_id", "uid"),
    "author": ("author", "user", "username", "handle", "screen_name", "author_handle", "customer"),
    "url": ("url", "link", "permalink"),
    "platform": ("platform", "network", "channel", "site", "source", "store"),
    "likes": ("likes", "like_count", "favorite_count", "score", "upvotes", "reactions"),
    "reposts": ("reposts", "retweets", "retweet_count", "shares", "repost_count"),
    "replies": ("replies", "reply_count", "comments", "num_comments"),
    "views": ("views", "impressions", "impression_count", "view_count"),
    "thread_id": ("thread_id", "conversation_id", "link_id", "submission_id"),
    "parent_id": ("parent_id", "in_reply_to_id", "reply_to"),
}


def check_date_format(name: str, fmt: Any) -> str | None:
    """``options.date_format`` must be a strptime pattern that can read a date it wrote."""
    if fmt is None:
        return None
    probe = datetime(2026, 11, 21, 14, 5, tzinfo=UTC)
    try:
        if not isinstance(fmt, str) or "%" not in fmt:
            raise ValueError
        datetime.strptime(probe.strftime(fmt), fmt)
    except ValueError:
        raise ConfigError(f"source '{name}': options.date_format {fmt!r} is not a strftime pattern; "
                          "use one like '%d.%m.%Y %H:%M'") from None
    return fmt


def check_extras(name: str, extras: Any) -> dict[str, str]:
    """``options.extra_columns``: a list of column names (kept as text) or a {column: type} mapping."""
    if extras is None:
        return {}
    if isinstance(extras, list | tuple) and all(isinstance(c, str) for c in extras):
        extras = dict.fromkeys(extras, "str")
    if not isinstance(extras, Mapping) or not all(isinstance(k, str) and k.strip() for k in extras):
        raise ConfigError(f"source '{name}': options.extra_columns must be a list of column names or "
                          "a mapping like {rating: int, branch: str}")
    bad = {k: v for k, v in extras.items() if v not in EXTRA_TYPES}
    if bad:
        raise ConfigError(f"source '{name}': options.extra_columns has unknown type(s) {bad}; "
                          f"use one of {', '.join(EXTRA_TYPES)}")
    return {str(k).strip(): str(v) for k, v in extras.items()}



def check_encodings(name: str, value: Any) -> str | dict[str, str]:
    """``options.encoding``: ``auto``, one encoding for every file, or ``{file-name glob: encoding}``.

    A folder may hold exports of several tools; the mapping's first glob that matches a file's name (or its
    path) gives its encoding, and files no glob matches are detected.
    """
    try:
        if isinstance(value, Mapping):
            if not all(isinstance(k, str) and k.strip() for k in value):
                raise ValueError("options.encoding must map file-name globs to encodings, e.g. {'old/*.csv': cp1251}")
            return {str(k).strip(): check_encoding(v) for k, v in value.items()}
        return check_encoding(AUTO if value is None else value)
    except ValueError as exc:
        raise ConfigError(f"source '{name}': options.encoding: {exc}") from None
