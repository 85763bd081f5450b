"""DuckDB over the Delta tables: the views analysts query, reports aggregate and the explorer reads.

Views: ``mentions`` (the model's rows), ``embeddings``, ``quarantine``, ``corrections`` (every human
correction, append-only) and ``mentions_corrected`` (the mentions with the newest correction of each field
applied, flagged ``corrected`` and ``irrelevant``, the model's values kept in ``model_sentiment`` and
``model_aspects``). With ``corrected=True`` the model's rows are ``mentions_model`` and ``mentions`` is the
corrected rows without those marked irrelevant: what reports and the explorer count.
"""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from core.layout import StoreLayout
from storage import tables
from storage.legacy import refuse_old_layout
from storage.upgrade import upgrade

log = logging.getLogger("voxpop.storage")

# A human label is certain: a corrected sentiment scores -1/0/+1 with confidence 1. Aspects: the newest
# correction per (mention, aspect) adds or removes it; is_pain_point follows the corrected values.
CORRECTED_SELECT = """
WITH latest AS (
  SELECT mention_id, field, coalesce(aspect, '') AS aspect, arg_max(new_value, corrected_at) AS value
  FROM corrections WHERE field <> 'exclude' GROUP BY ALL),
per_mention AS (
  SELECT mention_id,
         any_value(value) FILTER (field = 'sentiment') AS sentiment,
         coalesce(any_value(value) FILTER (field = 'irrelevant') = 'true', false) AS irrelevant,
         coalesce(list(aspect ORDER BY aspect) FILTER (field = 'aspect' AND value = 'present'), []) AS added,
         coalesce(list(aspect) FILTER (field = 'aspect' AND value = 'absent'), []) AS removed,
         bool_or(field = 'aspect') AS aspects_corrected
  FROM latest GROUP BY mention_id),
joined AS (
  SELECT m.*, c.sentiment AS c_sentiment, c.irrelevant AS c_irrelevant, c.aspects_corrected,
         CASE WHEN c.aspects_corrected
              THEN list_filter(list_distinct(list_concat(m.aspects, c.added)),
                               lambda a: NOT list_contains(c.removed, a))
              ELSE m.aspects END AS c_aspects,
         c.mention_id IS NOT NULL AS corrected
  FROM {source} m LEFT JOIN per_mention c ON c.mention_id = m.mention_id)
SELECT * EXCLUDE (c_sentiment, c_irrelevant, c_aspects, aspects_corrected) REPLACE (
         coalesce(c_sentiment, sentiment) AS sentiment,
         CASE WHEN c_sentiment IS NULL THEN sentiment_score
              ELSE CAST(CASE c_sentiment WHEN 'positive' THEN 1 WHEN 'negative' THEN -1 ELSE 0 END AS FLOAT)
         END AS sentiment_score,
         CASE WHEN c_sentiment IS NULL THEN sentiment_confidence ELSE CAST(1 AS FLOAT) END AS sentiment_confidence,
         list_sort(c_aspects) AS aspects,
         coalesce(c_sentiment, sentiment) = 'negative' AND len(c_aspects) > 0 AS is_pain_point),
       coalesce(c_irrelevant, false) AS irrelevant,
       sentiment AS model_sentiment, aspects AS model_aspects
FROM joined
"""
CORRECTED_SQL = "CREATE OR REPLACE VIEW mentions_corrected AS " + CORRECTED_SELECT
RELEVANT_SQL = ("CREATE OR REPLACE VIEW mentions AS SELECT * EXCLUDE (irrelevant) FROM mentions_corrected "
                "WHERE NOT irrelevant")


def connect(root: str | Path, database: str = ":memory:", *, corrected: bool = False) -> duckdb.DuckDBPyConnection:
    """Open DuckDB with the views of the module docstring over the dataset at ``root``.

    Each view reads one snapshot of its Delta table, taken here: the connection sees the same rows for
    as long as it lives, whatever a writer commits meanwhile (the tables are loaded embeddings first,
    so every mention seen has its vector). No DuckDB extension is needed: the files of the snapshot are
    handed to DuckDB as a pyarrow dataset, with Parquet page checksums verified, so a filter on
    ``mention_date`` reads only that day's files. A file whose size no longer matches the log is left
    out with a warning, so one damaged day does not break every query. An empty dataset still gets
    typed, empty views, so reports and queries work before the first run. A store of an older contract
    is upgraded first (``storage.upgrade``); one that cannot be written is read as it is (new columns null).
    """
    layout = StoreLayout.of(root)
    refuse_old_layout(layout)
    try:
        upgrade(layout.root, wait=False)
    except OSError as exc:
        log.warning("%s: cannot upgrade the store to the current contract (%s); its new columns read null",
                    layout.root, exc)
    con = duckdb.connect(database)
    con.execute("SET TimeZone = 'UTC'")
    for name, table in tables.all_tables(layout).items():
        files = table.intact(table.snapshot().files)
        view = "mentions_model" if corrected and name == "mentions" else name
        con.register(view, table.dataset(files) if files else table.table_schema.empty_table())
    alerts = tables.alerts(layout)  # not in all_tables: the old layout had no alert log to migrate
    files = alerts.intact(alerts.snapshot().files)
    con.register("alerts", alerts.dataset(files) if files else alerts.table_schema.empty_table())
    apply_corrections(con, corrected=corrected)
    return con


def apply_corrections(con: duckdb.DuckDBPyConnection, *, corrected: bool) -> None:
    """Create ``mentions_corrected`` (and, with ``corrected``, ``mentions`` as its relevant rows)."""
    con.execute(CORRECTED_SQL.format(source="mentions_model" if corrected else "mentions"))
    if corrected:
        con.execute(RELEVANT_SQL)


def corrected_sentiments(root: str | Path) -> list[tuple[str, str, str]]:
    """(text, corrected sentiment, lang) of every relevant mention whose sentiment a person corrected."""
    with connect(root) as con:
        return con.execute(
            "SELECT text, sentiment, lang FROM mentions_corrected WHERE NOT irrelevant AND mention_id IN "
            "(SELECT mention_id FROM corrections WHERE field = 'sentiment') ORDER BY mention_id").fetchall()
