"""A bank's review export through the file listener (issue 12: platforms, day-first dates, time zones,
extra columns, URL identity) and the store reading files written before the ``extras`` column existed."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from core.config import Settings, Source, settings_from_mapping
from core.errors import ConfigError
from listeners import FileListener, Normalizer
from listeners.file import COLUMN_ALIASES, day_first_of, normalize_platform, normalize_url
from storage import MentionStore, connect
from storage.schema import MENTION_FIELDS, SCHEMA_VERSION
from tests.factories import scored

BANK = {
    "brands": [{"name": "Kapital Bank", "keywords": ["Kapital Bank", "Kapitalbank"]}],
    "competitors": [{"name": "ABB", "keywords": ["ABB"]}, {"name": "Leobank", "keywords": ["Leobank"]}],
}

BANK_CSV = (
    "date,text,source,url,rating,author,branch\n"
    "21.11.2026 14:05,Kapital Bank tətbiqi yenə açılmır,google play,https://play.example/r/1,1,@aysel,Nərimanov\n"
    "21.11.2026 15:40,Kapital Bank приложение снова не работает,Google Play,https://play.example/r/2,2,@oleg,\n"
    "22.11.2026 09:00,ABB kart komisyonu çok yüksek,App Store,https://apps.example/r/3,2,@mert,28 May\n"
    "05.11.2026 18:30,Leobank support answered fast,Trustpilot.com,https://tp.example/r/4,5,@john,\n"
    "06.11.2026,Kapital Bank filialı yaxşıdır,Twitter,,5,@nigar,Gənclik\n"
    "23.11.2026 11:15,Kapital Bank kart xidmət haqqı artıb,google-play,https://play.example/r/6,five,@x,\n"
)


def bank_settings(tmp_path: Path) -> Settings:
    return settings_from_mapping({**BANK, "storage": {"path": str(tmp_path / "data")}}, base=tmp_path)


def listener(tmp_path: Path, **options: Any) -> FileListener:
    source = Source(name="reviews", type="file", options={"path": str(tmp_path / "bank.csv"), **options})
    return FileListener.from_config(source, bank_settings(tmp_path))


def collect(fl: FileListener) -> tuple[list[Any], list[Any]]:
    mentions, rejects = [], []
    for page in fl.pages(None):
        mentions += page.mentions
        rejects += page.rejects
    return mentions, rejects


def test_bank_export_keeps_every_row(tmp_path: Path) -> None:
    (tmp_path / "bank.csv").write_text(BANK_CSV, encoding="utf-8")
    fl = listener(tmp_path, timezone="Asia/Baku", extra_columns={"rating": "int", "branch": "str"})
    mentions, rejects = collect(fl)
    assert [m.platform for m in mentions] == ["google_play", "google_play", "app_store", "trustpilot", "x"]
    # Day first, read in Baku time (UTC+4): 21.11.2026 14:05 local is 10:05 UTC.
    assert mentions[0].created_at == datetime(2026, 11, 21, 10, 5, tzinfo=UTC)
    assert mentions[3].created_at == datetime(2026, 11, 5, 14, 30, tzinfo=UTC)  # 05.11 is 5 November
    assert mentions[4].created_at == datetime(2026, 11, 6, tzinfo=UTC)  # date only: its own day, not 5 Nov 20:00
    assert dict(mentions[0].extras) == {"rating": "1", "branch": "Nərimanov"}
    assert dict(mentions[1].extras) == {"rating": "2"}  # an empty branch is left out, not stored as ""
    assert isinstance(mentions[0].extras, tuple)
    # The declared rating column also fills the contract's rating (stars 1..5).
    assert [m.rating for m in mentions] == [1, 2, 2, 5, 5]
    # A rating that is no star rating quarantines the row, naming the value, with its own reason code.
    assert len(rejects) == 1
    assert "bank.csv:7" in rejects[0].reason
    assert "rating must be 1 to 5 stars, not 'five'" in rejects[0].reason
    assert rejects[0].reason_code() == "bad_rating"


def test_rating_column_accepts_stars_in_several_shapes(tmp_path: Path) -> None:
    rows = ["4", "4.0", "4/5", "★★★★", "3 of 5", "", "6", "4.5"]
    body = "".join(f"2026-11-{10 + i}T10:00:00Z,Kapital Bank review {i},{r}\n" for i, r in enumerate(rows))
    (tmp_path / "bank.csv").write_text("created_at,text,rating\n" + body, encoding="utf-8")
    mentions, rejects = collect(listener(tmp_path, extra_columns={"Rating": "str"}))
    assert [m.rating for m in mentions] == [4, 4, 4, 4, 3, None]
    assert [dict(m.extras).get("Rating") for m in mentions] == ["4", "4", "4", "4", "3", None]
    assert [r.reason_code() for r in rejects] == ["bad_rating", "bad_rating"]
    assert "not '6'" in rejects[0].reason
    assert "not '4.5'" in rejects[1].reason


def test_extras_reach_the_store_and_duckdb(tmp_path: Path) -> None:
    (tmp_path / "bank.csv").write_text(BANK_CSV, encoding="utf-8")
    settings = bank_settings(tmp_path)
    mentions, _ = collect(listener(tmp_path, extra_columns=["rating", "branch"]))
    records = Normalizer(settings, source="reviews", run_id="r1")(mentions)
    for rec in records:
        rec.update(lang="az", lang_confidence=0.9, aspects=[], is_pain_point=False, model_version="t")
    store = MentionStore(tmp_path / "data")
    # "five" is no star rating: quarantined by the listener whatever the declared type of `rating`
    assert store.upsert(records, source="reviews", run_id="r1").inserted == 5
    with connect(tmp_path / "data") as con:
        rows = con.execute("SELECT brand, extras['rating'], rating FROM mentions ORDER BY created_at").fetchall()
    assert rows[0] == ("Leobank", "5", 5)
    assert ("Kapital Bank", "1", 1) in rows


def test_day_first_is_read_from_the_column(tmp_path: Path) -> None:
    assert day_first_of(["05.06.2026", "07.06.2026 10:00"]) is True  # all ambiguous, dots: day first
    assert day_first_of(["05/06/2026", "06/21/2026"]) is False  # a second part above 12: month first
    assert day_first_of(["05/06/2026", "21/06/2026"]) is True
    assert day_first_of(["2026-11-21T10:00:00Z"]) is None
    (tmp_path / "bank.csv").write_text(
        "date,text\n05/06/2026 10:00,Kapital Bank ok\n06/21/2026 11:00,ABB ok\n", encoding="utf-8")
    mentions, rejects = collect(listener(tmp_path))
    assert not rejects
    assert [m.created_at.date() for m in mentions] == [date(2026, 5, 6), date(2026, 6, 21)]
    # date_format overrides the detection.
    (tmp_path / "bank.csv").write_text("date,text\n2026|11|21 14:05,Kapital Bank ok\n", encoding="utf-8")
    mentions, rejects = collect(listener(tmp_path, date_format="%Y|%m|%d %H:%M"))
    assert not rejects
    assert mentions[0].created_at == datetime(2026, 11, 21, 14, 5, tzinfo=UTC)


def test_a_date_without_time_keeps_its_day_in_any_time_zone(tmp_path: Path) -> None:
    (tmp_path / "bank.csv").write_text(
        "date,text\n21.11.2026,Kapital Bank ok\n2026-11-22,ABB ok\n23.11.2026 01:30,Leobank ok\n", encoding="utf-8")
    mentions, rejects = collect(listener(tmp_path, timezone="Asia/Baku"))
    assert not rejects
    assert [m.created_at.astimezone(UTC).date() for m in mentions] == [date(2026, 11, 21), date(2026, 11, 22),
                                                                       date(2026, 11, 22)]  # 01:30 Baku
    (tmp_path / "bank.csv").write_text("date,text\n2026|11|21,Kapital Bank ok\n", encoding="utf-8")
    mentions, _ = collect(listener(tmp_path, timezone="Asia/Baku", date_format="%Y|%m|%d"))
    assert mentions[0].created_at.astimezone(UTC).date() == date(2026, 11, 21)


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"timezone": "Asia/Bakuu"}, "options.timezone 'Asia/Bakuu' is not an IANA time zone name"),
        ({"timezone": "Asia"}, "options.timezone 'Asia' is not an IANA time zone name"),
        ({"date_format": "dd.mm.yyyy"}, "options.date_format 'dd.mm.yyyy' is not a strftime pattern"),
        ({"extra_columns": {"rating": "integer"}}, "options.extra_columns has unknown type(s)"),
        ({"extra_columns": "rating"}, "options.extra_columns must be a list"),
    ],
)
def test_bad_options_are_one_line(tmp_path: Path, options: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigError) as err:
        listener(tmp_path, **options)
    assert named in str(err.value)
    assert "\n" not in str(err.value)


def test_platform_names() -> None:
    assert normalize_platform("google play") == normalize_platform("Google-Play") == "google_play"
    assert normalize_platform("App Store") == normalize_platform("AppStore") == "app_store"
    assert normalize_platform("Trustpilot.com") == "trustpilot"
    assert normalize_platform("Twitter") == normalize_platform("X") == "x"


def test_url_is_the_identity_of_rows_without_id(tmp_path: Path) -> None:
    assert normalize_url("HTTPS://Play.Example/r/1/?utm_source=mail&hl=az&fbclid=z#top") == \
        "https://play.example/r/1?hl=az"
    (tmp_path / "bank.csv").write_text(
        "date,text,url\n"
        "21.11.2026 14:05,Kapital Bank tətbiqi açılmır,https://play.example/r/1\n"
        "21.11.2026 14:05,Kapital Bank tətbiqi açılmır!,HTTPS://PLAY.example/r/1/?utm_campaign=x#reviews\n"
        "2026-11-22T09:00:00Z,Kapital Bank yaxşı,\n", encoding="utf-8")
    mentions, _ = collect(listener(tmp_path))
    assert mentions[0].mention_id == mentions[1].mention_id
    # Rows without id and URL keep the content hash of earlier versions, so old stores do not duplicate.
    ident = "bank.csv\x00" + "2026-11-22T09:00:00+00:00\x00Kapital Bank yaxşı\x001"
    assert mentions[2].native_id == hashlib.sha1(ident.encode(), usedforsecurity=False).hexdigest()[:20]


def test_files_without_extras_still_read_and_merge(tmp_path: Path) -> None:
    """A day file written with schema v1 (no ``extras``) merges with new rows and reads in DuckDB."""
    assert SCHEMA_VERSION >= 2
    assert "extras" in [name for name, *_ in MENTION_FIELDS]
    store = MentionStore(tmp_path / "data")
    day = date(2026, 11, 21)
    old = scored(1, brand="Kapital Bank", day=day, sentiment="negative")
    store.upsert([old])
    path = store.partition_path(day)
    table = pq.read_table(path)
    v1 = table.drop_columns(["extras"]).set_column(
        table.schema.get_field_index("schema_version"), "schema_version", pa.array([1], pa.int16()))
    pq.write_table(v1, path)
    new = {**scored(2, brand="ABB", day=day, sentiment="negative", competitor=True), "extras": {"rating": "2"}}
    assert store.upsert([new]).inserted == 1
    got = store.read([day])
    assert got.column("extras").to_pylist() == [None, [("rating", "2")]]
    assert store.read([day], columns=["mention_id", "extras"]).num_rows == 2


def test_docs_list_every_recognised_column() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")
    docs = docs.split("| field | column names recognised |", 1)[-1]
    for field, aliases in COLUMN_ALIASES.items():
        row = re.search(rf"^\| `{field}` \|(.*)$", docs, re.MULTILINE)
        assert row, f"docs/configuration.md has no row for column {field}"
        assert [a.strip(" `") for a in row.group(1).split("|")[0].split(",")] == list(aliases)
