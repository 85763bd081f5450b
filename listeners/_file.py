"""The ``file`` listener: imports CSV, JSONL or plain-text exports (surveys, reviews, tickets, posts).

Columns are found by common names (``text``/``content``/``body``/``comment``…) or mapped explicitly with
``options.columns``. Rows without an id get a content hash as ``native_id``, so importing the same
export twice adds nothing. A bad row is rejected with its reason and line number; the file goes on.
The cursor remembers each file's content hash, so an unchanged export is not re-read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from listeners._base import Mention, Page, registry
from storage.schema import Rejected
from voxpop.config import Settings, Source
from voxpop.errors import ConfigError, SourceError
from voxpop.records import FORMATS, format_of, iter_rows

# First match wins; compared case-insensitively.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "message", "comment", "review", "full_text", "selftext", "post"),
    "created_at": ("created_at", "created", "date", "datetime", "timestamp", "time", "created_utc",
                   "posted_at", "published_at"),
    "id": ("id", "native_id", "post_id", "tweet_id", "comment_id", "review_id", "ticket_id", "uid"),
    "author": ("author", "user", "username", "handle", "screen_name", "author_handle", "customer"),
    "url": ("url", "link", "permalink"),
    "platform": ("platform", "network", "channel", "site"),
    "likes": ("likes", "like_count", "favorite_count", "score", "upvotes", "reactions"),
    "reposts": ("reposts", "retweets", "retweet_count", "shares", "repost_count"),
    "replies": ("replies", "reply_count", "comments", "num_comments"),
    "views": ("views", "impressions", "impression_count", "view_count"),
    "thread_id": ("thread_id", "conversation_id", "link_id", "submission_id"),
    "parent_id": ("parent_id", "in_reply_to_id", "reply_to"),
}
_PLATFORM_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def parse_timestamp(value: Any) -> datetime:
    """ISO 8601 (``Z`` or offset; naive means UTC), ``YYYY-MM-DD``, or Unix seconds/milliseconds."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, tz=UTC)
    text = str(value).strip()
    if re.fullmatch(r"\d{9,13}(\.\d+)?", text):
        return parse_timestamp(float(text))
    try:
        ts = datetime.fromisoformat(text.replace(" UTC", "+00:00"))
    except ValueError:
        raise ValueError(f"unparseable timestamp {text[:40]!r}; use ISO 8601 like 2026-10-24T13:05:00Z") from None
    return ts if ts.tzinfo else ts.replace(tzinfo=UTC)


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
        if not _PLATFORM_RE.match(platform):
            raise ConfigError(f"source '{name}': platform must be lowercase letters/digits/_, not {platform!r}")
        self.platform = platform
        self.brand = brand
        self.encoding = encoding
        self.page_size = page_size

    @classmethod
    def from_config(cls, source: Source, settings: Settings) -> FileListener:
        """Build from a ``sources:`` entry (``options.path`` is required)."""
        opts = dict(source.options)
        if "path" not in opts:
            raise ConfigError(f"source '{source.name}' (type file) needs options.path: a file, folder or glob")
        brand = opts.pop("brand", None)
        if brand is not None and brand not in {b.name for b, _ in settings.all_brands()}:
            raise ConfigError(f"source '{source.name}': options.brand '{brand}' is not a configured brand")
        allowed = {"path", "format", "columns", "platform", "encoding", "page_size"}
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
            created = parse_timestamp(raw_ts)
        platform = str(self._column(row, "platform") or self.platform).strip().lower()
        if not _PLATFORM_RE.match(platform):
            raise ValueError(f"platform must be lowercase letters/digits/_, not {platform[:40]!r}")
        native = self._column(row, "id")
        if native in (None, ""):
            # No id in the export: identify the row by file, time, text and how often that pair occurred
            # before in the file, so two identical answers stay two rows and a re-import matches them again.
            when = "" if raw_ts in (None, "") else created.isoformat()  # a txt line's date is not its own
            seen[(when, text)] = occurrence = seen.get((when, text), 0) + 1
            ident = f"{path.name}\x00{when}\x00{text}\x00{occurrence}"
            native = hashlib.sha1(ident.encode(), usedforsecurity=False).hexdigest()[:20]
        views = self._column(row, "views")
        return Mention(
            platform=platform,
            native_id=str(native).strip(),
            text=text,
            created_at=created,
            url=_opt_str(self._column(row, "url")),
            author=_opt_str(self._column(row, "author")),
            likes=_count(self._column(row, "likes"), "likes"),
            reposts=_count(self._column(row, "reposts"), "reposts"),
            replies=_count(self._column(row, "replies"), "replies"),
            views=None if views in (None, "") else _count(views, "views"),
            thread_id=_opt_str(self._column(row, "thread_id")),
            parent_id=_opt_str(self._column(row, "parent_id")),
            brand_hint=self.brand,
        )


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
