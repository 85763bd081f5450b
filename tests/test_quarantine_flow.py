"""The listen run and `voxpop listen` as a CX lead sees them: quarantine reasons, and fixed rows leaving it."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import flows.listen as listen_mod
from flows.listen import listen
from nlp import Scorer
from storage import connect
from tests.conftest import KeywordSentiment
from voxpop import cli

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]

HEADER = "date,text,source,url,rating,author\n"
GOOD = (
    "2026-11-21T09:10:00Z,Kapital Bank tətbiqi yenə açılmır,google play,https://play.example/r/1,1,@elvin\n"
    "2026-11-21T10:00:00Z,Leobank çox rahatdır,app store,https://apps.example/r/2,5,@aysel\n"
    "2026-11-22T08:30:00Z,\"ABB: перевод завис, поддержка молчит\",google play,https://play.example/r/3,2,@oleg\n"
)
BAD_DATE = "2026-13-45 25:61,Kapital Bank komissiyası çox yüksəkdir,app store,https://apps.example/r/4,1,@leyla\n"
FIXED_DATE = "2026-11-23T14:05:00Z,Kapital Bank komissiyası çox yüksəkdir,app store,https://apps.example/r/4,1,@leyla\n"
EMPTY = "2026-11-23T15:00:00Z,,google play,https://play.example/r/5,3,@nigar\n"


@pytest.fixture
def bank(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    scorer = Scorer(sentiment=KeywordSentiment())
    monkeypatch.setattr(listen_mod, "get_scorer", lambda settings: scorer)
    (tmp_path / "kapital.csv").write_text(HEADER + GOOD + BAD_DATE + EMPTY, encoding="utf-8")
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text(
        "project: Kapital Bank CX\n"
        "brands: [{name: Kapital Bank, keywords: [Kapital Bank]}]\n"
        "competitors: [{name: ABB, keywords: [ABB]}, {name: Leobank, keywords: [Leobank]}]\n"
        "sources:\n  - {name: bank-csv, type: file, options: {path: kapital.csv}}\n"
        "storage: {path: data}\ntopics: {enabled: false}\n",
        encoding="utf-8",
    )
    return cfg


def test_a_fixed_row_leaves_the_quarantine(bank: Path) -> None:
    first = listen(config=str(bank))["sources"][0]
    assert (first["inserted"], first["quarantined"]) == (3, 2)
    assert first["quarantine_reasons"] == {"bad_timestamp": 1, "empty_text": 1}
    root = bank.parent / "data"
    with connect(root) as con:
        assert con.execute("SELECT reason_code, location FROM quarantine ORDER BY 1").fetchall() == [
            ("bad_timestamp", f"{bank.parent / 'kapital.csv'}:5"), ("empty_text", f"{bank.parent / 'kapital.csv'}:6")]
    (bank.parent / "kapital.csv").write_text(HEADER + GOOD + FIXED_DATE + EMPTY, encoding="utf-8")
    second = listen(config=str(bank))["sources"][0]
    assert second["inserted"] == 1
    assert second["quarantined"] == 0  # the empty row is still quarantined once, not twice
    with connect(root) as con:
        assert con.execute("SELECT reason_code FROM quarantine").fetchall() == [("empty_text",)]
        stored = con.execute("SELECT count(*) FROM mentions WHERE url = 'https://apps.example/r/4'").fetchone()
    assert stored == (1,)


def test_cli_prints_the_top_quarantine_reasons(bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (bank.parent / "kapital.csv").write_text(HEADER + GOOD + BAD_DATE + EMPTY + BAD_DATE.replace("r/4", "r/7"),
                                             encoding="utf-8")
    monkeypatch.setattr(cli.console, "width", 72)  # a narrow terminal used to show "quaran… 3"
    result = CliRunner().invoke(cli.app, ["listen", "-c", str(bank)])
    assert result.exit_code == 0, result.output
    assert "quarantined" in result.output
    assert "quaran…" not in result.output
    assert "bank-csv: quarantined 3: bad_timestamp 2, empty_text 1" in " ".join(result.output.split())
