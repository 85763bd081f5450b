"""`voxpop rescore`: brand rules and scores re-applied to stored mentions, idempotent and resumable (issue 12/7)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import pipeline
from core.config import Settings, load_settings
from nlp import Scorer
from pipeline import NO_BRAND, RescoreSummary, parse_steps, rescore
from storage import MentionStore, connect
from tests.conftest import KeywordSentiment
from tests.factories import scored
from tests.test_topics import _themed_records  # its themed corpus, with vectors
from voxpop.cli import app

DAYS = [date(2026, 11, 13), date(2026, 11, 14), date(2026, 11, 15)]
TEXTS = [
    ("Kapital", False, "Kapital tətbiqi yenə açılmır, rezalet"),
    ("Kapital", False, "Капитал приложение ужас, не работает"),
    ("ABB", True, "ABB kartı ilə ödəniş keçmədi, bad"),
    ("ABB", True, "Abbas müəllim deyir ki, Kapital filialında növbə çox idi"),  # Kapital: stays, brand fixed
    ("ABB", True, "Abbas bey ile konuştuk, harika bir gün"),  # no brand once ABB$ holds: quarantined
    ("Leobank", True, "Leobank'dan köçürmə gəldi, thanks"),
]


def _config(tmp_path: Path, kapital: str = "Kapital Bank") -> Path:
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text(
        f"brands: [{{name: {kapital}, keywords: [Kapital, Капитал]}}]\n"
        "competitors: [{name: ABB, keywords: [ABB$]}, {name: Leobank, keywords: [Leobank]}]\n"
        "storage: {path: data}\ntopics: {enabled: false}\n",
        encoding="utf-8",
    )
    return cfg


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three days of bank mentions stored under the old rules: brand "Kapital", ABB matched as a prefix."""
    scorer = Scorer(sentiment=KeywordSentiment(), encoder=None)
    monkeypatch.setattr(pipeline, "get_scorer", lambda settings: scorer)  # what `voxpop rescore` loads
    cfg = _config(tmp_path)
    rows = [scored(10 * d + k, brand=brand, competitor=comp, day=day, sentiment="neutral", text=text, lang="und")
            for d, day in enumerate(DAYS) for k, (brand, comp, text) in enumerate(TEXTS)]
    MentionStore(tmp_path / "data").upsert(rows, source="test", run_id="old")
    return cfg


def _rescore(settings: Settings, **options: Any) -> RescoreSummary:
    """Rescore with the store and scorer `voxpop rescore` passes."""
    return rescore(settings, MentionStore(settings.storage.path), lambda: pipeline.get_scorer(settings), **options)


def _mentions(cfg: Path) -> list[tuple[Any, ...]]:
    with connect(cfg.parent / "data") as con:
        return con.execute("SELECT mention_id, brand, is_competitor, sentiment, model_version FROM mentions "
                           "ORDER BY mention_id").fetchall()


def test_rescore_renames_quarantines_and_then_changes_nothing(project: Path) -> None:
    settings = load_settings(project)
    first = _rescore(settings)
    assert (first.days, first.rows, first.removed) == (3, 18, 3)
    rows = _mentions(project)
    assert len(rows) == 15
    assert {r[1] for r in rows} == {"Kapital Bank", "ABB", "Leobank"}
    assert all(r[1] != "Kapital" for r in rows)
    by_id = {r[0]: r for r in rows}
    assert by_id["x:3"][1:3] == ("Kapital Bank", False)  # "Abbas müəllim ... Kapital": ABB no more
    assert by_id["x:0"][3] == "negative"
    assert by_id["x:0"][4].startswith("test-keywords+aspects-")  # the current scorer's version
    with connect(project.parent / "data") as con:
        quarantined = con.execute("SELECT reason_code, record FROM quarantine").fetchall()
    assert [r[0] for r in quarantined] == [NO_BRAND] * 3
    assert all("Abbas bey" in json.loads(r[1])["text"] for r in quarantined)  # the whole row, recoverable

    second = _rescore(settings)
    assert (second.changed, second.removed, second.renamed) == (0, 0, 0)
    assert _mentions(project) == rows
    result = CliRunner().invoke(app, ["rescore", "-c", str(project)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "nothing changed: 15 mentions on 3 days are up to date (brands, lang, sentiment, aspects)" in said


def test_a_loosened_rule_brings_quarantined_rows_back(project: Path) -> None:
    assert _rescore(load_settings(project)).removed == 3
    loose = project.parent / "voxpop.yaml"
    loose.write_text(loose.read_text(encoding="utf-8").replace("keywords: [ABB$]", "keywords: [ABB$, Abbas]"),
                     encoding="utf-8")
    back = _rescore(load_settings(loose))
    assert back.restored == 3
    rows = _mentions(loose)
    assert len(rows) == 18
    assert {r[1] for r in rows if r[0].endswith(("2", "12", "22"))} == {"ABB"}  # the Abbas rows, renamed
    with connect(project.parent / "data") as con:
        assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
    again = _rescore(load_settings(loose))
    assert (again.restored, again.changed, again.removed) == (0, 0, 0)


def test_renaming_a_brand_moves_its_rows(project: Path) -> None:
    _rescore(load_settings(project), steps=parse_steps("brands"))
    renamed = _config(project.parent, kapital="KapitalBank")
    summary = _rescore(load_settings(renamed), steps=("brands",))
    assert summary.renamed == 9
    assert {r[1] for r in _mentions(project)} == {"KapitalBank", "ABB", "Leobank"}
    assert {r[4] for r in _mentions(project)} == {"test"}  # brands only: the scores were not touched


def test_crash_after_first_day_resumes_without_duplicates(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(project)
    real = MentionStore.replace_rows
    calls = []

    def crash_on_second_day(self: MentionStore, day: date, *args: Any) -> int:
        calls.append(day)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process dies mid-run
        return real(self, day, *args)

    monkeypatch.setattr(MentionStore, "replace_rows", crash_on_second_day)
    with pytest.raises(KeyboardInterrupt):
        _rescore(settings)
    progress = json.loads((project.parent / "data" / "state" / "rescore.json").read_text(encoding="utf-8"))
    assert progress["done"] == [DAYS[0].isoformat()]
    monkeypatch.setattr(MentionStore, "replace_rows", real)

    again = _rescore(settings)
    assert (again.resumed, again.rows) == (1, 12)  # day 1 was not redone
    rows = _mentions(project)
    assert len(rows) == len({r[0] for r in rows}) == 15
    assert {r[1] for r in rows} == {"Kapital Bank", "ABB", "Leobank"}
    assert all(r[4] != "test" for r in rows)
    with connect(project.parent / "data") as con:
        assert con.execute("SELECT count(*) FROM quarantine WHERE reason_code = ?", [NO_BRAND]).fetchone()[0] == 3
    assert not (project.parent / "data" / "state" / "rescore.json").exists()
    assert _rescore(settings).changed == 0


def test_unknown_step_is_one_line(project: Path) -> None:
    result = CliRunner().invoke(app, ["rescore", "-c", str(project), "--only", "brands,moods"])
    assert result.exit_code == 2
    assert "unknown step(s) ['moods']" in result.output
    assert "Traceback" not in result.output


def test_topics_refit_on_the_range_only_writes_what_changed(settings_factory: Any) -> None:
    settings = settings_factory()
    store = MentionStore(settings.storage.path)
    records, vecs = _themed_records(45, datetime(2026, 10, 1, tzinfo=UTC))
    store.upsert(records, embeddings=vecs, encoder="enc")
    first = _rescore(settings, start=date(2026, 10, 1), end=date(2026, 10, 31), steps=("topics",))
    assert first.topics is not None
    assert len(first.topics["topics"]) == 3
    assert first.topics["changed"] > 120
    stamp = {p: p.stat().st_mtime_ns for p in store.files()}
    second = _rescore(settings, start=date(2026, 10, 1), end=date(2026, 10, 31), steps=("topics",))
    assert second.topics is not None
    assert second.topics["changed"] == 0
    assert {p: p.stat().st_mtime_ns for p in store.files()} == stamp  # nothing rewritten
