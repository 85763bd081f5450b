"""The ``reddit`` source: post search plus the on-topic comments of matching posts, through praw (read-only)."""

from listeners.protocol import registry
from listeners.reddit.client import RedditApi
from listeners.reddit.listener import RedditListener
from listeners.reddit.options import CLIENT_ID_ENV, CLIENT_SECRET_ENV, RedditOptions
from listeners.reddit.parse import comment_to_mention, post_to_mention, removed_reason
from listeners.reddit.query import SearchQuery, SubredditSearch, build_queries, time_filter_for

registry.register("reddit", "subreddit", description="Reddit post search plus on-topic comments (praw, read-only)")(
    RedditListener.from_config)

__all__ = ["CLIENT_ID_ENV", "CLIENT_SECRET_ENV", "RedditApi", "RedditListener", "RedditOptions", "SearchQuery",
           "SubredditSearch", "build_queries", "comment_to_mention", "post_to_mention", "removed_reason",
           "time_filter_for"]
