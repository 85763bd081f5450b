"""Delta Lake tables whose data files voxpop writes itself; delta-rs keeps the transaction log.

A commit adds and removes whole files in one step, so a reader that loads a snapshot (the log at one
version) sees every file of that version and nothing else, and a file never changes once written: a
rewrite is a new file plus the removal of the old one, committed together. Removed files stay on disk
for ``RETENTION_HOURS`` (readers of an older snapshot still read them), then ``vacuum`` deletes them.

The data files are written by pyarrow rather than by delta-rs: delta-rs 1.6 cannot write Parquet page
checksums, and without them flipped bytes read back as silently wrong numbers. They are plain Parquet in
the Delta layout (``<key>=<value>/part-<uuid>.parquet``), so any Delta reader can read the tables. The
folder may be in object storage (``storage.objects``): pyarrow's S3 file system writes and reads the data
files there (an object appears whole when its upload completes) and delta-rs keeps the log beside them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.fs
import pyarrow.parquet as pq
from deltalake import DeltaTable, Schema
from deltalake.transaction import AddAction, RemoveAction, create_table_with_add_actions

from core.errors import StorageError
from core.files import write_atomic
from core.location import StorePath, is_remote
from storage.objects import arrow_fs, delta_options, delta_uri, move

LOG_DIR = "_delta_log"
RETENTION_HOURS = 24  # a reader holding an older snapshot for longer than this may miss a vacuumed file
# A checkpoint every 10 commits keeps opening a table cheap: a reader replays at most 10 small JSON commits.
_CONFIG = {"delta.deletedFileRetentionDuration": f"interval {RETENTION_HOURS} hours", "delta.checkpointInterval": "10"}
log = logging.getLogger("voxpop.storage")
# Key column of each file, by table folder then file: files never change, so a process reads each once.
_KEYS: dict[str, dict[str, pa.Array]] = {}


@dataclass(frozen=True, slots=True)
class DataFile:
    """One data file of a snapshot, as the log records it."""

    rel: str  # path relative to the table folder
    partition: str  # partition value, e.g. 2026-10-24
    size: int  # bytes when it was committed
    rows: int | None  # from the commit's statistics, when the writer recorded them


@dataclass
class Snapshot:
    """The files of one table version (no files and version -1 before the first commit)."""

    table: DeltaTable | None  # the loaded log; commits on top of this snapshot go through it
    files: list[DataFile] = field(default_factory=list)
    version: int = -1

    def by_partition(self) -> dict[str, list[DataFile]]:
        """Files grouped by partition value, partitions in order."""
        out: dict[str, list[DataFile]] = {}
        for f in sorted(self.files, key=lambda f: (f.partition, f.rel)):
            out.setdefault(f.partition, []).append(f)
        return out


class Table:
    """One Delta table in ``folder``, partitioned by the date column ``partition``."""

    def __init__(self, folder: StorePath, schema: pa.Schema, partition: str, description: str) -> None:
        self.folder = folder
        self.fs, self._base = arrow_fs(folder)  # pyarrow's file system and the folder as it names it
        self.remote = is_remote(folder)
        self.schema = schema  # the columns stored in the files (the partition column lives in paths)
        self.partition = partition
        self.description = description
        self.table_schema = schema.append(pa.field(partition, pa.date32(), nullable=False))
        self._log: DeltaTable | None = None  # loaded once, then brought up to date incrementally

    def exists(self) -> bool:
        """Whether the table has a transaction log (its first commit happened)."""
        if not self.remote:
            return (self.folder / LOG_DIR).is_dir()
        return self.fs.get_file_info(f"{self._base}/{LOG_DIR}").type == pa.fs.FileType.Directory

    def _open_log(self) -> DeltaTable:
        return DeltaTable(delta_uri(self.folder), storage_options=delta_options(self.folder))

    def log(self) -> DeltaTable | None:
        """The table's Delta log, loaded once and then brought up to date (None before the first commit)."""
        if not self.exists():
            return None
        if self._log is None:
            self._log = self._open_log()
        else:
            self._log.update_incremental()
        return self._log

    def snapshot(self) -> Snapshot:
        """The table's current version and its files."""
        table = self.log()
        if table is None:
            return Snapshot(None)
        actions = pa.table(table.get_add_actions(flatten=True))
        if not actions.num_rows:
            return Snapshot(table, [], table.version())
        values = actions.column(f"partition.{self.partition}").to_pylist()
        names = actions.column_names
        rows = actions.column("num_records").to_pylist() if "num_records" in names else [None] * len(values)
        files = [DataFile(rel=rel, partition=v.isoformat() if isinstance(v, date) else str(v), size=size, rows=n)
                 for rel, v, size, n in zip(actions.column("path").to_pylist(), values,
                                            actions.column("size_bytes").to_pylist(), rows, strict=True)]
        return Snapshot(table, files, table.version())

    def version(self) -> int:
        """The table's current version (-1 before the first commit): reads only the log's new commits."""
        table = self.log()
        return -1 if table is None else table.version()

    def path(self, file: DataFile) -> StorePath:
        """Where ``file`` lies (on disk or in object storage)."""
        return self.folder / file.rel

    def _fs_path(self, file: DataFile | str) -> str:
        """``file`` as pyarrow's file system names it."""
        return f"{self._base}/{file if isinstance(file, str) else file.rel}"

    def write(self, table: pa.Table, partition: str) -> AddAction:
        """Write ``table`` as a new file of ``partition`` (not yet visible: ``commit`` publishes it)."""
        rel = f"{self.partition}={partition}/part-{uuid.uuid4().hex[:20]}.parquet"
        sizes: list[int] = []

        def write(tmp: Path) -> None:  # in object storage: written locally, then one upload (whole or nothing)
            pq.write_table(table, tmp, compression="zstd", write_page_checksum=True)
            sizes.append(tmp.stat().st_size)

        write_atomic(self.folder / rel, write)
        return AddAction(rel, sizes[0], {self.partition: partition}, int(time.time() * 1000), True,
                         json.dumps({"numRecords": table.num_rows}))

    def commit(self, snapshot: Snapshot, adds: Sequence[AddAction], removes: Sequence[DataFile]) -> None:
        """Publish ``adds`` and retire ``removes`` in one commit on top of ``snapshot``."""
        if not adds and not removes:
            return
        if snapshot.table is None:
            create_table_with_add_actions(delta_uri(self.folder), Schema.from_arrow(self.table_schema), list(adds),
                                          mode="append", partition_by=[self.partition],
                                          description=self.description, configuration=_CONFIG,
                                          storage_options=delta_options(self.folder))
            return
        now = int(time.time() * 1000)
        actions = [*adds, *(RemoveAction(f.rel, True, now, f.size, {self.partition: f.partition}) for f in removes)]
        snapshot.table.create_write_transaction(actions, mode="append", schema=self.table_schema,
                                                partition_by=[self.partition])

    def read(self, file: DataFile, columns: Sequence[str] | None = None) -> pa.Table:
        """Read ``file`` with the table's columns (older files read null in newer ones), checksums verified."""
        path = self.path(file)
        try:
            return pq.read_table(self._fs_path(file), columns=list(columns) if columns is not None else None,
                                 schema=self.schema, page_checksum_verification=True, filesystem=self.fs)
        except (OSError, pa.ArrowException) as exc:
            raise StorageError(
                f"cannot read {path}: {exc}. Move the file aside and re-run collection for that day "
                "(`voxpop listen` sets aside a file whose size no longer matches the table's log)."
            ) from exc

    def locate(self, snapshot: Snapshot, ids: Iterable[str], key: str = "mention_id") -> dict[str, DataFile]:
        """Which file of ``snapshot`` holds each of ``ids`` (ids not stored are left out), over the whole table.

        Reads only the ``key`` column, once per file and process.
        """
        wanted = pa.array(sorted(set(ids)), pa.string())
        cached = _KEYS.setdefault(str(self.folder if self.remote else self.folder.resolve()), {})
        current = {f.rel for f in snapshot.files}
        for rel in [r for r in cached if r not in current]:
            del cached[rel]  # retired by a commit: never read again
        found: dict[str, DataFile] = {}
        if not len(wanted):
            return found
        for f in snapshot.files:
            if f.rel not in cached:
                cached[f.rel] = self.read(f, [key]).column(0).combine_chunks()
            keys = cached[f.rel]
            for mid in keys.filter(pc.is_in(keys, value_set=wanted)).to_pylist():
                found[mid] = f
        return found

    def dataset(self, files: Sequence[DataFile]) -> ds.Dataset:
        """A pyarrow dataset over ``files`` of one snapshot, with the partition column, checksums verified."""
        fmt = ds.ParquetFileFormat(default_fragment_scan_options=ds.ParquetFragmentScanOptions(
            pre_buffer=True, page_checksum_verification=True))
        fragments = [fmt.make_fragment(self._fs_path(f), filesystem=self.fs, file_size=f.size,
                                       partition_expression=ds.field(self.partition) == pa.scalar(
                                           date.fromisoformat(f.partition), pa.date32())) for f in files]
        return ds.FileSystemDataset(fragments, self.table_schema, fmt, self.fs)

    def damaged(self, files: Sequence[DataFile]) -> list[tuple[DataFile, str]]:
        """Those of ``files`` that are gone or whose size differs from the log's (truncated, emptied).

        A stat per file (one listing in object storage), cheap enough for every connection; flipped bytes
        keep the size and are caught by the page checksums when read.
        """
        found: list[tuple[DataFile, str]] = []
        sizes = self._sizes(files)
        for f in files:
            size = sizes.get(f.rel)
            if size is None:
                found.append((f, "missing"))
            elif size != f.size:
                found.append((f, f"{size} bytes, the log recorded {f.size} (truncated or overwritten)"))
        return found

    def _sizes(self, files: Sequence[DataFile]) -> dict[str, int]:
        """Size of each of ``files`` that exists: a stat each on disk, one listing in object storage."""
        if self.remote:
            selector = pa.fs.FileSelector(self._base, recursive=True, allow_not_found=True)
            listed = {i.path: i.size for i in self.fs.get_file_info(selector)}
            return {f.rel: listed[p] for f in files if (p := self._fs_path(f)) in listed}
        sizes = {}
        for f in files:
            with contextlib.suppress(FileNotFoundError):
                sizes[f.rel] = self.path(f).stat().st_size
        return sizes

    def intact(self, files: Sequence[DataFile]) -> list[DataFile]:
        """``files`` without the damaged ones, each left out with a one-line warning (for readers)."""
        bad = {f.rel: reason for f, reason in self.damaged(files)}
        for rel, reason in bad.items():
            log.warning("%s: left out damaged %s (%s); `voxpop listen` sets it aside", self.folder.name, rel, reason)
        return [f for f in files if f.rel not in bad]

    def set_aside(self, snapshot: Snapshot, damaged: Sequence[tuple[DataFile, str]], to: StorePath) -> list[str]:
        """Move damaged files under ``to`` with a reason file, drop them from the table; one line each."""
        lines = []
        for f, reason in damaged:
            src, dst = self.path(f), to / f.rel
            if src.exists():
                move(src, dst)
            elif not self.remote:
                dst.parent.mkdir(parents=True, exist_ok=True)
            dst.with_name(dst.name + ".reason.txt").write_text(reason + "\n", encoding="utf-8")
            lines.append(f"{self.folder.name}: set aside damaged {f.rel} ({reason}) in {dst.parent}; "
                         f"re-run collection for {f.partition}")
        self.commit(snapshot, [], [f for f, _ in damaged])
        for line in lines:
            log.warning("%s", line)
        return lines

    def vacuum(self) -> int:
        """Delete files removed more than ``RETENTION_HOURS`` ago; returns how many (commits only if any)."""
        table = self.log()
        if table is None:
            return 0
        if not table.vacuum(retention_hours=RETENTION_HOURS, enforce_retention_duration=False, dry_run=True):
            return 0
        return len(table.vacuum(retention_hours=RETENTION_HOURS, enforce_retention_duration=False, dry_run=False))
