"""The listen flow's alert step: after storage, within the run, never failing collection (Prefect in-process)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import alerts.channels
import flows.listen as listen_mod
from core.redact import scrub
from flows.listen import listen
from nlp import Scorer
from tests.conftest import KeywordSentiment
from tests.fakes.notify import FakeWebhooks

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture
def webhooks() -> Iterator[FakeWebhooks]:
    fake = FakeWebhooks().start()
    yield fake
    fake.stop()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, webhooks: FakeWebhooks) -> Path:
    scorer = Scorer(sentiment=KeywordSentiment())
    monkeypatch.setattr(listen_mod, "get_scorer", lambda settings: scorer)
    monkeypatch.setattr(alerts.channels, "BACKOFF_SECONDS", (0.0,))
    monkeypatch.setenv("VOXPOP_TEST_HOOK", f"json://{webhooks.hostport}/hook")
    now = datetime.now(UTC) - timedelta(minutes=30)  # alerts are evaluated as of today
    rows = [{"id": "1", "platform": "x", "created_at": now.isoformat(), "author": "@a", "likes": 4000,
             "text": "Narmart delivery late again, terrible <!channel>"},
            {"id": "2", "platform": "x", "created_at": now.isoformat(), "text": "Narmart great app, love it"}]
    (tmp_path / "export.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text(
        "project: Alert flow\nbrands: [{name: Narmart, keywords: [Narmart]}]\n"
        "sources:\n  - {name: export, type: file, options: {path: export.jsonl}}\n"
        "storage: {path: data}\ntopics: {enabled: false}\n"
        "alerts:\n  channels: [{name: hook, url_env: VOXPOP_TEST_HOOK}]\n"
        "  rules: [{name: reach, type: high_reach_negative}]\n", encoding="utf-8")
    return cfg


def test_listen_evaluates_alerts_after_storage_once(project: Path, webhooks: FakeWebhooks) -> None:
    first = listen(config=str(project))
    assert first["sources"][0]["inserted"] == 2
    assert first["alerts"]["sent"] == 1
    assert json.loads(webhooks.requests[0].body)["title"] == "Narmart: a negative mention with high reach"
    second = listen(config=str(project))  # the next scheduled run: same episode, nothing sent
    assert second["alerts"]["sent"] == 0
    assert len(webhooks.requests) == 1


def test_a_failing_channel_never_fails_collection(project: Path, webhooks: FakeWebhooks) -> None:
    webhooks.fail_next = [500] * 3
    summary = listen(config=str(project))  # raise_on_error is on: only sources and topics can fail the run
    assert summary["sources"][0]["inserted"] == 2
    assert summary["alerts"]["failed"] == 1
    assert "alert channel 'hook'" in summary["alerts"]["alerts"][0]["errors"][0]
    assert listen(config=str(project))["alerts"]["sent"] == 1  # the next run delivers it


def test_report_flow_emails_the_reports(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.report import report
    from tests.fakes.notify import FakeSmtp, parts

    smtp = FakeSmtp().start()
    try:
        monkeypatch.setenv("VOXPOP_TEST_MAIL", smtp.url())
        text = project.read_text(encoding="utf-8").replace(
            "channels: [{name: hook, url_env: VOXPOP_TEST_HOOK}]",
            "channels: [{name: hook, url_env: VOXPOP_TEST_HOOK}, {name: mail, url_env: VOXPOP_TEST_MAIL}]")
        project.write_text(text + "report: {out_dir: out, email_to: [mail]}\n", encoding="utf-8")
        listen(config=str(project), alerts=False)
        result = report(config=str(project))
    finally:
        smtp.stop()
    assert result["delivered"] == [{"channel": "mail", "status": "sent", "attempts": 1, "error": None}]
    names = {p.get_filename() for p in parts(smtp.messages[0]) if p.get_filename()}
    assert names == {Path(result["trend"]).name, Path(result["painpoints"]).name}


def test_a_channel_url_from_a_prefect_secret_block(project: Path, webhooks: FakeWebhooks) -> None:
    from prefect.blocks.system import Secret

    url = f"json://{webhooks.hostport}/from-block"
    Secret(value=url).save("voxpop-test-hook", overwrite=True)
    project.write_text(project.read_text(encoding="utf-8").replace("url_env: VOXPOP_TEST_HOOK",
                                                                   "url_block: voxpop-test-hook"), encoding="utf-8")
    summary = listen(config=str(project))
    assert summary["alerts"]["sent"] == 1
    assert [r.path for r in webhooks.requests] == ["/from-block"]
    assert scrub(f"sent to {url}") == "sent to ***"  # the block's URL was registered for redaction when read
