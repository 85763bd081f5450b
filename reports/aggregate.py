"""The one SQL aggregation layer every report figure comes from; analysts can call it too.

All functions take a DuckDB connection with the ``mentions`` view (``storage.connect``) and a ``Period``.
The *period* is what the report is about; the *previous* period (same length, just before) is what
growth is measured against; the *context* (both together) is what trend charts and spike detection see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

from core.ratings import SATISFIED

# A spike needs a real baseline and a real count, not a jump from 0 to 2.
BASELINE_DAYS = 14
MIN_BASELINE_DAYS = 7
MIN_SPIKE_COUNT = 8
CONFIDENT = 0.8
EPISODE_GAP_DAYS = 2
# Scales the median absolute deviation to a standard deviation for normally distributed noise.
MAD_TO_SD = 1.4826
# An emerging topic needs this many mentions in the period: two posts about a new topic are noise.
MIN_TOPIC_COUNT = 5
# A spike is explained by a topic only if the topic has at least this many mentions inside the spike.
MIN_SPIKE_TOPIC_COUNT = 2
# The daily series spikes can be found in: negative, positive, or all mentions.
SPIKE_KINDS = ("negative", "positive", "mentions")


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


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | dict[str, Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


_IN_PERIOD = "mention_date BETWEEN ? AND ?"
# A topic label, or NULL when the topic model has not assigned one (an empty label counts as none).
_TOPIC = "nullif(trim(topic), '')"
# The brand roster: configured brands first (the config decides who is a competitor), then any other brand
# with mentions in $start..$end, so a configured brand with no mentions still gets its row of zeros.
# Named parameters: $own and $rivals (lists of configured names), $start and $end.
_ROSTER_SQL = """
    configured AS (
      SELECT brand, bool_and(is_competitor) AS is_competitor FROM (
        SELECT unnest(CAST($own AS VARCHAR[])) AS brand, false AS is_competitor
        UNION ALL SELECT unnest(CAST($rivals AS VARCHAR[])), true) GROUP BY brand),
    roster AS (
      SELECT brand, is_competitor FROM configured
      UNION ALL
      SELECT brand, bool_or(is_competitor) FROM mentions
      WHERE mention_date BETWEEN $start AND $end AND brand NOT IN (SELECT brand FROM configured)
      GROUP BY brand)
"""
# Zero-filled brand x day counts over $start..$end for the roster.
_DAILY_SQL = f"""
    WITH {_ROSTER_SQL},
    days AS (SELECT CAST(d AS DATE) AS day
             FROM range(CAST($start AS DATE), CAST($end AS DATE) + 1, INTERVAL 1 DAY) t(d)),
    counts AS (
      SELECT brand, mention_date AS day, count(*) AS mentions,
             count(*) FILTER (sentiment = 'positive') AS positive,
             count(*) FILTER (sentiment = 'negative') AS negative,
             count(*) FILTER (is_pain_point) AS pain_points
      FROM mentions WHERE mention_date BETWEEN $start AND $end GROUP BY ALL)
    SELECT b.brand, b.is_competitor, d.day, coalesce(c.mentions, 0) AS mentions,
           coalesce(c.positive, 0) AS positive, coalesce(c.negative, 0) AS negative,
           coalesce(c.pain_points, 0) AS pain_points
    FROM roster b CROSS JOIN days d LEFT JOIN counts c ON c.brand = b.brand AND c.day = d.day
"""  # noqa: S608 - constant fragments only


def _roster(brands: Sequence[str], competitors: Sequence[str]) -> dict[str, list[str]]:
    return {"own": list(brands), "rivals": list(competitors)}


def overview(con: duckdb.DuckDBPyConnection, p: Period, *, brands: Sequence[str] = (),
             competitors: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Per brand: volume, share of voice, sentiment split, net sentiment, pain points, reach; plus change.

    ``brands`` and ``competitors`` are the configured names: each gets a row even without mentions (zeros,
    and None for ratios that would divide by zero), because "nobody talks about us" is a finding.
    ``nps_proxy`` is NOT a survey NPS: it is 100 x (confident positive - confident negative) / mentions,
    where confident means a class probability of at least ``CONFIDENT``; it moves like NPS and is labelled
    as a proxy wherever it is shown. ``reach`` weights each mention by its engagement (1 + likes + reposts
    + replies). ``growth`` is (mentions - prev_mentions) / prev_mentions, None without previous mentions.
    """
    sql = f"""
    WITH {_ROSTER_SQL},
    cur AS (
      SELECT brand, count(*) AS mentions,
             count(*) FILTER (sentiment = 'positive') AS positive,
             count(*) FILTER (sentiment = 'neutral') AS neutral,
             count(*) FILTER (sentiment = 'negative') AS negative,
             count(*) FILTER (is_pain_point) AS pain_points,
             sum(likes + reposts + replies) AS engagement,
             sum(1 + likes + reposts + replies) AS reach,
             count(*) FILTER (sentiment = 'positive' AND sentiment_confidence >= {CONFIDENT}) AS promoters,
             count(*) FILTER (sentiment = 'negative' AND sentiment_confidence >= {CONFIDENT}) AS detractors
      FROM mentions WHERE mention_date BETWEEN $start AND $end GROUP BY brand),
    prev AS (
      SELECT brand, count(*) AS mentions,
             count(*) FILTER (sentiment = 'positive') AS positive,
             count(*) FILTER (sentiment = 'negative') AS negative
      FROM mentions WHERE mention_date BETWEEN $prev_start AND $prev_end GROUP BY brand),
    joined AS (
      SELECT r.brand, r.is_competitor, coalesce(cur.mentions, 0) AS mentions,
             coalesce(cur.positive, 0) AS positive, coalesce(cur.neutral, 0) AS neutral,
             coalesce(cur.negative, 0) AS negative, coalesce(cur.pain_points, 0) AS pain_points,
             coalesce(cur.engagement, 0) AS engagement, coalesce(cur.reach, 0) AS reach,
             coalesce(cur.promoters, 0) AS promoters, coalesce(cur.detractors, 0) AS detractors,
             coalesce(prev.mentions, 0) AS prev_mentions, prev.positive AS prev_positive,
             prev.negative AS prev_negative
      FROM roster r LEFT JOIN cur USING (brand) LEFT JOIN prev USING (brand))
    SELECT * EXCLUDE (prev_positive, prev_negative),
           mentions / nullif(sum(mentions) OVER (), 0) AS share_of_voice,
           (positive - negative) / nullif(positive + negative, 0) AS net_sentiment,
           100.0 * (promoters - detractors) / nullif(mentions, 0) AS nps_proxy,
           pain_points / nullif(mentions, 0) AS pain_share,
           (mentions - prev_mentions) / nullif(prev_mentions, 0) AS growth,
           (prev_positive - prev_negative) / nullif(prev_positive + prev_negative, 0) AS prev_net_sentiment
    FROM joined
    ORDER BY is_competitor, mentions DESC, brand
    """  # noqa: S608 - constant fragments only; values are parameters
    params = {"start": p.start, "end": p.end, "prev_start": p.previous.start, "prev_end": p.previous.end,
              **_roster(brands, competitors)}
    return _rows(con, sql, params)


def _has_ratings(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``mentions`` has the ``rating`` column (contract version 3 on; a hand-made view may lack it)."""
    return "rating" in {row[0] for row in con.execute("DESCRIBE mentions").fetchall()}


def ratings(con: duckdb.DuckDBPyConnection, p: Period) -> list[dict[str, Any]]:
    """Per brand with star ratings in the period or the previous one: CSAT now and before, beside sentiment.

    ``csat`` = ratings of ``SATISFIED`` (4) or 5 stars / ratings, over the rated mentions of the period
    (``prev_csat`` the same before; None without ratings there), with ``ratings`` and ``prev_ratings``
    the counts behind them and ``mean_rating`` the average stars. The same rated mentions are compared
    with what the sentiment model read in their text: ``positive_share`` (share scored positive, the
    figure CSAT is closest to), ``nps_proxy`` (the overview's proxy computed over them) and ``agreement``
    (share whose stars and sentiment tell the same story: 4-5 positive, 3 neutral, 1-2 negative).
    Brands without any rating are left out: no row rather than a row of None.
    """
    if not _has_ratings(con):
        return []
    sql = f"""
    WITH r AS (
      SELECT brand, is_competitor, rating, sentiment, sentiment_confidence, mention_date >= $start AS cur
      FROM mentions WHERE rating IS NOT NULL AND mention_date BETWEEN $prev_start AND $end),
    agg AS (
      SELECT brand, bool_or(is_competitor) AS is_competitor,
             count(*) FILTER (cur) AS ratings, count(*) FILTER (cur AND rating >= {SATISFIED}) AS satisfied,
             avg(rating) FILTER (cur) AS mean_rating,
             count(*) FILTER (cur AND sentiment = 'positive') AS positive,
             count(*) FILTER (cur AND sentiment = 'positive' AND sentiment_confidence >= {CONFIDENT}) AS promoters,
             count(*) FILTER (cur AND sentiment = 'negative' AND sentiment_confidence >= {CONFIDENT}) AS detractors,
             count(*) FILTER (cur AND sentiment = CASE WHEN rating >= {SATISFIED} THEN 'positive'
                                                       WHEN rating = {SATISFIED} - 1 THEN 'neutral'
                                                       ELSE 'negative' END) AS agreeing,
             count(*) FILTER (NOT cur) AS prev_ratings,
             count(*) FILTER (NOT cur AND rating >= {SATISFIED}) AS prev_satisfied,
             avg(rating) FILTER (NOT cur) AS prev_mean_rating
      FROM r GROUP BY brand)
    SELECT brand, is_competitor, ratings, satisfied, mean_rating, prev_ratings, prev_mean_rating,
           satisfied / nullif(ratings, 0) AS csat, prev_satisfied / nullif(prev_ratings, 0) AS prev_csat,
           satisfied / nullif(ratings, 0) - prev_satisfied / nullif(prev_ratings, 0) AS csat_change,
           positive / nullif(ratings, 0) AS positive_share,
           100.0 * (promoters - detractors) / nullif(ratings, 0) AS nps_proxy,
           agreeing / nullif(ratings, 0) AS agreement
    FROM agg ORDER BY is_competitor, ratings DESC, prev_ratings DESC, brand
    """  # noqa: S608 - constants only; values are parameters
    return _rows(con, sql, {"start": p.start, "end": p.end, "prev_start": p.previous.start})


def rating_weeks(con: duckdb.DuckDBPyConnection, p: Period) -> list[dict[str, Any]]:
    """Per brand with ratings and ISO week (Monday) over the context span: ratings, mean stars, CSAT.

    Weeks without a rating are left out (a trend line has a gap there, never a 0); ``positive_share`` is
    the share of those rated mentions the sentiment model scored positive, for the comparison line.
    """
    if not _has_ratings(con):
        return []
    sql = f"""
    SELECT brand, CAST(date_trunc('week', mention_date) AS DATE) AS week, count(*) AS ratings,
           avg(rating) AS mean_rating, count(*) FILTER (rating >= {SATISFIED}) / count(*) AS csat,
           count(*) FILTER (sentiment = 'positive') / count(*) AS positive_share
    FROM mentions WHERE rating IS NOT NULL AND {_IN_PERIOD}
    GROUP BY ALL ORDER BY brand, week
    """  # noqa: S608 - constants only
    return _rows(con, sql, [p.context_start, p.end])


def daily(con: duckdb.DuckDBPyConnection, p: Period, *, brands: Sequence[str] = (),
          competitors: Sequence[str] = ()) -> list[dict[str, Any]]:
    """Per brand and day over the context span (zero-filled, configured brands included)."""
    params = {"start": p.context_start, "end": p.end, **_roster(brands, competitors)}
    return _rows(con, _DAILY_SQL + " ORDER BY b.is_competitor, b.brand, d.day", params)


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
    FROM mentions WHERE {_IN_PERIOD} GROUP BY ALL ORDER BY brand, mentions DESC, key
    """  # noqa: S608 - column is whitelisted above
    return _rows(con, sql, [p.start, p.end])


def pain_points(con: duckdb.DuckDBPyConnection, p: Period) -> list[dict[str, Any]]:
    """Per brand and aspect: pain-point volume now and before, growth, share of the brand's mentions.

    ``growth`` is (current - previous) / previous; a pain point that did not exist before has growth None
    and ``is_new`` true. ``langs`` and ``platforms`` are the current period's (empty lists, never None, for
    a pain point seen only in the previous period). Ranked by current volume.
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
             -- An aspect seen only in the previous period has no current rows: empty lists, never NULL.
             coalesce(list_distinct(list(lang) FILTER ({_IN_PERIOD})), CAST([] AS VARCHAR[])) AS langs,
             coalesce(list_distinct(list(platform) FILTER ({_IN_PERIOD})), CAST([] AS VARCHAR[])) AS platforms
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


def spikes(con: duckdb.DuckDBPyConnection, p: Period, k: float = 3.0, *, min_count: int = MIN_SPIKE_COUNT,
           kinds: Sequence[str] = ("negative", "positive"), brands: Sequence[str] | None = None,
           explain: bool = True, parallel: bool = False) -> list[dict[str, Any]]:
    """Episodes of days whose negative or positive volume beats the trailing baseline by ``k`` deviations.

    Baseline: the median of the ``BASELINE_DAYS`` days before each day (never the day itself, so a spike
    cannot hide itself), read from before the context span too; the deviation is the scaled median absolute
    deviation (1.4826 x MAD, the standard deviation for normal noise). Both are robust: an earlier outage
    inside the trailing window moves neither, so a second crisis a week later is still flagged (a mean and
    standard deviation would be inflated by the first one and hide it). The deviation is floored at the
    Poisson noise of the median (sqrt(median)), so a quiet brand going from 2 to 6 mentions is not a crisis.
    ``mean`` in the result is that median baseline and ``sd`` the robust deviation. Consecutive spike days
    of one brand and kind (gaps up to ``EPISODE_GAP_DAYS``) form one episode, reported at its peak day
    with what drove it: top aspects and hashtags over the episode, and the topics that beat their own
    baseline there (``drivers``). Ranked by excess mentions.

    ``kinds`` picks the daily series: ``negative``, ``positive`` and ``mentions`` (all sentiments);
    ``min_count`` is the fewest mentions a spike day needs; ``brands`` limits the brands (default: all);
    ``explain=False`` skips the drivers (alerts explain only the episodes they send); ``parallel`` runs
    the three driver queries at once, each on its own cursor (the explorer's overview, where the spikes
    are the longest of its aggregates).
    """
    unknown = sorted(set(kinds) - set(SPIKE_KINDS))
    if unknown or not kinds:
        msg = f"spike kinds must be among {', '.join(SPIKE_KINDS)} (got {list(kinds)})"
        raise ValueError(msg)
    sql = f"""
    WITH first_seen AS (SELECT brand, min(mention_date) AS first_day FROM mentions GROUP BY brand),
    -- Days before a brand's first mention are no baseline: zeros there would flag its first busy day.
    d AS (
      SELECT u.brand, u.is_competitor, u.day, u.kind, u.n FROM (
        SELECT brand, is_competitor, day, negative, positive, mentions FROM ({_DAILY_SQL})
      ) UNPIVOT (n FOR kind IN (negative, positive, mentions)) u
      JOIN first_seen f ON f.brand = u.brand AND u.day >= f.first_day
      WHERE u.kind IN (SELECT unnest(CAST($kinds AS VARCHAR[])))
        AND ($brands IS NULL OR u.brand IN (SELECT unnest(CAST($brands AS VARCHAR[]))))),
    stats AS (
      SELECT *, median(CAST(n AS DOUBLE)) OVER w AS mean,
             {MAD_TO_SD} * mad(CAST(n AS DOUBLE)) OVER w AS sd, count(n) OVER w AS base_days
      FROM d WINDOW w AS (PARTITION BY brand, kind ORDER BY day
                          ROWS BETWEEN {BASELINE_DAYS} PRECEDING AND 1 PRECEDING))
    SELECT brand, is_competitor, day, kind, n, mean, sd,
           (n - mean) / greatest(sd, sqrt(mean), 1) AS z
    FROM stats
    WHERE day >= $from AND base_days >= {MIN_BASELINE_DAYS} AND n >= $min_count
      AND n > mean + $k * greatest(sd, sqrt(mean), 1)
    ORDER BY brand, kind, day
    """  # noqa: S608 - constants only
    params = {"start": p.context_start - timedelta(days=BASELINE_DAYS), "end": p.end, "from": p.context_start,
              "k": k, "min_count": min_count, "kinds": list(kinds),
              "brands": list(brands) if brands is not None else None, **_roster((), ())}
    episodes: list[dict[str, Any]] = []
    for row in _rows(con, sql, params):
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
    if explain and episodes:
        spans = [(e["brand"], e["kind"], e["start"], e["end"]) for e in episodes]
        for e, found in zip(episodes, _drivers(con, spans, parallel=parallel), strict=True):
            e.update(found)
    return episodes


def drivers(con: duckdb.DuckDBPyConnection, *, brand: str, sentiment: str | None, start: date,
            end: date) -> dict[str, list[dict[str, Any]]]:
    """What drove a brand's mentions of ``sentiment`` (None: all) in ``start``..``end``.

    ``aspects``: the three most frequent aspects; ``hashtags``: the three most frequent hashtags used at
    least three times; ``topics``: the topics that beat their own baseline there (``spike_topics``).
    """
    return _drivers(con, [(brand, sentiment or "mentions", start, end)])[0]


def _drivers(con: duckdb.DuckDBPyConnection, spans: Sequence[tuple[str, str, date, date]], *,
             parallel: bool = False) -> list[dict[str, list[dict[str, Any]]]]:
    """``drivers`` of several (brand, kind, start, end) spans, three queries for all of them."""
    queries: list[Callable[[duckdb.DuckDBPyConnection], list[list[dict[str, Any]]]]] = [
        lambda c: _ranked(c, _EPISODE_ASPECTS, spans, "n DESC, aspect", limit=3),
        lambda c: _ranked(c, _EPISODE_HASHTAGS, spans, "n DESC, tag", limit=3),
        lambda c: _spike_topics(c, spans)]
    if parallel:  # one cursor each: a DuckDB connection runs one query at a time
        cursors = [con.cursor() for _ in queries]
        try:
            with ThreadPoolExecutor(len(queries), thread_name_prefix="voxpop-drivers") as pool:
                aspects, hashtags, topics = pool.map(lambda q, c: q(c), queries, cursors)
        finally:
            for cursor in cursors:
                cursor.close()
    else:
        aspects, hashtags, topics = (q(con) for q in queries)
    return [{"aspects": a, "hashtags": h, "topics": t} for a, h, t in zip(aspects, hashtags, topics, strict=True)]


# The mentions of each episode ``ep`` (i, brand, kind, s, e) of ``$eps`` (kind: a sentiment, or 'mentions' for
# all); ``$lo``..``$hi`` spans them all, so
# the scan reads only those days. One query serves every episode of a report.
_EPISODE_JOIN = """mentions m JOIN (SELECT unnest($eps, recursive := true)) ep
    ON m.brand = ep.brand AND (ep.kind = 'mentions' OR m.sentiment = ep.kind)
      AND m.mention_date BETWEEN ep.s AND ep.e
    WHERE m.mention_date BETWEEN $lo AND $hi"""
_EPISODE_ASPECTS = f"""SELECT i, aspect, count(*) AS n
    FROM (SELECT ep.i, unnest(m.aspects) AS aspect FROM {_EPISODE_JOIN}) GROUP BY ALL"""  # noqa: S608 - constants
# Hashtags used at least 3 times in the episode (a post without '#' has none: the regex is skipped there).
_EPISODE_HASHTAGS = rf"""SELECT i, lower(tag) AS tag, count(*) AS n
    FROM (SELECT ep.i, unnest(regexp_extract_all(m.text, '#[\pL\pN_]+')) AS tag
          FROM {_EPISODE_JOIN} AND contains(m.text, '#'))
    GROUP BY ALL HAVING count(*) >= 3"""  # noqa: S608 - constants


def _episodes(spans: Sequence[tuple[str, str, date, date]]) -> dict[str, Any]:
    """The ``$eps``, ``$lo`` and ``$hi`` parameters of ``_EPISODE_JOIN`` for (brand, sentiment, start, end)."""
    eps = [{"i": i, "brand": b, "kind": k, "s": s, "e": e} for i, (b, k, s, e) in enumerate(spans)]
    return {"eps": eps, "lo": min(s for _, _, s, _ in spans), "hi": max(e for _, _, _, e in spans)}


def _ranked(con: duckdb.DuckDBPyConnection, sql: str, spans: Sequence[tuple[str, str, date, date]], order: str,
            *, limit: int) -> list[list[dict[str, Any]]]:
    """Per span, the first ``limit`` rows of ``sql`` (which yields an ``i`` column) in ``order``."""
    ranked = (f"SELECT * FROM ({sql}) QUALIFY row_number() OVER (PARTITION BY i ORDER BY {order}) <= {int(limit)} "  # noqa: S608
              f"ORDER BY i, {order}")
    out: list[list[dict[str, Any]]] = [[] for _ in spans]
    for row in _rows(con, ranked, _episodes(spans)):
        out[row.pop("i")].append(row)
    return out


def spike_topics(con: duckdb.DuckDBPyConnection, *, brand: str, sentiment: str | None, start: date, end: date,
                 n: int = 3) -> list[dict[str, Any]]:
    """The topics that explain a spike: most mentions inside it beyond what their own baseline predicts.

    A topic that is always there is not what changed, so each topic's count inside ``start``..``end`` is
    compared with its pace over the ``BASELINE_DAYS`` days before: ``expected`` = baseline count x spike
    days / ``BASELINE_DAYS``, ``excess`` = count - expected. Only topics with positive excess and at least
    ``MIN_SPIKE_TOPIC_COUNT`` mentions are returned, largest excess first.
    """
    return _spike_topics(con, [(brand, sentiment or "mentions", start, end)], n)[0]


def _spike_topics(con: duckdb.DuckDBPyConnection, spans: Sequence[tuple[str, str, date, date]],
                  n: int = 3) -> list[list[dict[str, Any]]]:
    """``spike_topics`` of several (brand, sentiment, start, end) spans in one query."""
    base = [(b, k, s - timedelta(days=BASELINE_DAYS), e) for b, k, s, e in spans]
    sql = f"""
    SELECT i, topic, n, baseline_n, baseline_n * days / {BASELINE_DAYS} AS expected,
           n - baseline_n * days / {BASELINE_DAYS} AS excess
    FROM (
      SELECT ep.i, nullif(trim(m.topic), '') AS topic,
             count(*) FILTER (m.mention_date >= ep.s + {BASELINE_DAYS}) AS n,
             count(*) FILTER (m.mention_date < ep.s + {BASELINE_DAYS}) AS baseline_n,
             any_value(ep.e - ep.s - {BASELINE_DAYS} + 1) AS days
      FROM {_EPISODE_JOIN} AND m.topic IS NOT NULL GROUP BY ep.i, 2)
    WHERE topic IS NOT NULL AND n >= {MIN_SPIKE_TOPIC_COUNT} AND n > baseline_n * days / {BASELINE_DAYS}
    """  # noqa: S608 - constants only; values are parameters
    return _ranked(con, sql, base, "excess DESC, n DESC, topic", limit=n)


def emerging_topics(con: duckdb.DuckDBPyConnection, p: Period, *, min_count: int = MIN_TOPIC_COUNT,
                    limit: int | None = None) -> list[dict[str, Any]]:
    """Per brand, the topics growing fastest against the previous period: what people start talking about.

    Only topics with at least ``min_count`` mentions in the period and more than in the previous period
    qualify. ``change`` = current - previous; ``growth`` = change / previous (None and ``is_new`` when the
    topic was absent before); ``negative_share`` = negative mentions / current; ``top_aspect`` is the
    aspect most often detected in the topic's current mentions (None if none), ``top_aspect_n`` its count.
    Ranked by ``score`` = (current + 1) / (previous + 1): growth that a jump from 0 to ``min_count`` cannot
    win against 10 → 100, then by ``change``.
    """
    # t is read twice: MATERIALIZED scans the mentions once (twice as fast on 1,000,000 rows).
    sql = f"""
    WITH t AS MATERIALIZED (
      SELECT brand, is_competitor, {_TOPIC} AS label, mention_date, sentiment, aspects FROM mentions
      WHERE mention_date BETWEEN $prev_start AND $end),
    agg AS (
      SELECT brand, bool_or(is_competitor) AS is_competitor, label AS topic,
             count(*) FILTER (mention_date >= $start) AS current,
             count(*) FILTER (mention_date < $start) AS previous,
             count(*) FILTER (mention_date >= $start AND sentiment = 'negative') AS negative
      FROM t WHERE label IS NOT NULL GROUP BY brand, label),
    asp AS (
      SELECT brand, topic, aspect, count(*) AS n,
             row_number() OVER (PARTITION BY brand, topic ORDER BY count(*) DESC, aspect) AS rk
      FROM (SELECT brand, label AS topic, unnest(aspects) AS aspect FROM t
            WHERE label IS NOT NULL AND mention_date >= $start)
      GROUP BY brand, topic, aspect)
    SELECT agg.brand, agg.is_competitor, agg.topic, agg.current, agg.previous,
           agg.current - agg.previous AS change,
           (agg.current - agg.previous) / nullif(agg.previous, 0) AS growth,
           agg.previous = 0 AS is_new,
           agg.negative / nullif(agg.current, 0) AS negative_share,
           asp.aspect AS top_aspect, coalesce(asp.n, 0) AS top_aspect_n,
           (agg.current + 1) / (agg.previous + 1) AS score
    FROM agg LEFT JOIN asp ON asp.brand = agg.brand AND asp.topic = agg.topic AND asp.rk = 1
    WHERE agg.current >= $min_count AND agg.current > agg.previous
    ORDER BY score DESC, change DESC, agg.brand, agg.topic
    LIMIT $limit
    """  # noqa: S608 - constants only; values are parameters
    params = {"start": p.start, "end": p.end, "prev_start": p.previous.start, "min_count": min_count,
              "limit": limit}
    return _rows(con, sql, params)


def topic_coverage(con: duckdb.DuckDBPyConnection, p: Period) -> dict[str, Any]:
    """How many of the period's mentions carry a topic: zero means the topic model has not run yet."""
    sql = f"""
    SELECT count(*) AS mentions, count({_TOPIC}) AS with_topic,
           count({_TOPIC}) / nullif(count(*), 0) AS share
    FROM mentions WHERE {_IN_PERIOD}
    """  # noqa: S608 - constants only
    return _rows(con, sql, [p.start, p.end])[0]


def model_versions(con: duckdb.DuckDBPyConnection, p: Period) -> str:
    """The scorer versions behind the period's rows, most used first."""
    sql = f"SELECT model_version FROM mentions WHERE {_IN_PERIOD} GROUP BY 1 ORDER BY count(*) DESC LIMIT 3"  # noqa: S608
    return ", ".join(r[0] for r in con.execute(sql, [p.start, p.end]).fetchall())


def _corrected(con: duckdb.DuckDBPyConnection) -> str:
    """The ``corrected`` marker column when ``mentions`` carries corrections (``connect(corrected=True)``)."""
    names = {row[0] for row in con.execute("DESCRIBE mentions").fetchall()}
    return "corrected" if "corrected" in names else "false AS corrected"


def corrections_summary(con: duckdb.DuckDBPyConnection, p: Period) -> dict[str, int]:
    """How many of the period's mentions carry a human correction, and how many were marked irrelevant.

    Irrelevant mentions are left out of every figure when ``mentions`` is the corrected view; zeros on a
    connection without corrections.
    """
    sql = f"""
    SELECT count(*) FILTER (corrected AND NOT irrelevant) AS corrected, count(*) FILTER (irrelevant) AS irrelevant
    FROM mentions_corrected WHERE {_IN_PERIOD}
    """  # noqa: S608 - constants only
    try:
        return _rows(con, sql, [p.start, p.end])[0]
    except duckdb.CatalogException:
        return {"corrected": 0, "irrelevant": 0}


def top_mentions(con: duckdb.DuckDBPyConnection, p: Period, *, sentiment: str, n: int = 5) -> list[dict[str, Any]]:
    """The most engaging confident mentions of one sentiment in the period, across brands."""
    sql = f"""
    SELECT brand, mention_id, platform, url, created_at, lang, text, author_hash, sentiment_confidence,
           likes + reposts + replies AS engagement, {_corrected(con)}
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
    topic: str | None = None,
    sentiment: str | None = "negative",
    day: date | None = None,
    n: int = 3,
) -> list[dict[str, Any]]:
    """Representative quotes: confident labels first, then engaging ones, never near-duplicates of each other.

    ``sentiment`` None takes every sentiment; ``day`` limits them to one day, else the period; ``aspect``
    and ``topic`` to mentions about that aspect or with that topic label.
    """
    where = ["brand = ?"]
    params: list[Any] = [brand]
    if sentiment is not None:
        where.append("sentiment = ?")
        params.append(sentiment)
    if day is not None:
        where.append("mention_date = ?")
        params.append(day)
    else:
        where.append(_IN_PERIOD)
        params += [p.start, p.end]
    if aspect is not None:
        where.append("list_contains(aspects, ?)")
        params.append(aspect)
    if topic is not None:
        where.append(f"{_TOPIC} = ?")
        params.append(topic)
    sql = f"""
    SELECT mention_id, platform, url, created_at, lang, text, sentiment_confidence, author_hash,
           likes + reposts + replies AS engagement, {_corrected(con)}
    FROM mentions WHERE {' AND '.join(where)} AND length(text) <= 600
    ORDER BY sentiment_confidence >= {CONFIDENT} DESC, sentiment_confidence * ln(2 + likes + reposts + replies) DESC,
             mention_id
    LIMIT 200
    """  # noqa: S608 - fixed fragments; values are parameters
    rows = _rows(con, sql, params)
    picked: list[dict[str, Any]] = []
    shapes: list[set[str]] = []
    # Two passes: the first caps each language at half the quotes so several languages are heard, the
    # second fills what is left in rank order, so a brand heard in one language still gets ``n`` quotes.
    for cap in (max(1, n // 2), n):
        for row in rows:
            if len(picked) == n:
                return picked
            if any(row is q for q in picked) or sum(q["lang"] == row["lang"] for q in picked) >= cap:
                continue
            shape = set(re.findall(r"\w{3,}", row["text"].casefold()))
            if any(len(shape & s) / max(1, len(shape | s)) > 0.5 for s in shapes):
                continue
            picked.append(row)
            shapes.append(shape)
    return picked


# What ``rolling`` counts per brand: each sets the key column and the rows counted.
_ROLLING_SOURCES = {
    "brands": "SELECT brand, is_competitor, '' AS key, mention_date, sentiment FROM mentions",
    "pain_points": "SELECT brand, is_competitor, unnest(aspects) AS key, mention_date, sentiment FROM mentions "
                   "WHERE is_pain_point",
    "topics": f"SELECT brand, is_competitor, {_TOPIC} AS key, mention_date, sentiment FROM mentions "  # noqa: S608
              f"WHERE {_TOPIC} IS NOT NULL",
}


def rolling(con: duckdb.DuckDBPyConnection, by: str, start: date, end: date, *, window: int,
            baseline: int | None = None, brands: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Per brand and key and every day ``d`` of ``start``..``end``: counts over the window ending on ``d``.

    ``by`` is ``brands`` (key ''), ``pain_points`` (key: the aspect; pain-point mentions only) or ``topics``
    (key: the topic label). ``current``/``negative`` count the ``window`` days ending on ``d``;
    ``previous``/``prev_negative`` the ``baseline`` days (default ``window``) just before. For a day ``d``
    these are the figures ``pain_points`` and ``emerging_topics`` give for ``Period(d - window + 1, d)``,
    so an alert evaluated on ``d`` sees what that day's report would. ``covered`` says whether the brand
    had mentions (for topics: mentions with a topic) before the previous window began; else "before" is
    only the time before its data (or the topic model's window) starts.
    Rows with ``current`` 0 are left out.
    """
    if by not in _ROLLING_SOURCES:
        msg = f"rolling counts by {by!r} are not supported; use one of {', '.join(_ROLLING_SOURCES)}"
        raise ValueError(msg)
    window, baseline = int(window), int(baseline or window)
    first = "src" if by == "topics" else "mentions"
    if window < 1 or baseline < 1:
        msg = "window and baseline must be at least one day"
        raise ValueError(msg)
    sql = f"""
    WITH src AS ({_ROLLING_SOURCES[by]}),
    daily AS (
      SELECT brand, bool_or(is_competitor) AS is_competitor, key, mention_date AS day, count(*) AS n,
             count(*) FILTER (sentiment = 'negative') AS neg
      FROM src WHERE mention_date BETWEEN $lo AND $end
        AND ($brands IS NULL OR brand IN (SELECT unnest(CAST($brands AS VARCHAR[]))))
      GROUP BY brand, key, mention_date),
    keys AS (SELECT brand, key, bool_or(is_competitor) AS is_competitor FROM daily GROUP BY brand, key),
    days AS (SELECT CAST(d AS DATE) AS day FROM range(CAST($lo AS DATE), CAST($end AS DATE) + 1, INTERVAL 1 DAY) t(d)),
    grid AS (
      SELECT k.brand, k.key, k.is_competitor, d.day, coalesce(c.n, 0) AS n, coalesce(c.neg, 0) AS neg
      FROM keys k CROSS JOIN days d LEFT JOIN daily c ON c.brand = k.brand AND c.key = k.key AND c.day = d.day),
    rolled AS (
      SELECT brand, key, is_competitor, day,
             sum(n) OVER cur AS current, sum(neg) OVER cur AS negative,
             coalesce(sum(n) OVER prev, 0) AS previous, coalesce(sum(neg) OVER prev, 0) AS prev_negative
      FROM grid
      WINDOW cur AS (PARTITION BY brand, key ORDER BY day ROWS BETWEEN {window - 1} PRECEDING AND CURRENT ROW),
             prev AS (PARTITION BY brand, key ORDER BY day
                      ROWS BETWEEN {window + baseline - 1} PRECEDING AND {window} PRECEDING))
    SELECT r.*, f.first_day <= r.day - {window + baseline - 1} AS covered
    FROM rolled r JOIN (SELECT brand, min(mention_date) AS first_day FROM {first} GROUP BY brand) f USING (brand)
    WHERE r.day BETWEEN $start AND $end AND r.current > 0 ORDER BY r.brand, r.key, r.day
    """  # noqa: S608 - constant fragments and validated integers; values are parameters
    params = {"lo": start - timedelta(days=window + baseline), "start": start, "end": end,
              "brands": list(brands) if brands is not None else None}
    return _rows(con, sql, params)


def high_reach(con: duckdb.DuckDBPyConnection, start: date, end: date, *, sentiment: str = "negative",
               min_engagement: int, min_views: int | None = None,
               brands: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Mentions of ``sentiment`` posted in ``start``..``end`` that reached many people, most engaging first.

    A mention qualifies when its engagement (likes + reposts + replies) reaches ``min_engagement`` or its
    views reach ``min_views`` (None: views are not used).
    """
    sql = """
    SELECT brand, is_competitor, mention_id, platform, url, created_at, mention_date AS day, lang, text,
           author_hash, sentiment_confidence, likes + reposts + replies AS engagement, views, aspects, topic
    FROM mentions
    WHERE sentiment = $sentiment AND mention_date BETWEEN $start AND $end
      AND (likes + reposts + replies >= $engagement OR ($views IS NOT NULL AND coalesce(views, 0) >= $views))
      AND ($brands IS NULL OR brand IN (SELECT unnest(CAST($brands AS VARCHAR[]))))
    ORDER BY engagement DESC, mention_id
    """
    params = {"sentiment": sentiment, "start": start, "end": end, "engagement": min_engagement, "views": min_views,
              "brands": list(brands) if brands is not None else None}
    return _rows(con, sql, params)
