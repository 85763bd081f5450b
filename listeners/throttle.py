"""Request pacing, retries and rate-limit waits shared by the HTTP listeners (x, bluesky, reddit).

The platforms differ in their headers, status codes and wording, not in how long to wait: the gap between
requests, exponential backoff on 5xx and network errors, waiting out a 429 up to ``max_wait_seconds`` and
the RateLimitError that ends a run all live here once, so a fix reaches every listener. Every wait goes
through one sleep function, which tests swap with ``use_sleep`` to record the waits instead of sleeping.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime

from core.errors import RateLimitError, SourceError

_sleep: Callable[[float], None] = time.sleep  # every wait (pacing, backoff, rate limits) of every HTTP listener
_MAX_THROTTLES = 5  # consecutive 429s on one request before giving up


def use_sleep(sleep: Callable[[float], None]) -> Callable[[float], None]:
    """Send every wait of the HTTP listeners to ``sleep`` (tests record them); returns the function it replaces."""
    global _sleep  # the one seam for every listener's waits
    previous, _sleep = _sleep, sleep
    return previous


def rate_limit_error(source: str, limit: str, reset_at: float, wait: float, max_wait: float, *,
                     resume: str = "the saved cursor", beyond: bool = True) -> RateLimitError:
    """The error that ends a run on a rate limit: when it resets and that the next run resumes from the cursor.

    The user learns nothing is lost, a scheduler can wait for ``reset_at``. ``limit`` names the limit ("X rate
    limit on recent search"); Reddit's wording drops the "more than" (``beyond``).
    """
    when = datetime.fromtimestamp(reset_at, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    cap = f"{'more than ' if beyond else ''}options.max_wait_seconds={max_wait:g}"
    return RateLimitError(f"source '{source}': {limit} resets at {when} ({wait:.0f} s away, {cap}); the next run "
                          f"resumes from {resume}", reset_at=reset_at)


class Throttle:
    """One client's request clock: the gap between requests, backoff on failures and waits for rate-limit resets.

    The caller keeps what is platform-specific (which headers say what, which errors are transient) and passes
    its wording in: ``what`` names a request in logs and errors, ``limit`` names its rate limit.
    """

    def __init__(self, source: str, log: logging.Logger, *, max_wait: float, max_retries: int,
                 outage: str, min_interval: float = 0.0, slack: float = 0.0, resume: str = "the saved cursor",
                 beyond: bool = True) -> None:
        self.source = source
        self.log = log  # the listener's logger, so records keep its name
        self.max_wait = max_wait
        self.max_retries = max_retries
        self.outage = outage  # ends the give-up message: "X may be down, the next run resumes ..."
        self.min_interval = min_interval
        self.slack = slack  # seconds added to a reset time (X's reset is rounded down to the second)
        self.resume = resume
        self.beyond = beyond
        self._last_request: float | None = None  # monotonic time the last request ended
        self._not_before: float | None = None  # Unix time: the window said remaining=0 until then

    def limit_error(self, limit: str, reset_at: float, wait: float) -> RateLimitError:
        """The RateLimitError of this client's source and wording."""
        return rate_limit_error(self.source, limit, reset_at, wait, self.max_wait, resume=self.resume,
                                beyond=self.beyond)

    def pace(self, limit: str) -> None:
        """Keep ``min_interval`` between requests and honour an exhausted rate-limit window."""
        wait = 0.0
        if self._not_before is not None:
            wait = self._not_before - time.time()
            reset_at, self._not_before = self._not_before, None
            if wait > self.max_wait:
                raise self.limit_error(limit, reset_at, wait)
        if self._last_request is not None:
            wait = max(wait, self.min_interval - (time.monotonic() - self._last_request))
        if wait > 0:
            _sleep(wait)

    def sent(self) -> None:
        """Start the gap to the next request; called after every attempt, failed or not."""
        self._last_request = time.monotonic()

    def note_window(self, remaining: str | None, reset_at: float | None) -> None:
        """A success with ``remaining`` 0 means the next call would 429: it waits for ``reset_at`` first."""
        if (remaining or "").strip() == "0":
            self._not_before = reset_at + self.slack if reset_at is not None else None

    def backoff(self, what: str, failures: int, problem: str) -> None:
        """Wait 1, 2, 4 ... (at most 60) s after a transient failure; give up after ``max_retries`` attempts."""
        if failures >= self.max_retries:
            raise SourceError(f"source '{self.source}': {what} failed {failures} times ({problem}); {self.outage}")
        delay = min(2.0 ** (failures - 1), 60.0)
        self.log.warning("source %s: %s failed (%s); retry %d in %.0f s", self.source, what, problem, failures, delay)
        _sleep(delay)

    def wait_for_reset(self, throttles: int, *, what: str, limit: str, detail: str, reset_at: float | None = None,
                       retry_in: float | None = None) -> None:
        """Wait out a 429 until the reset (``reset_at`` Unix time plus ``slack``, or ``retry_in`` seconds).

        With no reset known the waits grow 5, 10, 20, 40, 60 s; more than ``_MAX_THROTTLES`` in a row, or a
        wait beyond ``max_wait``, raises the RateLimitError instead. ``detail`` goes into the log line.
        """
        if retry_in is not None:
            wait = max(1.0, retry_in)
            reset_at = time.time() + wait
        elif reset_at is not None:
            wait = max(1.0, reset_at - time.time() + self.slack)
        else:
            wait = min(60.0, 5.0 * 2 ** (throttles - 1))
        if throttles > _MAX_THROTTLES or wait > self.max_wait:
            raise self.limit_error(limit, reset_at if reset_at is not None else time.time() + wait, wait)
        self.log.warning("source %s: %s rate limited (%s); waiting %.0f s for the reset", self.source, what, detail,
                         wait)
        _sleep(wait)
