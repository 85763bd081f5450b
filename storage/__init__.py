"""Storage layer: the data contract, the Delta tables and their idempotent writer, cursors, the DuckDB views."""

from core.layout import PARTITION_KEY
from core.types import REASON_CODES, Rejected, reason_code
from storage.audit import AuditLog
from storage.corrections import Correction
from storage.cursors import CursorStore
from storage.duck import connect
from storage.forget import Erasure, Subject, normal_handle
from storage.legacy import Migration, migrate
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
    "AuditLog",
    "Correction",
    "CursorStore",
    "Embeddings",
    "Erasure",
    "MentionStore",
    "Migration",
    "Rejected",
    "Subject",
    "WriteResult",
    "connect",
    "embedding_schema",
    "migrate",
    "normal_handle",
    "reason_code",
    "validate_record",
]
