"""Per-source cursors (since_id, time watermark, file offsets), saved only after data is durable.

The flow calls ``save`` after ``MentionStore.upsert`` returned, so a crash between the two re-collects
a page (harmless: the upsert is idempotent) and never skips one. A file that is not a JSON object stops
the run with what to do; one source's cursor of the wrong shape is ignored with a warning (that source
collects from the start again, which the idempotent upsert makes safe). A file that is not JSON at all
(truncated by a full disk, garbled by a bad copy) is moved to ``damaged/state/`` with a one-line warning,
and every source collects from the start: stopping every run until someone deletes it helps nobody.
"""

from __future__ import annotations

import contextlib
import json
import logging
from datetime import UTC, datetime
from typing import Any

from core.errors import StorageError
from core.files import remove_temporaries, write_text_atomic
from core.location import StorePath, store_root
from storage.objects import move, store_lock

log = logging.getLogger(__name__)


class CursorStore:
    """A small JSON document of ``{source_name: cursor}`` written atomically."""

    def __init__(self, state_dir: str | StorePath) -> None:
        self.path = store_root(state_dir) / "cursors.json"
        self._lock = store_lock(self.path.with_name(self.path.name + ".lock"))

    def _read(self) -> dict[str, Any]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self._set_aside(f"{type(exc).__name__}: {exc}")
            return {}
        if not isinstance(data, dict):
            raise StorageError(
                f"{self.path} is not a JSON object of {{source: cursor}} (it holds a {type(data).__name__}); "
                "delete it to re-collect from the start (safe: writes are idempotent)"
            )
        return data

    def _set_aside(self, reason: str) -> None:
        """Move the unreadable file to ``damaged/state/`` beside a reason file; say so in one line."""
        aside = self.path.parent.parent / "damaged" / "state"
        dst = aside / f"cursors-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}.json"
        with self._lock:
            with contextlib.suppress(FileNotFoundError):  # another reader set it aside first
                move(self.path, dst)
            dst.with_name(dst.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
        log.warning("%s could not be read (%s); set aside as %s; every source collects from the start "
                    "(mentions already stored are not stored twice)", self.path, reason, dst)

    def sweep(self) -> int:
        """Delete temporaries of ``cursors.json`` left by a killed run; returns how many.

        Call only under the store's listen lock: listen runs are the only writers of cursors, so while one
        holds it any temporary is a dead run's, whatever its age.
        """
        return remove_temporaries(self.path)

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
