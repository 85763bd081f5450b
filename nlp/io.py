"""Reading texts to score or evaluate: plain text (one per line), CSV/TSV or JSONL with a ``text`` column.

Every input row yields exactly one ``TextRow``, in order; a row that cannot be read carries an ``error``
instead of failing the file, so outputs stay aligned with inputs.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voxpop.errors import SourceError


@dataclass(frozen=True, slots=True)
class TextRow:
    """One input row: its 1-based number, optional id, the text (None if unreadable) and why."""

    row: int
    text: str | None
    id: Any = None
    error: str | None = None


def read_texts(path: str | Path) -> list[TextRow]:
    """Read ``path`` by its suffix: .csv/.tsv (``text`` column), .jsonl/.ndjson, anything else as lines."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror}") from None
    text = raw.decode("utf-8-sig", errors="replace")
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv"}:
        return _table(path, text, "\t" if suffix == ".tsv" else ",")
    if suffix in {".jsonl", ".ndjson"}:
        return _jsonl(text)
    # Plain text: one text per line; keep empty lines so output row n is input line n.
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [_row(n, line.rstrip("\r")) for n, line in enumerate(lines, start=1)]


def _row(n: int, value: Any, ident: Any = None) -> TextRow:
    if not isinstance(value, str):
        return TextRow(n, None, ident, "missing text" if value is None else f"text is {type(value).__name__}")
    if "\ufffd" in value:
        return TextRow(n, value, ident, "text is not valid UTF-8")
    if not value.strip():
        return TextRow(n, value, ident, "empty text")
    return TextRow(n, value, ident)


def _table(path: Path, text: str, delimiter: str) -> list[TextRow]:
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "text" not in fields:
        raise SourceError(f"{path} has no 'text' column (columns: {', '.join(fields) or 'none'})")
    rows = []
    for n, rec in enumerate(reader, start=1):
        norm = {str(k).strip().lower(): v for k, v in rec.items() if k is not None}
        rows.append(_row(n, norm.get("text"), norm.get("id")))
    return rows


def _jsonl(text: str) -> list[TextRow]:
    rows = []
    lines = text.split("\n")
    if lines and lines[-1].strip() == "":
        lines.pop()
    for n, line in enumerate(lines, start=1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append(TextRow(n, None, None, f"invalid JSON: {exc.msg}"))
            continue
        if not isinstance(obj, dict):
            rows.append(TextRow(n, None, None, "expected a JSON object with a 'text' field"))
            continue
        rows.append(_row(n, obj.get("text"), obj.get("id")))
    return rows
