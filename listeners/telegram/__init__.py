"""The ``telegram`` source: public Telegram channels and groups read with a user session through Telethon."""

from listeners.protocol import registry
from listeners.telegram.client import TelegramChats
from listeners.telegram.listener import TelegramListener
from listeners.telegram.options import API_HASH_ENV, API_ID_ENV, SESSION_ENV, TelegramOptions, chat_username
from listeners.telegram.parse import message_to_mention

registry.register("telegram", description="Telegram public channels, groups and channel comments (Telethon)")(
    TelegramListener.from_config)

__all__ = ["API_HASH_ENV", "API_ID_ENV", "SESSION_ENV", "TelegramChats", "TelegramListener", "TelegramOptions",
           "chat_username", "message_to_mention"]
