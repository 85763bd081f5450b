"""Interface strings and number/date formatting per report language.

Missing translations fall back to English key by key, so a partial translation never breaks a report.
Formatting follows each locale's conventions (decimal comma and grouping in az, tr, ru, hy).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import yaml

LANGS = ("en", "az", "tr", "hy", "ru")
_STRINGS_FILE = Path(__file__).parent / "templates" / "strings.yaml"
# (thousands separator, decimal separator, date pattern)
_LOCALE = {
    "en": (",", ".", "%d %b %Y"),
    "az": ("\u00a0", ",", "%d.%m.%Y"),
    "tr": (".", ",", "%d.%m.%Y"),
    "hy": ("\u00a0", ",", "%d.%m.%Y"),
    "ru": ("\u00a0", ",", "%d.%m.%Y"),
}


@cache
def _all_strings() -> dict[str, dict[str, str]]:
    return yaml.safe_load(_STRINGS_FILE.read_text(encoding="utf-8"))


def strings(lang: str) -> dict[str, str]:
    """Interface strings for ``lang`` with English fallbacks."""
    table = _all_strings()
    return {**table["en"], **table.get(lang, {})}


class Formatter:
    """Locale-aware numbers, percentages and dates for templates."""

    def __init__(self, lang: str) -> None:
        self.thousands, self.decimal, self.date_pattern = _LOCALE.get(lang, _LOCALE["en"])

    def num(self, value: float | None, digits: int = 0) -> str:
        """1234.5 → '1,234.5' (en) / '1 234,5' (az)."""
        if value is None:
            return "—"
        text = f"{value:,.{digits}f}"
        return text.replace(",", "\x00").replace(".", self.decimal).replace("\x00", self.thousands)

    def pct(self, value: float | None, digits: int = 0, *, signed: bool = False) -> str:
        """0.253 → '25%' ('+25%' when signed)."""
        if value is None:
            return "—"
        sign = "+" if signed and value > 0 else ""
        return f"{sign}{self.num(100 * value, digits)}%"

    def delta(self, value: float | None, digits: int = 0) -> str:
        """A change in a count: +12 / −3 / 0."""
        if value is None:
            return "—"
        sign = "+" if value > 0 else "\u2212" if value < 0 else ""
        return sign + self.num(abs(value), digits)

    def signed(self, value: float | None, digits: int = 2) -> str:
        """Net sentiment style: +0.35 / −0.12."""
        if value is None:
            return "—"
        return ("+" if value >= 0 else "\u2212") + self.num(abs(value), digits)

    def date(self, value: date | None) -> str:
        """Locale date."""
        return value.strftime(self.date_pattern) if value else "—"
