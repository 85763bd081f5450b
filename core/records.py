"""Rows of a CSV, TSV, JSON-lines (or JSON array) or plain-text file.

One parser for the two places that read user files: the ``file`` listener (exports to collect, through
``iter_rows``) and ``voxpop score`` (texts to score, through ``read_texts``). It lives on the ground floor
so neither layer imports the other. Lines are split on line feeds only (a trailing carriage return is
dropped): U+2028 and the other separators that ``str.splitlines`` honours may sit inside a JSON string or a
post, and row n must be line n of the file as every editor counts it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import SourceError

__all__ = ["FORMATS", "TextRow", "csv_cell", "format_of", "iter_rows", "read_texts"]

FORMATS = ("csv", "tsv", "jsonl", "txt")
_SUFFIX_FORMAT = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
                  ".txt": "txt"}

Row = dict[str, Any] | str  # a parsed row, or why the line could not be parsed


def format_of(path: Path) -> str | None:
    """The format a file's suffix stands for, or None when the suffix is not one of ours."""
    return _SUFFIX_FORMAT.get(path.suffix.lower())


def iter_rows(text: str, fmt: str, *, keep_blank: bool = False) -> Iterator[tuple[int, Row]]:
    """Yield (line number, row) for each record of ``text`` in format ``fmt``.

    CSV/TSV rows are dicts keyed by the header; JSON lines must be objects; a plain-text line becomes
    ``{"text": line}``. A ``.json`` file that holds an array is read as that array (numbered by item).
    Blank lines are skipped unless ``keep_blank``, which yields a blank text line as ``{"text": ""}`` and a
    blank JSON line as an error, so a caller can keep one output per input line. Raises ValueError when a
    JSON array is not valid JSON: that breaks the whole file, not one row.
    """
    if fmt in {"csv", "tsv"}:
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t" if fmt == "tsv" else ",")
        for row in reader:
            yield reader.line_num, row
        return
    if fmt == "jsonl" and text.lstrip().startswith("["):
        yield from _json_array(text)
        return
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the file does not start a row
    for line_no, raw in enumerate(lines, start=1):
        line = raw.removesuffix("\r")
        if not line.strip() and not keep_blank:
            continue
        yield line_no, _json_object(line) if fmt == "jsonl" else {"text": line}


def _json_object(line: str) -> Row:
    if not line.strip():
        return "empty line"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"invalid JSON: {exc.msg}"
    return obj if isinstance(obj, dict) else f"expected a JSON object, got {type(obj).__name__}"


def _json_array(text: str) -> Iterator[tuple[int, Row]]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not valid JSON ({exc.msg} at line {exc.lineno}); "
                         "export one JSON object per line or a valid JSON array") from None
    for n, obj in enumerate(items, start=1):
        yield n, obj if isinstance(obj, dict) else f"expected a JSON object, got {type(obj).__name__}"


@dataclass(frozen=True, slots=True)
class TextRow:
    """One input row: its 1-based number, optional id, the text (None if unreadable) and why."""

    row: int
    text: str | None
    id: Any = None
    error: str | None = None


def read_texts(path: str | Path) -> list[TextRow]:
    """Read ``path`` by its suffix: .csv/.tsv (``text`` column), .jsonl/.ndjson/.json, anything else as lines."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror}") from None
    text = raw.decode("utf-8-sig", errors="replace")
    fmt = format_of(path) or "txt"
    if fmt in {"csv", "tsv"}:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter="\t" if fmt == "tsv" else ","), [])
        fields = [f.strip().lower() for f in header]
        if "text" not in fields:
            raise SourceError(f"{path} has no 'text' column (columns: {', '.join(fields) or 'none'})")
    try:
        # Blank lines are kept so output row n is input row n.
        rows = list(iter_rows(text, fmt, keep_blank=True))
    except ValueError as exc:
        raise SourceError(f"{path} {exc}") from None
    return [_row(n, rec) for n, (_, rec) in enumerate(rows, start=1)]


def _row(n: int, rec: dict[str, Any] | str) -> TextRow:
    if isinstance(rec, str):
        return TextRow(n, None, None, rec)
    norm = {str(k).strip().lower(): v for k, v in rec.items() if k is not None}
    value, ident = norm.get("text"), norm.get("id")
    if not isinstance(value, str):
        return TextRow(n, None, ident, "missing text" if value is None else f"text is {type(value).__name__}")
    if "\ufffd" in value:
        return TextRow(n, value, ident, "text is not valid UTF-8")
    if not value.strip():
        return TextRow(n, value, ident, "empty text")
    return TextRow(n, value, ident)


# A spreadsheet runs a cell that starts with one of these as a formula (=HYPERLINK(...) calls out, DDE runs).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value safe to write into a CSV cell: text that a spreadsheet would run as a formula gets a ``'``.

    Only text is changed (OWASP's advice); numbers, dates and nulls pass as they are.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
