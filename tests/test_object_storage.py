"""Stores in object storage (issue 18.1): ``storage.path: s3://bucket/prefix`` against a moto S3 server on 127.0.0.1.

The same demo on local disk and in the bucket must hold and report the same figures, ``voxpop query``
must read them back, nothing may be left behind but the store itself (no lock object, no temporary), a
re-run must add nothing, the explorer must count it all and ``voxpop forget`` must leave no trace of an
author in any object. The lock objects that replace file locks there must admit one holder, let a
dead holder's lease lapse, and never delete a lock another process took over.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from filelock import Timeout
from typer.testing import CliRunner

from core.location import store_root
from nlp import Scorer
from storage import MentionStore, connect
from storage.objects import ObjectLock
from tests.conftest import KeywordSentiment
from tests.fakes.s3 import new_prefix
from tests.test_privacy import TinyEncoder, _handle
from voxpop.cli import app

DEMO = Path(__file__).resolve().parents[1] / "voxpop" / "demo.yaml"
FIGURES = ("SELECT brand, sentiment, lang, platform, count(*) AS n, sum(len(aspects)) AS aspects, "
           "sum(is_pain_point::INT) AS pains, count(rating) AS rated FROM mentions GROUP BY ALL ORDER BY ALL")


@pytest.fixture
def keyword_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's listen with the keyword model (the store, not the model, is under test)."""
    import flows.listen

    scorer = Scorer(sentiment=KeywordSentiment(), encoder=TinyEncoder())
    monkeypatch.setattr(flows.listen, "get_scorer", lambda _settings: scorer)


def _demo(folder: Path, storage: str | None) -> tuple[Any, str]:
    """``voxpop demo`` into ``folder`` (topics off: the fit is not under test); its figures and its output."""
    folder.mkdir(parents=True)
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    raw["topics"] = {"enabled": False}
    (folder / "voxpop.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    args = ["demo", "--directory", str(folder)] + (["--storage", storage] if storage else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    query = CliRunner().invoke(app, ["query", "-c", str(folder / "voxpop.yaml"), "--format", "csv", FIGURES])
    assert query.exit_code == 0, query.output
    return query.output, result.output


def _objects(url: str) -> dict[str, bytes]:
    """Every object under an ``s3://`` store, by key relative to the store."""
    root = store_root(url)
    prefix = str(root).split("://", 1)[1]
    return {key[len(prefix) + 1:]: root.fs.cat_file(key) for key in root.fs.find(prefix)}


def test_the_demo_on_s3_stores_and_reports_what_it_does_on_disk(tmp_path: Path, s3_env: str,
                                                                  keyword_model: None) -> None:
    url = new_prefix("demo")
    disk, _ = _demo(tmp_path / "disk", None)
    remote, remote_out = _demo(tmp_path / "s3", url)

    assert remote == disk  # every figure the query groups by, from the bucket
    assert len(disk.splitlines()) > 20
    assert f"storage:\n  path: {json.dumps(url)}" in (tmp_path / "s3" / "voxpop.yaml").read_text(encoding="utf-8")
    assert f"Parquet dataset: {url}/mentions" in remote_out
    summaries = [re.sub(r"(?m)^.*(generated|voxpop-demo|/tmp/).*$", "", (p / "reports").joinpath(n).read_text("utf-8"))
                 for p in (tmp_path / "disk", tmp_path / "s3")
                 for n in sorted(x.name for x in (p / "reports").glob("*.md"))]
    assert summaries[: len(summaries) // 2] == summaries[len(summaries) // 2:]  # the same report text

    objects = _objects(url)
    assert any(k.startswith("mentions/_delta_log/") for k in objects)
    assert not [k for k in objects if k.endswith(".lock") or ".tmp" in k]  # every lease released, no temporary
    _rerun_explore_and_forget(tmp_path / "s3" / "voxpop.yaml", url, sum(int(r["n"]) for r in csv.DictReader(
        io.StringIO(disk))))


def _rerun_explore_and_forget(config: Path, url: str, total: int) -> None:
    """On the demo's bucket: a re-run adds nothing, the explorer counts it all, forget leaves no trace."""
    from core.config import load_settings
    from explorer import Explorer, Filters
    from nlp.aspects import Taxonomy
    from pipeline import ListenRun

    settings = load_settings(config)
    scorer = Scorer(sentiment=KeywordSentiment(), encoder=TinyEncoder())
    ListenRun(settings, MentionStore(url), lambda: scorer, run_id="again").run(["sample"])
    with connect(url) as con:
        assert con.execute("SELECT count(*), count(DISTINCT mention_id) FROM mentions").fetchone() == (total, total)
        author = con.execute("SELECT author_hash FROM mentions WHERE platform = 'x' GROUP BY 1 "
                             "ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
        mine = [r[0] for r in con.execute("SELECT mention_id FROM mentions WHERE author_hash = ?", [author]).fetchall()]

    explorer = Explorer(url, brands=[b.name for b in settings.brands],
                        competitors=[c.name for c in settings.competitors], window_days=3650,
                        taxonomy=Taxonomy.pack(settings.model.taxonomy))
    try:
        assert explorer.overview(Filters())["total"] == total
        assert explorer.mentions(Filters()).total == total
    finally:
        explorer.close()

    handle = _handle(settings, author)
    assert handle is not None
    result = CliRunner().invoke(app, ["forget", "-c", str(config), "--author", handle, "--platform", "x"])
    assert result.exit_code == 0, result.output
    assert f"forgot {len(mine)} mention(s)" in result.output
    blobs = _objects(url)
    assert not [k for k, data in blobs.items() if author.encode() in data or any(m.encode() in data for m in mine)]
    assert "audit/erasures.jsonl" in blobs
    with connect(url) as con:
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == total - len(mine)


def test_a_lock_object_admits_one_holder_and_a_dead_holders_lease_lapses(s3_env: str) -> None:
    url = new_prefix("locks")
    path = store_root(url) / "state" / ".write.lock"
    first, second = ObjectLock(path), ObjectLock(path)
    with first:
        with first:  # reentrant, like the file lock it stands in for
            pass
        assert first.is_locked
        with pytest.raises(Timeout):
            second.acquire(timeout=0)
        started = time.monotonic()
        with pytest.raises(Timeout):
            second.acquire(timeout=1.5)  # the holder renews its lease meanwhile
        assert time.monotonic() - started >= 1.5
    assert not path.exists()  # released: the object is gone
    with second:
        pass

    # A holder killed mid-run: its lease object stays, unrenewed, and lapses after the lease (3 s here).
    path.write_text(json.dumps({"pid": 1, "host": "gone", "expires": time.time() + 1}), encoding="utf-8")
    taker = ObjectLock(path)
    started = time.monotonic()
    with taker:
        assert 0.5 < time.monotonic() - started < 10
        note = json.loads(path.read_text(encoding="utf-8"))
        assert note["pid"] != 1
        # Taken over from under an earlier holder: that holder's release must not delete the new lock.
        stale = ObjectLock(path)
        stale._count, stale._etag = 1, '"not-the-current-version"'
        stale.release()
        assert path.exists()
    assert not path.exists()


def test_an_unreachable_bucket_is_one_line_of_advice(tmp_path: Path, s3_env: str) -> None:
    raw = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    raw["storage"] = {"path": "s3://no-such-bucket-here/voxpop"}
    config = tmp_path / "voxpop.yaml"
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    for command in (["check", "-c", str(config)], ["listen", "-c", str(config)], ["report", "-c", str(config)]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code != 0, command
        assert "bucket 'no-such-bucket-here' does not exist" in result.output, (command, result.output)
        assert "Traceback" not in result.output
