"""Per-source cursors (since_id, time watermark, file offsets), saved only after data is durable.

The flow calls ``save`` after ``MentionStore.upsert`` returned, so a crash between the two re-collects
a page (harmless: the upsert is idempotent) and never skips one. A file that is not a JSON object stops
the run with what to do; one source's cursor of the wrong shape is ignored with a warning (that source
collects from the start again, which the idempotent upsert makes safe).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from filelock import FileLock

from core.errors import StorageError
from core.files import write_text_atomic

log = logging.getLogger(__name__)


class CursorStore:
    """A small JSON document of ``{source_name: cursor}`` written atomically."""

    def __init__(self, state_dir: str | Path) -> None:
        self.path = Path(state_dir) / "cursors.json"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.path) + ".lock")

    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise StorageError(
                f"{self.path} is corrupt ({exc}); delete it to re-collect from the start "
                "(safe: writes are idempotent)"
            ) from exc
        if not isinstance(data, dict):
            raise StorageError(
                f"{self.path} is not a JSON object of {{source: cursor}} (it holds a {type(data).__name__}); "
                "delete it to re-collect from the start (safe: writes are idempotent)"
            )
        return data

    def get(self, source: str) -> dict[str, Any] | None:
        """The saved cursor of ``source``, or None before its first successful run (or when it is not an object)."""
        cursor = self._read().get(source)
        if cursor is not None and not isinstance(cursor, dict):
            log.warning("%s: ignoring the cursor of source %s (a %s, not an object); collecting from the start",
                        self.path, source, type(cursor).__name__)
            return None
        return cursor

    def save(self, source: str, cursor: dict[str, Any] | None) -> None:
        """Persist ``cursor`` for ``source`` (call only after the data it covers is stored)."""
        if cursor is None:
            return
        with self._lock:
            data = self._read()
            data[source] = cursor
            write_text_atomic(self.path, json.dumps(data, indent=2, sort_keys=True, default=str))
