"""The sentiment head's dense part and character n-grams, fitted with sklearn and exported as ``nlp.sentiment.Head``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from nlp.sentiment import CharNgrams, Head, softmax
from nlp.training.data import Dataset
from nlp.training.evaluation import macro_f1_by_lang

NGRAM_PRUNE = 5e-3  # n-gram columns whose largest |weight| is below this are dropped (smaller file, same output)
NGRAM_WEIGHTS = (0.5, 1.0, 1.5, 2.0)
MLP_MIN_EXAMPLES = 2000  # below this an MLP overfits; logistic regression only


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


Score = Callable[[np.ndarray], float]  # validation logits -> selection score (higher is better)
Candidate = tuple[str, LogisticRegression | MLPClassifier]


def by_language(val: Dataset) -> Score:
    """The default selection score: mean over languages of macro-F1 on ``val``."""
    return lambda logits: macro_f1_by_lang(val, logits.argmax(1))["avg"]


def default_candidates(n_train: int) -> list[Candidate]:
    """Logistic regression at three strengths, plus two MLPs when there is enough data for them."""
    candidates: list[Candidate] = [
        (f"logreg C={c}", LogisticRegression(C=c, max_iter=3000, class_weight="balanced")) for c in (0.003, 0.01, 0.03)
    ]
    if n_train >= MLP_MIN_EXAMPLES:
        candidates += [
            (f"mlp {h} alpha={a}", MLPClassifier(hidden_layer_sizes=(h,), alpha=a, max_iter=300,
                                                 early_stopping=True, random_state=0))
            for h in (256,) for a in (1.0, 3.0)
        ]
    return candidates


def train_head(
    train_x: np.ndarray, train: Dataset, val_x: np.ndarray, val: Dataset, sample_weight: np.ndarray | None = None,
    *, score: Score | None = None, candidates: Sequence[Candidate] | None = None, ngrams: bool = True,
    log: Callable[[str], None] = print,
) -> tuple[Head, str, float]:
    """Try a few heads on standardised features, keep the best by ``score`` on validation, calibrate it.

    Multi-layer features have very different scales per layer; standardising makes one regularisation
    strength fit all of them. The scaler is folded into the head's first layer afterwards.
    """
    score_of = score or by_language(val)
    mean = train_x.mean(axis=0)
    scale = train_x.std(axis=0) + 1e-6
    tx, vx = (train_x - mean) / scale, (val_x - mean) / scale
    best: tuple[float, str, LogisticRegression | MLPClassifier] | None = None
    y = train.y()
    for name, model in candidates or default_candidates(len(train.texts)):
        model.fit(tx, y, sample_weight=sample_weight)
        value = score_of(np.log(model.predict_proba(vx) + 1e-12))
        log(f"  {name:<24} validation score {value:5.1f}")
        if best is None or value > best[0]:
            best = (value, name, model)
    if best is None:  # pragma: no cover - candidates is never empty
        msg = "no head candidates"
        raise RuntimeError(msg)
    score, name, model = best
    weights, biases = fold_standardisation(*head_from_sklearn(model), mean, scale)
    head = Head(weights, biases, 1.0, {})
    if ngrams:
        head.ngrams, ngram_score = train_ngrams(head, train, val_x, val, sample_weight, score=score_of, log=log)
        if head.ngrams is not None:
            name, score = f"{name} + char n-grams x{head.ngrams.weight}", ngram_score
    head.temperature = fit_temperature(head.logits(val_x, val.texts), val.y())
    return head, name, score


def train_ngrams(
    head: Head, train: Dataset, val_x: np.ndarray, val: Dataset, sample_weight: np.ndarray | None,
    *, score: Score | None = None, log: Callable[[str], None] = print,
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
    score_of = score or by_language(val)
    dense = head.logits(val_x)
    lexical = ngrams.logits(val.texts)
    best = (score_of(dense), 0.0)
    for weight in NGRAM_WEIGHTS:
        value = score_of(dense + weight * lexical)
        log(f"  + char n-grams x{weight:<5}     validation score {value:5.1f}")
        best = max(best, (value, weight))
    if best[1] == 0.0:
        return None, best[0]
    ngrams.weight = best[1]
    log(f"  char n-grams: {len(keep):,} hashed columns kept of {ngrams.n_features:,}")
    return ngrams, best[0]
