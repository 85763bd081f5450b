"""The table engine under the store: one row per mention id across days, snapshot reads, stray folders.

Findings 2 and 5 of issue 19: a mention re-imported with a date on another UTC day was stored twice (dedupe
looked only in the incoming row's day file), a stray ``mention_date=2026-13-01`` folder duplicated rows and
crashed the views, and DuckDB readers failed while a writer replaced day files in place.
"""

from __future__ import annotations

import shutil
import threading
import time
from datetime import timedelta
from pathlib import Path

from storage import MentionStore, connect
from tests.test_storage import rec


def test_reimport_dated_one_utc_day_later_keeps_one_row_per_id(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    records = [rec(i, day_offset=i % 4) for i in range(200)]
    store.upsert(records, source="t", run_id="r1")
    later = [{**r, "created_at": r["created_at"] + timedelta(days=1)} for r in records]  # a local-date export
    again = store.upsert(later, source="t", run_id="r2")
    assert (again.inserted, again.updated) == (0, 200)
    assert store.count() == 200
    with connect(tmp_path) as con:
        assert con.execute("SELECT count(*), count(DISTINCT mention_id) FROM mentions").fetchone() == (200, 200)
        # newest wins, as for a re-import on the same day: the row now sits on its new day
        moved = con.execute("SELECT count(*) FROM mentions WHERE mention_date = CAST(created_at AS DATE)")
        assert moved.fetchone()[0] == 200
    assert store.known_ids((r["mention_id"], r["created_at"]) for r in later) == {r["mention_id"] for r in records}


def test_counts_refresh_finds_a_row_stored_on_another_day(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    store.upsert([rec(1)])
    assert store.refresh_counts([rec(1, day_offset=1, likes=40)]) == 1
    with connect(tmp_path) as con:
        assert con.execute("SELECT count(*), max(likes) FROM mentions").fetchone() == (1, 40)


def test_a_stray_partition_folder_neither_duplicates_nor_crashes(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    store.upsert([rec(i, day_offset=i % 2) for i in range(10)])
    stray = tmp_path / "mentions" / "mention_date=2026-13-01"
    stray.mkdir()
    shutil.copy(store.files()[0], stray / "part-0.parquet")  # a copy of real rows under an impossible date
    with connect(tmp_path) as con:
        assert con.execute("SELECT count(*), count(DISTINCT mention_id) FROM mentions").fetchone() == (10, 10)
    again = MentionStore(tmp_path)
    assert again.count() == 10
    assert [d.isoformat() for d in again.days()] == ["2026-10-24", "2026-10-25"]
    assert again.read(again.days()).num_rows == 10


def test_duckdb_readers_never_fail_while_a_writer_commits(tmp_path: Path) -> None:
    """A reader querying through ``connect`` while a writer upserts: 0 failed reads out of at least 200.

    Each upsert gives every row (three days) the same new ``likes``, so a read of one snapshot sees one value;
    a read that raises (a torn file) or mixes two writes (days replaced one by one) is a failed read.
    """
    store = MentionStore(tmp_path)
    records = [rec(i, day_offset=i % 3) for i in range(300)]
    store.upsert(records)
    stop = threading.Event()
    writes = 0

    def writer() -> None:
        nonlocal writes
        while not stop.is_set():
            store.upsert([{**r, "likes": writes + 1} for r in records])
            writes += 1
            time.sleep(0.25)  # leave the reader most of the interpreter: reads must be many

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    reads, failures = 0, []
    deadline = time.monotonic() + 25
    try:
        while (reads < 200 or writes < 10) and time.monotonic() < deadline:
            try:
                with connect(tmp_path) as con:
                    got = con.execute("SELECT count(*), count(DISTINCT mention_id), count(DISTINCT likes), "
                                      "max(length(text)) FROM mentions").fetchone()
                if got[:3] != (300, 300, 1):
                    failures.append(f"torn snapshot: {got[:3]}")
            except Exception as exc:  # noqa: BLE001 - counting every kind of failed read is the point
                failures.append(f"{type(exc).__name__}: {exc}"[:200])
            reads += 1
    finally:
        stop.set()
        thread.join(timeout=30)
    assert reads >= 200
    assert writes >= 10
    assert failures == [], f"{len(failures)} of {reads} reads failed, e.g. {failures[:3]}"
