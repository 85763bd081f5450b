"""A store written before the ``rating`` column (contract version 2) opens, upgrades and reports, losing nothing.

``tests/fixtures/store_v2`` was written by the code of that version (``tests/fixtures/make_store_v2.py``);
every test works on a copy, so the committed fixture never changes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.dataset as ds
import pytest
from deltalake import DeltaTable
from typer.testing import CliRunner

from reports import build_report
from storage import SCHEMA_VERSION, MentionStore, connect
from storage import upgrade as upgrade_mod
from voxpop.cli import app

FIXTURE = Path(__file__).parent / "fixtures" / "store_v2"
TAXONOMY = {"delivery": {"labels": {"en": "Delivery"}, "cx_area": "Shipping and delivery"}}


def _raw_rows(root: Path) -> dict[str, dict]:
    """The fixture's mentions as its files hold them, read without voxpop (what must survive)."""
    files = [str(root / "mentions" / f) for f in DeltaTable(str(root / "mentions")).file_uris()]
    table = ds.dataset(files, format="parquet").to_table()
    return {r["mention_id"]: r for r in table.to_pylist()}


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(FIXTURE, root)
    return root


def test_the_fixture_is_a_version_2_store() -> None:
    assert SCHEMA_VERSION == 3
    assert "rating" not in DeltaTable(str(FIXTURE / "mentions")).schema().to_arrow().names
    rows = _raw_rows(FIXTURE)
    assert len(rows) == 60
    assert {r["schema_version"] for r in rows.values()} == {2}


def test_opening_upgrades_once_and_keeps_every_row(old_store: Path) -> None:
    before = _raw_rows(old_store)
    store = MentionStore(old_store)
    up = store.upgraded
    assert up.columns == ["rating"]
    assert (up.rows, up.ratings_filled, up.ratings_unparsed) == (60, 19, ["nine"])
    assert "rating" in DeltaTable(str(old_store / "mentions")).schema().to_arrow().names
    assert "contract version 3" in DeltaTable(str(old_store / "mentions")).metadata().description
    version = DeltaTable(str(old_store / "mentions")).version()
    assert MentionStore(old_store).upgraded.columns == []  # once: a second open changes nothing
    assert DeltaTable(str(old_store / "mentions")).version() == version

    with connect(old_store) as con:
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT mention_id, rating, extras, schema_version, text, likes, sentiment FROM mentions").fetchall()}
        assert con.execute("SELECT count(*) FROM embeddings").fetchone()[0] == 60
        assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1
    assert set(rows) == set(before)
    for mid, (rating, extras, version, text, likes, sentiment) in rows.items():
        old = before[mid]
        assert (text, likes, sentiment, version) == (old["text"], old["likes"], old["sentiment"], 2)
        stars = dict(old["extras"] or []).get("rating")
        assert (dict(extras) if extras else None) == (dict(old["extras"]) if old["extras"] else None)
        assert rating == (int(stars) if stars and stars.isdigit() else None), mid
    assert rows["app_store:1203"][0] is None  # "nine" stays in extras only
    assert store.upsert([]).inserted == 0
    assert store.count() == 60


def test_a_reader_alone_upgrades_and_the_report_shows_csat(old_store: Path, tmp_path: Path) -> None:
    with connect(old_store, corrected=True) as con:
        assert con.execute("SELECT count(rating) FROM mentions").fetchone()[0] == 19
        files = build_report(con, out_dir=tmp_path / "out", project="Old store", taxonomy=TAXONOMY, days=14,
                             brands=["Narmart"], competitors=["Tezbazar"])
    html = files.trend.read_text(encoding="utf-8")
    assert "Star ratings (CSAT)" in html
    assert "12% <span class=\"meta\">(8 ratings)</span>" in html  # Narmart, last two weeks: 1 of 8 rated 4-5
    assert "88% <span class=\"meta\">(8 ratings)</span>" in html  # the two weeks before: 7 of 8
    assert "Narmart: CSAT 12% from 8 ratings in this period (previous period 88%)" in html
    assert "| Tezbazar | 67% (3 ratings) | — |" in files.summary


def test_voxpop_migrate_reports_the_upgrade(old_store: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text(f"project: T\nbrands: [{{name: Narmart, keywords: [Narmart]}}]\nstorage: {{path: {old_store}}}\n",
                   encoding="utf-8")
    first = CliRunner().invoke(app, ["migrate", "-c", str(cfg)])
    assert first.exit_code == 0, first.output
    assert "60 rows upgraded to the current contract (added rating; 19 ratings filled from extras, 1 not a 1-5" \
           in " ".join(first.output.split())
    again = CliRunner().invoke(app, ["migrate", "-c", str(cfg)])
    assert "nothing to do" in again.output
    query = CliRunner().invoke(app, ["query", "-c", str(cfg), "SELECT count(*), count(rating) FROM mentions",
                                     "-f", "csv"])
    assert query.exit_code == 0, query.output
    assert query.output.splitlines()[-1] == "60,19"


def test_an_old_store_that_cannot_be_written_is_read_as_it_is(old_store: Path, monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    def read_only(*_: object) -> None:
        raise PermissionError(13, "Permission denied", str(old_store / "mentions"))

    monkeypatch.setattr(upgrade_mod, "_upgrade", read_only)  # what a read-only mount does to the rewrite
    with connect(old_store) as con:
        assert con.execute("SELECT count(*), count(rating) FROM mentions").fetchone() == (60, 0)
    assert "cannot upgrade the store to the current contract" in caplog.text
    assert "rating" not in DeltaTable(str(old_store / "mentions")).schema().to_arrow().names
