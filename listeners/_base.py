"""The Listener protocol, the normalised ``Mention`` and the registry of listener types.

A listener only talks to its source: it yields pages of ``Mention`` objects plus the records it could
not parse (with a reason) and the cursor that resumes after the page. It knows nothing of NLP or
storage; the flow stores a page and only then saves its cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ValidationError

from listeners._credentials import secret_blocks_unchecked
from storage.schema import Rejected
from voxpop.config import Settings, Source
from voxpop.errors import ConfigError, MissingCredentialsError, VoxpopError


@dataclass(frozen=True, slots=True)
class Mention:
    """One post, comment or review as the source gave it, before brand matching and scoring."""

    platform: str
    native_id: str
    text: str
    created_at: datetime
    url: str | None = None
    author: str | None = None
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    views: int | None = None
    thread_id: str | None = None
    parent_id: str | None = None
    brand_hint: str | None = None  # set when the whole source is about one brand (e.g. our own reviews)
    # Declared extra columns of a file import as (name, value-as-text) pairs: a tuple, so the frozen
    # Mention stays immutable and no default is shared mutable state.
    extras: tuple[tuple[str, str], ...] = ()

    @property
    def mention_id(self) -> str:
        """The dedupe key: ``platform:native_id``."""
        return f"{self.platform}:{self.native_id}"


@dataclass(slots=True)
class Page:
    """A batch from a source, the records it rejected, and the cursor to resume after it."""

    mentions: list[Mention] = field(default_factory=list)
    rejects: list[Rejected] = field(default_factory=list)
    cursor: dict[str, Any] | None = None


@runtime_checkable
class Listener(Protocol):
    """What every source implements."""

    name: str

    def pages(self, cursor: Mapping[str, Any] | None) -> Iterator[Page]:
        """Yield pages newer than ``cursor`` (None: from the start)."""
        ...


ListenerFactory = Callable[[Source, Settings], Listener]


class _Registry:
    """Listener types by name, with aliases; an unknown name lists the valid ones."""

    def __init__(self) -> None:
        self._factories: dict[str, ListenerFactory] = {}
        self._aliases: dict[str, str] = {}
        self.descriptions: dict[str, str] = {}

    def register(self, name: str, *aliases: str, description: str = "") -> Callable[[Any], Any]:
        def deco(factory: Any) -> Any:
            self._factories[name] = factory
            self.descriptions[name] = description or (factory.__doc__ or "").strip().splitlines()[0]
            for alias in aliases:
                self._aliases[alias] = name
            return factory

        return deco

    def names(self) -> list[str]:
        return sorted(self._factories)

    def create(self, source: Source, settings: Settings) -> Listener:
        kind = self._aliases.get(source.type, source.type)
        factory = self._factories.get(kind)
        if factory is None:
            raise ConfigError(
                f"source '{source.name}': unknown type '{source.type}'; valid types: {', '.join(self.names())}"
            )
        return factory(source, settings)


    def check(self, source: Source, settings: Settings) -> tuple[list[str], list[str]]:
        """(errors, warnings) for one source, found by building its listener exactly as ``listen`` does.

        No request is made: listeners read files and talk to APIs only in ``pages()``. Credentials are
        looked up (environment variables; a named Prefect Secret block is taken on trust, not loaded), and a
        missing one is a warning, since ``listen`` skips such a source. A file source's missing path is a
        warning too: the export may not have been dropped there yet.
        """
        try:
            listener = self.create(source, settings)
        except ConfigError as exc:
            return list(exc.problems), []
        except VoxpopError as exc:
            return [str(exc)], []
        warnings = []
        read = getattr(listener, "read_credentials", None)
        if read is not None:
            try:
                with secret_blocks_unchecked():
                    read()
            except MissingCredentialsError as exc:
                warnings.append(f"{exc} (listen skips this source until then)")
        files = getattr(listener, "files", None)
        if files is not None:
            try:
                files()
            except VoxpopError as exc:
                warnings.append(str(exc))
        return [], warnings


registry = _Registry()

OptionsT = TypeVar("OptionsT", bound=BaseModel)


def parse_options(model: type[OptionsT], source: Source) -> OptionsT:
    """Validate a source's ``options`` against ``model``; errors name each option and what is allowed."""
    try:
        return model(**source.options)
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False):
            loc = ".".join(str(p) for p in err["loc"])
            msg = (f"unknown option; allowed: {', '.join(model.model_fields)}"
                   if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, "))
            lines.append(f"  - options.{loc}: {msg}")
        head = f"source '{source.name}' (type {source.type}): invalid options"
        problems = tuple(f"source '{source.name}' (type {source.type}): {line.strip().removeprefix('- ')}"
                         for line in lines)
        raise ConfigError("\n".join([head, *lines]), problems) from None
