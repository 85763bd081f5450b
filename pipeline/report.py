"""The report run: the configured taxonomy and brands handed to ``reports.build_report`` over the stored data.

Read-only on the dataset, so the report flow may retry it freely.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.config import Settings
from nlp import Taxonomy
from reports import ReportFiles, build_report
from storage import connect


def taxonomy_labels(settings: Settings) -> dict[str, dict[str, Any]]:
    """Per aspect of the configured pack: its labels, its CX area and that area's own translations."""
    # cx_area_labels: a taxonomy may translate "who should act" itself; else reports.i18n's table does.
    return {a.name: {"labels": dict(a.labels), "cx_area": a.cx_area,
                     "cx_area_labels": dict(getattr(a, "cx_area_labels", None) or {})}
            for a in Taxonomy.pack(settings.model.taxonomy, extra=settings.model.extra_aspects)}


def write_report(settings: Settings, *, lang: str | None = None, days: int | None = None,
                 start: date | None = None, end: date | None = None) -> ReportFiles:
    """Aggregate and render the trend and pain-point reports; ``lang`` and ``days`` default to the config's."""
    taxonomy = taxonomy_labels(settings)
    with connect(settings.storage.path, corrected=True) as con:
        return build_report(
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
