"""The quarantine table: records that broke the contract, with the reason, kept until they are fixed.

An entry goes once its record is stored (fixed in the export and imported again). The entries are
diagnostics, never data a report reads, so an unreadable quarantine file is skipped, never fatal.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from deltalake.transaction import AddAction

from core.errors import StorageError
from core.types import Rejected
from storage.engine import DataFile, Table
from storage.schema import IDENTITY_ID_KEYS, IDENTITY_URL_KEYS, QUARANTINE_SCHEMA

log = logging.getLogger("voxpop.storage")


class Quarantine:
    """Writes and reads of the quarantine table (the caller holds the store's write lock for writes)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def add(self, rejects: Sequence[Rejected], *, run_id: str) -> dict[str, int]:
        """Write rejected records with their reasons, idempotently; returns reason code -> newly quarantined.

        A record already in the quarantine (same source, reason and record) is not written again, so a
        retried task or a re-read export quarantines the same records once.
        """
        if not rejects:
            return {}
        payload = [(r.source, r.reason, record_json(r.record)) for r in rejects]
        snap = self.table.snapshot()
        known = {key for _, t in self._tables(snap.files)
                 for key in zip(*(t[c].to_pylist() for c in ("source", "reason", "record")), strict=True)}
        fresh = [i for i, p in enumerate(payload) if p not in known]
        if not fresh:
            return {}
        now = datetime.now(UTC)
        table = pa.Table.from_pydict(
            {
                "quarantined_at": [now] * len(fresh),
                "run_id": [run_id] * len(fresh),
                "source": [payload[i][0] for i in fresh],
                "reason": [payload[i][1] for i in fresh],
                "record": [payload[i][2] for i in fresh],
                "reason_code": [rejects[i].reason_code() for i in fresh],
                "location": [rejects[i].where() for i in fresh],
            },
            schema=QUARANTINE_SCHEMA,
        )
        self.table.commit(snap, [self.table.write(table, now.date().isoformat())], [])
        return dict(Counter(rejects[i].reason_code() for i in fresh))

    def resolve(self, source: str, stored: Sequence[Mapping[str, Any]]) -> int:
        """Drop quarantine entries of ``source`` whose record is now stored; returns how many.

        A row fixed in the export and imported again is no longer a problem, so its old entry must not
        stay in the quarantine. A quarantined record is matched by identity only, never by text: its
        ``url``/``link``/``permalink`` against a stored url, an id column (``id``, ``native_id``, ...)
        against a stored native id, or its ``mention_id``. Rows with neither (no id, no url) stay until
        removed by hand. Every touched file is replaced in one commit.
        """
        urls = {str(r["url"]) for r in stored if r.get("url")}
        native = {str(r["native_id"]) for r in stored}
        mention_ids = {str(r["mention_id"]) for r in stored}
        snap = self.table.snapshot()
        adds: list[AddAction] = []
        removes: list[DataFile] = []
        removed = 0
        for f, table in self._tables(snap.files):
            if source not in table["source"].to_pylist():
                continue
            keep = [not (src == source and _matches(raw, urls, native, mention_ids))
                    for src, raw in zip(table["source"].to_pylist(), table["record"].to_pylist(), strict=True)]
            gone = keep.count(False)
            if not gone:
                continue
            removed += gone
            removes.append(f)
            if gone < table.num_rows:
                adds.append(self.table.write(table.filter(pa.array(keep)), f.partition))
        self.table.commit(snap, adds, removes)
        return removed

    def files(self) -> list[Path]:
        """Every data file of the current quarantine snapshot."""
        return [self.table.path(f) for f in sorted(self.table.snapshot().files, key=lambda f: (f.partition, f.rel))]

    def records(self, code: str) -> list[tuple[str, dict[str, Any]]]:
        """(source, raw record) of every entry with reason code ``code``; unreadable ones skipped."""
        found: list[tuple[str, dict[str, Any]]] = []
        for _, table in self._tables(self.table.snapshot().files):
            for row in table.filter(pc.equal(table["reason_code"], code)).to_pylist():
                try:
                    record = json.loads(row["record"])
                except ValueError:
                    continue
                if isinstance(record, dict):
                    found.append((row["source"], record))
        return found

    def _tables(self, files: Sequence[DataFile]) -> list[tuple[DataFile, pa.Table]]:
        """Each readable file with its rows; an unreadable one is logged and left for a human."""
        out = []
        for f in files:
            try:
                out.append((f, self.table.read(f)))
            except StorageError as exc:
                log.warning("quarantine: skipping an unreadable file: %s", exc)
        return out


def record_fields(raw: str) -> dict[str, Any] | None:
    """A quarantined record's (JSON) non-empty fields under lower-cased names; None when it is no JSON object."""
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    return {str(k).strip().lower(): v for k, v in record.items() if v not in (None, "")}


def _matches(raw: str, urls: set[str], native: set[str], mention_ids: set[str]) -> bool:
    """Whether a quarantined record (JSON) names one of the stored urls, native ids or mention ids."""
    if (record := record_fields(raw)) is None:
        return False
    fields = {k: str(v).strip() for k, v in record.items()}
    return (any(fields.get(k) in urls for k in IDENTITY_URL_KEYS)
            or any(fields.get(k) in native for k in IDENTITY_ID_KEYS)
            or fields.get("mention_id") in mention_ids)


def record_json(record: Mapping[str, Any]) -> str:
    """A rejected record as stable JSON, whatever it holds; one odd record must never stop the write.

    Keys become text (a CSV row's surplus fields come under the key None), other values their ``str``.
    """

    def keyed(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {_key(k): keyed(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [keyed(v) for v in value]
        return value

    return json.dumps(keyed(record), default=str, ensure_ascii=False, sort_keys=True)


def _key(key: Any) -> str:
    return "(extra fields)" if key is None else str(key)
