"""Listeners: one subpackage per source, a common protocol, a shared base and the registry of source types.

Importing this package imports every source subpackage, which registers its types in ``registry``.
"""

from core.types import Mention, Page
from listeners import (  # noqa: F401 - importing registers the listeners
    app_store,
    bluesky,
    file,
    google_play,
    reddit,
    telegram,
    telegram_bot,
    x,
    youtube,
)
from listeners.base import Credential, Cursors, QueryListener, Run
from listeners.file import SAMPLE_PATH, FileListener, parse_timestamp
from listeners.normalize import BrandMatcher, Normalizer, Pseudonymizer
from listeners.options import HttpOptions, parse_options
from listeners.protocol import Listener, Registry, registry

__all__ = [
    "SAMPLE_PATH",
    "BrandMatcher",
    "Credential",
    "Cursors",
    "FileListener",
    "HttpOptions",
    "Listener",
    "Mention",
    "Normalizer",
    "Page",
    "Pseudonymizer",
    "QueryListener",
    "Registry",
    "Run",
    "parse_options",
    "parse_timestamp",
    "registry",
]
