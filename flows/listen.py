"""Listen flow: ``pipeline.ListenRun`` with each page step as a Prefect task (retries) and the run logger.

The steps, their order (a page's cursor is saved only after its rows are stored) and the error policy live
in ``pipeline.listen``; this module adds retries to the I/O steps, a task run per page and the topic fit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run

from core.config import Settings, load_settings
from core.types import Rejected
from pipeline import (
    ListenProgress,
    ListenRun,
    LocalSteps,
    ScoredPage,
    StoredPage,
    get_scorer,
    refresh_topics,
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


class TaskSteps:
    """A source's page steps, each run as the task above."""

    def __init__(self, local: LocalSteps) -> None:
        self.local = local

    def score_page(self, records: list[dict[str, Any]], on_progress: Callable[[int], None] | None = None,
                   ) -> ScoredPage:
        """See ``score_page``."""
        return score_page(self.local, records, on_progress)

    def store_page(self, page: ScoredPage, rejects: list[Rejected]) -> StoredPage:
        """See ``store_page``."""
        return store_page(self.local, page, rejects)

    def save_cursor(self, cursor: dict[str, Any] | None) -> None:
        """See ``save_cursor``."""
        save_cursor(self.local, cursor)


@flow(name="voxpop-listen")
def listen(
    config: str = "voxpop.yaml",
    sources: Sequence[str] | None = None,
    progress: ListenProgress | None = None,
    skip_missing_credentials: bool = False,
    raise_on_error: bool = True,
    *,
    wait: bool = True,
) -> dict[str, Any]:
    """Collect, score and store mentions from every enabled source (or only ``sources``), then refit topics.

    One failing source is logged and reported; the others still run. The flow fails at the end if any
    source failed, so a deployment shows red while the data of healthy sources is kept. A source without
    credentials fails too, unless ``skip_missing_credentials`` (the demo and interactive CLI) skips it.
    ``raise_on_error=False`` returns the failures in the summary instead (the CLI prints them itself).
    ``progress`` receives progress events (the CLI's Rich bars). While another listen runs on the same
    store this one waits for it, before reading any source; ``wait=False`` fails at once instead.
    """
    settings = load_settings(config)
    run_id = str(flow_run.get_id() or uuid.uuid4())
    names = select_sources(settings, sources)
    run = ListenRun(settings, MentionStore(settings.storage.path), lambda: get_scorer(settings), run_id=run_id,
                    logger=get_run_logger(), progress=progress, steps=TaskSteps, fit_topics=assign_topics,
                    wait=wait)
    return run.run(names, skip_missing_credentials=skip_missing_credentials, raise_on_error=raise_on_error)
