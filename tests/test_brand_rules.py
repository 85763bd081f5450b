"""Brand names obey the whole-word rule of their keywords (issue 12, defect 7)."""

from __future__ import annotations

import pytest

from core.config import settings_from_mapping
from core.text import whole_word_terms
from listeners import BrandMatcher

BANK = {
    "brands": [{"name": "Kapital Bank", "keywords": ["Kapital Bank", "kapitalbank", "Капитал Банк"]}],
    "competitors": [
        {"name": "ABB", "keywords": ["ABB$", "abb.az"]},
        {"name": "Leobank", "keywords": ["Leobank", "Леобанк"]},
    ],
}


@pytest.fixture
def matcher() -> BrandMatcher:
    return BrandMatcher(settings_from_mapping(BANK))


@pytest.mark.parametrize(
    ("text", "brands"),
    [
        ("Abbas müəllim deyir ki, kredit faizləri artıb", []),
        ("Аббас говорит, что приложение не работает", []),
        ("ABB kartı yenə işləmir", ["ABB"]),
        ("abb'de hesabım var, komisyon yüksek", ["ABB"]),
        ("Leobank'dan köçürmə gəlmədi", ["Leobank"]),
        ("leobankdan pul çıxmır", ["Leobank"]),
        ("Kapital Bank-ın tətbiqi çökür", ["Kapital Bank"]),
        ("Капитал Банке сказали подождать, ABB быстрее", ["Kapital Bank", "ABB"]),
    ],
)
def test_name_matches_like_its_keywords(matcher: BrandMatcher, text: str, brands: list[str]) -> None:
    found, _, _ = matcher.match(text)
    assert [name for name, _ in found] == brands


def test_name_without_dollar_keeps_matching_suffixes() -> None:
    settings = settings_from_mapping({"brands": [{"name": "Narmart", "keywords": ["Нармарт"]}]})
    found, terms, _ = BrandMatcher(settings).match("narmartdan sifariş etdim, Narmart'tan da")
    assert [n for n, _ in found] == ["Narmart"]
    assert terms == ["Narmart"]


def test_whole_word_terms_spreads_the_dollar_across_spellings() -> None:
    assert whole_word_terms(["ABB", "abb$", "Abb bank", "Leobank"]) == ["ABB$", "abb$", "Abb bank", "Leobank"]
    assert whole_word_terms(["Narmart", "narmart"]) == ["Narmart", "narmart"]
