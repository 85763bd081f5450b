"""The listen run: per source, collect → normalise → dedupe → score → store the page → save its cursor; then topics.

Plain Python, no Prefect: ``flows/listen.py`` runs the page steps as Prefect tasks (retries) and passes its
run logger, and tests run it directly. A page's cursor is saved only after its rows are durably stored, so
a crash at any point loses nothing and duplicates nothing on the next run. One failing source is logged
and reported while the others still run; once every source ran, topics are refitted on the newest window
of mentions (``pipeline.topics``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from core.config import Settings
from core.errors import MissingCredentialsError, VoxpopError
from core.redact import scrub_value
from core.types import Rejected
from listeners import Normalizer, registry
from pipeline.lock import ListenLock
from pipeline.progress import ListenProgress, NoProgress
from pipeline.records import Deduper, Record, ScoredPage, score_records
from pipeline.scoring import ScorerFactory
from pipeline.topics import Logger, refresh_topics, topics_outdated
from storage import AuditLog, CursorStore, MentionStore

_LOG = logging.getLogger("voxpop.listen")


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


@dataclass
class StoredPage:
    """What storing one page did."""

    inserted: int = 0
    quarantined: int = 0  # newly quarantined records (rejects and rows the store refused)
    reasons: dict[str, int] = field(default_factory=dict)  # reason code -> newly quarantined records


class PageSteps(Protocol):
    """The I/O steps of one page, called in this order; ``flows.listen`` wraps each in a Prefect task."""

    def score_page(self, records: list[Record], on_progress: Callable[[int], None] | None = None) -> ScoredPage:
        """Score the page's new records."""
        ...

    def store_page(self, page: ScoredPage, rejects: list[Rejected]) -> StoredPage:
        """Upsert the scored rows and their embeddings, and quarantine the rejects."""
        ...

    def save_cursor(self, cursor: dict[str, Any] | None) -> None:
        """Persist the page's cursor (only ever called after ``store_page`` returned)."""
        ...


@dataclass
class LocalSteps:
    """The page steps of one source, run in this process."""

    source: str
    run_id: str
    store: MentionStore
    scorer: ScorerFactory

    def score_page(self, records: list[Record], on_progress: Callable[[int], None] | None = None) -> ScoredPage:
        """Add the NLP columns to each record."""
        return score_records(records, self.scorer(), on_progress)

    def store_page(self, page: ScoredPage, rejects: list[Rejected]) -> StoredPage:
        """Quarantine the rejects, then upsert the rows (embeddings first, inside ``upsert``)."""
        reasons = Counter(self.store.quarantine_by_code(rejects, run_id=self.run_id))
        result = self.store.upsert(page.rows, source=self.source, run_id=self.run_id, embeddings=page.vectors,
                                   encoder=page.encoder)
        reasons.update(result.reasons)
        return StoredPage(result.inserted, sum(reasons.values()), dict(reasons))

    def save_cursor(self, cursor: dict[str, Any] | None) -> None:
        """Persist the cursor of this source."""
        CursorStore(self.store.state_dir).save(self.source, cursor)


def run_failures(summary: dict[str, Any]) -> list[str]:
    """The failed sources and topic fit of a listen run's summary, one line each (empty: all went well)."""
    failed = [f"{s['source']}: {s['error']}" for s in summary.get("sources", []) if s.get("error")]
    topics = summary.get("topics")
    if topics and topics.get("error"):
        failed.append(f"topics: {topics['error']}")
    return failed


def select_sources(settings: Settings, sources: Sequence[str] | None = None) -> list[str]:
    """The enabled sources to run (all, or those named); an unknown or empty choice raises VoxpopError."""
    wanted = [s.name for s in settings.sources if s.enabled and (not sources or s.name in sources)]
    unknown = sorted(set(sources or []) - {s.name for s in settings.sources})
    if unknown:
        raise VoxpopError(f"unknown source(s) {unknown}; configured: {[s.name for s in settings.sources]}")
    if not wanted:
        raise VoxpopError("no enabled sources to listen to; add one under `sources:` in the config")
    return wanted


class ListenRun:
    """One listen run: the sources one by one, then the topic refit, then a summary.

    ``steps`` wraps each source's ``LocalSteps`` (the listen flow's Prefect tasks) and ``fit_topics``
    replaces ``refresh_topics`` (the flow's task); both default to running in-process. While another
    listen runs on the same store, ``run`` waits for it (``wait=False``: raises ``ListenBusyError``).
    """

    def __init__(
        self,
        settings: Settings,
        store: MentionStore,
        scorer: ScorerFactory,
        *,
        run_id: str,
        logger: Logger | None = None,
        progress: ListenProgress | None = None,
        steps: Callable[[LocalSteps], PageSteps] | None = None,
        fit_topics: Callable[[Settings, MentionStore], dict[str, Any]] | None = None,
        wait: bool = True,
    ) -> None:
        self.settings = settings
        self.store = store
        self.scorer = scorer
        self.run_id = run_id
        self.logger: Logger = logger or _LOG
        self.progress: ListenProgress = progress or NoProgress()
        self.steps: Callable[[LocalSteps], PageSteps] = steps or (lambda local: local)
        self.fit_topics = fit_topics or (lambda settings, store: refresh_topics(settings, store, logger=self.logger))
        self.wait = wait

    def run(self, names: Sequence[str], *, skip_missing_credentials: bool = False,
            raise_on_error: bool = True) -> dict[str, Any]:
        """Run the sources ``names`` (see ``select_sources``) and refit topics; returns the run's summary.

        The run fails at the end (VoxpopError) if a source or the topic fit failed, so a deployment shows
        red while the data of healthy sources is kept; ``raise_on_error=False`` returns the failures in the
        summary instead (the CLI prints them itself). The store's listen lock is held throughout: taken
        before any source is read, so a second run starts from this one's cursors and scores nothing twice.
        """
        with ListenLock(self.store.root, wait=self.wait, on_wait=self.logger.warning):
            if swept := self.store.recover() + CursorStore(self.store.state_dir).sweep():
                self.logger.warning("removed %d temporary file(s) left by an interrupted run", swept)
            summaries = self.sources(names, skip_missing_credentials=skip_missing_credentials)
            retention = self.retention()
            topics = self.topics(summaries)
        # Scrubbed: an upstream error may echo a credential, and this summary is printed and stored by Prefect.
        result = scrub_value({"run_id": self.run_id, "storage": str(self.settings.storage.path),
                              "sources": [asdict(s) for s in summaries], "total_stored": self.store.count(),
                              "topics": topics, **({"retention": retention} if retention else {})})
        if raise_on_error and (failed := run_failures(result)):
            raise VoxpopError("; ".join(failed))
        return result

    def retention(self) -> dict[str, Any] | None:
        """Remove what ``storage.retention_days`` no longer keeps, old posts this run collected included.

        Mentions posted before the cutoff day go with everything that points at them, and the files that
        held them are deleted; the removal is audited (counts, never ids). None when retention is off.
        """
        keep = self.settings.storage.retention_days
        if keep is None:
            return None
        cutoff = (datetime.now(UTC) - timedelta(days=keep)).date()
        result = self.store.expire(cutoff)
        summary = {"cutoff": cutoff.isoformat(), "removed": {k: v for k, v in result.removed.items() if v}}
        if result.total():
            AuditLog(self.store.layout).append(
                "retention", request_id=self.run_id, removed=result.removed, retention_days=keep,
                cutoff=cutoff.isoformat(), days=len(result.days),
                files={"rewritten": result.files_rewritten, "dropped": result.files_dropped,
                       "deleted": result.files_deleted})
            self.logger.info("retention: removed %d mention(s) posted before %s (%d day(s)) and %d dependent row(s)",
                             result.removed["mentions"], cutoff, len(result.days),
                             result.total() - result.removed["mentions"])
        return summary

    def sources(self, names: Sequence[str], *, skip_missing_credentials: bool = False) -> list[SourceSummary]:
        """Every source in turn; a failure is logged and summarised, the next source still runs.

        A source without credentials fails too, unless ``skip_missing_credentials`` (the demo and the
        interactive CLI) skips it.
        """
        summaries = []
        for name in names:
            try:
                summaries.append(self.source(name))
            except MissingCredentialsError as exc:
                if not skip_missing_credentials:
                    self.logger.error("source %s: %s", name, exc)
                    summaries.append(SourceSummary(source=name, error=str(exc)))
                else:
                    self.logger.warning("skipping source %s: %s", name, exc)
                    summaries.append(SourceSummary(source=name, skipped=str(exc)))
            except VoxpopError as exc:
                self.logger.error("source %s failed: %s", name, exc)
                summaries.append(SourceSummary(source=name, error=str(exc)))
            except Exception as exc:
                self.logger.exception("source %s failed unexpectedly", name)
                summaries.append(SourceSummary(source=name, error=f"{type(exc).__name__}: {exc}"))
        return summaries

    def source(self, name: str) -> SourceSummary:
        """Collect one source page by page; any error propagates (``sources`` applies the policy)."""
        summary = SourceSummary(source=name)
        src = next(s for s in self.settings.sources if s.name == name)
        listener = registry.create(src, self.settings)
        normalize = Normalizer(self.settings, source=name, run_id=self.run_id)
        cursor = CursorStore(self.store.state_dir).get(name)
        dedupe = Deduper(self.store)
        steps = self.steps(LocalSteps(name, self.run_id, self.store, self.scorer))
        self.progress.source_started(name)
        for page in listener.pages(cursor):
            summary.pages += 1
            summary.fetched += len(page.mentions)
            normalized = normalize(page.mentions)
            # An edit (Mention.edited) is rescored and replaces the stored row, also one stored earlier this run.
            edited = {m.mention_id for m in page.mentions if m.edited}
            records, stored = dedupe([r for r in normalized if r["mention_id"] not in edited])
            replaced = [r for r in normalized if r["mention_id"] in edited]
            dedupe.seen.update(r["mention_id"] for r in replaced)
            records += replaced
            summary.duplicates += len(normalized) - len(records)
            summary.refreshed += self.store.refresh_counts(stored) if stored else 0
            self.progress.to_score(name, len(records))
            scored = (steps.score_page(records, lambda n: self.progress.scored(name, n)) if records
                      else ScoredPage())
            done = steps.store_page(scored, [*page.rejects, *scored.failed])
            steps.save_cursor(page.cursor)  # after the page is stored, never before
            summary.inserted += done.inserted
            summary.quarantined += done.quarantined
            for code, n in done.reasons.items():
                summary.quarantine_reasons[code] = summary.quarantine_reasons.get(code, 0) + n
            self.logger.info("%s page %d: %d fetched, %d new, %d stored, %d quarantined", name, summary.pages,
                             len(page.mentions), len(records), done.inserted, done.quarantined)
        summary.no_brand = normalize.stats.no_brand
        summary.excluded = normalize.stats.excluded
        summary.by_brand = dict(normalize.stats.by_brand)
        return summary

    def topics(self, summaries: Sequence[SourceSummary]) -> dict[str, Any] | None:
        """Refit topics when the stored window changed since the last complete fit (``topics_outdated``).

        Not only when this run stored something: a run killed after storing its pages, or during the fit,
        left rows the last complete fit never saw. A failure is reported, never loses the stored data.
        """
        if not self.settings.topics.enabled:
            return None
        if not topics_outdated(self.settings, self.store):
            self.logger.info("topics: up to date with the stored mentions, labels unchanged")
            return None
        if not any(s.inserted for s in summaries):
            self.logger.info("topics: stored mentions changed since the last complete fit; refitting")
        self.progress.topics_started()
        try:
            topics = self.fit_topics(self.settings, self.store)
        except VoxpopError as exc:
            self.logger.error("topics failed: %s", exc)
            topics = {"error": str(exc)}
        except Exception as exc:
            self.logger.exception("topics failed unexpectedly")
            topics = {"error": f"{type(exc).__name__}: {exc}"}
        self.progress.topics_finished()
        return topics
