"""One redaction filter for the whole process: every configured secret is scrubbed before text leaves it.

Upstream APIs sometimes echo the request (headers, form fields, the URL) in an error body, and such a body
ends up in an exception message, a log line, a run summary or a Prefect artifact. Rather than trusting every
call site, each secret is registered once, where it is read (``register``), and the places text leaves the
process scrub it: ``VoxpopError`` messages, every ``logging`` record (a record factory, so Prefect's API
log handler sees scrubbed text too), and whatever the CLI prints. Each value is also matched in the forms an
echo takes: URL-encoded, JSON-escaped, and inside an HTTP Basic ``user:password`` pair.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"
MIN_LENGTH = 4  # shorter values would mask ordinary words; no real credential is this short
_lock = threading.Lock()
_forms: list[str] = []  # every form of every secret, longest first
_installed = False


def _variants(value: str) -> set[str]:
    forms = {value, quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
    return {f for f in forms if len(f) >= MIN_LENGTH}


def register(*values: str | None) -> None:
    """Scrub these values (and their encoded forms) from everything this process emits from now on.

    The first registration installs the logging hook, so any process that holds a secret scrubs its logs.
    """
    new: set[str] = set()
    for value in values:
        if value and len(value) >= MIN_LENGTH:
            new |= _variants(value)
    if not new:
        return
    with _lock:
        _forms[:] = sorted(set(_forms) | new, key=len, reverse=True)
    install_logging_filter()


def register_basic_auth(user: str, password: str) -> None:
    """Also scrub the HTTP Basic credentials ``base64(user:password)`` an echoed header would carry."""
    register(user, password, base64.b64encode(f"{user}:{password}".encode()).decode())


def scrub(text: str) -> str:
    """``text`` with every registered secret form replaced by ``***``."""
    if not _forms or not text:
        return text
    for form in _forms:  # longest first, so a secret inside a longer registered form goes with it
        if form in text:
            text = text.replace(form, MASK)
    return text


def scrub_value(value: Any) -> Any:
    """Scrub the strings inside a JSON-like value (run summaries, artifacts)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub_value(v) for v in value)
    return value


def registered() -> Iterable[str]:
    """The registered forms (for tests and ``voxpop check``: how many secrets are guarded)."""
    return tuple(_forms)


def install_logging_filter() -> None:
    """Scrub every log record at creation, whatever logger or handler later formats or ships it."""
    global _installed  # noqa: PLW0603 - one process-wide hook, installed once
    with _lock:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            if _forms:
                try:
                    message = record.getMessage()
                except (TypeError, ValueError):  # a malformed format string: leave it to logging to report
                    return record
                record.msg, record.args = scrub(message), None
                if record.exc_info and not record.exc_text:
                    record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
