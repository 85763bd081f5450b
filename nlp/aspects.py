"""Pain-point aspect tagger: which customer-experience aspects does a post talk about?

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

Packs: ``nlp/taxonomies/<name>.yaml`` holds one industry's aspects (``ecommerce``, the default, alias
``retail``; ``banking``, alias ``fintech``; ``telecom``), chosen with ``model.taxonomy``. A pack may
``include`` aspects of another pack by ``pack.aspect`` (generic ones such as support or privacy).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import yaml

from core.errors import ConfigError
from core.text import fold_ascii, normalize

__all__ = [
    "DEFAULT_PACK",
    "DEFAULT_TAXONOMY_PATH",
    "PACKS",
    "PACK_ALIASES",
    "Aspect",
    "AspectTagger",
    "Taxonomy",
    "pack_path",
    "stem_variants",
]

TAXONOMIES_DIR = Path(__file__).with_name("taxonomies")
DEFAULT_PACK = "ecommerce"
PACKS = ("ecommerce", "banking", "telecom")
PACK_ALIASES = {"retail": "ecommerce", "delivery": "ecommerce", "fintech": "banking"}
DEFAULT_TAXONOMY_PATH = TAXONOMIES_DIR / f"{DEFAULT_PACK}.yaml"
DEFAULT_ASPECT_HEAD = Path(__file__).parent / "weights" / "aspect_head.npz"

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_LANG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]+)?")
_TEXT_FIELDS = ("cx_area", "description")
_LIST_FIELDS = ("terms", "examples", "exclude")
_TERM_FIELDS = ("terms", "exclude")
_FIELDS = frozenset({*_TEXT_FIELDS, "label", *_LIST_FIELDS})
_TERM_SPLIT = re.compile(r"[\s_\-]+")
_HAS_WORD_CHAR = re.compile(r"[^\W_]")

# Regex fragments. A "letter" is [^\W\d_]: a word character that is neither a digit nor "_".
_NO_LETTER_AFTER = r"(?![^\W\d_])"
_FIRST_CHAR_BOUNDARY = r"(?<![^\W\d_].)"  # placed after the first char: the char before it
_STEM_JOIN = r"\w*[\s_-]*"  # after a stem word inside a phrase
_EXACT_JOIN = r"[\s_-]+"  # after a whole word inside a phrase
_JOIN_STEM_KEY = "<stem-join>"
_JOIN_EXACT_KEY = "<exact-join>"
_SHORT_WORD = 2  # words this short are always matched as whole words


@dataclass(frozen=True)
class Aspect:
    """One pain-point aspect: who acts on it, how it is shown, and which words signal it."""

    name: str
    cx_area: str
    labels: Mapping[str, str]
    description: str
    terms: Mapping[str, tuple[str, ...]]
    examples: Mapping[str, tuple[str, ...]]
    exclude: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def label(self, lang: str = "en") -> str:
        """Display name in ``lang``, falling back to English and then to the aspect name."""
        return self.labels.get(lang) or self.labels.get("en") or self.name


class Taxonomy:
    """An ordered, validated set of :class:`Aspect` objects (order = display/tag order)."""

    def __init__(self, aspects: Sequence[Aspect]) -> None:
        """Wrap already validated aspects; use :meth:`load` or :meth:`from_dict` to build one."""
        self._aspects: dict[str, Aspect] = {}
        for aspect in aspects:
            if aspect.name in self._aspects:
                raise ValueError(f"duplicate aspect {aspect.name!r}")
            self._aspects[aspect.name] = aspect
        self.names: tuple[str, ...] = tuple(self._aspects)

    @classmethod
    def pack(cls, name: str = DEFAULT_PACK, extra: Mapping[str, Mapping[str, Any]] | None = None) -> Taxonomy:
        """The packaged industry taxonomy ``name`` (or an alias such as "retail"), plus ``extra``.

        Raises:
            ValueError: unknown name; the message lists the valid ones.
        """
        return cls.load(pack_path(name), extra=extra)

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        extra: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Taxonomy:
        """Load a taxonomy YAML file (default: the default pack, ``nlp/taxonomies/ecommerce.yaml``).

        Args:
            path: YAML file with a top-level ``aspects`` mapping of name -> entry.
            extra: more entries of the same shape, e.g. from a user's config. An entry for an
                existing aspect adds its terms/examples/exclude phrases and may override
                ``cx_area``, ``label`` entries and ``description``; a new name adds an aspect
                (it needs ``cx_area`` and ``terms``).

        Raises:
            ValueError: malformed file or entry; the message names the aspect and field.
        """
        source = Path(path) if path is not None else DEFAULT_TAXONOMY_PATH
        with source.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        if not isinstance(data, Mapping) or not isinstance(data.get("aspects"), Mapping):
            raise ValueError(f"{source}: expected a top-level 'aspects' mapping")
        included = _included(source, data.get("include") or [])  # after the pack's own aspects
        return cls.from_dict({**data["aspects"], **{k: v for k, v in included.items() if k not in data["aspects"]}},
                             extra=extra)

    @classmethod
    def from_dict(
        cls,
        entries: Mapping[str, Mapping[str, Any]],
        extra: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Taxonomy:
        """Build a taxonomy from ``name -> entry`` mappings (the YAML shape), plus ``extra``."""
        merged: dict[str, dict[str, Any]] = {}
        for name, entry in entries.items():
            merged[name] = _parse_entry(name, entry, new=True)
        for name, entry in (extra or {}).items():
            if name in merged:
                _merge_into(merged[name], _parse_entry(name, entry, new=False))
            else:
                merged[name] = _parse_entry(name, entry, new=True)
        return cls([_freeze(name, parsed) for name, parsed in merged.items()])

    def __getitem__(self, name: str) -> Aspect:
        """Return the aspect called ``name`` (KeyError if unknown)."""
        return self._aspects[name]

    def __iter__(self) -> Iterator[Aspect]:
        """Iterate over aspects in taxonomy order."""
        return iter(self._aspects.values())

    def __len__(self) -> int:
        """Return the number of aspects."""
        return len(self._aspects)

    def __contains__(self, name: object) -> bool:
        """Return whether an aspect called ``name`` exists."""
        return name in self._aspects


class UnknownTaxonomyError(ConfigError, ValueError):
    """An aspect pack name that is not shipped: a config error (one line in the CLI), a ValueError for pydantic."""


def pack_path(name: str) -> Path:
    """The YAML file of pack ``name`` (aliases resolved); ValueError naming the valid packs if unknown."""
    resolved = PACK_ALIASES.get(name, name)
    if resolved not in PACKS:
        valid = ", ".join([*PACKS, *(f"{a} (= {p})" for a, p in PACK_ALIASES.items())])
        raise UnknownTaxonomyError(f"unknown taxonomy {name!r}; choose one of: {valid}")
    return TAXONOMIES_DIR / f"{resolved}.yaml"


def _included(source: Path, refs: object) -> dict[str, Any]:
    """Entries a pack takes from another pack (``include: [ecommerce.support]``), in that order."""
    if isinstance(refs, str) or not isinstance(refs, Sequence):
        raise ValueError(f"{source}: 'include' must be a list of 'pack.aspect' names")
    out: dict[str, Any] = {}
    for ref in refs:
        pack, _, aspect = str(ref).partition(".")
        path = source.with_name(f"{pack}.yaml")
        if not aspect or not path.is_file() or path == source:
            raise ValueError(f"{source}: include {ref!r} must name another pack's aspect, e.g. 'ecommerce.support'")
        with path.open(encoding="utf-8") as handle:
            entries = (yaml.safe_load(handle) or {}).get("aspects", {})
        if aspect not in entries:
            raise ValueError(f"{source}: include {ref!r}: pack {pack!r} has no aspect {aspect!r}")
        out[aspect] = entries[aspect]
    return out


# --------------------------------------------------------------------------- validation


def _parse_entry(name: object, entry: object, *, new: bool) -> dict[str, Any]:
    """Validate one YAML/config entry and return it as plain dicts/lists."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"aspect name {name!r}: use lowercase letters, digits and '_' (e.g. 'delivery')")
    if not isinstance(entry, Mapping):
        raise ValueError(f"aspect {name!r}: entry must be a mapping, got {type(entry).__name__}")
    unknown = set(entry) - _FIELDS
    if unknown:
        raise ValueError(f"aspect {name!r}: unknown field(s) {sorted(map(str, unknown))}")
    parsed: dict[str, Any] = {key: _text_field(name, key, entry[key]) for key in _TEXT_FIELDS if key in entry}
    if "label" in entry:
        parsed["label"] = _lang_strings(name, "label", entry["label"])
    for key in _LIST_FIELDS:
        if key in entry:
            parsed[key] = _lang_lists(name, key, entry[key])
            if key in _TERM_FIELDS:
                for lang, terms in parsed[key].items():
                    for term in terms:
                        _compile_units(term, f"aspect {name!r}: field {key!r} ({lang})")
    if new and "cx_area" not in parsed:
        raise ValueError(f"aspect {name!r}: missing required field 'cx_area'")
    if new and not any(parsed.get("terms", {}).values()):
        raise ValueError(f"aspect {name!r}: field 'terms' needs at least one term")
    return parsed


def _text_field(name: str, key: str, value: object) -> str:
    if not isinstance(value, str) or (key == "cx_area" and not value.strip()):
        raise ValueError(f"aspect {name!r}: field {key!r} must be a non-empty string")
    return value.strip()


def _lang_strings(name: str, key: str, value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError(f"aspect {name!r}: field {key!r} must map language codes to strings")
    out: dict[str, str] = {}
    for lang, text in value.items():
        _check_lang(name, key, lang)
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"aspect {name!r}: field {key!r} ({lang}) must be a non-empty string")
        out[lang] = text.strip()
    return out


def _lang_lists(name: str, key: str, value: object) -> dict[str, list[str]]:
    if not isinstance(value, Mapping):
        raise ValueError(f"aspect {name!r}: field {key!r} must map language codes to lists of strings")
    out: dict[str, list[str]] = {}
    for lang, items in value.items():
        _check_lang(name, key, lang)
        if isinstance(items, str) or not isinstance(items, Sequence):
            raise ValueError(f"aspect {name!r}: field {key!r} ({lang}) must be a list of strings")
        for item in items:
            if not isinstance(item, str) or not item.strip():
                raise ValueError(
                    f"aspect {name!r}: field {key!r} ({lang}) has a non-string or empty item {item!r}"
                    " (quote YAML words such as 'no', 'on', 'yes')"
                )
        out[lang] = [item.strip() for item in items]
    return out


def _check_lang(name: str, key: str, lang: object) -> None:
    if not isinstance(lang, str) or not _LANG.fullmatch(lang):
        raise ValueError(f"aspect {name!r}: field {key!r} has an invalid language code {lang!r}")


def _merge_into(base: dict[str, Any], update: dict[str, Any]) -> None:
    """Merge a validated ``extra`` entry into a validated base entry (in place)."""
    for key in ("cx_area", "description"):
        if key in update:
            base[key] = update[key]
    if "label" in update:
        base.setdefault("label", {}).update(update["label"])
    for key in ("terms", "examples", "exclude"):
        for lang, items in update.get(key, {}).items():
            current = base.setdefault(key, {}).setdefault(lang, [])
            current.extend(item for item in items if item not in current)


def _freeze(name: str, parsed: Mapping[str, Any]) -> Aspect:
    def lists(key: str) -> Mapping[str, tuple[str, ...]]:
        return MappingProxyType({lang: tuple(items) for lang, items in parsed.get(key, {}).items()})

    return Aspect(
        name=name,
        cx_area=parsed["cx_area"],
        labels=MappingProxyType(dict(parsed.get("label", {}))),
        description=parsed.get("description", ""),
        terms=lists("terms"),
        examples=lists("examples"),
        exclude=lists("exclude"),
    )


# --------------------------------------------------------------------------- compilation


def _compile_units(term: str, where: str) -> tuple[tuple[str, bool], ...]:
    """Split a term into ``(word, exact)`` pairs in the folded matching space."""
    words: list[tuple[str, bool]] = []
    for piece in _TERM_SPLIT.split(fold_ascii(normalize(term))):
        if not piece:
            continue
        word = piece.rstrip("$")
        if not _HAS_WORD_CHAR.search(word):
            raise ValueError(f"{where}: term {term!r} has no letters or digits")
        words.append((word, word != piece or len(word) <= _SHORT_WORD))
    if not words:
        raise ValueError(f"{where}: empty term {term!r}")
    return tuple(words)


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
    units = {_compile_units(spelling, where) for term in terms for spelling in _spellings(term)}
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


class AspectTagger:
    """Tag texts with the taxonomy's aspects (multi-label, rule-based, thread-safe).

    How it stays fast: one regex over the terms of *all* aspects finds the word starts where
    some term begins, in a single pass in C; only there, and only for the aspects that have a
    term starting with those two characters, is an aspect's own regex tried (anchored).

    >>> AspectTagger().tag("Kuryer 3 gün gecikdi, dəstək cavab vermir")
    ['delivery', 'support']
    """

    def __init__(self, taxonomy: Taxonomy | None = None, head: AspectHead | None = None) -> None:
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
        """Return ``text`` in the matching space (normalised, then ASCII-folded)."""
        return fold_ascii(normalize(text))

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


@dataclass
class AspectHead:
    """One-vs-rest logistic regression over the sentence embedding, trained on labelled posts.

    The terms miss complaints that avoid every keyword ("staring at the door for a week"); the head reads
    meaning instead. Only tags with probability >= ``threshold`` (chosen by cross-validation for the
    micro-F1 of terms + head together) are added, so precision stays that of the terms.
    """

    names: tuple[str, ...]
    weights: np.ndarray  # (dim, len(names))
    bias: np.ndarray  # (len(names),)
    threshold: float
    meta: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """P(aspect | text) per aspect, shape (n, len(names))."""
        z = np.asarray(vectors, dtype=np.float32) @ self.weights + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))

    def predict(self, vectors: np.ndarray) -> list[list[str]]:
        """Aspects at or above the threshold, per text."""
        hits = self.probabilities(vectors) >= self.threshold
        return [[self.names[k] for k in np.flatnonzero(row)] for row in hits]

    @property
    def digest(self) -> str:
        """Short content hash, part of ``model_version``."""
        h = hashlib.sha256(np.ascontiguousarray(self.weights, dtype=np.float32).tobytes())
        h.update(np.ascontiguousarray(self.bias, dtype=np.float32).tobytes())
        h.update(f"{self.threshold}{self.names}".encode())
        return h.hexdigest()[:8]

    def save(self, path: str | Path) -> None:
        """One ``.npz`` with the weights and a JSON metadata entry."""
        meta = {**self.meta, "names": list(self.names), "threshold": self.threshold}
        np.savez_compressed(path, meta=np.array(json.dumps(meta, sort_keys=True)),
                            weights=self.weights.astype(np.float32), bias=self.bias.astype(np.float32))

    @classmethod
    def load(cls, path: str | Path = DEFAULT_ASPECT_HEAD) -> AspectHead | None:
        """The head in ``path``, or None when there is none (terms alone then)."""
        path = Path(path)
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            return cls(tuple(meta["names"]), data["weights"], data["bias"], float(meta["threshold"]), meta)


def _blank(pattern: re.Pattern[str], text: str) -> str:
    """Replace matches of ``pattern`` by spaces (keeps positions and word boundaries)."""
    return pattern.sub(lambda match: " " * len(match.group()), text)
