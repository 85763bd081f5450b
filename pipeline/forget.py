"""``voxpop forget``: erase one author's mentions, or some mentions by id, from a store, and audit it.

The handle is hashed here with the project's pseudonymisation key, once per platform stored (the hash
includes the platform), and matched in memory; it is never stored or logged. The erasure itself is
``MentionStore.forget`` (every table, then the files that held the rows are deleted); this step takes the
listen lock first, so no listen run stores or refits topics in the middle of it, and appends the audit
entry (a random request id, counts and keyed digests of the removed mention ids: docs/privacy.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.config import Settings
from core.errors import VoxpopError
from listeners import Pseudonymizer
from pipeline.lock import ListenLock
from storage import AuditLog, Erasure, MentionStore, Subject, normal_handle
from storage.forget import unreadable_copies


@dataclass
class Forgotten:
    """What one forget request did."""

    request_id: str
    erasure: Erasure
    dry_run: bool
    audit: dict[str, Any] | None = None  # the audit entry written (None for a dry run)
    unreachable: list[Path] = field(default_factory=list)  # copies in the store forget cannot read
    digests: bool = True  # False when no key exists, so the audit entry holds counts only


def forget(settings: Settings, *, author: str | None = None, platforms: Sequence[str] | None = None,
           mention_ids: Sequence[str] = (), dry_run: bool = False,
           on_wait: Callable[[str], object] | None = None) -> Forgotten:
    """Remove ``author``'s mentions (on ``platforms``, default all) and the ``mention_ids`` from the store.

    Raises:
        VoxpopError: nothing named, or an author named but the key that hashed the authors is missing.
    """
    handle = normal_handle(author) if author else None
    if not handle and not [m for m in mention_ids if m.strip()]:
        raise VoxpopError("name an author (--author HANDLE) or at least one mention (--mention ID) to forget")
    store = MentionStore(settings.storage.path)
    pseudonymizer = Pseudonymizer.existing(settings)
    if handle and pseudonymizer is None and settings.privacy.pseudonymize_authors:
        raise VoxpopError("no pseudonymisation key found, so the author's hashes cannot be recomputed: restore "
                          "the key from a backup (privacy.pseudonym_key_file) or forget the mentions by "
                          "--mention ID (find them with voxpop query)")
    with ListenLock(store.root, on_wait=on_wait):
        stored = store.platforms()
        chosen = sorted(set(platforms)) if platforms else stored
        hashes = frozenset(h for p in chosen if pseudonymizer and handle and (h := pseudonymizer(p, handle)))
        subject = Subject(author_hashes=hashes, handle=handle, mention_ids=frozenset(m.strip() for m in mention_ids
                                                                                 if m.strip()),
                          platforms=frozenset(platforms) if platforms else None)
        erasure = store.forget(subject, dry_run=dry_run)
        done = Forgotten(uuid.uuid4().hex, erasure, dry_run, unreachable=unreadable_copies(store.layout),
                         digests=pseudonymizer is not None)
        if not dry_run:
            digests = [pseudonymizer.audit_digest(m) for m in erasure.mention_ids] if pseudonymizer else []
            done.audit = AuditLog(store.layout).append(
                "forget", request_id=done.request_id, removed=erasure.removed, digests=digests,
                named={"author": bool(handle), "platforms": sorted(platforms) if platforms else "all",
                       "mentions": len(subject.mention_ids)},
                files={"rewritten": erasure.files_rewritten, "dropped": erasure.files_dropped,
                       "deleted": erasure.files_deleted})
    return done
