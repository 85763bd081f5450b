from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from core.errors import StorageError
from storage import MENTION_SCHEMA, SCHEMA_VERSION, CursorStore, MentionStore, Rejected, connect, validate_record
from storage import store as store_mod

T0 = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)


def rec(i: int, day_offset: int = 0, **over: Any) -> dict[str, Any]:
    base = {
        "mention_id": f"x:{i}", "platform": "x", "native_id": str(i), "url": f"https://x.com/u/status/{i}",
        "created_at": T0 + timedelta(days=day_offset, minutes=i), "collected_at": T0 + timedelta(days=30),
        "source": "t", "brand": "Narmart", "is_competitor": False, "brands": ["Narmart"],
        "matched_terms": ["Narmart"], "author_hash": "abc", "author_handle": None, "thread_id": None,
        "parent_id": None, "likes": 1, "reposts": 0, "replies": 0, "views": None, "lang": "en",
        "lang_confidence": 0.9, "text": f"Narmart post {i}", "sentiment": "negative", "sentiment_score": -0.5,
        "sentiment_confidence": 0.7, "sentiment_probs": {"positive": 0.1, "neutral": 0.2, "negative": 0.7},
        "aspects": ["delivery"], "is_pain_point": True, "topic": None, "model_version": "m", "run_id": "r1",
    }
    return base | over


def test_schema_is_versioned_and_documented() -> None:
    assert MENTION_SCHEMA.metadata[b"voxpop.schema_version"] == str(SCHEMA_VERSION).encode()
    for field in MENTION_SCHEMA:
        assert field.metadata
        assert field.metadata[b"description"]
    required = {"mention_id", "platform", "native_id", "url", "created_at", "collected_at", "brand", "is_competitor",
                "matched_terms", "author_hash", "likes", "reposts", "replies", "lang", "lang_confidence", "text",
                "sentiment", "sentiment_score", "sentiment_probs", "aspects", "is_pain_point", "topic",
                "model_version", "run_id"}
    assert required <= set(MENTION_SCHEMA.names)


def test_upsert_is_idempotent_and_partitioned(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    records = [rec(i, day_offset=i % 3) for i in range(30)]
    first = store.upsert(records, source="t", run_id="r1")
    assert (first.inserted, first.updated) == (30, 0)
    assert sorted(first.partitions) == ["2026-10-24", "2026-10-25", "2026-10-26"]
    again = store.upsert(records, source="t", run_id="r2")
    assert (again.inserted, again.updated) == (0, 30)
    assert store.count() == 30
    files = store.files()
    assert [f.parent.name for f in files] == ["mention_date=2026-10-24", "mention_date=2026-10-25",
                                              "mention_date=2026-10-26"]
    with connect(tmp_path) as con:
        assert con.execute("SELECT count(*), count(DISTINCT mention_id) FROM mentions").fetchone() == (30, 30)
        assert con.execute("SELECT typeof(mention_date) FROM mentions LIMIT 1").fetchone()[0] == "DATE"


def test_upsert_newest_wins_and_in_batch_duplicates_collapse(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    store.upsert([rec(1)])
    store.upsert([rec(1, likes=5), rec(1, likes=9), rec(2)])
    with connect(tmp_path) as con:
        rows = con.execute("SELECT mention_id, likes FROM mentions ORDER BY 1").fetchall()
    assert rows == [("x:1", 9), ("x:2", 1)]


def test_invalid_records_are_quarantined_with_reason(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    bad = [rec(1, text="   "), rec(2, sentiment="angry"), rec(3, created_at=None), rec(4, mention_id="4"),
           rec(5, likes=-1), rec(6, sentiment_probs={"positive": 0.9, "neutral": 0.9, "negative": 0.1})]
    result = store.upsert([*bad, rec(7)], source="t", run_id="r9")
    assert (result.inserted, result.quarantined) == (1, 6)
    with connect(tmp_path) as con:
        reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine ORDER BY record").fetchall()]
        raw = con.execute("SELECT record FROM quarantine LIMIT 1").fetchone()[0]
    assert any("text is empty" in r for r in reasons)
    assert any("sentiment must be one of" in r for r in reasons)
    assert any("missing required field(s): created_at" in r for r in reasons)
    assert any("mention_id must be" in r for r in reasons)
    assert any("likes must be" in r for r in reasons)
    assert any("sentiment_probs" in r for r in reasons)
    assert json.loads(raw)["source"] == "t"
    assert validate_record(rec(8)) is None


def test_crash_during_write_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = MentionStore(tmp_path)
    store.upsert([rec(1), rec(2)])
    path = store.partition_path(T0.date())
    before = path.read_bytes()

    def dying_write(table: Any, where: Any, **kwargs: Any) -> None:
        Path(where).write_bytes(b"PAR1 half a file")  # partial output, then the process "dies"
        raise OSError("disk full")

    monkeypatch.setattr(store_mod.pq, "write_table", dying_write)
    with pytest.raises(OSError, match="disk full"):
        store.upsert([rec(3)])
    assert path.read_bytes() == before
    assert not list(tmp_path.rglob("*.tmp"))
    monkeypatch.undo()
    assert MentionStore(tmp_path).count() == 2


def test_killed_writer_leftovers_are_invisible_and_swept(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    store.upsert([rec(1)])
    leftover = store.partition_path(T0.date()).parent / ".part-0.parquet.deadbeef.tmp"
    leftover.write_bytes(b"garbage from a killed process")
    with connect(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == 1
    state_tmp = tmp_path / "state" / ".cursors.json.deadbeef.tmp"  # state/ is written under other locks
    state_tmp.write_text("{", encoding="utf-8")
    # Day files are only written under the writer lock recover() holds: that writer is dead (issue 19).
    assert MentionStore(tmp_path).recover() == 1
    assert not leftover.exists()
    assert state_tmp.exists()  # could be a live writer's file: kept for an hour
    assert MentionStore(tmp_path).recover(min_age_seconds=0) == 1
    assert not state_tmp.exists()


def test_corrupt_partition_gives_actionable_error(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    store.upsert([rec(1)])
    store.partition_path(T0.date()).write_bytes(b"not parquet")
    with pytest.raises(StorageError, match="Move the file aside"):
        store.upsert([rec(2)])


def test_known_ids_reads_only_needed_partitions(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    store.upsert([rec(1), rec(2, day_offset=1)])
    found = store.known_ids([("x:1", T0), ("x:2", T0 + timedelta(days=1)), ("x:3", T0)])
    assert found == {"x:1", "x:2"}


def test_written_files_carry_schema_version(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    store.upsert([rec(1)])
    meta = pq.read_schema(store.files()[0]).metadata
    assert meta[b"voxpop.schema_version"] == str(SCHEMA_VERSION).encode()


def test_empty_dataset_has_typed_views(tmp_path: Path) -> None:
    with connect(tmp_path) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == 0
        cols = [r[0] for r in con.execute("DESCRIBE mentions").fetchall()]
        assert "sentiment_probs" in cols
        assert "mention_date" in cols
        assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0


def test_cursor_store_roundtrip_and_corruption(tmp_path: Path) -> None:
    cursors = CursorStore(tmp_path)
    assert cursors.get("x") is None
    cursors.save("x", {"since_id": "5"})
    cursors.save("y", {"files": {}})
    cursors.save("z", None)
    assert CursorStore(tmp_path).get("x") == {"since_id": "5"}
    assert CursorStore(tmp_path).get("z") is None
    (tmp_path / "cursors.json").write_text("[1]", encoding="utf-8")  # JSON, but not {source: cursor}
    with pytest.raises(StorageError, match="delete it to re-collect"):
        cursors.get("x")


def test_a_garbled_cursor_file_is_set_aside_and_collection_starts_over(tmp_path: Path,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    state = tmp_path / "store" / "state"
    cursors = CursorStore(state)
    cursors.save("x", {"since_id": "5"})
    (state / "cursors.json").write_bytes(b'{"x": {"since_id": "5"')  # torn by a crash or a disk fault
    assert cursors.get("x") is None  # every source starts over; stored mentions are deduped on the re-run
    assert not (state / "cursors.json").exists()
    aside = list((tmp_path / "store" / "damaged" / "state").glob("cursors-*.json"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == b'{"x": {"since_id": "5"'  # kept as it was, for whoever investigates
    assert "JSONDecodeError" in aside[0].with_name(aside[0].name + ".reason.txt").read_text(encoding="utf-8")
    assert "set aside" in caplog.text
    cursors.save("x", {"since_id": "9"})
    assert CursorStore(state).get("x") == {"since_id": "9"}


def test_quarantine_direct(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    assert store.quarantine([], run_id="r") == 0
    n = store.quarantine([Rejected("s", "bad", {"a": 1})], run_id="r")
    assert n == 1
    assert len(store.quarantine_files()) == 1


def test_quarantine_is_idempotent(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    rejects = [Rejected("s", "bad", {"a": 1}), Rejected("s", "worse", {"b": 2})]
    assert store.quarantine(rejects, run_id="r1") == 2
    assert store.quarantine(rejects, run_id="r2") == 0  # a retried task or re-read export
    assert len(store.quarantine_files()) == 1


def test_future_dates_and_huge_counts_are_quarantined(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    result = store.upsert([rec(1, created_at=T0 + timedelta(days=400)), rec(2, likes=2**64), rec(3, views=-1),
                           rec(4)])
    assert (result.inserted, result.quarantined) == (1, 3)
    with connect(tmp_path) as con:
        reasons = " ".join(r[0] for r in con.execute("SELECT reason FROM quarantine").fetchall())
    assert "in the future" in reasons
    assert "likes must be an integer" in reasons
    assert "views must be an integer" in reasons


def test_corrupt_partition_in_dedupe_lookup_is_explained(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    store.upsert([rec(1)])
    store.partition_path(T0.date()).write_bytes(b"not parquet")
    with pytest.raises(StorageError, match="Move the file aside"):
        store.known_ids([("x:1", T0)])


def test_refresh_counts_updates_only_engagement_of_stored_rows(tmp_path: Path) -> None:
    store = MentionStore(tmp_path)
    store.upsert([rec(1), rec(2, views=7), rec(3, day_offset=1)])
    day1 = store.partition_path(T0.date())
    before = day1.stat().st_mtime_ns
    # Unchanged counts, an unknown id and an invalid count rewrite nothing.
    assert store.refresh_counts([rec(1), rec(9), rec(2, likes=-4)]) == 0
    assert day1.stat().st_mtime_ns == before
    changed = store.refresh_counts([rec(1, likes=12, replies=3, text="edited", sentiment="positive"),
                                    rec(2, likes=5, views=None), rec(3, day_offset=1, reposts=2)])
    assert changed == 3
    with connect(tmp_path) as con:
        rows = con.execute("SELECT mention_id, likes, reposts, replies, views, text, sentiment FROM mentions "
                           "ORDER BY mention_id").fetchall()
    assert rows == [("x:1", 12, 0, 3, None, "Narmart post 1", "negative"),
                    ("x:2", 5, 0, 0, 7, "Narmart post 2", "negative"),
                    ("x:3", 1, 2, 0, None, "Narmart post 3", "negative")]
    assert store.count() == 3
