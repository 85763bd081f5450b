"""The Listener protocol and the registry of listener types (``Mention`` and ``Page`` live in ``core.types``).

A listener only talks to its source: it yields pages of ``Mention`` objects plus the records it could
not parse (with a reason) and the cursor that resumes after the page. It knows nothing of NLP or
storage; the flow stores a page and only then saves its cursor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol, runtime_checkable

from core.config import Settings, Source
from core.errors import ConfigError, MissingCredentialsError, VoxpopError
from core.types import Page
from listeners.credentials import secret_blocks_unchecked


@runtime_checkable
class Listener(Protocol):
    """What every source implements."""

    name: str

    def pages(self, cursor: Mapping[str, Any] | None) -> Iterator[Page]:
        """Yield pages newer than ``cursor`` (None: from the start)."""
        ...


ListenerFactory = Callable[[Source, Settings], Listener]


class Registry:
    """Listener types by name, with aliases; an unknown name lists the valid ones."""

    def __init__(self) -> None:
        self._factories: dict[str, ListenerFactory] = {}
        self._aliases: dict[str, str] = {}
        self.descriptions: dict[str, str] = {}

    def register(self, name: str, *aliases: str, description: str = "") -> Callable[[Any], Any]:
        """Decorator: ``factory(source, settings)`` builds listeners of type ``name`` (and its aliases)."""
        def deco(factory: Any) -> Any:
            self._factories[name] = factory
            self.descriptions[name] = description or (factory.__doc__ or "").strip().splitlines()[0]
            for alias in aliases:
                self._aliases[alias] = name
            return factory

        return deco

    def names(self) -> list[str]:
        """The registered type names, sorted (aliases left out)."""
        return sorted(self._factories)

    def create(self, source: Source, settings: Settings) -> Listener:
        """Build the listener of ``source`` (no request is made); an unknown type is a ConfigError."""
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


registry = Registry()
