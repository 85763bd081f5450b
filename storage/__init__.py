"""Storage layer: the Parquet data contract, the idempotent writer, cursors and the DuckDB views."""

from core.layout import PARTITION_KEY
from core.types import REASON_CODES, Rejected, reason_code
from storage.cursors import CursorStore
from storage.duck import connect
from storage.schema import (
    MENTION_FIELDS,
    MENTION_SCHEMA,
    QUARANTINE_SCHEMA,
    SCHEMA_VERSION,
    SENTIMENTS,
    embedding_schema,
    validate_record,
)
from storage.store import Embeddings, MentionStore, WriteResult

__all__ = [
    "MENTION_FIELDS",
    "MENTION_SCHEMA",
    "PARTITION_KEY",
    "QUARANTINE_SCHEMA",
    "REASON_CODES",
    "SCHEMA_VERSION",
    "SENTIMENTS",
    "CursorStore",
    "Embeddings",
    "MentionStore",
    "Rejected",
    "WriteResult",
    "connect",
    "embedding_schema",
    "reason_code",
    "validate_record",
]
