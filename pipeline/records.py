"""Storage rows from normalised records: dedupe on platform + native id, then the scorer's columns added."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nlp import Scorer
from storage import MentionStore

Record = dict[str, Any]


@dataclass
class ScoredPage:
    """A page's rows with the NLP columns, and the embeddings the scorer made for them."""

    rows: list[Record] = field(default_factory=list)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)  # mention_id -> sentence vector
    encoder: str = "unknown"  # the encoder that made ``vectors``


def score_records(records: list[Record], scorer: Scorer,
                  on_progress: Callable[[int], None] | None = None) -> ScoredPage:
    """Add the NLP columns and ``model_version`` to each record (a pure transform, nothing is stored)."""
    scores = scorer.score([r["text"] for r in records], on_progress=on_progress)
    rows = [{**rec, **s.columns(), "model_version": scorer.model_version} for rec, s in
            zip(records, scores, strict=True)]
    vectors = {rec["mention_id"]: s.embedding for rec, s in zip(records, scores, strict=True)
               if s.embedding is not None}
    encoder = scorer.encoder.name if vectors and scorer.encoder is not None else "unknown"
    return ScoredPage(rows, vectors, encoder)


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
