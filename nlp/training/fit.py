"""Train a sentiment head: embed, fit the head and n-grams, optionally fine-tune the adapter, calibrate, score.

``train_sentiment`` is the one training function behind ``voxpop train``, ``python -m nlp.training`` and
``make train-head``; they differ only in the data they pass.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from core.errors import ModelError
from nlp.adapter import Adapter
from nlp.encoders import Encoder, LayeredEncoder, TorchE5Encoder, default_encoder
from nlp.sentiment import LABELS, Head
from nlp.training.cache import CACHE_DIR, embed_cached
from nlp.training.card import save
from nlp.training.data import Dataset
from nlp.training.evaluation import macro_f1_by_lang
from nlp.training.heads import fit_temperature, train_head
from nlp.training.lora import train_adapter

# Mean-pooled layers 8 and 10 beside the sentence embedding: +5 macro-F1 on the project's own held-out
# az/tr/hy/ru examples over the last layer alone (docs/benchmarks.md, "Sentiment head").
DEFAULT_LAYERS = (8, 10, -1)


@dataclass(frozen=True)
class AdapterOptions:
    """How to fine-tune the LoRA adapter (nlp.adapter, trained by nlp.training.lora) beside the head."""

    layers: int = 6
    rank: int = 8
    epochs: float = 2.5
    lr: float = 5e-4


ADAPTER_MIXES = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)  # 0: an adapter that does not help is dropped
MIX_NGRAM_WEIGHTS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)


def attach_adapter(
    head: Head, encoder: Encoder, train: Dataset, val: Dataset, val_x: np.ndarray, *, repeats: Sequence[int],
    options: AdapterOptions, score: Callable[[np.ndarray], float] | None = None, log: Callable[[str], None] = print,
) -> np.ndarray:
    """Fine-tune an adapter, then choose its logit weight and the n-grams' jointly on validation.

    Returns the validation features the head now reads (``val_x`` plus the adapter's blocks, unless the
    adapter did not help and was dropped). The adapter is scored through the inference path (merged float16
    deltas), so the figures are the shipped model's.
    """
    score_of = score or (lambda lg: macro_f1_by_lang(val, lg.argmax(1))["avg"])
    if not isinstance(encoder, TorchE5Encoder):
        raise ModelError(f"an adapter fine-tunes the PyTorch encoder, and {encoder.name} is another runtime: "
                         "train with the default encoder, or without the adapter")
    adapter, _ = train_adapter(encoder.model, train, val, repeats, layers_trained=options.layers, rank=options.rank,
                               epochs=options.epochs, lr=options.lr,
                               score=lambda _d, lg: score_of(lg), log=log)
    extra = adapter_features(encoder, val.texts, adapter)
    # Each part's logits once; the grid only re-weights them.
    dense = Head(head.weights, head.biases, 1.0, {}).logits(val_x)
    lexical = head.ngrams.logits(val.texts) / head.ngrams.weight if head.ngrams is not None else np.zeros_like(dense)
    adapter.mix = 1.0
    tuned = adapter.logits(*np.split(extra, 2, axis=1))
    ngram_weights = MIX_NGRAM_WEIGHTS if head.ngrams is not None else (0.0,)
    best: tuple[float, float, float] | None = None
    for mix, weight in itertools.product(ADAPTER_MIXES, ngram_weights):
        value = score_of(dense + weight * lexical + mix * tuned)
        if best is None or value > best[0]:
            best = (value, mix, weight)
    assert best is not None  # noqa: S101 - the grid is never empty
    value, adapter.mix, weight = best
    log(f"  adapter x{adapter.mix} + char n-grams x{weight}: validation score {value:.1f}")
    if head.ngrams is not None:
        head.ngrams.weight = weight
        if weight == 0.0:
            head.ngrams = None  # no use computing what is weighted zero
    if adapter.mix == 0.0:
        log("  the adapter did not help on validation: dropped")
        return val_x
    head.adapter = adapter
    return np.concatenate([val_x, extra], axis=1)


def describe(name: str, head: Head, options: AdapterOptions) -> str:
    """The head's name once the adapter's mix has re-chosen the n-gram weight."""
    name = name.split(" + char n-grams", maxsplit=1)[0]
    if head.ngrams is not None:
        name += f" + char n-grams x{head.ngrams.weight}"
    if head.adapter is not None:
        name += f" + LoRA adapter (rank {options.rank}, top {options.layers} layers) x{head.adapter.mix}"
    return name


def adapter_features(encoder: Encoder, texts: Sequence[str], adapter: Adapter) -> np.ndarray:
    """The adapter's two blocks (state entering its branch, branch output), as HeadSentiment builds them."""
    if not isinstance(encoder, LayeredEncoder):
        raise ModelError(f"the {encoder.name} runtime cannot run an adapter; use the default encoder")
    return encoder.encode_layers(texts, (adapter.start,), adapter=adapter).reshape(len(texts), -1)


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
        name = describe(name, head, adapter)
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


def train_sentiment(
    train: Dataset,
    val: Dataset,
    *,
    out: Path,
    data_notes: str,
    test: Dataset | None = None,
    encoder: Encoder | None = None,
    cache: Path | None = CACHE_DIR,
    weight_langs: Sequence[str] = (),
    own_weight: float = 2.0,
    adapter: AdapterOptions | None = None,
    log: Callable[[str], None] = print,
) -> tuple[Head, Path]:
    """Train a head with ``fit`` (default encoder unless given), write it and its card into ``out``.

    Returns the head and the path of its ``.npz``.
    """
    head = fit(train, val, test, encoder=encoder or default_encoder(), cache=cache, data_notes=data_notes,
               weight_langs=weight_langs, own_weight=own_weight, adapter=adapter, log=log)
    return head, save(head, out)
