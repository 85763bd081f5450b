"""Stores written in the old day-file layout are refused until ``voxpop migrate`` converts them, once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from core.errors import StorageError
from storage import MentionStore, connect, migrate
from storage.schema import to_table
from tests.test_storage import T0, rec
from voxpop.cli import app


def write_old_layout(root: Path, records: Sequence[Mapping[str, Any]],
                     vectors: Mapping[str, np.ndarray] | None = None, quarantined: Sequence[str] = ()) -> None:
    """Write ``records`` as the store before the Delta tables did: one part-0.parquet per day, no log."""
    table = to_table(records)
    days = sorted({r["created_at"].astimezone(UTC).date() for r in records})
    for day in days:
        rows = [r for r in records if r["created_at"].astimezone(UTC).date() == day]
        folder = root / "mentions" / f"mention_date={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(to_table(rows), folder / "part-0.parquet", compression="zstd")
        if vectors:
            ids = [r["mention_id"] for r in rows if r["mention_id"] in vectors]
            matrix = np.stack([vectors[mid] for mid in ids]).astype(np.float16)
            old = pa.table({"mention_id": ids, "encoder": ["e5-test"] * len(ids),
                            "vector": pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel()), matrix.shape[1])})
            out = root / "embeddings" / f"mention_date={day.isoformat()}" / "part-0.parquet"
            out.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(old, out)
    pq.write_metadata(table.schema, root / "mentions" / "_common_metadata")
    for reason in quarantined:  # files of the first quarantine version: no reason_code, no location
        entry = pa.table({"quarantined_at": [T0], "run_id": ["r0"], "source": ["t"], "reason": [reason],
                          "record": [json.dumps({"text": reason})]})
        name = hashlib.sha256(reason.encode()).hexdigest()[:20]
        out = root / "quarantine" / "date=2026-10-24" / f"{name}.parquet"
        out.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(entry, out)


def _old_store(root: Path) -> list[dict[str, Any]]:
    records = [rec(i, day_offset=i % 3) for i in range(30)]
    # The old per-day dedupe stored these twice: re-imported a day later, collected an hour later.
    twice = [{**r, "created_at": r["created_at"] + timedelta(days=1), "likes": 99,
              "collected_at": r["collected_at"] + timedelta(hours=1)} for r in records[:5]]
    rng = np.random.default_rng(1)
    vectors = {r["mention_id"]: rng.normal(size=8).astype(np.float32) for r in records}
    write_old_layout(root, [*records, *twice], vectors, quarantined=["export.csv:2: bad date", "x: empty text"])
    stray = root / "mentions" / "mention_date=2026-13-01"
    stray.mkdir()
    (stray / "part-0.parquet").write_bytes((root / "mentions" / "mention_date=2026-10-24" / "part-0.parquet")
                                           .read_bytes())
    return records


def test_an_old_store_is_refused_in_one_line(tmp_path: Path) -> None:
    _old_store(tmp_path)
    for opening in (MentionStore, connect):
        with pytest.raises(StorageError, match=r"old day-file layout .*`voxpop migrate -c") as err:
            opening(tmp_path)
        assert "\n" not in str(err.value)


def test_migrate_converts_every_table_once(tmp_path: Path) -> None:
    records = _old_store(tmp_path)
    done = migrate(tmp_path)
    by_name = {t.name: t for t in done.tables}
    assert set(by_name) == {"mentions", "embeddings", "quarantine"}
    assert (by_name["mentions"].rows_before, by_name["mentions"].rows_after, by_name["mentions"].merged) == (35, 30, 5)
    assert [s.split(":")[0] for s in by_name["mentions"].skipped] == [
        str(tmp_path / "mentions" / "mention_date=2026-13-01" / "part-0.parquet")]
    assert by_name["quarantine"].rows_after == 2
    assert done.kept_in == tmp_path / "legacy"
    assert (tmp_path / "legacy" / "mentions" / "_common_metadata").exists()

    store = MentionStore(tmp_path)
    assert store.count() == 30
    with connect(tmp_path) as con:
        assert con.execute("SELECT count(*), count(DISTINCT mention_id) FROM mentions").fetchone() == (30, 30)
        moved = con.execute("SELECT likes, mention_date FROM mentions WHERE mention_id = 'x:0'").fetchone()
        assert moved == (99, (T0 + timedelta(days=1)).date())  # the newer copy won
        assert con.execute("SELECT count(*), count(reason_code) FROM quarantine").fetchone() == (2, 0)
        assert con.execute("SELECT count(DISTINCT mention_id), max(len(vector)) FROM embeddings").fetchone() == (30, 8)
    emb = store.embeddings(store.days())
    assert len(emb.ids) == 30
    assert emb.encoder == "e5-test"
    assert emb.vectors.dtype == np.float32
    assert store.upsert([rec(100)]).inserted == 1  # the converted store takes writes
    versions = {name: len(list((tmp_path / name / "_delta_log").glob("*.json"))) for name in by_name}

    again = migrate(tmp_path)
    assert again.tables == []
    assert {name: len(list((tmp_path / name / "_delta_log").glob("*.json"))) for name in by_name} == versions
    assert MentionStore(tmp_path).count() == 31
    stored = MentionStore(tmp_path).read(store.days())["mention_id"].to_pylist()
    assert {r["mention_id"] for r in records} <= set(stored)


def test_migrate_finishes_a_run_that_died_between_its_renames(tmp_path: Path) -> None:
    _old_store(tmp_path)
    migrate(tmp_path)
    (tmp_path / ".migrating").mkdir()
    (tmp_path / "mentions").replace(tmp_path / ".migrating" / "mentions")  # as if killed before the 2nd rename
    assert migrate(tmp_path).tables == []
    assert MentionStore(tmp_path).count() == 30
    assert not (tmp_path / ".migrating").exists()


def test_migrate_command(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _old_store(data)
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text("project: T\nbrands: [{name: Narmart, keywords: [Narmart]}]\nstorage: {path: data}\n",
                   encoding="utf-8")
    refused = CliRunner().invoke(app, ["query", "-c", str(cfg), "SELECT count(*) FROM mentions"])
    assert refused.exit_code == 2
    assert "old day-file layout" in refused.output
    assert "Traceback" not in refused.output
    first = CliRunner().invoke(app, ["migrate", "-c", str(cfg)])
    assert first.exit_code == 0, first.output
    assert "mentions: 35 rows in 4 day files -> 30 rows (5 stored twice, now once)" in first.output
    assert "skipped" in first.output
    assert str(data / "legacy") in first.output
    again = CliRunner().invoke(app, ["migrate", "-c", str(cfg)])
    assert again.exit_code == 0
    assert "already in the Delta layout" in again.output
    query = CliRunner().invoke(app, ["query", "-c", str(cfg), "SELECT count(*) FROM mentions", "-f", "csv"])
    assert query.output.splitlines()[-1] == "30"


def test_an_empty_or_new_store_needs_no_migration(tmp_path: Path) -> None:
    assert migrate(tmp_path / "nothing").tables == []
    store = MentionStore(tmp_path / "fresh")
    store.upsert([rec(1)])
    assert migrate(tmp_path / "fresh").tables == []
    assert MentionStore(tmp_path / "fresh").count() == 1
