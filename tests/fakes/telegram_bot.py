"""A fake Telegram Bot API on 127.0.0.1: ``getUpdates`` in the real wire format (Update, Message, Chat, User).

Like Telegram, it forgets every update below the ``offset`` a call asks for (the call confirms them), answers
errors as ``{"ok": false, "error_code", "description"}`` and 429s with ``parameters.retry_after``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from listeners.telegram_bot import TOKEN_ENV
from tests.fakes import HARNESSES, FakeApiHarness, Request, Response, Scenario

TOKEN = "7312345678:AAHk3v9QxWmZ2pLr8TnYb4cD6eF0gHiJkLm"  # noqa: S105 - the fake's bot token
PAGE_SIZE = 3
SUPPORT = {"id": -1002233445566, "title": "Narmart Dəstək", "type": "supergroup", "username": "narmart_support"}
PRIVATE_GROUP = {"id": -1009988776655, "title": "Narmart VIP", "type": "supergroup"}
OTHER = {"id": -1001112223334, "title": "Random chat", "type": "supergroup", "username": "random_chat"}
DM = {"id": 5550001, "first_name": "Aysel", "type": "private"}


@dataclass
class FakeBotApi:
    """State and request handler of the fake Bot API."""

    updates: list[Any] = field(default_factory=list)
    confirmed: int = 0  # updates below this id are forgotten, as Telegram does after a later offset
    mode: str = "ok"  # ok | unauthorized | forbidden | conflict
    fail_first: int | None = None
    retry_after: int = 3
    crash_offset: int | None = None  # getUpdates with this offset answers 500 until healed
    healed: bool = False
    repeat_boundary: bool = False  # the update just below the offset comes again (a redelivery)
    counter: int = 800_000_000
    message_ids: int = 100
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    calls: list[dict[str, list[str]]] = field(default_factory=list)

    def message(self, text: str | None, *, chat: dict[str, Any] | None = None, user: int = 6_100_001,
                minutes_ago: float = 10, kind: str = "message", mid: int | None = None,
                reply_to: int | None = None, caption: bool = False) -> dict[str, Any]:
        """An Update with a Message in ``chat``; returns the update."""
        self.counter += 1
        if mid is None:
            self.message_ids += 1
            mid = self.message_ids
        msg: dict[str, Any] = {"message_id": mid, "date": int((self.now - timedelta(minutes=minutes_ago)).timestamp()),
                               "chat": chat or SUPPORT,
                               "from": {"id": user, "is_bot": False, "first_name": "User", "username": f"u{user}"}}
        if text is not None:
            msg["caption" if caption else "text"] = text
        if caption:
            msg["photo"] = [{"file_id": "AgACAgIAAx0", "file_unique_id": "AQAD", "width": 90, "height": 90}]
        if reply_to is not None:
            msg["reply_to_message"] = {"message_id": reply_to, "date": msg["date"] - 60, "chat": msg["chat"]}
        if kind.startswith("edited"):
            msg["edit_date"] = msg["date"] + 30
        update = {"update_id": self.counter, kind: msg}
        self.updates.append(update)
        return update

    def __call__(self, req: Request) -> Response:  # noqa: PLR0911 - one answer per Bot API failure
        parts = req.path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot"):
            return _error(404, "Not Found")
        if parts[0] != f"bot{TOKEN}" or self.mode == "unauthorized":
            return _error(401, "Unauthorized")
        if parts[1] != "getUpdates":
            return _error(404, "Not Found: method not found")
        self.calls.append(req.query)
        if self.mode == "forbidden":
            return _error(403, "Forbidden: bot was kicked from the supergroup chat")
        if self.mode == "conflict":
            return _error(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                               "to delete the webhook first")
        if self.fail_first is not None:
            status, self.fail_first = self.fail_first, None
            if status == 429:
                return _error(429, f"Too Many Requests: retry after {self.retry_after}",
                              {"retry_after": self.retry_after})
            return _error(status, "Bad Gateway")
        offset = int(req.query.get("offset", ["0"])[0])
        limit = int(req.query.get("limit", ["100"])[0])
        json.loads(req.query.get("allowed_updates", ["[]"])[0])
        if offset == self.crash_offset and not self.healed:
            return _error(500, "Internal Server Error")
        self.confirmed = max(self.confirmed, offset)
        low = self.confirmed - 1 if self.repeat_boundary and offset else self.confirmed
        pending = [u for u in self.updates if u.get("update_id", 0) >= low]
        return Response(200, {"ok": True, "result": pending[:min(limit, PAGE_SIZE)]})


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Response(status, body)


def native(update: dict[str, Any]) -> str:
    msg = next(v for k, v in update.items() if k != "update_id")
    return f"{str(msg['chat']['id']).removeprefix('-100')}/{msg['message_id']}"


# ---- scenarios --------------------------------------------------------------------------------------
def fill_pages(fake: FakeBotApi) -> set[str]:
    """Support-group messages (every one is about Narmart: the source sets brand), noise from other chats."""
    ids = set()
    texts = ["Sifarişim 5 gündür gəlmir, kömək edin", "Kartdan pul çıxıb amma sifariş yoxdur",
             "Kuryer zəng etmədi", "Спасибо, всё пришло вовремя", "Return policy nədir?",
             "Tətbiq açılmır, ödəniş alınmır", "Teşekkürler, sorun çözüldü"]
    for i, text in enumerate(texts):
        ids.add(native(fake.message(text, minutes_ago=120 - i * 10, user=6_100_001 + i)))
    ids.add(native(fake.message("Şəkildəki qutu əzilib gəldi", caption=True, minutes_ago=40)))
    ids.add(native(fake.message("VIP: Narmart-da çatdırılma gecikir", chat=PRIVATE_GROUP, minutes_ago=35)))
    fake.message(None, minutes_ago=30)  # a sticker: no text
    fake.message("Narmart in another chat", chat=OTHER, minutes_ago=25)  # not a configured chat
    fake.message("Salam, sifariş nömrəm 1234", chat=DM, minutes_ago=20)  # a DM: private chats are off
    fake.updates.append({"update_id": fake.counter + 1, "my_chat_member": {"chat": SUPPORT, "date": 1}})
    fake.counter += 1
    return ids


def fill_malformed(fake: FakeBotApi) -> set[str]:
    ids = {native(fake.message("Çatdırılma gecikir", minutes_ago=30))}
    broken = fake.message("no date", minutes_ago=20)
    broken["message"]["date"] = "yesterday"
    no_id = fake.message("no id", minutes_ago=19)
    del no_id["message"]["message_id"]
    bad_text = fake.message("x", minutes_ago=18)
    bad_text["message"]["text"] = {"not": "text"}
    fake.counter += 1
    fake.updates.append({"update_id": fake.counter, "message": "not a message object"})
    ids.add(native(fake.message("Hər şey qaydasındadır", minutes_ago=5)))
    return ids


def fill_duplicates(fake: FakeBotApi) -> set[str]:
    fake.repeat_boundary = True
    return {native(fake.message(f"Dəstək sualı nömrə {i}", minutes_ago=60 - i)) for i in range(7)}


def fill_unicode(fake: FakeBotApi) -> set[str]:
    return {native(fake.message(t, minutes_ago=10 - i)) for i, t in enumerate([
        "🚚📦💨 çatdırılma 👨‍👩‍👧 əla! 🇦🇿", "التوصيل متأخر جدا 😡", "שירות לקוחות 👍 mixed עברית and English",
        "Նարմարտ 🇦🇲 Нармарт Narmart — три алфавита\u200b в одном"])}


def fill_huge(fake: FakeBotApi) -> set[str]:
    return {native(fake.message(("çatdırılma gecikir 😡 " * 2100)[:40_010], minutes_ago=2))}


def fill_crash(fake: FakeBotApi) -> set[str]:
    ups = [fake.message(f"Crash fixture {i}, delivery late", minutes_ago=60 - i) for i in range(4 * PAGE_SIZE)]
    fake.crash_offset = ups[2 * PAGE_SIZE]["update_id"]
    return {native(u) for u in ups}


class TelegramBotHarness(FakeApiHarness):
    """Drives the telegram-bot listener against the fake Bot API for the conformance suite."""

    type = "telegram-bot"
    source_name = "telegram-bot-test"
    first_failures: ClassVar[dict[str, int]] = {"rate_limit": 429, "server_error": 502}
    scenarios: ClassVar[dict[str, Scenario]] = {
        "pages": fill_pages, "malformed": fill_malformed, "duplicates": fill_duplicates, "unicode": fill_unicode,
        "huge_text": fill_huge, "crash": fill_crash}
    fake: FakeBotApi

    def new_fake(self, previous: FakeBotApi | None) -> FakeBotApi:
        # update and message ids keep counting, as Telegram's do
        return FakeBotApi() if previous is None else FakeBotApi(counter=previous.counter,
                                                                message_ids=previous.message_ids)

    def fail_first(self, status: int) -> None:
        self.fake.fail_first = status

    def options(self) -> dict[str, Any]:
        return {"api_base": self.server.url, "limit": PAGE_SIZE, "brand": "Narmart", "min_interval_seconds": 0,
                "chats": ["@narmart_support", PRIVATE_GROUP["id"]]}

    def env(self) -> dict[str, str]:
        return {TOKEN_ENV: TOKEN}

    def secrets(self) -> list[str]:
        return [TOKEN]


HARNESSES["telegram-bot"] = TelegramBotHarness
