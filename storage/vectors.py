"""The embeddings table: one sentence vector per stored mention, for the topic model.

Embeddings live beside the mentions, not in them: a 384-float vector per row would multiply the size of
the table analysts scan, and only the topic model reads them. The store writes them before their mentions,
so a crash in between leaves an unused vector (rewritten on the re-run), never a mention without one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from deltalake.transaction import AddAction

from storage.engine import DataFile, Table


@dataclass
class Embeddings:
    """Sentence vectors of some mentions, all from one encoder: row i of ``vectors`` belongs to ``ids[i]``."""

    ids: list[str]
    vectors: np.ndarray
    encoder: str | None
    skipped: int = 0


class VectorTable:
    """Reads and upserts of the embeddings table (the caller holds the store's write lock for upserts)."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def upsert(self, vectors: Sequence[tuple[str, datetime, np.ndarray]], encoder: str) -> int:
        """Store (mention_id, created_at, vector) triples; newest wins on mention_id across the table.

        A vector of another size comes from another encoder and cannot share a fit: on each day written,
        stored vectors of another size than the new ones are dropped. Returns the rows written.
        """
        latest = {mid: (created, vec) for mid, created, vec in vectors}  # later entries win
        if not latest:
            return 0
        by_day: dict[str, list[str]] = {}
        for mid, (created, _) in latest.items():
            by_day.setdefault(created.astimezone(UTC).date().isoformat(), []).append(mid)
        snap = self.table.snapshot()
        where = self.table.locate(snap, latest)
        files = snap.by_partition()
        incoming = pa.array(list(latest), pa.string())
        adds: list[AddAction] = []
        removes: list[DataFile] = []
        for day in sorted(set(by_day) | {f.partition for f in where.values()}):
            parts, dim = [], None
            if day in by_day:
                ids = by_day[day]
                matrix = np.stack([np.asarray(latest[mid][1], dtype=np.float16).ravel() for mid in ids])
                dim = matrix.shape[1]
                offsets = np.arange(0, matrix.size + 1, dim, dtype=np.int32)
                values = pa.array(matrix.astype(np.float32).ravel(), pa.float32())
                parts.append(pa.Table.from_arrays(
                    [pa.array(ids, pa.string()), pa.array([encoder] * len(ids), pa.string()),
                     pa.ListArray.from_arrays(offsets, values)], schema=self.table.schema))
            for f in files.get(day, []):
                old = self.table.read(f)
                keep = pc.invert(pc.is_in(old["mention_id"], value_set=incoming))
                if dim is not None:
                    keep = pc.and_(keep, pc.equal(pc.list_value_length(old["vector"]), dim))
                parts.insert(0, old.filter(keep))
                removes.append(f)
            merged = pa.concat_tables(parts).sort_by([("mention_id", "ascending")])
            if merged.num_rows:
                adds.append(self.table.write(merged, day))
        self.table.commit(snap, adds, removes)
        return len(latest)

    def read(self, days: Iterable[date]) -> Embeddings:
        """The vectors of the mentions posted on ``days``, as one float32 matrix.

        Vectors from different encoders cannot be compared, so only the encoder with the most vectors
        over those days is returned (``Embeddings.skipped`` counts the others).
        """
        files = self.table.snapshot().by_partition()
        wanted = [f for day in sorted(set(days)) for f in files.get(day.isoformat(), [])]
        tables = [self.table.read(f) for f in self.table.intact(wanted)]
        table = pa.concat_tables(tables) if tables else self.table.schema.empty_table()
        sizes = pc.list_value_length(table["vector"]) if table.num_rows else pa.array([], pa.int32())
        counts = Counter(zip(table["encoder"].to_pylist(), sizes.to_pylist(), strict=True))
        if not counts:
            return Embeddings(ids=[], vectors=np.zeros((0, 0), dtype=np.float32), encoder=None)
        (encoder, dim), _ = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        chosen = table.filter(pc.and_(pc.equal(table["encoder"], encoder), pc.equal(sizes, dim)))
        flat = chosen["vector"].combine_chunks().flatten().to_numpy(zero_copy_only=False)
        return Embeddings(ids=chosen["mention_id"].to_pylist(), vectors=flat.reshape(-1, dim).astype(np.float32),
                          encoder=encoder, skipped=table.num_rows - chosen.num_rows)

    def encoders(self, day: date) -> dict[str, str]:
        """mention_id -> encoder name of the vectors stored for ``day`` (empty when there are none)."""
        found: dict[str, str] = {}
        for f in self.table.snapshot().by_partition().get(day.isoformat(), []):
            t = self.table.read(f, ["mention_id", "encoder"])
            found.update(zip(t["mention_id"].to_pylist(), t["encoder"].to_pylist(), strict=True))
        return found
