"""The day-file layout of stores written before the Delta tables, and its one-time migration.

Before, each table was a folder of Hive partitions holding one ``part-0.parquet`` per day (quarantine:
``date=<day>/<hash>.parquet``), rewritten in place, with no log. ``migrate`` converts such a store into
the Delta tables idempotently: it builds each table in a staging folder, merges rows that the old
per-day dedupe stored twice (newest ``collected_at`` wins), then swaps the folders and keeps the old ones
under ``legacy/``. A crash at any point leaves either the old layout or the new one; run it again.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from core.errors import StorageError
from core.layout import PARTITION_KEY, StoreLayout
from storage import tables
from storage.engine import LOG_DIR, Table
from storage.objects import store_lock
from storage.schema import MENTION_SCHEMA, QUARANTINE_SCHEMA, embedding_schema
from storage.upgrade import Upgrade, fill_ratings, upgrade

_ORDER = {"mentions": [("created_at", "ascending"), ("mention_id", "ascending")],
          "embeddings": [("mention_id", "ascending")], "quarantine": [("quarantined_at", "ascending")]}
STAGING = ".migrating"
LEGACY = "legacy"


@dataclass
class TableMigration:
    """What the migration did to one table."""

    name: str
    files: int = 0  # old files converted
    rows_before: int = 0
    rows_after: int = 0
    skipped: list[str] = field(default_factory=list)  # old files not converted, with why

    @property
    def merged(self) -> int:
        """Rows the old layout held twice (or more) under one id, now one."""
        return self.rows_before - self.rows_after


@dataclass
class Migration:
    """What ``migrate`` did; ``tables`` is empty when the store was already in the new layout."""

    root: Path
    tables: list[TableMigration] = field(default_factory=list)
    kept_in: Path | None = None  # where the old folders now lie
    upgrade: Upgrade | None = None  # the Delta store brought to the current contract (storage.upgrade)


def _keys(name: str) -> str:
    return tables.QUARANTINE_KEY if name == "quarantine" else PARTITION_KEY


def legacy_files(layout: StoreLayout) -> dict[str, list[Path]]:
    """Old-layout data files per table folder that has no Delta log (empty when there is nothing to migrate)."""
    found: dict[str, list[Path]] = {}
    if layout.remote:  # the old layout only ever lived on local disk
        return found
    for name, table in tables.all_tables(layout).items():
        if table.exists():
            continue
        # Old names: part-0.parquet per day, <hash>.parquet in the quarantine; the engine writes part-<id>.parquet
        # (a table whose first commit never happened has only those, and is no old store).
        files = sorted(p for p in table.folder.glob(f"{_keys(name)}=*/*.parquet")
                       if p.name == "part-0.parquet" or (name == "quarantine" and not p.name.startswith("part-")))
        if files:
            found[name] = files
    return found


def refuse_old_layout(layout: StoreLayout) -> None:
    """Raise a one-line StorageError when ``layout`` still holds the old day-file layout."""
    old = legacy_files(layout)
    if old:
        n = sum(len(v) for v in old.values())
        raise StorageError(f"{layout.root} is in the old day-file layout ({n} files in {', '.join(old)}); "
                           "convert it once with `voxpop migrate -c <your config>`")


def migrate(root: str | Path) -> Migration:
    """Convert the old layout under ``root`` into Delta tables, then to the current contract; idempotent."""
    layout = StoreLayout.of(root)
    result = Migration(root=layout.root)
    if layout.remote:  # the old layout only ever lived on local disk: nothing to convert in a bucket
        return result
    with store_lock(layout.state / ".write.lock"):
        for name, table in tables.all_tables(layout).items():
            staging = layout.root / STAGING / name
            if not table.folder.exists() and (staging / LOG_DIR).is_dir():
                staging.replace(table.folder)  # a run that died between its two renames
        for name, files in legacy_files(layout).items():
            table = tables.all_tables(layout)[name]
            staging = layout.root / STAGING / name
            shutil.rmtree(staging, ignore_errors=True)  # a run that died while building it
            report = TableMigration(name=name)
            _build(Table(staging, table.schema, table.partition, table.description), name, files, report)
            kept = _free(layout.root / LEGACY / name)
            kept.parent.mkdir(parents=True, exist_ok=True)
            table.folder.replace(kept)
            staging.replace(table.folder)
            result.tables.append(report)
            result.kept_in = kept.parent
        shutil.rmtree(layout.root / STAGING, ignore_errors=True)
    result.upgrade = upgrade(layout.root)  # after the lock above: it takes the same one
    return result


def _build(target: Table, name: str, files: list[Path], report: TableMigration) -> None:
    """Read the old files, merge duplicate ids and commit one file per partition into ``target``."""
    parts: list[pa.Table] = []
    for path in files:
        value = path.parent.name.split("=", 1)[1]
        try:
            date.fromisoformat(value)
            table = _read_old(path, name)
        except (ValueError, OSError, pa.ArrowException) as exc:
            report.skipped.append(f"{path}: {exc}")
            continue
        report.files += 1
        report.rows_before += table.num_rows
        parts.append(table.append_column(pa.field("_day", pa.string()), pa.array([value] * table.num_rows)))
    if not parts:
        return
    merged = _newest_per_id(pa.concat_tables(parts), name)
    report.rows_after = merged.num_rows
    day = merged["_day"]
    order = _ORDER[name]
    adds = [target.write(merged.filter(pc.equal(day, value)).drop_columns(["_day"]).sort_by(order), value)
            for value in sorted(pc.unique(day).to_pylist())]
    target.commit(target.snapshot(), adds, [])


def _read_old(path: Path, name: str) -> pa.Table:
    """One old file in today's schema: missing columns read null; float16 vectors become float32 lists."""
    if name == "mentions":
        table = pq.read_table(path, schema=MENTION_SCHEMA)
        idx = table.schema.get_field_index("schema_version")  # files before the column existed: version 1
        table = table.set_column(idx, table.schema.field(idx), pc.fill_null(table["schema_version"], 1))
        return fill_ratings(table)[0]  # stars the old listeners kept in extras['rating']
    if name == "quarantine":
        return pq.read_table(path, schema=QUARANTINE_SCHEMA)
    old = pq.read_table(path)
    vectors = old["vector"].combine_chunks()
    dim = vectors.type.list_size
    flat = vectors.flatten().to_numpy(zero_copy_only=False).astype(np.float32)
    offsets = np.arange(0, len(flat) + 1, dim, dtype=np.int32)
    return pa.Table.from_arrays([old["mention_id"], old["encoder"], pa.ListArray.from_arrays(offsets, pa.array(flat))],
                                schema=embedding_schema())


def _newest_per_id(table: pa.Table, name: str) -> pa.Table:
    """One row per mention_id: the newest ``collected_at`` (then the later day) wins; quarantine as it is."""
    if name == "quarantine":
        return table
    if name == "mentions":
        rank = pc.cast(pc.cast(table["collected_at"], pa.timestamp("us")), pa.int64())
    else:  # a vector has no time of its own: the one on the later day (a re-dated mention) wins
        rank = pa.array(np.zeros(table.num_rows, dtype=np.int64))
    best: dict[str, tuple[tuple[int, str], int]] = {}
    for i, (mid, r, d) in enumerate(zip(table["mention_id"].to_pylist(), rank.to_pylist(), table["_day"].to_pylist(),
                                        strict=True)):
        if mid not in best or (r, d) >= best[mid][0]:
            best[mid] = ((r, d), i)
    return table.take(sorted(i for _, i in best.values()))


def _free(path: Path) -> Path:
    """``path``, or ``path-<UTC time>`` when a previous migration already used it."""
    return path if not path.exists() else path.with_name(f"{path.name}-{datetime.now(UTC):%Y%m%dT%H%M%S}")
