"""What the reports show, as plain data: the period's aggregates, localised, enriched and charted.

``collect`` runs the steps in order: ``Facts.query`` (the SQL of ``reports.aggregate``), ``localise`` (aspect
names and "who should act" in the report language), ``enrich`` (quotes, sparklines and competitor
comparisons for the top pain points and spikes) and ``chart`` (the SVG charts).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from reports import aggregate as agg
from reports import charts
from reports.i18n import cx_area as cx_area_label
from reports.i18n import strings

ROLLING_DAYS = 7
MIN_NET_MENTIONS = 5  # positive + negative mentions a 7-day window needs for a net-sentiment point
QUOTED_PAIN_POINTS = 8  # pain points that get quotes, a sparkline and a competitor comparison
EMERGING_TOPICS = 10  # rows in the trend report's emerging-topics table


def _rolling_net(pos: list[int], neg: list[int], window: int = ROLLING_DAYS) -> list[float | None]:
    out: list[float | None] = []
    for i in range(len(pos)):
        p, n = sum(pos[max(0, i - window + 1) : i + 1]), sum(neg[max(0, i - window + 1) : i + 1])
        out.append((p - n) / (p + n) if p + n >= MIN_NET_MENTIONS else None)
    return out


@dataclass
class Facts:
    """The period's aggregates, which ``localise`` and ``enrich`` complete in place."""

    overview: list[dict[str, Any]]  # one row per brand, configured ones included
    daily: list[dict[str, Any]]  # per brand and day
    pains: list[dict[str, Any]]  # per brand and aspect
    spikes: list[dict[str, Any]]
    topics: list[dict[str, Any]]  # emerging topics
    praised: list[dict[str, Any]]
    by_aspect: dict[str, dict[str, dict[str, Any]]] = field(init=False)  # aspect -> brand -> the pain row

    def __post_init__(self) -> None:
        self.by_aspect = defaultdict(dict)
        for pp in self.pains:
            self.by_aspect[pp["aspect"]][pp["brand"]] = pp

    @classmethod
    def query(cls, con: duckdb.DuckDBPyConnection, period: agg.Period, *, brands: Sequence[str] = (),
              competitors: Sequence[str] = ()) -> Facts:
        """Run the aggregate queries of ``period``."""
        return cls(overview=agg.overview(con, period, brands=brands, competitors=competitors),
                   daily=agg.daily(con, period, brands=brands, competitors=competitors),
                   pains=agg.pain_points(con, period), spikes=agg.spikes(con, period),
                   topics=agg.emerging_topics(con, period, limit=EMERGING_TOPICS), praised=agg.praised(con, period))

    @property
    def own_pains(self) -> list[dict[str, Any]]:
        """Our brands' pain points, biggest first."""
        return [pp for pp in self.pains if not pp["is_competitor"]]

    @property
    def growing(self) -> list[dict[str, Any]]:
        """Pain points with at least five complaints and more than the previous period, fastest growing first."""
        return sorted((pp for pp in self.pains if pp["current"] >= 5 and pp["current"] > pp["previous"]),
                      key=lambda pp: (pp["current"] - pp["previous"]), reverse=True)

    @property
    def top_aspects(self) -> list[str]:
        """The eight aspects with the most complaints over all brands."""
        return sorted(self.by_aspect, key=lambda a: -sum(v["current"] for v in self.by_aspect[a].values()))[:8]


def localise(facts: Facts, taxonomy: dict[str, dict[str, Any]], lang: str) -> dict[str, str]:
    """Name the aspects in ``lang`` (and "who should act") on every row that shows one; returns the names."""
    label = {name: (info.get("labels", {}).get(lang) or info.get("labels", {}).get("en") or name)
             for name, info in taxonomy.items()}
    # "Who should act" in the report language: the aspect's own labels, else the shipped translations.
    cx_area = {name: cx_area_label(info.get("cx_area", ""), lang, info.get("cx_area_labels"))
               for name, info in taxonomy.items()}
    for pp in facts.pains:
        pp["label"] = label.get(pp["aspect"], pp["aspect"])
        pp["cx_area"] = cx_area.get(pp["aspect"], "")
    for s in facts.spikes[:6]:
        s["aspect_labels"] = [label.get(a["aspect"], a["aspect"]) for a in s["aspects"]]
    for tp in facts.topics:
        tp["aspect_label"] = label.get(tp["top_aspect"], tp["top_aspect"]) if tp["top_aspect"] else None
    for pr in facts.praised:
        pr["label"] = label.get(pr["aspect"], pr["aspect"])
    return label


def enrich(con: duckdb.DuckDBPyConnection, period: agg.Period, facts: Facts) -> None:
    """Quotes, a sparkline and the competitor comparison for the top pain points; quotes for the top spikes."""
    rivals = [r for r in facts.overview if r["is_competitor"]]
    for pp in facts.own_pains[:QUOTED_PAIN_POINTS]:
        pp["quotes"] = agg.quotes(con, period, brand=pp["brand"], aspect=pp["aspect"], n=4)
        pp["spark"] = charts.sparkline(agg.aspect_daily(con, period, pp["brand"], pp["aspect"]),
                                       split=period.previous.days)
        # Every competitor, also those without this complaint: "none" is a comparison too (0%, or "—"
        # when the competitor has no mentions at all and a share would divide by zero).
        pp["competitors"] = sorted(
            (facts.by_aspect[pp["aspect"]].get(r["brand"])
             or {"brand": r["brand"], "current": 0, "share": 0.0 if r["mentions"] else None}
             for r in rivals if r["brand"] != pp["brand"]),
            key=lambda c: c["brand"])
    for s in facts.spikes[:6]:
        s["quotes"] = agg.quotes(con, period, brand=s["brand"], sentiment=s["kind"], day=s["day"], n=3)


def chart(facts: Facts, period: agg.Period, label: dict[str, str],
          t: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The volume, net-sentiment, pain-point and aspect-share charts (SVG data URIs).

    Also returns the brands with too few opinions for a net-sentiment line.
    """
    series_days: list[date] = []
    volume: dict[str, list[int]] = defaultdict(list)
    pos: dict[str, list[int]] = defaultdict(list)
    neg: dict[str, list[int]] = defaultdict(list)
    pain_daily: dict[str, list[int]] = defaultdict(list)
    for row in facts.daily:
        volume[row["brand"]].append(row["mentions"])
        pos[row["brand"]].append(row["positive"])
        neg[row["brand"]].append(row["negative"])
        pain_daily[row["brand"]].append(row["pain_points"])
        if len(volume) == 1:
            series_days.append(row["day"])
    marks = [(s["brand"], s["day"]) for s in facts.spikes[:6]]
    out: dict[str, str] = {}
    net = {b: _rolling_net(pos[b], neg[b]) for b in volume}
    # A brand with too few opinions has no rolling value anywhere: say so instead of silently omitting it.
    no_net_line = [b for b, values in net.items() if sum(volume[b]) and all(v is None for v in values)]
    if series_days:
        out["volume"] = charts.lines(series_days, dict(volume), title=t["chart_volume"], ylabel=t["mentions"],
                                     shade_from=period.start, marks=marks)
        out["net"] = charts.lines(series_days, net,
                                  title=t["chart_net"], ylabel=t["net_sentiment"], shade_from=period.start,
                                  zero_line=True)
        out["pain"] = charts.lines(series_days, dict(pain_daily), title=t["chart_pain"], ylabel=t["pain_points"],
                                   shade_from=period.start, marks=marks)
    top = facts.top_aspects
    if top:
        out["aspects"] = charts.bars(
            [label.get(a, a) for a in top],
            {r["brand"]: [100 * (facts.by_aspect[a].get(r["brand"], {}).get("share") or 0) for a in top]
             for r in facts.overview},
            title=t["chart_aspects"], xlabel=t["share_of_mentions_pct"],
        )
    return out, no_net_line


def rating_facts(con: duckdb.DuckDBPyConnection, period: agg.Period,
                 overview: list[dict[str, Any]]) -> dict[str, Any]:
    """CSAT per brand with ratings, each row with its weekly trend and its brand's overview figures.

    ``rows`` is empty when no brand has a rating in the period or the one before (the report then shows no
    ratings section); each overview row gets ``csat`` and ``ratings`` (None and 0 without ratings).
    ``weeks`` lists the week starts with any rating, oldest first; ``row["weeks"]`` maps them to that
    brand's week (absent: no rating that week).
    """
    rows = agg.ratings(con, period)
    by_brand = {r["brand"]: r for r in rows}
    weekly = agg.rating_weeks(con, period) if rows else []
    for r in rows:
        r["weeks"] = {w["week"]: w for w in weekly if w["brand"] == r["brand"]}
    for o in overview:
        r = by_brand.get(o["brand"])
        o["csat"], o["ratings"] = (r["csat"], r["ratings"]) if r else (None, 0)
        if r:
            r["mention_nps_proxy"] = o["nps_proxy"]  # the proxy over all the brand's mentions, for comparison
    for r in rows:
        r.setdefault("mention_nps_proxy", None)
    return {"rows": rows, "weeks": sorted({w["week"] for w in weekly})}


def collect(con: duckdb.DuckDBPyConnection, period: agg.Period, taxonomy: dict[str, dict[str, Any]],
            lang: str, *, brands: Sequence[str] = (), competitors: Sequence[str] = ()) -> dict[str, Any]:
    """Everything the templates show, as plain data (also what tests compare against SQL).

    The period's aggregates, localised, enriched with quotes and comparisons, and charted.
    ``brands`` and ``competitors`` are the configured names, listed even when they have no mentions.
    """
    facts = Facts.query(con, period, brands=brands, competitors=competitors)
    label = localise(facts, taxonomy, lang)
    enrich(con, period, facts)
    charted, no_net_line = chart(facts, period, label, strings(lang))
    rated = rating_facts(con, period, facts.overview)
    if rated["weeks"]:
        t = strings(lang)
        charted["csat"] = charts.lines(rated["weeks"], {r["brand"]: [None if (w := r["weeks"].get(d)) is None
                                                                    else 100 * w["csat"] for d in rated["weeks"]]
                                                       for r in rated["rows"]},
                                       title=t["chart_csat"], ylabel=t["csat_pct"], shade_from=period.start)
    return {
        "ratings": rated["rows"],
        "rating_weeks": rated["weeks"],
        "top_positive": agg.top_mentions(con, period, sentiment="positive"),
        "top_negative": agg.top_mentions(con, period, sentiment="negative"),
        "period": period,
        "overview": facts.overview,
        "own_brands": [r["brand"] for r in facts.overview if not r["is_competitor"]],
        "pains": facts.own_pains[:10],
        "competitor_pains": [pp for pp in facts.pains if pp["is_competitor"]][:10],
        "growing": facts.growing[:5],
        "by_aspect": {a: facts.by_aspect[a] for a in facts.top_aspects},
        "aspect_labels": label,
        "spikes": facts.spikes[:6],
        "topics": facts.topics,
        "topic_coverage": agg.topic_coverage(con, period),
        "min_topic_count": agg.MIN_TOPIC_COUNT,
        "praised": facts.praised[:10],
        "platforms": agg.breakdown(con, period, "platform"),
        "languages": agg.breakdown(con, period, "lang"),
        "charts": charted,
        "no_net_line": no_net_line,
        "min_net_mentions": MIN_NET_MENTIONS,
        "total": sum(r["mentions"] for r in facts.overview),
        "corrections": agg.corrections_summary(con, period),
    }
