"""The three Delta tables of a store, named once for the writer, the DuckDB views and the migration."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from core.layout import PARTITION_KEY, StoreLayout
from storage.engine import Table
from storage.schema import (
    ALERT_SCHEMA,
    CORRECTION_KEY,
    CORRECTION_SCHEMA,
    MENTION_SCHEMA,
    QUARANTINE_SCHEMA,
    SCHEMA_VERSION,
    embedding_schema,
)

QUARANTINE_KEY = "date"  # the UTC day a record was quarantined
ALERTS_KEY = "date"  # the UTC day an alert decision was recorded


def mentions(layout: StoreLayout) -> Table:
    """Scored mentions, partitioned by the UTC day they were posted."""
    return Table(layout.mentions, MENTION_SCHEMA, PARTITION_KEY,
                 f"voxpop scored mentions (docs/schema.md), contract version {SCHEMA_VERSION}")


def embeddings(layout: StoreLayout) -> Table:
    """Sentence vectors of stored mentions, partitioned like them."""
    return Table(layout.embeddings, embedding_schema(), PARTITION_KEY, "voxpop sentence embeddings of the mentions")


def quarantine(layout: StoreLayout) -> Table:
    """Records that broke the contract, partitioned by the day they were quarantined."""
    return Table(layout.quarantine, QUARANTINE_SCHEMA, QUARANTINE_KEY, "voxpop quarantined records")


def alerts(layout: StoreLayout) -> Table:
    """The alert log (what the rules decided and delivered), partitioned by the day it was recorded."""
    return Table(layout.alerts, ALERT_SCHEMA, ALERTS_KEY, "voxpop alert log (docs/alerts.md)")


def corrections(layout: StoreLayout) -> Table:
    """Human corrections of mentions, append-only, partitioned by the day they were made."""
    return Table(layout.corrections, CORRECTION_SCHEMA, CORRECTION_KEY, "voxpop corrections of mentions (append-only)")


def all_tables(layout: StoreLayout) -> dict[str, Table]:
    """View name -> table; embeddings first, as the writer stores them before their mentions."""
    return {"embeddings": embeddings(layout), "mentions": mentions(layout), "quarantine": quarantine(layout),
            "corrections": corrections(layout)}


def day_values(table: pa.Table, column: str = "created_at") -> pa.Array:
    """The UTC day (``YYYY-MM-DD``) of each row's ``column`` timestamp: its partition value."""
    day = pc.cast(pc.cast(table[column], pa.timestamp("us")), pa.date32())
    return pc.cast(day, pa.string())
