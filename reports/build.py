"""Build the trend and pain-point report: ``reports.content`` data → headlines → self-contained HTML + Markdown.

Every number comes from ``reports.aggregate``. Mention text only reaches HTML through Jinja2's
autoescaping, and the page's Content-Security-Policy forbids scripts altogether.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from core.files import write_text_atomic
from reports import aggregate as agg
from reports.content import collect
from reports.i18n import Formatter, strings

# A CSAT change is a headline when it moved 10 points on at least 5 ratings in each period.
CSAT_HEADLINE_CHANGE = 0.10
MIN_HEADLINE_RATINGS = 5
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


@dataclass
class ReportFiles:
    """Where the two reports were written, and the Markdown summary text."""

    trend: Path
    painpoints: Path
    markdown: Path
    summary: str


def _env() -> Environment:
    # Escape HTML templates (mention text is attacker-controlled); Markdown output must stay literal.
    env = Environment(loader=PackageLoader("reports", "templates"), trim_blocks=True, lstrip_blocks=True,
                      autoescape=select_autoescape(["html"], default_for_string=True, default=False))
    env.filters["pseudonym"] = lambda h: f"user-{h[:6]}" if h else "—"
    env.filters["md"] = md_escape
    return env


def md_escape(text: object) -> str:
    """Make attacker-controlled text (topic labels, hashtags) inert in the Markdown summary.

    The summary is not autoescaped (it is Markdown), yet Prefect and chat tools render it: ``<`` and ``>``
    become entities (so no tag can form) and Markdown syntax (links, emphasis, table pipes) is
    backslash-escaped. A bare ``&`` stays as it is: "Payment & checkout" must not read "&amp;".
    """
    raw = str(text).replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", raw).replace("\n", " ").replace("\r", " ")


def pain_headlines(data: dict[str, Any], fmt: Formatter, t: dict[str, str]) -> list[str]:
    """The fastest-growing pain points, ours and competitors', as sentences."""
    out: list[str] = []
    for pp in data["growing"][:4]:
        change = t["new"] if pp["is_new"] else fmt.pct(pp["growth"], signed=True)
        out.append(t["hl_growing"].format(brand=pp["brand"], about=fmt.about(pp["aspect"], pp["label"]),
                                          complaints=fmt.count(pp["current"], "complaints"),
                                          prev=fmt.num(pp["previous"]), change=change))
    return out


def headlines(data: dict[str, Any], fmt: Formatter, t: dict[str, str]) -> list[str]:
    """Plain-language key findings, computed from the data (no storyline is known in advance)."""
    out = pain_headlines(data, fmt, t)[:2]
    for tp in data["topics"][:2]:
        change = t["new"] if tp["is_new"] else fmt.pct(tp["growth"], signed=True)
        out.append(t["hl_topic"].format(brand=tp["brand"], topic=tp["topic"], n=fmt.count(tp["current"], "mentions"),
                                        prev=fmt.num(tp["previous"]), change=change))
    for s in data["spikes"][:3]:
        key = "hl_spike_neg" if s["kind"] == "negative" else "hl_spike_pos"
        why = ", ".join([tp["topic"] for tp in s["topics"][:1]] + s["aspect_labels"]
                        + [h["tag"] for h in s["hashtags"]][:2]) or "—"
        out.append(t[key].format(day=_days(fmt, s), brand=s["brand"], n=fmt.count(s["n"], "mentions"),
                                 base=fmt.num(s["mean"] or 0, 1), why=why))
    for r in data["ratings"]:
        if (r["csat_change"] is not None and abs(r["csat_change"]) >= CSAT_HEADLINE_CHANGE
                and min(r["ratings"], r["prev_ratings"]) >= MIN_HEADLINE_RATINGS):
            out.append(t["hl_csat"].format(brand=r["brand"], now=fmt.pct(r["csat"]),
                                           ratings=fmt.count(r["ratings"], "ratings"), before=fmt.pct(r["prev_csat"]),
                                           positive=fmt.pct(r["positive_share"])))
    for r in data["overview"]:
        if r["net_sentiment"] is not None and r["prev_net_sentiment"] is not None:
            delta = r["net_sentiment"] - r["prev_net_sentiment"]
            if abs(delta) >= 0.1:
                out.append(t["hl_net"].format(brand=r["brand"], now=fmt.signed(r["net_sentiment"]),
                                              before=fmt.signed(r["prev_net_sentiment"])))
    return out


def _days(fmt: Formatter, spike: dict[str, Any]) -> str:
    if spike["start"] == spike["end"]:
        return fmt.date(spike["day"])
    return f"{fmt.date(spike['start'])} – {fmt.date(spike['end'])}"


def report_stem(project: str, lang: str, period: agg.Period) -> str:
    """File-name stem with project, language and period, so reports of other windows or languages never collide.

    ``kapital-bank-az-2026-11-01_2026-11-30``: a 60-day run (other start) and a weekly az report (other
    language and start) next to the daily en report each get their own files.
    """
    slug = "".join(ch if ch.isalnum() else "-" for ch in project.lower()).strip("-") or "voxpop"
    return f"{slug}-{lang}-{period.start.isoformat()}_{period.end.isoformat()}"


def build_report(
    con: duckdb.DuckDBPyConnection,
    *,
    out_dir: Path,
    project: str,
    taxonomy: dict[str, dict[str, Any]],
    lang: str = "en",
    days: int = 30,
    start: date | None = None,
    end: date | None = None,
    model_version: str | None = None,
    brands: Sequence[str] = (),
    competitors: Sequence[str] = (),
) -> ReportFiles:
    """Write the trend and pain-point reports (HTML) and a Markdown summary into ``out_dir``.

    Files are named ``{project}-{lang}-{start}_{end}-trends.html``, ``...-pain-points.html`` and
    ``...-summary.md`` (see ``report_stem``).

    ``brands`` and ``competitors`` are the configured names (``settings.brands`` / ``settings.competitors``):
    they appear in every brand table even with no mentions in the period.
    """
    period = agg.Period.latest(con, days, end=end, start=start)
    if model_version is None:  # say which scorer produced the figures, from the data itself
        model_version = agg.model_versions(con, period) or None
    t = strings(lang)
    fmt = Formatter(lang)
    data = collect(con, period, taxonomy, lang, brands=brands, competitors=competitors)
    now = datetime.now(UTC)
    data["headlines"] = headlines(data, fmt, t)
    data["pain_headlines"] = pain_headlines(data, fmt, t)
    env = _env()
    stem = report_stem(project, lang, period)
    paths = {"trend": out_dir / f"{stem}-trends.html", "painpoints": out_dir / f"{stem}-pain-points.html"}
    ctx = {"t": t, "f": fmt, "d": data, "project": project, "lang": lang,
           "generated": f"{fmt.date(now)} {now:%H:%M} UTC", "model_version": model_version,
           "window_days": agg.BASELINE_DAYS}
    out_dir.mkdir(parents=True, exist_ok=True)
    for kind, other, other_title in (("trend", "painpoints", t["pain_title"]), ("painpoints", "trend", t["title"])):
        html = env.get_template(f"{kind}.html").render(**ctx, other_report=(other_title, paths[other].name))
        write_text_atomic(paths[kind], html)
    summary = env.get_template("summary.md").render(**ctx)
    md_path = out_dir / f"{stem}-summary.md"
    write_text_atomic(md_path, summary)
    return ReportFiles(paths["trend"], paths["painpoints"], md_path, summary)
