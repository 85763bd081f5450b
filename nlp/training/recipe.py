"""The shipped head's recipe: real data in, choices made on the real dev splits, figures on the test splits.

Training data: UMSAB train, the train part of every shared file (``nlp.training.real``) with a weight per
source, and the project's own examples (what real data lacks: Azerbaijani, Latin-script az/hy, fees,
sarcasm). Chosen on the dev parts plus UMSAB val (``nlp.training.selection.Objective``): the source
weights, the encoder layers, the head, the n-gram weight and the temperature. Reported: the same model and
a plain baseline (logistic regression on the last layer, trained on UMSAB train alone) on the dev and test
parts of every file, with expected calibration error; the own examples only as a separate coverage table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier

from nlp.encoders import Encoder
from nlp.sentiment import Head, softmax
from nlp.training.cache import embed_cached
from nlp.training.data import LABELLED_DIR, Dataset, load_tsv, load_umsab
from nlp.training.fit import AdapterOptions, adapter_features, attach_adapter, describe
from nlp.training.heads import Candidate, fit_temperature, head_from_sklearn, train_head
from nlp.training.real import SOURCES, Source, real_splits, take, text_hash
from nlp.training.selection import Objective, calibration_by_group, reliability

# What the embedding cache holds per text (one encoder pass); a head reads a subset of these blocks.
CACHED_LAYERS = (4, 6, 8, 10, -1)
LAYER_CHOICES = ((8, 10, -1), (6, 8, 10, -1), (4, 6, 8, 10, -1))
OWN_WEIGHT = 2.0  # the own examples cover what the real data lacks; not selected (no real dev set has them)
# Weights tried per source role; eval sets stay at 1 (chosen on dev: docs/model.md, "Selection").
ROLE_WEIGHTS: dict[str, tuple[float, ...]] = {"noisy": (0.0, 0.3, 1.0), "auxiliary": (0.0, 0.5, 1.0),
                                              "train-only": (1.0,), "eval": (1.0,)}
OFF_DOMAIN = "tr/cemrifki_turkish_movie_reviews"
OFF_DOMAIN_WEIGHTS = (0.3, 1.0)
BASELINE_C = (1.0, 3.0, 10.0, 30.0, 100.0)
# The LoRA adapter (nlp.adapter) on e5's top 6 layers, one pass over its training rows.
ADAPTER = AdapterOptions(layers=6, rank=8, epochs=1.0, lr=5e-4)
ADAPTER_CAP = 4000


@dataclass
class Corpus:
    """Every labelled text the recipe reads, with its cached features and where each part sits."""

    data: Dataset = field(default_factory=lambda: Dataset([], [], []))
    features: list[np.ndarray] = field(default_factory=list)
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)

    _x: np.ndarray | None = None

    def add(self, name: str, data: Dataset, x: np.ndarray) -> None:
        """Append a named part and its features."""
        start = len(self.data.texts)
        self.data = self.data + data
        self.features.append(x)
        self.spans[name] = (start, start + len(data.texts))
        self._x = None

    def x(self) -> np.ndarray:
        """All features, one row per text (concatenated once: about 750 MB for the shipped corpus)."""
        if self._x is None:
            self._x = np.concatenate(self.features)
        return self._x

    def rows(self, names: Sequence[str]) -> np.ndarray:
        """Corpus rows of the named parts."""
        return np.concatenate([np.arange(*self.spans[n]) for n in names]) if names else np.zeros(0, np.int64)


def layer_columns(layers: Sequence[int], dim: int) -> np.ndarray:
    """Columns of the cached block matrix that hold ``layers``, in that order."""
    return np.concatenate([np.arange(CACHED_LAYERS.index(n) * dim, (CACHED_LAYERS.index(n) + 1) * dim)
                           for n in layers])


@dataclass
class Materials:
    """Train rows (with their source), dev and test objectives, and the own held-out examples."""

    corpus: Corpus
    train: dict[str, np.ndarray]  # source name -> corpus rows
    dev: dict[str, np.ndarray]
    test: dict[str, np.ndarray]
    sources: tuple[Source, ...]
    umsab_langs: list[str]
    excluded: int = 0  # rows held out of training because their aspects were hand-labelled

    def objective(self, split: str) -> tuple[Objective, np.ndarray]:
        """The objective over a split (dev: with UMSAB val; test: real test parts) and its corpus rows."""
        parts = self.dev if split == "dev" else self.test
        obj = Objective()
        rows: list[np.ndarray] = []
        by_name = {s.name: s for s in self.sources}
        for name, idx in parts.items():
            if name.startswith("umsab/"):
                group, binary = "umsab", False
            elif name.startswith("own/"):
                group, binary = None, False
            else:
                source = by_name[name]
                group = source.lang if source.role == "eval" else None
                binary = source.binary
            obj.add(name, take(self.corpus.data, idx), group, binary=binary)
            rows.append(idx)
        return obj, np.concatenate(rows)


def gather(encoder: Encoder, umsab: Path, real: Path, cache: Path | None, *, commercial_only: bool = False,
           held_out: set[str] = frozenset(), log: Callable[[str], None] = print) -> Materials:
    """Load and embed everything once (cached), then index train / dev / test per source."""
    corpus = Corpus()

    def add(name: str, data: Dataset) -> np.ndarray:
        x = embed_cached(encoder, data.texts, cache, layers=CACHED_LAYERS, log=log).reshape(len(data.texts), -1)
        start = len(corpus.data.texts)
        corpus.add(name, data, x)
        return np.arange(start, start + len(data.texts))

    train: dict[str, np.ndarray] = {}
    dev: dict[str, np.ndarray] = {}
    test: dict[str, np.ndarray] = {}
    umsab_train = load_umsab(umsab, "train")
    umsab_val = load_umsab(umsab, "val")
    umsab_rows = add("umsab/train", umsab_train)  # the baseline's data, in any case
    if not commercial_only:  # UMSAB's parts include research-only datasets
        train["umsab"] = umsab_rows
    val_rows = add("umsab/val", umsab_val)
    langs = np.array(umsab_val.langs)
    umsab_langs = sorted(set(umsab_val.langs))
    for lang in umsab_langs:
        dev[f"umsab/{lang}"] = val_rows[langs == lang]
    sources = tuple(SOURCES)
    whole, splits = real_splits(real, sources)
    excluded = 0
    for source in sources:
        rows = add(source.name, whole[source.name])
        keep = splits.rows[source.name]["train"]
        if held_out:
            hashes = [text_hash(whole[source.name].texts[i]) for i in keep]
            mask = np.array([h not in held_out for h in hashes], dtype=bool)
            excluded += int((~mask).sum())
            keep = keep[mask]
        if source.commercial or not commercial_only:
            train[source.name] = rows[keep]
        if source.role != "train-only":
            dev[source.name] = rows[splits.rows[source.name]["dev"]]
            test[source.name] = rows[splits.rows[source.name]["test"]]
    own_train = load_tsv(sorted(LABELLED_DIR.glob("*.train.tsv")))
    own_test = load_tsv(sorted(LABELLED_DIR.glob("*.test.tsv")))
    train["own"] = add("own/train", own_train)
    own_rows = add("own/test", own_test)
    own_langs = np.array(own_test.langs)
    for lang in sorted(set(own_test.langs)):
        test[f"own/{lang}"] = own_rows[own_langs == lang]
    # UMSAB has no test split here (held out by the project's reviewers): its val is reported on both.
    for lang in umsab_langs:
        test[f"umsab/{lang}"] = dev[f"umsab/{lang}"]
    return Materials(corpus, train, dev, test, sources, umsab_langs, excluded)


def sample_weights(m: Materials, weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Training rows and their weights (sources at weight 0 are left out)."""
    rows, w = [], []
    for name, idx in m.train.items():
        weight = weights.get(name, 1.0)
        if weight > 0:
            rows.append(idx)
            w.append(np.full(len(idx), weight))
    return np.concatenate(rows), np.concatenate(w)


def weight_options(m: Materials) -> dict[str, tuple[float, ...]]:
    """Weights tried per training source (noisy, auxiliary and off-domain sets); the others stay as they are."""
    by_name = {s.name: s for s in m.sources}
    options: dict[str, tuple[float, ...]] = {}
    for name in m.train:
        source = by_name.get(name)
        choices = OFF_DOMAIN_WEIGHTS if name == OFF_DOMAIN else ROLE_WEIGHTS[source.role] if source else (1.0,)
        if len(choices) > 1:
            options[name] = choices
    return options


def quick_candidate() -> list[Candidate]:
    """The head used while choosing weights and layers (cheap, stable)."""
    return [("logreg C=0.01", LogisticRegression(C=0.01, max_iter=2000, class_weight="balanced"))]


def final_candidates() -> list[Candidate]:
    """The heads tried once the data is chosen."""
    return [(f"logreg C={c}", LogisticRegression(C=c, max_iter=3000, class_weight="balanced"))
            for c in (0.003, 0.01, 0.03)] + [
        (f"mlp {h} alpha={a}", MLPClassifier(hidden_layer_sizes=(h,), alpha=a, max_iter=200, early_stopping=True,
                                             random_state=0)) for h in (256,) for a in (1.0, 3.0)]


@dataclass
class Choice:
    """Source weights and encoder layers chosen on dev, with the objective they reached."""

    weights: dict[str, float]
    layers: tuple[int, ...]
    score: float


def choose(m: Materials, dim: int, *, log: Callable[[str], None] = print) -> Choice:
    """Source weights (one source at a time), then layers, each by the dev objective with the quick head."""
    dev, dev_rows = m.objective("dev")
    x = m.corpus.x()

    def score(weights: dict[str, float], layers: Sequence[int]) -> float:
        rows, w = sample_weights(m, weights)
        cols = layer_columns(layers, dim)
        _, _, value = train_head(x[np.ix_(rows, cols)], take(m.corpus.data, rows), x[np.ix_(dev_rows, cols)],
                                 dev.data, w, score=dev,
                                 candidates=quick_candidate(), ngrams=False, log=lambda _m: None)
        return value

    layers = LAYER_CHOICES[0]
    weights = dict.fromkeys(m.train, 1.0) | {"own": OWN_WEIGHT}
    best = Choice(weights, layers, score(weights, layers))
    log(f"  all sources x1, own x{OWN_WEIGHT}: dev objective {best.score:.2f}")
    for name, choices in weight_options(m).items():  # one source at a time, keeping what helped
        for w in choices:
            if w == best.weights[name]:
                continue
            trial = best.weights | {name: w}
            value = score(trial, layers)
            log(f"  {name} x{w}: dev objective {value:.2f}")
            if value > best.score:
                best = Choice(trial, layers, value)
    for layers in LAYER_CHOICES[1:]:
        value = score(best.weights, layers)
        log(f"  layers {layers}: dev objective {value:.2f}")
        if value > best.score:
            best = Choice(best.weights, layers, value)
    return best


def train_baseline(m: Materials, dim: int, *, log: Callable[[str], None] = print) -> Head:
    """The plain baseline: e5's last layer + logistic regression on UMSAB train, C chosen on UMSAB val."""
    x = m.corpus.x()
    cols = layer_columns((-1,), dim)
    rows = m.corpus.rows(["umsab/train"])
    val_rows = m.corpus.rows(["umsab/val"])
    train, val = take(m.corpus.data, rows), take(m.corpus.data, val_rows)
    obj = Objective()
    langs = np.array(val.langs)
    for lang in sorted(set(val.langs)):
        obj.add(lang, take(val, np.flatnonzero(langs == lang)), "umsab")
    candidates: list[Candidate] = [(f"logreg C={c}", LogisticRegression(C=c, max_iter=3000)) for c in BASELINE_C]
    best: tuple[float, LogisticRegression] | None = None
    for name, model in candidates:
        model.fit(x[np.ix_(rows, cols)], train.y())
        value = obj(np.log(model.predict_proba(x[np.ix_(val_rows, cols)]) + 1e-12))
        log(f"  baseline {name}: UMSAB val {value:.1f}")
        if best is None or value > best[0]:
            best = (value, model)
    assert best is not None  # noqa: S101
    weights, biases = head_from_sklearn(best[1])
    head = Head(weights, biases, 1.0, {"layers": [-1], "head": f"logreg C={best[1].C} (plain baseline)"})
    head.temperature = fit_temperature(head.logits(x[np.ix_(val_rows, cols)]), val.y())
    return head


def figures(m: Materials, logits_of: Callable[[np.ndarray], np.ndarray], temperature: float) -> dict[str, object]:
    """Per part macro-F1, per group means and ECE, on dev and test, for one model."""
    out: dict[str, object] = {}
    for split in ("dev", "test"):
        obj, rows = m.objective(split)
        logits = logits_of(rows)
        out[split] = {"parts": {k: round(v, 1) for k, v in obj.scores(logits).items()},
                      "groups": {k: round(v, 1) for k, v in obj.groups(logits).items()},
                      "ece": {k: round(v, 1) for k, v in calibration_by_group(obj, logits, temperature).items()}}
        if split == "test":
            three = [i for p in obj.parts if p.group is not None and not p.binary and p.group != "umsab"
                     for i in range(p.start, p.stop)]
            out["reliability"] = reliability(softmax(logits[three], temperature), obj.data.y()[three])
    return out


def fit_shipped(m: Materials, choice: Choice, dim: int, *, log: Callable[[str], None] = print) -> Head:
    """The final head on the chosen weights and layers: head type, n-grams and temperature chosen on dev."""
    dev, dev_rows = m.objective("dev")
    x = m.corpus.x()
    rows, w = sample_weights(m, choice.weights)
    cols = layer_columns(choice.layers, dim)
    train = take(m.corpus.data, rows)
    head, name, value = train_head(x[np.ix_(rows, cols)], train, x[np.ix_(dev_rows, cols)], dev.data, w, score=dev,
                                   candidates=final_candidates(), log=log)
    log(f"  chosen: {name}, dev objective {value:.2f}")
    head.meta = {"layers": list(choice.layers), "head": name, "source_weights": choice.weights,
                 "trained_at": datetime.now(UTC).strftime("%Y-%m-%d")}
    return head


def head_logits(head: Head, m: Materials, dim: int,
                extra: np.ndarray | None = None) -> Callable[[np.ndarray], np.ndarray]:
    """Logits of ``head`` for corpus rows, from the cached features (its layers), the adapter's and the texts."""
    x = m.corpus.x()
    cols = layer_columns(head.layers, dim)

    def logits(rows: np.ndarray) -> np.ndarray:
        own = x[np.ix_(rows, cols)]
        if head.adapter is not None and extra is not None:
            own = np.concatenate([own, extra[rows]], axis=1)
        return head.logits(own, [m.corpus.data.texts[i] for i in rows])

    return logits


def adapter_rows(m: Materials, weights: dict[str, float], seed: int = 0) -> tuple[np.ndarray, list[int]]:
    """What the adapter is fine-tuned on: a capped, weighted sample of the head's training rows.

    UMSAB train whole, own examples repeated by their weight, each real source subsampled to its weight and at
    most ``ADAPTER_CAP`` rows (two cores fine-tune about 30 posts/s).
    """
    rng = np.random.default_rng(seed)
    rows: list[np.ndarray] = []
    repeats: list[int] = []
    for name, idx in m.train.items():
        w = weights.get(name, 1.0)
        if w <= 0:
            continue
        if name in {"umsab", "own"}:
            take_rows = idx
        else:
            take_rows = np.sort(rng.choice(idx, min(ADAPTER_CAP, round(len(idx) * min(w, 1.0))), replace=False))
        rows.append(take_rows)
        repeats += [max(1, round(w)) if name == "own" else 1] * len(take_rows)
    return np.concatenate(rows), repeats


def attach_recipe_adapter(head: Head, m: Materials, choice: Choice, encoder: Encoder, *,
                          log: Callable[[str], None] = print) -> np.ndarray:
    """Fine-tune the LoRA adapter and choose its mix on dev; returns its features for every dev/test row."""
    dev, dev_rows = m.objective("dev")
    x = m.corpus.x()
    cols = layer_columns(choice.layers, encoder.dim)
    rows, repeats = adapter_rows(m, choice.weights)
    log(f"  adapter: {len(rows):,} training posts ({sum(repeats):,} with repeats)")
    dev_x = attach_adapter(head, encoder, take(m.corpus.data, rows), dev.data, x[np.ix_(dev_rows, cols)],
                           repeats=repeats, options=ADAPTER, score=dev, log=log)
    extra = np.zeros((len(m.corpus.data.texts), 2 * encoder.dim), dtype=np.float32)
    if head.adapter is None:
        return extra
    extra[dev_rows] = dev_x[:, len(cols):]
    _, test_rows = m.objective("test")
    todo = np.setdiff1d(test_rows, dev_rows)
    extra[todo] = adapter_features(encoder, [m.corpus.data.texts[i] for i in todo], head.adapter)
    head.temperature = fit_temperature(head.logits(dev_x, dev.data.texts), dev.data.y())
    return extra


@dataclass
class Result:
    """The shipped head, the plain baseline, and both models' figures on the same rows."""

    head: Head
    baseline: Head
    shipped_figures: dict[str, object]
    baseline_figures: dict[str, object]
    choice: Choice
    materials: Materials
    adapter_features: np.ndarray | None = None


def run(encoder: Encoder, umsab: Path, real: Path, cache: Path | None, *, commercial_only: bool = False,
        held_out: set[str] = frozenset(), adapter: bool = True, choice: Choice | None = None,
        log: Callable[[str], None] = print) -> Result:
    """The whole recipe: gather, baseline, choose weights and layers, fit the head, measure both models."""
    m = gather(encoder, umsab, real, cache, commercial_only=commercial_only, held_out=held_out, log=log)
    log(f"corpus: {len(m.corpus.data.texts):,} texts; training parts {sorted(m.train)}"
        + (f"; {m.excluded} hand-labelled aspect posts held out of training" if m.excluded else ""))
    dim = encoder.dim
    log("baseline (last layer + logistic regression on UMSAB train):")
    baseline = train_baseline(m, dim, log=log)
    if choice is None:  # a caller may pass the choice of an earlier run of the same recipe
        log("choosing source weights and layers on the dev objective:")
        choice = choose(m, dim, log=log)
    log(f"fitting the head on {choice.layers} with weights {choice.weights}:")
    head = fit_shipped(m, choice, dim, log=log)
    extra = None
    if adapter:
        extra = attach_recipe_adapter(head, m, choice, encoder, log=log)
        head.meta["head"] = describe(head.meta["head"], head, ADAPTER)
    head.meta |= {"encoder": encoder.name, "commercial_only": commercial_only,
                  "train_sizes": {k: len(v) for k, v in m.train.items() if choice.weights.get(k, 1.0) > 0}}
    shipped = figures(m, head_logits(head, m, dim, extra), head.temperature)
    base = figures(m, head_logits(baseline, m, dim), baseline.temperature)
    head.meta["figures"] = shipped
    head.meta["baseline_figures"] = base
    baseline.meta["figures"] = base
    return Result(head, baseline, shipped, base, choice, m, extra)
