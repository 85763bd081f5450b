"""Episodes: what each rule type finds in the stored mentions, as of one day, through ``reports.aggregate``.

An episode is a run of days on which a rule's condition held for one brand and subject (the spike's
series, the aspect, the topic, the mention), with gaps of at most ``EPISODE_GAP_DAYS`` days, as the
reports merge spike days. Its key (rule, brand, subject, first day) is computed from the data alone, so
the same data gives the same keys on every run: that is what makes re-runs idempotent. An episode is
*active* while its last qualifying day is at most ``EPISODE_GAP_DAYS`` days before the evaluated day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb

from alerts.rules import NEGATIVE_SHARE_BASELINE_DAYS, Rule
from reports import aggregate as agg

EPISODE_GAP_DAYS = agg.EPISODE_GAP_DAYS
LOOKBACK_DAYS = 35  # days searched for episodes before the evaluated day; longer runs count from here
_SPIKE_KIND = {"any": "mentions", "negative": "negative", "positive": "positive"}


@dataclass
class Episode:
    """One episode of one rule: where, when, and the figure against its baseline."""

    rule: Rule
    brand: str
    is_competitor: bool
    subject: str  # spike series (negative/positive/mentions), aspect, topic label or mention id
    start: date
    end: date  # last day the condition held
    peak: date  # the day of the figure below
    value: float  # the figure that fired (count, share, engagement)
    baseline: float | None  # what it was compared with
    count: int  # mentions behind the figure
    sentiment: str | None  # which mentions explain it (None: all)
    score: float  # for ranking episodes of one evaluation: bigger is more urgent
    facts: dict[str, Any] = field(default_factory=dict)  # type-specific figures for the message

    @property
    def key(self) -> str:
        """rule|brand|subject|first day: the same data always gives the same key."""
        return f"{self.rule.name}|{self.brand}|{self.subject}|{self.start.isoformat()}"

    def active(self, as_of: date) -> bool:
        """Whether the condition held recently enough that the episode is still going on."""
        return (as_of - self.end).days <= EPISODE_GAP_DAYS


def _merge(rows: Iterable[dict[str, Any]], make: Callable[[list[dict[str, Any]]], Episode]) -> list[Episode]:
    """Qualifying (brand, key, day) rows → one episode per run of days (gaps up to EPISODE_GAP_DAYS)."""
    runs: list[list[dict[str, Any]]] = []
    for row in sorted(rows, key=lambda r: (r["brand"], r["key"], r["day"])):
        last = runs[-1][-1] if runs else None
        if (last and (last["brand"], last["key"]) == (row["brand"], row["key"])
                and (row["day"] - last["day"]).days <= EPISODE_GAP_DAYS):
            runs[-1].append(row)
        else:
            runs.append([row])
    return [make(run) for run in runs]


def volume_spikes(con: duckdb.DuckDBPyConnection, rule: Rule, as_of: date) -> list[Episode]:
    """Days beyond the trailing 14-day median by ``sensitivity`` robust deviations (``aggregate.spikes``)."""
    kind = _SPIKE_KIND[rule.sentiment]
    period = agg.Period(as_of - timedelta(days=LOOKBACK_DAYS // 2), as_of)
    found = agg.spikes(con, period, k=rule.sensitivity, min_count=rule.min_volume, kinds=[kind],
                       brands=list(rule.brands), explain=False)
    return [Episode(rule, e["brand"], e["is_competitor"], kind, e["start"], e["end"], e["day"], float(e["n"]),
                    float(e["mean"]), int(e["n"]), None if kind == "mentions" else kind, float(e["z"]),
                    {"z": float(e["z"]), "days": e["days"], "excess": float(e["excess"])})
            for e in found if (as_of - e["end"]).days <= LOOKBACK_DAYS]


def negative_share(con: duckdb.DuckDBPyConnection, rule: Rule, as_of: date) -> list[Episode]:
    """Windows whose share of negative mentions beats the 14 days before by ``sensitivity`` (in points)."""
    rows = agg.rolling(con, "brands", as_of - timedelta(days=LOOKBACK_DAYS), as_of, window=rule.window_days,
                       baseline=NEGATIVE_SHARE_BASELINE_DAYS, brands=list(rule.brands))
    hits = []
    for r in rows:
        if not r["covered"] or r["current"] < rule.min_volume or r["previous"] < rule.min_volume:
            continue  # no baseline to compare with is no jump
        share, base = r["negative"] / r["current"], r["prev_negative"] / r["previous"]
        if share - base >= rule.sensitivity:
            hits.append({**r, "share": share, "base": base})

    def make(run: list[dict[str, Any]]) -> Episode:
        top = max(run, key=lambda r: (r["share"] - r["base"], r["day"]))
        return Episode(rule, top["brand"], top["is_competitor"], "negative_share", run[0]["day"], run[-1]["day"],
                       top["day"], top["share"], top["base"], int(top["current"]), "negative",
                       (top["share"] - top["base"]) * 10,
                       {"negative": int(top["negative"]), "window": rule.window_days,
                        "baseline_days": NEGATIVE_SHARE_BASELINE_DAYS})

    return _merge(hits, make)


def _growth_hits(rows: Iterable[dict[str, Any]], rule: Rule, *, score: bool) -> list[dict[str, Any]]:
    hits = []
    for r in rows:
        if not r["covered"] or r["current"] < rule.min_volume or r["current"] <= r["previous"]:
            continue
        growth = (r["current"] + 1) / (r["previous"] + 1) if score else (
            None if r["previous"] == 0 else (r["current"] - r["previous"]) / r["previous"])
        if growth is None or growth >= rule.sensitivity:
            hits.append({**r, "growth": growth})
    return hits


def pain_points(con: duckdb.DuckDBPyConnection, rule: Rule, as_of: date) -> list[Episode]:
    """Aspects whose complaints in the window grew by ``sensitivity`` against the window before (or are new)."""
    rows = agg.rolling(con, "pain_points", as_of - timedelta(days=LOOKBACK_DAYS), as_of, window=rule.window_days,
                       brands=list(rule.brands))

    def make(run: list[dict[str, Any]]) -> Episode:
        top = max(run, key=lambda r: (r["current"], r["day"]))
        return Episode(rule, top["brand"], top["is_competitor"], top["key"], run[0]["day"], run[-1]["day"],
                       top["day"], float(top["current"]), float(top["previous"]), int(top["current"]), "negative",
                       float(top["current"] - top["previous"]) / 5,
                       {"growth": top["growth"], "window": rule.window_days})

    return _merge(_growth_hits(rows, rule, score=False), make)


def emerging_topics(con: duckdb.DuckDBPyConnection, rule: Rule, as_of: date) -> list[Episode]:
    """Topics whose mentions in the window beat the window before by the score (now + 1) / (before + 1)."""
    rows = agg.rolling(con, "topics", as_of - timedelta(days=LOOKBACK_DAYS), as_of, window=rule.window_days,
                       brands=list(rule.brands))

    def make(run: list[dict[str, Any]]) -> Episode:
        top = max(run, key=lambda r: (r["current"], r["day"]))
        return Episode(rule, top["brand"], top["is_competitor"], top["key"], run[0]["day"], run[-1]["day"],
                       top["day"], float(top["current"]), float(top["previous"]), int(top["current"]), None,
                       top["growth"], {"growth": top["growth"], "negative": int(top["negative"]),
                                       "window": rule.window_days})

    return _merge(_growth_hits(rows, rule, score=True), make)


def high_reach(con: duckdb.DuckDBPyConnection, rule: Rule, as_of: date) -> list[Episode]:
    """Negative mentions of the last ``window_days`` days whose engagement or views reach the thresholds."""
    rows = agg.high_reach(con, as_of - timedelta(days=rule.window_days - 1), as_of,
                          min_engagement=int(rule.sensitivity), min_views=rule.min_volume, brands=list(rule.brands))
    return [Episode(rule, r["brand"], r["is_competitor"], r["mention_id"], r["day"], r["day"], r["day"],
                    float(r["engagement"]), float(rule.sensitivity), 1, "negative",
                    float(r["engagement"]) / rule.sensitivity,
                    {"views": r["views"], "platform": r["platform"], "mention": r})
            for r in rows]


DETECTORS: dict[str, Callable[[duckdb.DuckDBPyConnection, Rule, date], list[Episode]]] = {
    "volume_spike": volume_spikes,
    "negative_share": negative_share,
    "pain_point": pain_points,
    "emerging_topic": emerging_topics,
    "high_reach_negative": high_reach,
}


def detect(con: duckdb.DuckDBPyConnection, rule: Rule, as_of: date) -> list[Episode]:
    """The episodes of ``rule`` in the ``LOOKBACK_DAYS`` days up to ``as_of`` (active and ended)."""
    if not rule.brands:
        return []
    return DETECTORS[rule.type](con, rule, as_of)
