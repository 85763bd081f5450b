"""Explorer response times over 1,000,000 generated mentions: the overview and a filtered mention page.

The dataset is generated as in benchmarks/reports.py (90 days, three brands, one file per day, written
through the store's Delta table). Each page is requested through the app itself (Starlette's test client,
so routing, filters, SQL, templates and security headers all count), after one warm-up request; p50 and
p95 over ``--repeat`` requests are printed, with the machine, its load average (the reference machine
shares its cores with other work) and the process's CPU time per request (all threads: DuckDB uses both
cores). The overview is cached per store version and filter set, so it is measured uncached (each
request names a new end day, so nothing is reused), cached, and right after a correction (which
invalidates the cache). The app's first request, which loads the store into DuckDB, is timed apart.
At the end, the profile of a 7-day query shows how many of the table's row groups the date range let
DuckDB scan (the table is sorted by day, so the others are skipped). ``--store`` keeps the generated
store for the next run (the run adds a few corrections to it).

    python benchmarks/explorer.py [--rows 1000000] [--days 90] [--repeat 30] [--store DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _generator() -> Callable[[Path, int, int], None]:  # benchmarks/reports.py is a script: load it by path
    spec = importlib.util.spec_from_file_location("bench_reports", ROOT / "benchmarks" / "reports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load() -> str:
    """The 1/5/15-minute load averages."""
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> None:  # noqa: PLR0915 - one linear script
    """Generate (or reuse) the store, then time each page through the app."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--store", type=Path, help="keep the generated store here and reuse it on the next run")
    args = ap.parse_args()
    from starlette.testclient import TestClient

    from explorer import Explorer, Filters, create_app
    from nlp.aspects import Taxonomy
    from storage import Correction, MentionStore

    with tempfile.TemporaryDirectory() as tmp:
        root = args.store or Path(tmp) / "data"
        if not (root / "mentions").exists():
            t0 = time.perf_counter()
            _generator()(root, args.rows, args.days)
            print(f"generated {args.rows:,} mentions over {args.days} days in {time.perf_counter() - t0:.0f} s")
        print(f"load average before (1/5/15 min): {load()}")
        x = Explorer(root, brands=["Narmart"], competitors=["Tezbazar", "Lumo"], window_days=30,
                     taxonomy=Taxonomy.pack("ecommerce"))
        client = TestClient(create_app(x, project="bench"), base_url="http://127.0.0.1:8765")
        t0 = time.perf_counter()
        if client.get("/mentions").status_code != 200:
            raise SystemExit("first request failed")
        first = time.perf_counter() - t0
        last = x.period(x.resolved(Filters())).end
        week = f"start={last - timedelta(days=6)}&end={last}"
        ends = [last - timedelta(days=i) for i in range(2 * args.repeat + 1)]

        def fresh(query: str) -> Callable[[int], str]:  # a new end day per request: never a cache hit
            return lambda i: f"/?end={ends[i]}{query}"

        uncached = fresh("")
        pages: dict[str, Callable[[int], str]] = {
            "overview (30 days, all brands), uncached": uncached,
            "overview (30 days, all brands), cached": lambda _i: "/",
            "overview, filtered (Narmart, az, negative), uncached": fresh("&brand=Narmart&lang=az&sentiment=negative"),
            "mention page (7 days, Narmart, az, negative, by reach)":
                lambda _i: f"/mentions?{week}&brand=Narmart&lang=az&sentiment=negative&sort=reach",
            "mention page 20 (30 days, text search)": lambda _i: "/mentions?q=gecikdi&page=20",
        }
        results: dict[str, tuple[float, float, float]] = {}
        threads = x.overview_threads
        serial = "overview uncached, its aggregates one after another (before)"
        for name, url in pages.items():
            if client.get(url(2 * args.repeat)).status_code != 200:  # warm-up, on an end day not measured
                raise SystemExit(f"{url(2 * args.repeat)} failed")
            times: dict[str, list[float]] = {name: [], serial: []}
            cpu: dict[str, list[float]] = {name: [], serial: []}
            # The first page alternates its requests between the aggregates at once and one after another,
            # so both see the same load and the same end days (each new, so never cached).
            runs = [(i, serial if i % 2 else name) for i in range(2 * args.repeat)] if url is uncached else [
                (i, name) for i in range(args.repeat)]
            for i, label in runs:
                x.overview_threads = 1 if label == serial else threads
                t, c = time.perf_counter(), time.process_time()
                response = client.get(url(i // 2 + args.repeat * (i % 2) if url is uncached else i))
                times[label].append((time.perf_counter() - t) * 1000)
                cpu[label].append((time.process_time() - c) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url(i)} failed")
            x.overview_threads = threads
            for label in (name, serial):
                if times[label]:
                    results[label] = (percentile(times[label], 0.5), percentile(times[label], 0.95),
                                      percentile(cpu[label], 0.5))
        store = MentionStore(root)
        mention_id = x.mentions(Filters()).rows[0]["mention_id"]
        times, cpu = [], []
        for i in range(max(3, args.repeat // 5)):
            store.add_corrections([Correction(mention_id, "Narmart", "sentiment", ("positive", "negative")[i % 2],
                                              "bench")])
            t, c = time.perf_counter(), time.process_time()
            if client.get("/").status_code != 200:
                raise SystemExit("/ failed after a correction")
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
        results["overview right after a correction (cache invalidated)"] = (
            percentile(times, 0.5), percentile(times, 0.95), percentile(cpu, 0.5))
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{platform.system()} {platform.release()}; load average after: {load()}")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"first request (loads the store into DuckDB): {first:.1f} s; peak RSS {rss:,.0f} MB")
        print(f"{'page':<62} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8}")
        for name, (p50, p95, cpu50) in results.items():
            print(f"{name:<62} {p50:8.0f} {p95:8.0f} {cpu50:8.0f}")
        print(row_groups(x, last))
        x.close()


def row_groups(x: object, last: date) -> str:
    """How many row groups of the resident table a 7-day count scans, from DuckDB's JSON profile."""
    from storage.resident import ResidentStore

    con = ResidentStore(x.root).con  # type: ignore[attr-defined]
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        con.execute("PRAGMA enable_profiling = 'json'")
        con.execute(f"SET profiling_output = '{out.name}'")
        con.execute("SELECT count(*) FROM mentions WHERE mention_date BETWEEN ? AND ?",
                    [last - timedelta(days=6), last]).fetchall()
        con.execute("PRAGMA disable_profiling")
        profile = json.loads(Path(out.name).read_text())
    scans = []

    def walk(node: dict) -> None:
        if node.get("type") == "TABLE_SCAN" and "total_row_groups_to_scan" in node:
            scans.append((node["row_groups_scanned"], node["total_row_groups_to_scan"]))
        for child in node.get("children", []):
            walk(child)

    for node in profile.get("operator", profile.get("children", [])):
        walk(node)
    done, total = scans[0] if scans else (0, 0)
    return f"7-day count: {done} of {total} row groups of the resident table scanned (date zone maps)"


if __name__ == "__main__":
    main()
