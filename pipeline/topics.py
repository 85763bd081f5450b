"""Topics over stored mentions: refit on a window of days from their stored embeddings, write the labels back.

Used by the listen run (after every source ran), ``voxpop topics`` and ``voxpop rescore``. A complete fit of
the window leaves a watermark (``state/topics.json``): the listen run refits whenever the stored window no
longer matches it, so a run killed after storing its pages, or during the fit, is completed by the next
run even though that one stores nothing new.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pyarrow.compute as pc

from core.config import Settings
from core.files import write_text_atomic
from core.layout import StoreLayout
from nlp import TopicModel
from storage import MentionStore

Logger = logging.Logger | logging.LoggerAdapter[Any]
_LOG = logging.getLogger("voxpop.topics")


def topic_terms(settings: Settings) -> list[str]:
    """Brand names, keywords and hashtags: words every topic would share, so never topic keywords."""
    return [t for brand, _ in settings.all_brands() for t in brand.terms() if not t.startswith("@")]


def topic_window(settings: Settings, store: MentionStore) -> list[date]:
    """The stored days of the newest ``topic_window_days`` (empty for an empty store)."""
    days = store.days()
    return [d for d in days if d > days[-1] - timedelta(days=settings.topic_window_days())] if days else []


def window_mark(store: MentionStore, window: list[date]) -> dict[str, Any]:
    """What a fit of ``window`` sees: its first and last day, its rows and their newest ``collected_at``.

    Labels and engagement counts are not part of it (a fit rewrites the one, a re-run the other); new rows,
    removed rows and a window that moved on are.
    """
    collected = store.read(window, ["collected_at"])["collected_at"]
    newest = pc.max(collected).as_py() if len(collected) else None
    return {"start": window[0].isoformat() if window else None, "end": window[-1].isoformat() if window else None,
            "rows": len(collected), "newest_collected_at": newest.isoformat() if newest else None}


def topics_outdated(settings: Settings, store: MentionStore) -> bool:
    """Whether the stored window differs from what the last complete fit covered (never for an empty store)."""
    window = topic_window(settings, store)
    if not window:
        return False
    path = StoreLayout.of(store.root).topics
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # no complete fit yet, or an unreadable watermark: fit again
        return True
    current = window_mark(store, window)
    return not isinstance(saved, dict) or any(saved.get(k) != v for k, v in current.items())


def refresh_topics(settings: Settings, store: MentionStore, *, logger: Logger | None = None) -> dict[str, Any]:
    """Fit topics on the newest ``topic_window_days`` of mentions and write their labels to ``topic``.

    Mentions without a stored embedding (scored by a model that does not embed) get no topic; mentions
    older than the window keep theirs, and so does the window when no topic is found at all. Once every
    label is written, the window's mark (taken before the fit, so rows stored meanwhile count as new) is
    saved atomically as the watermark ``topics_outdated`` compares with.
    """
    window = topic_window(settings, store)
    mark = window_mark(store, window)
    summary = fit_topics(settings, store, window, logger=logger)
    watermark = {**mark, "fitted_at": datetime.now(UTC).isoformat(), "topics": len(summary["topics"])}
    write_text_atomic(StoreLayout.of(store.root).topics, json.dumps(watermark, indent=2) + "\n")
    return summary


def fit_topics(settings: Settings, store: MentionStore, window: list[date], *,
               logger: Logger | None = None) -> dict[str, Any]:
    """Fit topics on the mentions of the ``window`` days and write their labels.

    Labels are written only when one differs from what is stored, so refitting unchanged data writes nothing.
    """
    log = logger or _LOG
    summary: dict[str, Any] = {"start": None, "end": None, "mentions": 0, "embedded": 0, "labelled": 0,
                               "changed": 0, "seconds": 0.0, "topics": []}
    if not window:
        log.info("topics: no mentions stored yet")
        return summary
    mentions = store.read(window, ["mention_id", "text", "lang", "topic"])
    vectors = store.embeddings(window)
    summary.update(start=window[0].isoformat(), end=window[-1].isoformat(), mentions=mentions.num_rows)
    if vectors.skipped:
        log.warning("topics: %d vectors of other encoders skipped; using %s", vectors.skipped, vectors.encoder)
    row = {mid: i for i, mid in enumerate(vectors.ids)}
    ids, texts, langs, take = [], [], [], []
    for mid, text, lang in zip(*(mentions[c].to_pylist() for c in ("mention_id", "text", "lang")), strict=True):
        if mid in row:
            ids.append(mid)
            texts.append(text)
            langs.append(None if lang == "und" else lang)
            take.append(row[mid])
    summary["embedded"] = len(ids)
    matrix = vectors.vectors[take] if take else np.zeros((0, 0), dtype=np.float32)
    log.info("topics: fitting on %d of %d mentions from %s to %s", len(ids), mentions.num_rows,
             summary["start"], summary["end"])
    began = time.perf_counter()
    model = TopicModel(min_topic_size=settings.topics.min_topic_size, exclude_terms=topic_terms(settings))
    result = model.fit(ids, texts, matrix, langs)
    stored = dict(zip(mentions["mention_id"].to_pylist(), mentions["topic"].to_pylist(), strict=True))
    if result.topics:
        summary["changed"] = sum(result.labels.get(mid) != topic for mid, topic in stored.items())
        if summary["changed"]:
            summary["labelled"] = store.set_topics(result.labels, window)
        else:
            summary["labelled"] = sum(topic is not None for topic in stored.values())
    else:  # too few mentions or no structure: keep whatever labels an earlier, richer fit gave
        log.info("topics: none found; existing labels left as they are")
    summary["seconds"] = round(time.perf_counter() - began, 1)
    summary["topics"] = [{"label": t.label, "size": t.size} for t in result.topics]
    log.info("topics: %d topics, %d of %d mentions labelled in %.1f s", len(result.topics),
             summary["labelled"], mentions.num_rows, summary["seconds"])
    return summary
