"""The partitioned, idempotent Parquet store.

Layout under the storage root::

    mentions/mention_date=2026-10-24/part-0.parquet   scored mentions, one file per day (Hive style)
    quarantine/date=2026-11-22/<run_id>.parquet       records that broke the contract, with the reason
    state/cursors.json                                source cursors, saved after data is durable

Each day's file is rewritten whole: read it, merge the new rows (newest wins on ``mention_id``), write a
temporary file, fsync, rename. So a re-run adds no duplicates, a crash leaves the previous file intact,
and readers never see half a file. A file lock serialises writers on one machine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from filelock import FileLock

from storage._files import sweep_temporaries, write_atomic
from storage.schema import (
    MENTION_SCHEMA,
    PARTITION_KEY,
    QUARANTINE_SCHEMA,
    Rejected,
    to_table,
    validate_record,
)
from voxpop.errors import StorageError

PART_NAME = "part-0.parquet"


@dataclass
class WriteResult:
    """What one ``upsert`` did."""

    inserted: int = 0
    updated: int = 0
    quarantined: int = 0
    partitions: list[str] = field(default_factory=list)


class MentionStore:
    """Scored mentions, quarantine and cursors under one root folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.mentions_dir = self.root / "mentions"
        self.quarantine_dir = self.root / "quarantine"
        self.state_dir = self.root / "state"
        for d in (self.mentions_dir, self.quarantine_dir, self.state_dir):
            d.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.state_dir / ".write.lock"))

    def recover(self, min_age_seconds: float = 3600) -> int:
        """Delete temporary files left by a writer that was killed mid-write (call once per run)."""
        with self._lock:
            return sweep_temporaries(self.root, min_age_seconds)

    # ---- reading -------------------------------------------------------------------------------
    def partition_path(self, day: date) -> Path:
        """The file holding mentions posted on ``day`` (UTC)."""
        return self.mentions_dir / f"{PARTITION_KEY}={day.isoformat()}" / PART_NAME

    def files(self) -> list[Path]:
        """Every published data file, oldest partition first."""
        return sorted(self.mentions_dir.glob(f"{PARTITION_KEY}=*/*.parquet"))

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
        self, records: Sequence[Mapping[str, Any]], *, source: str = "unknown", run_id: str = "unknown"
    ) -> WriteResult:
        """Validate, then merge ``records`` into their day partitions; invalid ones go to quarantine."""
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
            result.quarantined = self.quarantine(rejects, run_id=run_id)
        if not valid:
            return result
        table = _dedupe_latest(to_table(valid))
        days = pc.cast(pc.cast(table["created_at"], pa.timestamp("us")), pa.date32())
        with self._lock:
            for day in pc.unique(days).to_pylist():
                part = table.filter(pc.equal(days, pa.scalar(day, pa.date32())))
                inserted, updated = self._merge_partition(day, part)
                result.inserted += inserted
                result.updated += updated
                result.partitions.append(day.isoformat())
        return result

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

    @staticmethod
    def _read(path: Path, columns: list[str] | None = None) -> pa.Table:
        try:
            return pq.read_table(path, columns=columns, schema=None if columns else MENTION_SCHEMA)
        except (OSError, pa.ArrowInvalid) as exc:
            raise StorageError(
                f"cannot read {path}: {exc}. Move the file aside and re-run collection for that day."
            ) from exc

    def quarantine(self, rejects: Sequence[Rejected], *, run_id: str) -> int:
        """Write rejected records with their reasons, idempotently.

        The file is named by a hash of its content, so a retried task or a re-read export quarantines the
        same records once; returns how many were newly quarantined.
        """
        if not rejects:
            return 0
        payload = [(r.source, r.reason, json.dumps(dict(r.record), default=str, ensure_ascii=False, sort_keys=True))
                   for r in rejects]
        digest = hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()[:20]
        if any(self.quarantine_dir.glob(f"date=*/{digest}.parquet")):
            return 0
        now = datetime.now(UTC)
        table = pa.Table.from_pydict(
            {
                "quarantined_at": [now] * len(rejects),
                "run_id": [run_id] * len(rejects),
                "source": [p[0] for p in payload],
                "reason": [p[1] for p in payload],
                "record": [p[2] for p in payload],
            },
            schema=QUARANTINE_SCHEMA,
        )
        target = self.quarantine_dir / f"date={now.date().isoformat()}" / f"{digest}.parquet"
        write_atomic(target, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
        return len(rejects)

    def quarantine_files(self) -> list[Path]:
        """Every published quarantine file."""
        return sorted(self.quarantine_dir.glob("date=*/*.parquet"))


def _dedupe_latest(table: pa.Table) -> pa.Table:
    """Keep the last occurrence of each mention_id within one batch (later rows are newer)."""
    ids = table["mention_id"].to_pylist()
    last = {mid: i for i, mid in enumerate(ids)}
    if len(last) == len(ids):
        return table
    return table.take(sorted(last.values()))
