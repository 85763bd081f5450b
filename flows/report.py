"""Report flow: read the Parquet through DuckDB, write the HTML and Markdown report, publish an artifact.

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
from nlp.aspects import Taxonomy
from reports import build_report
from storage import connect


@task(name="build-report", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def build(config: str, lang: str | None, days: int | None, start: date | None, end: date | None) -> dict[str, Any]:
    """Aggregate and render (read-only on the dataset, so retrying is safe)."""
    settings = load_settings(config)
    # cx_area_labels: a taxonomy may translate "who should act" itself; else reports.i18n's table does.
    taxonomy = {a.name: {"labels": dict(a.labels), "cx_area": a.cx_area,
                         "cx_area_labels": dict(getattr(a, "cx_area_labels", None) or {})}
                for a in Taxonomy.pack(settings.model.taxonomy, extra=settings.model.extra_aspects)}
    with connect(settings.storage.path) as con:
        files = build_report(
            con,
            out_dir=settings.report.out_dir,
            project=settings.project,
            taxonomy=taxonomy,
            lang=lang or settings.report.lang,
            days=days or settings.report.window_days,
            start=start,
            end=end,
            brands=[b.name for b in settings.brands],
            competitors=[c.name for c in settings.competitors],
        )
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
