"""Human corrections of mentions: an append-only Delta table beside the mentions, never merged into them.

A correction records who changed which field of which mention, when, and the value before and after. The
model's columns stay as the model wrote them; the ``mentions_corrected`` view (``storage.duck``) applies the
newest correction of each field on read, so a correction can be undone by a later one and its history
stays queryable. Each append is one new file committed alone: nothing stored is ever rewritten.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import UTC, datetime

import pyarrow as pa

from storage.engine import Table
from storage.schema import CORRECTION_FIELDS, CORRECTION_SCHEMA, SENTIMENTS

_VALUES = {"sentiment": set(SENTIMENTS), "aspect": {"present", "absent"}, "irrelevant": {"true", "false"}}
MAX_AUTHOR = 200
MAX_NOTE = 2000
MAX_TERM = 100


@dataclass(frozen=True)
class Correction:
    """One change of one field of one mention (``aspect`` names the aspect when ``field`` is ``aspect``)."""

    mention_id: str
    brand: str
    field: str
    new_value: str
    author: str
    old_value: str | None = None
    aspect: str | None = None
    note: str | None = None
    corrected_at: datetime = dc_field(default_factory=lambda: datetime.now(UTC))
    correction_id: str = dc_field(default_factory=lambda: uuid.uuid4().hex)

    def problem(self) -> str | None:  # noqa: PLR0911 - one return per rule reads best
        """Why this correction cannot be stored, or None."""
        if self.field not in CORRECTION_FIELDS:
            return f"field must be one of {', '.join(CORRECTION_FIELDS)}, not {self.field!r}"
        if self.field == "exclude":
            if not self.new_value.strip() or len(self.new_value) > MAX_TERM:
                return f"an exclude term has 1 to {MAX_TERM} characters"
        elif self.new_value not in _VALUES[self.field]:
            return f"{self.field} must be one of {', '.join(sorted(_VALUES[self.field]))}, not {self.new_value!r}"
        if (self.field == "aspect") != bool(self.aspect):
            return "an aspect correction names its aspect (and only an aspect correction does)"
        if not self.mention_id or not self.author.strip() or len(self.author) > MAX_AUTHOR:
            return f"a correction needs a mention id and an author of at most {MAX_AUTHOR} characters"
        if self.note is not None and len(self.note) > MAX_NOTE:
            return f"a note has at most {MAX_NOTE} characters"
        if self.corrected_at.tzinfo is None:
            return "corrected_at must be timezone-aware"
        return None


class Corrections:
    """Appends to and reads the corrections table (the caller holds the store's write lock for appends)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def append(self, corrections: Sequence[Correction]) -> int:
        """Store ``corrections`` in one commit of new files (one per day); returns how many.

        Raises:
            ValueError: naming the first invalid correction; nothing is stored then.
        """
        for c in corrections:
            if problem := c.problem():
                raise ValueError(f"correction of {c.mention_id}: {problem}")
        if not corrections:
            return 0
        snap = self.table.snapshot()
        by_day: dict[str, list[Correction]] = {}
        for c in corrections:
            by_day.setdefault(c.corrected_at.astimezone(UTC).date().isoformat(), []).append(c)
        adds = [self.table.write(_to_table(rows), day) for day, rows in sorted(by_day.items())]
        self.table.commit(snap, adds, [])
        return len(corrections)

    def read(self) -> pa.Table:
        """Every stored correction, oldest first."""
        files = self.table.intact(self.table.snapshot().files)
        if not files:
            return CORRECTION_SCHEMA.empty_table()
        return pa.concat_tables([self.table.read(f) for f in files]).sort_by("corrected_at")


def _to_table(rows: Sequence[Correction]) -> pa.Table:
    return pa.Table.from_pydict({name: [getattr(r, name) for r in rows] for name in CORRECTION_SCHEMA.names},
                                schema=CORRECTION_SCHEMA)
