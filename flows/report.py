"""Report flow: ``pipeline.write_report`` as a retried task, its Markdown summary published as an artifact.

Files are named ``{project}-{lang}-{start}_{end}-{trends.html|pain-points.html|summary.md}``, so the daily
report, a weekly az report and a 60-day run never overwrite each other.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from core.config import load_settings
from pipeline import write_report


@task(name="build-report", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def build(config: str, lang: str | None, days: int | None, start: date | None, end: date | None) -> dict[str, Any]:
    """Aggregate and render (read-only on the dataset, so retrying is safe)."""
    files = write_report(load_settings(config), lang=lang, days=days, start=start, end=end)
    return {"trend": str(files.trend), "painpoints": str(files.painpoints), "markdown": str(files.markdown),
            "summary": files.summary}


@flow(name="voxpop-report")
def report(
    config: str = "voxpop.yaml",
    lang: str | None = None,
    days: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> dict[str, Any]:
    """Trend and pain-point report for the last ``days`` days (or ``start``..``end``)."""
    load_settings(config)  # a bad config fails here, once, instead of through the task's retries
    result = build(config, lang, days, start, end)
    create_markdown_artifact(key="voxpop-report", markdown=result["summary"],
                             description=f"Reports: {result['trend']} and {result['painpoints']}")
    get_run_logger().info("reports written to %s and %s", result["trend"], result["painpoints"])
    return {k: result[k] for k in ("trend", "painpoints", "markdown")}
