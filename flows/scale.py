"""Scoring spread over Dask workers through Prefect's Dask task runner (``prefect-dask``): ``scale:`` in the config.

A page is cut into chunks of the model's batch size, so each chunk is exactly one of the batches the
serial scorer would run, and the chunks become ``score-chunk`` task runs on the workers. A worker loads
the scorer once (``pipeline.get_scorer`` is cached per process) and keeps it for every chunk it gets;
results come back in page order and are merged, so storing, dedupe, cursors and topics run in the flow's
process exactly as in a serial run. ``scale.workers: N`` starts a local cluster of N processes on
127.0.0.1 for the run; ``scale.scheduler`` uses a running cluster (its workers need voxpop installed).
Why Dask: prefect-dask is Prefect's own integration, a local cluster needs no service, and the same
settings reach a cluster of many machines (docs/scaling.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from core.config import Settings
from pipeline import ScoredPage, chunks, get_scorer, merge_pages, score_records


@task(name="score-chunk", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=[5])
def score_chunk(settings: Settings, records: list[dict[str, Any]]) -> ScoredPage:
    """Score one chunk on a worker, with that worker's one scorer (a pure transform, so a retry is safe)."""
    return score_records(records, get_scorer(settings))


def task_runner(settings: Settings, workers: int | None = None) -> Any:
    """The Dask task runner ``settings.scale`` asks for (``workers`` overrides it), or None for in-process."""
    n = settings.scale.workers if workers is None else workers
    if not (settings.scale.scheduler or n):
        return None
    from prefect_dask import DaskTaskRunner  # noqa: PLC0415 - only distributed runs import dask

    if settings.scale.scheduler:
        return DaskTaskRunner(address=settings.scale.scheduler)
    # One thread per worker: the model uses the process's cores itself; more threads would only contend.
    return DaskTaskRunner(cluster_kwargs={"n_workers": n, "threads_per_worker": 1, "processes": True,
                                          "host": "127.0.0.1", "dashboard_address": None})


@contextmanager
def scoring_runner(settings: Settings, workers: int | None = None) -> Iterator[Any]:
    """The started task runner (cluster up) for the length of a run, or None when scoring stays in-process."""
    runner = task_runner(settings, workers)
    if runner is None:
        yield None
        return
    with runner:
        yield runner


def spread_scoring(runner: Any, settings: Settings) -> Callable[..., ScoredPage] | None:
    """``score(records, on_progress=None)`` on the runner's workers, or None without a runner (score in process)."""
    if runner is None:
        return None
    return lambda records, on_progress=None: score_distributed(runner, settings, records, on_progress)


def score_distributed(runner: Any, settings: Settings, records: list[dict[str, Any]],
                      on_progress: Callable[[int], None] | None = None) -> ScoredPage:
    """Score ``records`` as chunks on the runner's workers; the merged page equals a serial ``score_records``."""
    parts = chunks(records, settings.model.batch_size)
    futures = [runner.submit(score_chunk, parameters={"settings": settings, "records": part}) for part in parts]
    pages = []
    for future, part in zip(futures, parts, strict=True):
        pages.append(future.result())
        if on_progress is not None:
            on_progress(len(part))
    return merge_pages(pages)
