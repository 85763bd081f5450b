"""The languages voxpop speaks, written once: the interface languages and the languages it listens in."""

from __future__ import annotations

from typing import Literal, get_args

UiLanguage = Literal["en", "az", "tr", "hy", "ru"]
# Reports, CLI messages and (later) alerts and the explorer are localised into these.
UI_LANGUAGES: tuple[str, ...] = get_args(UiLanguage)
# The home markets' languages: what a project listens in unless it says otherwise.
HOME_LANGUAGES: tuple[str, ...] = ("az", "tr", "hy", "ru", "en")
# ISO 639-1 codes lingua can tell apart that our users write in; extendable per project.
SUPPORTED_LANGUAGES: tuple[str, ...] = (*HOME_LANGUAGES, "ka", "kk", "uk", "de", "fr", "es", "ar", "fa")
