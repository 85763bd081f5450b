"""Raw Google Play review items → ``Mention``, fields located by google-play-scraper's ``ElementSpecs.Review``.

The star rating goes to the contract's ``rating`` column (and, as before, to ``extras``); the app version and
the developer's reply are kept in ``extras`` (the data contract's map of extra fields).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from core.ratings import parse_rating
from core.types import Mention
from listeners.google_play._scraper import ElementSpecs, nested_lookup
from listeners.google_play.options import PLATFORM


def _unix(item: Any, path: list[int]) -> datetime | None:
    """A [seconds, nanos] time of the raw item in UTC (the library converts to local time; we do not)."""
    try:
        seconds = nested_lookup(item, path)
    except (IndexError, TypeError, KeyError):
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        return None
    return datetime.fromtimestamp(seconds, UTC)


def review_time(item: Any) -> datetime | None:
    """When the review was written (or last changed): what the newest-first listing sorts on."""
    return _unix(item, [5, 0])


def review_id(item: Any) -> str | None:
    """The review's id, when the item has one."""
    value = ElementSpecs.Review["reviewId"].extract_content(item)
    return value if isinstance(value, str) and value else None


def review_to_mention(item: Any, *, app_id: str, lang: str, country: str, brand: str) -> Mention:
    """One review; a broken item raises ValueError."""
    if not isinstance(item, list):
        raise ValueError("not a review item")
    fields = {key: spec.extract_content(item) for key, spec in ElementSpecs.Review.items()}
    rid = fields["reviewId"]
    if not isinstance(rid, str) or not rid:
        raise ValueError("review id is missing")
    created = review_time(item)
    if created is None:
        raise ValueError("review date is missing or not unix seconds")
    text = fields["content"]
    if text is not None and not isinstance(text, str):
        raise ValueError("text is not a string")
    score = fields["score"]
    if not isinstance(score, int) or (score := parse_rating(score)) is None:  # the feed gives an int; no text
        raise ValueError(f"rating must be 1 to 5 stars, not {str(score)[:10]!r}")
    thumbs = fields["thumbsUpCount"] or 0
    if isinstance(thumbs, bool) or not isinstance(thumbs, int) or thumbs < 0:
        raise ValueError(f"thumbsUpCount must be a non-negative integer, not {str(thumbs)[:20]!r}")
    extras = {"rating": str(score), "app_id": app_id, "store_lang": lang, "store_country": country}
    if isinstance(fields["appVersion"], str) and fields["appVersion"]:
        extras["app_version"] = fields["appVersion"]
    if isinstance(fields["replyContent"], str) and fields["replyContent"]:
        extras["developer_reply"] = fields["replyContent"]
        if (replied := _unix(item, [7, 2, 0])) is not None:
            extras["developer_reply_at"] = replied.isoformat()
    user = fields["userName"]
    return Mention(
        platform=PLATFORM,
        native_id=rid,
        text=text or "",
        created_at=created,
        url=f"https://play.google.com/store/apps/details?id={app_id}&reviewId={quote(rid, safe='')}",
        author=user if isinstance(user, str) and user else None,
        likes=thumbs,
        replies=1 if "developer_reply" in extras else 0,
        brand_hint=brand,
        rating=score,
        extras=tuple(sorted(extras.items())),
    )


def scrub(item: Any) -> dict[str, Any]:
    """A broken item for the quarantine, without the reviewer's name and avatar."""
    if not isinstance(item, list):
        return {"item": str(item)[:500]}
    kept = list(item)
    if len(kept) > 1:
        kept[1] = "<removed>"
    return {"item": kept}
