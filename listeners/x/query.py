"""X search queries: brand terms OR-ed into as few queries as the length limit allows, each keyed by a hash.

Terms become bare words, ``@handle``, ``#tag`` or quoted phrases; a brand's exclusions stay inside that
brand's own group so they never hide another brand's posts.
"""

from __future__ import annotations

import hashlib
import re

from core.config import Settings, Source
from core.errors import ConfigError
from listeners.x.options import XOptions

_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")  # X usernames; Bluesky-style handles with dots are skipped
_HASHTAG = re.compile(r"^[^\W]+$")
_BARE = re.compile(r"^[^\W_]+$")  # one word in any script: no quotes needed
_RESERVED = {"OR", "AND", "NOT"}


def _quote(term: str) -> str:
    """One brand term in X query syntax: a bare word, ``@handle``, ``#tag`` or a quoted phrase."""
    clean = " ".join(term.removesuffix("$").replace('"', " ").split())
    if not clean:
        return ""
    if clean.startswith("@"):
        handle = clean[1:]
        return f"@{handle}" if _HANDLE.match(handle) else ""  # not an X username (e.g. a Bluesky handle)
    if clean.startswith("#") and _HASHTAG.match(clean[1:]):
        return clean
    if _BARE.match(clean) and clean.upper() not in _RESERVED:
        return clean
    return f'"{clean}"'


def _suffix(opts: XOptions) -> str:
    parts = [] if opts.include_retweets else ["-is:retweet"]
    langs = [f"lang:{code}" for code in dict.fromkeys(opts.langs())]
    if len(langs) == 1:
        parts.append(langs[0])
    elif langs:
        parts.append("(" + " OR ".join(langs) + ")")
    return " ".join(parts)


def _render(atoms: list[str], suffix: str) -> str:
    body = atoms[0] if len(atoms) == 1 else "(" + " OR ".join(atoms) + ")"
    return f"{body} {suffix}".strip()


def _exclude_group(terms: list[str], exclude: list[str]) -> str:
    """``((a OR b) -"x")``: a brand's exclusions only ever hide that brand's matches."""
    body = terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"
    return "(" + " ".join([body, *(f"-{x}" for x in exclude)]) + ")"


def _pack(atoms: list[str], suffix: str, limit: int) -> list[str]:
    """Greedily fill queries with OR-ed atoms up to ``limit`` characters."""
    out: list[str] = []
    chunk: list[str] = []
    for atom in atoms:
        if chunk and len(_render([*chunk, atom], suffix)) > limit:
            out.append(_render(chunk, suffix))
            chunk = []
        chunk.append(atom)
    if chunk:
        out.append(_render(chunk, suffix))
    return out


def build_queries(source: Source, settings: Settings, opts: XOptions) -> list[str]:
    """Queries from ``source.queries`` (used verbatim), else OR-ed brand terms split to fit the length limit.

    Terms are quoted when they are phrases or contain punctuation, handles become ``@handle`` (mentions),
    hashtags ``#tag``; a brand's ``exclude`` terms become ``-"term"`` inside that brand's own group. The
    query ends with ``-is:retweet`` (unless ``include_retweets``) and the optional language hint.
    """
    limit = opts.max_query_length
    if source.queries:
        out = []
        for q in (q.strip() for q in source.queries):
            if len(q) > limit:
                raise ConfigError(f"source '{source.name}': query {q[:40]!r}... is {len(q)} characters; "
                                  f"options.max_query_length is {limit} (X: 512 for Basic/Pro recent search)")
            if q:
                out.append(q)
        return list(dict.fromkeys(out))
    suffix = _suffix(opts)
    atoms: list[str] = []
    for brand, _ in settings.all_brands():
        terms = list(dict.fromkeys(t for t in (_quote(term) for term in brand.terms()) if t))
        exclude = list(dict.fromkeys(f'"{x}"' if not x.startswith('"') else x
                                     for x in (_quote(e).strip('"') for e in brand.exclude) if x))
        if not exclude:
            atoms += [t for t in terms if t not in atoms]
            continue
        group: list[str] = []
        for term in terms:  # split a long brand into several groups, each carrying the exclusions
            if group and len(_render([_exclude_group([*group, term], exclude)], suffix)) > limit:
                atoms.append(_exclude_group(group, exclude))
                group = []
            group.append(term)
        if group:
            atoms.append(_exclude_group(group, exclude))
    too_long = [a for a in atoms if len(_render([a], suffix)) > limit]
    if too_long:
        raise ConfigError(f"source '{source.name}': {too_long[0][:60]!r} does not fit in a {limit}-character X "
                          "query with its exclusions and filters; shorten the brand's exclude list or raise "
                          "options.max_query_length if your access tier allows longer queries")
    return _pack(atoms, suffix, limit)


def query_key(query: str) -> str:
    """A stable short key for a query's cursor (the text itself can be 512+ characters)."""
    return hashlib.sha256(query.encode()).hexdigest()[:12]
