"""Explorer response times over 1,000,000 generated mentions: the overview and a filtered mention page.

The dataset is generated as in benchmarks/reports.py (90 days, three brands, one file per day, written
through the store's Delta table). Each page is requested through the app itself (Starlette's test client,
so routing, filters, SQL, templates and security headers all count), after one warm-up request; p50 and
p95 over ``--repeat`` requests are printed, with the machine. The filtered page's date range reaches the
scan as a partition filter: the plan printed at the end shows it inside the Arrow scan.

    python benchmarks/explorer.py [--rows 1000000] [--days 90] [--repeat 30]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _generator():  # benchmarks/reports.py is a script, not a package: load its generator by path
    spec = importlib.util.spec_from_file_location("bench_reports", ROOT / "benchmarks" / "reports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    from starlette.testclient import TestClient

    from explorer import Explorer, create_app
    from nlp.aspects import Taxonomy
    from storage.duck import connect

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        t0 = time.perf_counter()
        _generator()(root, args.rows, args.days)
        print(f"generated {args.rows:,} mentions over {args.days} days in {time.perf_counter() - t0:.0f} s")
        x = Explorer(root, brands=["Narmart"], competitors=["Tezbazar", "Lumo"], window_days=30,
                     taxonomy=Taxonomy.pack("ecommerce"))
        client = TestClient(create_app(x, project="bench"), base_url="http://127.0.0.1:8765")
        with connect(root) as con:
            last = con.execute("SELECT max(mention_date) FROM mentions").fetchall()[0][0]
        week = f"start={last - timedelta(days=6)}&end={last}"
        pages = {
            "overview (30 days, all brands)": "/",
            "overview, filtered (Narmart, az, negative)": "/?brand=Narmart&lang=az&sentiment=negative",
            "mention page (7 days, Narmart, az, negative, by reach)":
                f"/mentions?{week}&brand=Narmart&lang=az&sentiment=negative&sort=reach",
            "mention page 20 (30 days, text search)": "/mentions?q=gecikdi&page=20",
        }
        results = {}
        for name, url in pages.items():
            if client.get(url).status_code != 200:  # warm-up (first connection, caches)
                raise SystemExit(f"{url} failed")
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url} failed")
            results[name] = (percentile(times, 0.5), percentile(times, 0.95))
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{platform.system()} {platform.release()}")
        print(f"{'page':<58} {'p50 ms':>8} {'p95 ms':>8}")
        for name, (p50, p95) in results.items():
            print(f"{name:<58} {p50:8.0f} {p95:8.0f}")
        with connect(root, corrected=True) as con:
            sql = f"EXPLAIN SELECT count(*) FROM mentions WHERE mention_date >= DATE '{last.isoformat()}'"  # noqa: S608
            plan = con.execute(sql).fetchall()[0][1]
        pruned = "mention_date" in plan.split("ARROW_SCAN", 1)[-1]
        print(f"partition filter inside the Arrow scan (only those days' files are read): {pruned}")
        print(f"median of all: {statistics.median(v[0] for v in results.values()):.0f} ms")


if __name__ == "__main__":
    main()
