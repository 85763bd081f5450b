"""Reports: the SQL aggregation layer, charts and localised HTML/Markdown rendering."""

from reports import aggregate
from reports.aggregate import Period
from reports.build import ReportFiles, build_report
from reports.content import Facts, collect
from reports.i18n import LANGS

__all__ = ["LANGS", "Facts", "Period", "ReportFiles", "aggregate", "build_report", "collect"]
