"""Telethon behind a small synchronous facade: one event loop thread, pacing, FloodWait and error mapping.

Telethon speaks MTProto over its own TCP connection and is asyncio-only; the listener is a plain iterator
run by the flow, so the client lives on a private event loop in a daemon thread and every call is sent there.
Telethon's own flood sleeping is switched off (``flood_sleep_threshold=0``): every ``FloodWaitError`` comes
here and is waited out through the shared throttle (recorded in tests), or becomes ``RateLimitError``.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any, TypeVar

from pydantic import SecretStr
from telethon import TelegramClient, errors, utils
from telethon.sessions import StringSession
from telethon.tl import types
from telethon.tl.functions.channels import GetFullChannelRequest

from core.errors import AccessError, ConfigError, SourceError
from listeners.telegram.options import API_HASH_ENV, API_ID_ENV, SESSION_ENV, SESSION_HINT, TelegramOptions
from listeners.throttle import Throttle

log = logging.getLogger("listeners.telegram")
T = TypeVar("T")

# Transient failures: Telegram's internal errors (-500 class, RPC_CALL_FAIL, TIMEOUT) and the connection.
_TRANSIENT = (errors.ServerError, errors.RpcCallFailError, errors.TimedOutError, ConnectionError, OSError,
              asyncio.TimeoutError)
_NO_CHAT = (errors.UsernameNotOccupiedError, errors.UsernameInvalidError, errors.ChannelInvalidError)
_NO_ACCESS = (errors.ChannelPrivateError, errors.ChatAdminRequiredError, errors.ChatForbiddenError,
              errors.ForbiddenError)


class _LoopThread:
    """An asyncio loop in a daemon thread; ``run`` sends a coroutine there and waits for its result."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="voxpop-telethon", daemon=True)
        self._thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        if not self.loop.is_running():
            self.loop.close()


def parse_api_id(source: str, value: SecretStr) -> int:
    """The api_id as Telegram wants it: a positive integer."""
    raw = value.get_secret_value().strip()
    if not raw.isdigit():
        raise ConfigError(f"source '{source}': {API_ID_ENV} must be the numeric api_id from my.telegram.org")
    return int(raw)


def parse_session(source: str, value: SecretStr) -> StringSession:
    """The StringSession; a value that is not one fails with what to do (never echoing it)."""
    try:
        return StringSession(value.get_secret_value().strip())
    except Exception:  # noqa: BLE001 - base64/struct errors of a mangled string all mean the same
        raise ConfigError(f"source '{source}': {SESSION_ENV} is not a Telethon StringSession (it starts with '1' "
                          f"and is about 350 characters). {SESSION_HINT}") from None


class TelegramChats:
    """A signed-in Telethon user session: resolve chats, find linked discussion groups, read message pages."""

    def __init__(self, source: str, opts: TelegramOptions, api_id: SecretStr, api_hash: SecretStr,
                 session: SecretStr) -> None:
        self.source = source
        self.opts = opts
        self._throttle = Throttle(source, log, max_wait=opts.max_wait_seconds, max_retries=opts.max_retries,
                                  min_interval=opts.min_interval_seconds,
                                  outage="Telegram may be unreachable, the next run resumes where this one stopped")
        api_id_value = parse_api_id(source, api_id)
        string_session = parse_session(source, session)
        self._loop = _LoopThread()
        try:
            self._client = self._loop.run(self._make(string_session, api_id_value, api_hash), opts.timeout_seconds)
        except BaseException:
            self._loop.close()
            raise

    @staticmethod
    async def _make(session: StringSession, api_id: int, api_hash: SecretStr) -> Any:
        # Built on the loop thread: Telethon binds the client to the running loop.
        return TelegramClient(session, api_id, api_hash.get_secret_value(), flood_sleep_threshold=0,
                              receive_updates=False, request_retries=1, connection_retries=1)

    def __repr__(self) -> str:
        return f"TelegramChats(source={self.source!r})"

    def login(self) -> None:
        """Connect with the saved session; a session Telegram no longer accepts is an access error."""
        self.call("connect", self._client.connect)
        if not self.call("authorization check", self._client.is_user_authorized):
            raise AccessError(f"source '{self.source}': Telegram does not accept the session in {SESSION_ENV} "
                              f"(401 not authorized: revoked, logged out, or made with another api_id than "
                              f"{API_ID_ENV}). {SESSION_HINT}")

    def close(self) -> None:
        """Disconnect and stop the loop thread."""
        try:
            self._loop.run(self._client.disconnect(), self.opts.timeout_seconds)
        except Exception as exc:  # noqa: BLE001 - closing must not hide the run's own error
            log.debug("source %s: disconnect failed: %s", self.source, type(exc).__name__)
        finally:
            self._loop.close()

    def chat(self, username: str) -> Any:
        """The Channel (or Chat) a public username names."""
        entity = self.call(f"resolving @{username}", lambda: self._client.get_entity(username), chat=username)
        if not isinstance(entity, types.Channel | types.Chat):
            raise SourceError(f"source '{self.source}': @{username} is a user or bot, not a channel or group; "
                              "remove it from options.chats")
        return entity

    def discussion(self, channel: Any) -> Any | None:
        """The discussion group linked to a broadcast channel (where its comments live), or None."""
        if not isinstance(channel, types.Channel) or not channel.broadcast:
            return None
        request = GetFullChannelRequest(utils.get_input_channel(channel))
        full = self.call(f"reading @{channel.username}", lambda: self._client(request), chat=channel.username)
        linked = getattr(full.full_chat, "linked_chat_id", None)
        if not linked:
            return None
        return next((c for c in full.chats if getattr(c, "id", None) == linked), None)

    def messages(self, entity: Any, *, after_id: int, after_date: datetime | None) -> list[Any]:
        """Up to ``limit`` messages after ``after_id`` (or after ``after_date``), oldest first."""
        kwargs: dict[str, Any] = {"limit": self.opts.limit, "reverse": True}
        if after_id:
            kwargs["offset_id"] = after_id
        elif after_date is not None:
            kwargs["offset_date"] = after_date
        name = getattr(entity, "username", None) or str(getattr(entity, "id", "?"))
        return list(self.call(f"reading @{name}", lambda: self._client.get_messages(entity, **kwargs), chat=name))

    def call(self, what: str, make: Callable[[], Awaitable[T]], *, chat: str | None = None) -> T:
        """Run one Telethon call: paced, FloodWait waited out, transient failures retried, errors explained."""
        limit = "Telegram flood limit"
        failures = throttles = 0
        while True:
            self._throttle.pace(limit)
            try:
                return self._loop.run(_awaited(make), self.opts.timeout_seconds)
            except errors.FloodWaitError as exc:
                throttles += 1
                self._throttle.wait_for_reset(throttles, what=what, limit=f"{limit} ({what})",
                                              retry_in=float(exc.seconds), detail=f"FLOOD_WAIT_{exc.seconds}")
            except errors.UnauthorizedError as exc:
                raise AccessError(f"source '{self.source}': Telegram refused the session while {what} (401 "
                                  f"{exc.message}): the StringSession in {SESSION_ENV} was revoked or logged out, or "
                                  f"{API_ID_ENV}/{API_HASH_ENV} do not match it. {SESSION_HINT}") from None
            except _NO_ACCESS as exc:
                raise AccessError(f"source '{self.source}': no access to @{chat} ({exc.code} {exc.message}): it is "
                                  "private or needs an invitation; join it with this account or remove it from "
                                  "options.chats") from None
            except _NO_CHAT as exc:
                raise SourceError(f"source '{self.source}': @{chat} is not a public channel or group ({exc.message}); "
                                  "check the username in options.chats") from None
            except ValueError as exc:  # get_entity: "No user has "x" as username"
                raise SourceError(f"source '{self.source}': cannot resolve @{chat} ({str(exc)[:120]}); check the "
                                  "username in options.chats") from None
            except _TRANSIENT as exc:
                failures += 1
                self._throttle.backoff(what, failures, type(exc).__name__)
            finally:
                self._throttle.sent()


async def _awaited(make: Callable[[], Awaitable[T]]) -> T:
    return await make()
