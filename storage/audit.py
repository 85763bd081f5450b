"""The audit log of erasures: one JSON line per forget or retention run that removed something (docs/privacy.md).

A data controller must be able to show that an erasure request was carried out, without the log itself
keeping what was erased. So a line holds when, which command, a random request id (the controller's own
register links it to the request, outside the store), the rows removed per table, the files touched and,
for a forget, a keyed digest of each mention id removed (the caller computes it with the pseudonymisation
key: whoever holds the key can check that one mention was forgotten, nobody can list them). Never a
handle, an author hash, a text, a URL or a mention id.

Lines are appended with one ``write`` on a file opened in append mode and fsynced, so a crash leaves the
earlier lines whole; nothing else rewrites the file. Object storage cannot append: there the log is
uploaded whole with the new line (one request, under the writer lock the erasure holds).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from core.files import write_atomic
from core.layout import StoreLayout
from core.location import is_remote


class AuditLog:
    """Appends to and reads ``audit/erasures.jsonl`` of one store."""

    def __init__(self, layout: StoreLayout) -> None:
        self.path = layout.audit

    def append(self, command: str, *, request_id: str, removed: Mapping[str, int], files: Mapping[str, int],
               digests: Sequence[str] = (), **details: Any) -> dict[str, Any]:
        """Append one entry and return it (``details``: small, non-personal facts such as the cutoff)."""
        entry = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "command": command,
                 "request_id": request_id, "removed": dict(removed), "files": dict(files), **details,
                 "mention_digests": sorted(digests)}
        line = (json.dumps(entry, sort_keys=False, ensure_ascii=True) + "\n").encode()
        if is_remote(self.path):  # no appends in object storage: rewrite it whole (callers hold the writer lock)
            old = self.path.read_bytes() if self.path.exists() else b""
            write_atomic(self.path, lambda tmp: tmp.write_bytes(old + line))
            return entry
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        return entry

    def entries(self) -> list[dict[str, Any]]:
        """Every entry, oldest first; a torn last line (a crash mid-write) is skipped."""
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                out.append(entry)
        return out

