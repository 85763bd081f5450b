"""DuckDB over the Delta tables: the ``mentions``, ``embeddings`` and ``quarantine`` views analysts query."""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.layout import StoreLayout
from storage import tables
from storage.legacy import refuse_old_layout


def connect(root: str | Path, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """Open DuckDB with views ``mentions``, ``embeddings``, ``quarantine`` and ``alerts`` over the dataset at ``root``.

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
        files = table.intact(table.snapshot().files)
        con.register(name, table.dataset(files) if files else table.table_schema.empty_table())
    alerts = tables.alerts(layout)  # not in all_tables: the old layout had no alert log to migrate
    files = alerts.intact(alerts.snapshot().files)
    con.register("alerts", alerts.dataset(files) if files else alerts.table_schema.empty_table())
    return con
