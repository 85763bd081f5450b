from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from reports import Period, aggregate, build_report
from reports.i18n import Formatter, strings
from storage import MentionStore, connect
from tests.factories import scored, story

TAXONOMY = {"delivery": {"labels": {"en": "Delivery", "az": "Çatdırılma"}, "cx_area": "Shipping and delivery"},
            "price": {"labels": {"en": "Price"}, "cx_area": "Price and value"}}
END = date(2026, 10, 30)


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    MentionStore(tmp_path).upsert(story(), source="t", run_id="r")
    return tmp_path


def test_headline_figures_match_independent_sql(dataset: Path) -> None:
    with connect(dataset) as con:
        p = Period.latest(con, 30)
        assert p.end == END
        rows = {r["brand"]: r for r in aggregate.overview(con, p)}
        raw = con.execute(
            "SELECT brand, count(*), sum(CASE WHEN sentiment='positive' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN sentiment='negative' THEN 1 ELSE 0 END), sum(CASE WHEN is_pain_point THEN 1 ELSE 0 END) "
            "FROM mentions WHERE created_at >= TIMESTAMPTZ '2026-10-01 00:00:00+00' "
            "AND created_at < TIMESTAMPTZ '2026-10-31 00:00:00+00' GROUP BY brand").fetchall()
        total = sum(r[1] for r in raw)
        for brand, n, pos, neg, pain in raw:
            assert rows[brand]["mentions"] == n
            assert rows[brand]["pain_points"] == pain
            assert rows[brand]["net_sentiment"] == pytest.approx((pos - neg) / (pos + neg))
            assert rows[brand]["share_of_voice"] == pytest.approx(n / total)
        prev = con.execute("SELECT count(*) FROM mentions WHERE brand='Acme' AND "
                           "CAST(created_at AS DATE) BETWEEN DATE '2026-09-01' AND DATE '2026-09-30'").fetchone()[0]
        assert rows["Acme"]["prev_mentions"] == prev


def test_surge_is_top_growing_pain_point_and_a_spike(dataset: Path) -> None:
    with connect(dataset) as con:
        p = Period.latest(con, 30)
        pains = aggregate.pain_points(con, p)
        top = pains[0]
        assert (top["brand"], top["aspect"]) == ("Acme", "delivery")
        assert top["is_new"] is True
        cur = con.execute("SELECT count(*) FROM mentions WHERE is_pain_point AND list_contains(aspects, 'delivery') "
                          "AND brand='Acme' AND CAST(created_at AS DATE) >= DATE '2026-10-01'").fetchone()[0]
        assert top["current"] == cur
        spikes = aggregate.spikes(con, p)
        assert spikes
        top = spikes[0]
        assert (top["brand"], top["kind"], top["day"]) == ("Acme", "negative", END - timedelta(days=7))
        assert spikes[0]["aspects"][0]["aspect"] == "delivery"


def test_quotes_are_diverse(dataset: Path) -> None:
    with connect(dataset) as con:
        p = Period.latest(con, 30)
        q = aggregate.quotes(con, p, brand="Acme", aspect="delivery", n=4)
    assert 1 <= len(q) <= 4
    texts = [r["text"] for r in q]
    assert len(set(texts)) == len(texts)


def test_report_files_escape_attacker_text(tmp_path: Path) -> None:
    evil = ['<img src=x onerror=alert(1)> Acme delivery broke', '</script><script>alert("x")</script> Acme late',
            'Acme "><svg onload=alert(1)> delivery']
    rows = story(days=40)
    base = max(int(r["native_id"]) for r in rows)
    last = max(r["created_at"] for r in rows).date()
    rows += [scored(base + k + 1, brand="Acme", day=last, sentiment="negative", aspects=["delivery"], text=t,
                    likes=10_000) for k, t in enumerate(evil)]
    rows[-1]["url"] = "javascript:alert(1)"
    MentionStore(tmp_path / "d").upsert(rows)
    with connect(tmp_path / "d") as con:
        files = build_report(con, out_dir=tmp_path / "out", project="Acme <b>", taxonomy=TAXONOMY, days=20)
    html = files.trend.read_text(encoding="utf-8") + files.painpoints.read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html
    assert "default-src 'none'" in html
    assert re.search(r"<script", html, re.IGNORECASE) is None
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;/script&gt;&lt;script&gt;" in html
    assert "<svg onload" not in html
    assert 'href="javascript:' not in html
    assert "Acme &lt;b&gt;" in html
    assert html.count('src="data:image/svg+xml;base64,') >= 5
    assert html.count("&lt;img src=x onerror=alert(1)&gt;") >= 2  # quoted in both reports
    assert "Delivery" in files.summary


def test_empty_dataset_and_edge_ranges(tmp_path: Path) -> None:
    with connect(tmp_path / "empty") as con:
        files = build_report(con, out_dir=tmp_path / "o", project="P", taxonomy=TAXONOMY, days=30,
                             end=date(2026, 1, 1))
    assert "No mentions in this period" in files.trend.read_text(encoding="utf-8")
    assert "No mentions in this period" in files.painpoints.read_text(encoding="utf-8")
    MentionStore(tmp_path / "one").upsert([scored(1, brand="Acme", day=date(2026, 5, 5), sentiment="negative",
                                                  aspects=["price"], lang="tr")])
    with connect(tmp_path / "one") as con:
        files = build_report(con, out_dir=tmp_path / "o", project="P", taxonomy=TAXONOMY, days=1, lang="az")
        html = files.trend.read_text(encoding="utf-8")
        assert "Acme" in html
        assert "05.05.2026" in html
        assert aggregate.spikes(con, Period.latest(con, 1)) == []


def test_bad_range_and_breakdown_guard(dataset: Path) -> None:
    with connect(dataset) as con:
        with pytest.raises(ValueError, match="after end"):
            Period.latest(con, 30, start=date(2026, 12, 1), end=date(2026, 11, 1))
        with pytest.raises(ValueError, match="not supported"):
            aggregate.breakdown(con, Period.latest(con, 30), "text; DROP TABLE x")


def test_locale_formatting_and_fallback() -> None:
    assert Formatter("en").num(1234567.5, 1) == "1,234,567.5"
    assert Formatter("az").num(1234567.5, 1) == "1\u00a0234\u00a0567,5"
    assert Formatter("tr").pct(0.255, signed=True) == "+26%"
    assert Formatter("ru").signed(-0.123) == "\u22120,12"
    assert Formatter("en").date(date(2026, 10, 24)) == "24 Oct 2026"
    assert strings("hy")["title"]  # falls back to English where a translation is missing


def test_every_language_has_every_string_with_the_same_placeholders() -> None:
    import string

    from reports.i18n import LANGS, _all_strings

    table = _all_strings()

    def fields(text: str) -> set[str]:
        return {f[1] for f in string.Formatter().parse(text) if f[1]}

    for lang in LANGS:
        assert set(table[lang]) == set(table["en"]), lang
        for key, text in table["en"].items():
            assert fields(table[lang][key]) == fields(text), (lang, key)
