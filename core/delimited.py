"""CSV and TSV rows, and ``BadRow``: how the readers of ``core.records`` report a row they cannot read.

A delimited export goes wrong in ways that csv.DictReader hides: a quote opened and never closed swallows
every following row into one cell, a repeated column name keeps only its last value, a cell over 131,072
characters raises for the whole file. Here each becomes a ``BadRow`` of its own line, and the rest of the
file is read: after an unbalanced quote, from the line after the one it opened on.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["BAD_BYTE", "MAX_CSV_FIELD", "BadRow", "Row", "csv_rows", "lift_csv_limit"]

MAX_CSV_FIELD = 131_072  # characters in one CSV cell: Python's own csv limit, kept as a per-row check
Row = dict[Any, Any] | str  # a parsed row, or why the line could not be parsed (a str, often a BadRow)
BAD_BYTE = re.compile("[\udc00-\udcff]")  # what core.encodings.decode makes of a byte it cannot read


class BadRow(str):
    """Why a row could not be read (the string itself) and the fields that could (``record``, maybe empty)."""

    record: dict[Any, Any]

    def __new__(cls, reason: str, record: Mapping[Any, Any] | None = None) -> BadRow:  # noqa: D102
        row = super().__new__(cls, reason)
        row.record = dict(record or {})
        return row



class _Lines:
    """The physical lines of a CSV text, handed to csv.reader one by one so a row's span is known."""

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text, newline="").readlines()
        self.pos = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


def lift_csv_limit() -> None:
    """Let csv read cells of any length: one too long is rejected as a row (``_csv_row``), not as the file."""
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


def csv_rows(text: str, delimiter: str, encoding: str) -> Iterator[tuple[int, Row]]:
    """(first line, row) of each record of a delimited ``text``; ``encoding`` names the file's in reasons."""
    lift_csv_limit()
    src = _Lines(text)
    reader = csv.reader(src, delimiter=delimiter)
    header: list[str] | None = None
    header_problem: str | None = None
    while True:
        start = src.pos
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # defensive: the lenient reader with no size limit hardly raises
            yield start + 1, BadRow(f"unreadable CSV row: {exc}")
            src.pos, reader = start + 1, csv.reader(src, delimiter=delimiter)
            continue
        if not fields:
            continue  # a blank line
        if src.pos - start > 1 and not _one_record(src.lines[start:src.pos], delimiter, header):
            # A quote opened here was never closed where a row ends: read the following lines again as rows.
            lone = next(csv.reader([src.lines[start]], delimiter=delimiter), [])
            yield start + 1, BadRow(
                f"unbalanced quote: the row starting on line {start + 1} would run on to line {src.pos} and "
                f"swallow {src.pos - start - 1} line(s); close or double the quote (\"\") in this row",
                _record(header, lone) if header else {})
            src.pos, reader = start + 1, csv.reader(src, delimiter=delimiter)
            if header is None:
                return  # without a header no row can be read
            continue
        if header is None:
            header, header_problem = fields, _header_problem(fields, encoding)
            continue
        yield start + 1, _csv_row(header, fields, header_problem, encoding)


def _one_record(span: list[str], delimiter: str, header: list[str] | None) -> bool:
    """Whether a row read over several lines is one well-formed record (quotes balanced, header's width)."""
    try:
        rows = list(csv.reader(span, delimiter=delimiter, strict=True))
    except csv.Error:
        return False
    return len(rows) == 1 and (header is None or len(rows[0]) == len(header))


def _header_problem(header: list[str], encoding: str) -> str | None:
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if m := BAD_BYTE.search(name):
            return f"the header is not valid {encoding} (byte 0x{ord(m.group()) - 0xDC00:02x} in column {i})"
        key = name.strip().lower()
        if key and key in seen:
            return (f"duplicate column {key!r} in the header (columns {seen[key]} and {i}): a reader would keep "
                    "only one of the values; rename one")
        seen.setdefault(key, i)
    return None


def _record(header: list[str], fields: list[str]) -> dict[Any, Any]:
    """``fields`` keyed by ``header`` as csv.DictReader does (extra cells under None, missing ones None).

    A repeated column name gets a suffix (``text (2)``), so no value is lost.
    """
    row: dict[Any, Any] = {}
    for name, value in zip(header, fields, strict=False):
        key, n = name, 1
        while key in row:
            n += 1
            key = f"{name} ({n})"
        row[key] = value
    for name in header[len(fields):]:
        row.setdefault(name, None)
    if len(fields) > len(header):
        row[None] = fields[len(header):]
    return row


def _csv_row(header: list[str], fields: list[str], header_problem: str | None, encoding: str) -> Row:
    row = _record(header, fields)
    if header_problem:
        return BadRow(header_problem, row)
    for i, value in enumerate(fields):
        name = header[i] if i < len(header) else f"#{i + 1}"
        if m := BAD_BYTE.search(value):
            return BadRow(f"not valid {encoding}: byte 0x{ord(m.group()) - 0xDC00:02x} in column {name!r}; "
                          "fix the byte or set the file's encoding", row)
        if len(value) > MAX_CSV_FIELD:
            return BadRow(f"column {name!r} is too long: {len(value):,} characters, at most {MAX_CSV_FIELD:,} "
                          "in a CSV cell", row)
    return row
