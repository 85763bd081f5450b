"""Bluesky search queries: one per brand term, handle and hashtag, since searchPosts has no OR."""

from __future__ import annotations

from core.config import Settings, Source


def build_queries(source: Source, settings: Settings) -> list[str]:
    """One search query per brand term, handle and hashtag (searchPosts has no OR), deduplicated.

    Bluesky search is case-insensitive, so terms differing only in case collapse into one query. A phrase
    is quoted, a trailing ``$`` (whole-word marker for our matcher) is dropped, a Bluesky-style handle with
    a dot becomes ``mentions:<handle>`` and a hashtag is searched as ``#tag``.
    """
    raw: list[str] = list(source.queries)
    if not raw:
        for brand, _ in settings.all_brands():
            for term in brand.terms():
                if term.startswith("@"):
                    handle = term[1:]
                    raw.append(f"mentions:{handle}" if "." in handle else handle)
                elif term.startswith("#"):
                    raw.append(term)
                else:
                    phrase = term.removesuffix("$").replace('"', "").strip()
                    raw.append(f'"{phrase}"' if " " in phrase else phrase)
    out: dict[str, str] = {}
    for query in (q.strip() for q in raw):
        if query:
            out.setdefault(query.casefold(), query)
    return list(out.values())
