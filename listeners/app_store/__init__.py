"""The ``app-store`` source: App Store reviews of configured apps from Apple's public customer-reviews feed."""

from listeners.app_store.client import ReviewFeed
from listeners.app_store.listener import AppStoreListener, Listing
from listeners.app_store.options import ITUNES, PAGE_CAP, AppStoreOptions, StoreApp
from listeners.app_store.parse import entry_to_mention
from listeners.protocol import registry

registry.register("app-store", "app_store", "appstore", "ios",
                  description="App Store reviews with star ratings (Apple's customer-reviews feed)")(
    AppStoreListener.from_config)

__all__ = ["ITUNES", "PAGE_CAP", "AppStoreListener", "AppStoreOptions", "Listing", "ReviewFeed", "StoreApp",
           "entry_to_mention"]
