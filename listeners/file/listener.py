"""The ``file`` listener: imports CSV, JSONL or plain-text exports (surveys, reviews, tickets, posts).

Columns are found by common names (``text``/``content``/``body``/``comment``…) or mapped explicitly with
``options.columns``. Rows without an id get a hash of their normalised URL as ``native_id`` (of file,
time and text when they have no URL either), so importing the same export twice adds nothing. Platform
names are normalised, day-first dates are recognised from the column, and declared extra columns are
kept (docs/configuration.md, "File sources"). The encoding is detected per file unless ``options.encoding``
names it. A bad row (an unreadable byte, a lone surrogate, a fractional count, a list as id, an implausible
date, ...) is rejected with its reason and ``file:line``; the file and the run go on. Files are read newest
first (by modification time), so when two exports hold the same id the newer one's row is the one kept.
The cursor remembers each file's content hash, so an unchanged export is not re-read.
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.config import Settings, Source
from core.encodings import AUTO, decode, escape_surrogates, label
from core.errors import ConfigError, SourceError
from core.ratings import RATING_COLUMN, parse_rating
from core.records import FORMATS, format_of, iter_rows
from core.types import Mention, Page, Rejected
from listeners.file.cursor import files_done
from listeners.file.options import COLUMN_ALIASES, check_date_format, check_encodings, check_extras
from listeners.file.parse import (
    PLATFORM_RE,
    as_id,
    count,
    day_first_of,
    extra_value,
    normalize_platform,
    normalize_url,
    parse_timestamp,
    plausible_date,
    unicode_problem,
)

log = logging.getLogger("listeners.file")


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
        encoding: str | Mapping[str, str] = AUTO,
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
        if not PLATFORM_RE.match(platform):
            raise ConfigError(f"source '{name}': platform must be letters/digits/_ (1-32), not {platform!r}")
        self.platform = platform
        self.date_format = check_date_format(name, date_format)
        try:
            self.tz: tzinfo = ZoneInfo(str(timezone))
        except (ZoneInfoNotFoundError, ValueError, OSError):  # "Asia" is a folder of tzdata, not a zone
            raise ConfigError(f"source '{name}': options.timezone {timezone!r} is not an IANA time zone name; "
                              "use one like Asia/Baku or UTC") from None
        self.extra_columns = check_extras(name, extra_columns)
        self.brand = brand
        self.encoding = check_encodings(name, encoding)
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
            encoding=opts.get("encoding", AUTO),
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
        done = files_done(self.name, cursor)
        # Newest first: the flow keeps the first row of an id in a run, so the latest export's counts win.
        for path in sorted(self.files(), key=lambda p: (p.stat().st_mtime_ns, str(p)), reverse=True):
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

    def _encoding(self, path: Path) -> str:
        if isinstance(self.encoding, str):
            return self.encoding
        return next((enc for glob, enc in self.encoding.items()
                     if fnmatch.fnmatch(path.name, glob) or fnmatch.fnmatch(path.as_posix(), glob)
                     or fnmatch.fnmatch(path.as_posix(), f"*/{glob}")), AUTO)

    def _format(self, path: Path) -> str:
        if self.fmt != "auto":
            return self.fmt
        fmt = format_of(path)
        if fmt is None:
            raise SourceError(f"source '{self.name}': cannot tell the format of {path}; set options.format")
        return fmt

    def _rows(self, path: Path, data: bytes) -> Iterator[tuple[int, dict[str, Any] | str]]:
        wanted = self._encoding(path)
        text, used = decode(data, wanted)
        if wanted == AUTO and label(used) != "UTF-8":
            log.warning("source %s: read %s as %s (detected); set options.encoding if that is wrong",
                        self.name, path, used)
        try:
            yield from iter_rows(text, self._format(path), encoding=label(used))
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
        if isinstance(row, str):  # a BadRow carries what could be read of the row
            reason, fields = str(row), getattr(row, "record", {})
        else:
            try:
                page.mentions.append(self._mention(row, path, first_seen, seen))
                return
            except (ValueError, OverflowError, OSError) as exc:  # bad numbers and dates in any shape
                reason, fields = str(exc), row
        # The quarantine must be writable as UTF-8: lone surrogates (in the values or the reason) are escaped.
        record = escape_surrogates({"file": str(path), "line": line_no, **self._without_authors(fields)})
        page.rejects.append(Rejected(self.name, escape_surrogates(f"{where}: {reason}"), record,
                                     location=f"{path}:{line_no}"))

    def _without_authors(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The raw row minus author columns: the quarantine must not undo pseudonymisation."""
        author_cols = {self.columns.get("author", ""), *COLUMN_ALIASES["author"]}
        return {k: ("<removed>" if str(k).strip().lower() in author_cols or k == self.columns.get("author")
                    or str(k).strip().lower().rsplit(" (", 1)[0] in author_cols else v)  # also "author (2)"
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
            created = plausible_date(parse_timestamp(raw_ts, tz=self.tz, day_first=self._day_first,
                                                     date_format=self.date_format))
        platform = normalize_platform(str(self._column(row, "platform") or self.platform))
        if not PLATFORM_RE.match(platform):
            raise ValueError(f"platform must be letters/digits/_ (1-32), not {platform[:40]!r}")
        extras = self._extras(row)
        url = as_id(self._column(row, "url"), "url", numbers=False)
        native = as_id(self._column(row, "id"), "id")
        if native is None:
            # No id in the export: identify the row by file, time, text and how often that pair occurred
            # before in the file, so two identical answers stay two rows and a re-import matches them again.
            when = "" if raw_ts in (None, "") else created.isoformat()  # a txt line's date is not its own
            seen[(when, text)] = occurrence = seen.get((when, text), 0) + 1
            ident = f"{path.name}\x00{when}\x00{text}\x00{occurrence}"
            if url:  # a link names the post itself: the same post in two exports is one mention
                ident = f"url\x00{normalize_url(url)}"
            native = hashlib.sha1(ident.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()[:20]
        views = self._column(row, "views")
        mention = Mention(
            platform=platform,
            native_id=native,
            text=text,
            created_at=created,
            url=url,
            author=as_id(self._column(row, "author"), "author"),
            likes=count(self._column(row, "likes"), "likes"),
            reposts=count(self._column(row, "reposts"), "reposts"),
            replies=count(self._column(row, "replies"), "replies"),
            views=None if views in (None, "") else count(views, "views"),
            thread_id=as_id(self._column(row, "thread_id"), "thread_id"),
            parent_id=as_id(self._column(row, "parent_id"), "parent_id"),
            brand_hint=self.brand,
            extras=extras,
            rating=next((int(v) for k, v in extras if k.lower() == RATING_COLUMN), None),
        )
        if problem := unicode_problem(mention):
            raise ValueError(problem)
        return mention

    def _extras(self, row: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
        """The declared extra columns of ``row`` (matched case-insensitively), typed and as text."""
        if not self.extra_columns:
            return ()
        lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
        out = []
        for name, kind in self.extra_columns.items():
            raw = lowered.get(name.lower())
            if name.lower() == RATING_COLUMN:  # the contract's rating column: stars 1..5, whatever the declared type
                try:
                    stars = parse_rating(raw)
                except ValueError as exc:
                    raise ValueError(f"{exc} (a column of another scale stays text in extras under another "
                                     "name, e.g. score)") from None
                value = None if stars is None else str(stars)
            else:
                value = extra_value(raw, kind, name)
            if value is not None:
                out.append((name, value))
        return tuple(out)
