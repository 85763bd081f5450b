"""Backfill flow: import one large export (a file or a folder of them) once, scoring on Dask workers.

The export is read as a ``file`` source named after it (``backfill-<name>``), with the config's brands,
languages and store, so it is deduped against everything stored, quarantines what breaks the contract,
saves its cursor after each stored page (an interrupted backfill resumes where it stopped; a finished one
re-run finds nothing new) and ends with the topic refit. Scoring runs on ``workers`` local Dask
processes or on ``scale:`` of the config (``flows.scale``); the rows stored equal those of a serial run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from prefect import flow

from core.config import Source, load_settings
from core.errors import VoxpopError
from flows.listen import run_sources
from pipeline import ListenProgress, run_failures
from storage import MentionStore


def source_name(path: Path) -> str:
    """The backfill's source name (its cursor's key): ``backfill-`` and the export's name, made safe."""
    return "backfill-" + (re.sub(r"[^a-z0-9_-]+", "-", path.name.lower()).strip("-_") or "export")


@flow(name="voxpop-backfill")
def backfill(config: str, path: str, *, workers: int | None = None, options: dict[str, Any] | None = None,
             progress: ListenProgress | None = None) -> dict[str, Any]:
    """Import ``path`` into the config's store; ``workers`` overrides ``scale.workers`` (0: in this process).

    ``options`` are the file source's (format, columns, platform, brand, date_format, timezone, ...).
    """
    settings = load_settings(config)
    export = Path(path).expanduser().resolve()
    if not export.exists():
        raise VoxpopError(f"{export} does not exist; give the export file or folder to import")
    source = Source(name=source_name(export), type="file", options={**(options or {}), "path": str(export)})
    settings = settings.model_copy(update={"sources": [*(s for s in settings.sources if s.name != source.name),
                                                       source]})
    summary = run_sources(settings, MentionStore(settings.storage.path), [source.name], progress=progress,
                          workers=workers)
    if failed := run_failures(summary):
        raise VoxpopError("; ".join(failed))
    return summary
