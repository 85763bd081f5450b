"""The alert step of a listen run and ``voxpop alerts``: evaluate now and deliver, or replay history dry.

``evaluate_now`` is what the listen flow runs after storage: it takes the store's alert lock (so two
evaluations never send one alert twice), reads the alert log, evaluates the rules as of today (UTC) and
delivers; it never raises for a rule, a channel or a delivery (those are in the summary), so alerts can
never fail collection.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from alerts.channels import Channel, DeliveryError, build
from alerts.engine import AlertState, Evaluator, Outcome, backtest
from core.config import Settings
from core.errors import MissingCredentialsError
from core.layout import StoreLayout
from core.redact import scrub
from pipeline import taxonomy_labels
from storage import MentionStore, connect
from storage.objects import store_lock

_LOG = logging.getLogger("voxpop.alerts")


class BrokenChannel:
    """A configured channel that cannot be built (a missing secret): every delivery fails with why."""

    format = "text"
    retryable = False

    def __init__(self, name: str, error: str) -> None:
        self.name = name
        self.error = error

    def send(self, title: str, body: str, attachments: object = ()) -> None:  # noqa: ARG002 - Channel protocol
        """Fail with the reason the channel could not be built."""
        raise DeliveryError(self.error)


def build_channels(settings: Settings, logger: logging.Logger | logging.LoggerAdapter[Any] = _LOG,
                   ) -> dict[str, Channel]:
    """Every configured channel; one whose secret is missing becomes a ``BrokenChannel`` (logged once)."""
    out: dict[str, Channel] = {}
    for c in settings.alerts.channels:
        try:
            out[c.name] = build(c)
        except MissingCredentialsError as exc:
            logger.error("%s", exc)
            out[c.name] = BrokenChannel(c.name, str(exc))
    return out


def summarise(outcomes: list[Outcome], errors: list[str], as_of: date) -> dict[str, Any]:
    """The alert part of a run summary: counts per status and one line per alert."""
    counts = Counter(o.status for o in outcomes)
    return {"as_of": as_of.isoformat(), **{k: counts.get(k, 0) for k in ("sent", "failed", "held", "suppressed")},
            "alerts": [o.summary() for o in outcomes], "errors": [scrub(e) for e in errors]}


def evaluate_now(settings: Settings, store: MentionStore, *, run_id: str, now: datetime | None = None,
                 channels: Mapping[str, Channel] | None = None, sleep: Callable[[float], None] = time.sleep,
                 logger: logging.Logger | logging.LoggerAdapter[Any] = _LOG) -> dict[str, Any]:
    """Evaluate every rule as of today and deliver; returns the summary (never raises for a delivery)."""
    now = now or datetime.now(UTC)
    if not settings.alerts.enabled:
        return {"skipped": "alerts.enabled is false"}
    if not settings.alerts.channels:
        return {"skipped": "no alert channel configured (alerts.channels)"}
    as_of = now.astimezone(UTC).date()
    with store_lock(StoreLayout.of(store.root).alerts_lock):
        targets = dict(channels) if channels is not None else build_channels(settings, logger)
        state = AlertState(store.alert_log())
        with connect(store.root) as con:
            evaluator = Evaluator(settings, con, state=state, taxonomy=taxonomy_labels(settings), channels=targets,
                                  record=store.record_alerts, run_id=run_id, sleep=sleep, logger=logger)
            outcomes = evaluator.evaluate(now, as_of)
    summary = summarise(outcomes, evaluator.errors, as_of)
    logger.info("alerts as of %s: %d sent, %d failed, %d held, %d suppressed", as_of, summary["sent"],
                summary["failed"], summary["held"], summary["suppressed"])
    return summary


def dry_run(settings: Settings, *, start: date | None, end: date | None, days: int = 30) -> tuple[list[Outcome], date,
                                                                                                  date]:
    """What the rules would have sent over ``start``..``end`` (default: the last ``days`` days of data)."""
    with connect(settings.storage.path) as con:
        first, last = con.execute("SELECT min(mention_date), max(mention_date) FROM mentions").fetchone() or (None,
                                                                                                             None)
        if last is None:
            return [], start or date.today(), end or date.today()
        end = end or last
        start = start or max(first, date.fromordinal(end.toordinal() - days + 1))
        outcomes = backtest(settings, con, start=start, end=end, taxonomy=taxonomy_labels(settings))
    return outcomes, start, end
