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

PARTITION_KEY = "mention_date"


@dataclass(frozen=True, slots=True)
class StoreLayout:
    """Paths of one dataset folder (nothing is created here)."""

    root: Path

    @classmethod
    def of(cls, root: str | Path) -> StoreLayout:
        """The layout under ``root``."""
        return cls(Path(root))

    @property
    def mentions(self) -> Path:
        """Scored mentions, one Parquet file per ``mention_date`` partition."""
        return self.root / "mentions"

    @property
    def embeddings(self) -> Path:
        """Sentence vectors of stored mentions, partitioned like them."""
        return self.root / "embeddings"

    @property
    def quarantine(self) -> Path:
        """Records that broke the contract, partitioned by the day they were rejected."""
        return self.root / "quarantine"

    @property
    def state(self) -> Path:
        """Cursors, the topic watermark, the writer and listen locks (the key of versions before 0.2)."""
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
        digest = hashlib.sha256(str(self.root.resolve()).encode()).hexdigest()[:12]
        safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", project).strip("-.") or "voxpop"
        return base / "voxpop" / "keys" / f"{safe}-{digest}.key"

    def partitions(self, folder: Path, key: str = PARTITION_KEY) -> list[Path]:
        """The Parquet files of ``folder`` in Hive-style ``key=value`` partitions, sorted."""
        return sorted(folder.glob(f"{key}=*/*.parquet"))

    @staticmethod
    def glob(folder: Path, key: str = PARTITION_KEY) -> str:
        """The glob pattern matching ``partitions(folder, key)``, for DuckDB's ``read_parquet``."""
        return str(folder / f"{key}=*" / "*.parquet")
