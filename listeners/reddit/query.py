"""Reddit search queries in lucene syntax, and the narrowest time filter that reaches back far enough.

Brands without exclusions share one OR query; a brand with ``exclude`` terms gets its own, so its ``NOT``
never hides another brand's posts. A query that Reddit's listing cap cuts short can be split per term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.config import Settings, Source
from core.errors import ConfigError
from listeners.reddit.options import MAX_QUERY_LENGTH

_TIME_FILTERS = (("hour", 3600), ("day", 86400), ("week", 7 * 86400), ("month", 28 * 86400),
                 ("year", 365 * 86400))
TIME_MARGIN = 120  # seconds of slack so a window surely covers the oldest post we still want
_BARE_TERM = re.compile(r"^[\w'’]+$")


@dataclass(frozen=True)
class SearchQuery:
    """Terms OR'ed together minus excluded terms, in Reddit's lucene syntax; ``raw`` is sent as given."""

    terms: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    raw: str | None = None

    def render(self) -> str:
        """The ``q`` parameter."""
        if self.raw is not None:
            return self.raw
        text = _any_of(self.terms)
        return f"{text} NOT {_any_of(self.exclude)}" if self.exclude else text

    def split(self) -> list[SearchQuery]:
        """One query per term (a user query cannot be split)."""
        if self.raw is not None or len(self.terms) < 2:
            return [self]
        return [SearchQuery((t,), self.exclude) for t in self.terms]


def _any_of(terms: tuple[str, ...]) -> str:
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def _quote(term: str) -> str | None:
    """A brand term as a search term: '@'/'#' and our matcher's '$' dropped, phrases and symbols quoted."""
    clean = term.strip().lstrip("@#").removesuffix("$").replace('"', " ").strip()
    clean = " ".join(clean.split())
    if not clean:
        return None
    if _BARE_TERM.match(clean) and clean.upper() not in {"AND", "OR", "NOT"}:
        return clean
    return f'"{clean}"'


def build_queries(source: Source, settings: Settings) -> list[SearchQuery]:
    """Queries from ``source.queries``, else from the brands.

    Brands without exclusions share one OR query; a brand with ``exclude`` terms gets its own query, so its
    ``NOT`` never hides another brand's mentions. A query over 512 characters is split into several.
    """
    if source.queries:
        out = []
        for q in source.queries:
            if len(q) > MAX_QUERY_LENGTH:
                raise ConfigError(f"source '{source.name}': query {q[:40]!r}... is {len(q)} characters; Reddit "
                                  f"accepts at most {MAX_QUERY_LENGTH}")
            if q.strip():
                out.append(SearchQuery(raw=q.strip()))
        return out
    groups: list[tuple[list[str], tuple[str, ...]]] = [([], ())]
    for brand, _ in settings.all_brands():
        terms = [t for t in (_quote(term) for term in brand.terms()) if t]
        if brand.exclude:
            exclude = tuple(dict.fromkeys(t for t in (_quote(x) for x in brand.exclude) if t))
            groups.append((terms, exclude))
        else:
            groups[0][0].extend(terms)
    queries: list[SearchQuery] = []
    for terms, exclude in groups:
        unique: dict[str, str] = {}
        for term in terms:  # Reddit search ignores case: Narmart and @narmart are one term
            unique.setdefault(term.casefold(), term)
        if unique:
            queries += _pack(list(unique.values()), exclude, source.name)
    return queries


def _pack(terms: list[str], exclude: tuple[str, ...], source: str) -> list[SearchQuery]:
    """Greedily fill queries with terms up to the length limit."""
    out: list[SearchQuery] = []
    chunk: list[str] = []
    for term in terms:
        if len(SearchQuery((*chunk, term), exclude).render()) <= MAX_QUERY_LENGTH:
            chunk.append(term)
            continue
        if not chunk:
            raise ConfigError(f"source '{source}': term {term[:40]!r} with its exclusions does not fit in a "
                              f"{MAX_QUERY_LENGTH}-character Reddit query; shorten the brand's exclude list")
        out.append(SearchQuery(tuple(chunk), exclude))
        chunk = [term]
        if len(SearchQuery((term,), exclude).render()) > MAX_QUERY_LENGTH:
            raise ConfigError(f"source '{source}': term {term[:40]!r} with its exclusions does not fit in a "
                              f"{MAX_QUERY_LENGTH}-character Reddit query; shorten the brand's exclude list")
    if chunk:
        out.append(SearchQuery(tuple(chunk), exclude))
    return out


def time_filter_for(age_seconds: float) -> str:
    """The narrowest ``t`` window (all end now) that still reaches ``age_seconds`` back."""
    for name, span in _TIME_FILTERS:
        if age_seconds + TIME_MARGIN <= span:
            return name
    return "all"


@dataclass(frozen=True)
class SubredditSearch:
    """One listing: a query searched in one subreddit (or multi), with its own watermark in the cursor."""

    subreddit: str
    query: SearchQuery

    def key(self) -> str:
        """The cursor key, ``r/<subreddit>: <query>``."""
        return f"r/{self.subreddit}: {self.query.render()}"


def listings(subreddits: list[str], queries: list[SearchQuery]) -> list[SubredditSearch]:
    """Every query in every subreddit, subreddit by subreddit."""
    return [SubredditSearch(sub, q) for sub in subreddits for q in queries]
