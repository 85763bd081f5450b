"""The file listener's cursor: per file, the content hash of the version done and when it was first seen.

A cursors.json edited by hand, or written by another tool, must not stop every run: an entry of another
shape is dropped with a warning, and its file is simply read again (the store's dedupe makes that safe).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger("listeners.file")


def files_done(source: str, cursor: Any) -> dict[str, dict[str, Any]]:
    """The files of a saved cursor; an entry of another shape is dropped (its file is read again) with a warning."""
    if cursor is None:
        return {}
    files = cursor.get("files", {}) if isinstance(cursor, Mapping) else cursor
    if not isinstance(files, Mapping):
        log.warning("source %s: ignoring a cursor without a 'files' object (%s); reading every file again",
                    source, type(files).__name__)
        return {}
    done: dict[str, dict[str, Any]] = {}
    for key, value in files.items():
        state = {"sha256": value} if isinstance(value, str) else value  # older cursors saved the hash alone
        try:
            if not isinstance(state, Mapping) or not isinstance(state.get("sha256"), str):
                raise ValueError
            done[str(key)] = {"sha256": state["sha256"]}
            if (seen := state.get("first_seen")) is not None:
                parsed = datetime.fromisoformat(seen)
                done[str(key)]["first_seen"] = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).isoformat()
        except (ValueError, TypeError):
            log.warning("source %s: ignoring the cursor entry of %s (not a {sha256, first_seen} object); "
                        "reading that file again", source, key)
    return done
