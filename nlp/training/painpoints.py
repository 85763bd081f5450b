"""Aspect tagging and pain points measured on real posts hand-labelled by the project.

The labels (``nlp/data/aspects/real/<lang>.jsonl``) name each post by its shared file and a hash of its
text, never the text: the text is read from ``../shared/data/sentiment`` here. Each label row has a
``half``: ``dev`` rows are the ones the taxonomy terms may be tuned on, ``test`` rows are only reported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import SourceError
from nlp.training.real import SHARED_SENTIMENT, text_hash

REAL_ASPECTS = Path(__file__).parents[1] / "data" / "aspects" / "real"


@dataclass(frozen=True)
class Labelled:
    """One hand-labelled real post."""

    lang: str
    file: str
    text: str
    aspects: frozenset[str]
    pain_point: bool
    half: str


def load_real_aspects(root: Path = SHARED_SENTIMENT, half: str | None = None,
                      labels: Path = REAL_ASPECTS) -> list[Labelled]:
    """The labelled posts with their text looked up in the shared files by hash."""
    items: list[Labelled] = []
    texts: dict[str, dict[str, str]] = {}
    for path in sorted(labels.glob("*.jsonl")):
        lang = path.stem
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if half is not None and row["half"] != half:
                continue
            if row["file"] not in texts:
                source = root / row["file"]
                if not source.exists():
                    raise SourceError(f"{source} not found: the aspect labels read their texts from the shared data")
                texts[row["file"]] = {
                    text_hash(t): t for t in (ln.partition("\t")[2] for ln in source.read_text("utf-8").splitlines())
                }
            text = texts[row["file"]].get(row["sha256"])
            if text is None:
                raise SourceError(f"{path.name}: no text with hash {row['sha256']} in {row['file']}")
            items.append(Labelled(lang, row["file"], text, frozenset(row["aspects"]), bool(row["pain_point"]),
                                  row["half"]))
    return items


def labelled_hashes(labels: Path = REAL_ASPECTS) -> set[str]:
    """Text hashes of every hand-labelled post (they stay out of sentiment training)."""
    return {json.loads(line)["sha256"] for path in sorted(labels.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()}


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 (0 when undefined) and the counts."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def score_aspects(items: Sequence[Labelled], predicted: Sequence[Sequence[str]],
                  negative: Sequence[bool]) -> dict[str, dict[str, object]]:
    """Per language: micro P/R/F1 of aspects, per aspect P/R/F1, and ``is_pain_point`` P/R/F1.

    A predicted pain point is what the scorer stores: negative sentiment and at least one aspect.
    """
    out: dict[str, dict[str, object]] = {}
    for lang in sorted({i.lang for i in items}):
        idx = [k for k, i in enumerate(items) if i.lang == lang]
        counts: dict[str, list[int]] = {}
        tp = fp = fn = 0
        pain = [0, 0, 0]
        for k in idx:
            gold, pred = items[k].aspects, set(predicted[k])
            for a in gold | pred:
                c = counts.setdefault(a, [0, 0, 0])
                c[0 if a in gold and a in pred else 1 if a in pred else 2] += 1
            tp, fp, fn = tp + len(gold & pred), fp + len(pred - gold), fn + len(gold - pred)
            said, truth = negative[k] and bool(pred), items[k].pain_point
            if said or truth:
                pain[0 if said and truth else 1 if said else 2] += 1
        out[lang] = {"posts": len(idx), "micro": prf(tp, fp, fn), "pain_point": prf(*pain),
                     "aspects": {a: prf(*c) for a, c in sorted(counts.items())}}
    return out


def evaluate_pain_points(tag: Callable[[str], list[str]], negative_of: Callable[[list[str]], np.ndarray],
                         items: Sequence[Labelled]) -> dict[str, dict[str, object]]:
    """Tag and score every labelled post (``negative_of`` says which texts the sentiment model calls negative)."""
    texts = [i.text for i in items]
    return score_aspects(items, [tag(t) for t in texts], list(negative_of(texts)))
