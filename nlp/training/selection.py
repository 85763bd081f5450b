"""What a model is chosen by: macro-F1 on the real dev splits per language plus UMSAB val, never own examples.

A validation set here is a concatenation of named parts (one per shared file, one per UMSAB language). A
part counts in a group (tr, ru, en, umsab); the objective is the mean over groups of the mean over their
parts, so a language with three files weighs as much as one with one. Binary parts (positive/negative only)
are scored on the two classes: the prediction is the larger of the negative and positive logits.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import f1_score

from nlp.sentiment import softmax
from nlp.training.data import Dataset

NEG, NEU, POS = 0, 1, 2
ECE_BINS = 10


@dataclass(frozen=True)
class Part:
    """Rows ``start:stop`` of a validation set: one source's split."""

    name: str
    group: str | None  # None: reported, not selected on
    start: int
    stop: int
    binary: bool = False


def predict(logits: np.ndarray, binary: bool) -> np.ndarray:
    """Class indices; a binary part never predicts neutral."""
    if not binary:
        return logits.argmax(1)
    return np.where(logits[:, POS] >= logits[:, NEG], POS, NEG)


def macro_f1(y: np.ndarray, logits: np.ndarray, binary: bool = False) -> float:
    """Macro-F1 x100 over the part's classes (two for a binary part, three otherwise)."""
    labels = [NEG, POS] if binary else [NEG, NEU, POS]
    return 100 * float(f1_score(y, predict(logits, binary), average="macro", labels=labels, zero_division=0))


@dataclass
class Objective:
    """A validation set of named parts and the score a model is selected by."""

    data: Dataset = field(default_factory=lambda: Dataset([], [], []))
    parts: list[Part] = field(default_factory=list)

    def add(self, name: str, data: Dataset, group: str | None, *, binary: bool = False) -> None:
        """Append one part."""
        start = len(self.data.texts)
        self.data = self.data + data
        self.parts.append(Part(name, group, start, start + len(data.texts), binary))

    def scores(self, logits: np.ndarray) -> dict[str, float]:
        """Macro-F1 per part."""
        y = self.data.y()
        return {p.name: macro_f1(y[p.start : p.stop], logits[p.start : p.stop], p.binary) for p in self.parts}

    def groups(self, logits: np.ndarray) -> dict[str, float]:
        """Mean macro-F1 per group, and the objective under ``objective``."""
        per = self.scores(logits)
        groups: dict[str, list[float]] = {}
        for p in self.parts:
            if p.group is not None:
                groups.setdefault(p.group, []).append(per[p.name])
        means = {g: float(np.mean(v)) for g, v in groups.items()}
        means["objective"] = float(np.mean(list(means.values()))) if means else 0.0
        return means

    def __call__(self, logits: np.ndarray) -> float:
        """The selection objective (higher is better)."""
        return self.groups(logits)["objective"]


def expected_calibration_error(probs: np.ndarray, y: np.ndarray, bins: int = ECE_BINS) -> float:
    """ECE x100: mean |accuracy - confidence| over equal-width confidence bins, weighted by their size."""
    table = reliability(probs, y, bins)
    n = max(1, len(y))
    return 100 * sum(row["n"] * abs(row["accuracy"] - row["confidence"]) for row in table) / n


def reliability(probs: np.ndarray, y: np.ndarray, bins: int = ECE_BINS) -> list[dict[str, float]]:
    """Per confidence bin (non-empty ones): its range, size, mean confidence and accuracy of the top label."""
    conf, pred = probs.max(1), probs.argmax(1)
    edges = np.linspace(1 / 3, 1.0, bins + 1)  # three classes: the top probability is at least 1/3
    rows = []
    for lo, hi in itertools.pairwise(edges):
        mask = (conf >= lo) & ((conf < hi) | (hi == edges[-1]))
        if mask.any():
            rows.append({"low": float(lo), "high": float(hi), "n": int(mask.sum()),
                         "confidence": float(conf[mask].mean()), "accuracy": float((pred[mask] == y[mask]).mean())})
    return rows


def calibration_by_group(objective: Objective, logits: np.ndarray, temperature: float,
                         three_class_only: bool = True) -> dict[str, float]:
    """ECE x100 per group (three-class parts only by default: a binary set has no neutral to be confident in)."""
    probs = softmax(logits, temperature)
    y = objective.data.y()
    out: dict[str, float] = {}
    groups: dict[str, list[int]] = {}
    for p in objective.parts:
        if p.group is None or (three_class_only and p.binary):
            continue
        groups.setdefault(p.group, []).extend(range(p.start, p.stop))
    for group, rows in groups.items():
        out[group] = expected_calibration_error(probs[rows], y[rows])
    return out


def rows_of(objective: Objective, names: Sequence[str]) -> list[int]:
    """Row indices of the named parts."""
    wanted = set(names)
    return [i for p in objective.parts if p.name in wanted for i in range(p.start, p.stop)]
