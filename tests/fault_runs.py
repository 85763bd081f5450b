"""The parent side of the kill -9 tests: a generated project, ``tests.fault_cli`` children, and the store's audit.

Shared by ``tests/test_faults.py`` and ``benchmarks/faults.py``. A project is three JSONL exports of mentions
spread over four days, read by a ``file`` source in pages, into a store at ``storage.path`` (a local folder
or an ``s3://`` URL on the moto fake: the store's files are looked at through ``core.location``'s paths,
which list objects there). The audit is what a kill may never change: every expected mention stored
exactly once (read through DuckDB, as analysts and reports read it), one embedding each, no temporary file
left in the store, the cursor and the topic watermark covering what is stored.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parents[1]
FILES, ROWS, PAGE_SIZE, DAYS = 3, 30, 15, 4  # 90 mentions, 6 pages, 3 cursor saves, 4 day partitions
WORDS = {"courier": ["courier", "late", "parcel"], "price": ["price", "expensive", "fee"],
         "app": ["app", "crashes", "login"]}


@dataclass
class Project:
    """A generated project folder: exports, config, and the store location."""

    folder: Path
    store: str  # storage.path as written in the config (a local folder or an s3:// URL)

    @property
    def config(self) -> Path:
        """The project's voxpop.yaml."""
        return self.folder / "voxpop.yaml"

    @property
    def root(self) -> Any:
        """The store's root: a ``Path``, or a ``UPath`` in object storage."""
        from core.location import store_root

        return store_root(self.store)

    @property
    def remote(self) -> bool:
        """Whether the store is in object storage (no temporary is ever visible there)."""
        from core.location import is_url

        return is_url(self.store)

    def expected(self) -> set[str]:
        """Every mention id the exports hold."""
        return {f"x:{i}" for i in range(FILES * ROWS)}

    def day_of(self, mention_id: str) -> str:
        """The UTC day (partition) a generated mention is posted on."""
        return f"2026-10-{1 + int(mention_id[2:]) % DAYS:02d}"


def make_project(folder: Path, store: str | None = None) -> Project:
    """Write the exports (distinct modification times, so the read order is fixed) and the config."""
    exports = folder / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    subjects = list(WORDS)
    for f in range(FILES):
        rows = []
        for k in range(ROWS):
            i = f * ROWS + k
            s = subjects[i % 3]
            rows.append({"id": str(i), "platform": "x", "created_at": f"2026-10-{1 + i % DAYS:02d}T10:{k:02d}:00Z",
                         "text": f"Narmart the {s} {' '.join(WORDS[s])} number {i}"})
        path = exports / f"export-{f}.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        os.utime(path, (1_700_000_000 + f, 1_700_000_000 + f))
    store = store or str(folder / "data")
    (folder / "voxpop.yaml").write_text(
        "brands: [{name: Narmart, keywords: [Narmart]}]\nlanguages: [en]\n"
        f"sources:\n  - {{name: export, type: file, options: {{path: exports, page_size: {PAGE_SIZE}}}}}\n"
        f"storage: {{path: {json.dumps(store)}}}\ntopics: {{enabled: true}}\n", encoding="utf-8")
    return Project(folder, store)


class Child:
    """One ``voxpop listen`` of ``tests.fault_cli`` in a subprocess, its output in a log file."""

    def __init__(self, project: Project, *, halt: str | None = None, args: tuple[str, ...] = (),
                 name: str = "run") -> None:
        self.marks = project.folder / f"{name}.{time.time_ns()}.marks"
        self.log_path = self.marks.with_suffix(".log")
        env = {**os.environ, "PYTHONPATH": str(REPO), "VOXPOP_FAULT_MARKS": str(self.marks), "COLUMNS": "200",
               "XDG_CONFIG_HOME": str(project.folder / "config-home")}
        env.pop("VOXPOP_FAULT_HALT", None)
        if halt:
            env["VOXPOP_FAULT_HALT"] = halt
        self._log: IO[bytes] = self.log_path.open("wb")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fault_cli", "listen", "-c", str(project.config), *args],
            cwd=project.folder, env=env, stdin=subprocess.PIPE, stdout=self._log, stderr=subprocess.STDOUT)

    def stages(self) -> list[str]:
        """The stage lines the child noted so far."""
        try:
            return self.marks.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []

    def output(self) -> str:
        """Everything the child printed so far."""
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, predicate: Any, what: str, timeout: float = 180) -> None:
        """Poll until ``predicate()``; fail with the child's output if it ends or the time runs out first."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if self.proc.poll() is not None:
                raise AssertionError(f"the child ended ({self.proc.returncode}) before {what}:\n{self.output()}")
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"no {what} within {timeout} s:\n{self.output()}")
            time.sleep(0.05)

    def wait_halt(self) -> str:
        """Wait until the child blocks at its halt point; returns that point."""
        self.wait_for(lambda: any(s.startswith("HALT ") for s in self.stages()), "halt")
        return next(s for s in self.stages() if s.startswith("HALT "))[5:]

    def kill(self) -> None:
        """kill -9, and reap it."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._log.close()

    def resume(self) -> None:
        """Let a halted child go on."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"go\n")
        self.proc.stdin.flush()

    def finish(self, timeout: float = 300) -> int:
        """Wait for the child to end by itself; returns its exit code."""
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the run did not finish within {timeout} s:\n{self.output()}") from None
        self._log.close()
        return code

    def last_stage(self) -> str:
        """The last stage the child entered ("start" before any)."""
        stages = [s for s in self.stages() if not s.startswith("HALT ")]
        return stages[-1].rsplit(" ", 1)[0] if stages else "start"


def run_to_end(project: Project, *args: str) -> Child:
    """A listen that must complete (exit 0)."""
    child = Child(project, args=args)
    code = child.finish()
    if code != 0:
        raise AssertionError(f"listen exited {code}:\n{child.output()}")
    return child


def temporaries(project: Project) -> list[str]:
    """Temporary files left in the store: writers' ``.tmp`` files and delta-rs's uncommitted commit files."""
    return sorted(_rel(p, project.root) for p in project.root.rglob("*")
                  if p.is_file() and (".tmp" in p.name or p.parent.name == ".tmp" or p.name.startswith("_commit_")))


def _rel(path: Any, root: Any) -> str:
    """``path`` relative to ``root`` (``Path`` or ``UPath``)."""
    return str(path)[len(str(root)):].lstrip("/")


def untracked(project: Project) -> list[str]:
    """Data files on disk that no commit of their table ever added (written by an upsert killed before its commit).

    Invisible to every Delta reader and to ``storage.connect``; ``vacuum`` deletes them once a day old.
    Files retired by a later commit are not counted: they stay a day for readers of older snapshots.
    """
    out = []
    for table in ("mentions", "embeddings", "quarantine"):
        log = project.root / table / "_delta_log"
        if not log.is_dir():
            continue
        added = {json.loads(line)["add"]["path"] for commit in log.glob("*.json")
                 for line in commit.read_text(encoding="utf-8").splitlines() if '"add"' in line[:8]}
        out += [f"{table}/{_rel(p, log.parent)}" for p in log.parent.rglob("*.parquet")
                if "_delta_log" not in str(p) and _rel(p, log.parent) not in added]
    return sorted(out)


@dataclass
class Audit:
    """What a store holds compared with the exports."""

    expected: int
    stored: int  # rows in the mentions view
    lost: int  # expected ids not stored
    duplicated: int  # rows beyond the first of each id
    embeddings_duplicated: int
    without_embedding: int
    temporaries: list[str] = field(default_factory=list)
    untracked: list[str] = field(default_factory=list)
    cursor_files: int = 0  # exports the saved cursor marks done
    watermark_rows: int | None = None  # rows the last complete topic fit covered
    unlabelled: int = 0

    def clean(self) -> bool:
        """Nothing lost, nothing twice, nothing temporary left, cursor and topics caught up."""
        return (self.lost == self.duplicated == self.embeddings_duplicated == self.without_embedding == 0
                and self.stored == self.expected and not self.temporaries and self.cursor_files == FILES
                and self.watermark_rows == self.stored and self.unlabelled == 0)


def audit(project: Project) -> Audit:
    """Read the store back the way analysts do (``storage.connect``) and compare it with the exports."""
    from storage import connect

    with connect(project.store) as con:
        rows = con.execute("SELECT mention_id, topic FROM mentions").fetchall()
        vectors = [r[0] for r in con.execute("SELECT mention_id FROM embeddings").fetchall()]
    ids = Counter(mid for mid, _ in rows)
    expected = project.expected()
    state = project.root / "state"
    try:
        cursor = json.loads((state / "cursors.json").read_text(encoding="utf-8"))
        files = len(cursor.get("export", {}).get("files", {}))
    except (OSError, ValueError, AttributeError):
        files = 0
    try:
        watermark = json.loads((state / "topics.json").read_text(encoding="utf-8"))["rows"]
    except (OSError, ValueError, KeyError):
        watermark = None
    return Audit(expected=len(expected), stored=len(rows), lost=len(expected - set(ids)),
                 duplicated=sum(n - 1 for n in ids.values()),
                 embeddings_duplicated=len(vectors) - len(set(vectors)),
                 without_embedding=len(set(ids) - set(vectors)),
                 temporaries=temporaries(project), untracked=untracked(project), cursor_files=files,
                 watermark_rows=watermark, unlabelled=sum(topic is None for _, topic in rows))
