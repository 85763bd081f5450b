"""CSAT in the reports: per brand where star ratings exist, beside the sentiment figures, and nowhere else."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from reports import Period, aggregate, build_report
from storage import MentionStore, connect
from tests.factories import scored, story

TAXONOMY = {"delivery": {"labels": {"en": "Delivery"}, "cx_area": "Shipping and delivery"}}
END = date(2026, 10, 30)  # story()'s last day; the period is the 30 days to it


def review(i: int, brand: str, day: date, stars: int, sentiment: str, *, competitor: bool = False) -> dict[str, Any]:
    return {**scored(i, brand=brand, day=day, sentiment=sentiment, platform="app_store", competitor=competitor),
            "rating": stars}


def _store(root: Path, extra: list[dict[str, Any]]) -> Path:
    MentionStore(root).upsert([*story(), *extra], source="t", run_id="r")
    return root


def _report(root: Path, out: Path, lang: str = "en") -> tuple[str, str]:
    with connect(root, corrected=True) as con:
        files = build_report(con, out_dir=out, project="T", taxonomy=TAXONOMY, lang=lang, days=30,
                             brands=["Acme"], competitors=["Rival"])
    return files.trend.read_text(encoding="utf-8"), files.summary


def test_no_ratings_no_section(tmp_path: Path) -> None:
    root = _store(tmp_path / "data", [])
    with connect(root) as con:
        assert aggregate.ratings(con, Period.latest(con, 30)) == []
    html, md = _report(root, tmp_path / "out")
    assert "CSAT" not in html
    assert "CSAT" not in md


def test_csat_matches_independent_sql_and_is_compared_with_sentiment(tmp_path: Path) -> None:
    rows = []
    for k in range(20):  # Acme: 8 in 10 satisfied before, 3 in 10 now; the text says positive for 5 in 10 now
        before, now = END - timedelta(days=35 + k), END - timedelta(days=k)
        happy_before, happy_now, positive_now = k % 10 < 8, k % 10 < 3, k % 10 < 5
        rows.append(review(90_000 + k, "Acme", before, 5 if happy_before else 2,
                           "positive" if happy_before else "negative"))
        rows.append(review(91_000 + k, "Acme", now, 4 if happy_now else 1, "positive" if positive_now else "negative"))
    rows += [review(92_000 + k, "Rival", END - timedelta(days=k), s, "positive", competitor=True)
             for k, s in enumerate((5, 3, 4))]  # a brand with three rated mentions
    root = _store(tmp_path / "data", rows)
    with connect(root) as con:
        p = Period.latest(con, 30)
        got = {r["brand"]: r for r in aggregate.ratings(con, p)}
        sql = con.execute("""
            SELECT brand, count(*), avg(CASE WHEN rating >= 4 THEN 1.0 ELSE 0 END), avg(rating),
                   avg(CASE WHEN sentiment = 'positive' THEN 1.0 ELSE 0 END)
            FROM mentions WHERE rating IS NOT NULL AND mention_date BETWEEN ? AND ? GROUP BY brand""",
                          [p.start, p.end]).fetchall()
        weeks = aggregate.rating_weeks(con, p)
    assert set(got) == {"Acme", "Rival"}
    for brand, n, csat, mean, positive in sql:
        assert (got[brand]["ratings"], got[brand]["csat"]) == (n, pytest.approx(csat))
        assert got[brand]["mean_rating"] == pytest.approx(mean)
        assert got[brand]["positive_share"] == pytest.approx(positive)
    acme = got["Acme"]
    assert (acme["csat"], acme["prev_csat"], acme["prev_ratings"]) == (pytest.approx(0.3), pytest.approx(0.8), 20)
    assert acme["csat_change"] == pytest.approx(-0.5)
    assert acme["agreement"] == pytest.approx(0.8)  # 3 x (4 stars, positive) + 5 x (1 star, negative)
    assert got["Rival"]["prev_csat"] is None
    assert got["Rival"]["csat"] == pytest.approx(2 / 3)
    assert sum(w["ratings"] for w in weeks if w["brand"] == "Acme") == 40  # both periods: the trend spans them
    assert all(w["week"].weekday() == 0 for w in weeks)

    html, md = _report(root, tmp_path / "out")
    assert "Star ratings (CSAT)" in html
    assert "30% <span class=\"meta\">(20 ratings)</span>" in html
    assert "67% <span class=\"meta\">(3 ratings)</span>" in html
    headline = "Acme: CSAT 30% from 20 ratings in this period (previous period 80%); positive sentiment in the same "
    assert headline + "reviews: 50%." in html
    assert "Rival: CSAT" not in html  # three ratings and none before: no headline
    assert html.count('class="n csat"') == 2  # the brands table shows CSAT beside the NPS proxy
    assert "| Acme | 30% (20 ratings) | 80% (20 ratings) |" in md
    ru_html, ru_md = _report(root, tmp_path / "ru", "ru")
    assert "(20 оценок)" in ru_html
    assert "(3 оценки)" in ru_md


def test_ratings_only_in_the_previous_period(tmp_path: Path) -> None:
    rows = [review(93_000 + k, "Rival", END - timedelta(days=40 + k), 2, "negative", competitor=True)
            for k in range(4)]
    root = _store(tmp_path / "data", rows)
    with connect(root) as con:
        (only,) = aggregate.ratings(con, Period.latest(con, 30))
    assert (only["brand"], only["ratings"], only["csat"], only["prev_ratings"], only["prev_csat"]) == \
           ("Rival", 0, None, 4, 0.0)
    html, md = _report(root, tmp_path / "out")
    assert "Star ratings (CSAT)" in html
    assert "| Rival | — | 0% (4 ratings) |" in md
    for lang in ("az", "tr", "hy", "ru"):
        _report(root, tmp_path / lang, lang)  # every language renders the section
