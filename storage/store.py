"""The partitioned, idempotent Parquet store.

Layout under the storage root::

    mentions/mention_date=2026-10-24/part-0.parquet   scored mentions, one file per day (Hive style)
    mentions/_common_metadata                         dataset schema with mention_date: date32 (for pandas)
    embeddings/mention_date=2026-10-24/part-0.parquet sentence vectors of those mentions (for topics)
    quarantine/date=2026-11-22/<hash>.parquet         records that broke the contract, with the reason;
                                                      an entry goes once its record is stored (fixed)
    state/cursors.json                                source cursors, saved after data is durable

Each day's file is rewritten whole: read it, merge the new rows (newest wins on ``mention_id``), write a
temporary file, fsync, rename. So a re-run adds no duplicates, a crash leaves the previous file intact,
and readers never see half a file. A file lock serialises writers on one machine.

Embeddings live beside the mentions, not in them: a 384-float vector per row would multiply the size of
the table analysts scan, and only the topic model reads them. They are written before their mentions,
so a crash in between leaves an unused vector (rewritten on the re-run), never a mention without one.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from filelock import FileLock

from core.errors import StorageError
from core.files import sweep_temporaries, write_atomic
from core.layout import PARTITION_KEY, StoreLayout
from core.types import Rejected
from storage.schema import (
    COUNT_COLUMNS,
    IDENTITY_ID_KEYS,
    IDENTITY_URL_KEYS,
    MENTION_SCHEMA,
    QUARANTINE_SCHEMA,
    count_problems,
    embedding_schema,
    to_table,
    validate_record,
)

PART_NAME = "part-0.parquet"
# Dataset-level schema beside the day folders (Spark/Dask/pyarrow convention; the "_" keeps it out of every
# dataset glob). pyarrow infers a Hive partition value like 2026-10-24 as a string; the pandas metadata in
# this file makes ``pd.read_parquet(<root>/mentions)`` return ``mention_date`` as a date instead.
COMMON_METADATA = "_common_metadata"


@dataclass
class WriteResult:
    """What one ``upsert`` did."""

    inserted: int = 0
    updated: int = 0
    quarantined: int = 0
    resolved: int = 0  # quarantine entries removed because their record is now stored
    reasons: dict[str, int] = field(default_factory=dict)  # reason code -> records newly quarantined
    partitions: list[str] = field(default_factory=list)


@dataclass
class Embeddings:
    """Sentence vectors of some mentions, all from one encoder: row i of ``vectors`` belongs to ``ids[i]``."""

    ids: list[str]
    vectors: np.ndarray
    encoder: str | None
    skipped: int = 0


class MentionStore:
    """Scored mentions, quarantine and cursors under one root folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.layout = StoreLayout.of(self.root)
        self.mentions_dir = self.layout.mentions
        self.quarantine_dir = self.layout.quarantine
        self.embeddings_dir = self.layout.embeddings
        self.state_dir = self.layout.state
        for d in (self.mentions_dir, self.quarantine_dir, self.state_dir):
            d.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.state_dir / ".write.lock"))

    def recover(self, min_age_seconds: float = 3600) -> int:
        """Delete temporary files left by writers killed mid-write (call once per run); returns how many.

        Mentions, embeddings and quarantine files are only written under the writer lock, so while this
        holds it their temporaries belong to dead writers and go whatever their age. Others (``state/``,
        written under other locks) go only when older than ``min_age_seconds``.
        """
        with self._lock:
            if self.files():
                self._write_common_metadata(self.mentions_dir, MENTION_SCHEMA)
            dead = sum(sweep_temporaries(d, 0) for d in (self.mentions_dir, self.embeddings_dir, self.quarantine_dir))
            return dead + sweep_temporaries(self.root, min_age_seconds)

    @staticmethod
    def _write_common_metadata(folder: Path, schema: pa.Schema) -> None:
        """Write ``folder/_common_metadata``: ``schema`` plus the date-typed partition column.

        pandas reads the partition column through the pandas metadata (as ``date32[pyarrow]``); other
        readers can take the full schema from it. Rewritten only when it differs.
        """
        full = schema.append(pa.field(PARTITION_KEY, pa.date32(), nullable=False,
                                      metadata={"description": "UTC day of created_at (the folder name)"}))
        pandas_meta = {"index_columns": [], "column_indexes": [], "creator": {"library": "voxpop"},
                       "columns": [{"name": PARTITION_KEY, "field_name": PARTITION_KEY, "pandas_type": "date",
                                    "numpy_type": "date32[day][pyarrow]", "metadata": None}]}
        full = full.with_metadata({**(schema.metadata or {}), b"pandas": json.dumps(pandas_meta).encode()})
        target = folder / COMMON_METADATA
        if target.exists():
            try:
                if pq.read_schema(target).equals(full, check_metadata=True):
                    return
            except (OSError, pa.ArrowInvalid):
                pass  # unreadable: rewrite it
        write_atomic(target, lambda tmp: pq.write_metadata(full, tmp))

    # ---- reading -------------------------------------------------------------------------------
    def partition_path(self, day: date) -> Path:
        """The file holding mentions posted on ``day`` (UTC)."""
        return self.mentions_dir / f"{PARTITION_KEY}={day.isoformat()}" / PART_NAME

    def files(self) -> list[Path]:
        """Every published data file, oldest partition first."""
        return sorted(self.mentions_dir.glob(f"{PARTITION_KEY}=*/*.parquet"))

    def days(self) -> list[date]:
        """The days that have mentions, oldest first (from folder names; no file is opened)."""
        return [date.fromisoformat(p.parent.name.split("=", 1)[1]) for p in self.files()]

    def read(self, days: Iterable[date], columns: Sequence[str] | None = None) -> pa.Table:
        """The mentions posted on ``days`` (missing days are skipped), optionally only some columns."""
        cols = list(columns) if columns is not None else None
        tables = [self._read(path, cols) for day in sorted(set(days)) if (path := self.partition_path(day)).exists()]
        if not tables:
            schema = MENTION_SCHEMA if cols is None else pa.schema([MENTION_SCHEMA.field(c) for c in cols])
            return schema.empty_table()
        return pa.concat_tables(tables)

    def embedding_path(self, day: date) -> Path:
        """The file holding the embeddings of mentions posted on ``day``."""
        return self.embeddings_dir / f"{PARTITION_KEY}={day.isoformat()}" / PART_NAME

    def embeddings(self, days: Iterable[date]) -> Embeddings:
        """The stored embeddings of the mentions posted on ``days``, as one float32 matrix.

        Vectors from different encoders cannot be compared, so only the encoder with the most vectors
        over those days is returned (``Embeddings.skipped`` counts the others).
        """
        tables = [self._read_embeddings(path) for day in sorted(set(days))
                  if (path := self.embedding_path(day)).exists()]
        counts: Counter[tuple[str, int]] = Counter()
        for t in tables:
            dim = t.schema.field("vector").type.list_size
            for row in t["encoder"].value_counts().to_pylist():
                counts[row["values"], dim] += row["counts"]
        if not counts:
            return Embeddings(ids=[], vectors=np.zeros((0, 0), dtype=np.float32), encoder=None)
        (encoder, dim), _ = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        parts = [t.filter(pc.equal(t["encoder"], encoder)) for t in tables
                 if t.schema.field("vector").type.list_size == dim]
        table = pa.concat_tables(parts)
        flat = table["vector"].combine_chunks().flatten().to_numpy(zero_copy_only=False)
        return Embeddings(ids=table["mention_id"].to_pylist(), vectors=flat.reshape(-1, dim).astype(np.float32),
                          encoder=encoder, skipped=sum(counts.values()) - table.num_rows)

    def embedding_encoders(self, day: date) -> dict[str, str]:
        """mention_id -> encoder name of the vectors stored for ``day`` (empty when there are none)."""
        path = self.embedding_path(day)
        if not path.exists():
            return {}
        table = self._read_embeddings(path).select(["mention_id", "encoder"])
        return dict(zip(table["mention_id"].to_pylist(), table["encoder"].to_pylist(), strict=True))

    def known_ids(self, candidates: Iterable[tuple[str, datetime]]) -> set[str]:
        """Which of the (mention_id, created_at) pairs are already stored.

        Only the partitions of the candidates' days are read, and only their id column.
        """
        by_day: dict[date, set[str]] = {}
        for mid, created in candidates:
            by_day.setdefault(created.astimezone(UTC).date(), set()).add(mid)
        found: set[str] = set()
        for day, ids in by_day.items():
            path = self.partition_path(day)
            if path.exists():
                found.update(ids.intersection(self._read(path, columns=["mention_id"]).column(0).to_pylist()))
        return found

    def count(self) -> int:
        """Number of stored mentions (reads Parquet footers only)."""
        return sum(pq.ParquetFile(p).metadata.num_rows for p in self.files())

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
        """Validate, then merge ``records`` into their day partitions; invalid ones go to quarantine.

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
        days = pc.cast(pc.cast(table["created_at"], pa.timestamp("us")), pa.date32())
        with self._lock:
            self._write_common_metadata(self.mentions_dir, MENTION_SCHEMA)
            if embeddings:
                vectors = [(r["mention_id"], r["created_at"], embeddings[r["mention_id"]]) for r in valid
                           if r["mention_id"] in embeddings]
                self._upsert_embeddings(vectors, encoder)
            for day in pc.unique(days).to_pylist():
                part = table.filter(pc.equal(days, pa.scalar(day, pa.date32())))
                inserted, updated = self._merge_partition(day, part)
                result.inserted += inserted
                result.updated += updated
                result.partitions.append(day.isoformat())
            result.resolved = self._resolve_quarantine(source, valid)
        return result

    def _resolve_quarantine(self, source: str, stored: Sequence[Mapping[str, Any]]) -> int:
        """Drop quarantine entries of ``source`` whose record is now stored; returns how many.

        A row fixed in the export and imported again is no longer a problem, so its old entry must not
        stay in the quarantine. A quarantined record is matched by identity only, never by text: its
        ``url``/``link``/``permalink`` against a stored url, an id column (``id``, ``native_id``, ...)
        against a stored native id, or its ``mention_id``. Rows with neither (no id, no url) stay until
        removed by hand. Each touched file is rewritten atomically (deleted when it becomes empty).
        """
        urls = {str(r["url"]) for r in stored if r.get("url")}
        native = {str(r["native_id"]) for r in stored}
        mention_ids = {str(r["mention_id"]) for r in stored}
        removed = 0
        for path in self.quarantine_files():
            table = self._read_quarantine(path)
            if table is None or source not in table["source"].to_pylist():
                continue
            keep = [not (src == source and _matches(raw, urls, native, mention_ids))
                    for src, raw in zip(table["source"].to_pylist(), table["record"].to_pylist(), strict=True)]
            gone = keep.count(False)
            if not gone:
                continue
            removed += gone
            if gone == table.num_rows:
                path.unlink(missing_ok=True)
            else:
                kept = table.filter(pa.array(keep))
                write_atomic(path, lambda tmp, t=kept: pq.write_table(t, tmp, compression="zstd"))
        return removed

    @staticmethod
    def _read_quarantine(path: Path) -> pa.Table | None:
        try:
            return pq.read_table(path)
        except (OSError, pa.ArrowInvalid):
            return None  # an unreadable quarantine file is left for a human; it blocks no import

    def _merge_partition(self, day: date, new: pa.Table) -> tuple[int, int]:
        path = self.partition_path(day)
        new_ids = new["mention_id"]
        updated = 0
        if path.exists():
            old = self._read(path)
            keep = pc.invert(pc.is_in(old["mention_id"], value_set=new_ids))
            updated = old.num_rows - pc.sum(keep.cast(pa.int64())).as_py()
            merged = pa.concat_tables([old.filter(keep), new])
        else:
            merged = new
        merged = merged.sort_by([("created_at", "ascending"), ("mention_id", "ascending")])
        write_atomic(path, lambda tmp: pq.write_table(merged, tmp, compression="zstd"))
        return new.num_rows - updated, updated

    def refresh_counts(self, records: Iterable[Mapping[str, Any]]) -> int:
        """Update the engagement counts of mentions already stored; returns how many rows changed.

        A mention seen again (a re-run, an overlapping page) brings its current likes, reposts, replies and
        views. Rescoring it would cost a model pass for nothing, so only those columns are rewritten, and
        only in the day files where a value actually changed. A null ``views`` keeps the stored value
        (platforms do not always report it). Records that are not stored, or break the contract, are ignored.
        """
        by_day: dict[date, dict[str, Mapping[str, Any]]] = {}
        for rec in records:
            if count_problems(rec) or not isinstance(rec.get("created_at"), datetime):
                continue
            by_day.setdefault(rec["created_at"].astimezone(UTC).date(), {})[rec["mention_id"]] = rec
        changed = 0
        with self._lock:
            for day, latest in sorted(by_day.items()):
                path = self.partition_path(day)
                if not path.exists():
                    continue
                table = self._read(path)
                ids = table["mention_id"].to_pylist()
                columns = {name: table[name].to_pylist() for name in COUNT_COLUMNS}
                rows = 0
                for i, mid in enumerate(ids):
                    rec = latest.get(mid)
                    if rec is None:
                        continue
                    new = {name: rec.get(name) for name in COUNT_COLUMNS if rec.get(name) is not None}
                    if any(columns[name][i] != value for name, value in new.items()):
                        rows += 1
                        for name, value in new.items():
                            columns[name][i] = value
                if not rows:
                    continue
                for name, values in columns.items():
                    idx = table.schema.get_field_index(name)
                    table = table.set_column(idx, table.schema.field(idx), pa.array(values, pa.int64()))
                write_atomic(path, lambda tmp, t=table: pq.write_table(t, tmp, compression="zstd"))
                changed += rows
        return changed

    def upsert_embeddings(self, vectors: Sequence[tuple[str, datetime, np.ndarray]], encoder: str) -> int:
        """Store (mention_id, created_at, vector) triples by day; newest wins on mention_id. Returns rows."""
        with self._lock:
            return self._upsert_embeddings(vectors, encoder)

    def _upsert_embeddings(self, vectors: Sequence[tuple[str, datetime, np.ndarray]], encoder: str) -> int:
        latest = {mid: (created, vec) for mid, created, vec in vectors}  # later entries win
        by_day: dict[date, list[str]] = {}
        for mid, (created, _) in latest.items():
            by_day.setdefault(created.astimezone(UTC).date(), []).append(mid)
        for day, ids in sorted(by_day.items()):
            matrix = np.stack([np.asarray(latest[mid][1], dtype=np.float16).ravel() for mid in ids])
            dim = matrix.shape[1]
            new = pa.Table.from_arrays(
                [pa.array(ids, pa.string()), pa.array([encoder] * len(ids), pa.string()),
                 pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel(), pa.float16()), dim)],
                schema=embedding_schema(dim),
            )
            path = self.embedding_path(day)
            if path.exists():
                old = self._read_embeddings(path)
                # Another vector size means another encoder: its vectors cannot share the file or a fit.
                if old.schema.field("vector").type.list_size == dim:
                    keep = pc.invert(pc.is_in(old["mention_id"], value_set=new["mention_id"]))
                    new = pa.concat_tables([old.filter(keep), new])
            new = new.sort_by([("mention_id", "ascending")])
            write_atomic(path, lambda tmp, t=new: pq.write_table(t, tmp, compression="zstd"))
            self._write_common_metadata(self.embeddings_dir, embedding_schema(dim))
        return len(latest)

    def replace_rows(self, day: date, updates: Mapping[str, Mapping[str, Any]], remove: Collection[str]) -> int:
        """Atomically rewrite ``day``'s file: set columns of rows by ``mention_id``, drop the ``remove`` ids.

        The file is re-read under the lock, so rows another writer stored meanwhile are kept; ids that are
        gone by then are ignored. A day left without rows loses its file. Returns how many rows changed.
        """
        with self._lock:
            path = self.partition_path(day)
            if not path.exists():
                return 0
            rows = self._read(path).to_pylist()
            kept, changed = [], 0
            for row in rows:
                if row["mention_id"] in remove:
                    changed += 1
                    continue
                new = updates.get(row["mention_id"])
                if new:
                    row.update(new)
                    changed += 1
                kept.append(row)
            if not changed:
                return 0
            if not kept:
                path.unlink()
                return changed
            table = to_table(kept).sort_by([("created_at", "ascending"), ("mention_id", "ascending")])
            write_atomic(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
            return changed

    def set_topics(self, labels: Mapping[str, str | None], days: Collection[date]) -> int:
        """Rewrite the ``topic`` column of the mentions posted on ``days``; returns how many got a label.

        Mentions of those days missing from ``labels`` get null (they were not part of the fit that made
        the current labels); every other column and every other day is left untouched.
        """
        labelled = 0
        with self._lock:
            for day in sorted(days):
                path = self.partition_path(day)
                if not path.exists():
                    continue
                table = self._read(path)
                topics = pa.array([labels.get(mid) for mid in table["mention_id"].to_pylist()], pa.string())
                labelled += len(topics) - topics.null_count
                idx = table.schema.get_field_index("topic")
                table = table.set_column(idx, table.schema.field(idx), topics)
                write_atomic(path, lambda tmp, t=table: pq.write_table(t, tmp, compression="zstd"))
        return labelled

    @staticmethod
    def _read_embeddings(path: Path) -> pa.Table:
        try:
            return pq.read_table(path)
        except (OSError, pa.ArrowInvalid) as exc:
            raise StorageError(f"cannot read {path}: {exc}. Delete it; its mentions then get no topic.") from exc

    @staticmethod
    def _read(path: Path, columns: list[str] | None = None) -> pa.Table:
        try:
            # Always with the contract schema: files written before a column existed read it as nulls.
            return pq.read_table(path, columns=columns, schema=MENTION_SCHEMA)
        except (OSError, pa.ArrowInvalid) as exc:
            raise StorageError(
                f"cannot read {path}: {exc}. Move the file aside and re-run collection for that day."
            ) from exc

    def quarantine(self, rejects: Sequence[Rejected], *, run_id: str) -> int:
        """Write rejected records with their reasons, idempotently; returns how many were newly quarantined."""
        return sum(self.quarantine_by_code(rejects, run_id=run_id).values())

    def quarantine_by_code(self, rejects: Sequence[Rejected], *, run_id: str) -> dict[str, int]:
        """Write rejected records with their reasons, idempotently; returns reason code -> newly quarantined.

        A record already in the quarantine (same source, reason and record) is not written again, and the
        file is named by a hash of its content, so a retried task or a re-read export quarantines the same
        records once.
        """
        if not rejects:
            return {}
        payload = [(r.source, r.reason, json.dumps(dict(r.record), default=str, ensure_ascii=False, sort_keys=True))
                   for r in rejects]
        # A changed export is read again whole: its rows that are still bad are already quarantined.
        known = self._quarantined_keys()
        fresh = [i for i, p in enumerate(payload) if p not in known]
        if not fresh:
            return {}
        rejects = [rejects[i] for i in fresh]
        payload = [payload[i] for i in fresh]
        digest = hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:20]
        if any(self.quarantine_dir.glob(f"date=*/{digest}.parquet")):
            return {}
        now = datetime.now(UTC)
        table = pa.Table.from_pydict(
            {
                "quarantined_at": [now] * len(rejects),
                "run_id": [run_id] * len(rejects),
                "source": [p[0] for p in payload],
                "reason": [p[1] for p in payload],
                "record": [p[2] for p in payload],
                "reason_code": [r.reason_code() for r in rejects],
                "location": [r.where() for r in rejects],
            },
            schema=QUARANTINE_SCHEMA,
        )
        target = self.quarantine_dir / f"date={now.date().isoformat()}" / f"{digest}.parquet"
        with self._lock:  # so that ``recover`` may take any temporary under quarantine/ for a dead writer's
            write_atomic(target, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
        return dict(Counter(r.reason_code() for r in rejects))

    def _quarantined_keys(self) -> set[tuple[str, str, str]]:
        """(source, reason, record) of every stored quarantine entry."""
        keys: set[tuple[str, str, str]] = set()
        for path in self.quarantine_files():
            table = self._read_quarantine(path)
            if table is not None:
                cols = (table[c].to_pylist() for c in ("source", "reason", "record"))
                keys.update(zip(*cols, strict=True))
        return keys

    def quarantine_files(self) -> list[Path]:
        """Every published quarantine file."""
        return sorted(self.quarantine_dir.glob("date=*/*.parquet"))

    def quarantined_records(self, code: str) -> list[tuple[str, dict[str, Any]]]:
        """(source, raw record) of every quarantine entry with reason code ``code``; unreadable ones skipped."""
        found: list[tuple[str, dict[str, Any]]] = []
        for path in self.quarantine_files():
            table = self._read_quarantine(path)
            if table is None or "reason_code" not in table.column_names:
                continue
            for row in table.filter(pc.equal(table["reason_code"], code)).to_pylist():
                try:
                    record = json.loads(row["record"])
                except ValueError:
                    continue
                if isinstance(record, dict):
                    found.append((row["source"], record))
        return found


def _matches(raw: str, urls: set[str], native: set[str], mention_ids: set[str]) -> bool:
    """Whether a quarantined record (JSON) names one of the stored urls, native ids or mention ids."""
    try:
        record = json.loads(raw)
    except ValueError:
        return False
    if not isinstance(record, dict):
        return False
    fields = {str(k).strip().lower(): str(v).strip() for k, v in record.items() if v not in (None, "")}
    return (any(fields.get(k) in urls for k in IDENTITY_URL_KEYS)
            or any(fields.get(k) in native for k in IDENTITY_ID_KEYS)
            or fields.get("mention_id") in mention_ids)


def _dedupe_latest(table: pa.Table) -> pa.Table:
    """Keep the last occurrence of each mention_id within one batch (later rows are newer)."""
    ids = table["mention_id"].to_pylist()
    last = {mid: i for i, mid in enumerate(ids)}
    if len(last) == len(ids):
        return table
    return table.take(sorted(last.values()))
