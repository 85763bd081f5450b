"""Reports on a bank's data (issue 12): an aspect only in the previous period, a second crisis after an outage,
file names per language and period, and wording in az, tr, hy, ru and en."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from reports import Period, aggregate, build_report
from reports.i18n import LANGS, Formatter, strings
from storage import MentionStore, connect
from tests.factories import scored

TAXONOMY = {
    "delivery": {"labels": {"en": "Card delivery", "az": "Kartın çatdırılması", "ru": "Доставка"},
                 "cx_area": "Shipping and delivery"},
    "payment": {"labels": {"en": "Payment & checkout"}, "cx_area": "Purchase and checkout/payment"},
    "website_app": {"labels": {"en": "Website & app"}, "cx_area": "Ease of use: website and app navigation"},
    "returns": {"labels": {"en": "Refunds"}, "cx_area": "Post-purchase: returns, refunds and exchanges"},
}
START, END = date(2026, 10, 2), date(2026, 11, 30)
OUTAGE = (date(2026, 11, 13), date(2026, 11, 15))
STORM = date(2026, 11, 23)
TEXTS = {
    "az": "Kapital Bank tətbiqi yenə açılmır, kartla ödəniş keçmir",
    "ru": "Kapital Bank: приложение не работает, оплата картой не проходит",
    "tr": "Kapital Bank uygulaması çöküyor, ödeme yapamadım",
    "en": "Kapital Bank app is down again, card payment failed",
}


def bank_rows(*, outage: bool = True, storm: bool = True, seed: int = 12) -> list[dict[str, Any]]:
    """Kapital Bank and ABB over Oct-Nov 2026, Leobank with three posts; refunds complained about only in October."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    i = 0

    def add(**kw: Any) -> None:
        nonlocal i
        i += 1
        lang = kw.pop("lang", rng.choice(list(TEXTS)))
        rows.append(scored(i, lang=lang, platform=kw.pop("platform", rng.choice(["x", "google_play"])),
                           text=kw.pop("text", f"{TEXTS[lang]} #{i}"), **kw))

    day = START
    while day <= END:
        for brand, competitor in (("Kapital Bank", False), ("ABB", True)):
            for _ in range(rng.randint(4, 8)):
                add(brand=brand, competitor=competitor, day=day, sentiment="negative",
                    aspects=[rng.choice(["payment", "website_app"])])
            for _ in range(rng.randint(4, 8)):
                add(brand=brand, competitor=competitor, day=day, sentiment="positive", aspects=["payment"])
            for _ in range(rng.randint(2, 4)):
                add(brand=brand, competitor=competitor, day=day, sentiment="neutral")
        if day.month == 10 and day.day % 3 == 0:  # refunds: a pain point of the previous period only
            add(brand="Kapital Bank", day=day, sentiment="negative", aspects=["returns"])
        if outage and OUTAGE[0] <= day <= OUTAGE[1]:
            for _ in range(40):
                add(brand="Kapital Bank", day=day, sentiment="negative", aspects=["website_app"])
        if storm and day == STORM:
            for _ in range(30):
                add(brand="Kapital Bank", day=day, sentiment="negative", aspects=["delivery"], lang="ru",
                    text=f"Kapital Bank: карту так и не доставили, курьер не пришёл #{i}")
        day += timedelta(days=1)
    for k in range(3):  # a competitor nobody talks about
        add(brand="Leobank", competitor=True, day=END - timedelta(days=k), sentiment="positive")
    return rows


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    MentionStore(tmp_path / "bank").upsert(bank_rows(), source="csv", run_id="r")
    return tmp_path / "bank"


def _visible(html: str) -> str:
    html = re.sub(r"data:image/svg\+xml;base64,[^\"]+", "", html)
    return re.sub(r"<style>.*?</style>", "", html, flags=re.DOTALL)


def test_aspect_only_in_the_previous_period_renders_in_every_language(bank: Path, tmp_path: Path) -> None:
    with connect(bank) as con:
        p = Period.latest(con, 30)
        assert (p.start, p.end) == (date(2026, 11, 1), END)
        refunds = next(r for r in aggregate.pain_points(con, p) if r["aspect"] == "returns")
        assert (refunds["current"], refunds["langs"], refunds["platforms"]) == (0, [], [])
        assert refunds["previous"] > 0
        for lang in LANGS:
            files = build_report(con, out_dir=tmp_path / lang, project="Kapital Bank", taxonomy=TAXONOMY,
                                 days=30, lang=lang, brands=["Kapital Bank"], competitors=["ABB", "Leobank"])
            for text in (files.trend.read_text(encoding="utf-8"), files.painpoints.read_text(encoding="utf-8"),
                         files.summary):
                assert "None" not in _visible(text), lang
            assert strings(lang)["pain_points_title"] in files.summary


def test_second_crisis_is_flagged_although_an_outage_sits_in_its_baseline(bank: Path) -> None:
    with connect(bank) as con:
        spikes = aggregate.spikes(con, Period.latest(con, 30))
    episodes = {(s["brand"], s["kind"], s["start"], s["end"]) for s in spikes}
    assert ("Kapital Bank", "negative", OUTAGE[0], OUTAGE[1]) in episodes
    storm = [s for s in spikes if s["brand"] == "Kapital Bank" and s["start"] <= STORM <= s["end"]]
    assert len(storm) == 1
    assert storm[0]["day"] == STORM
    assert storm[0]["aspects"][0]["aspect"] == "delivery"
    assert storm[0]["mean"] < 10  # the baseline is the usual level, not inflated by the outage
    assert len(spikes) == 2  # nothing else: ABB's and the ordinary days' noise is no crisis


def test_no_spikes_on_flat_data(tmp_path: Path) -> None:
    MentionStore(tmp_path / "flat").upsert(bank_rows(outage=False, storm=False, seed=3), source="csv", run_id="r")
    with connect(tmp_path / "flat") as con:
        for days in (7, 30, 60):
            assert aggregate.spikes(con, Period.latest(con, days)) == [], days


def test_report_files_carry_language_and_period(bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    with connect(bank) as con:
        runs = [build_report(con, out_dir=out, project="Kapital Bank", taxonomy=TAXONOMY, days=days, lang=lang)
                for days, lang in ((30, "en"), (60, "en"), (1, "en"), (7, "az"))]
        explicit = build_report(con, out_dir=out, project="Kapital Bank", taxonomy=TAXONOMY, lang="en",
                                start=date(2026, 11, 10), end=date(2026, 11, 20))
    names = [f.name for r in [*runs, explicit] for f in (r.trend, r.painpoints, r.markdown)]
    assert len(set(names)) == 15
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    assert runs[0].trend.name == "kapital-bank-en-2026-11-01_2026-11-30-trends.html"
    assert runs[1].painpoints.name == "kapital-bank-en-2026-10-02_2026-11-30-pain-points.html"
    assert runs[3].markdown.name == "kapital-bank-az-2026-11-24_2026-11-30-summary.md"
    assert explicit.trend.name == "kapital-bank-en-2026-11-10_2026-11-20-trends.html"
    # Each report links to its own companion, not to another run's.
    assert f'href="{runs[1].painpoints.name}"' in runs[1].trend.read_text(encoding="utf-8")


def _build(con: Any, tmp_path: Path, lang: str) -> tuple[str, str, str]:
    files = build_report(con, out_dir=tmp_path / lang, project="Kapital Bank", taxonomy=TAXONOMY, days=30,
                         lang=lang, brands=["Kapital Bank"], competitors=["ABB", "Leobank"])
    return (_visible(files.trend.read_text(encoding="utf-8")), _visible(files.painpoints.read_text(encoding="utf-8")),
            files.summary)


def test_wording_plurals_and_cx_owner_per_language(bank: Path, tmp_path: Path) -> None:
    with connect(bank) as con:
        out = {lang: _build(con, tmp_path, lang) for lang in LANGS}
    trend, pains, _ = out["ru"]
    assert "жалоб на доставку" in trend  # 30 жалоб, the aspect in the accusative
    assert re.search(r"<b>\d*[05-9] упоминаний</b>", trend)  # the storm's peak, genitive plural
    assert "<th class=\"n\">Условный NPS*</th>" in trend
    assert "Удобство: навигация по сайту и приложению" in pains  # who should act, in Russian
    assert "Ease of use" not in pains
    trend, pains, _ = out["az"]
    assert re.search(r"<b>\d+ qeyd</b>", trend)
    assert re.search(r"\d qeydlər", trend) is None
    assert "Tonallıq balansı" in trend
    assert "Problemli qeydlərin payı, %" in pains
    assert "İstifadə rahatlığı: sayt və tətbiqdə naviqasiya" in pains
    trend, pains, _ = out["tr"]
    assert re.search(r"<b>\d+ bahsetme</b>", trend)
    assert "Sorun noktaları" in pains
    assert "Sorunlu" not in pains
    assert "Kullanım kolaylığı" in pains
    assert re.search(r"<b>\d+ հիշատակում</b>", out["hy"][0])
    trend, pains, _ = out["en"]
    assert re.search(r"<b>\d+ mentions</b>", trend)
    assert Formatter("en").count(1, "mentions") == "1 mention"
    assert "30 complaints about Card delivery" in trend
    assert Formatter("ru").count(22, "mentions") == "22 упоминания"
    assert Formatter("ru").count(21, "mentions") == "21 упоминание"


def test_dates_and_minus_signs_are_consistent(bank: Path, tmp_path: Path) -> None:
    with connect(bank) as con:
        out = {lang: _build(con, tmp_path, lang) for lang in ("en", "ru", "az")}
    for lang, (trend, pains, summary) in out.items():
        day = Formatter(lang).date(STORM)
        assert day in trend, lang
        for text in (trend, pains, summary):
            body = re.sub(r'href="[^"]*"', "", text)
            assert re.search(r"\d{4}-\d\d-\d\d", body) is None, lang  # no ISO dates next to localised ones
            assert re.search(r"\d\d\.\d\d\.\d{4}", body) is None, lang
            cells = re.findall(r'<td class="n[^"]*">([^<]*)</td>', text) + re.findall(r"\| ([^|]*) ", text)
            assert not [c for c in cells if re.match(r"\s*-\d", c)], lang
        assert "\u2212" in pains  # refunds fell: a negative growth, with the typographic minus
    assert "Nov 23, 2026" in out["en"][0]
    assert "23 нояб. 2026\u202fг." in out["ru"][0]  # CLDR: narrow no-break space before г.


def test_markdown_summary_is_literal_and_safe(bank: Path, tmp_path: Path) -> None:
    rows = bank_rows()
    rows[-1]["brand"] = rows[-2]["brand"] = rows[-3]["brand"] = "Leo*bank_<b>"
    MentionStore(tmp_path / "b").upsert(rows)
    with connect(tmp_path / "b") as con:
        files = build_report(con, out_dir=tmp_path / "o", project="Kapital Bank", taxonomy=TAXONOMY, days=30)
    assert "Payment & checkout" in files.summary
    assert "&amp;" not in files.summary
    assert "<b>" not in files.summary
    assert r"Leo\*bank\_&lt;b&gt;" in files.summary


def test_brand_with_few_mentions_is_explained_under_the_net_chart(bank: Path, tmp_path: Path) -> None:
    with connect(bank) as con:
        for lang in ("en", "az", "ru"):
            trend = _build(con, tmp_path, lang)[0]
            note = re.search(r'<p class="meta no-net-line">([^<]*)</p>', trend)
            assert note is not None, lang
            assert "Leobank" in note.group(1)
            assert "Kapital Bank" not in note.group(1)


def test_wide_pain_point_table_wraps_inside_the_page(bank: Path, tmp_path: Path) -> None:
    with connect(bank) as con:
        files = build_report(con, out_dir=tmp_path / "ru", project="Kapital Bank", taxonomy=TAXONOMY, days=30,
                             lang="ru")
    html = files.painpoints.read_text(encoding="utf-8")
    assert '<div class="wide"><table class="pains">' in html
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)
    assert re.search(r"\.wide\s*\{[^}]*overflow-x:\s*auto", style)
    assert re.search(r"th, td\s*\{[^}]*overflow-wrap:\s*break-word", style)


@pytest.mark.parametrize("pack", ["ecommerce", "banking", "telecom"])
def test_every_shipped_pack_is_worded_in_every_report_language(pack: str) -> None:
    """'Who should act' and the ru complaint phrase exist for every aspect of every shipped pack."""
    from nlp.aspects import Taxonomy
    from reports.i18n import _terms, cx_area

    about_ru = _terms()["about"]["ru"]
    for aspect in Taxonomy.pack(pack):
        assert aspect.name in about_ru, aspect.name
        for lang in LANGS:
            if lang != "en":
                assert cx_area(aspect.cx_area, lang) != aspect.cx_area, (aspect.cx_area, lang)
