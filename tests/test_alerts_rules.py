"""Alert rules: configuration, episodes found through the aggregation layer, and the decisions of a replay."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from alerts import AlertState, Evaluator, backtest, resolve
from alerts.detect import EPISODE_GAP_DAYS, detect
from core.config import settings_from_mapping
from core.errors import ConfigError
from reports import Period, aggregate
from storage import MentionStore, connect
from tests.factories import scored, story, with_topics
from voxpop.cli import app

TAXONOMY = {"delivery": {"labels": {"en": "Delivery", "az": "Çatdırılma"}}}
STORY = {"project": "T", "brands": [{"name": "Acme", "keywords": ["Acme"]}],
         "competitors": [{"name": "Rival", "keywords": ["Rival"]}]}
SURGE_DAY = date(2026, 10, 23)  # story(): 30 extra delivery complaints on the 53rd day, 10 a day around it


def make(tmp_path: Path, **alerts: Any) -> Any:
    return settings_from_mapping({**STORY, "storage": {"path": str(tmp_path / "data")}, "alerts": alerts},
                                 base=tmp_path)


@pytest.fixture
def store(tmp_path: Path) -> MentionStore:
    s = MentionStore(tmp_path / "data")
    s.upsert(with_topics(story()), source="t", run_id="r")
    return s


@pytest.mark.parametrize(("alerts", "expected"), [
    ({"channels": [{"name": "s", "url": "slack://a/b/c"}]}, "never goes in voxpop.yaml"),
    ({"channels": [{"name": "s", "url_env": "X", "file": "a.log"}]}, "exactly one of url_env"),
    ({"rules": [{"name": "r", "type": "pain_point", "channels": ["nope"]}]}, "unknown channel(s) ['nope']"),
    ({"rules": [{"name": "r", "type": "pain_point", "brands": ["Nobody"]}]}, "unknown brand(s) ['Nobody']"),
    ({"rules": [{"name": "r", "type": "pain_point", "quiet_hours": "22-8"}]}, "quiet_hours must look like"),
    ({"timezone": "Asia/Nowhere"}, "unknown time zone"),
    ({"rules": [{"name": "r", "type": "spike"}]}, "alerts.rules.0.type"),
])
def test_bad_alert_config_is_one_line_each(tmp_path: Path, alerts: dict[str, Any], expected: str) -> None:
    with pytest.raises(ConfigError) as err:
        make(tmp_path, **alerts)
    assert expected in str(err.value)
    assert "slack://a/b/c" not in str(err.value)


def test_defaults_fill_what_a_rule_leaves_unset(tmp_path: Path) -> None:
    rules = {r.name: r for r in resolve(make(tmp_path))}
    assert {"negative-spike", "pain-point", "competitor-pain-point"} <= set(rules)
    assert rules["pain-point"].brands == ("Acme",)
    assert rules["competitor-pain-point"].brands == ("Rival",)
    assert rules["pain-point"].min_volume == 20
    assert rules["pain-point"].sensitivity == 1.0
    mine = resolve(make(tmp_path, timezone="Asia/Baku", rules=[
        {"name": "x", "type": "pain_point", "min_volume": 5, "brands": "all", "quiet_hours": "22:00-08:00"}]))
    assert len(mine) == 1
    assert mine[0].min_volume == 5
    assert mine[0].brands == ("Acme", "Rival")
    assert str(mine[0].tz) == "Asia/Baku"


def test_quiet_hours_in_the_rule_time_zone(tmp_path: Path) -> None:
    rule = resolve(make(tmp_path, rules=[{"name": "x", "type": "pain_point", "quiet_hours": "22:00-08:00",
                                          "timezone": "Asia/Baku"}]))[0]  # UTC+4
    assert rule.in_quiet_hours(datetime(2026, 10, 1, 17, 59, tzinfo=UTC)) is None  # 21:59 in Baku
    ends = rule.in_quiet_hours(datetime(2026, 10, 1, 18, 0, tzinfo=UTC))  # 22:00 in Baku
    assert ends is not None
    assert ends.astimezone(UTC) == datetime(2026, 10, 2, 4, 0, tzinfo=UTC)
    assert rule.in_quiet_hours(datetime(2026, 10, 2, 3, 59, tzinfo=UTC)) is not None
    assert rule.in_quiet_hours(datetime(2026, 10, 2, 4, 0, tzinfo=UTC)) is None


def test_rolling_counts_are_what_the_reports_compute(store: MentionStore) -> None:
    with connect(store.root) as con:
        for day in (SURGE_DAY, date(2026, 10, 5)):
            period = Period(day - timedelta(days=6), day)
            pains = {(r["brand"], r["aspect"]): (r["current"], r["previous"])
                     for r in aggregate.pain_points(con, period) if r["current"]}
            rolled = {(r["brand"], r["key"]): (r["current"], r["previous"])
                      for r in aggregate.rolling(con, "pain_points", day, day, window=7)}
            assert rolled == pains
            topics = {(r["brand"], r["topic"]): (r["current"], r["previous"])
                      for r in aggregate.emerging_topics(con, period, min_count=1)}
            rolled_topics = {(r["brand"], r["key"]): (r["current"], r["previous"])
                             for r in aggregate.rolling(con, "topics", day, day, window=7)}
            assert topics.items() <= rolled_topics.items()


def test_the_surge_is_one_episode_with_a_stable_key(tmp_path: Path, store: MentionStore) -> None:
    rule = next(r for r in resolve(make(tmp_path)) if r.name == "pain-point")
    with connect(store.root) as con:
        keys = set()
        for day in (SURGE_DAY - timedelta(days=2), SURGE_DAY, SURGE_DAY + timedelta(days=3)):
            episodes = [e for e in detect(con, rule, day) if e.subject == "delivery" and e.active(day)]
            assert len(episodes) == 1
            keys.add(episodes[0].key)
    assert len(keys) == 1
    assert keys.pop().startswith("pain-point|Acme|delivery|")


def run_backtest(tmp_path: Path, store: MentionStore, end: date = date(2026, 10, 30), **alerts: Any) -> list[Any]:
    settings = make(tmp_path, **alerts)
    with connect(store.root) as con:
        return backtest(settings, con, start=date(2026, 9, 1), end=end, taxonomy=TAXONOMY)


def test_an_episode_alerts_once_when_it_opens_and_once_when_it_ends(tmp_path: Path, store: MentionStore) -> None:
    rules = [{"name": "delivery", "type": "pain_point", "notify_end": True}]
    outcomes = run_backtest(tmp_path, store, end=date(2026, 11, 6), rules=rules)  # the data ends on 30 Oct
    sent = [(o.alert.event, o.alert.episode.subject) for o in outcomes if o.status == "would_send"]
    assert sent.count(("open", "delivery")) == 1
    assert sent.count(("escalate", "delivery")) == 1  # 10 a day, then 30 on the 23rd: the window doubles
    assert sent.count(("end", "delivery")) == 1
    ended = next(o for o in outcomes if o.alert.event == "end" and o.alert.episode.subject == "delivery")
    as_of = ended.at.date() - timedelta(days=1)  # the day evaluated at 00:05 the next morning
    assert (as_of - ended.alert.episode.end).days == EPISODE_GAP_DAYS + 1  # the first day past the grace
    opened = next(o for o in outcomes if o.alert.event == "open" and o.alert.episode.subject == "delivery")
    assert opened.at.date() < SURGE_DAY  # the surge builds from 19 Oct: the alert comes with it, not after
    assert "Delivery" in opened.message.title
    assert "Acme" in opened.message.title


def test_cooldown_and_daily_cap(tmp_path: Path, store: MentionStore) -> None:
    many = [{"name": "every", "type": "pain_point", "min_volume": 3, "sensitivity": 0.01, "brands": "all",
             "cooldown_hours": 24 * 90, "daily_cap": 1}]
    outcomes = run_backtest(tmp_path, store, rules=many)
    sent = [o for o in outcomes if o.status == "would_send" and o.alert.event == "open"]
    assert len({o.alert.episode.brand for o in sent}) == len(sent)  # 90 days of cooldown: one per brand
    per_day: dict[date, int] = {}
    for o in outcomes:
        if o.status == "would_send":
            per_day[o.at.date()] = per_day.get(o.at.date(), 0) + 1
    assert max(per_day.values()) == 1
    reasons = {o.reason.split(" (")[0] for o in outcomes if o.status == "suppressed"}
    assert reasons == {"cooldown", "daily cap"}


def test_quiet_hours_hold_an_alert_until_they_end(tmp_path: Path, store: MentionStore) -> None:
    rules = [{"name": "delivery", "type": "pain_point", "quiet_hours": "00:00-09:30", "timezone": "UTC"}]
    outcomes = run_backtest(tmp_path, store, rules=rules)
    held = next(o for o in outcomes if o.status == "held")
    sent = next(o for o in outcomes if o.status == "would_send" and o.alert.id == held.alert.id)
    assert held.at.time() == time(0, 5)
    assert sent.at == held.due_at == datetime.combine(held.at.date(), time(9, 30),
                                                                                         UTC)


def test_a_re_evaluation_decides_nothing_twice(tmp_path: Path, store: MentionStore) -> None:
    settings = make(tmp_path)
    now = datetime.combine(SURGE_DAY + timedelta(days=1), time(0, 5), UTC)
    state = AlertState()
    with connect(store.root) as con:
        first = Evaluator(settings, con, state=state, taxonomy=TAXONOMY).evaluate(now, SURGE_DAY)
        again = Evaluator(settings, con, state=state, taxonomy=TAXONOMY).evaluate(now + timedelta(hours=1),
                                                                                   SURGE_DAY)
    assert first
    assert not again


def test_the_brand_from_the_first_day_is_no_new_pain_point(tmp_path: Path) -> None:
    s = MentionStore(tmp_path / "data")
    s.upsert([scored(i, brand="Acme", day=date(2026, 10, 1) + timedelta(days=i // 30), sentiment="negative",
                     aspects=["delivery"]) for i in range(300)], source="t", run_id="r")
    rule = next(r for r in resolve(make(tmp_path)) if r.name == "pain-point")
    with connect(s.root) as con:  # flat 30 complaints a day: before its first week there is no "before"
        assert [e for d in range(10) for e in detect(con, rule, date(2026, 10, 1) + timedelta(days=d))] == []


def test_cli_dry_run_shows_what_would_have_fired(tmp_path: Path, store: MentionStore) -> None:
    config = tmp_path / "voxpop.yaml"
    config.write_text("project: T\nbrands: [{name: Acme, keywords: [Acme]}]\n"
                      "competitors: [{name: Rival, keywords: [Rival]}]\nstorage: {path: data}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["alerts", "-c", str(config), "--since", "60d", "--dry-run", "--messages"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "nothing was sent or recorded" in result.output
    assert "Acme: complaints about Delivery are growing" in result.output
    assert "alerts would have been sent: Acme" in result.output
    assert not MentionStore(tmp_path / "data").alert_log()  # a dry run records nothing
    bad = CliRunner().invoke(app, ["alerts", "-c", str(config), "--since", "sometime", "--dry-run"])
    assert bad.exit_code == 2
    assert "--since must be" in bad.output


def test_cli_dry_run_counts_held_back_alerts_and_lists_them_on_request(tmp_path: Path) -> None:
    s = MentionStore(tmp_path / "data")
    day = date(2026, 10, 1)
    quiet = [scored(i, brand="Acme", day=day + timedelta(days=i % 20), sentiment="positive") for i in range(60)]
    loud = [scored(100 + k, brand="Acme", day=day + timedelta(days=15), sentiment="negative", likes=5000 + k)
            for k in range(3)]  # three high-reach complaints on one day: the cooldown holds back two
    s.upsert(quiet + loud, source="t", run_id="r")
    config = tmp_path / "voxpop.yaml"
    config.write_text("project: T\nbrands: [{name: Acme, keywords: [Acme]}]\nstorage: {path: data}\n"
                      "alerts: {rules: [{name: loud, type: high_reach_negative}]}\n", encoding="utf-8")
    args = ["alerts", "-c", str(config), "--since", "30d", "--dry-run"]
    short = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert short.exit_code == 0, short.output
    assert "1 alerts would have been sent: Acme 1" in short.output
    assert "2 more held back by a cooldown or daily cap (--suppressed lists them)" in short.output
    assert "suppressed: cooldown" not in short.output
    full = CliRunner().invoke(app, [*args, "--suppressed"], env={"COLUMNS": "200"})
    assert full.exit_code == 0, full.output
    assert full.output.count("suppressed: cooldown") == 2


def test_every_language_has_every_alert_string_with_the_same_placeholders() -> None:
    import re

    import yaml

    table = yaml.safe_load((Path(__file__).resolve().parents[1] / "alerts" / "strings.yaml").read_text("utf-8"))
    assert set(table) == {"en", "az", "tr", "hy", "ru"}
    for lang, strings in table.items():
        assert set(strings) == set(table["en"]), lang
        for key, text in strings.items():
            assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", table["en"][key])), (lang, key)


def test_every_message_renders_in_every_language_and_format(tmp_path: Path, store: MentionStore) -> None:
    from alerts import compose

    outcomes = run_backtest(tmp_path, store, end=date(2026, 11, 6), rules=[
        {"name": "spike", "type": "volume_spike", "brands": "all", "notify_end": True},
        {"name": "share", "type": "negative_share", "sensitivity": 0.1, "min_volume": 10},
        {"name": "pains", "type": "pain_point", "brands": "all"},
        {"name": "topics", "type": "emerging_topic", "min_volume": 10}])  # high reach: test_alerts_delivery
    kinds = {(o.alert.episode.rule.type, o.alert.event) for o in outcomes if o.status == "would_send"}
    assert {"volume_spike", "negative_share", "pain_point", "emerging_topic"} <= {k for k, _ in kinds}
    assert {"open", "escalate", "end"} <= {e for _, e in kinds}
    seen = {}
    with connect(store.root) as con:
        for o in outcomes:
            key = (o.alert.episode.rule.type, o.alert.event)
            if o.status != "would_send" or key in seen:
                continue
            seen[key] = o
            for lang in ("en", "az", "tr", "hy", "ru"):
                message = compose(con, o.alert.episode, o.alert.event, lang=lang, taxonomy=TAXONOMY,
                                  report_url="https://r.example.test/", first_value=o.alert.first_value)
                for fmt in ("text", "markdown", "html"):
                    title, body = message.render(fmt)
                    assert "Acme" in title or "Rival" in title
                    assert "{" not in body
                    assert "https://r.example.test/" in body
