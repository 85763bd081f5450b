"""Topics: BERTopic over the e5 embeddings the scorer already computed, with labels people can read.

Why these choices:

* **No second encoder.** BERTopic gets the stored sentence embeddings (``embedding_model=None``), so
  topics cost a UMAP + HDBSCAN fit, never another model, and nothing is ever downloaded.
* **Subjects, not languages.** A multilingual encoder places each language in its own region, so plain
  clustering finds "the Russian posts" and "the Turkish posts". Each language's mean vector is subtracted
  first, and one topic then gathers a subject in every language it is discussed in.
* **Keywords that survive five languages.** BERTopic's default ``CountVectorizer`` splits on ASCII word
  patterns and knows English stopwords only. :class:`TopicTokenizer` keeps Latin, Cyrillic and Armenian
  words, drops hand-written stopwords of en/az/tr/hy/ru (``nlp/data/stopwords``), brand names, handles,
  URLs and numbers, folds az/tr letters (``çatdırılma`` = ``catdirilma``) and strips inflections so
  "çatdırılma", "çatdırılmanı" and "çatdırılması" count as one word.
* **Conservative stemming.** Turkic and Armenian suffixes stack and bend, so a suffix is only removed when
  what remains is attested: another word of the corpus, or a stem shared by two word forms. Russian
  endings follow fixed rules (its base forms carry endings themselves). A stem is shown as its most
  readable surface form, so labels never show clipped stems.
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
import re
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import ModelError
from core.languages import UI_LANGUAGES
from core.text import fold_ascii, normalize

__all__ = ["STOPWORD_LANGUAGES", "Topic", "TopicModel", "TopicResult", "TopicTokenizer", "stopwords"]

log = logging.getLogger(__name__)

STOPWORDS_DIR = Path(__file__).parent / "data" / "stopwords"
STOPWORD_LANGUAGES = UI_LANGUAGES
LABEL_SEPARATOR = " · "
# Label words are c-TF-IDF's best, taken first from words this share of the topic's posts use, then from
# those the lower share uses; rarer words never make a label.
LABEL_WORD_SHARES = (0.20, 0.05)
EXACT_KNN_MAX = 20_000  # above this, UMAP's approximate neighbour search is cheaper than the exact one
MIN_TOKEN = 3  # shorter words are particles or suffix fragments ("ın", "ից") in every language here

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![^\W_])@[\w.]+")
# Text after an apostrophe glued to a word is a suffix: Narmart'tan, customer's, don't.
_APOSTROPHE_SUFFIX = re.compile(r"(?<=[^\W\d_])['’ʼ`´][^\W\d_]+")
_WORD = re.compile(r"[^\W\d_]+")
# Latin (incl. ə and the Latin-1/Extended blocks), Cyrillic (incl. Azerbaijani letters), Armenian.
_KEPT_SCRIPTS = re.compile(r"^[a-z\u00df-\u00f6\u00f8-\u00ff\u0100-\u02af\u0400-\u052f\u0561-\u0587]+$")
_CYRILLIC = re.compile(r"[\u0400-\u052f]")
_ARMENIAN = re.compile(r"[\u0561-\u0587]")

# Suffixes, in the folded form tokens take (fold_ascii: ə→e, ı→i, ş→s, ç→c, ğ→g, ö→o, ü→u). Only
# removed when the rest is attested (see TopicTokenizer), so the lists can be generous.
_TURKIC_SUFFIXES = (
    "lar", "ler",                                          # plural
    "dan", "den", "tan", "ten", "ndan", "nden",            # ablative
    "da", "de", "ta", "te", "nda", "nde",                  # locative
    "na", "ne", "ya", "ye", "a", "e",                      # dative
    "ni", "nu", "yi", "yu", "i", "u",                      # accusative / 3rd person possessive
    "nin", "nun", "in", "un",                              # genitive / 2nd person possessive
    "si", "su", "im", "um", "m", "imiz", "umuz", "miz", "muz", "iniz", "unuz", "niz", "nuz",
    "yla", "yle", "la", "le", "ki",                        # instrumental, relative
    "dir", "dur", "tir", "tur",                            # copula
    "ir", "ur", "di", "du", "ti", "tu", "mis", "mus",      # common verb endings
    "mir", "mur", "madi", "medi", "mayib", "meyib", "iyor", "uyor", "yor", "acak", "ecek", "acaq",
)  # fmt: skip
_ENGLISH_SUFFIXES: tuple[tuple[str, str], ...] = (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("d", ""),
                                                   ("ing", ""))
_ARMENIAN_SUFFIXES = (
    "ներից", "ներում", "ներով", "ներին", "ների", "ները", "ներ",
    "երից", "երում", "երով", "երին", "երի", "երը", "եր",
    "ից", "ում", "ով", "ին", "ու", "ի", "ը", "ն", "ս", "դ",
)  # fmt: skip
_RUSSIAN_ENDINGS = tuple(sorted((
    "иями", "ями", "ами", "иях", "ях", "ах", "ием", "ией", "ого", "его", "ому", "ему", "ыми", "ими",
    "ый", "ий", "ой", "ая", "яя", "ое", "ее", "ые", "ие", "ую", "юю", "ых", "их", "ым", "им", "ом", "ем",
    "ей", "ов", "ев", "ам", "ям", "ия", "ию", "ии", "ью", "ать", "ять", "ить", "еть", "ыть", "ешь", "ишь",
    "ете", "ите", "ет", "ит", "ут", "ют", "ат", "ят", "ил", "ила", "или", "ило", "ел", "ела", "ели",
    "ело", "ал", "ала", "али", "ало", "ял", "яла", "яли", "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й",
), key=len, reverse=True))  # fmt: skip
_RUSSIAN_REFLEXIVE = ("ся", "сь")
_MIN_STEM = {"latin": 4, "cyrillic": 3, "armenian": 3}
_MAX_SUFFIXES = 3
_EMPTY_DOC = "emptydoc"  # BERTopic's stand-in for a document without words (emoji-only posts)


def _key(word: str) -> str:
    """The comparison form of a word: normalised and ASCII-folded (what stopwords and stems use)."""
    return fold_ascii(normalize(word))


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Union of the bundled stopword lists (in key form); union because posts mix languages."""
    words: set[str] = set()
    for lang in STOPWORD_LANGUAGES:
        for line in (STOPWORDS_DIR / f"{lang}.txt").read_text(encoding="utf-8").splitlines():
            word = line.split("#", 1)[0].strip()
            if word:
                words.add(_key(word))
    return frozenset(words)


def _script(word: str) -> str:
    if _ARMENIAN.search(word):
        return "armenian"
    if _CYRILLIC.search(word):
        return "cyrillic"
    return "latin"


def _stem_russian(key: str) -> str:
    """Rule-based: drop a reflexive ending, then the longest inflectional ending (stem >= 3 letters)."""
    for ending in _RUSSIAN_REFLEXIVE:
        if key.endswith(ending) and len(key) - len(ending) >= _MIN_STEM["cyrillic"]:
            key = key[: -len(ending)]
            break
    for ending in _RUSSIAN_ENDINGS:
        if key.endswith(ending) and len(key) - len(ending) >= _MIN_STEM["cyrillic"]:
            return key[: -len(ending)]
    return key


def _candidates(key: str, rules: Sequence[tuple[str, str]], min_stem: int) -> set[str]:
    """Every form reachable by removing up to ``_MAX_SUFFIXES`` suffixes (each leaving >= min_stem)."""
    found: set[str] = set()
    frontier = {key}
    for _ in range(_MAX_SUFFIXES):
        nxt: set[str] = set()
        for form in frontier:
            for suffix, repl in rules:
                if form.endswith(suffix) and len(form) - len(suffix) + len(repl) >= min_stem:
                    cand = form[: len(form) - len(suffix)] + repl
                    if cand not in found:
                        nxt.add(cand)
        found |= nxt
        frontier = nxt
    return found


_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "turkic": tuple((s, "") for s in _TURKIC_SUFFIXES),
    "english": _ENGLISH_SUFFIXES,
    "armenian": tuple((s, "") for s in _ARMENIAN_SUFFIXES),
}
_RULES["latin"] = _RULES["turkic"] + _RULES["english"]  # language unknown (e.g. Armenian typed in Latin)


def _rule_set(script: str, lang: str | None) -> str:
    if script == "armenian":
        return "armenian"
    if lang in {"az", "tr"}:
        return "turkic"
    if lang == "en":
        return "english"
    return "latin"


class TopicTokenizer:
    """Turns posts into topic keywords: filtered, folded and (after :meth:`fit`) stemmed word keys.

    ``exclude_terms`` are brand names and keywords: a word starting with one is dropped, unless what
    follows the brand is a word of its own (``#NarmartAutumn`` keeps ``autumn``, ``Narmartdan`` keeps
    nothing).
    """

    def __init__(self, exclude_terms: Iterable[str] = ()) -> None:
        prefixes = set()
        for term in exclude_terms:
            for word in _WORD.findall(_key(term.removesuffix("$").lstrip("@#"))):
                if len(word) >= MIN_TOKEN:
                    prefixes.add(word)
        self.brand_prefixes = tuple(sorted(prefixes, key=len, reverse=True))
        self.stopwords = stopwords()
        self._stems: dict[tuple[str, str], str] = {}
        self._surfaces: dict[str, Counter[str]] = {}

    def words(self, text: str) -> list[tuple[str, str]]:
        """(surface, key) pairs of the words worth counting, before stemming, in text order."""
        if not isinstance(text, str) or not text:
            return []
        text = _APOSTROPHE_SUFFIX.sub("", _HANDLE.sub(" ", _URL.sub(" ", unicodedata.normalize("NFKC", text))))
        out = []
        for word in _WORD.findall(normalize(text)):
            if not _KEPT_SCRIPTS.match(word):
                continue
            surface, key = word, fold_ascii(word)
            brand = next((p for p in self.brand_prefixes if key.startswith(p)), None)
            if brand is not None:
                rest = len(key) - len(brand)
                if rest < MIN_TOKEN + 1:  # a case ending after the brand, not a word
                    continue
                surface, key = surface[-rest:], key[-rest:]
            if len(key) >= MIN_TOKEN and key not in self.stopwords:
                out.append((surface, key))
        return out

    def fit(self, texts: Sequence[str], langs: Sequence[str | None] | None = None) -> TopicTokenizer:
        """Learn stems and display forms from a corpus (stems are attested in it; see module doc)."""
        langs = langs if langs is not None else [None] * len(texts)
        surfaces: dict[str, Counter[str]] = {}
        pairs: set[tuple[str, str]] = set()  # (key, rule set)
        for text, lang in zip(texts, langs, strict=True):
            for surface, key in self.words(text):
                surfaces.setdefault(key, Counter())[surface] += 1
                script = _script(key)
                pairs.add((key, "russian" if script == "cyrillic" else _rule_set(script, lang)))
        attested = set(surfaces)
        cands = {(key, rules): _candidates(key, _RULES[rules], _MIN_STEM[_script(key)])
                 for key, rules in pairs if rules != "russian"}
        # 1. A word that reduces to another word of the corpus takes the shortest such word.
        stems: dict[tuple[str, str], str] = {}
        for pair, cand_set in cands.items():
            words = sorted((c for c in cand_set if c in attested), key=lambda c: (len(c), c))
            if words:
                stems[pair] = words[0]
        # 2. Otherwise two word forms reducing to one unseen stem share it (gecikir, gecikdi → gecik); the
        #    roots of step 1 are left whole, or "çatdırılma" would lose its final vowel.
        roots = set(stems.values())
        rest = [pair for pair in cands if pair not in stems and pair[0] not in roots]
        producers: Counter[str] = Counter()
        for pair in rest:
            producers.update(cands[pair])
        for pair in rest:
            shared = sorted((c for c in cands[pair] if producers[c] >= 2), key=lambda c: (-len(c), c))
            stems[pair] = shared[0] if shared else pair[0]
        for pair in cands:
            stems.setdefault(pair, pair[0])
        for key, rules in pairs:
            if rules == "russian":
                stems[key, rules] = _stem_russian(key)
        # Chains: a stem may itself have been stemmed further (sifarislerim → sifarisler → sifaris).
        self._stems = {pair: stems.get((stem, pair[1]), stem) for pair, stem in stems.items()}
        self._surfaces = {}
        for key, stem in {(key, stem) for (key, _), stem in self._stems.items()}:  # a key once per stem
            self._surfaces.setdefault(stem, Counter()).update(surfaces[key])
        return self

    def keywords(self, text: str, lang: str | None = None) -> list[str]:
        """Stemmed keys of ``text`` (words unseen by :meth:`fit` pass through unstemmed, Russian aside)."""
        out = []
        for _, key in self.words(text):
            script = _script(key)
            rules = "russian" if script == "cyrillic" else _rule_set(script, lang)
            stem = self._stems.get((key, rules))
            if stem is None:
                stem = _stem_russian(key) if rules == "russian" else key
            if stem not in self.stopwords:
                out.append(stem)
        return out

    def display(self, stem: str) -> str:
        """The most readable surface form of a stem.

        Its unsuffixed form if seen, spelled with its proper letters if anyone did ("çatdırılma" over
        "catdirilma"), else the most frequent form.
        """
        forms = self._surfaces.get(stem)
        if not forms:
            return stem
        return min(forms, key=lambda f: (fold_ascii(f) != stem, fold_ascii(f) == f, -forms[f], len(f), f))


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
        order = _content_order(ids, texts, langs, embeddings)
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


def _content_order(ids: Sequence[str], texts: Sequence[str], langs: Sequence[str | None],
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
