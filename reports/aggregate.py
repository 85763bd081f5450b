"""The one SQL aggregation layer every report figure comes from; analysts can call it too.

All functions take a DuckDB connection with the ``mentions`` view (``storage.connect``) and a ``Period``.
The *period* is what the report is about; the *previous* period (same length, just before) is what
growth is measured against; the *context* (both together) is what trend charts and spike detection see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

# A spike needs a real baseline and a real count, not a jump from 0 to 2.
BASELINE_DAYS = 14
MIN_BASELINE_DAYS = 7
MIN_SPIKE_COUNT = 8
CONFIDENT = 0.8
EPISODE_GAP_DAYS = 2


@dataclass(frozen=True)
class Period:
    """An inclusive date range of whole UTC days and the equally long range before it."""

    start: date
    end: date

    @property
    def days(self) -> int:
        """Length in days."""
        return (self.end - self.start).days + 1

    @property
    def previous(self) -> Period:
        """The comparison period."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    @property
    def context_start(self) -> date:
        """First day shown in trend charts."""
        return self.previous.start

    @classmethod
    def latest(cls, con: duckdb.DuckDBPyConnection, days: int, end: date | None = None,
               start: date | None = None) -> Period:
        """The ``days`` days ending at ``end`` (default: the newest mention's day)."""
        if end is None:
            newest = con.execute("SELECT max(mention_date) FROM mentions").fetchone()
            end = newest[0] if newest and newest[0] else date.today()
        if start is None:
            start = end - timedelta(days=days - 1)
        if start > end:
            msg = f"start {start} is after end {end}"
            raise ValueError(msg)
        return cls(start, end)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


_IN_PERIOD = "mention_date BETWEEN ? AND ?"
# Zero-filled brand x day counts over a span; parameters: the span three times.
_DAILY_SQL = f"""
    WITH days AS (SELECT CAST(d AS DATE) AS day
                  FROM range(CAST(? AS DATE), CAST(? AS DATE) + 1, INTERVAL 1 DAY) t(d)),
    brands AS (SELECT brand, bool_or(is_competitor) AS is_competitor FROM mentions WHERE {_IN_PERIOD} GROUP BY brand),
    counts AS (
      SELECT brand, mention_date AS day, count(*) AS mentions,
             count(*) FILTER (sentiment = 'positive') AS positive,
             count(*) FILTER (sentiment = 'negative') AS negative,
             count(*) FILTER (is_pain_point) AS pain_points
      FROM mentions WHERE {_IN_PERIOD} GROUP BY ALL)
    SELECT b.brand, b.is_competitor, d.day, coalesce(c.mentions, 0) AS mentions,
           coalesce(c.positive, 0) AS positive, coalesce(c.negative, 0) AS negative,
           coalesce(c.pain_points, 0) AS pain_points
    FROM brands b CROSS JOIN days d LEFT JOIN counts c ON c.brand = b.brand AND c.day = d.day
"""  # noqa: S608 - constant fragments only


def overview(con: duckdb.DuckDBPyConnection, p: Period) -> list[dict[str, Any]]:
    """Per brand: volume, share of voice, sentiment split, net sentiment, pain points, reach; plus change.

    ``nps_proxy`` is NOT a survey NPS: it is 100 x (confident positive - confident negative) / mentions,
    where confident means a class probability of at least ``CONFIDENT``; it moves like NPS and is labelled
    as a proxy wherever it is shown. ``reach`` weights each mention by its engagement (1 + likes + reposts
    + replies).
    """
    sql = f"""
    WITH cur AS (
      SELECT brand, any_value(is_competitor) AS is_competitor, count(*) AS mentions,
             count(*) FILTER (sentiment = 'positive') AS positive,
             count(*) FILTER (sentiment = 'neutral') AS neutral,
             count(*) FILTER (sentiment = 'negative') AS negative,
             count(*) FILTER (is_pain_point) AS pain_points,
             sum(likes + reposts + replies) AS engagement,
             sum(1 + likes + reposts + replies) AS reach,
             count(*) FILTER (sentiment = 'positive' AND sentiment_confidence >= {CONFIDENT}) AS promoters,
             count(*) FILTER (sentiment = 'negative' AND sentiment_confidence >= {CONFIDENT}) AS detractors
      FROM mentions WHERE {_IN_PERIOD} GROUP BY brand),
    prev AS (
      SELECT brand, count(*) AS mentions,
             count(*) FILTER (sentiment = 'positive') AS positive,
             count(*) FILTER (sentiment = 'negative') AS negative
      FROM mentions WHERE {_IN_PERIOD} GROUP BY brand)
    SELECT cur.*, cur.mentions / sum(cur.mentions) OVER () AS share_of_voice,
           (cur.positive - cur.negative) / nullif(cur.positive + cur.negative, 0) AS net_sentiment,
           100.0 * (cur.promoters - cur.detractors) / nullif(cur.mentions, 0) AS nps_proxy,
           coalesce(prev.mentions, 0) AS prev_mentions,
           (prev.positive - prev.negative) / nullif(prev.positive + prev.negative, 0) AS prev_net_sentiment
    FROM cur LEFT JOIN prev USING (brand)
    ORDER BY cur.is_competitor, cur.mentions DESC, cur.brand
    """  # noqa: S608 - constant fragments only; values are parameters
    return _rows(con, sql, [p.start, p.end, p.previous.start, p.previous.end])


def daily(con: duckdb.DuckDBPyConnection, p: Period) -> list[dict[str, Any]]:
    """Per brand and day over the context span (zero-filled): volume, positive, negative, pain points."""
    span = [p.context_start, p.end]
    return _rows(con, _DAILY_SQL + " ORDER BY b.is_competitor, b.brand, d.day", span * 3)


def breakdown(con: duckdb.DuckDBPyConnection, p: Period, column: str) -> list[dict[str, Any]]:
    """Mentions and net sentiment per brand and ``platform`` or ``lang``."""
    if column not in {"platform", "lang"}:
        msg = f"breakdown by {column!r} is not supported; use platform or lang"
        raise ValueError(msg)
    sql = f"""
    SELECT brand, {column} AS key, count(*) AS mentions,
           (count(*) FILTER (sentiment = 'positive') - count(*) FILTER (sentiment = 'negative'))
             / nullif(count(*) FILTER (sentiment IN ('positive', 'negative')), 0) AS net_sentiment,
           count(*) FILTER (is_pain_point) AS pain_points
    FROM mentions WHERE {_IN_PERIOD} GROUP BY ALL ORDER BY brand, mentions DESC
    """  # noqa: S608 - column is whitelisted above
    return _rows(con, sql, [p.start, p.end])


def pain_points(con: duckdb.DuckDBPyConnection, p: Period) -> list[dict[str, Any]]:
    """Per brand and aspect: pain-point volume now and before, growth, share of the brand's mentions.

    ``growth`` is (current - previous) / previous; a pain point that did not exist before has growth None
    and ``is_new`` true. Ranked by current volume.
    """
    sql = f"""
    WITH pp AS (
      SELECT brand, is_competitor, unnest(aspects) AS aspect, mention_date, sentiment_score, lang, platform
      FROM mentions WHERE is_pain_point AND mention_date BETWEEN ? AND ?),
    vol AS (SELECT brand, count(*) AS n FROM mentions WHERE {_IN_PERIOD} GROUP BY brand),
    agg AS (
      SELECT brand, any_value(is_competitor) AS is_competitor, aspect,
             count(*) FILTER ({_IN_PERIOD}) AS current,
             count(*) FILTER (mention_date BETWEEN ? AND ?) AS previous,
             avg(sentiment_score) FILTER ({_IN_PERIOD}) AS avg_score,
             list_distinct(list(lang) FILTER ({_IN_PERIOD})) AS langs,
             list_distinct(list(platform) FILTER ({_IN_PERIOD})) AS platforms
      FROM pp GROUP BY brand, aspect)
    SELECT agg.*, agg.current / nullif(vol.n, 0) AS share,
           (agg.current - agg.previous) / nullif(agg.previous, 0) AS growth,
           agg.previous = 0 AND agg.current > 0 AS is_new
    FROM agg LEFT JOIN vol USING (brand)
    WHERE agg.current > 0 OR agg.previous > 0
    ORDER BY agg.current DESC, agg.brand, agg.aspect
    """  # noqa: S608
    cur, prev = [p.start, p.end], [p.previous.start, p.previous.end]
    return _rows(con, sql, [p.previous.start, p.end, *cur, *cur, *prev, *cur, *cur, *cur])


def praised(con: duckdb.DuckDBPyConnection, p: Period) -> list[dict[str, Any]]:
    """What delights customers: positive mentions per brand and aspect in the period."""
    sql = f"""
    SELECT brand, aspect, count(*) AS mentions
    FROM (SELECT brand, unnest(aspects) AS aspect FROM mentions WHERE sentiment = 'positive' AND {_IN_PERIOD})
    GROUP BY ALL ORDER BY mentions DESC, brand, aspect
    """  # noqa: S608
    return _rows(con, sql, [p.start, p.end])


def spikes(con: duckdb.DuckDBPyConnection, p: Period, k: float = 3.0) -> list[dict[str, Any]]:
    """Episodes of days whose negative or positive volume beats the trailing baseline by ``k`` deviations.

    Baseline: the ``BASELINE_DAYS`` days before each day (never the day itself, so a spike cannot hide
    itself), read from before the context span too. The deviation is floored at the Poisson noise of the
    mean (sqrt(mean)), so a quiet brand going from 2 to 6 mentions is not a crisis. Consecutive spike days
    of one brand and kind (gaps up to ``EPISODE_GAP_DAYS``) form one episode, reported at its peak day
    with what drove it (top aspects and hashtags over the episode). Ranked by excess mentions.
    """
    sql = f"""
    WITH d AS (
      SELECT brand, is_competitor, day, kind, n FROM (
        SELECT brand, is_competitor, day, negative, positive FROM ({_DAILY_SQL})
      ) UNPIVOT (n FOR kind IN (negative, positive))),
    stats AS (
      SELECT *, avg(n) OVER w AS mean, stddev_samp(n) OVER w AS sd, count(n) OVER w AS base_days
      FROM d WINDOW w AS (PARTITION BY brand, kind ORDER BY day
                          ROWS BETWEEN {BASELINE_DAYS} PRECEDING AND 1 PRECEDING))
    SELECT brand, is_competitor, day, kind, n, mean, sd,
           (n - mean) / greatest(sd, sqrt(mean), 1) AS z
    FROM stats
    WHERE day >= ? AND base_days >= {MIN_BASELINE_DAYS} AND n >= {MIN_SPIKE_COUNT}
      AND n > mean + ? * greatest(sd, sqrt(mean), 1)
    ORDER BY brand, kind, day
    """  # noqa: S608 - constants only
    span = [p.context_start - timedelta(days=BASELINE_DAYS), p.end]
    episodes: list[dict[str, Any]] = []
    for row in _rows(con, sql, span * 3 + [p.context_start, k]):
        last = episodes[-1] if episodes else None
        if (last and (last["brand"], last["kind"]) == (row["brand"], row["kind"])
                and (row["day"] - last["end"]).days <= EPISODE_GAP_DAYS):
            last["end"] = row["day"]
            last["days"] += 1
            last["excess"] += row["n"] - row["mean"]
            if row["n"] > last["n"]:
                last.update(day=row["day"], n=row["n"], mean=row["mean"], sd=row["sd"], z=row["z"])
        else:
            episodes.append({**row, "start": row["day"], "end": row["day"], "days": 1,
                             "excess": row["n"] - row["mean"]})
    episodes.sort(key=lambda e: -e["excess"])
    for e in episodes:
        where = "brand = ? AND sentiment = ? AND mention_date BETWEEN ? AND ?"
        params = [e["brand"], e["kind"], e["start"], e["end"]]
        e["aspects"] = _rows(
            con,
            f"SELECT aspect, count(*) AS n FROM (SELECT unnest(aspects) AS aspect FROM mentions WHERE {where}) "  # noqa: S608
            "GROUP BY 1 ORDER BY n DESC, aspect LIMIT 3",
            params,
        )
        e["hashtags"] = _rows(
            con,
            "SELECT lower(tag) AS tag, count(*) AS n FROM "  # noqa: S608 - fixed fragments
            f"(SELECT unnest(regexp_extract_all(text, '#[\\pL\\pN_]+')) AS tag FROM mentions WHERE {where}) "
            "GROUP BY 1 HAVING count(*) >= 3 ORDER BY n DESC, tag LIMIT 3",
            params,
        )
    return episodes


def model_versions(con: duckdb.DuckDBPyConnection, p: Period) -> str:
    """The scorer versions behind the period's rows, most used first."""
    sql = f"SELECT model_version FROM mentions WHERE {_IN_PERIOD} GROUP BY 1 ORDER BY count(*) DESC LIMIT 3"  # noqa: S608
    return ", ".join(r[0] for r in con.execute(sql, [p.start, p.end]).fetchall())


def top_mentions(con: duckdb.DuckDBPyConnection, p: Period, *, sentiment: str, n: int = 5) -> list[dict[str, Any]]:
    """The most engaging confident mentions of one sentiment in the period, across brands."""
    sql = f"""
    SELECT brand, mention_id, platform, url, created_at, lang, text, author_hash, sentiment_confidence,
           likes + reposts + replies AS engagement
    FROM mentions WHERE sentiment = ? AND {_IN_PERIOD} AND length(text) <= 600
    ORDER BY engagement DESC, sentiment_confidence DESC, mention_id LIMIT ?
    """  # noqa: S608 - fixed fragments
    return _rows(con, sql, [sentiment, p.start, p.end, n])


def aspect_daily(con: duckdb.DuckDBPyConnection, p: Period, brand: str, aspect: str) -> list[int]:
    """Daily pain-point counts of one brand and aspect over the context span (zero-filled), for sparklines."""
    sql = """
    SELECT count(m.mention_id) FROM range(CAST(? AS DATE), CAST(? AS DATE) + 1, INTERVAL 1 DAY) t(d)
    LEFT JOIN mentions m ON m.mention_date = CAST(t.d AS DATE) AND m.brand = ? AND m.is_pain_point
         AND list_contains(m.aspects, ?)
    GROUP BY t.d ORDER BY t.d
    """
    return [r[0] for r in con.execute(sql, [p.context_start, p.end, brand, aspect]).fetchall()]


def quotes(
    con: duckdb.DuckDBPyConnection,
    p: Period,
    *,
    brand: str,
    aspect: str | None = None,
    sentiment: str = "negative",
    day: date | None = None,
    n: int = 3,
) -> list[dict[str, Any]]:
    """Representative quotes: confident, engaging, and not near-duplicates of each other."""
    where = ["brand = ?", "sentiment = ?"]
    params: list[Any] = [brand, sentiment]
    if day is not None:
        where.append("mention_date = ?")
        params.append(day)
    else:
        where.append(_IN_PERIOD)
        params += [p.start, p.end]
    if aspect is not None:
        where.append("list_contains(aspects, ?)")
        params.append(aspect)
    sql = f"""
    SELECT mention_id, platform, url, created_at, lang, text, sentiment_confidence, author_hash,
           likes + reposts + replies AS engagement
    FROM mentions WHERE {' AND '.join(where)} AND length(text) <= 600
    ORDER BY sentiment_confidence * ln(2 + likes + reposts + replies) DESC, mention_id
    LIMIT 200
    """  # noqa: S608 - fixed fragments; values are parameters
    picked: list[dict[str, Any]] = []
    seen_shapes: list[set[str]] = []
    langs_used: dict[str, int] = {}
    for row in _rows(con, sql, params):
        shape = set(re.findall(r"\w{3,}", row["text"].casefold()))
        if any(len(shape & s) / max(1, len(shape | s)) > 0.5 for s in seen_shapes):
            continue
        if langs_used.get(row["lang"], 0) >= max(1, n // 2) and len(picked) < n - 1:
            continue  # prefer quotes in several languages
        picked.append(row)
        seen_shapes.append(shape)
        langs_used[row["lang"]] = langs_used.get(row["lang"], 0) + 1
        if len(picked) == n:
            break
    return picked
