"""Alert rules: the configured ones (or the defaults) resolved into thresholds, brands and time rules.

Every threshold a rule leaves unset takes the default of its type (``DEFAULTS``); docs/alerts.md explains
how they were chosen on the bundled sample. Quiet hours, cooldowns and daily caps are measured in the
rule's time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.config import AlertRule, Settings


@dataclass(frozen=True)
class TypeDefaults:
    """The thresholds a rule type uses when the rule does not set them."""

    sensitivity: float
    min_volume: int
    window_days: int
    meaning: str  # what sensitivity and min_volume mean for this type (docs, `voxpop check`)


DEFAULTS: dict[str, TypeDefaults] = {
    "volume_spike": TypeDefaults(3.0, 12, 1, "robust deviations above the trailing 14-day median; "
                                 "mentions on the spike day"),
    "negative_share": TypeDefaults(0.25, 20, 3, "rise of the negative share in points (0.2 = 20 points) "
                                   "against the 14 days before; mentions in the window"),
    "pain_point": TypeDefaults(1.0, 20, 7, "growth against the previous window (1.0 = +100%, or new); "
                               "complaints in the window"),
    "emerging_topic": TypeDefaults(4.0, 20, 7, "growth score (now + 1) / (before + 1); mentions in the window"),
    "high_reach_negative": TypeDefaults(1000, 50_000, 2, "engagement (likes + reposts + replies) of one "
                                        "negative mention; or its views"),
}
NEGATIVE_SHARE_BASELINE_DAYS = 14  # the negative share is compared with the 14 days before the window


def default_rules() -> list[AlertRule]:
    """The rules used when ``alerts.rules`` is not set.

    Every type for our brands; competitors' negative spikes and growing pain points as opportunities.
    """
    return [
        AlertRule(name="negative-spike", type="volume_spike"),
        AlertRule(name="negative-share", type="negative_share"),
        AlertRule(name="pain-point", type="pain_point"),
        AlertRule(name="emerging-topic", type="emerging_topic"),
        AlertRule(name="high-reach-negative", type="high_reach_negative"),
        AlertRule(name="competitor-spike", type="volume_spike", brands="competitors"),
        AlertRule(name="competitor-pain-point", type="pain_point", brands="competitors"),
    ]


@dataclass(frozen=True)
class Rule:
    """A rule with every default filled in and its brands named."""

    name: str
    type: str
    brands: tuple[str, ...]
    sentiment: str
    sensitivity: float
    min_volume: int
    window_days: int
    cooldown: timedelta
    quiet: tuple[time, time] | None
    tz: ZoneInfo
    daily_cap: int
    notify_end: bool
    channels: tuple[str, ...]

    def in_quiet_hours(self, at: datetime) -> datetime | None:
        """When the quiet hours around ``at`` end (aware, UTC-comparable), or None outside quiet hours."""
        if self.quiet is None:
            return None
        local = at.astimezone(self.tz)
        start, end = self.quiet
        now = local.time()
        if start <= end:
            quiet = start <= now < end
            ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        else:  # across midnight, e.g. 22:00-08:00
            quiet = now >= start or now < end
            ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
            if now >= start:
                ends += timedelta(days=1)
        return ends if quiet else None

    def local_day(self, at: datetime) -> str:
        """The day ``at`` falls on in the rule's time zone (what the daily cap counts)."""
        return at.astimezone(self.tz).date().isoformat()


def _brands(rule: AlertRule, settings: Settings) -> tuple[str, ...]:
    if isinstance(rule.brands, list):
        return tuple(rule.brands)
    own = [b.name for b in settings.brands]
    rivals = [c.name for c in settings.competitors]
    return tuple({"own": own, "competitors": rivals, "all": own + rivals}[rule.brands])


def _quiet(text: str | None) -> tuple[time, time] | None:
    if not text:
        return None
    start, end = (time.fromisoformat(part) for part in text.split("-"))
    return None if start == end else (start, end)


def resolve(settings: Settings) -> list[Rule]:
    """The enabled rules of ``settings`` (or ``default_rules``) with defaults, brands and channels filled in."""
    alerts = settings.alerts
    configured = alerts.rules if alerts.rules is not None else default_rules()
    channels = tuple(c.name for c in alerts.channels)
    out = []
    for r in configured:
        if not r.enabled:
            continue
        d = DEFAULTS[r.type]
        out.append(Rule(
            name=r.name, type=r.type, brands=_brands(r, settings), sentiment=r.sentiment,
            sensitivity=r.sensitivity if r.sensitivity is not None else d.sensitivity,
            min_volume=r.min_volume if r.min_volume is not None else d.min_volume,
            window_days=r.window_days or d.window_days, cooldown=timedelta(hours=r.cooldown_hours),
            quiet=_quiet(r.quiet_hours), tz=ZoneInfo(r.timezone or alerts.timezone), daily_cap=r.daily_cap,
            notify_end=r.notify_end, channels=tuple(r.channels) if r.channels is not None else channels,
        ))
    return out
