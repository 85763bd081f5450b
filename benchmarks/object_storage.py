"""The demo sample stored on local disk and in object storage (a moto S3 server on 127.0.0.1), side by side.

One process, same rows, same keyword model (the store is measured, not the model): a first listen, a
re-run that finds everything stored (dedupe across the whole table), a query through ``storage.connect``
and the report's overview aggregate. Printed as seconds and as the S3/disk ratio. moto answers from
memory on this machine, so the ratio is the client-side cost of the object-store protocol (requests,
conditional puts, the lease locks); a real bucket adds the network's round trips per request.

    python benchmarks/object_storage.py
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    """Run each step on disk and on the fake bucket; print the table."""
    import yaml

    from tests.fakes.s3 import aws_env, moto_server, new_prefix

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with moto_server() as endpoint:
        os.environ.update(aws_env(endpoint))
        from core.config import load_settings
        from nlp import Scorer
        from pipeline import ListenRun
        from reports import Period
        from reports import aggregate as agg
        from storage import MentionStore, connect
        from tests.conftest import KeywordSentiment
        from tests.test_privacy import TinyEncoder

        scorer = Scorer(sentiment=KeywordSentiment(), encoder=TinyEncoder())
        times: dict[str, dict[str, float]] = {}
        rows = 0
        for where in ("disk", "s3"):
            folder = Path(tempfile.mkdtemp(prefix="vp-objbench-"))
            raw = yaml.safe_load((ROOT / "voxpop" / "demo.yaml").read_text(encoding="utf-8"))
            raw["topics"] = {"enabled": False}
            raw["storage"] = {"path": new_prefix("bench") if where == "s3" else str(folder / "data")}
            (folder / "voxpop.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
            settings = load_settings(folder / "voxpop.yaml")
            t: dict[str, float] = {}
            for step in ("first listen", "re-run (all stored)"):
                start = time.perf_counter()
                ListenRun(settings, MentionStore(settings.storage.path), lambda: scorer, run_id=step).run(["sample"])
                t[step] = time.perf_counter() - start
            start = time.perf_counter()
            with connect(settings.storage.path) as con:
                rows = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
            t["connect + count"] = time.perf_counter() - start
            start = time.perf_counter()
            with connect(settings.storage.path) as con:
                agg.overview(con, Period.latest(con, 30))
            t["connect + overview aggregate"] = time.perf_counter() - start
            times[where] = t
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {' / '.join(f'{v:.2f}' for v in os.getloadavg())}; {rows:,} mentions")
    print(f"{'step':<32} {'disk s':>8} {'S3 s':>8} {'S3/disk':>8}")
    for step, disk in times["disk"].items():
        s3 = times["s3"][step]
        print(f"{step:<32} {disk:8.2f} {s3:8.2f} {s3 / disk:8.1f}")


if __name__ == "__main__":
    main()
