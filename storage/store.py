"""The idempotent mention store: Delta Lake tables under one root folder.

Layout under the storage root::

    mentions/_delta_log/ + mention_date=2026-10-24/part-<id>.parquet    scored mentions (Delta, by UTC day)
    embeddings/_delta_log/ + mention_date=2026-10-24/part-<id>.parquet  sentence vectors of those mentions
    quarantine/_delta_log/ + date=2026-11-22/part-<id>.parquet          records that broke the contract
    alerts/_delta_log/ + date=2026-11-22/part-<id>.parquet              the alert log (decisions and deliveries)
    state/cursors.json                                                  source cursors, saved after data is durable
    damaged/                                                            data files set aside by ``recover``

The dedupe key is ``mention_id`` across the whole table, never per day: an upsert finds every stored copy
of its ids, rewrites the days that hold them together with the days it adds to (newest wins), and
publishes the new files and retires the old ones in one Delta commit. So a re-run adds no duplicates, a
mention re-dated onto another day moves instead of doubling, a crash leaves the previous version intact,
and every reader sees one version whole. Each day keeps one file. A lock serialises writers: an OS file
lock on local disk, a lease object in object storage (``storage.objects``, for a root such as
``s3://bucket/prefix``); delta-rs refuses a conflicting commit from elsewhere either way.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from core.files import sweep_temporaries
from core.layout import PARTITION_KEY, StoreLayout
from core.location import StorePath, store_root
from core.types import Rejected
from storage import tables
from storage.alerts import AlertLog
from storage.corrections import Correction, Corrections
from storage.forget import Eraser, Erasure, Subject
from storage.legacy import refuse_old_layout
from storage.mentions import MentionRows
from storage.objects import store_lock
from storage.quarantine import Quarantine
from storage.schema import MENTION_SCHEMA, count_problems, to_table, validate_record
from storage.upgrade import upgrade
from storage.vectors import Embeddings, VectorTable

PART_NAME = "part-0.parquet"  # the name ``partition_path`` gives a day that has no file yet


@dataclass
class WriteResult:
    """What one ``upsert`` did."""

    inserted: int = 0
    updated: int = 0
    quarantined: int = 0
    resolved: int = 0  # quarantine entries removed because their record is now stored
    reasons: dict[str, int] = field(default_factory=dict)  # reason code -> records newly quarantined
    partitions: list[str] = field(default_factory=list)


class MentionStore:
    """Scored mentions, their embeddings, the quarantine and cursors under one root folder."""

    def __init__(self, root: str | StorePath) -> None:
        self.root = store_root(root)
        self.layout = StoreLayout.of(self.root)
        refuse_old_layout(self.layout)
        self.upgraded = upgrade(self.root)  # a store of an older contract: columns added, ratings backfilled
        self.mentions_dir = self.layout.mentions
        self.quarantine_dir = self.layout.quarantine
        self.embeddings_dir = self.layout.embeddings
        self.state_dir = self.layout.state
        if not self.layout.remote:  # object storage has no folders to create
            for d in (self.mentions_dir, self.quarantine_dir, self.state_dir):
                d.mkdir(parents=True, exist_ok=True)
        self._lock = store_lock(self.state_dir / ".write.lock")
        self._table = tables.mentions(self.layout)
        self._rows = MentionRows(self._table)
        self._vectors = VectorTable(tables.embeddings(self.layout))
        self._quarantine = Quarantine(tables.quarantine(self.layout))
        self._alerts = AlertLog(tables.alerts(self.layout))
        self._corrections = Corrections(tables.corrections(self.layout))

    def recover(self, min_age_seconds: float = 3600) -> int:
        """Tidy up after earlier runs (call once per run); returns how many temporary files were deleted.

        Deletes ``.tmp`` files of writers killed mid-write, sets aside data files whose size no longer
        matches the log (truncated, emptied: logged one line each, so every other day keeps working), and
        vacuums files retired more than a day ago. The tables are only written under the writer lock, so
        while this holds it their temporaries belong to dead writers and go whatever their age; others
        (``state/``, written under other locks) go only when older than ``min_age_seconds``.
        """
        with self._lock:
            for table in [*tables.all_tables(self.layout).values(), tables.alerts(self.layout)]:
                snap = table.snapshot()
                if bad := table.damaged(snap.files):
                    table.set_aside(snap, bad, self.root / "damaged")
                table.vacuum()
            dead = sum(sweep_temporaries(d, 0) for d in (self.mentions_dir, self.embeddings_dir, self.quarantine_dir,
                                                         self.layout.corrections) if d.exists())
            return dead + sweep_temporaries(self.root, min_age_seconds)

    # ---- reading -------------------------------------------------------------------------------
    def partition_path(self, day: date) -> Path:
        """The file holding mentions posted on ``day`` (UTC); a path that does not exist when there are none."""
        files = self._table.snapshot().by_partition().get(day.isoformat())
        return self._table.path(files[0]) if files else self._day_dir(self.mentions_dir, day) / PART_NAME

    def files(self) -> list[Path]:
        """Every data file of the current version, oldest partition first."""
        return [self._table.path(f) for fs in self._table.snapshot().by_partition().values() for f in fs]

    def days(self) -> list[date]:
        """The days that have mentions, oldest first (from the log; no data file is opened)."""
        return [date.fromisoformat(d) for d in self._table.snapshot().by_partition()]

    def read(self, days: Iterable[date], columns: Sequence[str] | None = None) -> pa.Table:
        """The mentions posted on ``days`` (missing days and damaged files are skipped), optionally some columns."""
        cols = list(columns) if columns is not None else None
        files = self._table.snapshot().by_partition()
        wanted = [f for day in sorted(set(days)) for f in files.get(day.isoformat(), [])]
        parts = [self._table.read(f, cols) for f in self._table.intact(wanted)]
        if not parts:
            schema = MENTION_SCHEMA if cols is None else pa.schema([MENTION_SCHEMA.field(c) for c in cols])
            return schema.empty_table()
        return pa.concat_tables(parts)

    def embedding_path(self, day: date) -> Path:
        """The file holding the embeddings of mentions posted on ``day``."""
        files = self._vectors.table.snapshot().by_partition().get(day.isoformat())
        return self._vectors.table.path(files[0]) if files else self._day_dir(self.embeddings_dir, day) / PART_NAME

    def embeddings(self, days: Iterable[date]) -> Embeddings:
        """The stored embeddings of the mentions posted on ``days``, as one float32 matrix.

        Only the encoder with the most vectors over those days is returned (``Embeddings.skipped`` counts
        the others): vectors of different encoders cannot be compared.
        """
        return self._vectors.read(days)

    def embedding_encoders(self, day: date) -> dict[str, str]:
        """mention_id -> encoder name of the vectors stored for ``day`` (empty when there are none)."""
        return self._vectors.encoders(day)

    def known_ids(self, candidates: Iterable[tuple[str, datetime]]) -> set[str]:
        """Which of the (mention_id, created_at) pairs are already stored, on whatever day.

        Only the id column is read, once per data file and process.
        """
        return set(self._table.locate(self._table.snapshot(), (mid for mid, _ in candidates)))

    def count(self) -> int:
        """Number of stored mentions (from the log's statistics; footers for files without them)."""
        snap = self._table.snapshot()
        return sum(f.rows if f.rows is not None else pq.ParquetFile(self._table.path(f)).metadata.num_rows
                   for f in snap.files)

    # ---- writing -------------------------------------------------------------------------------
    def upsert(
        self,
        records: Sequence[Mapping[str, Any]],
        *,
        source: str = "unknown",
        run_id: str = "unknown",
        embeddings: Mapping[str, np.ndarray] | None = None,
        encoder: str = "unknown",
    ) -> WriteResult:
        """Validate, then MERGE ``records`` on ``mention_id`` (newest wins); invalid ones go to quarantine.

        ``embeddings`` (mention_id → vector, from ``encoder``) are stored for the valid records, first.
        """
        result = WriteResult()
        valid: list[Mapping[str, Any]] = []
        rejects: list[Rejected] = []
        for rec in records:
            reason = validate_record(rec)
            if reason:
                rejects.append(Rejected(source=source, reason=reason, record=rec))
            else:
                valid.append(rec)
        if rejects:
            result.reasons = self.quarantine_by_code(rejects, run_id=run_id)
            result.quarantined = sum(result.reasons.values())
        if not valid:
            return result
        table = _dedupe_latest(to_table(valid))
        with self._lock:
            if embeddings:
                self._vectors.upsert([(r["mention_id"], r["created_at"], embeddings[r["mention_id"]]) for r in valid
                                      if r["mention_id"] in embeddings], encoder)
            result.inserted, result.updated, result.partitions = self._rows.merge(table)
            result.resolved = self._quarantine.resolve(source, valid)
        return result

    def refresh_counts(self, records: Iterable[Mapping[str, Any]]) -> int:
        """Update the engagement counts of mentions already stored; returns how many rows changed.

        A mention seen again (a re-run, an overlapping page) brings its current likes, reposts, replies and
        views. Rescoring it would cost a model pass for nothing, so only those columns are rewritten, and
        only in the files where a value actually changed, wherever the row is stored. A null ``views`` keeps
        the stored value (platforms do not always report it). Records that are not stored, or break the
        contract, are ignored.
        """
        latest: dict[str, Mapping[str, Any]] = {}
        for rec in records:
            if count_problems(rec) or not isinstance(rec.get("created_at"), datetime):
                continue
            latest[rec["mention_id"]] = rec
        with self._lock:
            return self._rows.refresh(latest)

    def upsert_embeddings(self, vectors: Sequence[tuple[str, datetime, np.ndarray]], encoder: str) -> int:
        """Store (mention_id, created_at, vector) triples; newest wins on mention_id. Returns rows."""
        with self._lock:
            return self._vectors.upsert(vectors, encoder)

    def replace_rows(self, day: date, updates: Mapping[str, Mapping[str, Any]], remove: Collection[str]) -> int:
        """Atomically rewrite ``day``: set columns of rows by ``mention_id``, drop the ``remove`` ids.

        The day is re-read under the lock, so rows another writer stored meanwhile are kept; ids that are
        gone by then are ignored. A day left without rows loses its file. Returns how many rows changed.
        """
        with self._lock:
            return self._rows.replace_day(day, updates, remove)

    def set_topics(self, labels: Mapping[str, str | None], days: Collection[date]) -> int:
        """Rewrite the ``topic`` column of the mentions posted on ``days``; returns how many got a label.

        Mentions of those days missing from ``labels`` get null (they were not part of the fit that made
        the current labels); every other column and every other day is left untouched. One commit for all
        the days; a day whose labels are unchanged is not rewritten.
        """
        with self._lock:
            return self._rows.set_topics(labels, days)

    @staticmethod
    def _day_dir(folder: Path, day: date) -> Path:
        return folder / f"{PARTITION_KEY}={day.isoformat()}"

    def platforms(self) -> list[str]:
        """The platforms of the stored mentions (reads only that column)."""
        found: set[str] = set()
        for f in self._table.intact(self._table.snapshot().files):
            found.update(self._table.read(f, ["platform"]).column(0).unique().to_pylist())
        return sorted(found)

    # ---- erasure (docs/privacy.md) ---------------------------------------------------------------
    def forget(self, subject: Subject, *, dry_run: bool = False) -> Erasure:
        """Remove every row of ``subject`` from every table and delete the files that held them."""
        with self._lock:
            return Eraser(self.layout, dry_run=dry_run).forget(subject)

    def expire(self, cutoff: date, *, dry_run: bool = False) -> Erasure:
        """Remove the mentions posted before ``cutoff`` (with what points at them) and delete their files."""
        with self._lock:
            return Eraser(self.layout, dry_run=dry_run).expire(cutoff)

    # ---- alert log ----------------------------------------------------------------------------
    def alert_log(self) -> list[dict[str, Any]]:
        """Every row of the alert log (what the rules decided and delivered), oldest first."""
        return self._alerts.rows()

    def record_alerts(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Append alert decisions and deliveries to the alert log in one commit; returns how many rows."""
        with self._lock:
            return self._alerts.append(rows)
    # ---- corrections ---------------------------------------------------------------------------
    def add_corrections(self, corrections: Sequence[Correction]) -> int:
        """Append human corrections (one commit, nothing rewritten); returns how many were stored."""
        with self._lock:
            return self._corrections.append(corrections)

    def corrections(self) -> pa.Table:
        """Every stored correction, oldest first."""
        return self._corrections.read()

    # ---- quarantine ----------------------------------------------------------------------------
    def quarantine(self, rejects: Sequence[Rejected], *, run_id: str) -> int:
        """Write rejected records with their reasons, idempotently; returns how many were newly quarantined."""
        return sum(self.quarantine_by_code(rejects, run_id=run_id).values())

    def quarantine_by_code(self, rejects: Sequence[Rejected], *, run_id: str) -> dict[str, int]:
        """Write rejected records with their reasons, idempotently; returns reason code -> newly quarantined.

        A record already in the quarantine (same source, reason and record) is not written again, so a
        retried task or a re-read export quarantines the same records once.
        """
        if not rejects:
            return {}
        with self._lock:
            return self._quarantine.add(rejects, run_id=run_id)

    def quarantine_files(self) -> list[Path]:
        """Every data file of the current quarantine version."""
        return self._quarantine.files()

    def quarantined_records(self, code: str) -> list[tuple[str, dict[str, Any]]]:
        """(source, raw record) of every quarantine entry with reason code ``code``; unreadable ones skipped."""
        return self._quarantine.records(code)


def _dedupe_latest(table: pa.Table) -> pa.Table:
    """Keep the last occurrence of each mention_id within one batch (later rows are newer)."""
    ids = table["mention_id"].to_pylist()
    last = {mid: i for i, mid in enumerate(ids)}
    if len(last) == len(ids):
        return table
    return table.take(sorted(last.values()))
