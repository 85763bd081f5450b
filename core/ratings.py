"""Star ratings (1 to 5) of reviews, parsed in one place for every listener and for the store's upgrade.

A review's stars are the one direct satisfaction signal a source gives (CSAT), so a value that is no
star rating is never guessed into one: ``parse_rating`` raises, the listener quarantines the record with
the reason code ``bad_rating``, and the upgrade of an old store leaves such a value in ``extras``.
"""

from __future__ import annotations

import math
import re
from typing import Any

RATING_COLUMN = "rating"  # the contract's column, and the declared extra column of a file import that fills it
MIN_STARS, MAX_STARS = 1, 5
SATISFIED = 4  # CSAT counts the 4- and 5-star ratings as satisfied
_STARS = frozenset("★⭐")
_OUT_OF = re.compile(r"^\s*(\d+(?:[.,]0+)?)\s*(?:/|of|out of)\s*5\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*(\d+)(?:[.,]0+)?\s*$")


def parse_rating(value: Any) -> int | None:
    """``value`` as a star rating 1..5; None when empty; ValueError when it is something else.

    Accepts an int, a whole float, ``"4"``, ``"4.0"``, ``"4,0"``, ``"4/5"``, ``"4 of 5"`` and
    ``"★★★★"`` (with or without the empty stars ``☆``). ``"4.5"``, ``"0"``, ``"6"``, ``"4/10"`` and
    anything else raise: a half star or another scale is not the 1-5 rating CSAT is defined on.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"rating must be 1 to 5 stars, not {value!r}")
    if isinstance(value, int):
        stars = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise ValueError(f"rating must be 1 to 5 stars, not {value!r}")
        stars = int(value)
    elif isinstance(value, str):
        stars = _from_text(value)
    else:
        raise ValueError(f"rating must be 1 to 5 stars, not a {type(value).__name__}")
    if not MIN_STARS <= stars <= MAX_STARS:
        raise ValueError(f"rating must be 1 to 5 stars, not {str(value)[:20]!r}")
    return stars


def rating_or_none(value: Any) -> int | None:
    """``parse_rating`` that gives None instead of raising (the upgrade of stored rows keeps the raw text)."""
    try:
        return parse_rating(value)
    except ValueError:
        return None


def _from_text(text: str) -> int:
    stripped = text.strip()
    if stripped and set(stripped) <= _STARS | {"☆", " "}:
        return sum(ch in _STARS for ch in stripped)
    match = _NUMBER.match(stripped) or _OUT_OF.match(stripped)
    if match is None:
        raise ValueError(f"rating must be 1 to 5 stars, not {text[:20]!r}")
    return int(float(match.group(1).replace(",", ".")))
