"""Text normalisation shared by brand matching (listeners) and the aspect tagger (nlp).

It lives in the shell package so both layers use one definition without importing each other.

Social posts in az/tr/hy/ru/en mix scripts, keyboards and casing conventions. Everything that
compares words (aspect terms, brand names) should go through the same two steps so both sides
of a comparison look alike:

* :func:`normalize` - canonical, case-insensitive form (kept in the original alphabet);
* :func:`fold_ascii` - an extra, lossy fold that makes "çatdırılma", "catdirilma" and
  "çatdirilma" identical, because many people type Azerbaijani and Turkish without the
  special letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "display_safe", "fold_ascii", "match_form", "normalize", "term_pattern", "tokenize_words", "whole_word_terms",
]

# Invisible characters that split or glue words without being visible: zero-width space /
# non-joiner / joiner, word joiner, BOM, soft hyphen. Also Armenian in-word marks (emphasis,
# exclamation, question - they sit *inside* the stressed word, e.g. "ե՞րբ") and the combining
# acute used for Russian stress marks; removing them keeps the word in one piece.
_DROP = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u055b\u055c\u055e\u0301]")

_WHITESPACE = re.compile(r"\s+")

_FOLD_PAIRS: tuple[tuple[str, str], ...] = tuple(
    {
        # Azerbaijani / Turkish Latin letters -> ASCII (lower and upper case).
        "ə": "e", "Ə": "E", "ı": "i", "İ": "I", "ş": "s", "Ş": "S",
        "ç": "c", "Ç": "C", "ğ": "g", "Ğ": "G", "ö": "o", "Ö": "O", "ü": "u", "Ü": "U",
        # Turkish circumflex vowels (hâlâ, kâr) and a few common Latin accents.
        "â": "a", "î": "i", "û": "u", "ä": "a", "é": "e",
        # Russian ё is usually typed as е.
        "ё": "е", "Ё": "Е",
        # Azerbaijani Cyrillic letters -> what people type on a Russian keyboard.
        "ә": "е", "Ә": "Е", "ғ": "г", "Ғ": "Г", "ҝ": "к", "Ҝ": "К", "ҹ": "ч", "Ҹ": "Ч",
        "ү": "у", "Ү": "У", "ө": "о", "Ө": "О", "һ": "х", "Һ": "Х", "ј": "й", "Ј": "Й",
    }.items()
)  # fmt: skip

# A "word" is a run of letters or digits (any script). Underscores, apostrophes, hyphens and
# '#' separate words: "Narmart'tan" -> narmart, tan; "#catdirilma" -> catdirilma.
_WORD = re.compile(r"[^\W_]+")


def normalize(text: str) -> str:
    """Return the canonical, case-insensitive form of ``text``.

    NFKC (full-width letters, ligatures such as Armenian "և", compatibility digits), then
    "İ" -> "i" followed by :meth:`str.casefold`, removal of zero-width characters and in-word
    marks, and whitespace collapsed to single spaces.

    Why "İ" is mapped by hand: ``"İ".casefold()`` is "i" + U+0307 (a combining dot), which would
    break every Turkish/Azerbaijani word that starts with "İ". Dotless "ı" survives casefold,
    while a plain "I" becomes "i" (not "ı"): the language of an upper-case "I" cannot be known
    reliably, and :func:`fold_ascii` maps "ı" to "i" anyway, so matching does not depend on it.
    """
    if not text:
        return ""
    text = _DROP.sub("", unicodedata.normalize("NFKC", text)).replace("İ", "i").casefold()
    return _WHITESPACE.sub(" ", text).strip()


def fold_ascii(text: str) -> str:
    """Fold Azerbaijani/Turkish letters to ASCII (ə→e, ı→i, ş→s, ç→c, ğ→g, ö→o, ü→u).

    Also folds "ё"→"е" and Azerbaijani Cyrillic letters (ә, ғ, ҝ, ҹ, ү, ө, һ, ј) to their
    Russian-keyboard look-alikes. Digraph spellings such as "sh"/"ch" are left as they are.
    The mapping is letter-to-letter, so word boundaries and string length are preserved.
    """
    if text.isascii():
        return text
    # A chain of C-level replace() calls on the letters present is several times faster
    # than str.translate() with a dict, which looks up every character in Python.
    for letter, ascii_letter in _FOLD_PAIRS:
        if letter in text:
            text = text.replace(letter, ascii_letter)
    return text


def tokenize_words(text: str) -> list[str]:
    """Split ``text`` into normalised word tokens (letters/digits of any script)."""
    return _WORD.findall(normalize(text))


def match_form(text: str) -> str:
    """The form both texts and terms are compared in: normalised, then ASCII-folded."""
    return fold_ascii(normalize(text))


def term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One regex matching any term at a word start, for use on ``match_form(text)``.

    A trailing ``$`` on a term demands a whole word (for short or ambiguous terms). Whitespace inside a
    phrase matches any run of whitespace. Returns None when there are no terms.
    """
    alternatives: set[str] = set()
    for raw in terms:
        exact = raw.endswith("$")
        form = match_form(raw.removesuffix("$"))
        if not form:
            continue
        body = r"\s+".join(re.escape(part) for part in form.split(" "))
        alternatives.add(body + (r"(?!\w)" if exact else ""))
    if not alternatives:
        return None
    ordered = sorted(alternatives, key=len, reverse=True)  # longest first: report the fullest match
    return re.compile(r"(?<!\w)(?:" + "|".join(ordered) + ")")


def whole_word_terms(terms: Iterable[str]) -> list[str]:
    """``terms`` with the whole-word rule spread: a term also listed with a trailing ``$`` gets it too.

    Why: a brand's name is one of its terms, so ``name: ABB`` with ``keywords: [ABB$]`` must not let the
    name match "Abbas" at a word start. Forms are compared after :func:`match_form`, so "ABB" and "abb$"
    are one term. A term never written with ``$`` keeps matching at word starts ("Narmart'tan").
    """
    items = list(terms)
    exact = {match_form(t.removesuffix("$")) for t in items if t.endswith("$")}
    return [t if t.endswith("$") or match_form(t) not in exact else f"{t}$" for t in items]


# C0/C1 controls (terminal escape sequences start with ESC) and the bidi embedding, override and isolate
# controls, which reorder the text that follows them on screen; tab and newline stay.
_UNSAFE_DISPLAY = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def display_safe(text: str) -> str:
    """``text`` without control characters that could drive a terminal or reorder a line (for display only)."""
    return _UNSAFE_DISPLAY.sub("", text)
