"""The ``x`` source: X (Twitter) API v2 recent and full-archive post search through tweepy."""

from listeners.protocol import registry
from listeners.x.client import XApi
from listeners.x.listener import XListener
from listeners.x.options import RECENT_DAYS, TOKEN_ENV, X_API, XOptions
from listeners.x.parse import tweet_to_mention
from listeners.x.query import build_queries, query_key

registry.register("x", "twitter", description="X (Twitter) API v2 recent / full-archive search")(XListener.from_config)

__all__ = ["RECENT_DAYS", "TOKEN_ENV", "X_API", "XApi", "XListener", "XOptions", "build_queries", "query_key",
           "tweet_to_mention"]
