"""Crash-safe file primitives: a reader sees the old file or the new one, never half of either.

On local disk a temporary file beside the target is fsynced and renamed over it. In object storage
(``core.location``) an object appears whole when its upload completes, so the temporary lives on local
disk and is uploaded to the target in one request: there is nothing to rename and no temporary to sweep.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from core.location import StorePath, is_remote

TMP_SUFFIX = ".tmp"


@contextlib.contextmanager
def atomic_path(target: StorePath) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success fsync it and rename it over ``target``.

    The temporary name ends in ``.tmp`` so dataset globs (``*.parquet``) never pick it up, and it is
    removed if the block raises. ``os.replace`` is atomic on POSIX within one filesystem. For a target
    in object storage the temporary is a local file, uploaded to ``target`` in one request on success.
    """
    if is_remote(target):
        with tempfile.TemporaryDirectory(prefix="voxpop-upload-") as folder:
            tmp = Path(folder) / target.name
            yield tmp
            target.fs.put_file(str(tmp), target.path)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}{TMP_SUFFIX}")
    try:
        yield tmp
        _fsync_file(tmp)
        tmp.replace(target)  # atomic rename on POSIX within one filesystem
        _fsync_dir(target.parent)
    finally:
        tmp.unlink(missing_ok=True)


def remove_temporaries(target: StorePath) -> int:
    """Delete the temporaries ``atomic_path`` left beside ``target`` (a killed writer's); returns how many.

    Call only where no live writer of ``target`` can exist (under the lock its writers hold).
    """
    count = 0
    if is_remote(target):
        return count
    for tmp in target.parent.glob(f".{target.name}.*{TMP_SUFFIX}"):
        tmp.unlink(missing_ok=True)
        count += 1
    return count


def write_atomic(target: StorePath, write: Callable[[Path], object]) -> None:
    """Call ``write(tmp_path)`` and publish the result atomically at ``target``."""
    with atomic_path(target) as tmp:
        write(tmp)


def write_text_atomic(target: StorePath, text: str, mode: int | None = None) -> None:
    """Atomically replace ``target`` with ``text`` (optionally with permission bits ``mode``)."""

    def _write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")
        if mode is not None:
            tmp.chmod(mode)

    write_atomic(target, _write)


def sweep_temporaries(root: StorePath, min_age_seconds: float = 3600) -> int:
    """Delete ``.tmp`` leftovers of writers killed mid-write; returns how many.

    Only files older than ``min_age_seconds`` go: a younger one may belong to a writer still running.
    """
    count = 0
    if is_remote(root):
        return count
    cutoff = time.time() - min_age_seconds
    for tmp in root.rglob(f".*{TMP_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink(missing_ok=True)
                count += 1
    return count


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets you fsync a directory
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
