"""Pain-point aspect matching: which customer-experience aspects does a post talk about?

A deliberately simple, transparent, fast baseline: every aspect of a taxonomy pack
(``taxonomies/*.yaml``) has word stems per language, and a text gets every aspect with at least one
stem at the start of a word.
Marketers can read (and extend) the term lists, and counts per aspect are cheap to recompute
over millions of posts.

Matching rules (see ``taxonomies/ecommerce.yaml`` for the data):

* texts and terms both go through :func:`core.text.normalize` and then
  :func:`core.text.fold_ascii`; folding is a letter-to-letter map applied to both sides, so
  every match in the normalised space is also a match in the folded space, and "catdirilma"
  matches the term "çatdırıl";
* a term matches at a word start (not preceded by a letter; digits, "_", "#", "-" and
  apostrophes separate words), and as a stem: "достав" matches "доставили";
* ``$`` at the end of a term (or of a word inside a phrase) requires the whole word:
  "app$" matches "app", not "apple"; words of one or two characters are always whole words;
* phrases ("customer service") match with flexible separators (spaces, "-", "_", or none) and
  every word but an exact one is a stem: "служб поддерж" matches "службу поддержки";
* terms with "ç"/"ş" also match their "ch"/"sh" spellings ("chatdiril", "shikayet");
* ``exclude`` phrases of an aspect blank out text before that aspect is tested
  ("online store" is not about a physical store);
* terms of all languages are tried on every text, because mixed-language posts are common;
* consonant alternation (:func:`stem_variants`, the one place this rule lives): Azerbaijani and
  Turkish voice or soften a word's final consonant before a vowel suffix, so a stem of such a term
  would miss most inflected forms. A stem word (not ``$``) of an ``az`` or ``tr`` term whose last
  letter alternates also matches with the alternated letter: az ``k→y`` and ``q→ğ`` ("dəstək" matches
  "dəstəyi", "yanacaq" matches "yanacağı"); tr ``k→ğ`` ("destek" matches "desteği"; the rarer ``p→b``,
  ``t→d``, ``ç→c`` soften only some nouns and would make verbs match, so they are left out). The
  softened form must be followed by a suffix vowel other than "o"/"ö" ("geçiyor" is no form of
  "gecik"). Stems shorter than four letters are left
  alone (too many unrelated words). Russian and Armenian inflect by endings, which a stem already
  covers ("карт" matches "карту", "карты", "картой").

Packs, their YAML format and the term syntax are in ``nlp.aspects.taxonomy``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from core.text import fold_ascii, normalize
from nlp.aspects.taxonomy import Taxonomy, term_units

# Regex fragments. A "letter" is [^\W\d_]: a word character that is neither a digit nor "_".
_NO_LETTER_AFTER = r"(?![^\W\d_])"
_FIRST_CHAR_BOUNDARY = r"(?<![^\W\d_].)"  # placed after the first char: the char before it
_STEM_JOIN = r"\w*[\s_-]*"  # after a stem word inside a phrase
_EXACT_JOIN = r"[\s_-]+"  # after a whole word inside a phrase
_JOIN_STEM_KEY = "<stem-join>"
_JOIN_EXACT_KEY = "<exact-join>"


def _spellings(term: str) -> set[str]:
    """Return the term plus its "ch"/"sh" spelling when it has "ç"/"ş" (common in az/tr typing)."""
    lowered = normalize(term)
    spellings = {lowered}
    if "ç" in lowered or "ş" in lowered:
        spellings.add(lowered.replace("ç", "ch").replace("ş", "sh"))
    return spellings


# Final consonants that alternate before a vowel suffix, per language (normalised letters; folding
# maps ğ to g afterwards). Only az and tr: their stems end in the unsuffixed, hard form.
_ALTERNATIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "az": {"k": ("y",), "q": ("ğ",)},
    # p→b, t→d, ç→c soften only some nouns (kitabı but sepeti, saati) and verb stems never ("beklet" is not
    # "bekledim"), so only the regular k→ğ is used.
    "tr": {"k": ("ğ",)},
}
_MIN_ALTERNATING_STEM = 4
# A softened stem must be followed by the vowel of a case or possessive suffix (folded: ə→e, ı→i, ü→u);
# not "o", which starts the verb ending -yor ("geçiyor" is no form of "gecik").
_SOFT_MARK = "\x00"
_SUFFIX_VOWEL = r"(?=[aeiu])"


def stem_variants(word: str, lang: str) -> tuple[str, ...]:
    """``word`` plus its forms with the final consonant alternated as before a vowel suffix.

    >>> stem_variants("dəstək", "az")
    ('dəstək', 'dəstəy')
    >>> stem_variants("destek", "tr")
    ('destek', 'desteğ')

    Only for stems (a ``$`` word never alternates) of at least four letters in az/tr; see the module
    docstring for why and for the letters.
    """
    rules = _ALTERNATIONS.get(lang.split("-", maxsplit=1)[0], {})
    if word.endswith("$") or len(word) < _MIN_ALTERNATING_STEM or word[-1] not in rules:
        return (word,)
    return (word, *(word[:-1] + repl for repl in rules[word[-1]]))


def _alternated(units: tuple[tuple[str, bool], ...], lang: str) -> list[tuple[tuple[str, bool], ...]]:
    """``units`` and their forms with stem words softened (marked: a suffix vowel must follow)."""
    forms: list[tuple[tuple[str, bool], ...]] = [()]
    for word, exact in units:
        variants = [word] if exact else [word, *(fold_ascii(v) + _SOFT_MARK for v in stem_variants(word, lang)[1:])]
        forms = [(*form, (variant, exact)) for form in forms for variant in dict.fromkeys(variants)]
    return forms


def _term_words(terms: Sequence[str], where: str, lang: str = "") -> list[tuple[tuple[str, bool], ...]]:
    """All spellings of ``terms`` (of language ``lang``) as ``(word, exact)`` sequences, in the folded space."""
    units = {term_units(spelling, where) for term in terms for spelling in _spellings(term)}
    return sorted({form for unit in units for form in _alternated(unit, lang)})


def _lang_term_words(terms: Mapping[str, Sequence[str]], where: str) -> list[tuple[tuple[str, bool], ...]]:
    """:func:`_term_words` of every language's terms, each with its own language's alternations."""
    out: list[tuple[tuple[str, bool], ...]] = []
    for lang, lang_terms in terms.items():
        out.extend(w for w in _term_words(lang_terms, where, lang) if w not in out)
    return out


class _Node:
    __slots__ = ("children", "exact_end", "stem_end")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.stem_end = False
        self.exact_end = False


def _trie_pattern(
    terms: Sequence[tuple[tuple[str, bool], ...]], *, boundary: bool = True, longest: bool = False
) -> str | None:
    """Compile terms into one trie-shaped regex (shared prefixes are matched only once).

    With ``boundary`` the pattern checks the word start itself (for ``search``/``finditer``);
    without, the caller has already positioned it at a word start. With ``longest`` a match
    extends to the longest term (needed when the match is blanked out, as for ``exclude``);
    otherwise it stops at the first complete stem, which is all that tagging needs.
    """
    root = _Node()
    for words in terms:
        node = root
        for index, (word, exact) in enumerate(words):
            for char in word:
                node = node.children.setdefault(char, _Node())
            if index < len(words) - 1:
                node = node.children.setdefault(_JOIN_EXACT_KEY if exact else _JOIN_STEM_KEY, _Node())
            elif exact:
                node.exact_end = True
            else:
                node.stem_end = True
    if not root.children:
        return None
    # The word-start check sits *after* the first character: a pattern whose alternatives all
    # start with a literal lets the regex engine skip impossible positions quickly.
    after_first = _FIRST_CHAR_BOUNDARY if boundary else ""
    branches = [
        re.escape(char) + after_first + _emit(child, longest=longest) for char, child in sorted(root.children.items())
    ]
    return "(?:" + "|".join(branches) + ")"


def _emit(node: _Node, *, longest: bool = False) -> str:
    if node.stem_end and not (longest and node.children):
        return ""  # a stem ends here: whatever follows, the term has matched
    branches = []
    for key, child in sorted(node.children.items()):
        if key == _SOFT_MARK:
            unit = _SUFFIX_VOWEL
        elif key == _JOIN_STEM_KEY:
            unit = _STEM_JOIN
        elif key == _JOIN_EXACT_KEY:
            unit = _EXACT_JOIN
        else:
            unit = re.escape(key)
        branches.append(unit + _emit(child, longest=longest))
    if node.stem_end:  # only reached with ``longest``: longer terms were tried first
        branches.append("")
    elif node.exact_end:
        branches.append(_NO_LETTER_AFTER)
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def _index_key(words: tuple[tuple[str, bool], ...]) -> str:
    """Bucket key of a term: the first two characters of its first word (or the one it has)."""
    return words[0][0][:2]


@dataclass(frozen=True)
class _Compiled:
    name: str
    order: int
    search: re.Pattern[str]  # checks word starts itself: for explain()
    at: re.Pattern[str]  # anchored use at a known word start
    exclude: re.Pattern[str] | None


class LearnedAspects(Protocol):
    """Aspects a trained model reads from sentence vectors (``nlp.training.AspectHead``; none ships)."""

    def predict(self, vectors: np.ndarray) -> list[list[str]]:
        """Aspect names per vector."""
        ...


_LINKS = re.compile(r"(?:https?://|www\.)\S+|(?<![\w@])@\w[\w.]*", re.IGNORECASE)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


class AspectTagger:
    """Tag texts with the taxonomy's aspects (multi-label, rule-based, thread-safe).

    How it stays fast: one regex over the terms of *all* aspects finds the word starts where
    some term begins, in a single pass in C; only there, and only for the aspects that have a
    term starting with those two characters, is an aspect's own regex tried (anchored).

    >>> AspectTagger().tag("Kuryer 3 gün gecikdi, dəstək cavab vermir")
    ['delivery', 'support']
    """

    def __init__(self, taxonomy: Taxonomy | None = None, head: LearnedAspects | None = None) -> None:
        """Compile the regexes of ``taxonomy`` (default: the packaged one) once; ``head`` adds learned tags."""
        self.taxonomy = taxonomy if taxonomy is not None else Taxonomy.load()
        self.head = head
        compiled: list[_Compiled] = []
        all_terms: list[tuple[tuple[str, bool], ...]] = []
        buckets: dict[str, list[_Compiled]] = {}
        for aspect in self.taxonomy:
            where = f"aspect {aspect.name!r}"
            terms = _lang_term_words(aspect.terms, where)
            if not terms:
                continue
            excludes = _lang_term_words(aspect.exclude, where)
            exclude = _trie_pattern(excludes, longest=True) if excludes else None
            item = _Compiled(
                name=aspect.name,
                order=len(compiled),
                search=re.compile(_trie_pattern(terms) or ""),
                at=re.compile(_trie_pattern(terms, boundary=False) or ""),
                exclude=re.compile(exclude) if exclude else None,
            )
            compiled.append(item)
            all_terms.extend(terms)
            for words in terms:
                bucket = buckets.setdefault(_index_key(words), [])
                if item not in bucket:
                    bucket.append(item)
        self._compiled: tuple[_Compiled, ...] = tuple(compiled)
        self._buckets: dict[str, tuple[_Compiled, ...]] = {k: tuple(v) for k, v in buckets.items()}
        union = _trie_pattern(all_terms, boundary=False) if all_terms else None
        # Zero-width, so finditer reports every candidate start, even inside a longer phrase.
        self._starts: re.Pattern[str] | None = re.compile(r"(?<![^\W\d_])(?=" + union + ")") if union else None

    @staticmethod
    def prepare(text: str) -> str:
        """Return ``text`` in the matching space (normalised, then ASCII-folded).

        Links and @handles are blanked first: "@acme_support" or a URL path is not a word of the post.
        Typographic apostrophes become "'" so "hasn’t arrived" matches the term "hasn't arrived".
        """
        return fold_ascii(normalize(_LINKS.sub(" ", text.translate(_APOSTROPHES))))

    def tag(self, text: str, lang: str | None = None) -> list[str]:  # noqa: ARG002
        """Return the aspects ``text`` talks about, unique and in taxonomy order.

        ``lang`` is accepted for API symmetry with the other NLP steps but not used: terms of
        every language are tried, because posts often mix languages and scripts.
        """
        prepared = self.prepare(text)
        if not prepared or self._starts is None:
            return []
        found: dict[int, str] = {}
        blanked: dict[int, str] = {}  # per aspect with exclude phrases, computed when needed
        buckets = self._buckets
        for start_match in self._starts.finditer(prepared):
            start = start_match.start()
            candidates = buckets.get(prepared[start : start + 2], ()) + buckets.get(prepared[start], ())
            for item in candidates:
                if item.order in found or item.at.match(prepared, start) is None:
                    continue
                if item.exclude is not None:
                    if item.order not in blanked:
                        blanked[item.order] = _blank(item.exclude, prepared)
                    if item.at.match(blanked[item.order], start) is None:
                        continue
                found[item.order] = item.name
            if len(found) == len(self._compiled):
                break
        return [found[order] for order in sorted(found)]

    def tag_many(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None, vectors: np.ndarray | None = None,
    ) -> list[list[str]]:
        """Tag many texts; ``langs``, if given, must be as long as ``texts``.

        With the texts' sentence ``vectors`` and a trained ``head``, aspects the head is confident about are
        added to the matched ones (paraphrases without any taxonomy term); without, matching alone decides.
        """
        if langs is not None and len(langs) != len(texts):
            raise ValueError(f"langs has {len(langs)} items but texts has {len(texts)}")
        tag = self.tag
        tags = [tag(text) for text in texts]
        if self.head is None or vectors is None:
            return tags
        order = {name: i for i, name in enumerate(self.taxonomy.names)}
        return [sorted(set(found) | {a for a in learned if a in order}, key=order.__getitem__)
                for found, learned in zip(tags, self.head.predict(vectors), strict=True)]

    def explain(self, text: str) -> dict[str, list[str]]:
        """Return, per tagged aspect, the matched pieces of the prepared text (for debugging)."""
        prepared = self.prepare(text)
        out: dict[str, list[str]] = {}
        for item in self._compiled:
            haystack = _blank(item.exclude, prepared) if item.exclude is not None else prepared
            hits = [m.group() for m in item.search.finditer(haystack)]
            if hits:
                out[item.name] = hits
        return out


def _blank(pattern: re.Pattern[str], text: str) -> str:
    """Replace matches of ``pattern`` by spaces (keeps positions and word boundaries)."""
    return pattern.sub(lambda match: " " * len(match.group()), text)

