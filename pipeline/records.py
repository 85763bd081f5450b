"""Storage rows from normalised records: dedupe on platform + native id, then the scorer's columns added."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.types import Rejected
from nlp import Scorer
from storage import MentionStore

Record = dict[str, Any]
SCORING_FAILED = "scoring_failed"


@dataclass
class ScoredPage:
    """A page's rows with the NLP columns, and the embeddings the scorer made for them."""

    rows: list[Record] = field(default_factory=list)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # mention_id -> sentence vector
    encoder: str = "unknown"  # the encoder that made ``vectors``
    failed: list[Rejected] = field(default_factory=list)  # rows the scorer could not score, for the quarantine


def score_records(records: list[Record], scorer: Scorer,
                  on_progress: Callable[[int], None] | None = None) -> ScoredPage:
    """Add the NLP columns and ``model_version`` to each record (a pure transform, nothing is stored).

    When scoring the batch fails, each row is scored alone: the rows that still fail are returned in
    ``failed`` (reason code ``scoring_failed``) for the quarantine, and the rest of the page goes on.
    """
    failed: list[Rejected] = []
    try:
        scores = scorer.score([r["text"] for r in records], on_progress=on_progress)
    except Exception:  # noqa: BLE001 - any model failure: find the rows that cause it, keep the others
        kept, scores = [], []
        for rec in records:
            try:
                scores += scorer.score([rec["text"]])
                kept.append(rec)
            except Exception as exc:  # noqa: BLE001 - this row is quarantined with the error, never the page
                failed.append(Rejected(source=str(rec.get("source") or ""), record=rec, code=SCORING_FAILED,
                                       reason=f"scoring failed: {type(exc).__name__}: {str(exc)[:300]}"))
        records = kept
        if on_progress is not None:
            on_progress(len(records) + len(failed))
    rows = [{**rec, **s.columns(), "model_version": scorer.model_version} for rec, s in
            zip(records, scores, strict=True)]
    vectors = {rec["mention_id"]: s.embedding for rec, s in zip(records, scores, strict=True)
               if s.embedding is not None}
    encoder = scorer.encoder.name if vectors and scorer.encoder is not None else "unknown"
    return ScoredPage(rows, vectors, encoder, failed)


def chunks(records: Sequence[Record], size: int) -> list[list[Record]]:
    """``records`` cut into consecutive parts of ``size`` (the scorer's batch size: the same batches as one call)."""
    return [list(records[i : i + size]) for i in range(0, len(records), max(1, size))]


def merge_pages(pages: Sequence[ScoredPage]) -> ScoredPage:
    """Scored parts of one page, in their order, as one page (what scoring it whole returns)."""
    out = ScoredPage()
    for page in pages:
        out.rows += page.rows
        out.vectors |= page.vectors
        out.failed += page.failed
        if page.vectors:
            out.encoder = page.encoder
    return out


class Deduper:
    """Dedupe of one source's run on ``mention_id`` (platform + native id), across its pages and past runs."""

    def __init__(self, store: MentionStore) -> None:
        self.store = store
        self.seen: set[str] = set()

    def __call__(self, records: Iterable[Record]) -> tuple[list[Record], list[Record]]:
        """Split rows into (new, already stored); rows already seen this run drop out.

        Stored rows are not rescored: the caller refreshes only their engagement counts.
        """
        fresh = []
        for rec in records:
            if rec["mention_id"] in self.seen:
                continue
            self.seen.add(rec["mention_id"])
            fresh.append(rec)
        known = self.store.known_ids((r["mention_id"], r["created_at"]) for r in fresh)
        return [r for r in fresh if r["mention_id"] not in known], [r for r in fresh if r["mention_id"] in known]
