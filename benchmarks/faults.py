"""kill -9 figures for docs/reliability.md: many kills at each stage of a listen, and at random moments.

    python benchmarks/faults.py [--kills 6] [--random 10] [--seed 18] [--s3]

Each kill runs on a fresh project of ``tests/fault_runs.py`` (90 mentions in 3 JSONL exports over 4 days, 6
pages, 3 cursor saves): ``tests/fault_cli.py`` (the real ``voxpop`` CLI and listen pipeline on the real
store, a keyword model, no Prefect flow wrapper) is halted at the n-th entry of a stage, n drawn at random
from the entries a complete run makes, and killed with SIGKILL; then one listen runs to completion and the
store is audited through DuckDB. Random kills: one project, ``--random`` listens each killed at a random
moment of its run (the stage it had reached is counted), then one listen to completion.

Printed per stage: kills, mentions expected over all of them, stored, lost, duplicated, kills that left a
temporary file (before the re-run, and after it), and data files written but never committed (invisible
to readers; vacuumed after a day).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fault_cli import STAGES
from tests.fault_runs import Audit, Child, audit, make_project, run_to_end


def stage_entries(base: Path, store: str | None = None) -> Counter[str]:
    """How many times a complete run enters each stage."""
    project = make_project(base / "reference", store)
    child = run_to_end(project)
    return Counter(s.rsplit(" ", 1)[0] for s in child.stages())


def row(label: str, results: list[tuple[Audit, Audit]]) -> str:
    """One table row from (after the kill, after the re-run) audits."""
    expected = sum(r.expected for _, r in results)
    stored = sum(r.stored for _, r in results)
    lost = sum(r.lost for _, r in results)
    dup = sum(r.duplicated + r.embeddings_duplicated for _, r in results)
    tmp_before = sum(bool(k.temporaries) for k, _ in results)
    tmp_after = sum(bool(r.temporaries) for _, r in results)
    untracked = sum(len(r.untracked) for _, r in results)
    clean = sum(r.clean() for _, r in results)
    return (f"| {label} | {len(results)} | {expected} | {stored} | {lost} | {dup} | {tmp_before} | {tmp_after} "
            f"| {untracked} | {clean} of {len(results)} |")


def main() -> None:
    """Run the kills and print the markdown table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kills", type=int, default=6, help="kills per stage")
    parser.add_argument("--random", type=int, default=10, help="kills at random moments")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--s3", action="store_true",
                        help="store in a moto S3 server on 127.0.0.1 (s3:// prefixes; a killed run's lease: 3 s)")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        if args.s3:
            from tests.fakes.s3 import aws_env, moto_server

            logging.getLogger("werkzeug").setLevel(logging.ERROR)
            os.environ.update(aws_env(stack.enter_context(moto_server())), VOXPOP_LOCK_LEASE_SECONDS="3")
        run(args)


def _store(args: argparse.Namespace, name: str) -> str | None:
    """The store of one project: a folder beside it, or a fresh prefix in the fake bucket."""
    if not args.s3:
        return None
    from tests.fakes.s3 import new_prefix

    return new_prefix(name)


def run(args: argparse.Namespace) -> None:
    """The kills of every stage, then the random ones; prints the markdown table."""
    rng = random.Random(args.seed)
    began = time.perf_counter()
    header = ("| stage killed | kills | mentions expected | stored | lost | duplicated | temp files after the kill "
              "| temp files after the re-run | uncommitted data files | clean re-runs |\n" + "|---" * 10 + "|")
    lines = []
    with tempfile.TemporaryDirectory(prefix="voxpop-faults-") as tmp:
        base = Path(tmp)
        entries = stage_entries(base, _store(args, "reference"))
        print(f"a complete run enters: {dict(entries)}", flush=True)
        for stage in STAGES:
            results = []
            for k in range(args.kills):
                project = make_project(base / f"{stage}-{k}", _store(args, f"{stage}-{k}"))
                n = rng.randint(1, entries[stage])
                child = Child(project, halt=f"{stage}:{n}")
                child.wait_halt()
                child.kill()
                killed = audit(project)
                run_to_end(project)
                results.append((killed, audit(project)))
            lines.append(row(stage, results))
            print(lines[-1], flush=True)
        project = make_project(base / "random", _store(args, "random"))
        reached: Counter[str] = Counter()
        killed_audits = []
        for _ in range(args.random):
            child = Child(project)
            child.wait_for(lambda c=child: len(c.stages()) >= 1, "a first stage")
            time.sleep(rng.uniform(0, 2.5))
            child.kill()
            reached[child.last_stage()] += 1
            killed_audits.append(audit(project))
        run_to_end(project)
        final = audit(project)
        lines.append(row(f"random moments ({args.random} kills, then one re-run)", [(killed_audits[-1], final)])
                     .replace(f"| 1 | {final.expected} |", f"| {args.random} | {final.expected} |", 1))
        print(lines[-1], flush=True)
        print(f"random kills landed in: {dict(reached)}; duplicates seen between kills: "
              f"{sum(a.duplicated for a in killed_audits)}; temporaries seen between kills: "
              f"{sum(bool(a.temporaries) for a in killed_audits)}", flush=True)
    print()
    print(header)
    print("\n".join(lines))
    print(f"\n{'S3 (moto on 127.0.0.1)' if args.s3 else 'local disk'}; "
          f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f} at the end, {time.perf_counter() - began:.0f} s in all")


if __name__ == "__main__":
    main()
