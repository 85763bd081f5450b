"""Interface strings, plural forms and number/date formatting per report language.

Missing translations fall back to English key by key, so a partial translation never breaks a report.
Formatting follows each locale's conventions (decimal comma and grouping in az, tr, ru, hy); plural
categories and dates come from Babel's CLDR data, so "8 упоминаний" and "23 нояб. 2026 г." are right
without hand-written rules. Negative numbers always carry the typographic minus "−" (U+2212).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale
from babel.dates import format_date

from core.languages import UI_LANGUAGES

LANGS = UI_LANGUAGES
MINUS = "\u2212"
_STRINGS_FILE = Path(__file__).parent / "templates" / "strings.yaml"
_TERMS_FILE = Path(__file__).parent / "templates" / "terms.yaml"
# (thousands separator, decimal separator)
_LOCALE = {
    "en": (",", "."),
    "az": ("\u00a0", ","),
    "tr": (".", ","),
    "hy": ("\u00a0", ","),
    "ru": ("\u00a0", ","),
}


@cache
def _all_strings() -> dict[str, dict[str, str]]:
    return yaml.safe_load(_STRINGS_FILE.read_text(encoding="utf-8"))


@cache
def _terms() -> dict[str, Any]:
    return yaml.safe_load(_TERMS_FILE.read_text(encoding="utf-8"))


def strings(lang: str) -> dict[str, str]:
    """Interface strings for ``lang`` with English fallbacks."""
    table = _all_strings()
    return {**table["en"], **table.get(lang, {})}


def cx_area(name: str, lang: str, labels: dict[str, str] | None = None) -> str:
    """The "who should act" text in ``lang``: the aspect's own labels, then the shipped table, then as given."""
    if labels and labels.get(lang):
        return labels[lang]
    if lang == "en":
        return name
    return _terms()["cx_areas"].get(name, {}).get(lang) or name


class Formatter:
    """Locale-aware numbers, percentages, plurals and dates for templates."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in _LOCALE else "en"
        self.thousands, self.decimal = _LOCALE[self.lang]
        self.locale = Locale.parse(self.lang)

    def num(self, value: float | None, digits: int = 0) -> str:
        """1234.5 → '1,234.5' (en) / '1 234,5' (az); −3, never a hyphen-minus."""
        if value is None:
            return "—"
        text = f"{value:,.{digits}f}"
        if text.startswith("-"):
            # A value that rounds to zero shows as 0, not −0.
            text = text[1:] if not text.strip("-0.,") else MINUS + text[1:]
        return text.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.thousands)

    def pct(self, value: float | None, digits: int = 0, *, signed: bool = False) -> str:
        """0.253 → '25%' ('+25%' when signed); −12% for a fall."""
        if value is None:
            return "—"
        text = self.num(100 * value, digits)
        sign = "+" if signed and not text.startswith(MINUS) and text.strip("0,.\u00a0") else ""
        return f"{sign}{text}%"

    def delta(self, value: float | None, digits: int = 0) -> str:
        """A change in a count: +12 / −3 / 0."""
        if value is None:
            return "—"
        sign = "+" if value > 0 else MINUS if value < 0 else ""
        return sign + self.num(abs(value), digits)

    def signed(self, value: float | None, digits: int = 2) -> str:
        """Net sentiment style: +0.35 / −0.12."""
        if value is None:
            return "—"
        return ("+" if value >= 0 else MINUS) + self.num(abs(value), digits)

    def count(self, n: int, noun: str) -> str:
        """'8 mentions' / '8 qeyd' / '8 упоминаний': the CLDR plural form of ``noun`` for ``n``."""
        forms = _terms()["plurals"].get(self.lang, {}).get(noun) or _terms()["plurals"]["en"][noun]
        form = forms.get(self.locale.plural_form(abs(n))) or forms["other"]
        return form.format(n=self.num(n))

    def about(self, aspect: str, label: str) -> str:
        """An aspect as the object of "complaints ...", in the case the language needs."""
        phrases = _terms()["about"].get(self.lang) or _terms()["about"]["en"]
        return (phrases.get(aspect) or phrases["_default"]).format(label=label)

    def date(self, value: date | datetime | None) -> str:
        """Locale date from CLDR (medium format): 'Nov 23, 2026', '23 noy 2026', '23 нояб. 2026 г.'."""
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.date()
        return format_date(value, format="medium", locale=self.locale)
