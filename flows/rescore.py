"""Rescore flow: ``pipeline.rescore`` (brand rules and scores re-applied to stored mentions) as a Prefect flow.

``voxpop rescore`` calls the pipeline directly, with a progress bar; this flow is for a deployment or an
ad-hoc run after a config or model change. The rescore is resumable, so the flow itself is not retried.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from prefect import flow, get_run_logger

from core.config import load_settings
from flows.scale import scoring_runner, spread_scoring
from pipeline import get_scorer, rescore_steps
from pipeline import rescore as run_rescore
from storage import MentionStore


@flow(name="voxpop-rescore")
def rescore(
    config: str = "voxpop.yaml",
    start: date | None = None,
    end: date | None = None,
    only: str | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """Rescore the mentions posted from ``start`` to ``end`` (default: all); ``only``: e.g. ``brands,lang``.

    As ``voxpop rescore``: without ``only``, topics are refitted only when the config enables them.
    Scoring runs where ``scale:`` says (``workers`` overrides ``scale.workers``; ``voxpop backfill --start``).
    """
    settings = load_settings(config)
    steps = rescore_steps(settings, only)
    with scoring_runner(settings, workers) as runner:
        summary = run_rescore(settings, MentionStore(settings.storage.path), lambda: get_scorer(settings),
                              start=start, end=end, steps=steps, logger=get_run_logger(),
                              score_rows=spread_scoring(runner, settings))
    get_run_logger().info("rescore: %d of %d mentions changed on %d days", summary.changed, summary.rows,
                          summary.days)
    return asdict(summary)
