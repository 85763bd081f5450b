"""Delivery channels: Apprise URLs read from the environment or a Prefect Secret block, a local file, the console.

Why Apprise: one URL per channel reaches Slack, Telegram, Microsoft Teams (workflows://), Discord, e-mail
over SMTP (mailto://), generic JSON or form webhooks and about a hundred more, with attachments, and it is
already a Prefect dependency. A channel URL carries its tokens, so it is a ``SecretStr`` read only where
the message is sent, registered with ``core.redact`` (the whole URL and its token-like parts) so it never
reaches a log, an error or a run summary.

Each channel is written to in the markup it renders (``Channel.format``): HTML for Telegram and e-mail,
Markdown for Discord and Teams, plain text for webhooks, files and the console. Slack gets HTML, which
Apprise converts to Slack's mrkdwn with ``<``, ``>`` and ``&`` escaped; given Markdown or text, Apprise
would turn ``<!channel>`` in a mention into a real channel-wide ping.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import urlsplit

from pydantic import SecretStr

from core.config import AlertChannel, Settings
from core.errors import MissingCredentialsError, VoxpopError
from core.redact import register, scrub
from listeners.credentials import load_secret_block

BACKOFF_SECONDS = (2.0, 8.0, 30.0)  # before the 2nd, 3rd and 4th attempt
_TOKENISH = re.compile(r"[^/:@?&=#.,;+]+")
_APPRISE_LOG = logging.getLogger("apprise")


class DeliveryError(VoxpopError):
    """A channel refused or could not take a message (the text is scrubbed of secrets)."""


class Channel(Protocol):
    """Somewhere an alert can be sent."""

    name: str

    @property
    def format(self) -> str:
        """The markup the channel renders: text, markdown or html."""
        ...

    def send(self, title: str, body: str, attachments: Sequence[Path] = ()) -> None:
        """Deliver one message or raise ``DeliveryError``."""
        ...


def guard_url(url: str) -> None:
    """Register the URL and its token-like parts with the redaction filter before anything can log them."""
    register(url)
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # not a URL Apprise could use either; the whole value is registered
        return
    register(password)  # a password is a secret however short or plain
    pieces = [parts.username, *_TOKENISH.findall(parts.netloc + parts.path), *_TOKENISH.findall(parts.query)]
    register(*(p for p in pieces if p and (len(p) >= 16 or (len(p) >= 6 and any(ch.isdigit() for ch in p)))))


def scheme_known(url: str) -> bool:
    """Whether Apprise has a plugin for the URL's scheme."""
    from apprise.apprise import N_MGR  # noqa: PLC0415 - Apprise loads ~100 plugins; only when a channel is used

    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    return bool(scheme) and scheme in N_MGR


class AppriseChannel:
    """An Apprise URL (Slack, Telegram, Teams, Discord, e-mail, webhooks, ...)."""

    def __init__(self, name: str, url: SecretStr) -> None:
        self.name = name
        self._url = url
        self._plugin: object | None = None

    def _server(self) -> object:
        if self._plugin is None:
            import apprise  # noqa: PLC0415 - see scheme_known

            plugin = apprise.Apprise.instantiate(self._url.get_secret_value(), suppress_exceptions=True)
            if plugin is None:
                raise DeliveryError(f"alert channel '{self.name}': Apprise cannot use its URL (unknown scheme or a "
                                    "malformed URL); see https://appriseit.com/services/")
            self._plugin = plugin
        return self._plugin

    @property
    def format(self) -> str:
        """Slack: html (converted safely by Apprise); others: the format the service renders."""
        server = self._server()
        if type(server).__name__ == "NotifySlack":
            return "html"
        fmt = getattr(server, "notify_format", "text")
        value = str(getattr(fmt, "value", fmt))  # a str-based enum: NotifyFormat.HTML -> "html"
        return value if value in {"text", "markdown", "html"} else "text"

    @property
    def title_markup(self) -> bool:
        """Whether the service puts the title into the body (Telegram), so it must be escaped like the body."""
        return getattr(self._server(), "title_maxlen", 1) <= 0

    def send(self, title: str, body: str, attachments: Sequence[Path] = ()) -> None:
        """Notify through Apprise; its warnings become the (scrubbed) error of a failed delivery."""
        import apprise  # noqa: PLC0415

        target = apprise.Apprise()
        target.add(self._server())
        with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
            ok = target.notify(body=body, title=title, body_format=self.format,
                               attach=[str(p) for p in attachments] or None)
        if not ok:
            said = [line for line in captured.getvalue().splitlines() if line.strip()]
            raise DeliveryError(scrub(f"alert channel '{self.name}': " + (said[-1] if said else "delivery failed")))


class FileChannel:
    """Appends every message as plain text to a local file (no credentials; the demo uses it)."""

    format = "text"

    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path

    def send(self, title: str, body: str, attachments: Sequence[Path] = ()) -> None:
        """Append one message, with the time it was written and any attachment paths."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        files = "".join(f"\nattachment: {p}" for p in attachments)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        try:
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(f"=== {stamp} — {title}\n{body}{files}\n\n")
        except OSError as exc:
            raise DeliveryError(f"alert channel '{self.name}': cannot write {self.path}: {exc.strerror}") from None


class ConsoleChannel:
    """Prints every message as plain text (no credentials)."""

    format = "text"

    def __init__(self, name: str, stream: IO[str] | None = None) -> None:
        self.name = name
        self.stream = stream

    def send(self, title: str, body: str, attachments: Sequence[Path] = ()) -> None:
        """Write one message to standard output (or the given stream)."""
        files = "".join(f"\nattachment: {p}" for p in attachments)
        (self.stream or sys.stdout).write(f"=== {title}\n{body}{files}\n\n")


def channel_url(channel: AlertChannel, *, check_only: bool = False) -> SecretStr | None:
    """The Apprise URL of ``channel`` from its environment variable or Prefect Secret block.

    ``check_only`` (``voxpop check``, offline) does not load a block. Raises ``MissingCredentialsError``
    naming what to set.
    """
    if channel.url_env:
        value = os.environ.get(channel.url_env, "").strip()
        if not value:
            raise MissingCredentialsError(f"alert channel '{channel.name}': {channel.url_env} is not set; export "
                                          "the channel's Apprise URL in it (e.g. slack://..., tgram://...)")
        guard_url(value)
        return SecretStr(value)
    if channel.url_block:
        if check_only:
            return None
        try:
            value = load_secret_block(channel.url_block).strip()
        except MissingCredentialsError as exc:
            raise MissingCredentialsError(f"alert channel '{channel.name}': {exc}") from None
        guard_url(value)
        return SecretStr(value)
    return None


def build(channel: AlertChannel) -> Channel:
    """The channel object of one configured channel (reads its secret)."""
    if channel.file is not None:
        return FileChannel(channel.name, channel.file)
    if channel.console:
        return ConsoleChannel(channel.name)
    url = channel_url(channel)
    if url is None:  # pragma: no cover - the config validator requires one target
        raise MissingCredentialsError(f"alert channel '{channel.name}' has no target")
    return AppriseChannel(channel.name, url)


def check(settings: Settings) -> list[str]:
    """One line per channel problem (missing secret, unknown scheme), offline: Prefect blocks are not loaded."""
    problems = []
    for channel in settings.alerts.channels:
        try:
            url = channel_url(channel, check_only=True)
        except MissingCredentialsError as exc:
            problems.append(str(exc))
            continue
        if url is None:
            continue
        value = url.get_secret_value()
        if not scheme_known(value):
            scheme = value.split("://", 1)[0][:20] if "://" in value else ""
            problems.append(f"alert channel '{channel.name}': {channel.url_env} holds a URL whose scheme "
                            f"{scheme!r} Apprise does not know; see https://appriseit.com/services/")
            continue
        try:
            AppriseChannel(channel.name, url).format  # noqa: B018 - builds the plugin: a malformed URL fails here
        except DeliveryError as exc:
            problems.append(f"{exc} (in {channel.url_env})")
    return problems


@dataclass
class Delivery:
    """What sending one message to one channel came to."""

    channel: str
    status: str  # sent or failed
    attempts: int
    error: str | None = None


def deliver(channel: Channel, title: str, body: str, *, attempts: int = 3, attachments: Sequence[Path] = (),
            sleep: Callable[[float], None] = time.sleep, log: logging.Logger | None = None) -> Delivery:
    """Send with retries and backoff (``BACKOFF_SECONDS``); never raises: a failure is returned and logged."""
    log = log or logging.getLogger("voxpop.alerts")
    error = None
    if not getattr(channel, "retryable", True):  # a channel that cannot be built fails the same way every time
        attempts = 1
    for attempt in range(1, attempts + 1):
        try:
            channel.send(title, body, attachments)
        except DeliveryError as exc:
            error = str(exc)
        except Exception as exc:  # noqa: BLE001 - a plugin's bug must not fail the listen run
            error = scrub(f"alert channel '{channel.name}': {type(exc).__name__}: {exc}")
        else:
            return Delivery(channel.name, "sent", attempt)
        log.warning("alert delivery attempt %d of %d failed: %s", attempt, attempts, error)
        if attempt < attempts:
            sleep(BACKOFF_SECONDS[min(attempt - 1, len(BACKOFF_SECONDS) - 1)])
    return Delivery(channel.name, "failed", attempts, error)
