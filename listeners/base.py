"""The shared base of the search-API listeners: options and credentials, per-query cursors, the pages loop.

A source that searches an API query by query (x, reddit, bluesky today) subclasses ``QueryListener`` and
brings a query builder, a parser and a client. It sets:

- ``options_model``: its ``options:`` model (an ``HttpOptions``, so unknown keys and bad URLs fail alike);
- ``credentials``: the secrets it needs, in order, each a ``Credential`` (variable, Secret-block option, hint);

and implements:

- ``build_queries(source, settings, options)``: the queries, from ``source.queries`` or the brands;
- ``open_client(*secrets)``: a logged-in API client, anything with ``close()``;
- ``query_pages(run, key, query)``: the pages of one query, resuming from ``run.cursors.get(key)`` and
  ending each with ``run.checkpoint(page)``; ``run.parse_page`` turns raw items into a Page.

Optional: ``query_key`` (the cursor key of a query; default its text), ``restore`` (clean one saved state),
``cursor_field`` (the cursor's top-level key, default ``"queries"``) and ``end_run`` (log what a run skipped).
Its package registers it (``registry.register("name", description=...)(MyListener.from_config)``) and
``listeners/__init__.py`` imports the package.

The base owns the rest: validating options (``parse_options``), reading credentials only when ``pages()``
starts (``voxpop check`` calls ``read_credentials``), the cursor ``{"v": 1, "<cursor_field>": {key: state}}``
stored in users' cursors.json (states of queries no longer configured are dropped), one client and one set
of already-yielded ids per ``pages()`` call (queries overlap), and closing the client whatever happens.
"""

from __future__ import annotations

import copy
import itertools
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, cast

from pydantic import BaseModel, SecretStr

from core.config import Settings, Source
from core.redact import register_basic_auth
from core.types import Mention, Page, Rejected
from listeners.credentials import secret
from listeners.normalize import BrandMatcher
from listeners.options import OptionsT, parse_options


class Client(Protocol):
    """What the base needs of an API client: a way to release it."""

    def close(self) -> None:
        """Release connections (and anything else the client holds)."""


QueryT = TypeVar("QueryT")
ClientT = TypeVar("ClientT", bound=Client)


@dataclass(frozen=True)
class Credential:
    """One secret a source needs: its environment variable, the option naming a Prefect Secret block, a hint."""

    env_var: str
    block_option: str
    hint: str  # where to get the value; ends the "not set" error


class Cursors:
    """Every query's resumable state, keyed per query; ``snapshot()`` is the cursor a page carries."""

    def __init__(self, field: str, states: dict[str, dict[str, Any]], version: int = 1) -> None:
        self.field = field
        self.states = states
        self.version = version

    @classmethod
    def load(cls, cursor: Mapping[str, Any] | None, keys: Iterable[str], *, field: str, version: int,
             restore: Callable[[Mapping[str, Any]], dict[str, Any]], source: str, log: logging.Logger) -> Cursors:
        """The states saved in ``cursor`` for ``keys``, each cleaned by ``restore``; other keys are dropped."""
        saved = (cursor or {}).get(field)
        if cursor and not isinstance(saved, Mapping):
            log.warning("source %s: ignoring a cursor without '%s' (older format?)", source, field)
        saved = saved if isinstance(saved, Mapping) else {}
        states = {key: restore(saved[key]) for key in keys if isinstance(saved.get(key), Mapping)}
        return cls(field, states, version)

    def get(self, key: str) -> dict[str, Any]:
        """The state of one query ({} before its first page)."""
        return self.states.get(key, {})

    def set(self, key: str, state: dict[str, Any]) -> None:
        """Replace one query's state; pages checkpointed after this carry it."""
        self.states[key] = state

    def snapshot(self) -> dict[str, Any]:
        """The cursor as stored: ``{"v": version, field: {key: state}}``, a copy."""
        return {"v": self.version, self.field: copy.deepcopy(self.states)}


class Run(Generic[ClientT]):
    """One ``pages()`` call: its open client, every query's state, the ids already yielded and skip counts."""

    def __init__(self, source: str, client: ClientT, cursors: Cursors) -> None:
        self.source = source
        self.client = client
        self.cursors = cursors
        self.seen: set[str] = set()  # native ids yielded this run (queries and pages overlap)
        self.skipped: Counter[str] = Counter()  # what was dropped on purpose, for ``end_run`` to log

    def checkpoint(self, page: Page) -> Page:
        """``page`` with the cursor of every query's current state (the flow saves it once the page is stored)."""
        page.cursor = self.cursors.snapshot()
        return page

    def parse_page(self, items: Iterable[Any], parse: Callable[[Any], Mention], *, label: Callable[[Any], str],
                   scrub: Callable[[Any], dict[str, Any]], keep: Callable[[Mention], bool] | None = None) -> Page:
        """A page of ``parse``-d items; each native id once per run.

        ``parse`` raises ValueError for a broken item: it is quarantined as ``"<label(item)>: <reason>"`` with
        ``scrub(item)`` (the raw item minus what would undo pseudonymisation). ``keep`` drops parsed mentions
        (after they count as seen).
        """
        page = Page()
        for item in items:
            try:
                mention = parse(item)
            except ValueError as exc:
                page.rejects.append(Rejected(self.source, f"{label(item)}: {exc}", scrub(item)))
                continue
            if mention.native_id in self.seen:
                continue  # another query (or page) of this run already yielded it
            self.seen.add(mention.native_id)
            if keep is None or keep(mention):
                page.mentions.append(mention)
        return page


class QueryListener(Generic[OptionsT, QueryT, ClientT]):
    """A source searched query by query, each query resumable from its own state in the cursor."""

    options_model: ClassVar[type[BaseModel]]
    credentials: ClassVar[tuple[Credential, ...]] = ()
    cursor_field: ClassVar[str] = "queries"
    cursor_version: ClassVar[int] = 1
    log: ClassVar[logging.Logger] = logging.getLogger(__name__)  # each source sets its own

    def __init__(self, name: str, queries: list[QueryT], options: OptionsT, matcher: BrandMatcher) -> None:
        self.name = name
        self.queries = queries
        self.options = options
        self.matcher = matcher  # for sources whose API returns more than the brands (comments, no NOT)

    @classmethod
    def from_config(cls, source: Source, settings: Settings) -> Self:
        """Validate ``options`` and build the queries; credentials are read later, in ``pages()``."""
        options = cast("OptionsT", parse_options(cls.options_model, source))
        return cls(source.name, cls.build_queries(source, settings, options), options, BrandMatcher(settings))

    @classmethod
    def build_queries(cls, source: Source, settings: Settings, options: OptionsT) -> list[QueryT]:
        """The queries: ``source.queries`` as the API takes them, else built from the brands."""
        raise NotImplementedError

    def read_credentials(self) -> tuple[SecretStr, ...]:
        """Every secret in ``credentials`` order; ``voxpop check`` calls this to warn about missing ones."""
        blocks = self.options.model_dump(include={c.block_option for c in self.credentials})
        secrets = tuple(secret(self.name, c.env_var, options=blocks, block_option=c.block_option, hint=c.hint)
                        for c in self.credentials)
        for user, password in itertools.pairwise(secrets):  # an id and its secret may travel as HTTP Basic auth
            register_basic_auth(user.get_secret_value(), password.get_secret_value())
        return secrets

    def client(self) -> ClientT:
        """An open API client with this source's credentials (a missing one raises MissingCredentialsError)."""
        return self.open_client(*self.read_credentials())

    def open_client(self, *secrets: SecretStr) -> ClientT:
        """The API client, logged in if the API has sessions (close what is half-open before raising)."""
        raise NotImplementedError

    def query_key(self, query: QueryT) -> str:
        """The cursor key of ``query``: its text unless the source shortens it."""
        return str(query)

    def restore(self, saved: Mapping[str, Any]) -> dict[str, Any]:
        """One query's state as saved in the cursor, cleaned of anything unusable (default: a plain copy)."""
        return dict(saved)

    def query_pages(self, run: Run[ClientT], key: str, query: QueryT) -> Iterator[Page]:
        """The pages of one query, each ending with ``run.checkpoint(page)``."""
        raise NotImplementedError

    def end_run(self, run: Run[ClientT]) -> None:
        """Called once the client is closed, even after a failure; logs what the run skipped."""

    def load_cursors(self, cursor: Mapping[str, Any] | None) -> Cursors:
        """The saved state of every configured query (``restore``-d); states of other queries are dropped."""
        return Cursors.load(cursor, [self.query_key(q) for q in self.queries], field=self.cursor_field,
                            version=self.cursor_version, restore=self.restore, source=self.name, log=self.log)

    def pages(self, cursor: Mapping[str, Any] | None) -> Iterator[Page]:
        """Pages of every query in turn; each page's cursor holds every query's state."""
        cursors = self.load_cursors(cursor)
        run = Run(self.name, self.client(), cursors)
        try:
            for query in self.queries:
                yield from self.query_pages(run, self.query_key(query), query)
        finally:
            run.client.close()
            self.end_run(run)
