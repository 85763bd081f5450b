"""Listen flow: ``pipeline.ListenRun`` with each page step as a Prefect task (retries) and the run logger.

The steps, their order (a page's cursor is saved only after its rows are stored) and the error policy live
in ``pipeline.listen``; this module adds retries to the I/O steps, a task run per page, the topic fit and,
last, the alert step (``alerts.evaluate_now``), so alerts fire within the collection schedule.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from alerts import evaluate_now
from core.config import Settings, load_settings
from core.errors import VoxpopError
from core.redact import scrub
from core.types import Rejected
from flows.scale import scoring_runner, spread_scoring
from pipeline import (
    ListenProgress,
    ListenRun,
    LocalSteps,
    ScoredPage,
    StoredPage,
    get_scorer,
    refresh_topics,
    run_failures,
    select_sources,
)
from storage import MentionStore


@task(name="score-page", cache_policy=NO_CACHE)
def score_page(steps: LocalSteps, records: list[dict[str, Any]],
               on_progress: Callable[[int], None] | None = None) -> ScoredPage:
    """Add the NLP columns to each record (pure transform)."""
    return steps.score_page(records, on_progress)


@task(name="store-page", retries=3, retry_delay_seconds=[1, 5, 20], cache_policy=NO_CACHE)
def store_page(steps: LocalSteps, page: ScoredPage, rejects: list[Rejected]) -> StoredPage:
    """Upsert scored rows (and their embeddings) and quarantine rejects (idempotent, so retried)."""
    return steps.store_page(page, rejects)


@task(name="save-cursor", retries=3, retry_delay_seconds=[1, 5], cache_policy=NO_CACHE)
def save_cursor(steps: LocalSteps, cursor: dict[str, Any] | None) -> None:
    """Persist the cursor (the pipeline calls it only after ``store_page`` returned)."""
    steps.save_cursor(cursor)


@task(name="fit-topics", cache_policy=NO_CACHE)
def assign_topics(settings: Settings, store: MentionStore) -> dict[str, Any]:
    """Refit topics over the window and write the labels back (see ``pipeline.refresh_topics``)."""
    return refresh_topics(settings, store, logger=get_run_logger())


@task(name="evaluate-alerts", retries=1, retry_delay_seconds=[10], cache_policy=NO_CACHE)
def evaluate_alerts(settings: Settings, store: MentionStore, run_id: str) -> dict[str, Any]:
    """Evaluate the alert rules on what is stored now and deliver (idempotent: the alert log is read first)."""
    return evaluate_now(settings, store, run_id=run_id, logger=get_run_logger())


def alert_step(settings: Settings, store: MentionStore, run_id: str) -> dict[str, Any]:
    """The alert task, whose failure is logged and summarised but never fails collection."""
    try:
        return evaluate_alerts(settings, store, run_id)
    except Exception as exc:  # noqa: BLE001 - alerts must never fail the listen run that stored the data
        message = scrub(f"{type(exc).__name__}: {exc}")
        get_run_logger().error("alerts could not be evaluated: %s", message)
        return {"error": message}


class TaskSteps:
    """A source's page steps, each run as the task above; scoring on Dask workers when a runner is given."""

    def __init__(self, local: LocalSteps, spread: Callable[..., ScoredPage] | None = None) -> None:
        self.local = local
        self.spread = spread  # flows.scale.spread_scoring: the page scored on Dask workers

    def score_page(self, records: list[dict[str, Any]], on_progress: Callable[[int], None] | None = None,
                   ) -> ScoredPage:
        """See ``score_page`` (and ``flows.scale.score_distributed``)."""
        if self.spread is not None:
            return self.spread(records, on_progress)
        return score_page(self.local, records, on_progress)

    def store_page(self, page: ScoredPage, rejects: list[Rejected]) -> StoredPage:
        """See ``store_page``."""
        return store_page(self.local, page, rejects)

    def save_cursor(self, cursor: dict[str, Any] | None) -> None:
        """See ``save_cursor``."""
        save_cursor(self.local, cursor)


def run_sources(settings: Settings, store: MentionStore, names: Sequence[str], *,
                progress: ListenProgress | None = None, skip_missing_credentials: bool = False, wait: bool = True,
                workers: int | None = None) -> dict[str, Any]:
    """The listen run of ``names`` inside a flow: page steps as tasks, scoring where ``settings.scale`` says."""
    run_id = str(flow_run.get_id() or uuid.uuid4())
    with scoring_runner(settings, workers) as runner:
        if runner is not None:
            get_run_logger().info("scoring on Dask workers (%s)", settings.scale.scheduler or
                                  f"{workers or settings.scale.workers} local processes")
        run = ListenRun(settings, store, lambda: get_scorer(settings), run_id=run_id,
                        logger=get_run_logger(), progress=progress,
                        steps=lambda local: TaskSteps(local, spread_scoring(runner, settings)),
                        fit_topics=assign_topics, wait=wait)
        return run.run(names, skip_missing_credentials=skip_missing_credentials, raise_on_error=False)


@flow(name="voxpop-listen")
def listen(
    config: str = "voxpop.yaml",
    sources: Sequence[str] | None = None,
    progress: ListenProgress | None = None,
    skip_missing_credentials: bool = False,
    raise_on_error: bool = True,
    *,
    wait: bool = True,
    alerts: bool = True,
) -> dict[str, Any]:
    """Collect, score and store mentions from every enabled source (or only ``sources``), then refit topics.

    One failing source is logged and reported; the others still run. The flow fails at the end if any
    source failed, so a deployment shows red while the data of healthy sources is kept. A source without
    credentials fails too, unless ``skip_missing_credentials`` (the demo and interactive CLI) skips it.
    ``raise_on_error=False`` returns the failures in the summary instead (the CLI prints them itself).
    ``progress`` receives progress events (the CLI's Rich bars). While another listen runs on the same
    store this one waits for it, before reading any source; ``wait=False`` fails at once instead.
    After storage (and the topic fit), ``alerts`` evaluates the alert rules and delivers; a failed
    delivery or rule is in the summary's ``alerts`` and never fails the run.
    """
    settings = load_settings(config)
    names = select_sources(settings, sources)
    store = MentionStore(settings.storage.path)
    summary = run_sources(settings, store, names, progress=progress,
                          skip_missing_credentials=skip_missing_credentials, wait=wait)
    run_id = summary["run_id"]
    if alerts:
        summary["alerts"] = alert_step(settings, store, run_id)
    if raise_on_error and (failed := run_failures(summary)):
        raise VoxpopError("; ".join(failed))
    return summary
