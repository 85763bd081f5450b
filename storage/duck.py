"""DuckDB over the Parquet dataset: the ``mentions``, ``embeddings`` and ``quarantine`` views analysts query."""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.layout import PARTITION_KEY, StoreLayout
from storage.schema import QUARANTINE_SCHEMA, empty_table


def connect(root: str | Path, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """Open DuckDB with views ``mentions``, ``embeddings`` and ``quarantine`` over the dataset at ``root``.

    An empty dataset still gets typed, empty views, so reports and queries work before the first run.
    ``quarantine`` always has every column of today's schema (older files read null in new columns).
    """
    layout = StoreLayout.of(root)
    con = duckdb.connect(database)
    con.execute("SET TimeZone = 'UTC'")
    if layout.partitions(layout.mentions):
        glob = _sql_str(layout.glob(layout.mentions))
        con.execute(
            f"CREATE OR REPLACE VIEW mentions AS SELECT * FROM read_parquet({glob}, "  # noqa: S608 - path, quoted
            f"hive_partitioning = true, hive_types = {{'{PARTITION_KEY}': DATE}}, union_by_name = true)"
        )
    else:
        empty = empty_table()
        con.register("_empty_mentions", empty)
        con.execute(
            f"CREATE OR REPLACE VIEW mentions AS SELECT *, CAST(created_at AS DATE) AS {PARTITION_KEY} "  # noqa: S608
            "FROM _empty_mentions"
        )
    if layout.partitions(layout.embeddings):
        glob = _sql_str(layout.glob(layout.embeddings))
        con.execute(
            f"CREATE OR REPLACE VIEW embeddings AS SELECT * FROM read_parquet({glob}, "  # noqa: S608
            f"hive_partitioning = true, hive_types = {{'{PARTITION_KEY}': DATE}}, union_by_name = true)"
        )
    else:
        con.execute(
            "CREATE OR REPLACE VIEW embeddings AS SELECT NULL::VARCHAR AS mention_id, NULL::VARCHAR AS encoder, "
            f"NULL::FLOAT[] AS vector, NULL::DATE AS {PARTITION_KEY} WHERE false"
        )
    con.register("_empty_quarantine", QUARANTINE_SCHEMA.empty_table())
    if layout.partitions(layout.quarantine, "date"):
        glob = _sql_str(layout.glob(layout.quarantine, "date"))
        # BY NAME against the empty table of today's schema: files written before a column existed still
        # read, with nulls there, and a query naming the new column never fails.
        con.execute(
            "CREATE OR REPLACE VIEW quarantine AS SELECT * FROM _empty_quarantine UNION ALL BY NAME "  # noqa: S608
            f"SELECT * FROM read_parquet({glob}, hive_partitioning = true, union_by_name = true)"
        )
    else:
        con.execute("CREATE OR REPLACE VIEW quarantine AS SELECT *, NULL::DATE AS date FROM _empty_quarantine")
    return con


def _sql_str(value: str) -> str:
    """Quote a string literal for SQL."""
    return "'" + value.replace("'", "''") + "'"
