"""Reading texts to score: plain text (one per line), CSV/TSV, JSON lines or a JSON array with a ``text`` field.

Every input row yields exactly one ``TextRow``, in order; a row that cannot be read carries an ``error``
instead of failing the file, so outputs stay aligned with inputs.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voxpop.errors import SourceError
from voxpop.records import format_of, iter_rows


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
