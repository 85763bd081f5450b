"""DuckDB over the Delta tables: the ``mentions``, ``embeddings`` and ``quarantine`` views analysts query."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from core.layout import StoreLayout
from storage import tables
from storage.legacy import refuse_old_layout

log = logging.getLogger("voxpop.storage")


def connect(root: str | Path, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """Open DuckDB with views ``mentions``, ``embeddings`` and ``quarantine`` over the dataset at ``root``.

    Each view reads one snapshot of its Delta table, taken here: the connection sees the same rows for
    as long as it lives, whatever a writer commits meanwhile (the tables are loaded embeddings first,
    so every mention seen has its vector). No DuckDB extension is needed: the files of the snapshot are
    handed to DuckDB as a pyarrow dataset, with Parquet page checksums verified. A file whose size no
    longer matches the log is left out with a warning, so one damaged day does not break every query.
    An empty dataset still gets typed, empty views, so reports and queries work before the first run.
    """
    layout = StoreLayout.of(root)
    refuse_old_layout(layout)
    con = duckdb.connect(database)
    con.execute("SET TimeZone = 'UTC'")
    for name, table in tables.all_tables(layout).items():
        snap = table.snapshot()
        damaged = table.damaged(snap)
        for f, reason in damaged:
            log.warning("%s: left out damaged %s (%s); `voxpop listen` sets it aside", name, f.rel, reason)
        skip = {f.rel for f, _ in damaged}
        files = [f for f in snap.files if f.rel not in skip]
        con.register(name, table.dataset(files) if files else table.table_schema.empty_table())
    return con
