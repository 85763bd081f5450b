"""Topics: BERTopic over the e5 embeddings the scorer already computed, with labels people can read.

Why these choices:

* **No second encoder.** BERTopic gets the stored sentence embeddings (``embedding_model=None``), so
  topics cost a UMAP + HDBSCAN fit, never another model, and nothing is ever downloaded.
* **Subjects, not languages.** A multilingual encoder places each language in its own region, so plain
  clustering finds "the Russian posts" and "the Turkish posts". Each language's mean vector is subtracted
  first, and one topic then gathers a subject in every language it is discussed in.
* **Keywords that survive five languages**, stemmed conservatively: ``nlp.topics.tokenizer``.
* **Readable, deterministic labels.** A label is the topic's three best c-TF-IDF words that enough of its
  posts use ("delivery · courier · late"). Input is put in an order that follows from its content (vectors and
  texts, not mention ids, which change when a file is re-imported), vectors are rounded to the float16
  the store keeps, UMAP is seeded and single-threaded, HDBSCAN single-threaded, and label words tied
  on c-TF-IDF are ordered by the word: the same texts and vectors always get the same topics.
* **Honest on small data.** Fewer than ``min_docs`` texts, or no cluster found, gives no topics rather
  than noise; outliers (BERTopic's topic -1) and clusters without a usable word get no label.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.errors import ModelError
from nlp.topics.tokenizer import TopicTokenizer

log = logging.getLogger(__name__)

LABEL_SEPARATOR = " · "
# Label words are c-TF-IDF's best, taken first from words this share of the topic's posts use, then from
# those the lower share uses; rarer words never make a label.
LABEL_WORD_SHARES = (0.20, 0.05)
EXACT_KNN_MAX = 20_000  # above this, UMAP's approximate neighbour search is cheaper than the exact one
_EMPTY_DOC = "emptydoc"  # BERTopic's stand-in for a document without words (emoji-only posts)


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic: its readable label, its size and its top keywords (display forms)."""

    id: int
    label: str
    size: int
    keywords: tuple[str, ...]


@dataclass
class TopicResult:
    """Topic label per mention id (None: outlier or no topics found) and the topics, largest first."""

    labels: dict[str, str | None] = field(default_factory=dict)
    topics: list[Topic] = field(default_factory=list)


class TopicModel:
    """BERTopic with voxpop's tokenizer, fitted on precomputed embeddings.

    Args:
        min_topic_size: smallest cluster HDBSCAN may call a topic; grows to 1% of the corpus on large
            windows so a month of a busy brand does not split into hundreds of micro-topics.
        exclude_terms: brand names and keywords, never topic words (every topic mentions a brand).
        seed: UMAP's random state.
        min_docs: below this many texts no topics are fitted (clusters of a few posts are noise).
        center_languages: subtract each language's mean embedding first (see the module docstring).
    """

    def __init__(
        self,
        *,
        min_topic_size: int = 10,
        exclude_terms: Iterable[str] = (),
        seed: int = 42,
        min_docs: int = 50,
        n_neighbors: int = 15,
        n_components: int = 5,
        top_words: int = 3,
        center_languages: bool = True,
    ) -> None:
        if min_topic_size < 2:
            raise ValueError("min_topic_size must be at least 2")
        self.min_topic_size = min_topic_size
        self.exclude_terms = tuple(exclude_terms)
        self.seed = seed
        self.min_docs = max(min_docs, n_neighbors + 1)
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.top_words = top_words
        self.center_languages = center_languages

    def cluster_size(self, n: int) -> int:
        """HDBSCAN's ``min_cluster_size`` for a corpus of ``n`` texts."""
        return max(self.min_topic_size, round(n / 100))

    def fit(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        embeddings: np.ndarray,
        langs: Sequence[str | None] | None = None,
    ) -> TopicResult:
        """Fit topics on the given mentions and return a label per mention id."""
        embeddings = np.asarray(embeddings, dtype=np.float32)
        langs = list(langs) if langs is not None else [None] * len(ids)
        if not len(ids) == len(texts) == len(langs) == embeddings.shape[0]:
            raise ValueError("ids, texts, langs and embeddings must have the same length")
        if len(set(ids)) != len(ids):
            raise ValueError("mention ids must be unique")
        empty = TopicResult(labels=dict.fromkeys(ids))
        if len(ids) < self.min_docs:
            log.info("topics: %d texts, fewer than %d; no topics fitted", len(ids), self.min_docs)
            return empty
        # float16 is what the store keeps: vectors fresh from the scorer and read back fit alike.
        embeddings = embeddings.astype(np.float16).astype(np.float32)
        order = content_order(ids, texts, langs, embeddings)
        ids = [ids[i] for i in order]
        texts = [texts[i] for i in order]
        langs = [langs[i] for i in order]
        embeddings = embeddings[order]
        if self.center_languages:
            embeddings = _center_languages(embeddings, langs)
        tokenizer = TopicTokenizer(self.exclude_terms).fit(texts, langs)
        docs = [" ".join(tokenizer.keywords(t, lang)) for t, lang in zip(texts, langs, strict=True)]
        if not any(docs):
            log.info("topics: no keywords left after filtering; no topics fitted")
            return empty
        model = self._bertopic(embeddings)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # UMAP notes the missing search index and the single thread
            assigned, _ = model.fit_transform(docs, embeddings)
        topics = self._topics(model, tokenizer, docs, assigned)
        names = {t.id: t.label for t in topics}
        labels = {mid: names.get(t) for mid, t in zip(ids, assigned, strict=True)}
        result = TopicResult(labels=dict.fromkeys(empty.labels) | labels, topics=topics)
        log.info("topics: %d topics over %d texts, %d outliers", len(topics), len(ids),
                 sum(1 for v in labels.values() if v is None))
        return result

    def _bertopic(self, embeddings: np.ndarray) -> Any:
        try:
            from bertopic import BERTopic  # noqa: PLC0415 - heavy (imports torch); loaded on first fit
            from bertopic.vectorizers import ClassTfidfTransformer  # noqa: PLC0415
            from hdbscan import HDBSCAN  # noqa: PLC0415
            from sklearn.feature_extraction.text import CountVectorizer  # noqa: PLC0415
            from umap import UMAP  # noqa: PLC0415
        except ImportError as exc:
            raise ModelError(
                f"topics need BERTopic ({exc.name} is missing): pip install bertopic umap-learn hdbscan"
            ) from exc
        # Neighbours computed here with matrix products: UMAP's own exact search calls a Python function
        # per pair below 4,096 points, and its approximate one costs a minute of JIT compiling, which only
        # pays off on windows too large for an exact search.
        knn = _cosine_knn(embeddings, self.n_neighbors) if len(embeddings) <= EXACT_KNN_MAX else (None, None, None)
        umap = UMAP(n_neighbors=self.n_neighbors, n_components=self.n_components, min_dist=0.0, metric="cosine",
                    n_epochs=200, random_state=self.seed, n_jobs=1, precomputed_knn=knn)
        size = self.cluster_size(len(embeddings))
        # A small min_samples keeps HDBSCAN from merging everything into two or three huge clusters.
        hdbscan = HDBSCAN(min_cluster_size=size, min_samples=max(2, min(size // 5, 10)), metric="euclidean",
                          cluster_selection_method="eom", prediction_data=False, core_dist_n_jobs=1)
        return BERTopic(
            embedding_model=None,  # embeddings are passed in: never load (or download) an encoder
            language="multilingual",  # with "english", BERTopic deletes every non-ASCII letter before counting
            umap_model=umap,
            hdbscan_model=hdbscan,
            vectorizer_model=CountVectorizer(analyzer=str.split),  # documents are pre-tokenised keywords
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            top_n_words=30,  # candidates for the label; see _topics
            calculate_probabilities=False,
            verbose=False,
        )

    def _topics(self, model: Any, tokenizer: TopicTokenizer, docs: list[str], assigned: list[int]) -> list[Topic]:
        """Readable topics: c-TF-IDF's best words that enough of the topic's own posts actually use.

        c-TF-IDF rewards words unique to a topic, which on short multilingual posts are often one-off
        inflections; words more of the topic's posts use go first (``LABEL_WORD_SHARES``).
        """
        members: dict[int, list[set[str]]] = {}
        for doc, tid in zip(docs, assigned, strict=True):
            members.setdefault(tid, []).append(set(doc.split()))
        topics = []
        for tid, bags in sorted(members.items()):
            if tid == -1:
                continue
            df = Counter(w for bag in bags for w in bag)
            # Best c-TF-IDF score first; equal scores by the word itself, never by position.
            scored = sorted((model.get_topic(tid) or []), key=lambda ws: (-round(float(ws[1]), 9), ws[0]))
            ranked = [w for w, _ in scored if w and w != _EMPTY_DOC]
            tiers = [max(2.0, share * len(bags)) for share in LABEL_WORD_SHARES]
            words = [w for i, floor in enumerate(tiers) for w in ranked
                     if df[w] >= floor and (i == 0 or df[w] < tiers[i - 1])]
            shown = list(dict.fromkeys(tokenizer.display(w) for w in words))
            if not shown:
                continue
            label = LABEL_SEPARATOR.join(shown[: self.top_words])
            topics.append(Topic(id=int(tid), label=label, size=len(bags), keywords=tuple(shown)))
        return sorted(topics, key=lambda t: (-t.size, t.label))


def content_order(ids: Sequence[str], texts: Sequence[str], langs: Sequence[str | None],
                   embeddings: np.ndarray) -> list[int]:
    """Fit order by content (vector, text, language), the id only between identical rows.

    UMAP's result depends on the order of its input, so the order must follow from what is fitted:
    the same mentions give the same topics even when re-imported under other ids (a file exported
    without ids, identity switched to the URL) or read back in another order.
    """
    rows = [embeddings[i].tobytes() for i in range(len(ids))]
    return sorted(range(len(ids)), key=lambda i: (rows[i], texts[i], langs[i] or "", ids[i]))


def _cosine_knn(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours by cosine distance (each point first), in blocks of about 64 MB."""
    x = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    n = len(x)
    idx = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float32)
    step = max(1, 2**24 // max(n, 1))
    for start in range(0, n, step):
        sims = x[start : start + step] @ x.T
        sims[np.arange(len(sims)), np.arange(start, start + len(sims))] = np.inf  # itself first, even if tied
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        part_sims = np.take_along_axis(sims, part, axis=1)
        order = np.lexsort((part, -part_sims), axis=-1)  # by similarity, ties by index: deterministic
        idx[start : start + step] = np.take_along_axis(part, order, axis=1)
        dist[start : start + step] = np.clip(1 - np.take_along_axis(part_sims, order, axis=1), 0, 2)
    return idx, dist


def _center_languages(x: np.ndarray, langs: Sequence[str | None], min_group: int = 20) -> np.ndarray:
    """Subtract each language's mean vector, so clusters form around subjects, not languages.

    Multilingual encoders place every text of a language in its own region; that shared offset is what
    the language mean captures. Groups under ``min_group`` texts keep the overall mean instead.
    """
    out = x - x.mean(axis=0)
    groups: dict[str | None, list[int]] = {}
    for i, lang in enumerate(langs):
        groups.setdefault(lang, []).append(i)
    for idx in groups.values():
        if len(idx) >= min_group:
            out[idx] = x[idx] - x[idx].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms == 0, 1, norms)
