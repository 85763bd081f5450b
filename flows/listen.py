"""Listen flow: collect → normalise + dedupe → score in batches → store → save cursor, per page; then topics.

Thin by design: every step lives in a layer (listeners, nlp, storage); this module only wires them,
adds retries to the I/O steps and reports progress. A page's cursor is saved only after its rows are
durably stored, so a crash at any point loses nothing and duplicates nothing on the next run. Once every
source ran, topics are refitted on the newest window of mentions (their stored embeddings) and written
back to the ``topic`` column.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import numpy as np
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from core.config import Settings, load_settings
from core.errors import MissingCredentialsError, VoxpopError
from core.layout import StoreLayout
from core.types import Rejected
from listeners import Normalizer, registry
from nlp import Scorer, TopicModel
from storage import CursorStore, MentionStore


@dataclass
class SourceSummary:
    """What one source contributed to a run."""

    source: str
    fetched: int = 0
    duplicates: int = 0
    refreshed: int = 0  # stored mentions whose engagement counts changed
    no_brand: int = 0
    excluded: int = 0
    inserted: int = 0
    quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)  # reason code -> records, this run
    pages: int = 0
    error: str | None = None
    skipped: str | None = None
    by_brand: dict[str, int] = field(default_factory=dict)


@lru_cache(maxsize=2)
def _scorer(sentiment: str, languages: tuple[str, ...], extra_aspects: str, batch_size: int,
            taxonomy: str = "ecommerce") -> Scorer:
    """One scorer per process and model config: loading models per page would dominate the run."""
    return Scorer(sentiment=sentiment, languages=languages, extra_aspects=json.loads(extra_aspects),
                  batch_size=batch_size, taxonomy=taxonomy)


def get_scorer(settings: Settings) -> Scorer:
    """The cached scorer for these settings."""
    m = settings.model
    return _scorer(m.sentiment, tuple(settings.languages), json.dumps(m.extra_aspects, sort_keys=True),
                   m.batch_size, m.taxonomy)


@task(name="score-page", cache_policy=NO_CACHE)
def score_records(
    records: list[dict[str, Any]], settings: Settings, progress: Any = None
) -> tuple[list[dict[str, Any]], dict[str, np.ndarray]]:
    """Add the NLP columns to each record (pure transform); also returns the embeddings by mention id."""
    scorer = get_scorer(settings)
    scores = scorer.score([r["text"] for r in records], on_progress=progress)
    rows = [{**rec, **s.columns(), "model_version": scorer.model_version} for rec, s in
            zip(records, scores, strict=True)]
    vectors = {rec["mention_id"]: s.embedding for rec, s in zip(records, scores, strict=True)
               if s.embedding is not None}
    return rows, vectors


@task(name="store-page", retries=3, retry_delay_seconds=[1, 5, 20], cache_policy=NO_CACHE)
def store_records(
    records: list[dict[str, Any]], rejects: list[Rejected], store_root: str, source: str, run_id: str, *,
    embeddings: dict[str, np.ndarray] | None = None, encoder: str = "unknown",
) -> tuple[int, int, dict[str, int]]:
    """Upsert scored rows (and their embeddings) and quarantine rejects.

    Returns (inserted, newly quarantined, newly quarantined by reason code).
    """
    store = MentionStore(store_root)
    reasons = Counter(store.quarantine_by_code(rejects, run_id=run_id))
    result = store.upsert(records, source=source, run_id=run_id, embeddings=embeddings, encoder=encoder)
    reasons.update(result.reasons)
    return result.inserted, sum(reasons.values()), dict(reasons)


def topic_terms(settings: Settings) -> list[str]:
    """Brand names, keywords and hashtags: words every topic would share, so never topic keywords."""
    return [t for brand, _ in settings.all_brands() for t in brand.terms() if not t.startswith("@")]


def refresh_topics(settings: Settings, logger: logging.Logger | logging.LoggerAdapter[Any]) -> dict[str, Any]:
    """Fit topics on the newest ``topic_window_days`` of mentions and write their labels to ``topic``.

    A plain function, so ``voxpop topics`` runs it without Prefect; the listen flow wraps it in a task.
    Mentions without a stored embedding (scored by a model that does not embed) get no topic; mentions
    older than the window keep theirs, and so does the window when no topic is found at all.
    """
    days = MentionStore(settings.storage.path).days()
    window = [d for d in days if d > days[-1] - timedelta(days=settings.topic_window_days())] if days else []
    return fit_topics(settings, window, logger)


def fit_topics(settings: Settings, window: list[date],
               logger: logging.Logger | logging.LoggerAdapter[Any]) -> dict[str, Any]:
    """Fit topics on the mentions of the ``window`` days and write their labels (``voxpop rescore`` too).

    Labels are written only when one differs from what is stored, so refitting unchanged data writes nothing.
    """
    store = MentionStore(settings.storage.path)
    summary: dict[str, Any] = {"start": None, "end": None, "mentions": 0, "embedded": 0, "labelled": 0,
                               "changed": 0, "seconds": 0.0, "topics": []}
    if not window:
        logger.info("topics: no mentions stored yet")
        return summary
    mentions = store.read(window, ["mention_id", "text", "lang", "topic"])
    vectors = store.embeddings(window)
    summary.update(start=window[0].isoformat(), end=window[-1].isoformat(), mentions=mentions.num_rows)
    if vectors.skipped:
        logger.warning("topics: %d vectors of other encoders skipped; using %s", vectors.skipped, vectors.encoder)
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
    logger.info("topics: fitting on %d of %d mentions from %s to %s", len(ids), mentions.num_rows,
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
        logger.info("topics: none found; existing labels left as they are")
    summary["seconds"] = round(time.perf_counter() - began, 1)
    summary["topics"] = [{"label": t.label, "size": t.size} for t in result.topics]
    logger.info("topics: %d topics, %d of %d mentions labelled in %.1f s", len(result.topics),
                summary["labelled"], mentions.num_rows, summary["seconds"])
    return summary


@task(name="fit-topics", cache_policy=NO_CACHE)
def assign_topics(settings: Settings) -> dict[str, Any]:
    """Refit topics over the window and write the labels back (see ``refresh_topics``)."""
    return refresh_topics(settings, get_run_logger())


@task(name="save-cursor", retries=3, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def save_cursor(store_root: str, source: str, cursor: dict[str, Any] | None) -> None:
    """Persist the cursor (only ever called after ``store_records`` returned)."""
    CursorStore(StoreLayout.of(store_root).state).save(source, cursor)


def _dedupe(records: list[dict[str, Any]], store: MentionStore,
            seen: set[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split rows into (new, already stored) on platform + native id; rows already seen this run drop out.

    Stored rows are not rescored: the caller refreshes only their engagement counts.
    """
    fresh = []
    for rec in records:
        if rec["mention_id"] in seen:
            continue
        seen.add(rec["mention_id"])
        fresh.append(rec)
    known = store.known_ids((r["mention_id"], r["created_at"]) for r in fresh)
    return [r for r in fresh if r["mention_id"] not in known], [r for r in fresh if r["mention_id"] in known]


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as bar:
        yield bar


def _run_source(settings: Settings, name: str, run_id: str, bar: Progress | None) -> SourceSummary:
    logger = get_run_logger()
    summary = SourceSummary(source=name)
    src = next(s for s in settings.sources if s.name == name)
    root = str(settings.storage.path)
    store = MentionStore(root)
    if swept := store.recover():
        logger.warning("removed %d temporary file(s) left by an interrupted run", swept)
    listener = registry.create(src, settings)
    normalize = Normalizer(settings, source=name, run_id=run_id)
    cursor = CursorStore(store.state_dir).get(name)
    seen: set[str] = set()
    task_id = bar.add_task(f"[cyan]{name}[/] scoring", total=0) if bar else None
    for page in listener.pages(cursor):
        summary.pages += 1
        summary.fetched += len(page.mentions)
        normalized = normalize(page.mentions)
        records, stored = _dedupe(normalized, store, seen)
        summary.duplicates += len(normalized) - len(records)
        summary.refreshed += store.refresh_counts(stored) if stored else 0
        advance = None
        if bar is not None and task_id is not None:
            bar.update(task_id, total=(bar.tasks[task_id].total or 0) + len(records))
            advance = lambda n: bar.advance(task_id, n)  # noqa: E731 - tiny callback
        scored, vectors = score_records(records, settings, advance) if records else ([], {})
        encoder = get_scorer(settings).encoder if vectors else None
        inserted, quarantined, reasons = store_records(scored, page.rejects, root, name, run_id, embeddings=vectors,
                                              encoder=encoder.name if encoder is not None else "unknown")
        save_cursor(root, name, page.cursor)
        summary.inserted += inserted
        summary.quarantined += quarantined
        for code, n in reasons.items():
            summary.quarantine_reasons[code] = summary.quarantine_reasons.get(code, 0) + n
        logger.info("%s page %d: %d fetched, %d new, %d stored, %d quarantined", name, summary.pages,
                    len(page.mentions), len(records), inserted, quarantined)
    summary.no_brand = normalize.stats.no_brand
    summary.excluded = normalize.stats.excluded
    summary.by_brand = dict(normalize.stats.by_brand)
    return summary


@flow(name="voxpop-listen")
def listen(
    config: str = "voxpop.yaml",
    sources: Sequence[str] | None = None,
    progress: bool = False,
    skip_missing_credentials: bool = False,
    raise_on_error: bool = True,
) -> dict[str, Any]:
    """Collect, score and store mentions from every enabled source (or only ``sources``).

    One failing source is logged and reported; the others still run. The flow fails at the end if any
    source failed, so a deployment shows red while the data of healthy sources is kept. A source without
    credentials fails too, unless ``skip_missing_credentials`` (the demo and interactive CLI) skips it.
    ``raise_on_error=False`` returns the failures in the summary instead (the CLI prints them itself).
    """
    logger = get_run_logger()
    settings = load_settings(config)
    run_id = str(flow_run.get_id() or uuid.uuid4())
    wanted = [s.name for s in settings.sources if s.enabled and (not sources or s.name in sources)]
    unknown = sorted(set(sources or []) - {s.name for s in settings.sources})
    if unknown:
        raise VoxpopError(f"unknown source(s) {unknown}; configured: {[s.name for s in settings.sources]}")
    if not wanted:
        raise VoxpopError("no enabled sources to listen to; add one under `sources:` in the config")
    summaries = []
    with _progress(progress) as bar:
        for name in wanted:
            try:
                summaries.append(_run_source(settings, name, run_id, bar))
            except MissingCredentialsError as exc:
                if not skip_missing_credentials:
                    logger.error("source %s: %s", name, exc)
                    summaries.append(SourceSummary(source=name, error=str(exc)))
                else:
                    logger.warning("skipping source %s: %s", name, exc)
                    summaries.append(SourceSummary(source=name, skipped=str(exc)))
            except VoxpopError as exc:
                logger.error("source %s failed: %s", name, exc)
                summaries.append(SourceSummary(source=name, error=str(exc)))
            except Exception as exc:
                logger.exception("source %s failed unexpectedly", name)
                summaries.append(SourceSummary(source=name, error=f"{type(exc).__name__}: {exc}"))
        topics = _topics_step(settings, summaries, bar)
    result = {"run_id": run_id, "storage": str(settings.storage.path), "sources": [asdict(s) for s in summaries],
              "total_stored": MentionStore(settings.storage.path).count(), "topics": topics}
    failed = [f"{s.source}: {s.error}" for s in summaries if s.error]
    if topics and topics.get("error"):
        failed.append(f"topics: {topics['error']}")
    if failed and raise_on_error:
        raise VoxpopError("; ".join(failed))
    return result


def _topics_step(settings: Settings, summaries: list[SourceSummary], bar: Progress | None) -> dict[str, Any] | None:
    """Refit topics when this run stored something; a failure is reported, never loses the stored data."""
    logger = get_run_logger()
    if not settings.topics.enabled:
        return None
    if not any(s.inserted for s in summaries):
        logger.info("topics: no new mentions, labels unchanged")
        return None
    task_id = bar.add_task("[cyan]topics[/] fitting", total=1) if bar else None
    try:
        topics = assign_topics(settings)
    except VoxpopError as exc:
        logger.error("topics failed: %s", exc)
        topics = {"error": str(exc)}
    except Exception as exc:
        logger.exception("topics failed unexpectedly")
        topics = {"error": f"{type(exc).__name__}: {exc}"}
    if bar is not None and task_id is not None:
        bar.update(task_id, completed=1)
    return topics
