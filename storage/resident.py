"""The store's mentions and corrections held in DuckDB's own tables, for a long-lived reader (the explorer).

``storage.connect`` hands DuckDB the snapshot's Parquet files, so every query decodes them again (with page
checksums verified): right for a report that runs once, too slow for an app answering each click with a
dozen aggregates. ``ResidentStore`` reads each data file once into the native table ``mentions_resident``
(sorted by day and time, so a date filter skips whole row groups through DuckDB's zone maps) and the
corrections into ``corrections``; the views are those of ``connect(corrected=True)`` (``mentions_model``,
``mentions_corrected``, ``mentions``), built by the same SQL. ``refresh`` compares the Delta versions (a
read of the log's newest commits, well under a millisecond) and applies only the difference: rows of
files a commit retired are deleted, rows of new files inserted, the corrections reloaded.

Two columns exist only here: ``_file`` (the data file a row came from, for those deletes) and
``text_lower`` (the text lowered once at load, so a text search does not lower every row per query).
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
from storage.duck import apply_corrections
from storage.engine import DataFile, Table
from storage.legacy import refuse_old_layout

_NATIVE = "mentions_resident"


@dataclass(frozen=True)
class Versions:
    """The Delta versions of the mentions and corrections a ``ResidentStore`` holds (-1: no table yet)."""

    mentions: int
    corrections: int


class ResidentStore:
    """One DuckDB connection with the store's current mentions and corrections in native tables.

    Not thread-safe (one DuckDB connection): callers serialise their use of ``con``.
    """

    def __init__(self, root: str | Path) -> None:
        layout = StoreLayout.of(root)
        refuse_old_layout(layout)
        self._mentions = tables.mentions(layout)
        self._corrections = tables.corrections(layout)
        self._files: dict[str, DataFile] = {}
        self.versions = Versions(-2, -2)
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET TimeZone = 'UTC'")
        empty = self._mentions.table_schema.empty_table()
        self.con.register("_empty", empty)
        self.con.execute(f"CREATE TABLE {_NATIVE} AS SELECT *, lower(text) AS text_lower, "  # noqa: S608
                         "CAST(NULL AS VARCHAR) AS _file FROM _empty")
        self.con.unregister("_empty")
        self.con.execute(f"CREATE VIEW mentions_model AS SELECT * EXCLUDE (_file) FROM {_NATIVE}")  # noqa: S608
        self._load_corrections()
        apply_corrections(self.con, corrected=True)
        self.refresh()

    def refresh(self) -> bool:
        """Bring the tables up to the store's current versions; whether anything changed."""
        versions = Versions(self._mentions.version(), self._corrections.version())
        if versions == self.versions:
            return False
        if versions.mentions != self.versions.mentions:
            self._sync_mentions()
        if versions.corrections != self.versions.corrections:
            self._load_corrections()
        self.versions = versions
        return True

    def _sync_mentions(self) -> None:
        files = {f.rel: f for f in self._mentions.intact(self._mentions.snapshot().files)}
        gone = [rel for rel in self._files if rel not in files]
        new = sorted((f for rel, f in files.items() if rel not in self._files), key=lambda f: (f.partition, f.rel))
        loaded = _read(self._mentions, new) if new else None
        self.con.execute("BEGIN TRANSACTION")
        try:
            if gone:
                self.con.execute(f"DELETE FROM {_NATIVE} WHERE list_contains(?, _file)", [gone])  # noqa: S608
            if loaded is not None:
                self.con.register("_loaded", loaded)
                self.con.execute(f"INSERT INTO {_NATIVE} SELECT * EXCLUDE (_file), lower(text), _file "  # noqa: S608
                                 "FROM _loaded ORDER BY mention_date, created_at, mention_id")
                self.con.unregister("_loaded")
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self._files = files

    def _load_corrections(self) -> None:
        files = self._corrections.intact(self._corrections.snapshot().files)
        data = _read(self._corrections, files, with_file=False) if files else (
            self._corrections.table_schema.empty_table())
        self.con.register("_corrections", data)
        self.con.execute("CREATE OR REPLACE TABLE corrections AS SELECT * FROM _corrections ORDER BY corrected_at")
        self.con.unregister("_corrections")

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
