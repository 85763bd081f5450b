"""A fake Telegram at Telethon's client boundary: a stand-in ``TelegramClient`` that returns real Telethon objects.

Telethon speaks MTProto over its own encrypted TCP protocol, not HTTP, so there is no wire format to serve on
127.0.0.1 short of reimplementing Telegram's server. The fake replaces ``telethon.TelegramClient`` where the
listener uses it (``listeners.telegram.client.TelegramClient``) with a class offering the same async methods
the listener calls (connect, is_user_authorized, get_entity, ``client(GetFullChannelRequest)``,
get_messages, disconnect), answering with real ``telethon.tl.types`` objects (Channel, Message, ChatFull ...)
and raising real Telethon errors (FloodWaitError, ChannelPrivateError, ServerError ...). The listener's own
code (StringSession parsing, the loop thread, paging, error mapping) runs unchanged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from telethon import errors, helpers
from telethon.crypto import AuthKey
from telethon.sessions import StringSession
from telethon.tl import types
from telethon.tl.functions.channels import GetFullChannelRequest
from telethon.tl.types.messages import ChatFull

import listeners.telegram.client as telegram_client
from listeners.telegram import API_HASH_ENV, API_ID_ENV, SESSION_ENV
from tests.fakes import DENIED, HARNESSES, Scenario, SleepRecorder

API_ID = "28914457"
API_HASH = "5f3c9e1b7a2d4c6e8f0a1b3c5d7e9f11"
PAGE_SIZE = 3


def make_session() -> str:
    """A real StringSession string (DC 2, a random auth key), as ``StringSession.save()`` writes it."""
    session = StringSession()
    session.set_dc(2, "149.154.167.51", 443)
    session.auth_key = AuthKey(os.urandom(256))
    return session.save()


@dataclass
class FakeTelegram:
    """What the fake Telegram holds: public chats, their messages, linked groups, scripted failures."""

    session: str = field(default_factory=make_session)
    chats: dict[str, Any] = field(default_factory=dict)  # username (casefolded) -> Channel
    messages: dict[int, list[Any]] = field(default_factory=dict)  # chat id -> messages, id ascending
    linked: dict[int, Any] = field(default_factory=dict)  # channel id -> its discussion group (Channel)
    mode: str = "ok"  # ok | unauthorized | forbidden
    fail_first: str | None = None  # "flood" | "server": the first get_messages fails so
    flood_seconds: int = 3
    crash_at: tuple[int, int] | None = None  # (chat id, offset_id) failing with ServerError until healed
    healed: bool = False
    repeat_boundary: bool = False  # offset_id is answered inclusively (the boundary message comes twice)
    requests: list[tuple[str, Any]] = field(default_factory=list)
    client_kwargs: list[dict[str, Any]] = field(default_factory=list)
    counter: int = 1000
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    # ---- fixtures ---------------------------------------------------------------------------------
    def channel(self, username: str | None, *, broadcast: bool = True) -> Any:
        """A public channel (``broadcast``) or supergroup; registered under its username."""
        self.counter += 1
        chat = types.Channel(id=1_700_000_000 + self.counter, title=(username or "group").title(), photo=None,
                             date=self.now - timedelta(days=400), broadcast=broadcast, megagroup=not broadcast,
                             access_hash=int.from_bytes(os.urandom(7), "big"), username=username)
        if username:
            self.chats[username.casefold()] = chat
        self.messages[chat.id] = []
        return chat

    def next_id(self) -> int:
        """A message id never used before, also across loads (Telegram never reuses one)."""
        self.counter += 1
        return self.counter

    def link(self, channel: Any, group: Any) -> None:
        """Make ``group`` the discussion group of ``channel``."""
        self.linked[channel.id] = group

    def post(self, chat: Any, text: str | None, *, minutes_ago: float = 10, user: int | None = 500_001,
             views: int | None = 120, forwards: int = 1, replies: int = 0, reactions: int = 2,
             reply_to: int | None = None, top: int | None = None, edited_minutes_ago: float | None = None,
             date: datetime | str | None = "now") -> Any:
        """A real ``telethon.tl.types.Message`` in ``chat`` (ids ascending in insertion order)."""
        mid = self.next_id()
        when = self.now - timedelta(minutes=minutes_ago) if date == "now" else date
        msg = types.Message(
            id=mid, peer_id=types.PeerChannel(chat.id), date=when, message=text,
            post=bool(chat.broadcast), from_id=None if chat.broadcast or user is None else types.PeerUser(user),
            views=views, forwards=forwards,
            replies=types.MessageReplies(replies=replies, replies_pts=mid) if replies else None,
            reactions=types.MessageReactions(results=[types.ReactionCount(reaction=types.ReactionEmoji("👍"),
                                                                          count=reactions)]) if reactions else None,
            reply_to=types.MessageReplyHeader(reply_to_msg_id=reply_to, reply_to_top_id=top) if reply_to else None,
            edit_date=self.now - timedelta(minutes=edited_minutes_ago) if edited_minutes_ago is not None else None,
        )
        self.messages[chat.id].append(msg)
        return msg

    def add(self, chat: Any, message: Any) -> None:
        """Append any message-like object (MessageService, MessageEmpty ...) to ``chat``."""
        self.messages[chat.id].append(message)

    def edit(self, chat: Any, mid: int, text: str) -> None:
        """Edit message ``mid`` now, as Telegram does: new text, ``edit_date`` set."""
        msg = next(m for m in self.messages[chat.id] if m.id == mid)
        msg.message = text
        msg.edit_date = datetime.now(UTC)

    # ---- the client boundary ------------------------------------------------------------------------
    def history(self, chat_id: int, *, limit: int, offset_id: int, offset_date: datetime | None,
                reverse: bool) -> Any:
        """``get_messages(..., reverse=True)`` as Telethon returns it: oldest first, offsets exclusive."""
        if not reverse:
            raise NotImplementedError("the fake serves reverse=True reads only (what the listener uses)")
        if self.fail_first is not None:
            kind, self.fail_first = self.fail_first, None
            if kind == "flood":
                raise errors.FloodWaitError(request=None, capture=self.flood_seconds)
            raise errors.ServerError(None, "RPC_MCGET_FAIL", 500)
        if self.crash_at == (chat_id, offset_id) and not self.healed:
            raise errors.ServerError(None, "INTERNAL", 500)
        msgs = self.messages.get(chat_id, [])
        low = offset_id - 1 if self.repeat_boundary and offset_id else offset_id
        after_date = offset_date if not offset_id else None  # Telethon sends one offset; the listener never both
        out = [m for m in msgs if m.id > low and (after_date is None or m.date is None or m.date > after_date)]
        result = helpers.TotalList(out[:limit])
        result.total = len(msgs)
        return result


def client_class(state: FakeTelegram) -> type:
    """A ``TelegramClient`` stand-in bound to ``state``."""

    class FakeTelegramClient:
        def __init__(self, session: Any, api_id: int, api_hash: str, **kwargs: Any) -> None:
            state.client_kwargs.append(kwargs)
            self._ok = (isinstance(session, StringSession) and session.save() == state.session
                        and str(api_id) == API_ID and api_hash == API_HASH)

        async def connect(self) -> None:
            state.requests.append(("connect", None))

        async def disconnect(self) -> None:
            state.requests.append(("disconnect", None))

        async def is_user_authorized(self) -> bool:
            return self._ok and state.mode != "unauthorized"

        async def get_entity(self, username: str) -> Any:
            state.requests.append(("get_entity", username))
            if not self._ok:
                raise errors.AuthKeyUnregisteredError(request=None)
            if state.mode == "forbidden":
                raise errors.ChannelPrivateError(request=None)
            chat = state.chats.get(username.casefold())
            if chat is None:
                raise errors.UsernameNotOccupiedError(request=None)
            return chat

        async def __call__(self, request: Any) -> Any:
            if not isinstance(request, GetFullChannelRequest) or not isinstance(request.channel, types.InputChannel):
                raise NotImplementedError(f"the fake does not serve {type(request).__name__}")
            state.requests.append(("GetFullChannelRequest", request.channel.channel_id))
            channel = next(c for c in state.chats.values() if c.id == request.channel.channel_id)
            group = state.linked.get(channel.id)
            full = types.ChannelFull(id=channel.id, about="", read_inbox_max_id=0, read_outbox_max_id=0,
                                     unread_count=0, chat_photo=types.PhotoEmpty(id=0),
                                     notify_settings=types.PeerNotifySettings(), bot_info=[], pts=1,
                                     linked_chat_id=group.id if group is not None else None)
            return ChatFull(full_chat=full, chats=[channel, *([group] if group is not None else [])], users=[])

        async def get_messages(self, entity: Any, *, limit: int, offset_id: int = 0,
                               offset_date: datetime | None = None, reverse: bool = False) -> Any:
            state.requests.append(("get_messages", (entity.id, offset_id)))
            if not self._ok:
                raise errors.AuthKeyUnregisteredError(request=None)
            return state.history(entity.id, limit=limit, offset_id=offset_id, offset_date=offset_date,
                                 reverse=reverse)

    return FakeTelegramClient


def native(msg: Any) -> str:
    return f"{msg.peer_id.channel_id}/{msg.id}"


# ---- scenarios --------------------------------------------------------------------------------------
def fill_pages(fake: FakeTelegram) -> set[str]:
    """A channel with comments in its linked (username-less) group, and a public group; noise is filtered."""
    news = fake.channel("narmart_news")
    chat = fake.channel(None, broadcast=False)
    fake.link(news, chat)
    shoppers = fake.channel("baku_shoppers", broadcast=False)
    ids: set[str] = set()
    posts = ["Narmart payız kampaniyası başladı: 30% endirim", "Narmart yeni mağaza açır, Gəncədə",
             "Bugün hava gözəldir", "Narmart çatdırılma müddəti 2 gün olacaq", "Нармарт: новые правила возврата"]
    first = None
    for i, text in enumerate(posts):
        msg = fake.post(news, text, minutes_ago=300 - i * 30, replies=2)
        first = first or msg.id
        if "Narmart" in text or "Нармарт" in text:
            ids.add(native(msg))
    fake.add(news, types.MessageService(id=fake.next_id(), peer_id=types.PeerChannel(news.id), date=fake.now,
                                        action=types.MessageActionPinMessage()))
    fake.post(news, "", minutes_ago=100)  # a photo without caption: no text
    comments = ["Narmart çatdırılma yenə gecikdi, 3 gündür gözləyirəm", "Narmart support never answers",
                "+1", "Lumo daha ucuzdur, Narmart-dan", "Нармарт доставка ужас"]
    for i, text in enumerate(comments):
        msg = fake.post(chat, text, minutes_ago=200 - i * 10, user=600_000 + i, reply_to=first, top=first)
        if text != "+1":
            ids.add(native(msg))
    for i, text in enumerate(["Tezbazar qiymətləri bahalı olub", "tezbazar.fake giveaway", "Lumo app əladır",
                              "Narmart kargo çok hızlı geldi, teşekkürler"]):
        msg = fake.post(shoppers, text, minutes_ago=90 - i * 5, user=700_000 + i)
        if "fake" not in text:
            ids.add(native(msg))
    return ids


def fill_malformed(fake: FakeTelegram) -> set[str]:
    news = fake.channel("narmart_news")
    ids = {native(fake.post(news, "Narmart ok item one", minutes_ago=50))}
    fake.post(news, "Narmart without a date", date=None)
    fake.post(news, None)  # no text at all (not even an empty caption)
    fake.post(news, "Narmart negative views", views=-5)
    fake.add(news, types.MessageEmpty(id=fake.next_id(), peer_id=types.PeerChannel(news.id)))  # deleted: skipped
    ids.add(native(fake.post(news, "Narmart ok item two", minutes_ago=5)))
    return ids


def fill_duplicates(fake: FakeTelegram) -> set[str]:
    news = fake.channel("narmart_news")
    fake.repeat_boundary = True
    return {native(fake.post(news, f"Narmart review number {i}", minutes_ago=60 - i)) for i in range(7)}


def fill_unicode(fake: FakeTelegram) -> set[str]:
    news = fake.channel("narmart_news")
    return {native(fake.post(news, text, minutes_ago=10 - i)) for i, text in enumerate([
        "Narmart 🚚📦💨 çatdırılma 👨‍👩‍👧 əla! 🇦🇿", "Narmart التوصيل متأخر جدا 😡",
        "Narmart שירות לקוחות 👍 mixed עברית and English", "Նարմարտ 🇦🇲 Нармарт Narmart — три алфавита\u200b в одном"])}


def fill_huge(fake: FakeTelegram) -> set[str]:
    news = fake.channel("narmart_news")
    text = "Narmart " + ("çatdırılma gecikir 😡 " * 2100)
    return {native(fake.post(news, text[:40_010], minutes_ago=2))}


def fill_crash(fake: FakeTelegram) -> set[str]:
    news = fake.channel("narmart_news")
    msgs = [fake.post(news, f"Narmart crash fixture {i}, delivery late", minutes_ago=60 - i)
            for i in range(4 * PAGE_SIZE)]
    fake.crash_at = (news.id, msgs[2 * PAGE_SIZE - 1].id)  # the request for page 3
    return {native(m) for m in msgs}


class TelegramHarness:
    """Drives the telegram listener against the fake client for the conformance suite (and the unit tests)."""

    type = "telegram"
    source_name = "telegram-test"
    scenarios: ClassVar[dict[str, Scenario]] = {
        "pages": fill_pages, "malformed": fill_malformed, "duplicates": fill_duplicates, "unicode": fill_unicode,
        "huge_text": fill_huge, "crash": fill_crash}

    def __init__(self) -> None:
        self.fake = FakeTelegram()
        self._sleeps = SleepRecorder()
        self._real: Any = None

    def start(self) -> None:
        self._real = telegram_client.TelegramClient
        telegram_client.TelegramClient = _Dispatch(self)  # type: ignore[assignment, misc]
        self._sleeps.start()

    def stop(self) -> None:
        self._sleeps.stop()
        if self._real is not None:
            telegram_client.TelegramClient = self._real  # type: ignore[misc]

    def options(self) -> dict[str, Any]:
        return {"chats": ["@narmart_news", "https://t.me/baku_shoppers"], "limit": PAGE_SIZE,
                "min_interval_seconds": 0}

    def source(self) -> dict[str, Any]:
        return {"name": self.source_name, "type": self.type, "options": self.options()}

    def env(self) -> dict[str, str]:
        return {API_ID_ENV: API_ID, API_HASH_ENV: API_HASH, SESSION_ENV: self.fake.session}

    def load(self, scenario: str) -> set[str]:
        self.fake = FakeTelegram(session=self.fake.session, counter=self.fake.counter)  # ids never repeat
        self._sleeps.seconds.clear()
        if scenario in {"pages", "rate_limit", "server_error", *DENIED}:
            ids = fill_pages(self.fake)
            self.fake.mode = scenario if scenario in DENIED else "ok"
            self.fake.fail_first = {"rate_limit": "flood", "server_error": "server"}.get(scenario)
            return set() if scenario in DENIED else ids
        if scenario == "empty":
            self.fake.channel("narmart_news")
            ids: set[str] = set()
        else:
            ids = self.scenarios[scenario](self.fake)
        if "baku_shoppers" not in self.fake.chats:  # the second configured chat exists, quiet
            self.fake.channel("baku_shoppers", broadcast=False)
        return ids

    def heal(self) -> None:
        self.fake.healed = True

    def sleeps(self) -> list[float]:
        return list(self._sleeps.seconds)

    def secrets(self) -> list[str]:
        return [self.fake.session, API_HASH]


class _Dispatch:
    """Builds a client of the harness's current fake (``load`` swaps the fake between runs)."""

    def __init__(self, harness: TelegramHarness) -> None:
        self.harness = harness

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return client_class(self.harness.fake)(*args, **kwargs)


HARNESSES["telegram"] = TelegramHarness
