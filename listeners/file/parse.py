"""Values in exports as Mention fields: platform names, links, ids, dates in many shapes, counts and extras.

Exports name the same store in many spellings and write dates day-first or month-first; these helpers turn
one cell into one field and raise ValueError with the reason when they cannot. They never guess a value
into shape: a fractional count, a list as id or a date outside ``EARLIEST``..tomorrow is refused, not
rounded, stringified or kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from core.encodings import first_surrogate
from core.types import Mention

PLATFORM_RE = re.compile(r"^[a-z0-9_]{1,32}$")
# Well-known names after normalisation (lowercase, runs of spaces/dashes/dots -> "_").
PLATFORM_ALIASES: dict[str, str] = {
    "googleplay": "google_play", "google_play_store": "google_play", "play_store": "google_play",
    "playstore": "google_play", "google_playstore": "google_play",
    "appstore": "app_store", "apple_app_store": "app_store", "ios_app_store": "app_store",
    "twitter": "x", "x_com": "x", "twitter_com": "x",
    "fb": "facebook", "ig": "instagram", "insta": "instagram", "yt": "youtube",
}
# Extra-column types a file source may declare, and how a raw value becomes its stored text.
EXTRA_TYPES = ("str", "int", "float", "bool")
_TRUE, _FALSE = {"true", "yes", "1", "y"}, {"false", "no", "0", "n"}
# dd.mm.yyyy, dd/mm/yyyy or dd-mm-yyyy, optionally with HH:MM[:SS]: day or month first is read from the column.
_DMY_RE = re.compile(r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_TRACKING = ("utm_", "fbclid", "gclid")
# The dates a post can have: none of the social posts, reviews or tickets voxpop reads predates 2000, and,
# as in the store, one dated more than a day ahead is a broken clock. Outside them: a wrong column or format.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SKEW = timedelta(days=1)
MAX_COUNT = 2**63  # counts are stored as int64


def normalize_platform(value: str) -> str:
    """``Google Play``/``google-play`` -> ``google_play``, ``Trustpilot.com`` -> ``trustpilot``, ``Twitter`` -> ``x``.

    Exports name the same store in many spellings; quarantining them all loses every row of the file.
    """
    name = re.sub(r"[\s.\-]+", "_", value.strip().lower()).strip("_")
    name = PLATFORM_ALIASES.get(name, name)
    return PLATFORM_ALIASES.get(name.removesuffix("_com"), name.removesuffix("_com"))


def normalize_url(url: str) -> str:
    """The identity of a link: lowercase scheme and host, no fragment, trailing slash or tracking params."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING)]
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


def day_first_of(values: Iterator[Any] | list[Any]) -> bool | None:
    """Whether a date column's ``nn.nn.yyyy`` values put the day first (None: the column has none).

    Read from the whole column: any first part above 12 means day first, any second part above 12 means
    month first; when every value is ambiguous (05.06.2026) the day comes first, the norm in az, tr and ru.
    """
    found = False
    for value in values:
        m = _DMY_RE.match(str(value).strip()) if isinstance(value, str) else None
        if not m:
            continue
        found = True
        if int(m.group(1)) > 12:
            return True
        if int(m.group(3)) > 12:
            return False
    return True if found else None


def parse_timestamp(
    value: Any, *, tz: tzinfo = UTC, day_first: bool = True, date_format: str | None = None
) -> datetime:
    """ISO 8601, ``YYYY-MM-DD``, ``dd.mm.yyyy[ HH:MM]``, Unix seconds/milliseconds, or ``date_format``.

    A time without an offset is local time in ``tz`` (UTC unless the source sets ``timezone``). A date
    without a time keeps its calendar day (midnight UTC): shifting ``21.11.2026`` from Baku time would
    file it under 20 November.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    text = str(value).strip()
    if date_format is not None:
        try:
            ts = datetime.strptime(text, date_format)
        except ValueError:
            raise ValueError(f"timestamp {text[:40]!r} does not match date_format {date_format!r}") from None
        date_only = not re.search(r"%[HIMSXcTRr]", date_format)
        return ts if ts.tzinfo else ts.replace(tzinfo=UTC if date_only else tz)
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return parse_timestamp(float(text))
    if m := _DMY_RE.match(text):
        first, _, second, year, hour, minute, sec = m.groups()
        day, month = (first, second) if day_first else (second, first)
        try:
            ts = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(sec or 0),
                          tzinfo=tz if hour is not None else UTC)
        except ValueError as exc:
            raise ValueError(f"invalid date {text[:40]!r}: {exc}") from None
        return ts
    try:
        ts = datetime.fromisoformat(text.replace(" UTC", "+00:00"))
    except ValueError:
        raise ValueError(f"unparseable timestamp {text[:40]!r}; use ISO 8601 like 2026-10-24T13:05:00Z "
                         "or set options.date_format") from None
    date_only = re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) is not None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC if date_only else tz)


def extra_value(value: Any, kind: str, name: str) -> str | None:
    """An extra column's value as stored text, checked against its declared type (None when empty)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dict | list):
        raise ValueError(f"extra column {name} must be {kind}, not a JSON {type(value).__name__}")
    text = str(value).strip()
    try:
        if kind == "int":
            number = _integer(text if isinstance(value, str) else value)  # a float keeps its precision check
            if number is None:
                raise ValueError
            return str(number)
        if kind == "float":
            return repr(float(text))
        if kind == "bool":
            low = text.lower()
            if low not in _TRUE | _FALSE:
                raise ValueError
            return "true" if low in _TRUE else "false"
    except (ValueError, OverflowError):
        raise ValueError(f"extra column {name} must be {kind}, not {text[:20]!r}") from None
    return text


def count(value: Any, name: str) -> int:
    """A like/reply/view count cell as an int (empty: 0); negative or non-numeric values raise."""
    if value in (None, ""):
        return 0
    number = _integer(value)
    if number is None:
        shown = repr(value.strip()[:20]) if isinstance(value, str) else \
            repr(value) if isinstance(value, int | float) else type(value).__name__
        raise ValueError(f"{name} must be a non-negative integer, not {shown}")
    if number < 0:
        raise ValueError(f"{name} must be a non-negative integer, not {number}")
    if number >= MAX_COUNT:
        digits = str(number)
        raise ValueError(f"{name} must be a non-negative integer below 2**63, not {digits[:20]}"
                         f"{'...' if len(digits) > 20 else ''}")
    return number


def _integer(value: Any) -> int | None:
    """``value`` as an int when it is exactly one (``3``, ``3.0``, ``"3"``, ``"3.0"``, ``"3e2"``), else None.

    A fraction is not rounded (likes 1.7 are no count), and a float from 2**53 on is refused: it may already
    have lost its last digits. Text is read as a decimal, so ``"9007199254740993"`` keeps every digit.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else None
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else None
    except InvalidOperation:
        return None
    # 1e999999999 must not become a billion digits: anything past 1e30 is no count anyway
    if number is None or not number.is_finite() or number.adjusted() > 30:
        return None
    return int(number) if number == number.to_integral_value() else None


def as_id(value: Any, name: str, *, numbers: bool = True) -> str | None:
    """An id, handle or link cell as stripped text, None when empty: text, or (``numbers``) an integer.

    A list, object, float or boolean is no id: ``["a"]`` must not become the id ``['a']``, and a float id
    (``1.79e18``) has already lost its last digits.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"{name} must be {'text or an integer' if numbers else 'text'}, not {type(value).__name__}")


def plausible_date(ts: datetime, now: datetime | None = None) -> datetime:
    """``ts`` when a post can have that date (``EARLIEST`` to a day from ``now``); raises ValueError otherwise."""
    if ts < EARLIEST:
        raise ValueError(f"created_at {ts.date().isoformat()} is before {EARLIEST.date().isoformat()}, not a "
                         "plausible date for a post; check the date column or options.date_format")
    if ts > (now or datetime.now(UTC)) + FUTURE_SKEW:
        raise ValueError(f"created_at {ts.isoformat()} is in the future; check the date column or options.timezone")
    return ts


def unicode_problem(m: Mention) -> str | None:
    """Why a field of ``m`` is not valid Unicode (a lone surrogate, from a broken JSON escape), or None."""
    fields = [(name, getattr(m, name)) for name in ("text", "author", "url", "native_id", "thread_id", "parent_id")]
    for name, value in [*fields, *((f"extra column {k}", v) for k, v in m.extras)]:
        if value and (found := first_surrogate(value)):
            return (f"{name} has a lone surrogate ({found[1]} at character {found[0] + 1}): not valid Unicode, "
                    "so it cannot be stored; fix the escape in the export")
    return None
