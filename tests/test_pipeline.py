"""The pipeline without Prefect: dedupe, the store-then-cursor order, the error policy, topics (issue 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from core.config import Settings
from core.errors import StorageError, VoxpopError
from core.types import Rejected
from nlp import Scorer
from pipeline import (
    Deduper,
    ListenRun,
    LocalSteps,
    ScoredPage,
    StoredPage,
    refresh_topics,
    select_sources,
)
from storage import MentionStore, WriteResult, connect
from tests.conftest import KeywordSentiment
from tests.test_storage import rec
from tests.test_topics import _themed_records

ROOT = Path(__file__).resolve().parents[1]
ROWS = [  # three pages of two: a repeat inside the run, and one native id on two platforms
    {"id": "1", "platform": "x", "created_at": "2026-10-01T10:00:00Z", "text": "Narmart delivery late again"},
    {"id": "2", "platform": "x", "created_at": "2026-10-01T11:00:00Z", "text": "Tezbazar prices are bad"},
    {"id": "2", "platform": "x", "created_at": "2026-10-01T11:00:00Z", "text": "Tezbazar prices are bad"},
    {"id": "3", "platform": "reddit", "created_at": "2026-10-02T09:00:00Z", "text": "love Lumo, great app"},
    {"id": "1", "platform": "reddit", "created_at": "2026-10-02T10:00:00Z", "text": "Narmart is great"},
    {"id": "4", "platform": "x", "created_at": "2026-10-02T09:00:00Z", "text": "unrelated chatter"},
]

SOURCES = [{"name": "export", "type": "file", "options": {"path": "exports", "page_size": 2}}]


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer(sentiment=KeywordSentiment())


def _write(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


@pytest.fixture
def settings(tmp_path: Path, settings_factory: Any) -> Settings:
    (tmp_path / "exports").mkdir()
    _write(tmp_path / "exports" / "a.jsonl", ROWS)
    return settings_factory(sources=SOURCES, topics={"enabled": False})


def _run(settings: Settings, scorer: Scorer, store: MentionStore | None = None, **options: Any) -> ListenRun:
    return ListenRun(settings, store or MentionStore(settings.storage.path), lambda: scorer, run_id="test-run",
                     **options)


def _cursor(settings: Settings) -> dict[str, Any] | None:
    path = settings.storage.path / "state" / "cursors.json"
    return json.loads(path.read_text(encoding="utf-8")).get("export") if path.exists() else None


def test_the_pipeline_loads_neither_prefect_nor_the_layers_above_it() -> None:
    code = ("import sys, pipeline; above = sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'prefect', 'flows', 'voxpop'}); assert not above, above")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


# ---- dedupe --------------------------------------------------------------------------------------------


def test_dedupe_on_platform_and_native_id_across_pages_and_reruns(settings: Settings, scorer: Scorer) -> None:
    first = _run(settings, scorer).source("export")
    assert (first.pages, first.fetched, first.inserted, first.duplicates, first.no_brand) == (3, 6, 4, 1, 1)
    with connect(settings.storage.path) as con:
        ids = [r[0] for r in con.execute("SELECT mention_id FROM mentions ORDER BY 1").fetchall()]
    assert ids == ["reddit:1", "reddit:3", "x:1", "x:2"]  # x:1 and reddit:1 are two mentions

    assert _run(settings, scorer).source("export").fetched == 0  # the cursor skips the unchanged file
    (settings.storage.path / "state" / "cursors.json").unlink()
    again = _run(settings, scorer).source("export")
    assert (again.fetched, again.inserted, again.duplicates, again.refreshed) == (6, 0, 5, 0)
    assert MentionStore(settings.storage.path).count() == 4


def test_deduper_drops_repeats_and_splits_off_stored_rows(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    store.upsert([rec(1)])
    dedupe = Deduper(store)
    new, stored = dedupe([rec(1), rec(2), rec(2)])
    assert ([r["mention_id"] for r in new], [r["mention_id"] for r in stored]) == (["x:2"], ["x:1"])
    assert dedupe([rec(2), rec(3)])[0] == [rec(3)]  # x:2 was seen on an earlier page of this run


# ---- store, then cursor --------------------------------------------------------------------------------


class Recording:
    """Page steps that note each call, then run the real ones."""

    def __init__(self, local: LocalSteps, calls: list[str]) -> None:
        self.local = local
        self.calls = calls

    def score_page(self, records: list[dict[str, Any]], on_progress: Callable[[int], None] | None = None,
                   ) -> ScoredPage:
        self.calls.append("score")
        return self.local.score_page(records, on_progress)

    def store_page(self, page: ScoredPage, rejects: list[Rejected]) -> StoredPage:
        self.calls.append("store")
        return self.local.store_page(page, rejects)

    def save_cursor(self, cursor: dict[str, Any] | None) -> None:
        self.calls.append("cursor")
        self.local.save_cursor(cursor)


def test_each_page_is_stored_before_its_cursor_is_saved(settings: Settings, scorer: Scorer) -> None:
    calls: list[str] = []
    _run(settings, scorer, steps=lambda local: Recording(local, calls)).source("export")
    assert calls == ["score", "store", "cursor"] * 3


class FailingStore(MentionStore):
    """A store whose disk fails on every write of mentions."""

    def upsert(self, *args: Any, **kwargs: Any) -> WriteResult:
        raise StorageError("disk full")


def test_a_failed_write_leaves_the_cursor_unchanged(settings: Settings, scorer: Scorer, tmp_path: Path) -> None:
    _run(settings, scorer).source("export")
    saved = _cursor(settings)
    assert saved is not None
    _write(tmp_path / "exports" / "b.jsonl", [{"id": "9", "platform": "x", "created_at": "2026-10-03T09:00:00Z",
                                               "text": "Narmart courier lost my parcel"}])
    with pytest.raises(StorageError, match="disk full"):
        _run(settings, scorer, FailingStore(settings.storage.path)).source("export")
    assert _cursor(settings) == saved
    # The run's error policy: the failure is reported, the run itself ends normally.
    summary = _run(settings, scorer, FailingStore(settings.storage.path)).sources(["export"])
    assert summary[0].error == "disk full"
    assert _cursor(settings) == saved
    assert MentionStore(settings.storage.path).count() == 4
    # Healthy again: the new file is stored once, and only then does the cursor move on.
    done = _run(settings, scorer).source("export")
    assert (done.fetched, done.inserted) == (1, 1)
    assert _cursor(settings) != saved


# ---- the run: sources, error policy, progress, topics ---------------------------------------------------


class Events:
    """A ListenProgress that records what it was told."""

    def __init__(self) -> None:
        self.seen: list[tuple[Any, ...]] = []

    def source_started(self, source: str) -> None:
        self.seen.append(("source", source))

    def to_score(self, source: str, n: int) -> None:
        self.seen.append(("to_score", source, n))

    def scored(self, source: str, n: int) -> None:
        self.seen.append(("scored", source, n))

    def topics_started(self) -> None:
        self.seen.append(("topics",))

    def topics_finished(self) -> None:
        self.seen.append(("topics done",))


def test_run_reports_progress_and_summarises(settings: Settings, scorer: Scorer) -> None:
    events = Events()
    result = _run(settings, scorer, progress=events).run(select_sources(settings))
    assert (result["run_id"], result["total_stored"], result["topics"]) == ("test-run", 4, None)
    assert result["sources"][0]["inserted"] == 4
    assert events.seen[0] == ("source", "export")
    assert sum(e[2] for e in events.seen if e[0] == "to_score") == 4
    assert sum(e[2] for e in events.seen if e[0] == "scored") == 4


def test_unknown_or_no_sources_are_explained(settings: Settings, settings_factory: Any) -> None:
    with pytest.raises(VoxpopError, match=r"unknown source\(s\) \['nope'\]"):
        select_sources(settings, ["nope"])
    with pytest.raises(VoxpopError, match="no enabled sources"):
        select_sources(settings_factory())


def test_a_failing_topic_fit_keeps_the_data_and_fails_the_run(settings: Settings, scorer: Scorer, tmp_path: Path,
                                                               settings_factory: Any) -> None:
    with_topics = settings_factory(sources=SOURCES, topics={"enabled": True})
    events = Events()

    def broken(_settings: Settings, _store: MentionStore) -> dict[str, Any]:
        raise RuntimeError("no memory")

    result = _run(with_topics, scorer, progress=events, fit_topics=broken).run(["export"], raise_on_error=False)
    assert result["topics"] == {"error": "RuntimeError: no memory"}
    assert result["total_stored"] == 4
    assert events.seen[-2:] == [("topics",), ("topics done",)]
    # Nothing new, but the failed fit never completed: the next run tries again (issue 19) ...
    again = _run(with_topics, scorer, fit_topics=broken).run(["export"], raise_on_error=False)
    assert again["topics"] == {"error": "RuntimeError: no memory"}
    assert _run(with_topics, scorer).run(["export"])["topics"]["topics"] == []  # complete (no embeddings here)
    assert _run(with_topics, scorer, fit_topics=broken).run(["export"])["topics"] is None  # ... then no fit
    with pytest.raises(VoxpopError, match=r"^topics: RuntimeError: no memory$"):
        _run(with_topics, scorer, MentionStore(tmp_path / "other"), fit_topics=broken).run(["export"])
    assert MentionStore(tmp_path / "other").count() == 4


# ---- topics (moved from test_topics: they used to need the flow module) ----------------------------------


def test_refresh_topics_labels_the_window_and_keeps_older_labels(settings_factory: Any) -> None:
    settings = settings_factory(topics={"window_days": 28})
    store = MentionStore(settings.storage.path)
    start = datetime(2026, 10, 1, tzinfo=UTC)
    old = rec(500, created_at=start - timedelta(days=40), topic="an older topic")
    records, vecs = _themed_records(45, start)  # 135 mentions over 17 days
    store.upsert([old, *records], embeddings=vecs, encoder="enc")
    store.upsert([rec(600, created_at=start + timedelta(days=2))])  # no embedding: no topic
    summary = refresh_topics(settings, store)
    assert summary["start"] == "2026-10-01"
    assert (summary["mentions"], summary["embedded"]) == (136, 135)
    assert len(summary["topics"]) == 3
    assert summary["labelled"] == sum(t["size"] for t in summary["topics"]) > 120
    with connect(settings.storage.path) as con:
        got = dict(con.execute("SELECT mention_id, topic FROM mentions").fetchall())
        n_topics = con.execute("SELECT count(DISTINCT topic) FROM mentions WHERE mention_date >= '2026-10-01'"
                               ).fetchone()[0]
    assert got["x:500"] == "an older topic"
    assert got["x:600"] is None
    assert n_topics == 3
    # Same data, same labels.
    assert refresh_topics(settings, store)["topics"] == summary["topics"]


def test_refresh_topics_on_an_empty_store(settings_factory: Any) -> None:
    settings = settings_factory()
    summary = refresh_topics(settings, MentionStore(settings.storage.path))
    assert (summary["mentions"], summary["topics"]) == (0, [])


def test_refresh_topics_keeps_labels_when_nothing_is_found(settings_factory: Any) -> None:
    settings = settings_factory()
    store = MentionStore(settings.storage.path)
    records, vecs = _themed_records(5, datetime(2026, 10, 1, tzinfo=UTC))  # 15 mentions: too few
    store.upsert([{**r, "topic": "from an earlier fit"} for r in records], embeddings=vecs, encoder="enc")
    summary = refresh_topics(settings, store)
    assert (summary["embedded"], summary["labelled"], summary["topics"]) == (15, 0, [])
    with connect(settings.storage.path) as con:
        assert con.execute("SELECT DISTINCT topic FROM mentions").fetchall() == [("from an earlier fit",)]


class _FailsOnPoison(KeywordSentiment):
    """The model raises on one input, as a real tokenizer or head may on a text nobody foresaw."""

    def predict_proba(self, texts: Sequence[str]) -> Any:
        if any("POISON" in t for t in texts):
            raise RuntimeError("tokenizer blew up")
        return super().predict_proba(texts)


def test_a_row_the_model_cannot_score_is_quarantined_and_the_page_goes_on(tmp_path: Path,
                                                                           settings_factory: Any) -> None:
    (tmp_path / "exports").mkdir()
    rows = [*ROWS, {"id": "9", "platform": "x", "created_at": "2026-10-02T11:00:00Z", "text": "Narmart POISON"}]
    _write(tmp_path / "exports" / "a.jsonl", rows)
    settings = settings_factory(sources=SOURCES, topics={"enabled": False})
    store = MentionStore(settings.storage.path)
    summary = _run(settings, Scorer(sentiment=_FailsOnPoison()), store).run(["export"])
    with connect(settings.storage.path) as con:
        stored = {r[0] for r in con.execute("SELECT mention_id FROM mentions").fetchall()}
        quarantined = con.execute("SELECT reason_code, reason FROM quarantine").fetchall()
    assert "x:9" not in stored
    assert len(stored) == summary["sources"][0]["inserted"] > 0
    assert [code for code, _ in quarantined] == ["scoring_failed"]
    assert "tokenizer blew up" in quarantined[0][1]
    assert _cursor(settings) is not None  # the page was stored, so its cursor was saved
