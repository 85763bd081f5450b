"""Where a store lives: a local folder, or an ``s3://bucket/prefix`` URL on any S3-compatible server.

A URL becomes a ``UPath`` (universal_pathlib over fsspec's s3fs), so the code that names the store's
folders and small files (``core.layout``) works on both; the table engine reads and writes the data
files through pyarrow's own S3 filesystem (``storage.objects``). Credentials and the endpoint come from
the standard AWS variables (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_ENDPOINT_URL`` for
MinIO, Ceph, R2 or a local fake; ``AWS_DEFAULT_REGION``), read by botocore and by pyarrow alike, so
none is ever written into a config file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from upath import UPath

SCHEMES = ("s3://", "s3a://")
StorePath = Path | UPath  # what every layer receives as a store root


def is_url(value: object) -> bool:
    """Whether ``value`` names object storage (``s3://...``) rather than a local folder."""
    return str(value).startswith(SCHEMES)


def store_root(value: str | os.PathLike[str] | UPath) -> StorePath:
    """The store root for a config value or argument: ``UPath`` for a URL, an absolute-able ``Path`` otherwise."""
    if isinstance(value, UPath):
        return value if is_remote(value) else Path(value.path)
    text = str(value)
    if is_url(text):
        # No listings cache: pyarrow and delta-rs write beside s3fs, so a cached listing would go stale.
        return UPath(text.rstrip("/").replace("s3a://", "s3://", 1), use_listings_cache=False)
    return Path(text).expanduser()


def is_remote(path: Any) -> bool:
    """Whether ``path`` lies in object storage (no local file system operations apply)."""
    return isinstance(path, UPath) and path.protocol in ("s3", "s3a")


def bucket_of(path: UPath) -> str:
    """The bucket name of an ``s3://bucket/prefix`` path."""
    return str(path).split("://", 1)[1].split("/", 1)[0]


def key_of(path: UPath) -> str:
    """The object key of ``path`` inside its bucket (no leading slash)."""
    rest = str(path).split("://", 1)[1]
    return rest.split("/", 1)[1] if "/" in rest else ""
