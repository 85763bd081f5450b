"""Alert evaluation: episodes → open / escalate / end events → quiet hours, cooldown, daily cap → delivery.

An episode alerts once when it opens, once more if it escalates (its figure doubles: ``ESCALATION``), and
once when it ends if its rule says ``notify_end``; never every hour it lasts. Every decision is recorded in
the store's alert log *after* the channels were called, one commit per alert: a retried task or a re-run
flow reads the log and sends nothing that is recorded as sent, and a crash between sending and recording
costs at most one repeat of that one alert. A failed delivery is retried with backoff, recorded, shown in
the run summary, retried on the next runs (at most ``MAX_RUNS`` per channel) while its episode lasts, and
never raises. Quiet hours hold an alert until they end; the cooldown (per rule and brand) and the daily
cap (per rule, in the rule's time zone) suppress it for good, so a storm does not arrive late.
"""

from __future__ import annotations

import logging
import time as _time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import duckdb

from alerts.channels import Channel, Delivery, DeliveryError, deliver
from alerts.detect import LOOKBACK_DAYS, Episode, detect
from alerts.messages import Message, compose, headline
from alerts.rules import Rule, resolve
from core.config import Settings
from core.redact import scrub

ESCALATION = 2.0  # an open episode whose figure reaches twice the opening figure sends one more alert
ESCALATING = frozenset({"volume_spike", "pain_point", "emerging_topic"})  # count figures; shares cannot double
MAX_RUNS = 3  # runs that retry a failed delivery to one channel before giving up on it
DRY_RUN = "-"  # the channel name of a dry run's decisions
_LOG = logging.getLogger("voxpop.alerts")


@dataclass
class Alert:
    """One event of one episode."""

    episode: Episode
    event: str  # open, escalate or end
    first_value: float | None = None  # escalate: the figure the episode opened with

    @property
    def id(self) -> str:
        """The episode key and event: what the log is checked for before sending."""
        return f"{self.episode.key}|{self.event}"


@dataclass
class Outcome:
    """What became of one alert in one evaluation."""

    alert: Alert
    at: datetime
    status: str  # sent, failed, held, suppressed, or would_send (dry run)
    reason: str | None = None
    due_at: datetime | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    message: Message | None = None
    title: str = ""  # the headline in the evaluation's language (also for held and suppressed alerts)

    def summary(self) -> dict[str, Any]:
        """A JSON-friendly line for the run summary (scrubbed)."""
        e = self.alert.episode
        return scrub_dict({"rule": e.rule.name, "brand": e.brand, "subject": e.subject, "event": self.alert.event,
                           "episode_start": e.start.isoformat(), "at": self.at.isoformat(), "status": self.status,
                           "reason": self.reason, "value": e.value, "baseline": e.baseline,
                           "title": self.title,
                           "channels": {d.channel: d.status for d in self.deliveries},
                           "errors": [d.error for d in self.deliveries if d.error]})


def scrub_dict(value: dict[str, Any]) -> dict[str, Any]:
    """Scrub every string of a summary line."""
    return {k: scrub(v) if isinstance(v, str) else [scrub(x) for x in v] if isinstance(v, list) else v
            for k, v in value.items()}


class AlertState:
    """The alert log as the evaluator reads it: what was sent, held, suppressed or failed, and when."""

    def __init__(self, rows: Iterable[Mapping[str, Any]] = ()) -> None:
        self.rows: list[dict[str, Any]] = []
        self.add(rows)

    def add(self, rows: Iterable[Mapping[str, Any]]) -> None:
        """Take in newly recorded rows."""
        self.rows.extend(dict(r) for r in rows)

    def _of(self, alert_id: str) -> list[dict[str, Any]]:
        return [r for r in self.rows if r["alert_id"] == alert_id]

    def suppressed(self, alert_id: str) -> bool:
        """Whether the alert was suppressed (cooldown or cap): it is never sent."""
        return any(r["status"] == "suppressed" for r in self._of(alert_id))

    def sent_channels(self, alert_id: str) -> set[str]:
        """The channels the alert reached."""
        return {r["channel"] for r in self._of(alert_id) if r["status"] == "sent"}

    def failures(self, alert_id: str, channel: str) -> int:
        """How many runs failed to deliver the alert to ``channel``."""
        return sum(1 for r in self._of(alert_id) if r["status"] == "failed" and r["channel"] == channel)

    def held_due(self, alert_id: str) -> datetime | None:
        """When quiet hours holding the alert end (None: never held)."""
        dues = [r["due_at"] for r in self._of(alert_id) if r["status"] == "held" and r["due_at"]]
        return max(dues) if dues else None

    def opened(self, episode_key: str) -> dict[str, Any] | None:
        """The first sent row of the episode's open event (None: not opened)."""
        return next((r for r in self.rows if r["episode_key"] == episode_key and r["event"] == "open"
                     and r["status"] == "sent"), None)

    def open_subjects(self, rule: str) -> set[tuple[str, str]]:
        """(brand, subject) of the rule's episodes that opened and did not end."""
        ended = {r["episode_key"] for r in self.rows if r["event"] == "end"}
        return {(r["brand"], r["subject"]) for r in self.rows if r["rule"] == rule and r["event"] == "open"
                and r["status"] == "sent" and r["episode_key"] not in ended}

    def last_sent(self, rule: str, brand: str) -> datetime | None:
        """When the rule last opened an alert for ``brand``."""
        times = [r["recorded_at"] for r in self.rows if r["rule"] == rule and r["brand"] == brand
                 and r["event"] == "open" and r["status"] == "sent"]
        return max(times) if times else None

    def sent_on(self, rule: Rule, day: str) -> int:
        """How many of the rule's alerts were sent on ``day`` (the rule's time zone)."""
        return len({r["alert_id"] for r in self.rows if r["rule"] == rule.name and r["status"] == "sent"
                    and rule.local_day(r["recorded_at"]) == day})


class Evaluator:
    """Evaluates the rules of ``settings`` against one DuckDB snapshot and sends (or, dry, only decides).

    ``channels`` maps channel names to channels; None is a dry run: decisions are kept in ``state`` only
    (as if sent, so cooldowns and caps behave as they would) and nothing is delivered or recorded.
    ``record`` persists rows (the store's alert log); it is called once per alert, right after sending.
    """

    def __init__(self, settings: Settings, con: duckdb.DuckDBPyConnection, *, state: AlertState,
                 taxonomy: dict[str, dict[str, Any]], channels: Mapping[str, Channel] | None = None,
                 record: Callable[[list[dict[str, Any]]], object] | None = None, run_id: str = "dry-run",
                 rules: Sequence[Rule] | None = None, sleep: Callable[[float], None] = _time.sleep,
                 logger: logging.Logger | logging.LoggerAdapter[Any] | None = None) -> None:
        self.settings = settings
        self.con = con
        self.state = state
        self.taxonomy = taxonomy
        self.channels = channels
        self.record = record
        self.run_id = run_id
        self.rules = list(rules) if rules is not None else resolve(settings)
        self.sleep = sleep
        self.log = logger or _LOG
        self.errors: list[str] = []
        self.lang = settings.alerts.lang or settings.report.lang
        self.langs = {c.name: c.lang or self.lang for c in settings.alerts.channels}

    @property
    def dry(self) -> bool:
        """Whether this evaluation only decides."""
        return self.channels is None

    def evaluate(self, now: datetime, as_of: date) -> list[Outcome]:
        """Every rule as of ``as_of`` (the last day of data) at time ``now``; the most urgent alerts first."""
        alerts: list[Alert] = []
        for rule in self.rules:
            try:
                alerts += self._alerts(rule, detect(self.con, rule, as_of), as_of)
            except Exception as exc:  # a rule's query failing must not stop the others or the listen run
                self.log.exception("alert rule %s could not be evaluated", rule.name)
                self.errors.append(scrub(f"rule {rule.name}: {type(exc).__name__}: {exc}"))
        alerts.sort(key=lambda a: (-a.episode.score, a.id))
        return [o for a in alerts if (o := self._decide(a, now, as_of)) is not None]

    def _alerts(self, rule: Rule, episodes: Sequence[Episode], as_of: date) -> list[Alert]:
        out = []
        open_subjects = self.state.open_subjects(rule.name)
        for e in episodes:
            opened = self.state.opened(e.key)
            opening = Alert(e, "open")
            if e.active(as_of):
                if opened is None:
                    truncated = (as_of - e.start).days >= LOOKBACK_DAYS
                    if not (truncated and (e.brand, e.subject) in open_subjects):  # a run longer than the lookback
                        out.append(opening)
                elif rule.type in ESCALATING and opened["value"] and e.value >= ESCALATION * opened["value"]:
                    out.append(Alert(e, "escalate", opened["value"]))  # _decide drops it once sent
            elif opened is None and self.state.held_due(opening.id):
                out.append(opening)  # held through quiet hours while it ended: still news
            elif opened is not None and rule.notify_end and rule.type != "high_reach_negative":  # a post never ends
                out.append(Alert(e, "end"))
        return out

    def _row(self, alert: Alert, now: datetime, as_of: date, status: str, **extra: Any) -> dict[str, Any]:
        e = alert.episode
        return {"recorded_at": now, "run_id": self.run_id, "alert_id": alert.id, "episode_key": e.key,
                "event": alert.event, "rule": e.rule.name, "rule_type": e.rule.type, "brand": e.brand,
                "subject": e.subject, "episode_start": e.start, "as_of": as_of, "status": status, "attempts": 0,
                "value": e.value, "baseline": e.baseline, "title": extra.pop("title", ""), **extra}

    def _save(self, rows: list[dict[str, Any]]) -> None:
        self.state.add(rows)
        if self.record is not None and not self.dry:
            self.record(rows)

    def _decide(self, alert: Alert, now: datetime, as_of: date) -> Outcome | None:  # noqa: PLR0911 - one exit per rule
        rid, rule = alert.id, alert.episode.rule
        if self.state.suppressed(rid):
            return None
        targets = [DRY_RUN] if self.dry else [c for c in rule.channels if c in (self.channels or {})]
        sent = self.state.sent_channels(rid)
        pending = [c for c in targets if c not in sent and self.state.failures(rid, c) < MAX_RUNS]
        if not pending:
            return None
        english = headline(alert.episode, alert.event, lang="en", taxonomy=self.taxonomy)
        shown = headline(alert.episode, alert.event, lang=self.lang, taxonomy=self.taxonomy)
        if not sent:  # the first delivery of this alert: quiet hours, cooldown and cap decide whether it goes now
            if (quiet_end := rule.in_quiet_hours(now)) is not None:
                if self.state.held_due(rid) is not None:
                    return None
                self._save([self._row(alert, now, as_of, "held", reason="quiet hours", due_at=quiet_end,
                                      title=english)])
                return Outcome(alert, now, "held", "quiet hours", due_at=quiet_end, title=shown)
            last = self.state.last_sent(rule.name, alert.episode.brand)
            if alert.event == "open" and last is not None and now - last < rule.cooldown:
                reason = f"cooldown (last alert {last:%Y-%m-%d %H:%M} UTC)"
                self._save([self._row(alert, now, as_of, "suppressed", reason=reason, title=english)])
                return Outcome(alert, now, "suppressed", reason, title=shown)
            if self.state.sent_on(rule, rule.local_day(now)) >= rule.daily_cap:
                reason = f"daily cap ({rule.daily_cap} sent today)"
                self._save([self._row(alert, now, as_of, "suppressed", reason=reason, title=english)])
                return Outcome(alert, now, "suppressed", reason, title=shown)
        messages: dict[str, Message] = {}

        def message(lang: str) -> Message:
            if lang not in messages:
                messages[lang] = compose(self.con, alert.episode, alert.event, lang=lang, taxonomy=self.taxonomy,
                                         report_url=self.settings.alerts.report_url, first_value=alert.first_value)
            return messages[lang]

        if self.dry:
            msg = message(self.lang)
            self._save([self._row(alert, now, as_of, "sent", channel=DRY_RUN, title=english)])
            return Outcome(alert, now, "would_send", message=msg, title=shown)
        deliveries = [self._send(name, message(self.langs.get(name, self.lang)), alert) for name in pending]
        self._save([self._row(alert, now, as_of, d.status, channel=d.channel, attempts=d.attempts, reason=d.error,
                              title=english) for d in deliveries])
        status = "sent" if all(d.status == "sent" for d in deliveries) else "failed"
        for d in deliveries:
            if d.status == "failed":
                self.log.error("alert %s not delivered to %s: %s", rid, d.channel, d.error)
        return Outcome(alert, now, status, None if status == "sent" else "delivery failed", deliveries=deliveries,
                       message=message(self.lang), title=shown)

    def _send(self, name: str, message: Message, alert: Alert) -> Delivery:
        channel = (self.channels or {})[name]
        try:
            title, body = message.render(channel.format, title_markup=getattr(channel, "title_markup", False))
        except DeliveryError as exc:
            return Delivery(name, "failed", 1, str(exc))
        result = deliver(channel, title, body, attempts=self.settings.alerts.retries, sleep=self.sleep,
                         log=self.log)  # type: ignore[arg-type]
        if result.status == "sent":
            self.log.info("alert %s sent to %s", alert.id, name)
        return result


def backtest(settings: Settings, con: duckdb.DuckDBPyConnection, *, start: date, end: date,
             taxonomy: dict[str, dict[str, Any]], rules: Sequence[Rule] | None = None,
             at: time = time(0, 5)) -> list[Outcome]:
    """What the rules would have sent from ``start`` to ``end``: one evaluation per day, as of that day.

    Each day ``d`` is evaluated at ``at`` UTC on the next day (the first hourly listen after the day closed),
    with the data up to ``d``; an alert held by quiet hours is released at the time they end. Nothing is
    sent or recorded.
    """
    state = AlertState()
    evaluator = Evaluator(settings, con, state=state, taxonomy=taxonomy, rules=rules)
    outcomes: list[Outcome] = []
    day = start
    while day <= end:
        tick = datetime.combine(day + timedelta(days=1), at, UTC)
        outcomes += evaluator.evaluate(tick, day)
        released: set[datetime] = set()
        while True:  # held alerts are sent when their quiet hours end, before the next day's evaluation
            dues = sorted(o.due_at for o in outcomes if o.status == "held" and o.due_at
                          and tick < o.due_at < tick + timedelta(days=1) and o.due_at not in released)
            if not dues:
                break
            released.add(dues[0])
            outcomes += evaluator.evaluate(dues[0], day)
        day += timedelta(days=1)
    return outcomes
