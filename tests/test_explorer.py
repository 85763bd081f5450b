"""The explorer (voxpop serve) in-process: corrections in the store and views, filters, security, export."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from core.errors import ConfigError
from explorer import Explorer, Filters, create_app
from explorer.data import highlight
from explorer.security import check_bind
from nlp.aspects import AspectTagger, Taxonomy
from reports import Period, aggregate, build_report
from storage import Correction, MentionStore, connect
from storage.resident import ResidentStore
from tests.factories import scored, story, with_topics

XSS = '<img src=x onerror="document.title=\'pwned\'"> Acme <script>alert(1)</script> =HYPERLINK("http://x")'
BASE = "http://127.0.0.1:8765"


def fixture_store(root: Path) -> Path:
    """The story of tests.factories moved so that Acme's delivery spike peaks on 24 Oct 2026, plus an XSS post."""
    rows = with_topics(story(start=date(2026, 9, 2)))
    rows.append(scored(900_001, brand="Acme", day=date(2026, 10, 25), sentiment="negative", aspects=["delivery"],
                       text=XSS, lang="en", likes=5))
    rows[-1]["url"] = "javascript:alert(2)"
    MentionStore(root).upsert(rows)
    return root


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return fixture_store(tmp_path / "data")


def make_app(root: Path, **kw: object) -> tuple[Explorer, TestClient]:
    x = Explorer(root, brands=["Acme"], competitors=["Rival"], window_days=30, taxonomy=Taxonomy.pack("ecommerce"),
                 read_only=bool(kw.pop("read_only", False)))
    return x, TestClient(create_app(x, project="Acme", **kw), base_url=BASE)  # type: ignore[arg-type]


def _csrf(client: TestClient) -> str:
    client.get("/")
    return client.cookies["vp_csrf"]


def test_corrections_are_appended_never_rewriting_the_model_columns(store: Path) -> None:
    s = MentionStore(store)
    with connect(store) as con:
        before = con.execute("SELECT sentiment, aspects FROM mentions WHERE mention_id = 'x:1'").fetchall()[0]
    s.add_corrections([Correction("x:1", "Acme", "sentiment", "negative", "ana", old_value=before[0])])
    s.add_corrections([Correction("x:1", "Acme", "aspect", "present", "ana", aspect="delivery", old_value="absent"),
                       Correction("x:1", "Acme", "sentiment", "neutral", "bo", old_value="negative")])
    files = sorted(p.name for p in (store / "corrections").rglob("*.parquet"))
    assert len(files) == 2  # one new file per append, nothing replaced
    with connect(store) as con:
        assert con.execute("SELECT sentiment, aspects FROM mentions WHERE mention_id = 'x:1'").fetchall()[0] == before
        history = con.execute("SELECT author, field, old_value, new_value FROM corrections ORDER BY corrected_at")
        assert [r[0] for r in history.fetchall()] == ["ana", "ana", "bo"]
        row = con.execute("SELECT sentiment, sentiment_score, aspects, corrected, model_sentiment, irrelevant "
                          "FROM mentions_corrected WHERE mention_id = 'x:1'").fetchall()[0]
    assert row[0] == "neutral"
    assert row[1] == 0.0
    assert "delivery" in row[2]
    assert row[3] is True
    assert row[4] == before[0]
    assert row[5] is False
    with pytest.raises(ValueError, match="sentiment must be one of"):
        s.add_corrections([Correction("x:1", "Acme", "sentiment", "angry", "ana")])


def test_irrelevant_mentions_leave_report_figures(store: Path, tmp_path: Path) -> None:
    with connect(store) as con:
        p = Period.latest(con, 30)
        n = aggregate.overview(con, p, brands=["Acme"])[0]["mentions"]
        ids = [r[0] for r in con.execute("SELECT mention_id FROM mentions WHERE brand = 'Acme' AND mention_date "
                                         "BETWEEN ? AND ? LIMIT 3", [p.start, p.end]).fetchall()]
    MentionStore(store).add_corrections([Correction(i, "Acme", "irrelevant", "true", "ana") for i in ids])
    with connect(store, corrected=True) as con:
        assert aggregate.overview(con, p, brands=["Acme"])[0]["mentions"] == n - 3
        assert aggregate.corrections_summary(con, p) == {"corrected": 0, "irrelevant": 3}
        files = build_report(con, out_dir=tmp_path / "out", project="Acme", taxonomy={}, days=30)
    assert "0 mentions corrected by people, 3 marked irrelevant" in files.trend.read_text(encoding="utf-8")


def test_filters_round_trip_and_quote_every_value() -> None:
    f = Filters.parse({"brand": ["Acme", "Rival"], "start": "2026-10-01", "end": "2026-10-24", "lang": "az,tr",
                       "sentiment": ["negative", "furious"], "q": "it's'; DROP TABLE mentions; --", "pain": "1",
                       "sort": "reach; DELETE", "page": "x"})
    assert f.sentiment == ("negative",)
    assert f.sort == "time"
    assert f.page == 1
    assert f.pain
    assert Filters.parse(dict(f.params())) == Filters.parse(dict(f.params()))
    again = Filters.parse(_multi(f.params()))
    assert again == f
    where = f.where()
    assert "lower('it''s''; DROP TABLE mentions; --')" in where
    assert Filters.parse({"start": "2026-13-01"}).errors


def _multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def test_overview_figures_link_to_the_mentions_behind_them(store: Path) -> None:
    x, client = make_app(store)
    page = client.get("/")
    assert page.status_code == 200
    spike = re.search(r'<tr class="spike negative" data-day="2026-10-24">\s*<td><a href="([^"]+)"', page.text)
    assert spike, "the 24 Oct spike is listed"
    link = spike.group(1).replace("&amp;", "&")
    listed = client.get(link)
    n = int(re.search(r'id="found">(\d+)', listed.text).group(1))
    with connect(store, corrected=True) as con:
        expected = con.execute("SELECT count(*) FROM mentions WHERE brand = 'Acme' AND sentiment = 'negative' "
                               "AND mention_date = DATE '2026-10-24'").fetchall()[0][0]
    assert n == expected > 30
    by_lang = client.get(link + "&lang=az")
    assert int(re.search(r'id="found">(\d+)', by_lang.text).group(1)) < n
    x.close()


def test_overview_aggregates_run_at_once_give_the_serial_figures(store: Path) -> None:
    x, _ = make_app(store)
    for filters in (Filters(), Filters(brand=("Acme",), lang=("az",), sentiment=("negative",))):
        got = x.overview(filters)
        with x.scoped(replace(x.resolved(filters), start=None, end=None)) as con:
            p = got["period"]
            rivals = [] if filters.brand else ["Rival"]
            assert got["brands"] == aggregate.overview(con, p, brands=["Acme"], competitors=rivals)
            assert got["spikes"] == aggregate.spikes(con, p)[:12]
            assert got["topics"] == aggregate.emerging_topics(con, p, limit=15)
            assert got["langs"] == aggregate.breakdown(con, p, "lang")
        assert got["total"] > 0
    assert x.overview(Filters(lang=("az",)))["total"] < x.overview(Filters())["total"]  # each cursor saw the filter
    x.close()


def test_mention_text_and_links_are_inert(store: Path) -> None:
    _, client = make_app(store)
    page = client.get("/mentions?q=onerror")
    assert "&lt;img src=x onerror=" in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    assert "javascript:alert" not in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "'unsafe-inline'" not in page.headers["content-security-policy"]
    csv = client.get("/export.csv?q=onerror").content.decode("utf-8-sig")
    assert "'=HYPERLINK" not in csv  # the text starts with "<", so it is no formula; the cell stays exact
    assert XSS.replace('"', '""') in csv


def test_corrections_need_csrf_and_move_the_figures(store: Path) -> None:
    _, client = make_app(store)
    token = _csrf(client)
    target = "/mentions/x:1/correct"
    assert client.post(target, data={"sentiment": "negative"}).status_code == 403
    assert client.post(target, data={"sentiment": "negative", "csrf": "forged"}).status_code == 403
    assert client.post(target, data={"sentiment": "negative", "csrf": token},
                       headers={"origin": "http://evil.example"}).status_code == 403
    with connect(store, corrected=True) as con:
        before = con.execute("SELECT sentiment FROM mentions WHERE mention_id = 'x:1'").fetchall()[0][0]
    new = "negative" if before != "negative" else "positive"
    done = client.post(target, data={"sentiment": new, "add_aspect": "delivery", "csrf": token},
                       follow_redirects=False)
    assert done.status_code == 303
    page = client.get("/mentions/x:1")
    assert "✎" in page.text
    assert "delivery" in page.text
    with connect(store) as con:
        assert con.execute("SELECT count(*) FROM corrections WHERE mention_id = 'x:1'").fetchall()[0][0] == 2
    htmx = client.post(target, data={"irrelevant": "true"}, headers={"hx-request": "true", "x-csrf-token": token})
    assert htmx.status_code == 200
    assert 'id="mention"' in htmx.text
    assert "<html" not in htmx.text
    assert "/exclude" in htmx.text  # an irrelevant mark proposes exclude terms
    term = re.search(r'name="term" value="([^"]+)"', htmx.text).group(1)
    client.post("/mentions/x:1/exclude", data={"term": term, "csrf": token})
    assert f"<code>{term}</code>" in client.get("/mentions/x:1").text


def test_read_only_refuses_corrections(store: Path) -> None:
    _, client = make_app(store, read_only=True)
    token = _csrf(client)
    assert client.post("/mentions/x:1/correct", data={"sentiment": "neutral", "csrf": token}).status_code == 403
    assert "/correct" not in client.get("/mentions/x:1").text


def test_token_host_and_bind_rules(store: Path) -> None:
    with pytest.raises(ConfigError, match="VOXPOP_SERVE__TOKEN"):
        check_bind("0.0.0.0", None)  # noqa: S104 - the point of the test
    check_bind("127.0.0.1", None)
    check_bind("::1", None)
    with pytest.raises(ConfigError, match="shorter"):
        check_bind("0.0.0.0", SecretStr("short"))  # noqa: S104
    _, client = make_app(store, host="0.0.0.0", token=SecretStr("t" * 32))  # noqa: S104
    assert client.get("/").status_code == 401
    assert client.get("/", headers={"authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/", headers={"authorization": "Bearer " + "t" * 32}).status_code == 200
    assert client.get("/", auth=("ana", "t" * 32)).status_code == 200
    _, local = make_app(store)
    assert local.get("/", headers={"host": "attacker.example"}).status_code == 400  # DNS rebinding


def test_export_parquet_holds_the_filtered_rows(store: Path) -> None:
    _, client = make_app(store)
    body = client.get("/export.parquet?brand=Rival&sentiment=positive&start=2026-10-01&end=2026-10-31").content
    table = pq.read_table(io.BytesIO(body))
    assert table.num_rows
    assert set(table["brand"].to_pylist()) == {"Rival"}
    assert set(table["sentiment"].to_pylist()) == {"positive"}
    assert client.get("/export.exe").status_code == 404


def test_highlight_marks_the_words_that_triggered_an_aspect() -> None:
    tagger = AspectTagger(Taxonomy.pack("ecommerce"))
    text = "Kuryer 3 gün gecikdi, dəstək cavab vermir"
    pieces = highlight(text, tagger.explain(text))
    assert "".join(p for p, _ in pieces) == text
    marked = {p: a for p, a in pieces if a}
    assert marked.get("Kuryer") == "delivery"
    assert marked.get("dəstək") == "support"


def test_every_interface_language_has_every_app_string() -> None:
    from explorer.app import _app_strings

    table = _app_strings()
    assert set(table) == {"en", "az", "tr", "hy", "ru"}
    for lang, strings in table.items():
        assert set(strings) == set(table["en"]), lang
        for key, text in strings.items():
            assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", table["en"][key])), (lang, key)


def _rows_of(con: object, view: str) -> list[tuple]:
    sql = (f"SELECT mention_id, sentiment, sentiment_score, aspects, is_pain_point, likes, text, mention_date "  # noqa: S608
           f"FROM {view} ORDER BY mention_id")
    return con.execute(sql).fetchall()  # type: ignore[attr-defined]


def test_resident_store_follows_every_commit_like_a_fresh_connection(store: Path) -> None:
    """Rewritten day files, new days and corrections reach the resident tables as they reach connect()."""
    resident = ResidentStore(store)
    try:
        def same() -> None:
            with connect(store, corrected=True) as fresh:
                for view in ("mentions", "mentions_corrected", "mentions_model", "corrections"):
                    if view == "corrections":
                        sql = "SELECT correction_id, new_value FROM corrections ORDER BY 1"
                        assert resident.con.execute(sql).fetchall() == fresh.execute(sql).fetchall()
                    else:
                        assert _rows_of(resident.con, view) == _rows_of(fresh, view), view

        same()
        assert resident.refresh() is False  # nothing committed: nothing to do
        s = MentionStore(store)
        # An upsert rewrites the day's file (new likes) and a new day arrives.
        s.upsert([scored(1, brand="Acme", day=date(2026, 9, 2), sentiment="negative", likes=42),
                  scored(950_000, brand="Acme", day=date(2026, 11, 3), sentiment="positive", text="Acme new day")])
        assert resident.refresh() is True
        same()
        assert resident.con.execute("SELECT likes FROM mentions WHERE mention_id = 'x:1'").fetchall() == [(42,)]
        s.add_corrections([Correction("x:1", "Acme", "sentiment", "positive", "ana"),
                           Correction("x:950000", "Acme", "irrelevant", "true", "ana")])
        assert resident.refresh() is True
        same()
        assert resident.con.execute("SELECT count(*) FROM mentions WHERE mention_id = 'x:950000'").fetchall() == [(0,)]
        text = resident.con.execute("SELECT text_lower FROM mentions_corrected WHERE mention_id = 'x:950000'")
        assert text.fetchall() == [("acme new day",)]
    finally:
        resident.close()
