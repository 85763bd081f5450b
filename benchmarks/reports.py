"""Report build time and peak memory over a large generated dataset (default 1,000,000 mentions, 90 days).

The dataset is written straight to the mentions Delta table (one file per day, one commit) so the run
measures the report, not the writer's merge. The report runs in a child process so its peak RSS is its own.

    python benchmarks/reports.py [--rows 1000000] [--days 90]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.languages import HOME_LANGUAGES  # noqa: E402
from core.layout import StoreLayout  # noqa: E402
from storage import MENTION_SCHEMA, SCHEMA_VERSION  # noqa: E402
from storage.tables import mentions  # noqa: E402

BRANDS = [("Narmart", False, 0.5), ("Tezbazar", True, 0.3), ("Lumo", True, 0.2)]
ASPECTS = ["delivery", "price", "support", "quality", "website_app", "payment", "returns", "stock"]
# 40 topic labels; topic k's share grows or shrinks with the day so the emerging-topics ranking has work to do.
TOPICS = np.array([f"topic{k} · word{k} · term{k}" for k in range(40)], dtype=object)
TOPIC_TREND = np.linspace(-1, 1, len(TOPICS))
WORDS = [
    "kargo", "gecikdi", "çatdırılma", "доставка", "առաքում", "price", "qiymət", "bahalı", "дорого",
    "support", "dəstək", "app", "crash", "ödəniş", "refund", "super", "əla", "harika", "отлично", "լավ",
    "rezalet", "ужас", "bərbad",
]
LANGS = list(HOME_LANGUAGES)
PLATFORMS = ["x", "reddit", "instagram", "facebook", "review"]


def topics(rng: np.random.Generator, progress: float, n: int) -> list[str | None]:
    """A quarter of mentions without a topic (outliers), the rest drawn with drifting shares."""
    weights = np.exp(TOPIC_TREND * 2 * progress)
    labels = rng.choice(TOPICS, size=n, p=weights / weights.sum())
    return [None if miss else label for label, miss in zip(labels, rng.random(n) < 0.25, strict=True)]


def generate(root: Path, rows: int, days: int, seed: int = 0) -> None:
    """Write ``rows`` synthetic scored mentions over ``days`` days, one Parquet file per day."""
    rng = np.random.default_rng(seed)
    target = mentions(StoreLayout.of(root))
    adds = []
    start = date(2026, 1, 1)
    # A delivery surge for the first brand in the last third, so spikes and growth have work to do.
    weights = np.ones(days)
    weights[int(days * 0.7) : int(days * 0.75)] = 3
    per_day = rng.multinomial(rows, weights / weights.sum())
    next_id = 0
    for d, n in enumerate(per_day):
        day = start + timedelta(days=d)
        brand_idx = rng.choice(len(BRANDS), size=n, p=[b[2] for b in BRANDS])
        sentiment = rng.choice(3, size=n, p=[0.35, 0.35, 0.30])
        n_aspects = rng.choice(3, size=n, p=[0.5, 0.4, 0.1])
        probs = rng.dirichlet([1, 1, 1], size=n).astype(np.float32)
        secs = rng.integers(0, 86_400, size=n)
        base = datetime(day.year, day.month, day.day, tzinfo=UTC)
        ids = np.arange(next_id, next_id + n)
        next_id += n
        aspects = [list(rng.choice(ASPECTS, size=k, replace=False)) for k in n_aspects]
        texts = [" ".join(rng.choice(WORDS, size=12)) + f" {BRANDS[b][0]} #{i}"
                 for b, i in zip(brand_idx, ids, strict=True)]
        labels = np.array(["negative", "neutral", "positive"])[sentiment]
        cols = {
            "mention_id": [f"x:{i}" for i in ids], "platform": ["x"] * n, "native_id": [str(i) for i in ids],
            "url": [f"https://x.com/i/web/status/{i}" for i in ids],
            "created_at": [base + timedelta(seconds=int(s)) for s in secs],
            "collected_at": [base + timedelta(days=1)] * n, "source": ["bench"] * n,
            "brand": [BRANDS[b][0] for b in brand_idx], "is_competitor": [BRANDS[b][1] for b in brand_idx],
            "brands": [[BRANDS[b][0]] for b in brand_idx], "matched_terms": [[BRANDS[b][0]] for b in brand_idx],
            "author_hash": [f"{h:016x}" for h in rng.integers(0, 2**62, size=n)], "author_handle": [None] * n,
            "thread_id": [None] * n, "parent_id": [None] * n,
            "likes": rng.zipf(2.0, size=n).clip(0, 10**6) - 1, "reposts": rng.zipf(2.5, size=n).clip(0, 10**6) - 1,
            "replies": rng.zipf(2.5, size=n).clip(0, 10**6) - 1, "views": [None] * n,
            "lang": rng.choice(LANGS, size=n).tolist(), "lang_confidence": np.full(n, 0.9, np.float32),
            "text": texts, "sentiment": labels.tolist(), "sentiment_score": probs[:, 2] - probs[:, 0],
            "sentiment_confidence": probs.max(axis=1),
            "sentiment_probs": [{"positive": float(p[2]), "neutral": float(p[1]), "negative": float(p[0])}
                                for p in probs],
            "aspects": aspects, "is_pain_point": [s == 0 and bool(a) for s, a in zip(sentiment, aspects, strict=True)],
            "topic": topics(rng, d / max(days - 1, 1), n), "model_version": ["bench"] * n, "run_id": ["bench"] * n,
            "schema_version": np.full(n, SCHEMA_VERSION, np.int16), "extras": [None] * n,
        }
        cols["platform"] = rng.choice(PLATFORMS, size=n).tolist()
        cols["mention_id"] = [f"{p}:{i}" for p, i in zip(cols["platform"], ids, strict=True)]
        # Star ratings on reviews only, agreeing with the sentiment (1-2 negative, 3 neutral, 4-5 positive).
        stars = np.array([1, 3, 4])[sentiment] + rng.integers(0, 2, size=n) * (sentiment != 1)
        cols["rating"] = [int(s) if p == "review" else None for s, p in zip(stars, cols["platform"], strict=True)]
        table = pa.Table.from_pydict(cols, schema=MENTION_SCHEMA)
        adds.append(target.write(table, day.isoformat()))
    target.commit(target.snapshot(), adds, [])


def child(root: Path, days: int) -> None:
    """Build the report over ``root`` and print timing and peak RSS as JSON."""
    from reports import build_report
    from storage import connect

    taxonomy = {a: {"labels": {"en": a.title()}, "cx_area": "-"} for a in ASPECTS}
    start = time.perf_counter()
    with connect(root) as con:
        files = build_report(con, out_dir=root / "out", project="Bench", taxonomy=taxonomy, days=days // 2)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "html_kb": (files.trend.stat().st_size + files.painpoints.stat().st_size) / 1024}))


def main() -> None:
    """Generate the dataset, then time the report in a child process."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--child", type=Path)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.days)
        return
    with tempfile.TemporaryDirectory(prefix="voxpop-bench-") as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        generate(root, args.rows, args.days)
        gen = time.perf_counter() - t0
        proc = subprocess.run([sys.executable, __file__, "--child", str(root), "--days", str(args.days)],
                              capture_output=True, text=True, check=False)
        if proc.returncode:
            sys.exit(f"report run failed:\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}")
    print(f"dataset: {args.rows:,} mentions over {args.days} days (generated in {gen:.0f} s)")
    print(f"both reports (period = last {args.days // 2} days, compared with the {args.days // 2} before): "
          f"{result['seconds']:.1f} s, peak RSS {result['peak_rss_mb']:.0f} MB, HTML {result['html_kb']:.0f} KB")
    print(f"budget: {result['seconds'] / 30:.2f} of 30 s, {result['peak_rss_mb'] / 2048:.2f} of 2 GiB")


if __name__ == "__main__":
    main()
