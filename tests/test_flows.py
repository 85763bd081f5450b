"""Flows end to end, in-process against a temporary Prefect server (prefect_test_harness)."""

from __future__ import annotations

import json
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import flows.listen as listen_mod
import flows.rescore as rescore_mod
from core.errors import VoxpopError
from flows.listen import listen
from flows.report import report
from flows.rescore import rescore
from nlp import Scorer
from storage import MentionStore, connect
from tests.conftest import KeywordSentiment

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    scorer = Scorer(sentiment=KeywordSentiment())
    monkeypatch.setattr(listen_mod, "get_scorer", lambda settings: scorer)
    rows = [
        {"id": "1", "platform": "x", "created_at": "2026-10-01T10:00:00Z", "author": "@a",
         "text": "Narmart delivery late again 😡", "likes": 3},
        {"id": "2", "platform": "x", "created_at": "2026-10-01T11:00:00Z", "author": "@b",
         "text": "Tezbazar prices are so expensive now", "likes": 1},
        {"id": "2", "platform": "x", "created_at": "2026-10-01T11:00:00Z", "author": "@b",
         "text": "Tezbazar prices are so expensive now", "likes": 1},
        {"id": "3", "platform": "reddit", "created_at": "2026-10-02T09:00:00Z", "text": "love Lumo, great app"},
        {"id": "4", "platform": "x", "created_at": "2026-10-02T09:00:00Z", "text": "unrelated chatter"},
        {"id": "5", "platform": "x", "created_at": "not a date", "text": "Narmart"},
        {"id": "6", "platform": "x", "created_at": "2026-10-03T09:00:00Z", "text": ""},
    ]
    data = tmp_path / "export.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text(
        "project: Flow test\n"
        "brands: [{name: Narmart, keywords: [Narmart]}]\n"
        "competitors: [{name: Tezbazar, keywords: [Tezbazar]}, {name: Lumo, keywords: [Lumo]}]\n"
        "sources:\n  - {name: export, type: file, options: {path: export.jsonl, page_size: 2}}\n"
        "storage: {path: data}\nreport: {out_dir: out, window_days: 7}\n",
        encoding="utf-8",
    )
    return cfg


def test_listen_then_report(project: Path) -> None:
    first: dict[str, Any] = listen(config=str(project))
    src = first["sources"][0]
    assert (src["fetched"], src["inserted"], src["duplicates"], src["no_brand"], src["quarantined"]) == (5, 3, 1, 1, 2)
    assert src["pages"] == 4
    root = project.parent / "data"
    with connect(root) as con:
        rows = con.execute("SELECT mention_id, brand, is_competitor, sentiment, aspects, is_pain_point "
                           "FROM mentions ORDER BY mention_id").fetchall()
        reasons = [r[0] for r in con.execute("SELECT reason FROM quarantine ORDER BY reason").fetchall()]
    assert rows == [
        ("reddit:3", "Lumo", True, "positive", ["website_app"], False),
        ("x:1", "Narmart", False, "negative", ["delivery"], True),
        ("x:2", "Tezbazar", True, "negative", ["price"], True),
    ]
    assert any("unparseable timestamp" in r for r in reasons)
    assert any("empty or missing text" in r for r in reasons)

    # A re-run adds nothing: the cursor skips the unchanged file.
    second = listen(config=str(project))
    assert second["sources"][0]["fetched"] == 0
    # Even with the cursor gone, dedupe on platform + native id keeps the data unchanged.
    (root / "state" / "cursors.json").unlink()
    third = listen(config=str(project))
    assert (third["sources"][0]["inserted"], third["sources"][0]["duplicates"]) == (0, 4)
    assert third["sources"][0]["refreshed"] == 0
    assert MentionStore(root).count() == 3

    # The export is re-exported with newer engagement: counts update in place, nothing is rescored.
    export = project.parent / "export.jsonl"
    export.write_text(export.read_text(encoding="utf-8").replace('"likes": 3', '"likes": 40'), encoding="utf-8")
    fourth = listen(config=str(project))
    assert (fourth["sources"][0]["inserted"], fourth["sources"][0]["refreshed"]) == (0, 1)
    with connect(root) as con:
        assert con.execute("SELECT likes, sentiment, run_id = ? FROM mentions WHERE mention_id = 'x:1'",
                           [first["run_id"]]).fetchone() == (40, "negative", True)

    files = report(config=str(project))
    html = Path(files["trend"]).read_text(encoding="utf-8")
    assert "Flow test" in html
    assert "Narmart" in html
    assert "Delivery" in Path(files["painpoints"]).read_text(encoding="utf-8")
    assert Path(files["markdown"]).exists()


def test_rescore_flow_finds_a_fresh_listen_up_to_date(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    listen(config=str(project))
    monkeypatch.setattr(rescore_mod, "get_scorer", listen_mod.get_scorer)  # the fixture's scorer
    summary = rescore(config=str(project))
    assert (summary["days"], summary["rows"], summary["changed"], summary["removed"]) == (2, 3, 0, 0)
    assert rescore(config=str(project), only="brands")["changed"] == 0


def test_unknown_source_is_explained(project: Path) -> None:
    with pytest.raises(VoxpopError, match="unknown source"):
        listen(config=str(project), sources=["nope"])


class SubjectEncoder:
    """Stand-in encoder: one direction per subject word, plus a little text-seeded noise."""

    name = "subject-test"
    dim = 16
    SUBJECTS = ("courier", "price", "app")

    def encode(self, texts: Any) -> np.ndarray:
        out = []
        for text in texts:
            rng = np.random.default_rng(zlib.crc32(text.encode()))
            v = rng.normal(scale=0.2, size=self.dim)
            for k, word in enumerate(self.SUBJECTS):
                if word in text:
                    v[k] += 3
            out.append(v / np.linalg.norm(v))
        return np.asarray(out, dtype=np.float32)


def test_listen_stores_embeddings_and_fills_topics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scorer = Scorer(sentiment=KeywordSentiment(), encoder=SubjectEncoder())
    monkeypatch.setattr(listen_mod, "get_scorer", lambda settings: scorer)
    words = {"courier": ["courier", "late", "parcel", "delivery"], "price": ["price", "expensive", "fee", "discount"],
             "app": ["app", "crashes", "login", "checkout"]}
    rows = []
    for i in range(90):
        subject = SubjectEncoder.SUBJECTS[i % 3]
        picked = [words[subject][(i + j) % 4] for j in range(3)]
        rows.append({"id": str(i), "platform": "x", "created_at": f"2026-10-{1 + i % 20:02d}T10:00:00Z",
                     "text": f"Narmart the {subject} {' '.join(picked)} number {i}"})
    (tmp_path / "export.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text("brands: [{name: Narmart, keywords: [Narmart]}]\n"
                   "sources:\n  - {name: export, type: file, options: {path: export.jsonl}}\n"
                   "storage: {path: data}\n", encoding="utf-8")
    first = listen(config=str(cfg))
    topics = first["topics"]
    assert len(topics["topics"]) == 3
    assert topics["embedded"] == 90
    assert topics["labelled"] > 80
    root = tmp_path / "data"
    with connect(root) as con:
        labels = dict(con.execute("SELECT topic, count(*) FROM mentions GROUP BY 1").fetchall())
        joined = con.execute("SELECT count(*) FROM read_parquet($1) e JOIN mentions USING (mention_id)",
                             [f"{root}/embeddings/*/*.parquet"]).fetchone()[0]
    assert joined == 90
    assert {t["label"] for t in topics["topics"]} <= set(labels)
    assert all("narmart" not in str(label).lower() for label in labels)
    # Nothing new: no refit, labels unchanged.
    assert listen(config=str(cfg))["topics"] is None


def test_listen_imports_a_bank_export_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: store names, day-first local dates and extra columns survive `listen`; a post exported
    again without an id but with the same link is one mention."""
    scorer = Scorer(sentiment=KeywordSentiment())
    monkeypatch.setattr(listen_mod, "get_scorer", lambda settings: scorer)
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "nov.csv").write_text(
        "date,text,source,url,rating,author,branch\n"
        "21.11.2026 14:05,Kapital Bank tətbiqi rezalet gecikir,google play,https://play.example/r/1,1,@aysel,Nərimanov\n"
        "21.11.2026 15:40,Leobank отлично работает,App Store,https://apps.example/r/2,5,@oleg,\n"
        "22.11.2026 09:00,ABB kart çok bahalı,Trustpilot.com,https://tp.example/r/3,2,@mert,28 May\n",
        encoding="utf-8")
    (tmp_path / "exports" / "nov-again.csv").write_text(
        "date,text,source,url,rating,author,branch\n"
        "21.11.2026 14:05,Kapital Bank tətbiqi rezalet gecikir,Google Play,https://PLAY.example/r/1/?utm_source=x,1,"
        "@aysel,Nərimanov\n", encoding="utf-8")
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text(
        "brands: [{name: Kapital Bank, keywords: [Kapital Bank]}]\n"
        "competitors: [{name: ABB, keywords: [ABB]}, {name: Leobank, keywords: [Leobank]}]\n"
        "sources:\n  - name: reviews\n    type: file\n    options:\n      path: exports\n"
        "      timezone: Asia/Baku\n      extra_columns: {rating: int, branch: str}\n"
        "storage: {path: data}\ntopics: {enabled: false}\n", encoding="utf-8")
    src = listen(config=str(cfg))["sources"][0]
    assert (src["fetched"], src["inserted"], src["duplicates"], src["quarantined"]) == (4, 3, 1, 0)
    with connect(tmp_path / "data") as con:
        rows = con.execute("SELECT platform, brand, strftime(created_at, '%Y-%m-%d %H:%M'), extras['rating'], "
                           "extras['branch'] FROM mentions ORDER BY created_at").fetchall()
    assert rows == [
        ("google_play", "Kapital Bank", "2026-11-21 10:05", "1", "Nərimanov"),
        ("app_store", "Leobank", "2026-11-21 11:40", "5", None),
        ("trustpilot", "ABB", "2026-11-22 05:00", "2", "28 May"),
    ]
