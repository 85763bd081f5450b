"""Upgrade of a Delta store written by an older data contract: new columns added, their values backfilled.

The contract only grows (storage/schema.py), so old files stay readable as they are: a column they lack
reads null. What an upgrade adds is what an old row already knew elsewhere: contract version 3 made the
review stars a column, and the listeners of version 2 kept them in ``extras['rating']``. ``upgrade`` fills
``rating`` from there (a value that is no star rating stays in ``extras`` only, never guessed), rewrites
just the files that gained a value and retires the old ones in one commit, then adds the missing columns
to the table's log so every Delta reader sees them. It runs once per store, under the writer lock, when
the store is opened; a crash before the last step leaves a store that simply upgrades again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from deltalake import Schema
from filelock import Timeout

from core.layout import StoreLayout
from core.ratings import RATING_COLUMN, rating_or_none
from storage import tables
from storage.engine import Table
from storage.objects import store_lock
from storage.schema import MENTION_SCHEMA

log = logging.getLogger("voxpop.storage")


@dataclass
class Upgrade:
    """What ``upgrade`` did to the mentions table (``columns`` empty: it was already current)."""

    root: Path
    columns: list[str] = field(default_factory=list)  # columns added to the table's log
    rows: int = 0  # rows read (every one is kept)
    files_rewritten: int = 0
    ratings_filled: int = 0  # rows whose rating came from extras['rating']
    ratings_unparsed: list[str] = field(default_factory=list)  # extras['rating'] values that are no 1..5 rating


def missing_columns(table: Table) -> list[str]:
    """Contract columns the table's log does not have yet (empty for a current or a new table)."""
    if not table.exists():
        return []
    have = set(table.log().schema().to_arrow().names)
    return [name for name in MENTION_SCHEMA.names if name not in have]


def fill_ratings(data: pa.Table) -> tuple[pa.Table, int, list[str]]:
    """``data`` with a null ``rating`` taken from ``extras['rating']``: (table, rows filled, values not parsed)."""
    if RATING_COLUMN not in data.column_names or "extras" not in data.column_names:
        return data, 0, []
    raw = pc.map_lookup(data["extras"], pa.scalar(RATING_COLUMN, pa.string()), "first").to_pylist()
    current = data[RATING_COLUMN].to_pylist()
    filled, unparsed, out = 0, [], []
    for have, text in zip(current, raw, strict=True):
        stars = have
        if have is None and text is not None:
            stars = rating_or_none(text)
            if stars is None:
                unparsed.append(text)
            else:
                filled += 1
        out.append(stars)
    if not filled:
        return data, 0, unparsed
    idx = data.schema.get_field_index(RATING_COLUMN)
    return data.set_column(idx, data.schema.field(idx), pa.array(out, pa.int8())), filled, unparsed


def upgrade(root: str | Path, *, wait: bool = True) -> Upgrade:
    """Bring the mentions table at ``root`` to the current contract (a no-op when it is current).

    ``wait=False`` (readers) gives up at once when a writer holds the lock, leaving the upgrade to it.
    """
    layout = StoreLayout.of(root)
    result = Upgrade(root=layout.root)
    table = tables.mentions(layout)
    if not missing_columns(table):
        return result
    lock = store_lock(layout.state / ".write.lock", timeout=-1 if wait else 0)
    try:
        with lock:
            _upgrade(table, result)
    except Timeout:
        log.warning("%s: the store is being written; its contract upgrade is left to that writer", layout.root)
    if result.columns:
        log.info("%s: mentions upgraded to the current contract: added %s, %d ratings filled from extras "
                 "(%d values kept in extras only)", layout.root, ", ".join(result.columns), result.ratings_filled,
                 len(result.ratings_unparsed))
    return result


def _upgrade(table: Table, result: Upgrade) -> None:
    missing = missing_columns(table)  # again, under the lock: another process may have done it
    if not missing:
        return
    snap = table.snapshot()
    adds, removes = [], []
    for f in table.intact(snap.files):
        data = table.read(f)
        result.rows += data.num_rows
        data, filled, unparsed = fill_ratings(data)
        result.ratings_unparsed += unparsed
        if filled:
            result.ratings_filled += filled
            result.files_rewritten += 1
            adds.append(table.write(data, f.partition))
            removes.append(f)
    table.commit(snap, adds, removes)
    delta = table.log()
    delta.alter.add_columns(list(Schema.from_arrow(pa.schema([MENTION_SCHEMA.field(n) for n in missing])).fields))
    delta.alter.set_table_description(table.description)
    result.columns = missing
