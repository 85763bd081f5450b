"""The records that cross layers: a source's ``Mention``, a ``Page`` of them, and a ``Rejected`` record.

Listeners produce them, the pipeline consumes them and storage writes rejects to the quarantine; they live
on the ground floor so none of those layers imports another to share them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Reason text -> stable code, first match wins. The one place codes are defined: producers may set
# ``Rejected.code`` themselves; otherwise the code is derived from the reason text with this table.
_REASON_PATTERNS = (
    ("bad_rating", r"\brating must be 1 to 5"),
    ("bad_extra", r"^extra column "),
    ("bad_encoding", r"^not valid [\w-]+: byte 0x|lone surrogate"),
    ("duplicate_field", r"^duplicate (column|json key)"),
    ("bad_csv", r"^unbalanced quote|^unreadable csv row"),
    ("future_timestamp", r"\bin the future\b"),
    ("missing_field", r"missing required field"),
    ("missing_timestamp", r"missing created_at|created_at is missing|created_utc is missing"),
    ("empty_text", r"empty or missing text|text is empty|missing text|text is missing|(title|body) is missing"),
    ("bad_timestamp", r"timestamp|datetime|unix seconds|\bdate\b|time zone|timezone|out of range|is before \d{4}-"),
    ("bad_platform", r"\bplatform\b"),
    ("too_long", r"too long"),
    ("bad_count", r"must be a non-negative integer|must be an integer from 0|must be a number|must not be negative"),
    ("bad_json", r"invalid json|expected a json object|empty line"),
    ("bad_sentiment", r"sentiment"),
    ("bad_id", r"mention_id must be|^id must be|\bid is missing|missing id\b|numeric id|base-36 id|\buri\b"),
    ("withheld", r"withheld"),
    ("not_a_post", r"not a post|not t3|expected a (tweet|postview) object|data is not an object|not app\.bsky"),
)
REASON_CODES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(pattern, re.IGNORECASE)) for code, pattern in _REASON_PATTERNS)
OTHER_REASON = "invalid"
# A file row's reason starts with "<file name>:<line>: "; the name must not pick the code.
_LOCATION_PREFIX = re.compile(r"^[^\s:][^:]*:\d+: ")


def reason_code(reason: str) -> str:
    """The stable code of a free-text ``reason`` (the first problem's), ``invalid`` when none fits."""
    text = _LOCATION_PREFIX.sub("", reason, count=1).split("; ", 1)[0]
    return next((code for code, pattern in REASON_CODES if pattern.search(text)), OTHER_REASON)


@dataclass(frozen=True, slots=True)
class Rejected:
    """A record that failed validation, with the reason; it goes to the quarantine, never to /dev/null.

    ``code`` and ``location`` are optional: without them the code comes from ``reason_code(reason)`` and a
    file row's location from the ``file`` and ``line`` keys the file listener puts in ``record``.
    """

    source: str
    reason: str
    record: Mapping[str, Any]
    code: str | None = None
    location: str | None = None

    def reason_code(self) -> str:
        """The stable code of this rejection."""
        return self.code or reason_code(self.reason)

    def where(self) -> str | None:
        """Where the record came from (file:line), when known."""
        if self.location:
            return self.location
        file, line = self.record.get("file"), self.record.get("line")
        return f"{file}:{line}" if file is not None and line is not None else None


@dataclass(frozen=True, slots=True)
class Mention:
    """One post, comment or review as the source gave it, before brand matching and scoring."""

    platform: str
    native_id: str
    text: str
    created_at: datetime
    url: str | None = None
    author: str | None = None
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    views: int | None = None
    thread_id: str | None = None
    parent_id: str | None = None
    brand_hint: str | None = None  # set when the whole source is about one brand (e.g. our own reviews)
    # Declared extra columns of a file import as (name, value-as-text) pairs: a tuple, so the frozen
    # Mention stays immutable and no default is shared mutable state.
    extras: tuple[tuple[str, str], ...] = ()
    # The source says this text replaces the stored one (an edited Telegram message, with ``edits: true``):
    # a stored copy is rescored and overwritten instead of only getting its counts refreshed.
    edited: bool = False
    # Star rating 1..5 of a review (app stores, a file's ``rating`` column), parsed by ``core.ratings``.
    rating: int | None = None

    @property
    def mention_id(self) -> str:
        """The dedupe key: ``platform:native_id``."""
        return f"{self.platform}:{self.native_id}"


@dataclass(slots=True)
class Page:
    """A batch from a source, the records it rejected, and the cursor to resume after it."""

    mentions: list[Mention] = field(default_factory=list)
    rejects: list[Rejected] = field(default_factory=list)
    cursor: dict[str, Any] | None = None
