"""Erasure: forget one author or some mentions, and expire mentions past the retention period (docs/privacy.md).

Both remove rows from every table that holds them or points at them (mentions, embeddings, quarantine,
corrections, the alert log), each table in one Delta commit that retires the files concerned and adds
their rewritten successors, so readers see the store before or after, never between. Dependents go first
and the mentions last: a forget killed half-way finds the same mentions again when it is re-run.

A commit alone does not erase anything: Delta keeps retired files on disk for ``RETENTION_HOURS`` for
readers of older snapshots, and an earlier rewrite of a day may have left an older copy of the same rows.
So once a table changed, every file in its folder that its current snapshot does not reference is deleted
(``purge``), and the log's checkpoints and commits, which name files and count rows but hold no column
statistics (``Table.write`` records only ``numRecords``), carry no value of a row. A reader that holds an
older snapshot at that moment loses the retired files: a forget is rare, and the data must go.

Nothing here records who was forgotten: the caller gets counts, the removed mention ids (to digest for the
audit log, ``storage.audit``) and the files touched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from deltalake.transaction import AddAction

from core.errors import StorageError
from core.files import TMP_SUFFIX
from core.layout import StoreLayout
from storage import tables
from storage.engine import LOG_DIR, DataFile, Table
from storage.quarantine import record_fields
from storage.schema import IDENTITY_ID_KEYS, IDENTITY_URL_KEYS

log = logging.getLogger("voxpop.storage")

# Keys of a raw (quarantined) record that name its author, as sources and exports spell them.
AUTHOR_KEYS = ("author", "author_handle", "handle", "user", "username", "user_name", "screen_name", "login",
               "reviewer", "reviewer_name", "nickname", "from", "sender", "channel_title")
TABLES = ("mentions", "embeddings", "quarantine", "corrections", "alerts")


def normal_handle(handle: str) -> str:
    """A handle as the pseudonymiser reads it (trimmed, without ``@``, case-folded)."""
    return handle.strip().lstrip("@").casefold()


@dataclass(frozen=True)
class Subject:
    """Whom to forget: the author's hashes (one per platform), the handle itself, and/or mention ids.

    ``handle`` (normalised, see ``normal_handle``) matches rows stored without pseudonymisation
    (``author_handle``) and raw quarantined records; it stays in memory and is never written or logged.
    ``platforms`` narrows the author match to those platforms (None: all).
    """

    author_hashes: frozenset[str] = frozenset()
    handle: str | None = None
    platforms: frozenset[str] | None = None
    mention_ids: frozenset[str] = frozenset()

    def empty(self) -> bool:
        """Whether nothing is named."""
        return not (self.author_hashes or self.handle or self.mention_ids)


@dataclass
class Erasure:
    """What a forget or an expiry removed (or, in a dry run, would remove)."""

    removed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TABLES, 0))  # table -> rows
    mention_ids: list[str] = field(default_factory=list)  # the mentions removed, sorted
    files_rewritten: int = 0  # data files replaced by a copy without the rows
    files_dropped: int = 0  # data files retired whole (every row went)
    files_deleted: int = 0  # files deleted from disk by ``purge`` (retired now or earlier)
    days: list[str] = field(default_factory=list)  # mention days touched

    def total(self) -> int:
        """Rows removed over every table."""
        return sum(self.removed.values())


@dataclass(frozen=True)
class _Identity:
    """What names a stored mention in a raw record: its id, url and (platform, native id)."""

    mention_ids: frozenset[str]
    urls: frozenset[str]
    native: frozenset[tuple[str, str]]
    native_ids: frozenset[str]  # the native ids alone, for a raw record that does not say its platform


class Eraser:
    """Row removal over every table of one store (the caller holds the store's write lock)."""

    def __init__(self, layout: StoreLayout, *, dry_run: bool = False) -> None:
        self.layout = layout
        self.dry_run = dry_run
        self.tables = {**tables.all_tables(layout), "alerts": tables.alerts(layout)}
        self._changed: set[str] = set()  # tables committed to, purged at the end

    # ---- forget --------------------------------------------------------------------------------
    def forget(self, subject: Subject) -> Erasure:
        """Remove every row of ``subject`` from every table, then purge what the tables no longer reference."""
        result = Erasure()
        found = self._find(subject)
        ids = frozenset(found) | subject.mention_ids
        # A named id also names its raw record in the quarantine, stored as a mention or not.
        native = {(p, n) for p, n, _ in found.values()} | {tuple(mid.split(":", 1)) for mid in subject.mention_ids
                                                          if ":" in mid}
        identity = _Identity(ids, frozenset(u for _, _, u in found.values() if u), frozenset(native),
                             frozenset(n for _, n in native))
        self._dependents(result, ids, lambda t: _quarantine_drop(t, identity, subject))
        result.removed["mentions"], days = self._filter("mentions", lambda t: pc.is_in(t["mention_id"],
                                                                                      value_set=_strings(ids)),
                                                        result)
        result.mention_ids = sorted(found)  # named ids included: ``_find`` matches them too
        result.days = days
        return self._finish(result)

    def _find(self, subject: Subject) -> dict[str, tuple[str, str, str | None]]:
        """mention_id -> (platform, native_id, url) of the stored mentions of ``subject``."""
        table = self.tables["mentions"]
        columns = ["mention_id", "platform", "native_id", "url", "author_hash", "author_handle"]
        found: dict[str, tuple[str, str, str | None]] = {}
        for f in table.snapshot().files:
            t = table.read(f, columns)
            mask = _subject_rows(t, subject)
            for row in t.filter(mask).to_pylist():
                found[row["mention_id"]] = (row["platform"], row["native_id"], row["url"])
        return found

    # ---- retention -----------------------------------------------------------------------------
    def expire(self, cutoff: date) -> Erasure:
        """Remove the mentions posted before ``cutoff`` (UTC day) with their embeddings, corrections and alerts.

        Mentions and embeddings are partitioned by that day, so whole files go; quarantine entries older
        than ``cutoff`` (by the day they were quarantined) go too.
        """
        result = Erasure()
        mentions = self.tables["mentions"]
        old = [f for f in mentions.snapshot().files if f.partition < cutoff.isoformat()]
        ids: set[str] = set()
        for f in old:
            ids.update(mentions.read(f, ["mention_id"]).column(0).to_pylist())
        frozen = frozenset(ids)
        cut = cutoff.isoformat()
        self._dependents(result, frozen, lambda t: pc.less(tables.day_values(t, "quarantined_at"), cut),
                         old_embeddings=cut)
        result.removed["mentions"], result.days = self._filter(
            "mentions", lambda t: pc.is_in(t["mention_id"], value_set=_strings(frozen)), result,
            files=lambda f: f.partition < cut)
        result.mention_ids = sorted(frozen)
        return self._finish(result)

    # ---- shared --------------------------------------------------------------------------------
    def _dependents(self, result: Erasure, ids: frozenset[str], quarantine: Callable[[pa.Table], pa.Array],
                    old_embeddings: str | None = None) -> None:
        """Embeddings, corrections, alert log and quarantine rows of ``ids`` (before their mentions)."""
        values = _strings(ids)

        def vectors(t: pa.Table) -> pa.Array:
            return pc.is_in(t["mention_id"], value_set=values)

        result.removed["embeddings"], _ = self._filter("embeddings", vectors, result)
        if old_embeddings is not None:  # vectors of days past the cutoff whose mentions are already gone
            extra, _ = self._filter("embeddings", lambda t: pa.array([True] * t.num_rows), result,
                                    files=lambda f: f.partition < old_embeddings)
            result.removed["embeddings"] += extra
        result.removed["corrections"], _ = self._filter("corrections", vectors, result)
        result.removed["alerts"], _ = self._filter("alerts", lambda t: _alert_rows(t, ids), result)
        result.removed["quarantine"], _ = self._filter("quarantine", quarantine, result)

    def _filter(self, name: str, drop: Callable[[pa.Table], pa.Array], result: Erasure,
                files: Callable[[DataFile], bool] | None = None) -> tuple[int, list[str]]:
        """Drop the rows ``drop`` selects from the files of table ``name``: one commit; (rows, partitions)."""
        table = self.tables[name]
        snap = table.snapshot()
        adds: list[AddAction] = []
        removes: list[DataFile] = []
        dropped = 0
        days: list[str] = []
        for f in snap.files:
            if files is not None and not files(f):
                continue
            try:
                data = table.read(f)
            except StorageError:
                if name in ("quarantine", "alerts"):  # diagnostics: an unreadable file is set aside by listen
                    log.warning("%s: cannot read %s; run `voxpop listen` to set it aside, then forget again",
                                name, f.rel)
                    continue
                raise
            mask = pc.fill_null(drop(data), False)
            n = pc.sum(mask).as_py() or 0
            if not n:
                continue
            dropped += n
            days.append(f.partition)
            removes.append(f)
            if n < data.num_rows:
                result.files_rewritten += 1
                if not self.dry_run:
                    adds.append(table.write(data.filter(pc.invert(mask)), f.partition))
            else:
                result.files_dropped += 1
        if removes and not self.dry_run:
            table.commit(snap, adds, removes)
            self._changed.add(name)
        return dropped, sorted(set(days))

    def _finish(self, result: Erasure) -> Erasure:
        if not self.dry_run:
            for name in sorted(self._changed):
                result.files_deleted += purge(self.tables[name])
        return result


def purge(table: Table) -> int:
    """Delete every file in ``table``'s folder that its current snapshot does not reference; returns how many.

    Retired files (kept for older snapshots) and leftovers of killed writers (orphans, temporaries) may hold
    rows that were just removed. Only the log folder is spared. The caller holds the store's write lock, so
    no writer has an uncommitted file here.
    """
    if not table.exists():
        return 0
    live = {(table.folder / f.rel).resolve() for f in table.snapshot().files}
    deleted = 0
    for path in sorted(table.folder.rglob("*")):
        rel = path.relative_to(table.folder)
        if rel.parts[0] == LOG_DIR or not path.is_file() or path.resolve() in live:
            continue
        path.unlink(missing_ok=True)
        deleted += 1
    for folder in sorted((p for p in table.folder.iterdir() if p.is_dir() and p.name != LOG_DIR), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()  # an emptied partition folder would still name the day
    return deleted


def unreadable_copies(layout: StoreLayout) -> list[Path]:
    """Files ``forget`` cannot reach: data set aside as damaged and temporaries outside the tables."""
    damaged = layout.root / "damaged"
    found = sorted(p for p in damaged.rglob("*") if p.is_file()) if damaged.exists() else []
    return found + sorted(p for p in layout.root.rglob(f"*{TMP_SUFFIX}") if p.is_file())


def _strings(values: Iterable[str]) -> pa.Array:
    return pa.array(sorted(values), pa.string())


def _subject_rows(t: pa.Table, subject: Subject) -> pa.Array:
    """Which mention rows belong to ``subject`` (by author hash or stored handle, or by id)."""
    by_id = pc.is_in(t["mention_id"], value_set=_strings(subject.mention_ids))
    author = pc.is_in(t["author_hash"], value_set=_strings(subject.author_hashes))
    if subject.handle:
        handles = pc.utf8_lower(pc.utf8_ltrim(pc.utf8_trim_whitespace(t["author_handle"]), characters="@"))
        author = pc.or_kleene(author, pc.equal(handles, subject.handle.lower()))
        # casefold beyond lower() (ß, final sigma) on the few candidates only
        author = pc.or_kleene(author, pa.array([h is not None and normal_handle(h) == subject.handle
                                          for h in t["author_handle"].to_pylist()]))
    if subject.platforms is not None:
        author = pc.and_kleene(author, pc.is_in(t["platform"], value_set=_strings(subject.platforms)))
    return pc.fill_null(pc.or_kleene(by_id, author), False)


def _alert_rows(t: pa.Table, ids: Collection[str]) -> pa.Array:
    """Alert log rows about one of the mentions ``ids`` (a high-reach alert's subject is a mention id)."""
    return pc.is_in(t["subject"], value_set=_strings(ids))


def _quarantine_drop(t: pa.Table, identity: _Identity, subject: Subject) -> pa.Array:
    """Quarantine rows whose raw record is one of the forgotten mentions or written by the forgotten author."""
    return pa.array([_record_matches(raw, identity, subject) for raw in t["record"].to_pylist()])


def _record_matches(raw: str, identity: _Identity, subject: Subject) -> bool:
    if (fields := record_fields(raw)) is None:
        return False
    text = {k: str(v).strip() for k, v in fields.items()}
    platform = text.get("platform")
    names_mention = (text.get("mention_id") in identity.mention_ids
                     or any(text.get(k) in identity.urls for k in IDENTITY_URL_KEYS)
                     or any((platform, text.get(k)) in identity.native if platform
                            else text.get(k) in identity.native_ids for k in IDENTITY_ID_KEYS))
    if names_mention:
        return True
    if subject.platforms is not None and platform is not None and platform not in subject.platforms:
        return False
    return text.get("author_hash") in subject.author_hashes or (
        bool(subject.handle) and any(normal_handle(_name(fields[k])) == subject.handle for k in AUTHOR_KEYS
                                     if k in fields))


def _name(value: Any) -> str:
    """A raw author field as text: a nested user object gives its handle-like field."""
    if isinstance(value, dict):
        for key in ("username", "handle", "screen_name", "login", "name"):
            if value.get(key):
                return str(value[key])
        return ""
    return str(value)

