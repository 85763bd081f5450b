"""Report flow: ``pipeline.write_report`` as a retried task, its Markdown summary published as an artifact.

Files are named ``{project}-{lang}-{start}_{end}-{trends.html|pain-points.html|summary.md}``, so the daily
report, a weekly az report and a 60-day run never overwrite each other. When ``send_to`` or ``email_to``
(or ``report.send_to`` / ``report.email_to`` in voxpop.yaml) name alert channels, the summary goes to
them, and ``email_to`` channels get both HTML reports attached (``alerts.digest``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from alerts.digest import send_report
from core.config import load_settings
from pipeline import write_report


@task(name="build-report", retries=2, retry_delay_seconds=[2, 10], cache_policy=NO_CACHE)
def build(config: str, lang: str | None, days: int | None, start: date | None, end: date | None) -> dict[str, Any]:
    """Aggregate and render (read-only on the dataset, so retrying is safe)."""
    files = write_report(load_settings(config), lang=lang, days=days, start=start, end=end)
    return {"trend": str(files.trend), "painpoints": str(files.painpoints), "markdown": str(files.markdown),
            "summary": files.summary}


@task(name="deliver-report", cache_policy=NO_CACHE)
def deliver(config: str, result: dict[str, Any], lang: str | None, send_to: Sequence[str] | None,
            email_to: Sequence[str] | None) -> list[dict[str, Any]]:
    """Send the summary (and, to ``email_to``, the HTML reports); retries inside, never raises for a channel."""
    settings = load_settings(config)
    return send_report(settings, summary=result["summary"], attachments=[Path(result["trend"]),
                                                                        Path(result["painpoints"])],
                       lang=lang or settings.report.lang, send_to=send_to, email_to=email_to,
                       logger=get_run_logger())


@flow(name="voxpop-report")
def report(
    config: str = "voxpop.yaml",
    lang: str | None = None,
    days: int | None = None,
    start: date | None = None,
    end: date | None = None,
    *,
    send_to: list[str] | None = None,
    email_to: list[str] | None = None,
) -> dict[str, Any]:
    """Trend and pain-point report for the last ``days`` days (or ``start``..``end``), delivered if configured.

    ``send_to`` and ``email_to`` (alert channel names) override ``report.send_to`` and ``report.email_to``.
    """
    settings = load_settings(config)  # a bad config fails here, once, instead of through the task's retries
    result = build(config, lang, days, start, end)
    create_markdown_artifact(key="voxpop-report", markdown=result["summary"],
                             description=f"Reports: {result['trend']} and {result['painpoints']}")
    get_run_logger().info("reports written to %s and %s", result["trend"], result["painpoints"])
    out = {k: result[k] for k in ("trend", "painpoints", "markdown")}
    wanted = (settings.report.send_to if send_to is None else send_to) or (
        settings.report.email_to if email_to is None else email_to)
    if wanted:
        out["delivered"] = deliver(config, result, lang, send_to, email_to)
    return out
