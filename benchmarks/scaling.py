"""Scoring throughput in one process and on local Dask clusters of 1..N workers (the path ``scale:`` takes).

The same generated mentions (four languages, short posts and longer reviews) are scored by the default
model: in this process (``Scorer.score``, torch on every core), then through ``flows.scale`` on a local
cluster of each size (one process per worker, one torch thread each, as Dask sets it), after a warm-up
round in which every worker loads the model. Printed: mentions per second, the speed-up against the
in-process run, and the workers' model load time. The capacity model in docs/scaling.md rests on these.

    python benchmarks/scaling.py [--mentions 3072] [--workers 1,2]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEXTS = [
    "çatdırılma yenə gecikdi, 3 gündür gözləyirəm, heç kim zəngə cavab vermir",
    "kargo çok geç geldi, müşteri hizmetleri de ilgilenmedi, rezalet",
    "доставка опять опоздала на два дня, поддержка молчит",
    "the courier was late again and support never answered my emails",
    "tətbiq əla işləyir, ödəniş bir saniyədə keçdi, təşəkkürlər",
    "uygulama harika, iade süreci çok hızlı oldu, teşekkürler",
    "отличное приложение, всё быстро и понятно, спасибо",
    "great prices this week and the app is much faster now, love it",
    ("Ürün açıklamada yazanla aynı değil, kumaşı ince, bedeni küçük geldi, iade etmek istiyorum ama iade "
    "formu sürekli hata veriyor ve müşteri hizmetlerine de ulaşamıyorum, üç gündür bekliyorum"),
    ("Заказал телефон, пришёл с царапиной на экране, в пункте выдачи сказали писать в поддержку, а поддержка "
    "отвечает шаблонами уже неделю, деньги не возвращают"),
]


def main() -> None:
    """Time each configuration; print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--mentions", type=int, default=3072)
    ap.add_argument("--workers", default="1,2")
    args = ap.parse_args()
    from prefect import flow
    from prefect.testing.utilities import prefect_test_harness

    from core.config import settings_from_mapping
    from flows.scale import score_distributed, scoring_runner
    from pipeline import get_scorer, score_records

    settings = settings_from_mapping({"brands": [{"name": "Narmart", "keywords": ["Narmart"]}]})
    records = [{"mention_id": f"x:{i}", "platform": "x", "text": f"Narmart {TEXTS[i % len(TEXTS)]} #{i}"}
               for i in range(args.mentions)]
    warm = records[: settings.model.batch_size]
    results: list[tuple[str, float, float | None]] = []
    scorer = get_scorer(settings)
    score_records(warm, scorer)
    t = time.perf_counter()
    score_records(records, scorer)
    serial = args.mentions / (time.perf_counter() - t)
    results.append((f"in process ({os.cpu_count()} torch threads)", serial, None))

    @flow
    def run(workers: int) -> tuple[float, float]:
        with scoring_runner(settings, workers) as runner:
            t0 = time.perf_counter()
            score_distributed(runner, settings, warm * workers * 2)  # every worker gets a chunk: model loaded
            load = time.perf_counter() - t0
            t1 = time.perf_counter()
            score_distributed(runner, settings, records)
            return args.mentions / (time.perf_counter() - t1), load

    with prefect_test_harness(server_startup_timeout=120):
        for n in (int(w) for w in args.workers.split(",")):
            rate, load = run(n)
            results.append((f"Dask, {n} worker(s) x 1 thread", rate, load))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"load average {' / '.join(f'{v:.2f}' for v in os.getloadavg())}; {args.mentions:,} mentions, "
          f"batch {settings.model.batch_size}")
    print(f"{'configuration':<36} {'mentions/s':>11} {'speed-up':>9} {'warm-up s':>10}")
    for name, rate, load in results:
        print(f"{name:<36} {rate:11.1f} {rate / serial:9.2f} {'' if load is None else f'{load:10.1f}'}")


if __name__ == "__main__":
    main()
