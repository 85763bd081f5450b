"""YouTube Data API v3 through google-api-python-client, built from the discovery document it ships.

No discovery request is ever made: the client is built with ``build_from_document`` from the package's static
``youtube.v3.json``, pointed at ``options.api_base``. Every call goes through ``Quota`` (units counted per
Pacific day, the quota's day) and the shared throttle; ``HttpError`` statuses and reasons become typed
errors without quoting the request URL (it carries the API key).
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httplib2
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError
from pydantic import SecretStr

from core.errors import AccessError, RateLimitError, SourceError
from listeners.throttle import Throttle
from listeners.youtube.options import KEY_ENV, KEY_HINT, YouTubeOptions

log = logging.getLogger("listeners.youtube")
PACIFIC = ZoneInfo("America/Los_Angeles")  # YouTube's quota day starts at midnight Pacific time
_TRANSIENT = (httplib2.HttpLib2Error, OSError, socket.timeout, TimeoutError)


class CommentsOffError(Exception):
    """The video (or every video of the channel) has comments turned off, or it does not exist."""


def quota_day(now: datetime | None = None) -> str:
    """The quota day (Pacific date) of ``now``."""
    return (now or datetime.now(UTC)).astimezone(PACIFIC).date().isoformat()


def next_reset(now: datetime | None = None) -> float:
    """Unix time of the next midnight Pacific, when the daily quota resets."""
    local = (now or datetime.now(UTC)).astimezone(PACIFIC)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), PACIFIC)
    return midnight.timestamp()


class Quota:
    """Units used today, against the budget; kept in the cursor so runs of one day add up."""

    def __init__(self, saved: Any, budget: int) -> None:
        today = quota_day()
        same_day = isinstance(saved, dict) and saved.get("day") == today and isinstance(saved.get("used"), int)
        self.day = today
        self.used = saved["used"] if same_day else 0
        self.budget = budget

    def allows(self, units: int) -> bool:
        """Whether ``units`` more stay within the budget (a new Pacific day starts from 0)."""
        if quota_day() != self.day:
            self.day, self.used = quota_day(), 0
        return self.used + units <= self.budget

    def spend(self, units: int) -> None:
        """Count a call (a failed call costs its units too)."""
        self.used += units

    def state(self) -> dict[str, Any]:
        """What the cursor keeps."""
        return {"day": self.day, "used": self.used}


class YouTubeApi:
    """commentThreads.list with quota counting, pacing, retries and error mapping."""

    def __init__(self, source: str, opts: YouTubeOptions, key: SecretStr) -> None:
        self.source = source
        self.opts = opts
        self._throttle = Throttle(source, log, max_wait=opts.max_wait_seconds, max_retries=opts.max_retries,
                                  min_interval=opts.min_interval_seconds,
                                  outage="YouTube may be down, the next run resumes where this one stopped")
        self._http = httplib2.Http(timeout=opts.timeout_seconds)
        self._service = build_from_document(get_static_doc("youtube", "v3"), developerKey=key.get_secret_value(),
                                            http=self._http, client_options={"api_endpoint": f"{opts.api_base}/"})
        self.quota: Quota = Quota(None, opts.daily_quota_budget)

    def __repr__(self) -> str:
        return f"YouTubeApi(source={self.source!r}, api={self.opts.api_base!r})"

    def close(self) -> None:
        """Release the service and its connections."""
        self._service.close()

    def threads(self, *, video: str | None = None, channel: str | None = None,
                token: str | None = None) -> dict[str, Any] | None:
        """One page of comment threads, newest first; None when the budget has no unit left (stop cleanly)."""
        params: dict[str, Any] = {"part": "snippet,replies" if self.opts.replies else "snippet", "order": "time",
                                  "maxResults": self.opts.max_results, "textFormat": "plainText"}
        if video:
            params["videoId"] = video
        else:
            params["allThreadsRelatedToChannelId"] = channel
        if token:
            params["pageToken"] = token
        what = f"comments of {'video ' + video if video else 'channel ' + str(channel)}"
        return self._call(what, lambda: self._service.commentThreads().list(**params), units=1)

    def _call(self, what: str, make: Callable[[], Any], *, units: int) -> dict[str, Any] | None:
        limit = "YouTube rate limit"
        failures = throttles = 0
        while True:
            if not self.quota.allows(units):
                return None
            self._throttle.pace(limit)
            self.quota.spend(units)
            try:
                body = make().execute(num_retries=0)
            except HttpError as exc:
                status, reason, message = _error(exc)
                if reason in {"rateLimitExceeded", "userRateLimitExceeded"} or status == 429:
                    throttles += 1
                    self._throttle.wait_for_reset(throttles, what=what, limit=limit, detail=f"{status} {reason}")
                    continue
                if status >= 500:
                    failures += 1
                    self._throttle.backoff(what, failures, f"HTTP {status} {reason}".strip())
                    continue
                raise self._mapped(what, status, reason, message) from None
            except _TRANSIENT as exc:
                failures += 1
                self._throttle.backoff(what, failures, type(exc).__name__)
                continue
            finally:
                self._throttle.sent()
            if not isinstance(body, dict):
                raise SourceError(f"source '{self.source}': {what}: the answer is not a JSON object; check "
                                  "options.api_base")
            return body

    def _mapped(self, what: str, status: int, reason: str, message: str) -> Exception:
        if reason == "quotaExceeded" or (status == 403 and "quota" in message.lower()):
            reset = next_reset()
            when = datetime.fromtimestamp(reset, UTC).strftime("%Y-%m-%d %H:%M UTC")
            return RateLimitError(f"source '{self.source}': the project's YouTube quota is used up (403 quotaExceeded);"
                                  f" it resets at {when} (midnight Pacific); lower options.daily_quota_budget below "
                                  "the project's quota or ask Google for more; the next run resumes from the cursor",
                                  reset_at=reset)
        if reason in {"commentsDisabled", "videoNotFound", "channelNotFound"} or status == 404:
            return CommentsOffError(f"{reason or status}: {message}")
        if reason in {"keyInvalid", "keyExpired"} or status == 401 or (status == 400 and "api key" in message.lower()):
            return AccessError(f"source '{self.source}': YouTube rejected the API key ({status} {reason}); check "
                               f"{KEY_ENV} or options.api_key_block. {KEY_HINT}")
        if status == 403:
            return AccessError(f"source '{self.source}': YouTube refused access to {what} ({status} {reason}: "
                               f"{message[:160]}); enable 'YouTube Data API v3' for the key's project and check the "
                               "key's API and referrer restrictions")
        return SourceError(f"source '{self.source}': {what} failed ({status} {reason}: {message[:160]})")


def _error(exc: HttpError) -> tuple[int, str, str]:
    """(status, first reason, message) of an HttpError, from its JSON body (never its URL: it has the key)."""
    status = int(getattr(exc.resp, "status", 0) or 0)
    try:
        body = json.loads(exc.content.decode("utf-8", "replace"))
    except (ValueError, AttributeError):
        return status, "", ""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return status, "", ""
    errors = error.get("errors") if isinstance(error.get("errors"), list) else []
    reason = next((e.get("reason") for e in errors if isinstance(e, dict) and e.get("reason")), "")
    return status, str(reason), str(error.get("message") or "")
