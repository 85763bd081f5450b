"""Alert delivery through Apprise to local fakes: real HTTP (JSON webhook, Slack, Telegram) and SMTP (aiosmtpd).

The Slack and Telegram plugins have their service hosts built in; the tests point those class attributes at
the fake on 127.0.0.1 (``webhook_url``, ``notify_url``), so the real plugin code builds and sends the
request, and the fake answers like the service does.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apprise.plugins.slack import NotifySlack
from apprise.plugins.telegram import NotifyTelegram

from alerts import evaluate_now
from alerts.messages import escape_markdown, safe_url
from core.config import settings_from_mapping
from storage import MentionStore
from tests.factories import scored, story, with_topics
from tests.fakes.notify import FakeSmtp, FakeWebhooks, parts

HOSTILE = ('Acme <!channel> @everyone <b>bold</b> <script>alert(1)</script> [click](https://evil.test) '
           '<https://evil.test|win> *star* &amp; `tick` \x1b[31mred')
HOSTILE_URL = 'https://example.test/p?a=1&b="><script>alert(2)</script>'
NOW = datetime(2026, 10, 23, 10, 0, tzinfo=UTC)
SLACK_TOKEN = "T0FAKE123/B0FAKE456/zQ9fAkEtOkEn42"  # noqa: S105 - a fake token the test greps for
TG_TOKEN = "123456789:AAFakeBotToken_987xyz"  # noqa: S105


@pytest.fixture
def webhooks(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeWebhooks]:
    fake = FakeWebhooks().start()
    monkeypatch.setattr(NotifySlack, "webhook_url", f"{fake.base}/services")
    monkeypatch.setattr(NotifyTelegram, "notify_url", f"{fake.base}/bot")
    yield fake
    fake.stop()


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    fake = FakeSmtp().start()
    yield fake
    fake.stop()


@pytest.fixture
def store(tmp_path: Path) -> MentionStore:
    rows = with_topics(story())
    rows.append(scored(99_999, brand="Acme", day=date(2026, 10, 23), sentiment="negative", aspects=["delivery"],
                       text=HOSTILE, likes=5000))
    rows[-1]["url"] = HOSTILE_URL
    s = MentionStore(tmp_path / "data")
    s.upsert(rows, source="t", run_id="r")
    return s


def settings(tmp_path: Path, channels: list[dict[str, Any]], rules: list[dict[str, Any]] | None = None) -> Any:
    raw = {"project": "T", "brands": [{"name": "Acme", "keywords": ["Acme"]}],
           "competitors": [{"name": "Rival", "keywords": ["Rival"]}], "storage": {"path": str(tmp_path / "data")},
           "alerts": {"channels": channels, "report_url": "https://reports.example.test/acme/",
                      "rules": rules if rules is not None else [{"name": "reach", "type": "high_reach_negative"}]}}
    return settings_from_mapping(raw, base=tmp_path)


def run(s: Any, store: MentionStore, now: datetime = NOW, **kw: Any) -> dict[str, Any]:
    return evaluate_now(s, store, run_id="test", now=now, sleep=lambda _s: None, **kw)


def test_every_channel_gets_escaped_localised_content(  # noqa: PLR0917 - pytest fixtures
        tmp_path: Path, store: MentionStore, webhooks: FakeWebhooks, smtp: FakeSmtp, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("HOOK_URL", f"json://{webhooks.hostport}/hook")
    monkeypatch.setenv("SLACK_URL", f"slack://{SLACK_TOKEN}")
    monkeypatch.setenv("TG_URL", f"tgram://{TG_TOKEN}/987654321?image=no")
    monkeypatch.setenv("MAIL_URL", smtp.url())
    s = settings(tmp_path, [{"name": "hook", "url_env": "HOOK_URL"}, {"name": "slack", "url_env": "SLACK_URL"},
                            {"name": "tg", "url_env": "TG_URL", "lang": "az"},
                            {"name": "mail", "url_env": "MAIL_URL", "lang": "ru"}])
    caplog.set_level(logging.DEBUG)
    summary = run(s, store)
    assert summary["sent"] == 1
    assert summary["alerts"][0]["channels"] == {"hook": "sent", "slack": "sent", "tg": "sent", "mail": "sent"}

    hook = webhooks.at("/hook")[0].json()  # plain text: the words as posted, no terminal escapes
    assert hook["title"] == "Acme: a negative mention with high reach"
    assert "5,000 likes, reposts and replies on x" in hook["message"]
    assert "<!channel> @everyone" in hook["message"]
    assert "\x1b" not in hook["message"]
    assert "https://reports.example.test/acme/" in hook["message"]

    slack = webhooks.at("/services/")[0]
    assert slack.path == f"/services/{SLACK_TOKEN}"
    text = json.dumps(slack.json())
    assert "<!channel" not in text  # no channel-wide ping from a customer's post
    assert "&lt;!channel&gt;" in text
    assert "<https://evil.test" not in text  # no link the attacker named
    assert "<https://reports.example.test/acme/|Report>" in text  # our own link is a Slack link

    tg = webhooks.at("/bot")[0]
    assert tg.path == f"/bot{TG_TOKEN}/sendMessage"
    payload = tg.json()
    assert payload["parse_mode"] == "HTML"
    assert "geniş auditoriyaya çatan neqativ qeyd" in payload["text"]  # az
    for raw in ("<script", "<b>bold", '"><'):
        assert raw not in payload["text"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in payload["text"]
    assert 'href="https://example.test/p?a=1&amp;b=%22%3E%3Cscript%3Ealert%282%29%3C/script%3E"' in payload["text"]

    mail = smtp.messages[0]
    assert "негативное упоминание с большим охватом" in str(email_header(mail["Subject"]))  # ru
    html_part = next(p for p in parts(mail) if p.get_content_type() == "text/html").get_payload(decode=True).decode()
    assert "&lt;script&gt;" in html_part
    assert "<script" not in html_part

    logged = caplog.text + json.dumps(summary)
    for secret in (SLACK_TOKEN, "zQ9fAkEtOkEn42", TG_TOKEN, "AAFakeBotToken_987xyz"):
        assert secret not in logged
    rows = store.alert_log()
    assert {r["channel"] for r in rows if r["status"] == "sent"} == {"hook", "slack", "tg", "mail"}
    assert all(SLACK_TOKEN not in json.dumps(r, default=str) for r in rows)


def email_header(value: str) -> str:
    from email.header import decode_header, make_header

    return str(make_header(decode_header(value)))


def test_a_rerun_sends_nothing_again(tmp_path: Path, store: MentionStore, webhooks: FakeWebhooks,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_URL", f"json://{webhooks.hostport}/hook")
    s = settings(tmp_path, [{"name": "hook", "url_env": "HOOK_URL"}])
    assert run(s, store)["sent"] == 1
    assert run(s, store, NOW + timedelta(hours=1))["sent"] == 0  # the next hourly run
    assert run(s, store)["sent"] == 0  # the same run retried
    assert len(webhooks.requests) == 1
    from storage import connect

    with connect(store.root) as con:  # the log is a DuckDB view like the mentions
        logged = con.execute("SELECT rule, brand, event, channel, status FROM alerts").fetchall()
    assert logged == [("reach", "Acme", "open", "hook", "sent")]


def test_a_failed_attempt_is_retried_with_backoff(tmp_path: Path, store: MentionStore, webhooks: FakeWebhooks,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_URL", f"json://{webhooks.hostport}/hook")
    s = settings(tmp_path, [{"name": "hook", "url_env": "HOOK_URL"}])
    webhooks.fail_next = [503]
    waits: list[float] = []
    summary = evaluate_now(s, store, run_id="t", now=NOW, sleep=waits.append)
    assert summary["sent"] == 1
    assert waits == [2.0]
    assert len(webhooks.requests) == 2  # one refused, one delivered
    assert [r["attempts"] for r in store.alert_log() if r["status"] == "sent"] == [2]


def test_a_failed_delivery_is_reported_and_sent_by_the_next_run(tmp_path: Path, store: MentionStore,
                                                                webhooks: FakeWebhooks,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_URL", f"json://{webhooks.hostport}/hook")
    s = settings(tmp_path, [{"name": "hook", "url_env": "HOOK_URL"}])
    webhooks.fail_next = [500, 500, 500]
    failed = run(s, store)
    assert failed["failed"] == 1
    assert failed["sent"] == 0
    assert "channel 'hook'" in failed["alerts"][0]["errors"][0]
    assert run(s, store, NOW + timedelta(hours=1))["sent"] == 1
    assert run(s, store, NOW + timedelta(hours=2))["sent"] == 0
    assert sum(1 for r in webhooks.requests if r.path == "/hook") == 4


def test_a_crash_between_sending_and_recording_costs_one_repeat(tmp_path: Path, store: MentionStore,
                                                                webhooks: FakeWebhooks,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_URL", f"json://{webhooks.hostport}/hook")
    s = settings(tmp_path, [{"name": "hook", "url_env": "HOOK_URL"}])
    real = store.record_alerts

    def crash(rows: Any) -> int:
        raise KeyboardInterrupt  # the process dies after the send, before the log commit

    monkeypatch.setattr(store, "record_alerts", crash)
    with pytest.raises(KeyboardInterrupt):
        run(s, store)
    monkeypatch.setattr(store, "record_alerts", real)
    assert run(s, store)["sent"] == 1  # the one repeat
    assert run(s, store)["sent"] == 0
    assert len(webhooks.requests) == 2


def test_quiet_hours_cooldown_and_cap_in_a_live_run(tmp_path: Path, store: MentionStore, webhooks: FakeWebhooks,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOOK_URL", f"json://{webhooks.hostport}/hook")
    rules = [{"name": "pains", "type": "pain_point", "brands": "all", "min_volume": 3, "sensitivity": 0.01,
              "quiet_hours": "20:00-13:00", "timezone": "Asia/Baku", "daily_cap": 1}]  # quiet until 09:00 UTC
    s = settings(tmp_path, [{"name": "hook", "url_env": "HOOK_URL"}], rules)
    early = run(s, store, datetime(2026, 10, 23, 8, 0, tzinfo=UTC))
    assert early["sent"] == 0
    assert early["held"] >= 2
    assert webhooks.requests == []
    later = run(s, store, datetime(2026, 10, 23, 9, 5, tzinfo=UTC))
    assert later["sent"] == 1  # the cap: one a day in Baku
    assert later["suppressed"] >= 1
    reasons = {a["reason"].split(" (")[0] for a in later["alerts"] if a["status"] == "suppressed"}
    assert reasons == {"cooldown", "daily cap"}  # Acme's other aspects: cooldown; Rival's: the cap
    assert run(s, store, datetime(2026, 10, 23, 10, 5, tzinfo=UTC))["sent"] == 0  # suppressed stays suppressed
    assert len(webhooks.requests) == 1


def test_a_missing_secret_fails_the_delivery_not_the_run(tmp_path: Path, store: MentionStore,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_URL", raising=False)
    s = settings(tmp_path, [{"name": "hook", "url_env": "NOT_SET_URL"}])
    summary = run(s, store)
    assert summary["failed"] == 1
    assert "NOT_SET_URL is not set" in summary["alerts"][0]["errors"][0]


def test_file_channel_writes_plain_text(tmp_path: Path, store: MentionStore) -> None:
    s = settings(tmp_path, [{"name": "log", "file": "alerts.log"}])
    assert run(s, store)["sent"] == 1
    text = (tmp_path / "alerts.log").read_text(encoding="utf-8")
    assert "Acme: a negative mention with high reach" in text
    assert "\x1b" not in text


def test_markdown_and_links_are_defused() -> None:
    md = escape_markdown("@everyone [x](https://evil.test) *b* <@123>")
    assert "@everyone" not in md
    assert "\\[x\\]\\(https" in md
    assert "\\<@" in md
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("https://a.test/x y") == "https://a.test/x%20y"


def test_report_summary_to_a_webhook_and_reports_by_email(tmp_path: Path, webhooks: FakeWebhooks, smtp: FakeSmtp,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from alerts.digest import send_report
    from pipeline import write_report

    rows = with_topics(story())
    for r in rows:
        if r["topic"] == "delivery · courier · late":
            r["topic"] = "<script>alert(1)</script> @everyone"  # topic labels are words of mention text
    store = MentionStore(tmp_path / "data")
    store.upsert(rows, source="t", run_id="r")
    monkeypatch.setenv("HOOK_URL", f"json://{webhooks.hostport}/hook")
    monkeypatch.setenv("MAIL_URL", smtp.url("cx@example.test"))
    s = settings(tmp_path, [{"name": "hook", "url_env": "HOOK_URL"}, {"name": "mail", "url_env": "MAIL_URL"}])
    files = write_report(s, days=30)
    sent = send_report(s, summary=files.summary, attachments=[files.trend, files.painpoints], lang="en",
                       send_to=["hook"], email_to=["mail"], sleep=lambda _s: None)
    assert [(d["channel"], d["status"]) for d in sent] == [("hook", "sent"), ("mail", "sent")]

    hook = webhooks.at("/hook")[0].json()
    assert hook["title"] == "T — Social listening report"
    assert "Brands and competitors" in hook["message"]

    mail = smtp.messages[0]
    assert mail["To"] == "cx@example.test"
    attached = {p.get_filename(): p for p in parts(mail) if p.get_filename()}
    assert set(attached) == {files.trend.name, files.painpoints.name}
    assert attached[files.trend.name].get_payload(decode=True) == files.trend.read_bytes()
    html_part = next(p for p in parts(mail) if p.get_content_type() == "text/html" and not p.get_filename())
    body = html_part.get_payload(decode=True).decode()
    assert "<table>" in body  # the summary's tables, rendered
    assert "<script" not in body
    assert "@everyone" not in body


def test_report_to_an_unknown_or_broken_channel_is_reported(tmp_path: Path, store: MentionStore,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from alerts.digest import send_report

    monkeypatch.delenv("NOT_SET_URL", raising=False)
    s = settings(tmp_path, [{"name": "hook", "url_env": "NOT_SET_URL"}])
    sent = send_report(s, summary="# x", attachments=[], lang="en", send_to=["hook", "ghost"], sleep=lambda _s: None)
    assert [d["status"] for d in sent] == ["failed", "failed"]
    assert "NOT_SET_URL is not set" in sent[0]["error"]
    assert "'ghost' is not in alerts.channels" in sent[1]["error"]


def test_a_title_is_plain_in_a_subject_and_escaped_where_it_joins_the_body(
        tmp_path: Path, webhooks: FakeWebhooks, smtp: FakeSmtp, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = with_topics(story())
    for r in rows:
        if r["topic"] == "delivery · courier · late":
            r["topic"] = "R&D <b>courier</b>"  # a topic label is words of mention text
    store = MentionStore(tmp_path / "data")
    store.upsert(rows, source="t", run_id="r")
    monkeypatch.setenv("TG_URL", f"tgram://{TG_TOKEN}/987654321?image=no")
    monkeypatch.setenv("MAIL_URL", smtp.url())
    s = settings(tmp_path, [{"name": "tg", "url_env": "TG_URL"}, {"name": "mail", "url_env": "MAIL_URL"}],
                 [{"name": "topics", "type": "emerging_topic", "min_volume": 10}])
    assert run(s, store)["sent"] == 1
    assert email_header(smtp.messages[0]["Subject"]) == "Acme: emerging topic “R&D <b>courier</b>”"
    text = webhooks.at("/bot")[0].json()["text"]
    assert "emerging topic “R&amp;D &lt;b&gt;courier&lt;/b&gt;”" in text
    assert "<b>courier" not in text
