"""``voxpop train --corrections``: refit the shipped head's recipe with the mentions people corrected.

A head-only refit (no LoRA adapter: that is ``make train-head``, about an hour): the shipped recipe's
source weights and encoder layers (from the shipped head's meta), the usual training data, plus every
mention whose sentiment a person corrected in the explorer as a training row with the corrected label,
weighted ``CORRECTION_WEIGHT`` (human-checked posts from the user's own domain). The head type, n-gram
weight and temperature are chosen on the real dev splits as in the recipe.

Before and after are two refits on the same footing, both measured on the real dev splits: without the
corrections, then with them, so the difference is the corrections' own effect (the shipped head adds an
adapter neither refit has; its recorded dev figures are printed beside them for reference). Corrected
texts that also appear in a dev or test split are left out of training, so the figures stay honest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from nlp.encoders import Encoder
from nlp.sentiment import BASELINE_HEAD, DEFAULT_HEAD, LABELS, Head
from nlp.training.cache import embed_cached
from nlp.training.data import Dataset
from nlp.training.real import text_hash
from nlp.training.recipe import CACHED_LAYERS, Choice, figures, fit_shipped, gather, head_logits

CORRECTION_WEIGHT = 3.0
MIN_CORRECTIONS = 1


@dataclass
class CorrectionsResult:
    """The refit head and the dev figures before and after adding the corrections."""

    head: Head
    before: dict[str, float]  # dev group -> macro-F1, refit without corrections
    after: dict[str, float]  # dev group -> macro-F1, refit with corrections
    shipped: dict[str, float]  # the shipped head's recorded dev figures (with its adapter)
    used: int  # corrected mentions trained on
    skipped: int  # corrected mentions left out (they are in a dev or test split)


def corrected_dataset(rows: Sequence[tuple[str, str, str]]) -> Dataset:
    """(text, corrected sentiment, lang) rows as a training ``Dataset`` (unknown labels dropped)."""
    kept = [(t, s, lang) for t, s, lang in rows if s in LABELS and t and t.strip()]
    return Dataset([t for t, _, _ in kept], [s for _, s, _ in kept], [lang or "und" for _, _, lang in kept])


def retrain_with_corrections(corrected: Dataset, umsab: Path, real: Path, cache: Path | None, *,
                             encoder: Encoder | None = None, shipped: Head | None = None,
                             weight: float = CORRECTION_WEIGHT,
                             log: Callable[[str], None] = print) -> CorrectionsResult:
    """Refit the shipped recipe's head with and without ``corrected``; figures on the real dev splits.

    Raises:
        ValueError: when there is no corrected sentiment to train on.
    """
    if len(corrected.texts) < MIN_CORRECTIONS:
        msg = "no corrected sentiments in the store yet: correct some mentions in `voxpop serve` first"
        raise ValueError(msg)
    if encoder is None:
        from nlp.encoders import default_encoder  # noqa: PLC0415 - loads the bundled model

        encoder = default_encoder()
    shipped = shipped or Head.load(DEFAULT_HEAD)
    m = gather(encoder, umsab, real, cache, log=log)
    evaluated = {text_hash(m.corpus.data.texts[i]) for part in (m.dev, m.test) for idx in part.values() for i in idx}
    keep = [i for i, t in enumerate(corrected.texts) if text_hash(t) not in evaluated]
    skipped = len(corrected.texts) - len(keep)
    if not keep:
        msg = "every corrected mention is also in a dev or test split; nothing new to train on"
        raise ValueError(msg)
    data = Dataset([corrected.texts[i] for i in keep], [corrected.labels[i] for i in keep],
                   [corrected.langs[i] for i in keep])
    x = embed_cached(encoder, data.texts, None, layers=CACHED_LAYERS, log=log).reshape(len(data.texts), -1)
    start = len(m.corpus.data.texts)
    m.corpus.add("corrections", data, x)
    rows = np.arange(start, start + len(data.texts))
    weights = dict(shipped.meta.get("source_weights") or {}) or dict.fromkeys(m.train, 1.0)
    layers = tuple(shipped.layers)
    dim = encoder.dim

    log("refit without the corrections (before):")
    before_head = fit_shipped(m, Choice(weights, layers, float("nan")), dim, log=log)
    before = figures(m, head_logits(before_head, m, dim), before_head.temperature)
    m.train["corrections"] = rows
    log(f"refit with {len(rows)} corrected mentions x{weight} (after):")
    head = fit_shipped(m, Choice(weights | {"corrections": weight}, layers, float("nan")), dim, log=log)
    after = figures(m, head_logits(head, m, dim), head.temperature)
    baseline = Head.load(BASELINE_HEAD)
    head.meta |= {"encoder": encoder.name, "commercial_only": False, "corrections": len(rows),
                  "corrections_weight": weight, "trained_at": datetime.now(UTC).strftime("%Y-%m-%d"),
                  "train_sizes": {k: len(v) for k, v in m.train.items() if (weights | {"corrections": weight})
                                  .get(k, 1.0) > 0},
                  "figures": after, "baseline_figures": baseline.meta.get("figures") or before}
    recorded = (shipped.meta.get("figures") or {}).get("dev", {}).get("groups", {})
    return CorrectionsResult(head, dict(before["dev"]["groups"]), dict(after["dev"]["groups"]),  # type: ignore[index]
                             dict(recorded), len(rows), skipped)
