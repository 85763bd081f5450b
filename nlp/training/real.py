"""Real labelled posts (``../shared/data/sentiment``): the sources, their licences, and seeded splits.

Each file is split on its own, stratified by label, with one fixed seed: train (fitted on), dev (only for
choosing weights, heads and the temperature) and test (reported, never chosen on). Nothing here is copied
into the repository; the text is read from the shared folder at training and evaluation time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import SourceError
from nlp.training.data import Dataset, load_tsv

SHARED_SENTIMENT = Path(__file__).parents[2].parent / "shared" / "data" / "sentiment"
SPLIT_SEED = 20261203
DEV_FRACTION = 0.15
TEST_FRACTION = 0.15


@dataclass(frozen=True)
class Source:
    """One shared file and what may be done with it.

    ``role``: ``eval`` sets are trained on and count in the selection objective; ``noisy`` and ``auxiliary``
    sets are trained on with a weight chosen on dev and reported, but not selected on; ``train-only`` sets
    (machine-translated) are never evaluated. ``commercial``: whether weights trained on it may be used
    commercially as far as its stated licence goes (no stated licence counts as no).
    """

    path: str
    role: str
    binary: bool
    licence: str
    commercial: bool
    origin: str

    @property
    def lang(self) -> str:
        """The folder name: tr, ru, en, hy."""
        return self.path.split("/", 1)[0]

    @property
    def name(self) -> str:
        """``tr/fsmtsad_multidomain`` (no extension)."""
        return self.path.removesuffix(".tsv")


SOURCES: tuple[Source, ...] = (
    Source("tr/fsmtsad_multidomain.tsv", "eval", binary=False, commercial=False,
           licence="LICENSE file CC0-1.0, README says academic use only (treated as non-commercial)",
           origin="kevserbusrayildirim/FSMTSAD (Zümberoğlu et al. 2025)"),
    Source("tr/cemrifki_turkish_twitter.tsv", "eval", binary=True, commercial=False,
           licence="MIT for the code, none stated for the data",
           origin="cemrifki/sentiment-embeddings (Aydın & Güngör 2019)"),
    Source("tr/cemrifki_turkish_movie_reviews.tsv", "eval", binary=True, commercial=False,
           licence="MIT for the code, none stated for the data",
           origin="cemrifki/sentiment-embeddings, Beyazperde movie reviews"),
    Source("tr/sercankulcu_turkish_tweets.tsv", "noisy", binary=False, commercial=False,
           licence="none stated", origin="sercankulcu/sentiment-analysis-of-tweets-in-Turkish"),
    Source("ru/rusentitweet.tsv", "eval", binary=False, commercial=False,
           licence="none stated for the data (the paper is CC BY 4.0)",
           origin="sismetanin/rusentitweet (Smetanin 2022)"),
    Source("ru/opensentimentcorpus_majority.tsv", "eval", binary=False, commercial=True,
           licence="CC BY-SA 3.0", origin="yarfruct/open-sentiment-corpus"),
    Source("ru/cedr_emotion_mapped.tsv", "auxiliary", binary=False, commercial=True,
           licence="Apache-2.0", origin="CEDR (Sboev et al. 2021), emotions mapped to sentiment"),
    Source("hy/semeval2018_emotion_mt_mapped.tsv", "train-only", binary=True, commercial=False,
           licence="CC BY-NC 4.0", origin="nigkal/ArmenianNLP (SemEval-2018 emotion tweets machine-translated)"),
    Source("en/twitter_us_airline.tsv", "eval", binary=False, commercial=False,
           licence="CC BY-NC-SA 4.0", origin='CrowdFlower "Data for Everyone" US airline tweets (2015)'),
)
SOURCE_BY_NAME = {s.name: s for s in SOURCES}


@dataclass
class RealSplits:
    """Per source: the train, dev and test parts (each a ``Dataset``) and row indices into the file."""

    train: dict[str, Dataset]
    dev: dict[str, Dataset]
    test: dict[str, Dataset]
    rows: dict[str, dict[str, np.ndarray]]

    def part(self, split: str) -> dict[str, Dataset]:
        """``train``, ``dev`` or ``test`` by name."""
        return {"train": self.train, "dev": self.dev, "test": self.test}[split]


def load_source(root: Path, source: Source) -> Dataset:
    """One shared file, whole and in file order (its language from the folder)."""
    path = root / source.path
    if not path.exists():
        raise SourceError(f"{path} not found: give the folder of the shared sentiment data with --real")
    data = load_tsv([path])
    data.langs = [source.lang] * len(data.texts)
    return data


def stratified_rows(labels: list[str], seed: int = SPLIT_SEED) -> dict[str, np.ndarray]:
    """Row indices of train / dev / test, stratified by label, the same for the same labels and seed."""
    rng = np.random.default_rng(seed)
    parts: dict[str, list[int]] = {"train": [], "dev": [], "test": []}
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    for label in sorted(by_label):
        order = rng.permutation(by_label[label])
        n_dev, n_test = round(len(order) * DEV_FRACTION), round(len(order) * TEST_FRACTION)
        parts["dev"] += order[:n_dev].tolist()
        parts["test"] += order[n_dev : n_dev + n_test].tolist()
        parts["train"] += order[n_dev + n_test :].tolist()
    return {k: np.array(sorted(v), dtype=np.int64) for k, v in parts.items()}


def text_hash(text: str) -> str:
    """How a hand label names its text without holding it: sha256 of the UTF-8 text, 16 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def take(data: Dataset, rows: Iterable[int]) -> Dataset:
    """The rows of ``data`` at ``rows``, in that order."""
    ids = list(rows)
    return Dataset([data.texts[i] for i in ids], [data.labels[i] for i in ids], [data.langs[i] for i in ids])


def real_splits(root: Path = SHARED_SENTIMENT, sources: Iterable[Source] = SOURCES,
                seed: int = SPLIT_SEED) -> tuple[dict[str, Dataset], RealSplits]:
    """Every source whole (file order: what the embedding cache is keyed on) and its seeded splits."""
    whole: dict[str, Dataset] = {}
    splits = RealSplits({}, {}, {}, {})
    for source in sources:
        data = load_source(root, source)
        whole[source.name] = data
        rows = stratified_rows(data.labels, seed)
        splits.rows[source.name] = rows
        for split, ids in rows.items():
            splits.part(split)[source.name] = take(data, ids)
    return whole, splits
