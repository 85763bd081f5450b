"""Text normalisation shared by brand matching (listeners) and aspect tagging (nlp).

Kept in the shell package so both layers use one definition without importing each other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_ZERO_WIDTH = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
# Azerbaijani/Turkish letters people drop when typing on phones; folding both sides lets one term
# list match "çatdırılma" and "catdirilma".
_ASCII_FOLD = str.maketrans({"ə": "e", "ı": "i", "ş": "s", "ç": "c", "ğ": "g", "ö": "o", "ü": "u", "â": "a",
                             "î": "i", "û": "u"})


def normalize(text: str) -> str:
    """NFKC, drop zero-width characters, Turkic-aware lower case, collapse whitespace.

    ``str.casefold`` turns "İ" into "i̇" (i + combining dot), which breaks matching; mapping "İ" to "i"
    first keeps Turkish and Azerbaijani words intact. Dotless "ı" stays "ı" (it is a different letter).
    """
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text).replace("İ", "i").casefold()
    return _SPACES.sub(" ", text).strip()


def fold_ascii(text: str) -> str:
    """Map Azerbaijani/Turkish letters to their ASCII look-alikes (on already normalised text)."""
    return text.translate(_ASCII_FOLD)


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
