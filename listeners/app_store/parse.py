"""Customer-reviews feed entries → ``Mention``: the stars in ``rating`` (and ``extras``), the app version in extras."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from core.ratings import parse_rating
from core.types import Mention
from listeners.app_store.options import PLATFORM


def _label(entry: Mapping[str, Any], key: str) -> Any:
    """The ``label`` of a feed field (``{"im:rating": {"label": "4"}}``), None when absent."""
    value = entry.get(key)
    return value.get("label") if isinstance(value, Mapping) else None


def entry_time(entry: Any) -> datetime | None:
    """When the review was written or last updated (``updated``), in UTC."""
    if not isinstance(entry, Mapping):
        return None
    raw = _label(entry, "updated")
    try:
        ts = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    if ts is None or ts.tzinfo is None:
        return None
    return ts.astimezone(UTC)


def entry_id(entry: Any) -> str | None:
    """The review's id."""
    value = _label(entry, "id") if isinstance(entry, Mapping) else None
    return value if isinstance(value, str) and value.isdigit() else None


def entry_to_mention(entry: Any, *, app_id: int, country: str, brand: str) -> Mention:
    """One review: title and body as the text; a broken entry raises ValueError."""
    if not isinstance(entry, Mapping):
        raise ValueError("not a review entry")
    rid = entry_id(entry)
    if rid is None:
        raise ValueError("review id is missing or not numeric")
    created = entry_time(entry)
    if created is None:
        raise ValueError("updated is missing or not an ISO datetime with a time zone")
    rating = parse_rating(_label(entry, "im:rating"))
    if rating is None:
        raise ValueError("rating must be 1 to 5 stars, not missing")
    title, body = _label(entry, "title"), _label(entry, "content")
    if not isinstance(body, str) or (title is not None and not isinstance(title, str)):
        raise ValueError("text is missing or not a string")
    votes = _label(entry, "im:voteSum")
    try:
        likes = max(int(votes), 0) if votes is not None else 0
    except (TypeError, ValueError):
        raise ValueError(f"im:voteSum must be a number, not {str(votes)[:20]!r}") from None
    extras = {"rating": str(rating), "app_id": str(app_id), "store_country": country}
    version = _label(entry, "im:version")
    if isinstance(version, str) and version:
        extras["app_version"] = version
    author = entry.get("author")
    name = _label(author, "name") if isinstance(author, Mapping) else None
    text = f"{title.strip()}\n\n{body}" if title and title.strip() else body
    return Mention(
        platform=PLATFORM,
        native_id=rid,
        text=text,
        created_at=created,
        url=f"https://apps.apple.com/{country}/app/id{app_id}?see-all=reviews",
        author=name if isinstance(name, str) and name else None,
        likes=likes,
        brand_hint=brand,
        rating=rating,
        extras=tuple(sorted(extras.items())),
    )


def scrub(entry: Any) -> dict[str, Any]:
    """A broken entry for the quarantine, without its author."""
    if not isinstance(entry, Mapping):
        return {"item": str(entry)[:500]}
    return {k: v for k, v in entry.items() if k != "author"}
