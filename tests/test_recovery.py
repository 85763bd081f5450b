"""Crash recovery completes the work (issue 19, findings 7 and 8): topics, temporaries, concurrent listens.

Without Prefect: the listen run is driven directly; a kill is simulated by a BaseException raised where the
process would have died, so nothing after that point runs (as with kill -9).
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.config import Settings
from nlp import Scorer
from pipeline import ListenBusyError, ListenLock, ListenRun, refresh_topics
from storage import MentionStore, connect
from tests.conftest import KeywordSentiment
from tests.test_topics import _themed_records

SOURCES = [{"name": "export", "type": "file", "options": {"path": "exports", "page_size": 50}}]
START = datetime(2026, 10, 1, tzinfo=UTC)


class Killed(BaseException):
    """Stands for kill -9: not an Exception, so no error policy catches it."""


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer(sentiment=KeywordSentiment())


@pytest.fixture
def settings(tmp_path: Path, settings_factory: Any) -> Settings:
    (tmp_path / "exports").mkdir()
    chatter = {"id": "c1", "platform": "x", "created_at": "2026-10-01T10:00:00Z", "text": "unrelated chatter"}
    (tmp_path / "exports" / "a.jsonl").write_text(json.dumps(chatter) + "\n", encoding="utf-8")  # stores nothing
    return settings_factory(sources=SOURCES, topics={"enabled": True})


@pytest.fixture
def no_topics(settings: Settings, settings_factory: Any) -> Settings:
    return settings_factory(sources=SOURCES, topics={"enabled": False})


def _run(settings: Settings, scorer: Scorer, store: MentionStore | None = None, **options: Any) -> ListenRun:
    return ListenRun(settings, store or MentionStore(settings.storage.path), lambda: scorer, run_id="test-run",
                     **options)


def _stored_pages(store: MentionStore) -> int:
    """What a run killed after storing its pages (before its cursor, before topics) leaves: rows, no topics."""
    records, vectors = _themed_records(45, START)  # 135 mentions on three themes, with embeddings
    return store.upsert(records, embeddings=vectors, encoder="enc").inserted


def _topics(settings: Settings) -> list[str | None]:
    with connect(settings.storage.path) as con:
        return [r[0] for r in con.execute("SELECT topic FROM mentions").fetchall()]


class KilledInFit(MentionStore):
    """A store whose process dies while the topic fit writes its labels."""

    def set_topics(self, labels: Mapping[str, str | None], days: Collection[date]) -> int:
        raise Killed


# ---- finding 7: topics lost after a crash ---------------------------------------------------------------


def test_rows_stored_before_a_kill_get_topics_on_the_next_run(settings: Settings, scorer: Scorer) -> None:
    store = MentionStore(settings.storage.path)
    assert _stored_pages(store) == 135  # killed after the last page, before its cursor and the topic fit
    result = _run(settings, scorer).run(["export"])  # stores nothing new ...
    assert result["sources"][0]["inserted"] == 0
    assert len((result["topics"] or {}).get("topics", [])) == 3  # ... and still refits
    labels = _topics(settings)
    assert sum(t is not None for t in labels) > 120
    watermark = json.loads((settings.storage.path / "state" / "topics.json").read_text(encoding="utf-8"))
    assert watermark["rows"] == 135
    # Up to date now: the next run without new rows does not refit ...
    assert _run(settings, scorer).run(["export"])["topics"] is None
    # ... but newer stored data (another writer, a rescore) does.
    store.upsert([{**_themed_records(1, START)[0][0], "mention_id": "x:new", "native_id": "new"}])
    assert _run(settings, scorer).run(["export"])["topics"] is not None


def test_a_fit_killed_midway_is_redone_by_the_next_run(settings: Settings, scorer: Scorer) -> None:
    _stored_pages(MentionStore(settings.storage.path))
    with pytest.raises(Killed):
        refresh_topics(settings, KilledInFit(settings.storage.path))  # the listen run's last step, killed
    assert not (settings.storage.path / "state" / "topics.json").exists()  # only a complete fit counts
    assert set(_topics(settings)) == {None}
    result = _run(settings, scorer).run(["export"])
    assert len((result["topics"] or {}).get("topics", [])) == 3
    assert sum(t is not None for t in _topics(settings)) > 120


def test_an_empty_store_needs_no_fit(settings: Settings, scorer: Scorer) -> None:
    assert _run(settings, scorer).run(["export"])["topics"] is None


# ---- finding 8: temporaries of killed writers ------------------------------------------------------------


def test_a_listen_sweeps_the_temporaries_of_killed_writers_at_once(no_topics: Settings, scorer: Scorer) -> None:
    store = MentionStore(no_topics.storage.path)
    _stored_pages(store)
    day = store.partition_path(START.date()).parent
    leftovers = [day / ".part-0.parquet.deadbeef0001.tmp",  # killed while merging a day file
                 store.embedding_path(START.date()).parent / ".part-0.parquet.deadbeef0002.tmp",
                 store.quarantine_dir / "date=2026-10-01" / ".0123456789abcdef0123.parquet.deadbeef0003.tmp"]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"half a file")  # fresh: seconds old, not an hour
    # Only listens write cursors.json and listen.json, under the listen lock: a dead listen's, whatever the age.
    leftovers += [store.state_dir / ".cursors.json.deadbeef0004.tmp", store.state_dir / ".listen.json.deadbeef0005.tmp"]
    state_tmp = store.state_dir / ".topics.json.deadbeef0006.tmp"  # state/ is also written under other locks
    for path in (*leftovers[-2:], state_tmp):
        path.write_text("{", encoding="utf-8")
    _run(no_topics, scorer).run(["export"])
    assert [p for p in leftovers if p.exists()] == []
    assert state_tmp.exists()  # could be a live writer's (rescore, `voxpop topics`): kept for an hour


# ---- finding 8: two listens at once ---------------------------------------------------------------------


class SlowSentiment(KeywordSentiment):
    """Counts the texts it scores; slow enough that a second listen starts while the first one scores."""

    def __init__(self) -> None:
        self.texts = 0
        self.scoring = threading.Event()

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        self.scoring.set()
        time.sleep(0.5)
        return super().predict_proba(texts)


def _export(settings: Settings, n: int) -> None:
    rows = [{"id": str(i), "platform": "x", "created_at": f"2026-10-01T10:{i:02d}:00Z", "text": f"Narmart late {i}"}
            for i in range(n)]
    (settings.storage.path.parent / "exports" / "a.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_a_second_listen_waits_for_the_first_and_scores_nothing_twice(
        no_topics: Settings, caplog: pytest.LogCaptureFixture) -> None:
    _export(no_topics, 20)
    sentiment = SlowSentiment()
    scorer = Scorer(sentiment=sentiment)
    results: dict[str, dict[str, Any]] = {}

    def listen(name: str) -> None:
        results[name] = _run(no_topics, scorer).run(["export"])

    first = threading.Thread(target=listen, args=("first",))
    first.start()
    assert sentiment.scoring.wait(60)
    with caplog.at_level(logging.WARNING, logger="voxpop.listen"):
        listen("second")  # starts while the first one scores
    first.join()
    assert sentiment.texts == 20  # each mention scored once
    assert results["first"]["sources"][0]["inserted"] == 20
    assert results["second"]["sources"][0]["fetched"] == 0  # the first one's cursor was saved by then
    root = no_topics.storage.path
    assert f"waiting for another listen on {root} (pid {os.getpid()})" in caplog.text


def test_a_second_listen_that_may_not_wait_stops_before_reading(no_topics: Settings, scorer: Scorer) -> None:
    _export(no_topics, 3)
    root = no_topics.storage.path
    with ListenLock(root):
        with pytest.raises(ListenBusyError, match=rf"^another listen on {re.escape(str(root))} is running "
                                                  rf"\(pid {os.getpid()}\)"):
            _run(no_topics, scorer, wait=False).run(["export"])
        assert MentionStore(root).count() == 0
        assert not (root / "state" / "cursors.json").exists()
    assert _run(no_topics, scorer, wait=False).run(["export"])["sources"][0]["inserted"] == 3  # free again
    assert not (root / "state" / "listen.json").exists()  # the holder's note goes with the lock
