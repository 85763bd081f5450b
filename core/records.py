"""Rows of a CSV, TSV, JSON-lines (or JSON array) or plain-text file.

One parser for the two places that read user files: the ``file`` listener (exports to collect, through
``iter_rows``) and ``voxpop score`` (texts to score, through ``read_texts``). It lives on the ground floor
so neither layer imports the other. Lines are split on line feeds only (a trailing carriage return is
dropped): U+2028 and the other separators that ``str.splitlines`` honours may sit inside a JSON string or a
post, and row n must be line n of the file as every editor counts it.

A row that cannot be read is yielded as a ``BadRow`` (its reason, with what could be read of it) and the
file goes on: bytes its encoding cannot read, a CSV cell over ``MAX_CSV_FIELD`` characters, an unbalanced
quote (reported where it opens; the rows it swallowed are read again), duplicate column names or JSON keys
(a reader would silently keep one value), JSON nested too deeply.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.delimited import BAD_BYTE, MAX_CSV_FIELD, BadRow, Row, csv_rows, lift_csv_limit
from core.encodings import AUTO, check_encoding, decode, escape_surrogates, first_surrogate, label
from core.errors import SourceError

__all__ = ["FORMATS", "MAX_CSV_FIELD", "BadRow", "TextRow", "csv_cell", "delimiter_of", "format_of", "iter_rows",
           "read_texts"]

FORMATS = ("csv", "tsv", "jsonl", "txt")
_SUFFIX_FORMAT = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
                  ".txt": "txt"}


def format_of(path: Path) -> str | None:
    """The format a file's suffix stands for, or None when the suffix is not one of ours."""
    return _SUFFIX_FORMAT.get(path.suffix.lower())


def delimiter_of(text: str, fmt: str) -> str:
    """The field separator: a tab for TSV; for CSV a comma, or a semicolon when the header has no comma.

    Excel writes semicolons in the ru, az and tr locales (where the comma is the decimal mark), and such a
    header read with commas is one column, so every row would lose its text.
    """
    if fmt == "tsv":
        return "\t"
    header = text.split("\n", 1)[0]
    return ";" if ";" in header and "," not in header else ","


def iter_rows(text: str, fmt: str, *, keep_blank: bool = False,
              encoding: str = "UTF-8") -> Iterator[tuple[int, Row]]:
    """Yield (line number, row) for each record of ``text`` in format ``fmt`` (``encoding`` names it in reasons).

    CSV/TSV rows are dicts keyed by the header, numbered by the line they start on; JSON lines must be
    objects; a plain-text line becomes ``{"text": line}``. A ``.json`` file that holds an array is read as
    that array (numbered by item). Blank lines are skipped unless ``keep_blank``, which yields a blank text
    line as ``{"text": ""}`` and a blank JSON line as an error, so a caller can keep one output per input
    line. Raises ValueError when a JSON array is not valid JSON: that breaks the whole file, not one row.
    """
    if fmt in {"csv", "tsv"}:
        yield from csv_rows(text, delimiter_of(text, fmt), encoding)
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
        row = _json_object(line) if fmt == "jsonl" else {"text": line}
        if m := BAD_BYTE.search(line):
            record = row.record if isinstance(row, BadRow) else row if isinstance(row, dict) else {}
            row = BadRow(f"not valid {encoding}: byte 0x{ord(m.group()) - 0xDC00:02x} at column {m.start() + 1}; "
                         "fix the byte or set the file's encoding", record)
        yield line_no, row


# ---- JSON -----------------------------------------------------------------------------------------------------
class _Duplicates(dict[str, Any]):
    """A JSON object that repeated a key: the later values are kept under ``key (2)``, ``key (3)``, ..."""

    repeated: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    repeated = []
    for key, value in pairs:
        name, n = key, 1
        while name in obj:
            n += 1
            name = f"{key} ({n})"
        if n > 1:
            repeated.append(key)
        obj[name] = value
    if not repeated:
        return obj
    dup = _Duplicates(obj)
    dup.repeated = repeated
    return dup


def _loads(text: str) -> Any:
    """Parsed JSON, or a BadRow saying why not (a syntax error, or nesting deeper than Python's recursion limit)."""
    try:
        return json.loads(text, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        return BadRow(f"invalid JSON: {exc.msg}")
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return BadRow(f"invalid JSON: {exc}")
    except RecursionError:
        return BadRow("invalid JSON: nested too deeply (arrays or objects more than ~1,000 levels deep)")


def _checked(obj: Any) -> Row:
    if isinstance(obj, BadRow):
        return obj
    if not isinstance(obj, dict):
        return f"expected a JSON object, got {type(obj).__name__}"
    repeated = list(getattr(obj, "repeated", []))
    seen: set[str] = set()
    for key in obj:
        norm = key.strip().lower()
        if norm and norm in seen:
            repeated.append(key)
        seen.add(norm)
    if repeated:
        return BadRow(f"duplicate JSON key {repeated[0].strip().lower()!r}: a reader would keep only one of the "
                      "values; drop or rename the other", obj)
    return obj


def _json_object(line: str) -> Row:
    if not line.strip():
        return "empty line"
    return _checked(_loads(line))


def _json_array(text: str) -> Iterator[tuple[int, Row]]:
    try:
        items = json.loads(text, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise ValueError(f"is not valid JSON ({exc.msg} at line {exc.lineno}); "
                         "export one JSON object per line or a valid JSON array") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise ValueError(f"is not valid JSON ({exc})") from None
    except RecursionError:
        items = list(_array_items(text))  # one item too deep: parse the others one by one
    if not isinstance(items, list):
        raise ValueError("is not a JSON array of objects; export one JSON object per line or a valid JSON array")
    for n, obj in enumerate(items, start=1):
        yield n, _checked(obj)


_ARRAY_TOKEN = re.compile(r'[\\"\[\]{},]')


def _array_items(text: str) -> Iterator[Any]:
    """Each item of the JSON array ``text`` parsed on its own (or a BadRow), split outside strings."""
    depth, start, in_string, skip = 0, 0, False, -1
    for m in _ARRAY_TOKEN.finditer(text):
        ch, i = m.group(), m.start()
        if i <= skip:
            continue
        if in_string:
            if ch == "\\":
                skip = i + 1  # the escaped character
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth == 1:
                start = i + 1
        elif ch in "]}" or (ch == "," and depth == 1):
            if depth == 1 and (ch == "," or text[start:i].strip()):
                yield _loads(text[start:i])
                start = i + 1
            depth -= ch != ","
            if depth == 0:
                return


# ---- voxpop score -------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TextRow:
    """One input row: its 1-based number, optional id, the text (None if unreadable) and why."""

    row: int
    text: str | None
    id: Any = None
    error: str | None = None


def read_texts(path: str | Path, encoding: str = AUTO) -> list[TextRow]:
    """Read ``path`` by its suffix: .csv/.tsv (``text`` column), .jsonl/.ndjson/.json, anything else as lines.

    The encoding is detected unless given; a row that cannot be read becomes a TextRow with an ``error``,
    so the output keeps one line per input row.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
        text, used = decode(raw, check_encoding(encoding))
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise SourceError(f"--encoding: {exc}") from None
    fmt = format_of(path) or "txt"
    if fmt in {"csv", "tsv"}:
        lift_csv_limit()
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(text, fmt)), [])
        if m := BAD_BYTE.search("".join(header)):
            raise SourceError(f"{path}: the header is not valid {label(used)} (byte 0x{ord(m.group()) - 0xDC00:02x}); "
                              "fix it or pass --encoding")
        fields = [f.strip().lower() for f in header]
        if "text" not in fields:
            raise SourceError(f"{path} has no 'text' column (columns: {', '.join(fields) or 'none'})")
    try:
        # Blank lines are kept so output row n is input row n.
        rows = list(iter_rows(text, fmt, keep_blank=True, encoding=label(used)))
    except ValueError as exc:
        raise SourceError(f"{path} {exc}") from None
    return [_row(n, rec) for n, (_, rec) in enumerate(rows, start=1)]


def _row(n: int, rec: dict[str, Any] | str) -> TextRow:
    fields = rec if isinstance(rec, dict) else getattr(rec, "record", {})
    norm = {str(k).strip().lower(): v for k, v in fields.items() if k is not None}
    value, ident = norm.get("text"), escape_surrogates(norm.get("id"))  # an id is echoed, so it must be writable
    if isinstance(rec, str):
        return TextRow(n, None, ident, escape_surrogates(str(rec)))
    if not isinstance(value, str):
        return TextRow(n, None, ident, "missing text" if value is None else f"text is {type(value).__name__}")
    if found := first_surrogate(value):
        return TextRow(n, None, ident, f"text has a lone surrogate ({found[1]} at character {found[0] + 1}): not "
                                       "valid Unicode (a broken \\u escape or a byte the encoding cannot read)")
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
