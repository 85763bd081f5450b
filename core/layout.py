"""The folders and files under a storage root, named once for every layer that reads or writes them.

The store writes ``mentions/``, ``embeddings/`` and ``quarantine/``; cursors, the topic watermark and the
listen lock live in ``state/``. The generated pseudonymisation key lives outside the dataset, in the user's
config folder (``user_key_file``). Readers (DuckDB views, the normaliser that needs the key, the pipeline
that saves cursors) take their paths from here instead of spelling the layout again.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from core.location import StorePath, bucket_of, is_remote, store_root

PARTITION_KEY = "mention_date"
_VIRTUAL_ROOTS = frozenset({"proc", "sys", "dev"})


@dataclass(frozen=True, slots=True)
class StoreLayout:
    """Paths of one dataset folder (nothing is created here)."""

    root: StorePath

    @classmethod
    def of(cls, root: str | StorePath) -> StoreLayout:
        """The layout under ``root`` (a folder, or an ``s3://bucket/prefix`` URL: ``core.location``)."""
        return cls(store_root(root))

    @property
    def remote(self) -> bool:
        """Whether the store lives in object storage."""
        return is_remote(self.root)

    def unusable(self) -> str | None:
        """Why a store cannot live at ``root`` (a file, a virtual filesystem, no write access), else None."""
        if self.remote:
            return _unreachable(self.root)
        root = self.root.expanduser().resolve()
        if root.exists() and not root.is_dir():
            return f"storage.path {root} is a file; point it at a folder (it is created if missing)"
        if root.parts[1:2] and root.parts[1] in _VIRTUAL_ROOTS:
            return f"storage.path {root} is on the virtual filesystem /{root.parts[1]}; choose a folder on disk"
        existing = next(p for p in (root, *root.parents) if p.exists())
        if not existing.is_dir():
            return f"storage.path {root} is under the file {existing}; choose a folder"
        if not os.access(existing, os.W_OK | os.X_OK):
            return f"storage.path {root}: no permission to write in {existing}; choose a folder you can write to"
        return None

    @property
    def mentions(self) -> Path:
        """Scored mentions: a Delta table partitioned by ``mention_date`` (its log says which files are current)."""
        return self.root / "mentions"

    @property
    def embeddings(self) -> Path:
        """Sentence vectors of stored mentions: a Delta table partitioned like them."""
        return self.root / "embeddings"

    @property
    def quarantine(self) -> Path:
        """Records that broke the contract: a Delta table partitioned by the day they were rejected."""
        return self.root / "quarantine"

    @property
    def alerts(self) -> Path:
        """The alert log: a Delta table of what the alert rules decided and delivered, by the day recorded."""
        return self.root / "alerts"

    @property
    def alerts_lock(self) -> Path:
        """Held while alerts are evaluated and delivered, so two evaluations never send the same alert."""
        return self.state / "alerts.lock"

    @property
    def corrections(self) -> Path:
        """Human corrections of mentions (append-only Delta table, partitioned by the day they were made)."""
        return self.root / "corrections"

    @property
    def audit(self) -> Path:
        """The erasure audit log (append-only JSON lines: counts and digests, never who was forgotten)."""
        return self.root / "audit" / "erasures.jsonl"

    @property
    def state(self) -> Path:
        """Cursors, the topic watermark, the writer and listen locks (the generated key lives outside the dataset)."""
        return self.root / "state"

    @property
    def cursors(self) -> Path:
        """Per-source cursors, saved only after the data they cover is durable."""
        return self.state / "cursors.json"

    @property
    def topics(self) -> Path:
        """What the last complete topic fit covered (its watermark), written only after the fit finished."""
        return self.state / "topics.json"

    @property
    def listen_lock(self) -> Path:
        """Held by the listen run from before its first source is read until its topic fit is done."""
        return self.state / "listen.lock"

    @property
    def listen_holder(self) -> Path:
        """Who holds ``listen_lock`` (pid, host, start), for the message a second listen prints."""
        return self.state / "listen.json"

    @property
    def legacy_pseudonym_key(self) -> Path:
        """Where versions before 0.2 generated the key: inside the dataset (moved out on first use)."""
        return self.state / "pseudonym.key"

    def user_key_file(self, project: str) -> Path:
        """The generated key's default home: the user's config folder, never the dataset itself."""
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        where = str(self.root) if self.remote else str(self.root.resolve())
        digest = hashlib.sha256(where.encode()).hexdigest()[:12]
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", project).strip("-.") or "voxpop"
        return base / "voxpop" / "keys" / f"{safe}-{digest}.key"


def _unreachable(root: StorePath) -> str | None:
    """Why the bucket of an object-storage root cannot be used (one line), else None."""
    bucket = bucket_of(root)
    try:
        root.fs.ls(bucket, detail=False)
    except FileNotFoundError:
        return f"storage.path {root}: bucket {bucket!r} does not exist; create it (for example `aws s3 mb s3://{bucket}`)"
    except PermissionError:
        return (f"storage.path {root}: access to bucket {bucket!r} denied; set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY for an account that may read and write it")
    except Exception as exc:  # noqa: BLE001 - any client error becomes the one-line advice
        return (f"storage.path {root}: cannot reach the object store ({type(exc).__name__}); check "
                "AWS_ENDPOINT_URL (for MinIO, Ceph, R2 or a local server) and the AWS credentials")
    return None
