"""Labelled data loading and sentiment evaluation for ``voxpop eval`` and ``voxpop train``.

Two layouts are understood, alone or mixed in one folder:

- TSV files ``label<TAB>text``; the language is the file name's first dot-separated part
  (``az.test.tsv`` → az) and the split is any later part (``az.test.tsv`` → test).
- UMSAB-style folders ``<language>/{split}_text.txt`` + ``{split}_labels.txt`` (labels 0/1/2).

Labels may be written negative/neutral/positive, neg/neu/pos or 0/1/2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix

from core.errors import SourceError
from nlp.sentiment import LABELS, SentimentModel
from nlp.training import Dataset, load_tsv, load_umsab, macro_f1_by_lang


def load_labelled(path: str | Path, split: str | None = None) -> Dataset:
    """Everything labelled under ``path`` (a TSV file or a folder), optionally only one ``split``."""
    path = Path(path)
    if path.is_file():
        return load_tsv([path])
    if not path.is_dir():
        raise SourceError(f"{path} does not exist; give a TSV file or a folder of TSV files / UMSAB folders")
    data = Dataset([], [], [])
    for tsv in sorted(path.glob("*.tsv")):
        parts = tsv.name.lower().split(".")[1:-1]
        if split is None or split in parts:
            data = data + load_tsv([tsv])
    umsab_split = split or next(
        (s for s in ("test", "val") if any(path.glob(f"*/{s}_text.txt"))), None
    )
    if umsab_split is not None and any(path.glob(f"*/{umsab_split}_text.txt")):
        data = data + load_umsab(path, umsab_split)
    if not data.texts:
        which = f" for split '{split}'" if split else ""
        raise SourceError(f"no labelled examples found under {path}{which}; expected *.tsv files "
                          "(label<TAB>text) or <language>/<split>_text.txt + <split>_labels.txt")
    return data


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


def split_holdout(data: Dataset, fraction: float = 0.2, seed: int = 0) -> tuple[Dataset, Dataset]:
    """Deterministic stratified split (per language and label) when no validation set is given."""
    rng = np.random.default_rng(seed)
    keep: list[int] = []
    hold: list[int] = []
    groups: dict[tuple[str, str], list[int]] = {}
    for i, key in enumerate(zip(data.langs, data.labels, strict=True)):
        groups.setdefault(key, []).append(i)
    for idx in groups.values():
        order = rng.permutation(idx).tolist()
        cut = max(1, round(len(order) * fraction)) if len(order) > 1 else 0
        hold += order[:cut]
        keep += order[cut:]

    def take(ids: list[int]) -> Dataset:
        ids = sorted(ids)
        return Dataset([data.texts[i] for i in ids], [data.labels[i] for i in ids], [data.langs[i] for i in ids])

    return take(keep), take(hold)


__all__ = ["Evaluation", "evaluate", "load_labelled", "split_holdout"]
