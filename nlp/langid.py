"""Language identification with lingua, restricted to the project's languages.

Social text is noisy: URLs, handles and emoji carry no language, so they are stripped first, and a text
with almost no letters left is 'und' rather than a confident guess. Armenian script is unambiguous and
short-circuits. Known limit (lingua): Armenian typed in Latin letters is usually reported as another
Latin-script language.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

from core.errors import ConfigError

UNDETERMINED = "und"
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][\w.]+|\d+")
_LETTER = re.compile(r"[^\W\d_]")
_ARMENIAN = re.compile(r"[\u0531-\u0587]")
_MIN_LETTERS = 3


class LanguageIdentifier:
    """Detects one of ``languages`` (ISO 639-1 codes) per text, with a confidence in [0, 1]."""

    def __init__(self, languages: Sequence[str]) -> None:
        self.codes = tuple(dict.fromkeys(code.strip().lower() for code in languages))
        unknown = [code for code in self.codes if not hasattr(IsoCode639_1, code.upper())]
        if unknown or not self.codes:
            given = unknown or "(none given)"
            raise ConfigError(f"unknown language code(s) {given}; use ISO 639-1 codes like az, tr, hy")
        self._lingua = tuple(
            Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in self.codes
        )

    @cached_property
    def _detector(self):
        return LanguageDetectorBuilder.from_languages(*self._lingua).build()

    def detect(self, texts: Sequence[str]) -> list[tuple[str, float]]:
        """(code, confidence) for each text, in order."""
        cleaned = [_NOISE.sub(" ", t or "") for t in texts]
        out: list[tuple[str, float] | None] = [None] * len(texts)
        todo: list[int] = []
        for i, text in enumerate(cleaned):
            letters = _LETTER.findall(text)
            if len(letters) < _MIN_LETTERS:
                out[i] = (UNDETERMINED, 0.0)
            elif "hy" in self.codes and sum(1 for ch in letters if _ARMENIAN.match(ch)) > len(letters) / 2:
                out[i] = ("hy", 1.0)
            elif len(self.codes) == 1:
                out[i] = (self.codes[0], 1.0)
            else:
                todo.append(i)
        if todo:
            # Long texts add nothing to the decision but cost time: the first 1,000 characters suffice.
            values = self._detector.compute_language_confidence_values_in_parallel(
                [cleaned[i][:1000] for i in todo]
            )
            for i, ranked in zip(todo, values, strict=True):
                top = ranked[0] if ranked else None
                if top is None or top.value <= 0:
                    out[i] = (UNDETERMINED, 0.0)
                else:
                    out[i] = (top.language.iso_code_639_1.name.lower(), float(top.value))
        return [o if o is not None else (UNDETERMINED, 0.0) for o in out]
