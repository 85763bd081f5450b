"""One conformance suite for every registered social listener, against its fake API on 127.0.0.1.

Each scenario runs the real listen flow (Prefect, in-process) with the real client library talking HTTP to
the fake; see tests/fakes/__init__.py for the scenarios and the harness protocol.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from pathlib import Path
from typing import Any

import pytest
import yaml

import flows.listen as listen_mod
from core.errors import VoxpopError
from flows.listen import listen
from nlp import Scorer
from storage import connect
from tests.conftest import BRANDS, KeywordSentiment
from tests.fakes import HARNESSES, Harness

for _module in ("x", "reddit", "bluesky", "telegram", "telegram_bot", "google_play", "app_store", "youtube"):
    with contextlib.suppress(ModuleNotFoundError):
        importlib.import_module(f"tests.fakes.{_module}")

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness"),
              pytest.mark.skipif(not HARNESSES, reason="no listener harness registered")]


@pytest.fixture(params=sorted(HARNESSES))
def harness(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, start_harness: Any) -> Harness:
    scorer = Scorer(sentiment=KeywordSentiment())
    monkeypatch.setattr(listen_mod, "get_scorer", lambda settings: scorer)
    return start_harness(HARNESSES[request.param]())


def _config(tmp_path: Path, h: Harness) -> Path:
    cfg = tmp_path / "voxpop.yaml"
    raw = {**BRANDS, "sources": [h.source()], "storage": {"path": str(tmp_path / "data")}}
    cfg.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return cfg


def _stored(tmp_path: Path) -> dict[str, str]:
    with connect(tmp_path / "data") as con:
        return dict(con.execute("SELECT native_id, text FROM mentions").fetchall())


def _quarantined(tmp_path: Path) -> list[str]:
    with connect(tmp_path / "data") as con:
        return [r[0] for r in con.execute("SELECT reason FROM quarantine").fetchall()]


def _source(result: dict[str, Any]) -> dict[str, Any]:
    return result["sources"][0]


@pytest.mark.parametrize("scenario", ["pages", "rate_limit", "server_error", "duplicates"])
def test_collects_everything_once(tmp_path: Path, harness: Harness, scenario: str) -> None:
    expected = harness.load(scenario)
    cfg = _config(tmp_path, harness)
    first = listen(config=str(cfg))
    assert set(_stored(tmp_path)) == expected
    assert _source(first)["inserted"] == len(expected)
    again = listen(config=str(cfg))  # same data on the API: nothing new
    assert _source(again)["inserted"] == 0
    assert set(_stored(tmp_path)) == expected
    if scenario == "rate_limit":
        assert harness.sleeps(), "a 429 must make the listener wait for the reset"
        assert max(harness.sleeps()) >= 1


@pytest.mark.parametrize(("scenario", "words"), [("unauthorized", ("401", "credential", "token", "key")),
                                                 ("forbidden", ("403", "453", "access", "tier", "plan"))])
def test_access_errors_are_explained(tmp_path: Path, harness: Harness, scenario: str, words: tuple[str, ...]) -> None:
    harness.load(scenario)
    with pytest.raises(VoxpopError) as exc:
        listen(config=str(_config(tmp_path, harness)))
    message = str(exc.value).lower()
    assert any(w in message for w in words), message
    assert _stored(tmp_path) == {}
    for secret in harness.secrets():
        assert secret not in str(exc.value)


def test_malformed_items_are_quarantined(tmp_path: Path, harness: Harness) -> None:
    expected = harness.load("malformed")
    listen(config=str(_config(tmp_path, harness)))
    assert set(_stored(tmp_path)) == expected
    assert _quarantined(tmp_path), "malformed items must land in the quarantine with a reason"


def test_empty_results(tmp_path: Path, harness: Harness) -> None:
    assert harness.load("empty") == set()
    result = listen(config=str(_config(tmp_path, harness)))
    assert _source(result)["inserted"] == 0
    assert _source(result)["error"] is None


def test_unicode_and_huge_texts_survive_intact(tmp_path: Path, harness: Harness) -> None:
    expected = harness.load("unicode")
    cfg = _config(tmp_path, harness)
    listen(config=str(cfg))
    texts = list(_stored(tmp_path).values())
    assert set(_stored(tmp_path)) == expected
    assert any(any(ord(ch) > 0xFFFF for ch in t) for t in texts), "emoji lost"
    assert any(any("\u0590" <= ch <= "\u06ff" for ch in t) for t in texts), "right-to-left text lost"
    expected = expected | harness.load("huge_text")
    listen(config=str(cfg))
    assert max(len(t) for t in _stored(tmp_path).values()) >= 40_000


def test_crash_mid_run_then_rerun_loses_and_duplicates_nothing(tmp_path: Path, harness: Harness) -> None:
    expected = harness.load("crash")
    cfg = _config(tmp_path, harness)
    with pytest.raises(VoxpopError):
        listen(config=str(cfg))
    partial = set(_stored(tmp_path))
    assert partial, "pages stored before the failure must be kept"
    assert partial < expected
    harness.heal()
    listen(config=str(cfg))
    with connect(tmp_path / "data") as con:
        n, distinct = con.execute("SELECT count(*), count(DISTINCT mention_id) FROM mentions").fetchone()
    assert n == distinct == len(expected)
    assert set(_stored(tmp_path)) == expected


def test_secrets_never_leak(tmp_path: Path, harness: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    harness.load("pages")
    cfg = _config(tmp_path, harness)
    listen(config=str(cfg))
    harness.load("unauthorized")
    with pytest.raises(VoxpopError) as exc:
        listen(config=str(cfg))
    blobs = [caplog.text, str(exc.value), cfg.read_text(encoding="utf-8")]
    blobs += [p.read_bytes().decode("latin-1") for p in (tmp_path / "data").rglob("*") if p.is_file()]
    for secret in harness.secrets():
        assert secret
        for blob in blobs:
            assert secret not in blob


def test_missing_credentials_skip_in_demo_mode_and_fail_otherwise(tmp_path: Path, harness: Harness,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    if not harness.env():
        pytest.skip(f"{harness.type} reads a public listing: it needs no credentials")
    harness.load("pages")
    for key in harness.env():
        monkeypatch.delenv(key, raising=False)
    cfg = _config(tmp_path, harness)
    with pytest.raises(VoxpopError, match="not set"):
        listen(config=str(cfg))
    result = listen(config=str(cfg), skip_missing_credentials=True)
    assert _source(result)["skipped"]
    assert "not set" in _source(result)["skipped"]
