"""Row changes of the mentions table, each one Delta commit (the caller holds the store's write lock).

Every change reads the files it replaces from one snapshot, writes their successors, and commits the
additions and removals together on top of that snapshot: readers see the table before or after, never
between, and each day keeps a single file.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from deltalake.transaction import AddAction

from storage import tables
from storage.engine import DataFile, Table
from storage.schema import COUNT_COLUMNS, to_table

_ORDER = [("created_at", "ascending"), ("mention_id", "ascending")]


class MentionRows:
    """MERGE, count refresh, day rewrite and topic labels over the mentions table."""

    def __init__(self, table: Table) -> None:
        self.table = table

    def merge(self, new: pa.Table) -> tuple[int, int, list[str]]:
        """MERGE ``new`` on mention_id across the whole table; returns (inserted, updated, days of ``new``).

        The days rewritten are those ``new`` adds to plus those that hold a stored copy of one of its ids,
        so a row re-dated onto another day leaves its old day in the same commit.
        """
        snap = self.table.snapshot()
        where = self.table.locate(snap, new["mention_id"].to_pylist())
        new_days = tables.day_values(new)
        days = list(dict.fromkeys(new_days.to_pylist()))
        files = snap.by_partition()
        adds: list[AddAction] = []
        removes: list[DataFile] = []
        for day in sorted(set(days) | {f.partition for f in where.values()}):
            parts = [self.table.read(f) for f in files.get(day, [])]
            parts = [t.filter(pc.invert(pc.is_in(t["mention_id"], value_set=new["mention_id"]))) for t in parts]
            merged = pa.concat_tables([*parts, new.filter(pc.equal(new_days, day))]).sort_by(_ORDER)
            removes += files.get(day, [])
            if merged.num_rows:
                adds.append(self.table.write(merged, day))
        self.table.commit(snap, adds, removes)
        return new.num_rows - len(where), len(where), days

    def refresh(self, latest: Mapping[str, Mapping[str, Any]]) -> int:
        """Set the non-null engagement counts of ``latest`` (mention_id -> record) on stored rows; returns rows changed.

        Only files where a value differs are rewritten, wherever in the table the rows are.
        """
        snap = self.table.snapshot()
        holders = {f.rel: f for f in self.table.locate(snap, latest).values()}
        adds: list[AddAction] = []
        removes: list[DataFile] = []
        changed = 0
        for f in sorted(holders.values(), key=lambda f: f.rel):
            table = self.table.read(f)
            columns = {name: table[name].to_pylist() for name in COUNT_COLUMNS}
            rows = 0
            for i, mid in enumerate(table["mention_id"].to_pylist()):
                rec = latest.get(mid)
                new = {} if rec is None else {n: rec.get(n) for n in COUNT_COLUMNS if rec.get(n) is not None}
                if any(columns[name][i] != value for name, value in new.items()):
                    rows += 1
                    for name, value in new.items():
                        columns[name][i] = value
            if not rows:
                continue
            for name, values in columns.items():
                idx = table.schema.get_field_index(name)
                table = table.set_column(idx, table.schema.field(idx), pa.array(values, pa.int64()))
            adds.append(self.table.write(table, f.partition))
            removes.append(f)
            changed += rows
        self.table.commit(snap, adds, removes)
        return changed

    def replace_day(self, day: date, updates: Mapping[str, Mapping[str, Any]], remove: Collection[str]) -> int:
        """Set columns of ``day``'s rows by mention_id and drop the ``remove`` ids; returns rows changed."""
        snap = self.table.snapshot()
        files = snap.by_partition().get(day.isoformat(), [])
        kept, changed = [], 0
        for row in (row for f in files for row in self.table.read(f).to_pylist()):
            if row["mention_id"] in remove:
                changed += 1
                continue
            new = updates.get(row["mention_id"])
            if new:
                row.update(new)
                changed += 1
            kept.append(row)
        if changed:
            adds = [self.table.write(to_table(kept).sort_by(_ORDER), day.isoformat())] if kept else []
            self.table.commit(snap, adds, files)
        return changed

    def set_topics(self, labels: Mapping[str, str | None], days: Collection[date]) -> int:
        """Set ``topic`` on every row of ``days`` from ``labels`` (null when absent); returns rows labelled.

        A file whose labels are unchanged is not rewritten.
        """
        snap = self.table.snapshot()
        files = snap.by_partition()
        labelled = 0
        adds: list[AddAction] = []
        removes: list[DataFile] = []
        for f in [f for day in sorted(days) for f in files.get(day.isoformat(), [])]:
            table = self.table.read(f)
            topics = pa.array([labels.get(mid) for mid in table["mention_id"].to_pylist()], pa.string())
            labelled += len(topics) - topics.null_count
            if topics.equals(table["topic"].combine_chunks()):
                continue
            idx = table.schema.get_field_index("topic")
            adds.append(self.table.write(table.set_column(idx, table.schema.field(idx), topics), f.partition))
            removes.append(f)
        self.table.commit(snap, adds, removes)
        return labelled
