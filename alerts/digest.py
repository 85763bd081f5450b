"""Report delivery: the Markdown summary of a scheduled report to alert channels, the HTML reports attached.

The summary is the one ``reports`` writes, where topic labels, hashtags and names are already made inert
(``reports.build.md_escape``). Each channel gets it in its markup: HTML (converted with Python-Markdown,
which keeps those entities escaped) for e-mail, Telegram and Slack, the Markdown itself with @-mentions
defused for Discord and Teams, plain Markdown text for webhooks, files and the console. ``email_to``
channels also get both HTML reports as attachments; a mailto:// channel sends them as an e-mail over SMTP.
Delivery retries with backoff and never raises: the result says what reached whom.
"""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import markdown

from alerts.channels import Channel, Delivery, DeliveryError, deliver
from alerts.messages import defuse_mentions, plain
from alerts.run import build_channels
from core.config import Settings
from reports.i18n import strings

_LOG = logging.getLogger("voxpop.alerts")


def render_summary(summary: str, fmt: str) -> str:
    """The report summary (Markdown) in a channel's markup."""
    if fmt == "html":
        return markdown.markdown(defuse_mentions(summary), extensions=["tables"])
    if fmt == "markdown":
        return defuse_mentions(summary)
    return summary


def send_report(settings: Settings, *, summary: str, attachments: Sequence[Path], lang: str,
                send_to: Sequence[str] | None = None, email_to: Sequence[str] | None = None,
                channels: Mapping[str, Channel] | None = None, sleep: Callable[[float], None] = time.sleep,
                logger: logging.Logger | logging.LoggerAdapter[Any] = _LOG) -> list[dict[str, Any]]:
    """Send ``summary`` to ``send_to`` and, with ``attachments``, to ``email_to``.

    The lists default to ``report.send_to`` and ``report.email_to``. Returns one line per channel: name,
    status (sent or failed), attempts and the (scrubbed) error.
    """
    send_to = list(settings.report.send_to if send_to is None else send_to)
    email_to = list(settings.report.email_to if email_to is None else email_to)
    if not send_to and not email_to:
        return []
    known = {c.name for c in settings.alerts.channels}
    targets = dict(channels) if channels is not None else build_channels(settings, logger)
    title = plain(f"{settings.project} — {strings(lang)['title']}")
    results: list[Delivery] = []
    for name, files in [*((n, ()) for n in send_to if n not in email_to), *((n, tuple(attachments)) for n in email_to)]:
        if name not in known or name not in targets:
            results.append(Delivery(name, "failed", 0, f"report channel '{name}' is not in alerts.channels"))
            continue
        channel = targets[name]
        try:
            body = render_summary(summary, channel.format)
            shown = html.escape(title) if channel.format == "html" and getattr(channel, "title_markup", False) \
                else title
        except DeliveryError as exc:
            results.append(Delivery(name, "failed", 1, str(exc)))
            continue
        results.append(deliver(channel, shown, body, attempts=settings.alerts.retries, attachments=files,
                               sleep=sleep, log=logger))  # type: ignore[arg-type]
    for r in results:
        if r.status == "sent":
            logger.info("report sent to %s", r.channel)
        else:
            logger.error("report not delivered to %s: %s", r.channel, r.error)
    return [{"channel": r.channel, "status": r.status, "attempts": r.attempts, "error": r.error} for r in results]
