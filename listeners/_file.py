"""The ``file`` listener: imports CSV, JSONL or plain-text exports (surveys, reviews, tickets, posts).

Columns are found by common names (``text``/``content``/``body``/``comment``…) or mapped explicitly with
``options.columns``. Rows without an id get a hash of their normalised URL as ``native_id`` (of file,
time and text when they have no URL either), so importing the same export twice adds nothing. Platform
names are normalised, day-first dates are recognised from the column, and declared extra columns are
kept (docs/configuration.md, "File sources"). A bad row is rejected with its reason and line number; the file goes on.
The cursor remembers each file's content hash, so an unchanged export is not re-read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.config import Settings, Source
from core.errors import ConfigError, SourceError
from core.records import FORMATS, format_of, iter_rows
from core.types import Mention, Page, Rejected
from listeners._base import registry

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
_PLATFORM_RE = re.compile(r"^[a-z0-9_]{1,32}$")
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


def _extra_value(value: Any, kind: str, name: str) -> str | None:
    """An extra column's value as stored text, checked against its declared type (None when empty)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    try:
        if kind == "int":
            number = float(text)
            if not number.is_integer():
                raise ValueError
            return str(int(number))
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


def _count(value: Any, name: str) -> int:
    if value in (None, ""):
        return 0
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a non-negative integer, not {value!r}")
    try:
        number = int(float(value)) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a non-negative integer, not {str(value)[:20]!r}") from None
    if number < 0:
        raise ValueError(f"{name} must be a non-negative integer, not {number}")
    return number


class FileListener:
    """Imports CSV / TSV / JSONL / plain-text exports."""

    def __init__(
        self,
        name: str,
        path: str | Path,
        *,
        fmt: str = "auto",
        columns: Mapping[str, str] | None = None,
        platform: str = "file",
        brand: str | None = None,
        encoding: str = "utf-8-sig",
        page_size: int = 1000,
        date_format: str | None = None,
        timezone: str = "UTC",
        extra_columns: Mapping[str, str] | list[str] | None = None,
    ) -> None:
        self.name = name
        self.path = Path(path)
        if fmt != "auto" and fmt not in FORMATS:
            raise ConfigError(f"source '{name}': format '{fmt}' unknown; use auto or one of {', '.join(FORMATS)}")
        self.fmt = fmt
        self.columns = dict(columns or {})
        unknown = sorted(set(self.columns) - set(COLUMN_ALIASES))
        if unknown:
            raise ConfigError(
                f"source '{name}': options.columns has unknown key(s) {unknown}; "
                f"allowed: {', '.join(COLUMN_ALIASES)}"
            )
        platform = normalize_platform(platform)
        if not _PLATFORM_RE.match(platform):
            raise ConfigError(f"source '{name}': platform must be letters/digits/_ (1-32), not {platform!r}")
        self.platform = platform
        self.date_format = _check_date_format(name, date_format)
        try:
            self.tz: tzinfo = ZoneInfo(str(timezone))
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "Asia" is a folder of tzdata, not a zone
            raise ConfigError(f"source '{name}': options.timezone {timezone!r} is not an IANA time zone name; "
                              "use one like Asia/Baku or UTC") from None
        self.extra_columns = _check_extras(name, extra_columns)
        self.brand = brand
        self.encoding = encoding
        self.page_size = page_size
        self._day_first = True  # per file, from its date column (see pages)

    @classmethod
    def from_config(cls, source: Source, settings: Settings) -> FileListener:
        """Build from a ``sources:`` entry (``options.path`` is required)."""
        opts = dict(source.options)
        if "path" not in opts:
            raise ConfigError(f"source '{source.name}' (type file) needs options.path: a file, folder or glob")
        brand = opts.pop("brand", None)
        if brand is not None and brand not in {b.name for b, _ in settings.all_brands()}:
            raise ConfigError(f"source '{source.name}': options.brand '{brand}' is not a configured brand")
        allowed = {"path", "format", "columns", "platform", "encoding", "page_size", "date_format", "timezone",
                   "extra_columns"}
        extra = sorted(set(opts) - allowed)
        if extra:
            valid = sorted(allowed | {"brand"})
            raise ConfigError(f"source '{source.name}': unknown option(s) {extra}; allowed: {valid}")
        return cls(
            source.name,
            opts["path"],
            fmt=opts.get("format", "auto"),
            columns=opts.get("columns"),
            platform=opts.get("platform", "file"),
            brand=brand,
            encoding=opts.get("encoding", "utf-8-sig"),
            page_size=int(opts.get("page_size", 1000)),
            date_format=opts.get("date_format"),
            timezone=opts.get("timezone", "UTC"),
            extra_columns=opts.get("extra_columns"),
        )

    # ---- iteration ------------------------------------------------------------------------------
    def files(self) -> list[Path]:
        """The export files this source covers (a file, every supported file in a folder, or a glob)."""
        if self.path.is_dir():
            found = [p for p in sorted(self.path.rglob("*")) if format_of(p)]
        elif any(ch in str(self.path) for ch in "*?["):
            found = sorted(Path(self.path.anchor or ".").glob(str(self.path.relative_to(self.path.anchor or "."))))
        elif self.path.exists():
            found = [self.path]
        else:
            raise SourceError(f"source '{self.name}': {self.path} does not exist; check options.path")
        if not found:
            raise SourceError(f"source '{self.name}': no .csv/.tsv/.jsonl/.txt files under {self.path}")
        return found

    def pages(self, cursor: Mapping[str, Any] | None) -> Iterator[Page]:
        """One or more pages per changed file.

        The cursor records, per file, the content hash of the version done (unchanged files are skipped)
        and when the file was first seen: plain-text lines carry no time, so they are dated by that first
        sighting, which keeps their date (and so their partition and dedupe) stable when the file grows.
        """
        done: dict[str, Any] = {k: v if isinstance(v, dict) else {"sha256": v}
                                for k, v in dict((cursor or {}).get("files", {})).items()}
        for path in self.files():
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            state = done.get(str(path), {})
            if state.get("sha256") == digest:
                continue
            first_seen = state.get("first_seen") or datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).isoformat()
            rows = list(self._rows(path, data))
            # Day or month first is a property of the export, so it is read from the whole date column.
            day_first = day_first_of(self._column(row, "created_at") for _, row in rows if isinstance(row, dict))
            self._day_first = True if day_first is None else day_first
            seen: dict[tuple[str, str], int] = {}
            for start in range(0, max(len(rows), 1), self.page_size):
                page = Page()
                for line_no, row in rows[start : start + self.page_size]:
                    self._convert(path, line_no, row, page, datetime.fromisoformat(first_seen), seen)
                last = start + self.page_size >= len(rows)
                if last:
                    done[str(path)] = {"sha256": digest, "first_seen": first_seen}
                page.cursor = {"files": dict(done)} if last else None
                yield page

    def _format(self, path: Path) -> str:
        if self.fmt != "auto":
            return self.fmt
        fmt = format_of(path)
        if fmt is None:
            raise SourceError(f"source '{self.name}': cannot tell the format of {path}; set options.format")
        return fmt

    def _rows(self, path: Path, data: bytes) -> Iterator[tuple[int, dict[str, Any] | str]]:
        try:
            text = data.decode(self.encoding)
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"source '{self.name}': {path} is not {self.encoding} ({exc.reason} at byte {exc.start}); "
                "re-export it as UTF-8 or set options.encoding (e.g. cp1251)"
            ) from None
        try:
            yield from iter_rows(text, self._format(path))
        except ValueError as exc:  # a JSON array that does not parse: the whole file is unreadable
            raise SourceError(f"source '{self.name}': {path} {exc}") from None

    def _column(self, row: Mapping[str, Any], field: str) -> Any:
        if field in self.columns:
            return row.get(self.columns[field])
        lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
        for alias in COLUMN_ALIASES[field]:
            if alias in lowered:
                return lowered[alias]
        return None

    def _convert(  # noqa: PLR0917 - private helper called from one place
        self, path: Path, line_no: int, row: dict[str, Any] | str, page: Page, first_seen: datetime,
        seen: dict[tuple[str, str], int],
    ) -> None:
        where = f"{path.name}:{line_no}"
        if isinstance(row, str):
            page.rejects.append(Rejected(self.name, f"{where}: {row}", {"file": str(path), "line": line_no}))
            return
        try:
            page.mentions.append(self._mention(row, path, first_seen, seen))
        except (ValueError, OverflowError, OSError) as exc:  # bad numbers and dates in any shape
            page.rejects.append(Rejected(self.name, f"{where}: {exc}",
                                         {"file": str(path), "line": line_no, **self._without_authors(row)}))

    def _without_authors(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The raw row minus author columns: the quarantine must not undo pseudonymisation."""
        author_cols = {self.columns.get("author", ""), *COLUMN_ALIASES["author"]}
        return {k: ("<removed>" if str(k).strip().lower() in author_cols or k == self.columns.get("author") else v)
                for k, v in row.items()}

    def _mention(self, row: Mapping[str, Any], path: Path, first_seen: datetime,
                 seen: dict[tuple[str, str], int]) -> Mention:
        text = self._column(row, "text")
        if not isinstance(text, str) or not text.strip():
            raise ValueError("empty or missing text")
        raw_ts = self._column(row, "created_at")
        if raw_ts in (None, ""):
            if self._format(path) != "txt":
                raise ValueError("missing created_at")
            created = first_seen
        else:
            created = parse_timestamp(raw_ts, tz=self.tz, day_first=self._day_first, date_format=self.date_format)
        platform = normalize_platform(str(self._column(row, "platform") or self.platform))
        if not _PLATFORM_RE.match(platform):
            raise ValueError(f"platform must be letters/digits/_ (1-32), not {platform[:40]!r}")
        extras = self._extras(row)
        url = _opt_str(self._column(row, "url"))
        native = self._column(row, "id")
        if native in (None, ""):
            # No id in the export: identify the row by file, time, text and how often that pair occurred
            # before in the file, so two identical answers stay two rows and a re-import matches them again.
            when = "" if raw_ts in (None, "") else created.isoformat()  # a txt line's date is not its own
            seen[(when, text)] = occurrence = seen.get((when, text), 0) + 1
            ident = f"{path.name}\x00{when}\x00{text}\x00{occurrence}"
            if url:  # a link names the post itself: the same post in two exports is one mention
                ident = f"url\x00{normalize_url(url)}"
            native = hashlib.sha1(ident.encode(), usedforsecurity=False).hexdigest()[:20]
        views = self._column(row, "views")
        return Mention(
            platform=platform,
            native_id=str(native).strip(),
            text=text,
            created_at=created,
            url=url,
            author=_opt_str(self._column(row, "author")),
            likes=_count(self._column(row, "likes"), "likes"),
            reposts=_count(self._column(row, "reposts"), "reposts"),
            replies=_count(self._column(row, "replies"), "replies"),
            views=None if views in (None, "") else _count(views, "views"),
            thread_id=_opt_str(self._column(row, "thread_id")),
            parent_id=_opt_str(self._column(row, "parent_id")),
            brand_hint=self.brand,
            extras=extras,
        )

    def _extras(self, row: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        """The declared extra columns of ``row`` (matched case-insensitively), typed and as text."""
        if not self.extra_columns:
            return ()
        lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
        out = []
        for name, kind in self.extra_columns.items():
            value = _extra_value(lowered.get(name.lower()), kind, name)
            if value is not None:
                out.append((name, value))
        return tuple(out)


def _check_date_format(name: str, fmt: Any) -> str | None:
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


def _check_extras(name: str, extras: Any) -> dict[str, str]:
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


def _opt_str(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return str(value).strip()


SAMPLE_PATH = Path(__file__).parent / "_sample" / "mentions.jsonl"


@registry.register("file", "csv", "jsonl", description="CSV/TSV/JSONL/plain-text exports")
def _file_factory(source: Source, settings: Settings) -> FileListener:
    return FileListener.from_config(source, settings)


@registry.register("sample", "demo", description="the bundled multilingual demo sample")
def _sample_factory(source: Source, settings: Settings) -> FileListener:  # noqa: ARG001 - factory signature
    if not SAMPLE_PATH.exists():
        raise SourceError(f"the bundled sample is missing at {SAMPLE_PATH}; run `make sample` to regenerate it")
    return FileListener(source.name, SAMPLE_PATH, fmt="jsonl", platform="file",
                        page_size=int(source.options.get("page_size", 1000)))
