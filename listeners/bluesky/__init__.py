"""The ``bluesky`` source: AT Protocol post search (``app.bsky.feed.searchPosts``) over plain httpx."""

from listeners.bluesky.client import XrpcClient
from listeners.bluesky.listener import BlueskyListener
from listeners.bluesky.options import HANDLE_ENV, PASSWORD_ENV, BlueskyOptions
from listeners.bluesky.parse import post_to_mention, sort_at
from listeners.bluesky.query import build_queries
from listeners.bluesky.window import Window
from listeners.protocol import registry

registry.register("bluesky", "bsky", "atproto", description="Bluesky post search (AT Protocol searchPosts)")(
    BlueskyListener.from_config)

__all__ = ["HANDLE_ENV", "PASSWORD_ENV", "BlueskyListener", "BlueskyOptions", "Window", "XrpcClient",
           "build_queries", "post_to_mention", "sort_at"]
