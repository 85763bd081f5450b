"""The Telegram Bot API over plain httpx: ``getUpdates`` with pacing, retries and status → error mapping.

The token is part of every URL (``/bot<token>/getUpdates``); it is registered as a secret, so logs and errors
are scrubbed of it, and the listener never puts a URL into a message.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
from pydantic import SecretStr

from core.errors import AccessError, SourceError
from listeners.telegram_bot.options import TOKEN_ENV, TOKEN_HINT, TelegramBotOptions
from listeners.throttle import Throttle

log = logging.getLogger("listeners.telegram_bot")
UPDATES = ["message", "edited_message", "channel_post", "edited_channel_post"]


class BotApi:
    """One bot's Bot API session."""

    def __init__(self, source: str, opts: TelegramBotOptions, token: SecretStr) -> None:
        self.source = source
        self.opts = opts
        self._token = token
        self._throttle = Throttle(source, log, max_wait=opts.max_wait_seconds, max_retries=opts.max_retries,
                                  min_interval=opts.min_interval_seconds,
                                  outage="the Bot API may be down, the next run resumes from the saved offset")
        self._http = httpx.Client(timeout=opts.timeout_seconds, headers={"User-Agent": "voxpop (telegram-bot)"})

    def __repr__(self) -> str:
        return f"BotApi(source={self.source!r}, api={self.opts.api_base!r})"

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def get_updates(self, offset: int | None) -> list[Any]:
        """One ``getUpdates`` call (no long polling): the updates after ``offset``, oldest first.

        Asking with ``offset`` confirms every earlier update to Telegram, which then forgets it: the caller asks
        for the next batch only after the previous one is stored.
        """
        params: dict[str, Any] = {"limit": self.opts.limit, "timeout": 0, "allowed_updates": json.dumps(UPDATES)}
        if offset is not None:
            params["offset"] = offset
        url = f"{self.opts.api_base}/bot{self._token.get_secret_value()}/getUpdates"
        limit = "Telegram Bot API flood limit"
        failures = throttles = 0
        while True:
            self._throttle.pace(limit)
            try:
                resp = self._http.get(url, params=params)
            except httpx.TransportError as exc:
                failures += 1
                self._throttle.backoff("getUpdates", failures, type(exc).__name__)
                continue
            finally:
                self._throttle.sent()
            body = _body(resp)
            description = str(body.get("description") or resp.reason_phrase)[:200]
            if resp.status_code == 200 and body.get("ok") is True:
                result = body.get("result")
                if not isinstance(result, list):
                    raise SourceError(f"source '{self.source}': getUpdates answered without a result list; is "
                                      "options.api_base a Bot API server?")
                return result
            if resp.status_code == 429:
                throttles += 1
                retry = (body.get("parameters") or {}).get("retry_after") if isinstance(body.get("parameters"),
                                                                                        dict) else None
                self._throttle.wait_for_reset(throttles, what="getUpdates", limit=limit, detail=description,
                                              retry_in=float(retry) if isinstance(retry, int | float) else None)
                continue
            if resp.status_code >= 500:
                failures += 1
                self._throttle.backoff("getUpdates", failures, f"HTTP {resp.status_code} {description}")
                continue
            raise self._error(resp.status_code, description)

    def _error(self, status: int, description: str) -> SourceError:
        if status in {401, 404}:  # the Bot API answers 404 to a token of the wrong shape
            return AccessError(f"source '{self.source}': the Bot API rejected the token ({status} {description}); "
                               f"check {TOKEN_ENV} or options.bot_token_block. {TOKEN_HINT}")
        if status == 403:
            return AccessError(f"source '{self.source}': the Bot API refused access ({status} {description}); the "
                               "bot may be blocked or removed from the chat")
        if status == 409:
            return SourceError(f"source '{self.source}': getUpdates conflicts with another reader (409 "
                               f"{description}): delete the bot's webhook (deleteWebhook) or stop the other "
                               "program polling this bot; one bot has one reader")
        return SourceError(f"source '{self.source}': getUpdates answered {status} {description}")


def _body(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = resp.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
