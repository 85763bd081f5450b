"""The store's mentions and corrections held in DuckDB's own tables, for a long-lived reader (the explorer).

``storage.connect`` hands DuckDB the snapshot's Parquet files and applies the corrections in a view, so
every query decodes the files again (page checksums verified) and joins the corrections again: right
for a report that runs once, too slow for an app answering each click with a dozen aggregates.
``ResidentStore`` reads each data file once into the native table ``mentions_resident`` (the model's
rows) and keeps the corrected rows, computed by the same SQL as the view (``storage.duck``), in the
native table ``corrected_resident``; both are sorted by day and time, so a date filter skips the other
days' row groups through DuckDB's zone maps. The views are those of ``connect(corrected=True)``:
``mentions_model``, ``corrections``, ``mentions_corrected`` and ``mentions`` (its relevant rows).

``refresh`` compares the two Delta versions (a read of the log's newest commits, well under a
millisecond) and applies only the difference: a new corrections snapshot is reloaded (it is small) and
only the mentions whose corrections changed are recomputed; rows of data files a commit retired are
deleted and rows of new files inserted. Two columns exist only here: ``_file`` (the file a row came from,
for those deletes) and, in the corrected rows, ``text_lower`` (the text lowered once, so a text search
does not lower every row per query).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from core.layout import StoreLayout
from storage import tables
from storage.duck import CORRECTED_SELECT, RELEVANT_SQL
from storage.engine import DataFile, Table
from storage.legacy import refuse_old_layout

_MODEL = "mentions_resident"
_CORRECTED = "corrected_resident"
_ORDER = "ORDER BY mention_date, created_at, mention_id"
LOAD_FILES = 16  # data files read per insert: bounds the Arrow memory of the first load


@dataclass(frozen=True)
class Versions:
    """The Delta versions of the mentions and corrections a ``ResidentStore`` holds (-1: no table yet)."""

    mentions: int
    corrections: int


class ResidentStore:
    """One DuckDB connection with the store's current mentions and corrections in native tables.

    Not thread-safe (one DuckDB connection): callers serialise their use of ``con``. When ``refresh``
    raises, the tables may be half updated: close the store and open a new one.
    """

    def __init__(self, root: str | Path) -> None:
        layout = StoreLayout.of(root)
        refuse_old_layout(layout)
        self._mentions = tables.mentions(layout)
        self._corrections = tables.corrections(layout)
        self._files: dict[str, DataFile] = {}
        self.versions = Versions(-2, -2)
        con = self.con = duckdb.connect(":memory:")
        con.execute("SET TimeZone = 'UTC'")
        con.execute("SET enable_progress_bar = false")
        for name, table in (("_m", self._mentions), ("_c", self._corrections)):
            con.register(name, table.table_schema.empty_table())
        con.execute(f"CREATE TABLE {_MODEL} AS SELECT *, CAST(NULL AS VARCHAR) AS _file FROM _m")  # noqa: S608
        con.execute("CREATE TABLE corrections AS SELECT * FROM _c")
        con.unregister("_m")
        con.unregister("_c")
        con.execute(f"CREATE VIEW mentions_model AS SELECT * EXCLUDE (_file) FROM {_MODEL}")  # noqa: S608
        # The corrected rows as the view computes them, _file passed through: the source of every update.
        con.execute("CREATE VIEW _corrected_live AS " + CORRECTED_SELECT.format(source=_MODEL))
        con.execute(f"CREATE TABLE {_CORRECTED} AS SELECT *, lower(text) AS text_lower FROM _corrected_live LIMIT 0")  # noqa: S608
        con.execute(f"CREATE VIEW mentions_corrected AS SELECT * EXCLUDE (_file) FROM {_CORRECTED}")  # noqa: S608
        con.execute(RELEVANT_SQL)
        self.refresh()

    def refresh(self) -> bool:
        """Bring the tables up to the store's current versions; whether anything changed."""
        versions = Versions(self._mentions.version(), self._corrections.version())
        if versions == self.versions:
            return False
        corrections = self._read_corrections() if versions.corrections != self.versions.corrections else None
        files = {f.rel: f for f in self._mentions.intact(self._mentions.snapshot().files)} \
            if versions.mentions != self.versions.mentions else self._files
        gone = [rel for rel in self._files if rel not in files]
        new = sorted((f for rel, f in files.items() if rel not in self._files), key=lambda f: (f.partition, f.rel))
        # No explicit transaction: DuckDB 2.0.0 loses the rows of a large INSERT that follows an INSERT of
        # no rows into the same table inside one (checked 2026-12-04). A failure part-way leaves the tables
        # half updated, so the owner discards this store then (``Explorer`` rebuilds it on the next request).
        if corrections is not None:
            self._apply_corrections(corrections)
        if gone:
            for table in (_MODEL, _CORRECTED):
                self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, _file)", [gone])  # noqa: S608
        for start in range(0, len(new), LOAD_FILES):  # in day order, so the tables stay sorted by day
            self._insert(new[start:start + LOAD_FILES])
        self._files = files
        self.versions = versions
        return True

    def _insert(self, files: list[DataFile]) -> None:
        """Load ``files`` into the model table and their corrected rows into the corrected one."""
        self.con.register("_loaded", _read(self._mentions, files))
        self.con.execute(f"INSERT INTO {_MODEL} SELECT * FROM _loaded {_ORDER}")  # noqa: S608
        self.con.unregister("_loaded")
        days = [date.fromisoformat(f.partition) for f in files]  # a file's rows all lie on its day: prunes the scan
        self.con.execute(f"INSERT INTO {_CORRECTED} SELECT *, lower(text) FROM _corrected_live "  # noqa: S608
                         f"WHERE mention_date BETWEEN ? AND ? AND list_contains(?, _file) {_ORDER}",
                         [min(days), max(days), [f.rel for f in files]])

    def _read_corrections(self) -> pa.Table:
        files = self._corrections.intact(self._corrections.snapshot().files)
        return _read(self._corrections, files, with_file=False) if files else (
            self._corrections.table_schema.empty_table())

    def _apply_corrections(self, data: pa.Table) -> None:
        """Swap in the corrections ``data`` and recompute the corrected rows of the mentions it changes."""
        con = self.con
        con.register("_new", data)
        con.execute("""CREATE OR REPLACE TEMP TABLE _changed AS SELECT DISTINCT mention_id FROM (
            (SELECT correction_id, mention_id FROM corrections EXCEPT SELECT correction_id, mention_id FROM _new)
            UNION ALL
            (SELECT correction_id, mention_id FROM _new EXCEPT SELECT correction_id, mention_id FROM corrections))""")
        con.execute("DELETE FROM corrections")
        con.execute("INSERT INTO corrections SELECT * FROM _new ORDER BY corrected_at")
        con.unregister("_new")
        con.execute(f"DELETE FROM {_CORRECTED} WHERE mention_id IN (SELECT mention_id FROM _changed)")  # noqa: S608
        con.execute(f"INSERT INTO {_CORRECTED} SELECT *, lower(text) FROM _corrected_live "  # noqa: S608
                    f"WHERE mention_id IN (SELECT mention_id FROM _changed) {_ORDER}")
        con.execute("DROP TABLE _changed")

    def close(self) -> None:
        """Close the connection."""
        self.con.close()


def _read(table: Table, files: list[DataFile], *, with_file: bool = True) -> pa.Table:
    """``files`` read (checksums verified, in parallel) with the partition column and, if asked, ``_file``."""
    def one(f: DataFile) -> pa.Table:
        data = table.read(f)
        n = data.num_rows
        day = pa.scalar(date.fromisoformat(f.partition), pa.date32())
        data = data.append_column(table.partition, pa.repeat(day, n))
        if with_file:
            data = data.append_column("_file", pa.repeat(pa.scalar(f.rel, pa.string()), n))
        return data

    with ThreadPoolExecutor(max_workers=max(1, min(8, os.cpu_count() or 1))) as pool:
        parts = list(pool.map(one, files))
    return pa.concat_tables(parts)
