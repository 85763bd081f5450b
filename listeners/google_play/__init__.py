"""The ``google-play`` source: Google Play reviews of configured apps, via google-play-scraper's request format."""

from listeners.google_play.client import PlayReviews
from listeners.google_play.listener import GooglePlayListener, Listing
from listeners.google_play.options import PLAY, GooglePlayOptions, PlayApp
from listeners.google_play.parse import review_to_mention
from listeners.protocol import registry

registry.register("google-play", "google_play", "play-store",
                  description="Google Play app reviews with star ratings (google-play-scraper)")(
    GooglePlayListener.from_config)

__all__ = ["PLAY", "GooglePlayListener", "GooglePlayOptions", "Listing", "PlayApp", "PlayReviews",
           "review_to_mention"]
