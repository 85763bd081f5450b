"""The learned aspect head: one-vs-rest logistic regression over sentence embeddings, and its training.

Not shipped: on held-out posts it scored below the taxonomy's terms (docs/benchmarks.md), so inference tags
with the terms alone. ``python -m nlp.training --aspects --out DIR`` trains one for experiments, and
``AspectTagger(head=...)`` adds its confident tags to the terms' (it is how the held-out scores are measured).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from nlp.aspects import AspectTagger, Taxonomy
from nlp.encoders import Encoder

ASPECT_DATA = Path(__file__).parents[1] / "data" / "aspects"
ASPECT_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
ASPECT_C = (0.5, 2.0, 8.0)


@dataclass
class AspectHead:
    """One-vs-rest logistic regression over the sentence embedding, trained on labelled posts.

    The terms miss complaints that avoid every keyword ("staring at the door for a week"); the head reads
    meaning instead. Only tags with probability >= ``threshold`` (chosen by cross-validation for the
    micro-F1 of terms + head together) are added, so precision stays that of the terms.
    """

    names: tuple[str, ...]
    weights: np.ndarray  # (dim, len(names))
    bias: np.ndarray  # (len(names),)
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """P(aspect | text) per aspect, shape (n, len(names))."""
        z = np.asarray(vectors, dtype=np.float32) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def predict(self, vectors: np.ndarray) -> list[list[str]]:
        """Aspects at or above the threshold, per text."""
        hits = self.probabilities(vectors) >= self.threshold
        return [[self.names[k] for k in np.flatnonzero(row)] for row in hits]

    @property
    def digest(self) -> str:
        """Short content hash, part of ``model_version``."""
        h = hashlib.sha256(np.ascontiguousarray(self.weights, dtype=np.float32).tobytes())
        h.update(np.ascontiguousarray(self.bias, dtype=np.float32).tobytes())
        h.update(f"{self.threshold}{self.names}".encode())
        return h.hexdigest()[:8]

    def save(self, path: str | Path) -> None:
        """One ``.npz`` with the weights and a JSON metadata entry."""
        meta = {**self.meta, "names": list(self.names), "threshold": self.threshold}
        np.savez_compressed(path, meta=np.array(json.dumps(meta, sort_keys=True)),
                            weights=self.weights.astype(np.float32), bias=self.bias.astype(np.float32))

    @classmethod
    def load(cls, path: str | Path) -> AspectHead | None:
        """The head in ``path``, or None when there is none (terms alone then)."""
        path = Path(path)
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            return cls(tuple(meta["names"]), data["weights"], data["bias"], float(meta["threshold"]), meta)


def load_aspect_rows(paths: Sequence[Path]) -> list[tuple[str, list[str]]]:
    """``{"text": ..., "aspects": [...]}`` lines → (text, aspects)."""
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows.append((row["text"], list(row["aspects"])))
    return rows


def _micro_f1(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> float:
    tp = fp = fn = 0
    for g, p in zip(gold, pred, strict=True):
        tp, fp, fn = tp + len(set(g) & set(p)), fp + len(set(p) - set(g)), fn + len(set(g) - set(p))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _fit_aspect_head(x: np.ndarray, labels: list[list[str]], names: tuple[str, ...], c: float) -> AspectHead:
    weights, bias = np.zeros((x.shape[1], len(names)), np.float32), np.full(len(names), -30.0, np.float32)
    for k, name in enumerate(names):
        y = np.array([name in row for row in labels])
        if y.any() and not y.all():
            lr = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)
            weights[:, k], bias[k] = lr.coef_[0], lr.intercept_[0]
    return AspectHead(names, weights, bias, 0.5)


def train_aspect_head(
    encoder: Encoder, *, data_dir: Path = ASPECT_DATA, log: Callable[[str], None] = print,
) -> AspectHead:
    """Train the aspect head on ``*.train.jsonl`` plus the taxonomy's examples; score on ``*.test.jsonl``.

    C and the probability threshold are chosen by 5-fold cross-validation on the training rows for the
    micro-F1 of what the scorer outputs: the terms' tags plus the head's.
    """
    from sklearn.model_selection import KFold  # noqa: PLC0415 - training only

    taxonomy = Taxonomy.load()
    tagger = AspectTagger(taxonomy)
    names = taxonomy.names
    rows = load_aspect_rows(sorted(data_dir.glob("*.train.jsonl")))
    rows += [(text, [a.name]) for a in taxonomy for texts in a.examples.values() for text in texts]
    texts, labels = [t for t, _ in rows], [a for _, a in rows]
    x = encoder.encode(texts)
    terms = tagger.tag_many(texts)
    best: tuple[float, float, float] | None = None
    folds = list(KFold(5, shuffle=True, random_state=0).split(x))
    for c in ASPECT_C:
        probs = np.zeros((len(texts), len(names)))
        for train_idx, test_idx in folds:
            head = _fit_aspect_head(x[train_idx], [labels[i] for i in train_idx], names, c)
            probs[test_idx] = head.probabilities(x[test_idx])
        for threshold in ASPECT_THRESHOLDS:
            pred = [sorted(set(t) | {names[k] for k in np.flatnonzero(p >= threshold)})
                    for t, p in zip(terms, probs, strict=True)]
            score = _micro_f1(labels, pred)
            log(f"  aspects C={c:<4} threshold {threshold}: cross-validated micro-F1 {score:.3f}")
            if best is None or score > best[0]:
                best = (score, c, threshold)
    if best is None:  # pragma: no cover - the grids are not empty
        raise RuntimeError("no aspect head candidates")
    cv_score, c, threshold = best
    head = _fit_aspect_head(x, labels, names, c)
    head.threshold = threshold
    test: dict[str, dict[str, float]] = {}
    for path in sorted(data_dir.glob("*.test.jsonl")):
        held = load_aspect_rows([path])
        held_texts, gold = [t for t, _ in held], [a for _, a in held]
        with_head = AspectTagger(taxonomy, head).tag_many(held_texts, vectors=encoder.encode(held_texts))
        test[path.name.split(".")[0]] = {"terms": round(_micro_f1(gold, tagger.tag_many(held_texts)), 3),
                                         "terms+head": round(_micro_f1(gold, with_head), 3)}
    head.meta = {"encoder": encoder.name, "C": c, "train_rows": len(rows), "cv_micro_f1": round(cv_score, 3),
                 "test_micro_f1": test, "trained_at": datetime.now(UTC).strftime("%Y-%m-%d")}
    log(f"aspect head: C={c}, threshold {threshold}, cross-validated micro-F1 {cv_score:.3f}")
    for lang, scores in test.items():
        log(f"  held-out {lang}: terms {scores['terms']:.3f}, terms + head {scores['terms+head']:.3f}")
    return head
