"""Aspect taxonomies: industry packs of pain-point aspects, their YAML format, and its validation.

Packs: ``nlp/taxonomies/<name>.yaml`` holds one industry's aspects (``ecommerce``, the default, alias
``retail``; ``banking``, alias ``fintech``; ``telecom``), chosen with ``model.taxonomy``. A pack may
``include`` aspects of another pack by ``pack.aspect`` (generic ones such as support or privacy).
A user's config may add aspects or extend a pack's (``model.extra_aspects``, the same shape).

Every aspect has word stems per language (``terms``); their syntax (a trailing ``$`` for a whole word,
words of a phrase split on spaces, "-" or "_") is parsed by :func:`term_units`, here so that a malformed
term is reported when the pack loads. How terms match text is ``nlp.aspects.matching``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from core.errors import ConfigError
from core.text import fold_ascii, normalize

TAXONOMIES_DIR = Path(__file__).parents[1] / "taxonomies"
DEFAULT_PACK = "ecommerce"
PACKS = ("ecommerce", "banking", "telecom")
PACK_ALIASES = {"retail": "ecommerce", "delivery": "ecommerce", "fintech": "banking"}
DEFAULT_TAXONOMY_PATH = TAXONOMIES_DIR / f"{DEFAULT_PACK}.yaml"

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_LANG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]+)?")
_TEXT_FIELDS = ("cx_area", "description")
_LIST_FIELDS = ("terms", "examples", "exclude")
_TERM_FIELDS = ("terms", "exclude")
_FIELDS = frozenset({*_TEXT_FIELDS, "label", *_LIST_FIELDS})
_TERM_SPLIT = re.compile(r"[\s_\-]+")
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
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
                        term_units(term, f"aspect {name!r}: field {key!r} ({lang})")
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


# --------------------------------------------------------------------------- term syntax


def term_units(term: str, where: str) -> tuple[tuple[str, bool], ...]:
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

