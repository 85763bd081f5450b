"""Sentiment scores on labelled data: macro-F1 per language and confusion matrices (``voxpop eval``).

Training selects heads, n-gram weights and adapter checkpoints by the same per-language macro-F1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score

from nlp.sentiment import LABELS, SentimentModel
from nlp.training.data import Dataset


def macro_f1_by_lang(data: Dataset, pred: np.ndarray) -> dict[str, float]:
    """Macro-F1 (x100) per language and the average over languages ('avg')."""
    y = data.y()
    langs = np.array(data.langs)
    scores = {
        lang: 100 * f1_score(y[langs == lang], pred[langs == lang], average="macro", labels=[0, 1, 2])
        for lang in sorted(set(data.langs))
    }
    scores["avg"] = float(np.mean(list(scores.values()))) if scores else 0.0
    return scores


@dataclass
class Evaluation:
    """Per-language macro-F1 (x100), confusion matrices (rows = gold, columns = predicted) and sizes."""

    macro_f1: dict[str, float]
    confusion: dict[str, list[list[int]]]
    sizes: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"labels": list(LABELS), "macro_f1": self.macro_f1, "confusion": self.confusion, "sizes": self.sizes}


def evaluate(model: SentimentModel, data: Dataset, *, batch_size: int = 256,
             on_progress: Callable[[int], None] | None = None) -> Evaluation:
    """Predict every example and score per language and overall ('all')."""
    preds = []
    for start in range(0, len(data.texts), batch_size):
        batch = data.texts[start : start + batch_size]
        preds.append(np.asarray(model.predict_proba(batch)).argmax(axis=1))
        if on_progress is not None:
            on_progress(len(batch))
    pred = np.concatenate(preds) if preds else np.zeros(0, dtype=int)
    y, langs = data.y(), np.array(data.langs)
    scores = {k: round(v, 1) for k, v in macro_f1_by_lang(data, pred).items()}
    confusion = {
        lang: confusion_matrix(y[langs == lang], pred[langs == lang], labels=[0, 1, 2]).tolist()
        for lang in sorted(set(data.langs))
    }
    confusion["all"] = confusion_matrix(y, pred, labels=[0, 1, 2]).tolist()
    sizes = {lang: int((langs == lang).sum()) for lang in sorted(set(data.langs))}
    return Evaluation(scores, confusion, sizes)
