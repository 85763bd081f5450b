"""The privacy lifecycle (issue 18): `voxpop forget`, `storage.retention_days`, the erasure audit log.

Stores are built by the real listen pipeline (file source, keyword sentiment, a tiny encoder); the check
after an erasure reads every file under the store, raw bytes and decoded Parquet alike, for the author's
hash, the removed mention ids and their texts.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from core.config import Settings, load_settings
from listeners import SAMPLE_PATH, Pseudonymizer
from nlp import Scorer
from pipeline import ListenRun
from storage import AuditLog, Correction, MentionStore, connect
from tests.conftest import BRANDS, KeywordSentiment
from voxpop.cli import app

AUTHOR = "Leyla_M"  # mixed case and an @ on some rows: the hash is of the normalised handle
DEMO = Path(__file__).resolve().parents[1] / "voxpop" / "demo.yaml"


class TinyEncoder:
    """A 16-dimensional text-seeded vector: embeddings are stored without loading a model."""

    name = "tiny-test"
    dim = 16

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = [np.random.default_rng(zlib.crc32(t.encode())).normal(size=self.dim) for t in texts]
        return np.asarray([v / np.linalg.norm(v) for v in out], dtype=np.float32)


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer(sentiment=KeywordSentiment(), encoder=TinyEncoder())


def _rows(today: date) -> list[dict[str, Any]]:
    """Five posts of AUTHOR over four days among eight of others, one of them naming no author."""
    def day(n: int, hour: int) -> str:
        return datetime(today.year, today.month, today.day, hour, tzinfo=UTC).__sub__(timedelta(days=n)).isoformat()

    mine = [
        {"id": "101", "author": AUTHOR, "created_at": day(5, 9), "text": "Narmart courier lost my parcel zqxleyla1"},
        {"id": "102", "author": "@leyla_m", "created_at": day(4, 10), "text": "Narmart refund still late zqxleyla2"},
        {"id": "103", "author": AUTHOR, "created_at": day(4, 11), "text": "Tezbazar is expensive zqxleyla3"},
        {"id": "104", "author": "LEYLA_M", "created_at": day(2, 8), "text": "love Lumo, great app zqxleyla4"},
        {"id": "105", "author": AUTHOR, "created_at": day(1, 12), "text": "Narmart support thanks zqxleyla5"},
    ]
    others = [
        {"id": str(200 + i), "author": f"other{i % 3}", "created_at": day(i % 5 + 1, 13 + i % 4),
         "text": f"Narmart delivery note number {i} from someone else"} for i in range(7)
    ]
    others.append({"id": "299", "created_at": day(3, 9), "text": "Lumo checkout works great, no author"})
    return [{**r, "platform": "x", "url": f"https://x.com/{r.get('author', 'i')}/status/{r['id']}"}
            for r in [*mine, *others]]


def _project(tmp_path: Path, rows: list[dict[str, Any]], **storage: Any) -> Path:
    (tmp_path / "exports").mkdir(exist_ok=True)
    (tmp_path / "exports" / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    config = {**BRANDS, "storage": {"path": "data", **storage}, "topics": {"enabled": False},
              "report": {"window_days": 2},
              "sources": [{"name": "export", "type": "file", "options": {"path": "exports", "page_size": 5}}]}
    path = tmp_path / "voxpop.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def _listen(settings: Settings, scorer: Scorer) -> dict[str, Any]:
    return ListenRun(settings, MentionStore(settings.storage.path), lambda: scorer, run_id="test-run").run(["export"])


def _found(root: Path, needles: Iterable[str]) -> dict[str, list[str]]:
    """needle -> files under ``root`` holding it: raw bytes of every file, and decoded values of Parquet files."""
    wanted = [n for n in needles if n]
    hits: dict[str, list[str]] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        raw = path.read_bytes()
        text = ""
        if raw[:4] == b"PAR1":
            text = str(pq.read_table(path).to_pylist())
            text += str(pq.ParquetFile(path).metadata.to_dict())  # footer statistics
        for n in wanted:
            if n.encode() in raw or n in text:
                hits.setdefault(n, []).append(str(path.relative_to(root)))
    return hits


def _alert(mention_id: str) -> dict[str, Any]:
    day = date(2026, 10, 1)
    key = f"reach|Narmart|{mention_id}|{day.isoformat()}"
    return {"run_id": "r", "alert_id": f"{key}|open", "episode_key": key, "event": "open", "rule": "reach",
            "rule_type": "high_reach_negative", "brand": "Narmart", "subject": mention_id, "episode_start": day,
            "as_of": day, "status": "sent", "channel": "file", "attempts": 1,
            "title": "Narmart: a negative mention with high reach"}


@pytest.fixture
def project(tmp_path: Path, scorer: Scorer) -> Path:
    """A store with AUTHOR's five mentions among others, a rewritten day, a correction, alerts, a quarantined row."""
    today = datetime.now(UTC).date()
    rows = _rows(today)
    config = _project(tmp_path, rows)
    settings = load_settings(config)
    _listen(settings, scorer)
    # A second export: new like counts rewrite the days (the old copies stay on disk for older readers),
    # and a malformed row of AUTHOR's goes to the quarantine with its id.
    again = [{**r, "likes": 7} for r in rows]
    bad = {"id": "106", "platform": "x", "author": AUTHOR, "created_at": "not a date", "text": "Narmart zqxleyla6"}
    # The same post exported again with a broken count: quarantined, and tied to the stored x:103 by its id.
    broken = {**rows[2], "likes": "many", "text": rows[2]["text"] + " zqxbroken"}
    (tmp_path / "exports" / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in [*again, bad, broken]),
                                                  encoding="utf-8")
    _listen(settings, scorer)
    store = MentionStore(settings.storage.path)
    store.add_corrections([
        Correction(mention_id="x:102", brand="Narmart", field="sentiment", new_value="negative", author="analyst",
                   note="refund complaint zqxnote"),
        Correction(mention_id="x:201", brand="Narmart", field="sentiment", new_value="neutral", author="analyst"),
    ])
    store.record_alerts([_alert("x:101"), _alert("x:202")])
    return config


def _needles(settings: Settings) -> list[str]:
    key = Pseudonymizer.from_settings(settings)
    return [key("x", AUTHOR), *(f"x:{i}" for i in range(101, 106)), *(f"zqxleyla{i}" for i in range(1, 6)),
            "zqxnote", "zqxbroken", "/status/101"]


def test_forget_an_author_leaves_no_trace_in_any_file(project: Path) -> None:
    settings = load_settings(project)
    root = settings.storage.path
    needles = _needles(settings)
    before = _found(root, needles)
    # Every trace is there first (so the scan can fail): the hash, every id and text, the correction's note.
    assert set(before) == set(needles), sorted(set(needles) - set(before))
    with connect(root) as con:
        others = con.execute("SELECT mention_id, likes FROM mentions WHERE mention_id NOT LIKE 'x:10%' "
                             "ORDER BY 1").fetchall()
    assert len(others) == 8

    result = CliRunner().invoke(app, ["forget", "-c", str(project), "--author", "@Leyla_M"])

    assert result.exit_code == 0, result.output
    assert "forgot 5 mention(s)" in result.output
    assert _found(root, needles) == {}
    # The malformed row was quarantined with its author column removed, so nothing ties it to the author:
    # it stays (docs/privacy.md) until forgotten by id or expired by retention.
    (left,) = [r for _, r in MentionStore(root).quarantined_records("bad_timestamp")] or [None]
    assert left is not None
    assert left["author"] == "<removed>"
    assert left["id"] == "106"
    with connect(root) as con:
        assert con.execute("SELECT mention_id, likes FROM mentions ORDER BY 1").fetchall() == others
        assert con.execute("SELECT count(*) FROM embeddings").fetchone() == (8,)
        assert con.execute("SELECT mention_id FROM corrections").fetchall() == [("x:201",)]
        assert con.execute("SELECT subject FROM alerts").fetchall() == [("x:202",)]
        assert con.execute("SELECT count(*) FROM mentions_corrected WHERE corrected").fetchone() == (1,)
    # The audit entry: counts and digests, never the handle, the hash, an id or a text.
    (entry,) = AuditLog(MentionStore(root).layout).entries()
    assert entry["command"] == "forget"
    assert entry["removed"] == {"mentions": 5, "embeddings": 5, "quarantine": 1, "corrections": 1, "alerts": 1}
    assert entry["request_id"] in result.output
    assert len(entry["mention_digests"]) == 5
    digest = Pseudonymizer.from_settings(settings).audit_digest
    assert sorted(entry["mention_digests"]) == sorted(digest(f"x:{i}") for i in range(101, 106))
    text = MentionStore(root).layout.audit.read_text(encoding="utf-8").casefold()
    assert "leyla" not in text
    assert "zqx" not in text

    # Idempotent: a second request finds nothing, changes nothing, and is audited with zero counts.
    files = sorted(p.relative_to(root) for p in root.rglob("*.parquet"))
    again = CliRunner().invoke(app, ["forget", "-c", str(project), "--author", "leyla_m"])
    assert again.exit_code == 0, again.output
    assert "nothing stored matched" in again.output
    assert sorted(p.relative_to(root) for p in root.rglob("*.parquet")) == files
    assert AuditLog(MentionStore(root).layout).entries()[-1]["removed"] == dict.fromkeys(entry["removed"], 0)


def test_forget_by_mention_id_and_dry_run(project: Path) -> None:
    settings = load_settings(project)
    root = settings.storage.path
    dry = CliRunner().invoke(app, ["forget", "-c", str(project), "--mention", "x:201", "--mention", "x:106",
                                   "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "nothing was changed" in dry.output
    assert _found(root, ["x:201"])
    assert not MentionStore(root).layout.audit.exists()

    done = CliRunner().invoke(app, ["forget", "-c", str(project), "--mention", "x:201", "--mention", "x:106"])

    assert done.exit_code == 0, done.output
    assert _found(root, ["x:201", "zqxleyla6"]) == {}  # x:106 was only ever quarantined
    with connect(root) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (12,)
        assert con.execute("SELECT count(*) FROM mentions WHERE mention_id LIKE 'x:10%'").fetchone() == (5,)
    (entry,) = AuditLog(MentionStore(root).layout).entries()
    assert entry["removed"]["mentions"] == 1
    assert entry["removed"]["quarantine"] == 1
    assert entry["named"] == {"author": False, "platforms": "all", "mentions": 2}


def test_forget_explains_what_is_missing(project: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    nothing = runner.invoke(app, ["forget", "-c", str(project)])
    assert nothing.exit_code == 2
    assert "name an author" in nothing.output
    # Without the key the hashes cannot be recomputed: refused, not a silent no-op.
    moved = load_settings(project)
    other = tmp_path / "elsewhere.yaml"
    raw = yaml.safe_load(project.read_text(encoding="utf-8"))
    raw["privacy"] = {"pseudonym_key_file": str(tmp_path / "no-such.key")}
    raw["storage"]["path"] = str(moved.storage.path)
    other.write_text(yaml.safe_dump(raw), encoding="utf-8")
    refused = runner.invoke(app, ["forget", "-c", str(other), "--author", AUTHOR])
    assert refused.exit_code == 2
    assert "no pseudonymisation key" in refused.output
    assert not (tmp_path / "no-such.key").exists()
    assert "Traceback" not in refused.output


def test_forget_reads_the_handle_from_stdin_and_narrows_to_a_platform(project: Path) -> None:
    root = load_settings(project).storage.path
    elsewhere = CliRunner().invoke(app, ["forget", "-c", str(project), "--author", "-", "--platform", "reddit"],
                                   input="leyla_m\n")
    assert elsewhere.exit_code == 0, elsewhere.output
    assert "forgot 0 mention(s)" in elsewhere.output
    done = CliRunner().invoke(app, ["forget", "-c", str(project), "--author", "-", "--platform", "x"],
                              input="leyla_m\n")
    assert done.exit_code == 0, done.output
    assert "forgot 5 mention(s)" in done.output
    assert "leyla" not in done.output.casefold()
    assert _found(root, ["zqxleyla1", "x:105"]) == {}


def test_retention_drops_old_days_on_every_listen_and_audits_it(tmp_path: Path, scorer: Scorer) -> None:
    today = datetime.now(UTC).date()
    rows = _rows(today)
    old = [{"id": str(900 + i), "platform": "x", "author": "old_timer",
            "created_at": (datetime.now(UTC) - timedelta(days=40 + i)).isoformat(),
            "text": f"Narmart ancient post zqxold{i}"} for i in range(3)]
    config = _project(tmp_path, [*rows, *old])
    settings = load_settings(config)
    _listen(settings, scorer)  # no retention yet: everything is kept
    root = settings.storage.path
    MentionStore(root).add_corrections([Correction(mention_id="x:900", brand="Narmart", field="sentiment",
                                                   new_value="negative", author="analyst")])
    ids = [f"x:{900 + i}" for i in range(3)]
    assert set(_found(root, ids)) == set(ids)

    raw = yaml.safe_load(config.read_text(encoding="utf-8"))
    raw["storage"]["retention_days"] = 30
    config.write_text(yaml.safe_dump(raw), encoding="utf-8")
    summary = _listen(load_settings(config), scorer)

    assert summary["retention"]["removed"] == {"mentions": 3, "embeddings": 3, "corrections": 1}
    assert _found(root, [*ids, "zqxold0", "zqxold2"]) == {}
    assert not [p for p in (root / "mentions").iterdir() if p.name < f"mention_date={today - timedelta(days=30)}"
                and p.name.startswith("mention_date=")]
    with connect(root) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone() == (13,)
    (entry,) = AuditLog(MentionStore(root).layout).entries()
    assert (entry["command"], entry["retention_days"], entry["days"]) == ("retention", 30, 3)
    assert entry["request_id"] == "test-run"
    assert entry["mention_digests"] == []
    # The next run has nothing to expire: no new audit entry.
    assert _listen(load_settings(config), scorer)["retention"]["removed"] == {}
    assert len(AuditLog(MentionStore(root).layout).entries()) == 1


def test_retention_must_cover_the_report_window(tmp_path: Path) -> None:
    config = _project(tmp_path, [], retention_days=1)
    result = CliRunner().invoke(app, ["check", "-c", str(config)])
    assert result.exit_code != 0
    assert "retention_days (1) is shorter than report.window_days (2)" in result.output


def test_forget_on_the_demo_store(tmp_path: Path, scorer: Scorer) -> None:
    """The acceptance point: the demo's sample store, one pseudonymised author, every file read afterwards."""
    project = tmp_path / "voxpop-demo"
    project.mkdir()
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    raw["topics"] = {"enabled": False}  # the fit is not what is tested, and takes long on two cores
    config = project / "voxpop.yaml"
    config.write_text(yaml.safe_dump(raw), encoding="utf-8")
    settings = load_settings(config)
    ListenRun(settings, MentionStore(settings.storage.path), lambda: scorer, run_id="demo").run(["sample"])
    root = settings.storage.path
    with connect(root) as con:
        total = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
        author = con.execute("SELECT author_hash FROM mentions WHERE platform = 'x' GROUP BY 1 "
                             "ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
        mine = con.execute("SELECT mention_id, text FROM mentions WHERE author_hash = ?", [author]).fetchall()
        # a text someone else also posted stays, rightly: only texts unique to the author are looked for
        shared = {t for (t,) in con.execute("SELECT text FROM mentions WHERE author_hash IS DISTINCT FROM ?",
                                            [author]).fetchall()}
    handles = {_handle(settings, author)}
    assert len(handles) == 1
    assert None not in handles
    needles = [author, *(mid for mid, _ in mine), *(text for _, text in mine if text not in shared)]
    assert len(mine) >= 5
    assert set(_found(root, needles)) == set(needles)

    # The sample reuses handles across platforms; the pseudonym is per platform, so is this request.
    result = CliRunner().invoke(app, ["forget", "-c", str(config), "--author", handles.pop(), "--platform", "x"])

    assert result.exit_code == 0, result.output
    assert f"forgot {len(mine)} mention(s)" in result.output
    assert _found(root, needles) == {}
    with connect(root) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == total - len(mine)
        assert con.execute("SELECT count(*) FROM mentions WHERE author_hash = ?", [author]).fetchone()[0] == 0


def _handle(settings: Settings, author_hash: str) -> str | None:
    """The sample's handle behind ``author_hash`` (the test knows the sample; voxpop itself never stores it)."""

    key = Pseudonymizer.from_settings(settings)
    for line in Path(SAMPLE_PATH).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("author") and key(row["platform"], row["author"]) == author_hash:
            return row["author"]
    return None
