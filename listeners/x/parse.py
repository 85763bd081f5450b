"""X API v2 tweet objects as Mentions, and what else a search page tells (usernames, the id range)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from core.types import Mention
from listeners.fields import count
from listeners.x.options import PLATFORM

METRICS = "public_metrics."  # where X keeps the counts; named in every count error

TWEET_ID = re.compile(r"^[0-9]{1,20}$")


def _unescape(text: str) -> str:
    """X escapes ``&``, ``<`` and ``>`` in post text as HTML entities; undo exactly that."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")



def _opt_id(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not TWEET_ID.match(value):
        raise ValueError(f"{field} is not a numeric id: {str(value)[:30]!r}")
    return value


def tweet_to_mention(tweet: Any, usernames: Mapping[str, str]) -> Mention:
    """Normalise one X API v2 tweet object; raises ValueError with a precise reason."""
    if not isinstance(tweet, Mapping):
        raise ValueError(f"expected a tweet object, got {type(tweet).__name__}")
    tweet_id = tweet.get("id")
    if tweet_id is None or tweet_id == "":
        raise ValueError("missing id")
    _opt_id(tweet_id, "id")
    note = tweet.get("note_tweet")
    text = note.get("text") if isinstance(note, Mapping) and note.get("text") else tweet.get("text")
    if not isinstance(text, str) or not text:
        withheld = tweet.get("withheld")
        if withheld:
            codes = withheld.get("country_codes") if isinstance(withheld, Mapping) else None
            where = ", ".join(str(c) for c in codes) if isinstance(codes, list) else ""
            raise ValueError(f"withheld{f' in {where}' if where else ''} and served without text")
        raise ValueError("missing text")
    raw_ts = tweet.get("created_at")
    if not isinstance(raw_ts, str) or not raw_ts.strip():
        raise ValueError("missing created_at")
    try:
        created = datetime.fromisoformat(raw_ts.strip())
    except ValueError:
        raise ValueError(f"created_at is not an ISO 8601 timestamp: {raw_ts[:40]!r}") from None
    created = (created if created.tzinfo else created.replace(tzinfo=UTC)).astimezone(UTC)
    metrics = tweet.get("public_metrics") or {}
    if not isinstance(metrics, Mapping):
        raise ValueError("public_metrics is not an object")
    views = metrics.get("impression_count")
    parent = None
    refs = tweet.get("referenced_tweets") or []
    if not isinstance(refs, list):
        raise ValueError("referenced_tweets is not a list")
    for ref in refs:
        if isinstance(ref, Mapping) and ref.get("type") == "replied_to":
            parent = _opt_id(ref.get("id"), "referenced_tweets[replied_to].id")
    author_id = tweet.get("author_id")
    username = usernames.get(author_id) if isinstance(author_id, str) else None
    return Mention(
        platform=PLATFORM,
        native_id=tweet_id,
        text=_unescape(text),
        created_at=created,
        url=f"https://x.com/{username}/status/{tweet_id}" if username else f"https://x.com/i/web/status/{tweet_id}",
        author=username,
        likes=count(metrics, "like_count", prefix=METRICS),
        reposts=count(metrics, "retweet_count", prefix=METRICS) + count(metrics, "quote_count", prefix=METRICS),
        replies=count(metrics, "reply_count", prefix=METRICS),
        views=None if views is None else count(metrics, "impression_count", prefix=METRICS),
        thread_id=_opt_id(tweet.get("conversation_id"), "conversation_id"),
        parent_id=parent,
    )


def usernames_of(body: Mapping[str, Any]) -> dict[str, str]:
    """Author id → username from ``includes.users`` (missing or broken users are left out)."""
    includes = body.get("includes")
    users = includes.get("users") if isinstance(includes, Mapping) else None
    out = {}
    for user in users if isinstance(users, list) else []:
        if isinstance(user, Mapping) and isinstance(user.get("id"), str) and isinstance(user.get("username"), str):
            out[user["id"]] = user["username"]
    return out


def label(tweet: Any) -> str:
    """How a quarantined tweet is named: ``x tweet <id>``."""
    tid = tweet.get("id") if isinstance(tweet, Mapping) else None
    return f"x tweet {str(tid or '?')[:30]}"


def scrub(tweet: Any) -> dict[str, Any]:
    """The raw item for the quarantine, minus user ids: the quarantine must not undo pseudonymisation."""
    if not isinstance(tweet, Mapping):
        return {"item": tweet}
    return {k: ("<removed>" if k in {"author_id", "in_reply_to_user_id"} else v) for k, v in tweet.items()}


def id_range(body: Mapping[str, Any], data: list[Any]) -> tuple[int | None, int | None]:
    """(newest, oldest) id on a page: ``meta.newest_id``/``oldest_id``, else the items' own ids."""
    meta = body.get("meta") if isinstance(body.get("meta"), Mapping) else {}
    ids = [int(t["id"]) for t in data if isinstance(t, Mapping) and isinstance(t.get("id"), str)
           and TWEET_ID.match(t["id"])]
    for key in ("newest_id", "oldest_id"):
        value = meta.get(key)
        if isinstance(value, str) and TWEET_ID.match(value):
            ids.append(int(value))
    return (max(ids), min(ids)) if ids else (None, None)

