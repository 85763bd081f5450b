"""The data contract: the Arrow schema of scored mentions, versioned, plus record validation.

Analysts and Spark jobs read these files directly, so this schema only ever grows: new columns are
nullable and bump ``SCHEMA_VERSION``; existing columns never change meaning or type. docs/schema.md
documents every column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

SCHEMA_VERSION = 3  # 2: `extras` (declared extra columns of file imports); 3: `rating` (review stars 1..5)
SENTIMENTS = ("negative", "neutral", "positive")
# Engagement counts: they change after posting, so a mention seen again refreshes them.
COUNT_COLUMNS = ("likes", "reposts", "replies", "views")

PROBS_TYPE = pa.struct([(label, pa.float32()) for label in ("positive", "neutral", "negative")])
_TS = pa.timestamp("us", tz="UTC")

MENTION_FIELDS: tuple[tuple[str, pa.DataType, bool, str], ...] = (
    ("mention_id", pa.string(), False, "platform:native_id; the dedupe key"),
    ("platform", pa.string(), False, "x, reddit, instagram, file, ..."),
    ("native_id", pa.string(), False,
     "the platform's own id (id-less imports: a hash of the normalised URL, else of the content)"),
    ("url", pa.string(), True, "canonical link to the mention"),
    ("created_at", _TS, False, "when the mention was posted, UTC"),
    ("collected_at", _TS, False, "when voxpop collected it, UTC"),
    ("source", pa.string(), False, "name of the configured source that collected it"),
    ("brand", pa.string(), False, "the brand the mention is about (first one mentioned)"),
    ("is_competitor", pa.bool_(), False, "true when `brand` is a competitor"),
    ("brands", pa.list_(pa.string()), False, "every tracked brand mentioned"),
    ("matched_terms", pa.list_(pa.string()), False, "the configured terms that matched"),
    ("author_hash", pa.string(), True, "keyed hash of the author handle (HMAC-SHA256, 16 hex chars)"),
    ("author_handle", pa.string(), True, "raw handle; null unless privacy.pseudonymize_authors is false"),
    ("thread_id", pa.string(), True, "conversation / submission id the mention belongs to"),
    ("parent_id", pa.string(), True, "id of the post this one replies to"),
    ("likes", pa.int64(), False, "likes / upvotes / reactions"),
    ("reposts", pa.int64(), False, "reposts / retweets / shares"),
    ("replies", pa.int64(), False, "reply / comment count"),
    ("views", pa.int64(), True, "impressions where the platform reports them"),
    ("lang", pa.string(), False, "ISO 639-1 language code, 'und' when undetermined"),
    ("lang_confidence", pa.float32(), False, "language-id confidence 0..1"),
    ("text", pa.string(), False, "the mention text as posted (attacker-controlled: escape it)"),
    ("sentiment", pa.string(), True, "positive | neutral | negative; null when the text could not be scored"),
    ("sentiment_score", pa.float32(), True, "P(positive) - P(negative), in [-1, 1]"),
    ("sentiment_confidence", pa.float32(), True, "probability of the predicted class"),
    ("sentiment_probs", PROBS_TYPE, True, "calibrated class probabilities"),
    ("aspects", pa.list_(pa.string()), False, "CX aspects the mention talks about (delivery, price, ...)"),
    ("is_pain_point", pa.bool_(), False, "negative and about at least one aspect"),
    ("topic", pa.string(), True, "topic label from the topic model; null until one is assigned"),
    ("model_version", pa.string(), False, "scorer that produced the NLP columns"),
    ("run_id", pa.string(), False, "the run that wrote the row"),
    ("schema_version", pa.int16(), False, "version of this contract the row was written with"),
    ("extras", pa.map_(pa.string(), pa.string()), True,
     "declared extra columns of a file import (rating, branch, ...), values as text; null elsewhere"),
    ("rating", pa.int8(), True,
     "star rating 1..5 of a review (app stores, a file import's rating column); null where the source has none"),
)

MENTION_SCHEMA = pa.schema(
    [pa.field(name, typ, nullable=nullable, metadata={"description": doc}) for name, typ, nullable, doc in
     MENTION_FIELDS],
    metadata={"voxpop.schema_version": str(SCHEMA_VERSION)},
)

def embedding_schema(dim: int | None = None) -> pa.Schema:
    """Schema of the embeddings table: one sentence vector per mention (``dim``: the encoder's size, if known).

    Delta Lake has neither half floats nor fixed-size lists, so a vector is a ``list<float32>`` whose values
    are rounded to float16 precision: far below the encoder's own noise, and zstd then stores the zeroed low
    mantissa bits in about the bytes float16 took. Vectors of every size share the table.
    """
    size = f", {dim} values" if dim else ""
    return pa.schema(
        [
            pa.field("mention_id", pa.string(), nullable=False, metadata={"description": "key into mentions"}),
            pa.field("encoder", pa.string(), nullable=False, metadata={"description": "encoder that made it"}),
            pa.field("vector", pa.list_(pa.float32()), nullable=False,
                     metadata={"description": f"L2-normalised sentence embedding{size}, float16 precision"}),
        ],
        metadata={"voxpop.schema_version": str(SCHEMA_VERSION)},
    )


QUARANTINE_SCHEMA = pa.schema(
    [
        pa.field("quarantined_at", _TS, nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False, metadata={"description": "why, for a human"}),
        pa.field("record", pa.string(), nullable=False, metadata={"description": "the raw record as JSON"}),
        # Grown later (nullable; older files lack them and read as null with union_by_name):
        pa.field("reason_code", pa.string(), nullable=True,
                 metadata={"description": "short stable code to group by, e.g. bad_timestamp (REASON_CODES)"}),
        pa.field("location", pa.string(), nullable=True,
                 metadata={"description": "where the record came from: file:line, or the post/page id"}),
    ],
    metadata={"voxpop.schema_version": str(SCHEMA_VERSION)},
)

# Human corrections of mentions: append-only, never rewritten; the newest correction of a field wins.
CORRECTION_KEY = "corrected_date"  # the UTC day the correction was made
CORRECTION_FIELDS = ("sentiment", "aspect", "irrelevant", "exclude")
CORRECTION_SCHEMA = pa.schema(
    [
        pa.field("correction_id", pa.string(), nullable=False, metadata={"description": "unique id of the correction"}),
        pa.field("mention_id", pa.string(), nullable=False, metadata={"description": "the corrected mention"}),
        pa.field("brand", pa.string(), nullable=False, metadata={"description": "the mention's brand when corrected"}),
        pa.field("field", pa.string(), nullable=False,
                 metadata={"description": "sentiment | aspect | irrelevant | exclude (an accepted exclude term)"}),
        pa.field("aspect", pa.string(), nullable=True, metadata={"description": "the aspect (field = aspect)"}),
        pa.field("old_value", pa.string(), nullable=True,
                 metadata={"description": "value shown before: a sentiment label, present/absent, true/false"}),
        pa.field("new_value", pa.string(), nullable=False,
                 metadata={"description": "value set: a sentiment label, present/absent, true/false, the term"}),
        pa.field("author", pa.string(), nullable=False, metadata={"description": "who made the correction"}),
        pa.field("corrected_at", _TS, nullable=False, metadata={"description": "when, UTC"}),
        pa.field("note", pa.string(), nullable=True, metadata={"description": "optional free text"}),
    ],
    metadata={"voxpop.schema_version": str(SCHEMA_VERSION)},
)

# Keys of a quarantined raw record that name the record itself: when a mention with that url, native id
# or mention id is stored later by the same source, the quarantine entry is stale and is removed.
IDENTITY_URL_KEYS = ("url", "link", "permalink")
IDENTITY_ID_KEYS = ("id", "native_id", "post_id", "tweet_id", "comment_id", "review_id", "ticket_id", "uid")

_REQUIRED = [name for name, _, nullable, _ in MENTION_FIELDS if not nullable and name != "schema_version"]
_MENTION_ID = re.compile(r"^[a-z0-9_]+:.+$")
# A post dated after it was collected is a broken clock or a forged record; a day of skew is tolerated.
MAX_CLOCK_SKEW = timedelta(days=1)


def validate_record(rec: Mapping[str, Any]) -> str | None:
    """Return why ``rec`` breaks the contract, or None when it is fine."""
    missing = [k for k in _REQUIRED if rec.get(k) is None]
    if missing:
        return f"missing required field(s): {', '.join(missing)}"
    problems = []
    if not _MENTION_ID.match(str(rec["mention_id"])) or rec["mention_id"] != f"{rec['platform']}:{rec['native_id']}":
        problems.append("mention_id must be '<platform>:<native_id>'")
    for key in ("created_at", "collected_at"):
        ts = rec[key]
        if not isinstance(ts, datetime) or ts.tzinfo is None:
            problems.append(f"{key} must be a timezone-aware datetime")
    if not str(rec["text"]).strip():
        problems.append("text is empty")
    sentiment = rec.get("sentiment")
    if sentiment is not None and sentiment not in SENTIMENTS:
        problems.append(f"sentiment must be one of {SENTIMENTS}, not {sentiment!r}")
    probs = rec.get("sentiment_probs")
    if probs is not None:
        values = [probs.get(k) for k in SENTIMENTS]
        if any(v is None or not math.isfinite(v) or v < 0 for v in values) or abs(sum(values) - 1) > 1e-3:
            problems.append("sentiment_probs must be three finite probabilities summing to 1")
    rating = rec.get("rating")
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5):
        problems.append(f"rating must be 1 to 5 stars, not {str(rating)[:20]!r}")
    problems += count_problems(rec)
    created, collected = rec["created_at"], rec["collected_at"]
    if isinstance(created, datetime) and isinstance(collected, datetime) and created.tzinfo and collected.tzinfo \
            and created > collected + MAX_CLOCK_SKEW:
        problems.append(f"created_at {created.isoformat()} is in the future (collected {collected.isoformat()})")
    return "; ".join(problems) or None


def count_problems(rec: Mapping[str, Any]) -> list[str]:
    """What is wrong with the engagement counts of ``rec`` (absent counts are fine)."""
    return [f"{key} must be an integer from 0 to 2**63-1" for key in COUNT_COLUMNS
            if rec.get(key) is not None and not _count_ok(rec[key])]


def _count_ok(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63


def to_table(records: Iterable[Mapping[str, Any]]) -> pa.Table:
    """Build an Arrow table in the contract's column order (records must already be valid)."""
    rows = list(records)
    columns = {name: [r.get(name) for r in rows] for name, *_ in MENTION_FIELDS}
    columns["created_at"] = [_utc(t) for t in columns["created_at"]]
    columns["collected_at"] = [_utc(t) for t in columns["collected_at"]]
    columns["schema_version"] = [SCHEMA_VERSION] * len(rows)
    return pa.Table.from_pydict(columns, schema=MENTION_SCHEMA)


def empty_table() -> pa.Table:
    """A zero-row table with the contract's schema (for views over an empty dataset)."""
    return MENTION_SCHEMA.empty_table()


def _utc(ts: datetime) -> datetime:
    return ts.astimezone(UTC)

# The alert log (docs/alerts.md): one row per decision about an alert event and, for deliveries, per channel.
ALERT_STATUSES = ("sent", "failed", "held", "suppressed")
ALERT_SCHEMA = pa.schema(
    [
        pa.field("recorded_at", _TS, nullable=False),
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("alert_id", pa.string(), nullable=False,
                 metadata={"description": "episode_key + event: what a re-run checks before sending again"}),
        pa.field("episode_key", pa.string(), nullable=False, metadata={"description": "rule|brand|subject|start"}),
        pa.field("event", pa.string(), nullable=False, metadata={"description": "open or end"}),
        pa.field("rule", pa.string(), nullable=False),
        pa.field("rule_type", pa.string(), nullable=False),
        pa.field("brand", pa.string(), nullable=False),
        pa.field("subject", pa.string(), nullable=False, metadata={"description": "series, aspect, topic or id"}),
        pa.field("episode_start", pa.date32(), nullable=False),
        pa.field("as_of", pa.date32(), nullable=False, metadata={"description": "last day of data evaluated"}),
        pa.field("status", pa.string(), nullable=False, metadata={"description": "sent, failed, held, suppressed"}),
        pa.field("channel", pa.string(), nullable=True, metadata={"description": "channel name (deliveries)"}),
        pa.field("attempts", pa.int32(), nullable=False),
        pa.field("reason", pa.string(), nullable=True,
                 metadata={"description": "why held or suppressed, or the delivery error (secrets scrubbed)"}),
        pa.field("due_at", _TS, nullable=True, metadata={"description": "held: when quiet hours end"}),
        pa.field("title", pa.string(), nullable=False, metadata={"description": "the alert's headline (English)"}),
        pa.field("value", pa.float64(), nullable=True, metadata={"description": "the figure that fired"}),
        pa.field("baseline", pa.float64(), nullable=True, metadata={"description": "what it was compared with"}),
    ],
    metadata={"voxpop.schema_version": str(SCHEMA_VERSION)},
)
