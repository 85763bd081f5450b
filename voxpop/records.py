"""Rows of a CSV, TSV, JSON-lines (or JSON array) or plain-text file.

One parser for the two places that read user files: the ``file`` listener (exports to collect) and
``voxpop score`` (texts to score). It lives in the shell package so neither layer imports the other.
Lines are split on line feeds only (a trailing carriage return is dropped): U+2028 and the other
separators that ``str.splitlines`` honours may sit inside a JSON string or a post, and row n must be line
n of the file as every editor counts it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["FORMATS", "format_of", "iter_rows"]

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
