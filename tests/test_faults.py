"""kill -9 at every stage of a listen, two listens at once, a truncated day file and a garbled cursor (issue 18).

The real CLI in a subprocess (``tests/fault_cli.py``: ``voxpop.cli.app`` and the real ``ListenRun`` on the
real store, with a keyword model and without Prefect's flow wrapper), halted at a precise point of a page
and killed with SIGKILL, then run again to completion. After that re-run every mention of the exports is
stored exactly once with one embedding, no temporary file is left in the store, the cursor covers every
export and the topic labels cover every row. ``benchmarks/faults.py`` runs the same scenarios many times
for the figures in docs/reliability.md.

``store_url`` is the storage location under test: a local folder, and an ``s3://`` prefix on the moto S3
server on 127.0.0.1 (children inherit the AWS variables; a killed run's lock lease lapses in 3 s there).
"""

from __future__ import annotations

import json
import random
import re
import time
from datetime import date
from pathlib import Path

import pytest

from storage import MentionStore
from tests.fault_runs import FILES, Child, Project, audit, make_project, run_to_end

# (stage, n): halted at the n-th entry of that stage, in the middle of the run's 6 pages and 3 cursor saves.
# Each page writes its 4 days' embeddings and then its 4 days' mentions (store-write), committing each table.
# The benchmark also halts at store-commit, topics-fit and topics-commit; a run costs seconds here.
HALTS = [("fetch", 4), ("score", 3), ("store-write", 14), ("store-commit", 1), ("cursor-write", 2), ("topics-fit", 1),
         ("topics-write", 3)]


@pytest.fixture(params=["local", "s3"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where the store lives: a local folder, or a fresh prefix on the S3 fake."""
    if request.param == "s3":
        from tests.fakes.s3 import new_prefix

        request.getfixturevalue("s3_env")
        return new_prefix("faults")
    return str(tmp_path / "data")


@pytest.fixture
def project(tmp_path: Path, store_url: str) -> Project:
    return make_project(tmp_path / "project", store_url)


@pytest.mark.parametrize(("stage", "n"), HALTS, ids=[f"{s}-{n}" for s, n in HALTS])
def test_kill_9_at_a_stage_then_a_rerun_loses_and_duplicates_nothing(project: Project, stage: str, n: int) -> None:
    killed = Child(project, halt=f"{stage}:{n}")
    assert killed.wait_halt() == f"{stage} {n}"
    killed.kill()
    after_kill = audit(project)
    assert after_kill.duplicated == 0  # even before the re-run, readers see each mention once at most
    if stage in ("store-write", "cursor-write", "topics-write") and not project.remote:
        assert after_kill.temporaries  # the kill did leave a half-written file behind (S3: only on local disk) ...
    rerun = run_to_end(project)
    result = audit(project)
    assert result.clean(), result  # ... and the re-run swept it, and completed the work
    if stage.startswith("topics"):  # the pages were all stored: the re-run only refits
        assert re.search(r"topics: 3 topics, 90 of 90 mentions labelled", rerun.output())


def test_kill_9_at_random_moments_then_a_rerun_loses_and_duplicates_nothing(project: Project) -> None:
    rng = random.Random(18)
    reached = []
    for _ in range(3):
        child = Child(project)
        child.wait_for(lambda c=child: len(c.stages()) >= 1, "a first stage")  # past the imports
        time.sleep(rng.uniform(0, 2.5))  # a run takes 1-3 s from there: anywhere in it, or after it ended
        child.kill()
        reached.append(child.last_stage())
        assert audit(project).duplicated == 0
    run_to_end(project)
    result = audit(project)
    assert result.clean(), (reached, result)


def test_two_listens_at_once_one_refuses_one_waits_and_takes_over(project: Project) -> None:
    first = Child(project, halt="score:2", name="first")
    first.wait_halt()  # holds the store's listen lock, one page stored
    refused = Child(project, args=("--no-wait",), name="refused")
    assert refused.finish() == 2
    lines = refused.output().strip().splitlines()
    assert len(lines) == 1, lines
    assert re.fullmatch(rf"error: another listen on {re.escape(project.store)} is running \(pid "
                        rf"{first.proc.pid}\); not started \(let it finish, or wait for it with --wait\)", lines[0])
    waiting = Child(project, name="waiting")
    waiting.wait_for(lambda: "waiting for another listen" in waiting.output(), "the waiting line")
    assert f"(pid {first.proc.pid})" in waiting.output()
    assert waiting.stages() == []  # it reads no source while the other one runs
    first.kill()  # the OS drops the dead run's lock (S3: its lease lapses): the waiting one goes on from its cursors
    assert waiting.finish() == 0, waiting.output()
    result = audit(project)
    assert result.clean(), result


def test_a_truncated_day_file_and_a_garbled_cursor_are_set_aside_and_the_rest_kept(project: Project) -> None:
    run_to_end(project)
    day = "2026-10-02"
    victim = MentionStore(project.store).partition_path(date.fromisoformat(day))
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2])  # a disk that filled up, a bad copy

    truncated = run_to_end(project)
    lines = [line for line in truncated.output().splitlines() if "damaged" in line]
    assert len(lines) == 1, truncated.output()
    assert f"set aside damaged mention_date={day}/{victim.name}" in lines[0]
    assert f"re-run collection for {day}" in lines[0]
    aside = project.root / "damaged" / "mention_date=2026-10-02" / victim.name
    assert aside.exists()
    assert "truncated" in aside.with_name(aside.name + ".reason.txt").read_text(encoding="utf-8")
    result = audit(project)
    lost = {mid for mid in project.expected() if project.day_of(mid) == day}
    assert (result.stored, result.lost, result.duplicated) == (90 - len(lost), len(lost), 0)  # other days kept

    cursors = project.root / "state" / "cursors.json"
    cursors.write_bytes(cursors.read_bytes()[:40] + b"\x00\xff garbage")
    garbled = run_to_end(project)
    lines = [line for line in garbled.output().splitlines() if "cursors.json" in line]
    assert len(lines) == 1, garbled.output()
    assert "set aside" in lines[0]
    assert "from the start" in lines[0]
    [kept] = (project.root / "damaged" / "state").glob("cursors*.json")
    assert kept.read_bytes().endswith(b"garbage")
    # Collected from the start again: the day set aside comes back from the exports, nothing is doubled.
    result = audit(project)
    assert result.clean(), result
    assert json.loads(cursors.read_text(encoding="utf-8"))["export"]["files"].keys().__len__() == FILES
