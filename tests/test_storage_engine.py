"""The table engine under the store: one row per mention id across days, snapshot reads, contained damage.

Findings 2, 5 and 6 of issue 19: a mention re-imported with a date on another UTC day was stored twice
(dedupe looked only in the incoming row's day file), a stray ``mention_date=2026-13-01`` folder duplicated
rows and crashed the views, DuckDB readers failed while a writer replaced day files in place, and one
damaged file broke every query while flipped bytes read back as silently wrong numbers.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from datetime import timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest

from core.errors import StorageError
from storage import MentionStore, Rejected, connect
from tests.test_storage import T0, rec


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
    deadline = time.monotonic() + 180  # only against a hang: a loaded CI machine may need minutes for 200 reads
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


def test_a_truncated_day_file_breaks_no_other_day(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Finding 6: a truncated or emptied file broke every query and report; now it is left out, then set aside."""
    store = MentionStore(tmp_path)
    store.upsert([rec(i, day_offset=i % 3) for i in range(30)])
    damaged = store.partition_path(T0.date())
    damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
    (store.partition_path(T0.date() + timedelta(days=1))).write_bytes(b"")
    with caplog.at_level(logging.WARNING, logger="voxpop.storage"), connect(tmp_path) as con:
        assert con.execute("SELECT count(*), min(mention_date) FROM mentions").fetchone() == (10, T0.date()
                                                                                             + timedelta(days=2))
    assert sum("left out damaged" in r.getMessage() for r in caplog.records) == 2
    assert store.read(store.days()).num_rows == 10  # topics and rescore read what is intact
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="voxpop.storage"):
        assert MentionStore(tmp_path).recover() == 0
    lines = [r.getMessage() for r in caplog.records if "set aside" in r.getMessage()]
    assert len(lines) == 2
    assert all("\n" not in line and "re-run collection for 2026-10-2" in line for line in lines)
    aside = sorted((tmp_path / "damaged").rglob("*.reason.txt"))
    assert len(aside) == 2
    assert "truncated or overwritten" in aside[0].read_text(encoding="utf-8")
    assert store.days() == [T0.date() + timedelta(days=2)]
    assert store.upsert([rec(1)]).inserted == 1  # the day can be collected again
    with connect(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (11,)


def test_flipped_bytes_fail_loudly_instead_of_reading_wrong(tmp_path: Path) -> None:
    """Finding 6: two flipped bytes silently changed a sentiment_score; page checksums now catch them."""
    store = MentionStore(tmp_path)
    rng = np.random.default_rng(0)
    store.upsert([rec(i, sentiment_score=float(rng.uniform(-1, 1))) for i in range(200)] + [rec(500, day_offset=1)])
    path = store.partition_path(T0.date())
    good = pq.read_table(path, columns=["sentiment_score"]).column(0).to_pylist()
    meta = pq.ParquetFile(path).metadata.row_group(0)
    col = next(meta.column(i) for i in range(meta.num_columns) if meta.column(i).path_in_schema == "sentiment_score")
    at = (col.dictionary_page_offset or col.data_page_offset) + col.total_compressed_size // 2
    raw = bytearray(path.read_bytes())
    raw[at] ^= 0xFF
    raw[at + 1] ^= 0xFF
    path.write_bytes(bytes(raw))  # same size: only the checksum can tell
    unverified = pq.read_table(path, columns=["sentiment_score"]).column(0).to_pylist()
    assert unverified != good  # what a reader without checksums gets: other numbers, no error
    with connect(tmp_path) as con:
        with pytest.raises(duckdb.Error, match="CRC checksum verification failed"):
            con.execute("SELECT sum(sentiment_score) FROM mentions").fetchone()
        other = con.execute("SELECT count(*) FROM mentions WHERE mention_date = ?", [T0.date() + timedelta(days=1)])
        assert other.fetchone() == (1,)  # the damaged day's file is not even opened
    with pytest.raises(StorageError, match="Move the file aside"):
        store.read(store.days())


def test_a_garbled_quarantine_file_blocks_nothing(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    store.quarantine([Rejected("t", "bad", {"a": 1})], run_id="r")
    store.quarantine_files()[0].write_bytes(b"garbage")
    store.upsert([rec(1)], source="t")
    assert store.quarantine([Rejected("t", "worse", {"b": 2})], run_id="r") == 1
    with connect(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (1,)
        assert con.execute("SELECT reason FROM quarantine").fetchall() == [("worse",)]
