"""One listen at a time per store: a second one waits for the first, or says who holds the store and stops.

Two listens at once would both read the sources from the same saved cursors and score the same mentions
(the store's writer lock keeps the rows single, not the model time). The listen lock is taken before any
source is read and held until the topic fit is done, so the second run starts from the first one's cursors.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from filelock import Timeout

from core.errors import VoxpopError
from core.files import remove_temporaries, write_text_atomic
from core.layout import StoreLayout
from storage.objects import store_lock


class ListenBusyError(VoxpopError):
    """Another listen holds the store and this one was told not to wait."""


class ListenLock:
    """The store's listen lock (``state/listen.lock``), a context manager.

    An OS file lock: it is released when its process dies, so a killed listen never blocks the next one.
    Who holds it (pid, host, start) is noted beside it in ``state/listen.json`` for the message a second
    listen prints; the note is informative only, the lock alone decides. ``wait=False`` raises
    ``ListenBusyError`` at once instead of waiting; ``on_wait`` receives the "waiting for ..." line.
    """

    def __init__(self, root: str | Path, *, wait: bool = True, on_wait: Callable[[str], object] | None = None) -> None:
        self.layout = StoreLayout.of(root)
        self.wait = wait
        self.on_wait = on_wait or (lambda _message: None)
        self._lock = store_lock(self.layout.listen_lock)

    def holder(self) -> str:
        """'pid 123' (and 'on <host>' when not this machine) of the current holder, as far as its note says."""
        try:
            note = json.loads(self.layout.listen_holder.read_text(encoding="utf-8"))
            pid, host = int(note["pid"]), str(note.get("host", ""))
        except (OSError, ValueError, KeyError, TypeError):
            return "pid unknown"
        return f"pid {pid}" if host in ("", socket.gethostname()) else f"pid {pid} on {host}"

    def _busy(self) -> ListenBusyError:
        return ListenBusyError(f"another listen on {self.layout.root} is running ({self.holder()}); not started "
                               "(let it finish, or wait for it with --wait)")

    def probe(self) -> None:
        """Raise ``ListenBusyError`` now if another listen holds the lock (the CLI's check before Prefect starts)."""
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise self._busy() from None
        self._lock.release()

    def __enter__(self) -> ListenLock:
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            if not self.wait:
                raise self._busy() from None
            self.on_wait(f"waiting for another listen on {self.layout.root} ({self.holder()})")
            self._lock.acquire()
        remove_temporaries(self.layout.listen_holder)  # only ever written under this lock
        note = {"pid": os.getpid(), "host": socket.gethostname(), "since": datetime.now(UTC).isoformat()}
        write_text_atomic(self.layout.listen_holder, json.dumps(note) + "\n")
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.layout.listen_holder.unlink(missing_ok=True)
        self._lock.release()
