"""Distributed scoring (issue 18.2): ``voxpop backfill`` on a local Dask cluster of two workers stores exactly
what the serial run stores, a re-run imports nothing new, a re-score of the serial store's date range on
the workers changes nothing, and each worker loads the model once.

The real default model runs on the workers (it ships in the package: nothing is downloaded); the
export is generated here, in four languages, with dates in two formats and rows that must be quarantined.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from core.config import load_settings
from storage import connect
from voxpop.cli import app

pytestmark = pytest.mark.usefixtures("prefect_harness")

TEXTS = [
    "Narmart çatdırılma yenə gecikdi, 3 gündür gözləyirəm",
    "Narmart kargo çok geç geldi, rezalet",
    "Нармарт доставка опять опоздала, ужас",
    "Narmart the courier was late again and support never answered",
    "Narmart tətbiqi əla işləyir, təşəkkürlər",
    "Narmart uygulaması harika, teşekkürler",
    "Нармарт отличное приложение, спасибо",
    "Narmart has great prices this week, love it",
    "Narmart mağazası saat neçədə açılır?",
    "Narmart yeni kampanya ne zaman başlıyor?",
]


def _export(path: Path, rows: int = 130) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "date", "review", "platform"])
        for i in range(rows):
            day = 1 + i % 28
            when = f"{day:02d}.10.2026 1{i % 10}:05" if i % 2 else f"2026-10-{day:02d}T09:{i % 60:02d}:00Z"
            out.writerow([str(i), when, f"{TEXTS[i % len(TEXTS)]} #{i}", "google play"])
        out.writerow(["bad-1", "not a date", "Narmart broken row", "google play"])


def _project(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "voxpop.yaml").write_text(
        "brands: [{name: Narmart, keywords: [Narmart, Нармарт]}]\nlanguages: [az, tr, ru, en]\n"
        "storage: {path: data}\ntopics: {enabled: false}\n", encoding="utf-8")
    return folder / "voxpop.yaml"


def _stored(config: Path) -> dict[str, dict[str, Any]]:
    root = load_settings(config).storage.path
    with connect(root) as con:
        rows = con.execute("SELECT m.mention_id, m.sentiment, m.sentiment_probs, m.aspects, m.lang, m.brand, "
                           "m.is_pain_point, e.vector FROM mentions m JOIN embeddings e USING (mention_id)").fetchall()
    return {r[0]: {"sentiment": r[1], "probs": r[2], "aspects": r[3], "lang": r[4], "brand": r[5], "pain": r[6],
                   "vector": np.asarray(r[7], dtype=np.float32)} for r in rows}


def test_backfill_on_two_dask_workers_stores_what_the_serial_run_stores(tmp_path: Path) -> None:
    export = tmp_path / "reviews.csv"
    _export(export)
    serial, spread = _project(tmp_path / "serial"), _project(tmp_path / "spread")
    for config, workers in ((serial, "0"), (spread, "2")):
        result = CliRunner().invoke(app, ["backfill", str(export), "-c", str(config), "--workers", workers,
                                          "--option", "platform=google_play"])
        assert result.exit_code == 0, result.output
        assert "backfill-reviews-csv" in result.output
    one, two = _stored(serial), _stored(spread)
    assert len(one) == 130
    assert one.keys() == two.keys()
    for mid, row in one.items():
        other = two[mid]
        assert {k: row[k] for k in ("sentiment", "aspects", "lang", "brand", "pain")} == {
            k: other[k] for k in ("sentiment", "aspects", "lang", "brand", "pain")}, mid
        for label, p in row["probs"].items():
            assert other["probs"][label] == pytest.approx(p, abs=1e-5), mid
        np.testing.assert_allclose(other["vector"], row["vector"], atol=1e-5)
    with connect(load_settings(spread).storage.path) as con:
        assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 1  # the broken row, once

    again = CliRunner().invoke(app, ["backfill", str(export), "-c", str(spread), "--workers", "2",
                                     "--option", "platform=google_play"])
    assert again.exit_code == 0, again.output
    assert len(_stored(spread)) == 130

    # Re-scoring the serial store's date range on the workers changes nothing: the same scores again.
    rescored = CliRunner().invoke(app, ["backfill", "-c", str(serial), "--start", "2026-10-01", "--end",
                                        "2026-10-28", "--workers", "2", "--only", "lang,sentiment,aspects"])
    assert rescored.exit_code == 0, rescored.output
    assert "re-scored 130 mention(s) on 28 day(s): 0 changed" in rescored.output


def _model_loads() -> int:
    from pipeline.scoring import _scorer

    return _scorer.cache_info().misses


def test_each_worker_loads_the_model_once(tmp_path: Path) -> None:
    from flows.scale import score_distributed, scoring_runner
    from nlp.aspects import AspectTagger  # noqa: F401 - imported by the scorer on the workers too

    config = _project(tmp_path / "p")
    settings = load_settings(config)
    settings = settings.model_copy(update={"model": settings.model.model_copy(update={"batch_size": 8})})
    records = [{"mention_id": f"x:{i}", "text": TEXTS[i % len(TEXTS)], "platform": "x"} for i in range(64)]
    from prefect import flow

    @flow
    def run() -> tuple[Any, dict[str, int]]:
        with scoring_runner(settings, 2) as runner:
            page = score_distributed(runner, settings, records)
            return page, runner._client.run(_model_loads)

    page, loads = run()
    assert [r["mention_id"] for r in page.rows] == [r["mention_id"] for r in records]  # page order kept
    assert len(loads) == 2
    assert set(loads.values()) <= {0, 1}  # 8 chunks: a worker loads the model once, or not at all if it got none
    assert sum(loads.values()) >= 1
