"""Analyst-facing contract of the store: date-typed partitions, quarantine codes, docs recipes that run."""

from __future__ import annotations

import datetime
import json
import re
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

from core.errors import StorageError
from listeners import FileListener
from storage import MentionStore, Rejected, connect, migrate, reason_code
from tests.test_storage import rec
from tests.test_storage_migrate import write_old_layout

ROOT = Path(__file__).resolve().parents[1]
T0 = datetime.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
BANK_TEXTS = [
    "Kapital Bank tətbiqi yenə açılmır, kartla ödəniş keçmir",
    "Kapital Bank: перевод завис, поддержка не отвечает",
    "ABB kart xidmət haqqı ildə 10 manat oldu, əvvəl pulsuz idi",
    "Leobank uygulaması harika, transfer çok hızlı",
    "Kapital Bank ATM near the metro swallowed my card",
]


def bank_rec(i: int, day: int, **over: Any) -> dict[str, Any]:
    brand = "ABB" if "ABB" in BANK_TEXTS[i % 5] else "Leobank" if "Leobank" in BANK_TEXTS[i % 5] else "Kapital Bank"
    return rec(i, created_at=T0 + timedelta(days=day, minutes=i), text=BANK_TEXTS[i % 5], brand=brand,
               brands=[brand], matched_terms=[brand], is_competitor=brand != "Kapital Bank",
               collected_at=T0 + timedelta(days=40), source="bank-csv", **over)


@pytest.fixture
def bank_store(tmp_path: Path) -> Path:
    root = tmp_path / "voxpop-data"
    store = MentionStore(root)
    records = [bank_rec(i, day=i % 4) for i in range(12)]
    vectors = {r["mention_id"]: np.full(4, 0.5, dtype=np.float32) for r in records}
    store.upsert(records, source="bank-csv", run_id="r1", embeddings=vectors, encoder="e5-test")
    store.quarantine([Rejected("bank-csv", "export.csv:7: unparseable timestamp '21.11.2026 14:05'",
                               {"file": "/in/export.csv", "line": 7, "text": "Kapital Bank kart bloklandı"})],
                     run_id="r1")
    return root


def test_pandas_reads_mention_date_as_a_date(bank_store: Path) -> None:
    df = DeltaTable(bank_store / "mentions").to_pandas()
    cutoff = datetime.date(2026, 11, 22)
    recent = df[df["mention_date"] >= cutoff]  # raised TypeError on a string category before
    assert len(recent) == 6
    assert set(recent["mention_date"]) == {datetime.date(2026, 11, 22), datetime.date(2026, 11, 23)}
    assert (df["mention_date"] == df["created_at"].dt.date).all()
    some = DeltaTable(bank_store / "mentions").to_pandas(columns=["mention_id", "mention_date"])
    assert (some["mention_date"] < cutoff).sum() == 6
    emb = DeltaTable(bank_store / "embeddings").to_pandas()
    assert (emb["mention_date"] >= cutoff).sum() == 6
    con = duckdb.connect()  # DuckDB without an extension: the snapshot as a pyarrow dataset
    con.register("mentions", DeltaTable(bank_store / "mentions").to_pyarrow_dataset())
    assert con.execute("SELECT DISTINCT typeof(mention_date) FROM mentions").fetchall() == [("DATE",)]
    # the log's schema has the partition column typed, and every column documented
    schema = pa.schema(DeltaTable(bank_store / "mentions").schema().to_arrow())
    assert schema.field("mention_date").type == pa.date32()
    assert schema.field("likes").metadata[b"description"] == b"likes / upvotes / reactions"


def test_an_older_store_reads_as_dates_once_migrated(tmp_path: Path) -> None:
    root = tmp_path / "voxpop-data"
    write_old_layout(root, [bank_rec(i, day=i % 4) for i in range(12)])
    with pytest.raises(StorageError, match="voxpop migrate"):
        MentionStore(root)
    migrate(root)
    assert DeltaTable(root / "mentions").to_pandas()["mention_date"].min() == datetime.date(2026, 11, 20)


def _blocks(lang: str) -> list[str]:
    doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    return re.findall(rf"```{lang}\n(.*?)```", doc, flags=re.DOTALL)


def test_docs_schema_recipes_run_against_a_store(bank_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sql = [s.strip() for block in _blocks("sql") for s in block.split(";") if s.strip() and
           not all(line.strip().startswith("--") for line in s.strip().splitlines())]
    assert len(sql) >= 4
    with connect(bank_store) as con:
        results = {q: con.execute(q).fetchall() for q in sql}
    joined = next(r for q, r in results.items() if "JOIN embeddings" in q)
    assert len(joined) == 5
    assert len(joined[0][2]) == 4
    by_code = next(r for q, r in results.items() if "GROUP BY" in q and "reason_code" in q)
    assert by_code == [("bank-csv", "bad_timestamp", 1)]
    # Python snippets use the default storage path, relative to the working directory
    monkeypatch.chdir(bank_store.parent)
    for block in _blocks("python"):
        exec(compile(block, "docs/schema.md", "exec"), {})  # noqa: S102 - our own docs, run as written


def test_quarantine_stores_code_and_location_apart(tmp_path: Path) -> None:
    export = tmp_path / "kapital.csv"
    export.write_text(
        "date,text,source,url,rating,author\n"
        "2026-11-21T14:05:00Z,Kapital Bank kartım bloklandı,google play,https://play.example/r/1,1,@elvin\n"
        "32.13.2026,Kapital Bank komissiyası çox yüksəkdir,app store,https://apps.example/r/2,2,@leyla\n"
        "2026-11-21T15:00:00Z,,google play,https://play.example/r/3,5,@aysel\n",
        encoding="utf-8")
    listener = FileListener("bank-csv", export)
    rejects = [r for page in listener.pages(None) for r in page.rejects]
    store = MentionStore(tmp_path / "data")
    store.quarantine(rejects, run_id="r1")
    store.upsert([bank_rec(1, day=0, likes=-3)], source="bank-csv", run_id="r1")
    with connect(tmp_path / "data") as con:
        rows = con.execute("SELECT reason_code, location, reason FROM quarantine ORDER BY location").fetchall()
        grouped = con.execute("SELECT reason_code, count(*) FROM quarantine GROUP BY 1 ORDER BY 1").fetchall()
    codes = {code for code, *_ in rows}
    assert "empty_text" in codes
    assert codes & {"bad_timestamp", "bad_platform"}  # row 3 breaks on its date or its platform column
    assert ("bad_count", None) in [(c, loc) for c, loc, _ in rows]
    assert f"{export}:3" in [loc for _, loc, _ in rows]
    assert f"{export}:4" in [loc for _, loc, _ in rows]
    assert all(not str(code).startswith("kapital.csv") for code, _ in grouped)
    assert any(reason.startswith("kapital.csv:") for *_, reason in rows)  # the human text keeps its place


@pytest.mark.parametrize(("reason", "code"), [
    ("export.csv:12: unparseable timestamp '21.11.2026 14:05'; use ISO 8601", "bad_timestamp"),
    ("bank.csv:7: extra column rating must be int, not 'five'", "bad_extra"),
    ("timestamps.csv:3: empty or missing text", "empty_text"),
    ("export.csv:9: platform must be lowercase letters/digits/_, not 'google play'", "bad_platform"),
    ("created_at 2027-01-01T00:00:00+00:00 is in the future (collected 2026-11-20T00:00:00+00:00)",
     "future_timestamp"),
    ("text is empty; likes must be an integer from 0 to 2**63-1", "empty_text"),
    ("missing required field(s): created_at", "missing_field"),
    ("x tweet 17: missing created_at", "missing_timestamp"),
    ("export.jsonl:4: invalid JSON: Expecting value", "bad_json"),
    ("reddit search result is a list, not a post", "not_a_post"),
    ("b.csv:3: not valid utf-8: byte 0xff at column 4; re-export as UTF-8", "bad_encoding"),
    ("x.jsonl:2: text has a lone surrogate (\\ud83d at character 1): not valid Unicode", "bad_encoding"),
    ("a.csv:1: duplicate column 'text' in the header (columns 2 and 5)", "duplicate_field"),
    ("a.jsonl:4: duplicate JSON key 'likes': a reader would keep only one", "duplicate_field"),
    ("a.csv:5: unbalanced quote: the row starting on line 5 would run on to line 9", "bad_csv"),
    ("a.csv:6: created_at 0001-01-01 is before 2000-01-01, not a plausible post date", "bad_timestamp"),
    ("a.jsonl:1: id must be text or an integer, not list", "bad_id"),
    ("something nobody foresaw", "invalid"),
])
def test_reason_codes_are_derived_from_the_reason(reason: str, code: str) -> None:
    assert reason_code(reason) == code
    assert Rejected("s", reason, {}).reason_code() == code
    assert Rejected("s", reason, {}, code="too_long").reason_code() == "too_long"  # a producer's code wins


def test_old_quarantine_files_still_read(tmp_path: Path) -> None:
    old = pa.table({"quarantined_at": [T0], "run_id": ["r0"], "source": ["bank-csv"],
                    "reason": ["export.csv:2: unparseable timestamp '21.11.2026'"], "record": ["{}"]})
    target = tmp_path / "quarantine" / "date=2026-11-20" / "old.parquet"
    target.parent.mkdir(parents=True)
    pq.write_table(old, target)
    with pytest.raises(StorageError, match="voxpop migrate"):
        connect(tmp_path)
    migrate(tmp_path)
    with connect(tmp_path) as con:
        assert con.execute("SELECT reason_code, location, source FROM quarantine").fetchall() == [
            (None, None, "bank-csv")]
    store = MentionStore(tmp_path)
    store.quarantine([Rejected("bank-csv", "export.csv:3: empty or missing text", {"file": "e.csv", "line": 3})],
                     run_id="r1")
    with connect(tmp_path) as con:
        assert con.execute("SELECT reason_code, location FROM quarantine ORDER BY 1 NULLS FIRST").fetchall() == [
            (None, None), ("empty_text", "e.csv:3")]


def test_a_stored_record_clears_its_stale_quarantine_entry(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    bad_row = {"file": "/in/kapital.csv", "line": 3, "date": "21.11.2026 14:05",
               "text": BANK_TEXTS[1], "url": "https://play.example/r/1"}
    other = {"file": "/in/kapital.csv", "line": 4, "date": "", "text": BANK_TEXTS[2], "url": "https://play.example/r/2"}
    store.quarantine([Rejected("bank-csv", "kapital.csv:3: unparseable timestamp", bad_row),
                      Rejected("bank-csv", "kapital.csv:4: missing created_at", other),
                      Rejected("other-src", "x.csv:3: unparseable timestamp", bad_row)], run_id="r1")
    result = store.upsert([bank_rec(1, day=1, url="https://play.example/r/1")], source="bank-csv", run_id="r2")
    assert (result.inserted, result.resolved) == (1, 1)
    with connect(tmp_path) as con:
        left = con.execute("SELECT source, location FROM quarantine ORDER BY 1, 2").fetchall()
    assert left == [("bank-csv", "/in/kapital.csv:4"), ("other-src", "/in/kapital.csv:3")]
    rows = [json.loads(r) for f in store.quarantine_files() for r in pq.read_table(f)["record"].to_pylist()]
    assert len(rows) == 2


def test_readme_query_recipes_run_against_a_store(bank_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Querying it"):readme.index("The report's figures come from")]
    python = [b for b in re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL) if "DeltaTable" in b]
    assert python
    sql = [s.strip() for b in re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL) for s in b.split(";")
           if s.strip() and not all(line.strip().startswith("--") for line in s.strip().splitlines())]
    monkeypatch.chdir(bank_store.parent)
    (bank_store.parent / "voxpop-demo").mkdir()
    (bank_store.parent / "voxpop-demo" / "data").symlink_to(bank_store)
    for block in python:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - our own docs, run as written
    with connect(bank_store) as con:
        for query in sql:
            con.execute(query).fetchall()
    assert len(sql) >= 3


def test_a_record_with_odd_keys_is_quarantined_not_a_crash(tmp_path: Path) -> None:
    # A CSV row with more fields than its header comes back from csv with its surplus under the key None.
    odd = Rejected("reviews", "telco.csv:2: empty or missing text",
                   {"file": "telco.csv", "line": 2, "Дата;Отзыв": "01.11.2026;Bakcell", None: ["x", "y"], 3: {None: 1}})
    store = MentionStore(tmp_path / "d")
    assert store.quarantine_by_code([odd], run_id="r") == {"empty_text": 1}
    assert store.quarantine_by_code([odd], run_id="r") == {}  # the same record, once
    with connect(tmp_path / "d") as con:
        (record,) = con.execute("SELECT record FROM quarantine").fetchone()
    assert json.loads(record)["(extra fields)"] == ["x", "y"]
