"""Table engines under the store, compared in one run on the same generated mentions.

    python benchmarks/storage.py [--rows 20000] [--days 30] [--batch 500] [--race-seconds 15]

Three engines, each behind the same small interface (upsert an Arrow batch, open DuckDB on it):

- ``day files``: the writer voxpop had before issue 19 (one Parquet file per day, read, merged on
  mention_id within the day, rewritten to a temporary name and renamed into place, under a file lock;
  DuckDB reads a ``*/*.parquet`` glob). Kept here, trimmed to its write and read paths, as the baseline.
- ``delta-rs MERGE``: Delta Lake written by delta-rs itself (``DeltaTable.merge`` on mention_id, update
  all / insert all), read as ``DeltaTable.to_pyarrow_dataset()`` registered in DuckDB.
- ``voxpop Delta``: the store as it is now (storage/engine.py, storage/mentions.py): the Delta log kept by
  delta-rs, files written by pyarrow with page checksums, MERGE on mention_id across the table by the
  store, read through ``storage.connect``.

Measured: upsert throughput of new rows and of rows already stored (listen-sized batches in time order),
rows stored twice after re-importing 10% of the mentions dated one UTC day later, the time to open a
connection and run two report queries, bytes on disk (with retired files, then after a vacuum that keeps
none), and failed reads of a DuckDB reader process while a writer rewrites every row again and again.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from deltalake import DeltaTable, WriterProperties, write_deltalake
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.files import write_atomic  # noqa: E402
from core.layout import PARTITION_KEY, StoreLayout  # noqa: E402
from storage import MENTION_SCHEMA, SCHEMA_VERSION, connect  # noqa: E402
from storage.mentions import MentionRows  # noqa: E402
from storage.tables import day_values, mentions  # noqa: E402

ORDER = [("created_at", "ascending"), ("mention_id", "ascending")]
REPORT_SQL = [
    # the report's daily brand counts and its pain-point aspects, over the newest 30 days
    ("SELECT brand, mention_date, count(*) AS n, count(*) FILTER (sentiment = 'negative') AS negative, "
     "count(*) FILTER (is_pain_point) AS pain, avg(sentiment_score) AS score FROM mentions "
     "WHERE mention_date > (SELECT max(mention_date) FROM mentions) - INTERVAL 30 DAY GROUP BY ALL"),
    ("SELECT brand, aspect, count(*) AS n FROM (SELECT brand, unnest(aspects) AS aspect FROM mentions "
     "WHERE is_pain_point) GROUP BY ALL ORDER BY n DESC LIMIT 20"),
]
RACE_SQL = "SELECT count(*), count(DISTINCT mention_id), count(DISTINCT likes), max(length(text)) FROM mentions"


class DayFiles:
    """The writer voxpop had: one file per day, merged within the day, renamed into place."""

    name = "day files (before)"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "mentions"
        self.lock = FileLock(str(root / ".write.lock"))

    def upsert(self, table: pa.Table) -> None:
        days = day_values(table)
        with self.lock:
            for day in pc.unique(days).to_pylist():
                part = table.filter(pc.equal(days, day))
                path = self.folder / f"{PARTITION_KEY}={day}" / "part-0.parquet"
                if path.exists():
                    old = pq.read_table(path, schema=MENTION_SCHEMA)
                    keep = pc.invert(pc.is_in(old["mention_id"], value_set=part["mention_id"]))
                    part = pa.concat_tables([old.filter(keep), part])
                merged = part.sort_by(ORDER)
                write_atomic(path, lambda tmp, t=merged: pq.write_table(t, tmp, compression="zstd"))

    def connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        glob = str(self.folder / f"{PARTITION_KEY}=*" / "*.parquet")
        con.execute(f"CREATE VIEW mentions AS SELECT * FROM read_parquet('{glob}', hive_partitioning = true, "  # noqa: S608
                    f"hive_types = {{'{PARTITION_KEY}': DATE}}, union_by_name = true)")
        return con

    def vacuum(self) -> None:
        """Nothing to do: replaced files are gone at once."""


class DeltaRsMerge:
    """Delta Lake written by delta-rs: MERGE on mention_id, update all / insert all."""

    name = "delta-rs MERGE"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "mentions"
        self.lock = FileLock(str(root / ".write.lock"))
        self.props = WriterProperties(compression="ZSTD")

    def upsert(self, table: pa.Table) -> None:
        dated = table.append_column(pa.field(PARTITION_KEY, pa.date32(), nullable=False),
                                    pc.cast(pc.cast(table["created_at"], pa.timestamp("us")), pa.date32()))
        with self.lock:
            if not DeltaTable.is_deltatable(str(self.folder)):
                write_deltalake(str(self.folder), dated, partition_by=[PARTITION_KEY], writer_properties=self.props)
                return
            (DeltaTable(str(self.folder))
             .merge(dated, "t.mention_id = s.mention_id", source_alias="s", target_alias="t",
                    writer_properties=self.props)
             .when_matched_update_all().when_not_matched_insert_all().execute())

    def connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.register("mentions", DeltaTable(str(self.folder)).to_pyarrow_dataset())
        return con

    def vacuum(self) -> None:
        DeltaTable(str(self.folder)).vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)


class VoxpopDelta:
    """The store now: the Delta log by delta-rs, checksummed files and the MERGE by voxpop."""

    name = "voxpop Delta"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.table = mentions(StoreLayout.of(root))
        self.rows = MentionRows(self.table)
        (root / "state").mkdir(parents=True, exist_ok=True)
        self.lock = FileLock(str(root / "state" / ".write.lock"))  # the store's own lock file

    def upsert(self, table: pa.Table) -> None:
        with self.lock:
            self.rows.merge(table)

    def connect(self) -> duckdb.DuckDBPyConnection:
        return connect(self.root)

    def vacuum(self) -> None:
        DeltaTable(str(self.table.folder)).vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)


ENGINES: list[Callable[[Path], Any]] = [DayFiles, DeltaRsMerge, VoxpopDelta]


def generate(rows: int, days: int, seed: int = 0) -> pa.Table:
    """``rows`` scored mentions over ``days`` UTC days, in time order (as listen pages arrive)."""
    rng = np.random.default_rng(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    created = sorted(start + timedelta(seconds=int(s)) for s in rng.integers(0, days * 86_400, size=rows))
    brands = rng.choice(["Narmart", "Tezbazar", "Lumo"], size=rows).tolist()
    sentiment = rng.choice(["negative", "neutral", "positive"], size=rows).tolist()
    probs = rng.dirichlet([1, 1, 1], size=rows).astype(np.float32)
    words = ["kargo", "gecikdi", "çatdırılma", "доставка", "առաքում", "price", "qiymət", "bahalı", "app",
             "crash", "ödəniş", "refund", "super", "əla", "harika", "отлично", "rezalet", "ужас"]
    aspects = [list(rng.choice(["delivery", "price", "support", "app"], size=k, replace=False))
               for k in rng.choice(3, size=rows)]
    cols: dict[str, Any] = {
        "mention_id": [f"x:{i}" for i in range(rows)], "platform": ["x"] * rows,
        "native_id": [str(i) for i in range(rows)], "url": [f"https://x.com/i/web/status/{i}" for i in range(rows)],
        "created_at": created, "collected_at": [c + timedelta(hours=1) for c in created], "source": ["bench"] * rows,
        "brand": brands, "is_competitor": [b != "Narmart" for b in brands], "brands": [[b] for b in brands],
        "matched_terms": [[b] for b in brands], "author_hash": [f"{h:016x}" for h in rng.integers(0, 2**62, rows)],
        "author_handle": [None] * rows, "thread_id": [None] * rows, "parent_id": [None] * rows,
        "likes": rng.zipf(2.0, rows).clip(0, 10**6) - 1, "reposts": np.zeros(rows, np.int64),
        "replies": np.zeros(rows, np.int64), "views": [None] * rows,
        "lang": rng.choice(["az", "tr", "ru"], rows).tolist(), "lang_confidence": np.full(rows, 0.9, np.float32),
        "text": [" ".join(rng.choice(words, size=14)) + f" {b} #{i}" for i, b in enumerate(brands)],
        "sentiment": sentiment, "sentiment_score": probs[:, 2] - probs[:, 0], "sentiment_confidence": probs.max(1),
        "sentiment_probs": [{"positive": float(p[2]), "neutral": float(p[1]), "negative": float(p[0])} for p in probs],
        "aspects": aspects,
        "is_pain_point": [s == "negative" and bool(a) for s, a in zip(sentiment, aspects, strict=True)],
        "topic": [None] * rows, "model_version": ["bench"] * rows, "run_id": ["bench"] * rows,
        "schema_version": np.full(rows, SCHEMA_VERSION, np.int16), "extras": [None] * rows,
    }
    return pa.Table.from_pydict(cols, schema=MENTION_SCHEMA)


def with_likes(table: pa.Table, likes: int) -> pa.Table:
    """``table`` with every row's likes set to ``likes`` (a re-seen mention with new counts)."""
    idx = table.schema.get_field_index("likes")
    return table.set_column(idx, table.schema.field(idx), pa.array(np.full(table.num_rows, likes, np.int64)))


def folder_bytes(folder: Path) -> int:
    """Bytes of every file under ``folder``."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def reader(engine: str, root: str, seconds: float, out: Any) -> None:
    """Child process: open a connection and query it until ``seconds`` pass; report (reads, failed)."""
    eng = next(e for e in ENGINES if e.name == engine)(Path(root))
    reads = failed = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        reads += 1
        try:
            con = eng.connect()
            n, distinct, likes, _ = con.execute(RACE_SQL).fetchone()
            con.close()
            failed += (n != distinct) or likes != 1  # a snapshot holds every row once, all from one write
        except Exception:  # noqa: BLE001 - every failed read counts, whatever DuckDB raised
            failed += 1
    out.put((reads, failed))


def run(engine_cls: Any, data: pa.Table, batch: int, race_seconds: float, tmp: Path) -> dict[str, float]:
    """Every measurement for one engine, in a fresh folder."""
    root = tmp / engine_cls.__name__
    root.mkdir()
    eng = engine_cls(root)
    batches = [data.slice(i, batch) for i in range(0, data.num_rows, batch)]
    got: dict[str, float] = {}
    t0 = time.perf_counter()
    for b in batches:
        eng.upsert(b)
    got["new rows/s"] = data.num_rows / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    for b in batches:
        eng.upsert(with_likes(b, 7))
    got["re-upsert rows/s"] = data.num_rows / (time.perf_counter() - t0)
    tenth = data.slice(0, data.num_rows // 10)
    idx = tenth.schema.get_field_index("created_at")
    later = tenth.set_column(idx, tenth.schema.field(idx), pc.add(tenth["created_at"], pa.scalar(timedelta(days=1))))
    eng.upsert(later)
    con = eng.connect()
    n, distinct = con.execute("SELECT count(*), count(DISTINCT mention_id) FROM mentions").fetchone()
    con.close()
    got["stored twice (of 10% re-dated)"] = n - distinct
    timings = []
    for _ in range(7):
        t0 = time.perf_counter()
        con = eng.connect()
        for sql in REPORT_SQL:
            con.execute(sql).fetchall()
        con.close()
        timings.append(time.perf_counter() - t0)
    got["report queries ms"] = statistics.median(timings) * 1000
    got["disk MB, retired kept"] = folder_bytes(root / "mentions") / 1e6
    eng.vacuum()
    got["disk MB, vacuumed"] = folder_bytes(root / "mentions") / 1e6
    race = tmp / f"{engine_cls.__name__}-race"  # a clean table: no re-dated duplicates to confuse the reader
    race.mkdir()
    eng = engine_cls(race)
    eng.upsert(with_likes(data, 0))
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    child = ctx.Process(target=reader, args=(engine_cls.name, str(race), race_seconds, queue))
    child.start()
    writes = 0
    while child.is_alive():
        writes += 1
        eng.upsert(with_likes(data, writes))  # every row, every day, one upsert
    reads, failed = queue.get()
    child.join()
    got["failed reads under a writer"] = failed
    got["reads under a writer"] = reads
    got["writes during the race"] = writes
    return got


def main() -> None:
    """Run every engine on the same data and print one table with ratios to the day files."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--race-seconds", type=float, default=15)
    args = ap.parse_args()
    data = generate(args.rows, args.days)
    tmp = Path(tempfile.mkdtemp(prefix="voxpop-storage-bench-"))
    try:
        results = {e.name: run(e, data, args.batch, args.race_seconds, tmp) for e in ENGINES}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    base = results[DayFiles.name]
    names = [e.name for e in ENGINES]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}; {args.rows:,} mentions over {args.days} days, "
          f"batches of {args.batch}; {date.today()}")
    header = f"{'measure':34}" + "".join(f"{n:>20}" for n in names) + "".join(f"{'/ day files':>14}" for _ in names[1:])
    print(header)
    for key in base:
        row = f"{key:34}" + "".join(f"{results[n][key]:>20,.1f}" for n in names)
        ratios = [results[n][key] / base[key] if base[key] else float("nan") for n in names[1:]]
        print(row + "".join(f"{r:>14.2f}" for r in ratios))


if __name__ == "__main__":
    main()
