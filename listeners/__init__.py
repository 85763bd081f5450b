"""Listeners: one module per source, a common protocol, and a registry of source types."""

from core.types import Mention, Page
from listeners import _bluesky, _reddit, _x  # noqa: F401 - importing registers the listeners
from listeners._base import Listener, registry
from listeners._file import SAMPLE_PATH, FileListener, parse_timestamp
from listeners._normalize import BrandMatcher, Normalizer, Pseudonymizer

__all__ = [
    "SAMPLE_PATH",
    "BrandMatcher",
    "FileListener",
    "Listener",
    "Mention",
    "Normalizer",
    "Page",
    "Pseudonymizer",
    "parse_timestamp",
    "registry",
]
