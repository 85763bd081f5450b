"""The ``telegram-bot`` source: the groups the brand's own bot is in, through the Bot API's ``getUpdates``."""

from listeners.protocol import registry
from listeners.telegram_bot.client import BotApi
from listeners.telegram_bot.listener import TelegramBotListener
from listeners.telegram_bot.options import BOT_API, TOKEN_ENV, TelegramBotOptions
from listeners.telegram_bot.parse import message_to_mention

registry.register("telegram-bot", "telegram_bot",
                  description="Telegram groups your own bot is a member of (Bot API getUpdates)")(
    TelegramBotListener.from_config)

__all__ = ["BOT_API", "TOKEN_ENV", "BotApi", "TelegramBotListener", "TelegramBotOptions", "message_to_mention"]
