"""The store's I/O where it may live in object storage: pyarrow file systems, Delta options and locks.

A local store keeps OS file locks (``filelock``): released when their process dies. In object storage
there is no file lock, so the same guarantee comes from a lease object written with a conditional put
(``If-None-Match: *`` creates it only if absent; S3, MinIO, Ceph and R2 support it): the holder renews it
every third of ``lease_seconds()`` and deletes it when done (``If-Match`` its own version, so it never
deletes a lock someone else took over); a holder killed mid-run leaves a lease that expires, after which
the next run takes it over, again conditionally, so exactly one contender wins. Delta commits use the
store's conditional put too (delta-rs ``conditional_put=etag``): two writers can never both commit the
same log version, even outside the lease.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
from datetime import UTC, datetime
from functools import cache
from types import TracebackType
from typing import Any

import pyarrow.fs as pafs
from filelock import FileLock, Timeout

from core.location import StorePath, bucket_of, is_remote, key_of

log = logging.getLogger("voxpop.storage")
DEFAULT_LEASE_SECONDS = 60.0
POLL_SECONDS = 0.5


def lease_seconds() -> float:
    """How long an unrenewed lock object stays valid (``VOXPOP_LOCK_LEASE_SECONDS``, default 60)."""
    try:
        return max(2.0, float(os.environ.get("VOXPOP_LOCK_LEASE_SECONDS", DEFAULT_LEASE_SECONDS)))
    except ValueError:
        return DEFAULT_LEASE_SECONDS


@cache
def _s3_filesystem(endpoint: str | None, region: str | None) -> pafs.FileSystem:
    """Pyarrow's S3 file system for the environment's endpoint (one per process: it pools connections)."""
    return pafs.S3FileSystem(endpoint_override=endpoint, region=region or "us-east-1",
                             scheme="http" if endpoint and endpoint.startswith("http://") else "https")


def arrow_fs(path: StorePath) -> tuple[pafs.FileSystem, str]:
    """Pyarrow's file system for ``path`` and the path as that file system names it."""
    if is_remote(path):
        fs = _s3_filesystem(_endpoint(), os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))
        return fs, f"{bucket_of(path)}/{key_of(path)}"
    return pafs.LocalFileSystem(), str(path)


def delta_uri(path: StorePath) -> str:
    """The table location as delta-rs takes it."""
    return str(path)


def delta_options(path: StorePath) -> dict[str, str] | None:
    """delta-rs storage options for ``path`` (None locally; credentials stay in the environment)."""
    if not is_remote(path):
        return None
    endpoint = _endpoint() or ""
    options = {"conditional_put": "etag"}
    if endpoint.startswith("http://"):
        options["AWS_ALLOW_HTTP"] = "true"
    if not (os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")):
        options["AWS_REGION"] = "us-east-1"
    return options


def _endpoint() -> str | None:
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")


def _client() -> Any:
    return _client_for(_endpoint())


@cache
def _client_for(endpoint: str | None) -> Any:
    """boto3's S3 client (credentials and region from the environment, as botocore reads them)."""
    import boto3  # noqa: PLC0415 - only object-storage stores need it

    return boto3.client("s3", endpoint_url=endpoint)


class ObjectLock:
    """A lease lock object with filelock's interface (``acquire(timeout)``, ``release``, reentrant)."""

    def __init__(self, path: StorePath, timeout: float = -1) -> None:
        self.path = path
        self.bucket, self.key = bucket_of(path), key_of(path)
        self.timeout = timeout
        self._count = 0
        self._etag: str | None = None
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None
        self._mutex = threading.RLock()
        self.lost = False  # set when a renewal found the lease taken over (the holder paused too long)

    @property
    def is_locked(self) -> bool:
        """Whether this process holds the lock."""
        return self._count > 0

    def _body(self) -> bytes:
        note = {"pid": os.getpid(), "host": socket.gethostname(),
                "since": datetime.now(UTC).isoformat(), "expires": time.time() + lease_seconds()}
        return json.dumps(note).encode()

    def _try(self) -> bool:
        from botocore.exceptions import ClientError  # noqa: PLC0415

        s3 = _client()
        try:
            self._etag = s3.put_object(Bucket=self.bucket, Key=self.key, Body=self._body(), IfNoneMatch="*")["ETag"]
            return True
        except ClientError as exc:
            if exc.response["Error"]["Code"] not in ("PreconditionFailed", "ConditionalRequestConflict", "412"):
                raise
        try:  # held: take it over only if its lease ran out, and only if nobody else did first
            got = s3.get_object(Bucket=self.bucket, Key=self.key)
            note = json.loads(got["Body"].read() or b"{}")
            if float(note.get("expires", 0)) > time.time():
                return False
            self._etag = s3.put_object(Bucket=self.bucket, Key=self.key, Body=self._body(),
                                       IfMatch=got["ETag"])["ETag"]
            log.warning("%s: took over a lock whose holder stopped renewing it (pid %s on %s)", self.path,
                        note.get("pid"), note.get("host"))
            return True
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404", "PreconditionFailed",
                                                 "ConditionalRequestConflict", "412"):
                return False  # released or taken meanwhile: try again
            raise
        except (ValueError, TypeError):
            return False

    def _renew(self) -> None:
        from botocore.exceptions import ClientError  # noqa: PLC0415

        while not self._stop.wait(lease_seconds() / 3):
            with self._mutex:
                if self._etag is None:
                    return
                try:
                    self._etag = _client().put_object(Bucket=self.bucket, Key=self.key, Body=self._body(),
                                                      IfMatch=self._etag)["ETag"]
                except ClientError:
                    self.lost = True
                    log.error("%s: the lock's lease was taken over by another process; stop this run", self.path)
                    return
                except Exception:  # noqa: BLE001 - a network blip: the next renewal tries again
                    log.warning("%s: could not renew the lock's lease; retrying", self.path)

    def acquire(self, timeout: float | None = None) -> ObjectLock:
        """Take the lock, waiting up to ``timeout`` seconds (-1: forever, 0: not at all) or raise ``Timeout``."""
        with self._mutex:
            if self._count:
                self._count += 1
                return self
        wait = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + wait if wait >= 0 else None
        while not self._try():
            if deadline is not None and time.monotonic() >= deadline:
                raise Timeout(str(self.path))
            time.sleep(POLL_SECONDS)
        with self._mutex:
            self._count = 1
            self.lost = False
            self._stop.clear()
            self._renewer = threading.Thread(target=self._renew, name="voxpop-lease", daemon=True)
            self._renewer.start()
        return self

    def release(self) -> None:
        """Let go of one hold; the last one deletes the lock object (only if it is still ours)."""
        with self._mutex:
            if not self._count:
                return
            self._count -= 1
            if self._count:
                return
            self._stop.set()
            etag, self._etag = self._etag, None
        if self._renewer is not None:
            self._renewer.join(timeout=5)
        if etag is not None:
            with contextlib.suppress(Exception):  # taken over or gone: not ours to delete
                _client().delete_object(Bucket=self.bucket, Key=self.key, IfMatch=etag)

    def __enter__(self) -> ObjectLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def store_lock(path: StorePath, timeout: float = -1) -> FileLock | ObjectLock:
    """The lock at ``path``: an OS file lock on local disk, a lease object in object storage."""
    if is_remote(path):
        return ObjectLock(path, timeout)
    path.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(str(path), timeout=timeout)


def move(src: StorePath, dst: StorePath) -> None:
    """Move a file (a rename locally; a copy then a delete in object storage)."""
    if is_remote(src):
        src.fs.mv(src.path, dst.path)
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    src.replace(dst)
