"""Topic keywords: posts in five languages turned into filtered, folded, stemmed word keys.

Why these choices:

* **Keywords that survive five languages.** BERTopic's default ``CountVectorizer`` splits on ASCII word
  patterns and knows English stopwords only. :class:`TopicTokenizer` keeps Latin, Cyrillic and Armenian
  words, drops hand-written stopwords of en/az/tr/hy/ru (``nlp/data/stopwords``), brand names, handles,
  URLs and numbers, folds az/tr letters (``çatdırılma`` = ``catdirilma``) and strips inflections so
  "çatdırılma", "çatdırılmanı" and "çatdırılması" count as one word.
* **Conservative stemming.** Turkic and Armenian suffixes stack and bend, so a suffix is only removed when
  what remains is attested: another word of the corpus, or a stem shared by two word forms. Russian
  endings follow fixed rules (its base forms carry endings themselves). A stem is shown as its most
  readable surface form, so labels never show clipped stems.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path

from core.languages import UI_LANGUAGES
from core.text import fold_ascii, normalize

STOPWORDS_DIR = Path(__file__).parents[1] / "data" / "stopwords"
STOPWORD_LANGUAGES = UI_LANGUAGES
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
