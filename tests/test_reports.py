from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from reports import Period, aggregate, build_report
from reports.i18n import Formatter, strings
from storage import MentionStore, connect
from tests.factories import scored, story, with_topics

TAXONOMY = {"delivery": {"labels": {"en": "Delivery", "az": "Çatdırılma"}, "cx_area": "Shipping and delivery"},
            "price": {"labels": {"en": "Price"}, "cx_area": "Price and value"}}
END = date(2026, 10, 30)


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    MentionStore(tmp_path).upsert(story(), source="t", run_id="r")
    return tmp_path


@pytest.fixture
def topic_dataset(tmp_path: Path) -> Path:
    MentionStore(tmp_path).upsert(with_topics(story()), source="t", run_id="r")
    return tmp_path


def _no_data_uris(html: str) -> str:
    return re.sub(r"data:image/svg\+xml;base64,[^\"]+", "", html)


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


def test_quotes_put_confident_labels_before_viral_unsure_ones(tmp_path: Path) -> None:
    day = date(2026, 10, 1)
    texts = ["Solo courier never came", "parcel arrived broken, Solo", "Solo refund still missing",
             "tracking page of Solo is frozen", "Solo support hung up twice", "wrong invoice amount from Solo"]
    rows = [scored(k, brand="Solo", day=day, sentiment="negative", text=t) for k, t in enumerate(texts)]
    for r in rows[:3]:  # viral but unsure: a coin-flip label must not become the quote a marketer forwards
        r["sentiment_confidence"], r["likes"] = 0.5, 50_000
    MentionStore(tmp_path).upsert(rows)
    with connect(tmp_path) as con:
        q = aggregate.quotes(con, Period(day, day), brand="Solo", n=3)
    # Every mention is in one language: the language cap must not leave the brand with a single quote.
    assert len(q) == 3
    assert all(r["sentiment_confidence"] >= aggregate.CONFIDENT for r in q)


def test_report_files_escape_attacker_text(tmp_path: Path) -> None:
    evil = ['<img src=x onerror=alert(1)> Acme delivery broke', '</script><script>alert("x")</script> Acme late',
            'Acme "><svg onload=alert(1)> delivery']
    evil_topic = '<img src=x onerror=alert(7)> · </td><script>alert(8)</script> · [click](javascript:alert(9)) | x'
    rows = story(days=40)
    base = max(int(r["native_id"]) for r in rows)
    last = max(r["created_at"] for r in rows).date()
    rows += [scored(base + k + 1, brand="Acme", day=last, sentiment="negative", aspects=["delivery"], text=t,
                    likes=10_000, topic=evil_topic) for k, t in enumerate(evil)]
    rows += [scored(base + 10 + k, brand="Acme", day=last - timedelta(days=k), sentiment="negative",
                    topic=evil_topic) for k in range(3)]
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
    # The topic label is attacker-controlled too: escaped in the emerging-topics table and in findings.
    assert "<img src=x onerror=alert(7)>" not in html
    assert html.count("&lt;img src=x onerror=alert(7)&gt;") >= 2
    assert "&lt;/td&gt;&lt;script&gt;alert(8)&lt;/script&gt;" in html
    assert "Delivery" in files.summary
    # ... and inert in the Markdown summary, which is not HTML-escaped by Jinja.
    assert "&lt;img src=x onerror=alert(7)&gt;" in files.summary
    assert "<img" not in files.summary
    assert "<script" not in files.summary
    assert "[click](javascript" not in files.summary
    assert r"\[click\](javascript:alert(9)) \| x" in files.summary


def test_empty_dataset_and_edge_ranges(tmp_path: Path) -> None:
    with connect(tmp_path / "empty") as con:
        files = build_report(con, out_dir=tmp_path / "o", project="P", taxonomy=TAXONOMY, days=30,
                             end=date(2026, 1, 1))
    assert "No mentions in this period" in files.trend.read_text(encoding="utf-8")
    assert "No mentions in this period" in files.painpoints.read_text(encoding="utf-8")
    MentionStore(tmp_path / "one").upsert([scored(1, brand="Acme", day=date(2026, 5, 5), sentiment="negative",
                                                  aspects=["price"], lang="tr")])
    with connect(tmp_path / "one") as con:  # one mention, one day, one language, a configured brand without any
        files = build_report(con, out_dir=tmp_path / "o", project="P", taxonomy=TAXONOMY, days=1, lang="az",
                             brands=["Acme"], competitors=["Ghost"])
        html = files.trend.read_text(encoding="utf-8")
        assert "Acme" in html
        assert "Ghost" in html
        assert "5 may 2026" in html  # CLDR medium date in the report language (Babel)
        assert strings("az")["no_topics"] in html
        assert re.search(r"\bnan\b", _no_data_uris(html), re.IGNORECASE) is None
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
    assert [Formatter("az").delta(v) for v in (1234, -3, 0, None)] == ["+1\u00a0234", "\u22123", "0", "—"]
    assert Formatter("en").date(date(2026, 10, 24)) == "Oct 24, 2026"
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


def test_emerging_topics_match_independent_sql(topic_dataset: Path) -> None:
    with connect(topic_dataset) as con:
        p = Period.latest(con, 30)
        got = aggregate.emerging_topics(con, p)
        # Independent: timestamps instead of the date partition, CASE sums, ranking and top aspect in Python.
        raw = con.execute(
            "SELECT brand, trim(topic), "
            "sum(CASE WHEN created_at >= TIMESTAMPTZ '2026-10-01 00:00:00+00' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN created_at < TIMESTAMPTZ '2026-10-01 00:00:00+00' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN created_at >= TIMESTAMPTZ '2026-10-01 00:00:00+00' AND sentiment = 'negative' "
            "THEN 1 ELSE 0 END) "
            "FROM mentions WHERE topic IS NOT NULL AND length(trim(topic)) > 0 "
            "AND created_at >= TIMESTAMPTZ '2026-09-01 00:00:00+00' "
            "AND created_at < TIMESTAMPTZ '2026-10-31 00:00:00+00' GROUP BY 1, 2").fetchall()
        aspect_rows = con.execute(
            "SELECT brand, trim(topic), aspects FROM mentions WHERE length(trim(topic)) > 0 "
            "AND created_at >= TIMESTAMPTZ '2026-10-01 00:00:00+00'").fetchall()
    aspect_counts: dict[tuple[str, str], Counter[str]] = {}
    for brand, topic, aspects in aspect_rows:
        aspect_counts.setdefault((brand, topic), Counter()).update(aspects)
    expected = []
    for brand, topic, cur, prev, neg in raw:
        if cur >= aggregate.MIN_TOPIC_COUNT and cur > prev:
            top = min(aspect_counts.get((brand, topic), Counter()).items(), key=lambda kv: (-kv[1], kv[0]),
                      default=(None, 0))
            expected.append({"brand": brand, "topic": topic, "current": cur, "previous": prev, "change": cur - prev,
                             "is_new": prev == 0, "growth": None if prev == 0 else (cur - prev) / prev,
                             "negative_share": neg / cur, "top_aspect": top[0], "top_aspect_n": top[1]})
    expected.sort(key=lambda e: (-(e["current"] + 1) / (e["previous"] + 1), -e["change"], e["brand"], e["topic"]))
    assert [(e["brand"], e["topic"]) for e in got] == [(e["brand"], e["topic"]) for e in expected]
    for g, e in zip(got, expected, strict=True):
        for key, value in e.items():
            assert g[key] == (pytest.approx(value) if isinstance(value, float) else value), (e["topic"], key)
    topics = {e["topic"]: e for e in got}
    assert topics["delivery · courier · late"]["is_new"] is True
    assert topics["delivery · courier · late"]["top_aspect"] == "delivery"
    assert topics["delivery · courier · late"]["negative_share"] == 1.0
    assert topics["support · no answer"]["previous"] > 0
    assert topics["support · no answer"]["growth"] > 0
    assert "app · crash" not in topics  # new, but three mentions are noise
    assert all(t.strip() for t in topics)  # blank labels are no topic


def test_emerging_topics_in_the_report(topic_dataset: Path, tmp_path: Path) -> None:
    with connect(topic_dataset) as con:
        coverage = aggregate.topic_coverage(con, Period.latest(con, 30))
        files = build_report(con, out_dir=tmp_path / "out", project="P", taxonomy=TAXONOMY, days=30)
        with_topic = con.execute("SELECT count(*) FROM mentions WHERE mention_date >= DATE '2026-10-01' "
                                 "AND topic IS NOT NULL AND topic NOT IN ('', ' ')").fetchone()[0]
    assert coverage["with_topic"] == with_topic
    html = files.trend.read_text(encoding="utf-8")
    section = html[html.index("<h2>Emerging topics</h2>"):html.index("<h2>Spikes</h2>")]
    assert "delivery · courier · late" in section
    assert "support · no answer" in section
    assert "app · crash" not in section
    assert "Delivery (" in section  # the top aspect, by its label
    assert "Emerging topics" in files.summary
    assert "delivery · courier · late" in files.summary
    assert "emerging topic “delivery · courier · late”" in html  # a key finding


def test_spike_is_explained_by_its_topics(topic_dataset: Path, tmp_path: Path) -> None:
    with connect(topic_dataset) as con:
        p = Period.latest(con, 30)
        top = aggregate.spikes(con, p)[0]
        assert (top["brand"], top["kind"]) == ("Acme", "negative")
        assert top["topics"][0]["topic"] == "delivery · courier · late"
        n = con.execute("SELECT count(*) FROM mentions WHERE brand = 'Acme' AND sentiment = 'negative' "
                        "AND topic = 'delivery · courier · late' AND CAST(created_at AS DATE) BETWEEN ? AND ?",
                        [top["start"], top["end"]]).fetchone()[0]
        assert top["topics"][0]["n"] == n
        # A topic that is as common in the spike as in its baseline did not cause it.
        assert all(t["excess"] > 0 for t in top["topics"])
        files = build_report(con, out_dir=tmp_path / "out", project="P", taxonomy=TAXONOMY, days=30)
    html = files.trend.read_text(encoding="utf-8")
    spikes = html[html.index("<h2>Spikes</h2>"):html.index("<h2>Most engaging mentions</h2>")]
    assert f"delivery · courier · late ({n}" in spikes


def test_no_topics_yet_is_a_clear_note(dataset: Path, tmp_path: Path) -> None:
    with connect(dataset) as con:
        p = Period.latest(con, 30)
        assert aggregate.emerging_topics(con, p) == []
        assert aggregate.topic_coverage(con, p)["with_topic"] == 0
        for lang in ("en", "az", "ru"):
            files = build_report(con, out_dir=tmp_path / lang, project="P", taxonomy=TAXONOMY, days=30, lang=lang)
            t = strings(lang)
            html = files.trend.read_text(encoding="utf-8")
            assert f"<h2>{t['emerging_topics']}</h2>" in html
            assert t["no_topics"] in html
            assert t["no_topics"] in files.summary
            assert "<th>" + t["topic"] + "</th>" not in html  # no empty table


def test_topics_that_do_not_grow_say_so(tmp_path: Path) -> None:
    rows = story()
    for r in rows:  # a topic that faded: common in September, three mentions in October
        if r["brand"] == "Acme" and r["sentiment"] == "positive":
            r["topic"] = "autumn · campaign" if r["created_at"].date() < date(2026, 10, 1) else None
    rows[-1]["topic"] = rows[-2]["topic"] = rows[-3]["topic"] = "autumn · campaign"
    MentionStore(tmp_path / "d").upsert(rows)
    with connect(tmp_path / "d") as con:
        assert aggregate.emerging_topics(con, Period.latest(con, 30)) == []
        files = build_report(con, out_dir=tmp_path / "out", project="P", taxonomy=TAXONOMY, days=30)
    html = files.trend.read_text(encoding="utf-8")
    assert strings("en")["no_emerging"] in html
    assert strings("en")["no_topics"] not in html


def test_configured_brand_without_mentions_is_listed_with_zeros(dataset: Path, tmp_path: Path) -> None:
    with connect(dataset) as con:
        p = Period.latest(con, 30)
        rows = {r["brand"]: r for r in aggregate.overview(con, p, brands=["Acme", "Ghost"],
                                                          competitors=["Rival", "Nobody"])}
        assert set(rows) == {"Acme", "Ghost", "Rival", "Nobody"}
        assert rows["Nobody"]["is_competitor"] is True
        assert rows["Ghost"]["is_competitor"] is False
        for brand in ("Ghost", "Nobody"):
            r = rows[brand]
            assert (r["mentions"], r["positive"], r["negative"], r["pain_points"], r["reach"]) == (0, 0, 0, 0, 0)
            assert r["share_of_voice"] == 0
            assert (r["net_sentiment"], r["nps_proxy"], r["pain_share"], r["growth"]) == (None, None, None, None)
        assert sum(r["share_of_voice"] for r in rows.values()) == pytest.approx(1)
        days = {r["brand"] for r in aggregate.daily(con, p, brands=["Acme", "Ghost"])}
        assert "Ghost" in days
        files = build_report(con, out_dir=tmp_path / "out", project="P", taxonomy=TAXONOMY, days=30,
                             brands=["Acme", "Ghost"], competitors=["Rival", "Nobody"])
    trend = _no_data_uris(files.trend.read_text(encoding="utf-8"))
    pains = _no_data_uris(files.painpoints.read_text(encoding="utf-8"))
    ghost = re.search(r"<tr><td>Ghost</td>(.*?)</tr>", trend, re.DOTALL).group(1)
    cells = re.findall(r'<td class="n[^"]*">([^<]*)</td>', ghost)
    # mentions, change, share of voice, +, neutral, -, net, NPS proxy, pain points, reach
    assert cells == ["0", "—", "0.0%", "0", "0", "0", "—", "—", "0", "0"]
    nobody = re.search(r'<tr><td>Nobody <span class="tag">competitor</span></td>(.*?)</tr>', pains, re.DOTALL)
    assert re.findall(r'<td class="n">([^<]*)</td>', nobody.group(1)) == ["0", "0", "—", "0.0%"]
    assert "Nobody: —" in pains  # competitors on the same aspect: no share without mentions
    assert "| Ghost | 0 | 0.0% | — | 0 |" in files.summary
    for text in (trend, pains, files.summary):
        assert re.search(r"\bnan\b", text, re.IGNORECASE) is None
        assert "None" not in text
