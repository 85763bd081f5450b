"""Sentiment scores on labelled data: macro-F1 per language and confusion matrices (``voxpop eval``).

Training selects heads, n-gram weights and adapter checkpoints by the same per-language macro-F1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score

from nlp.sentiment import LABELS, SentimentModel
from nlp.training.data import Dataset
from nlp.training.real import SOURCES, real_splits
from nlp.training.selection import Objective


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


@dataclass
class Comparison:
    """Macro-F1 of two models on the same rows of every real source's split, per source and per language."""

    split: str
    models: tuple[str, str]
    parts: dict[str, tuple[float, float, int]]  # source -> (first model, second model, rows)
    groups: dict[str, tuple[float, float]]


def real_objective(root: Path, split: str = "test") -> Objective:
    """Every evaluated real source's ``split``, grouped per language as the selection objective groups it.

    Noisy and auxiliary sets are parts without a group (shown, not averaged); machine-translated
    training-only sets are never evaluated.
    """
    sources = [s for s in SOURCES if s.role != "train-only"]
    _, splits = real_splits(root, sources)
    objective = Objective()
    for s in sources:
        objective.add(s.name, splits.part(split)[s.name], s.lang if s.role == "eval" else None, binary=s.binary)
    return objective


def compare_on_real(
    predict: Callable[[list[str]], tuple[np.ndarray, np.ndarray]], names: tuple[str, str], objective: Objective,
    split: str, *, batch_size: int = 256, on_progress: Callable[[int], None] | None = None,
) -> Comparison:
    """Score two models (``predict`` returns both models' probabilities from one pass) on ``real_objective``."""
    first, second = [], []
    texts = objective.data.texts
    for start in range(0, len(texts), batch_size):
        a, b = predict(texts[start : start + batch_size])
        first.append(np.log(np.asarray(a) + 1e-12))
        second.append(np.log(np.asarray(b) + 1e-12))
        if on_progress is not None:
            on_progress(len(texts[start : start + batch_size]))
    la, lb = np.concatenate(first), np.concatenate(second)
    sa, sb = objective.scores(la), objective.scores(lb)
    ga, gb = objective.groups(la), objective.groups(lb)
    ga.pop("objective", None)
    parts = {p.name: (round(sa[p.name], 1), round(sb[p.name], 1), p.stop - p.start) for p in objective.parts}
    return Comparison(split, names, parts, {g: (round(ga[g], 1), round(gb[g], 1)) for g in ga})
