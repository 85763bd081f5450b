"""The alert log: a small Delta table of what the alert rules decided and delivered (docs/alerts.md).

Rows are only ever appended, one commit per evaluation that decided something, partitioned by the UTC day
they were recorded. A re-run reads the log before sending, so an alert recorded as sent is never sent again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from core.errors import StorageError
from storage.engine import Table
from storage.schema import ALERT_SCHEMA

log = logging.getLogger("voxpop.storage")


class AlertLog:
    """Appends to and reads the alert table (the caller holds the store's write lock for appends)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def append(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Append ``rows`` (ALERT_SCHEMA columns; ``recorded_at`` defaults to now) in one commit."""
        if not rows:
            return 0
        now = datetime.now(UTC)
        full = [{**{f.name: None for f in ALERT_SCHEMA}, "recorded_at": now, **r} for r in rows]
        table = pa.Table.from_pylist(full, schema=ALERT_SCHEMA)
        by_day: dict[str, list[int]] = {}
        for i, r in enumerate(full):
            by_day.setdefault(r["recorded_at"].astimezone(UTC).date().isoformat(), []).append(i)
        snap = self.table.snapshot()
        adds = [self.table.write(table.take(idx), day) for day, idx in sorted(by_day.items())]
        self.table.commit(snap, adds, [])
        return len(full)

    def rows(self) -> list[dict[str, Any]]:
        """Every recorded row, oldest first; an unreadable file is logged and skipped."""
        out: list[dict[str, Any]] = []
        for f in self.table.snapshot().files:
            try:
                out.extend(self.table.read(f).to_pylist())
            except StorageError as exc:
                log.warning("alerts: skipping an unreadable file of the alert log: %s", exc)
        out.sort(key=lambda r: r["recorded_at"])
        return out
