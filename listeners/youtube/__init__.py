"""The ``youtube`` source: comments on channels and videos (YouTube Data API v3, google-api-python-client)."""

from listeners.protocol import registry
from listeners.youtube.client import Quota, YouTubeApi, next_reset, quota_day
from listeners.youtube.listener import QUOTA_KEY, YouTubeListener
from listeners.youtube.options import KEY_ENV, YOUTUBE_API, YouTubeOptions
from listeners.youtube.parse import thread_to_mentions

registry.register("youtube", description="YouTube comments on channels and videos (Data API v3, quota-aware)")(
    YouTubeListener.from_config)

__all__ = ["KEY_ENV", "QUOTA_KEY", "YOUTUBE_API", "Quota", "YouTubeApi", "YouTubeListener", "YouTubeOptions",
           "next_reset", "quota_day", "thread_to_mentions"]
