"""google-play-scraper's request format and field positions, imported without its process-wide side effect.

Importing ``google_play_scraper`` runs ``ssl._create_default_https_context = ssl._create_unverified_context``
(in ``google_play_scraper.utils.request``), which turns off certificate checks for every ``urllib`` HTTPS
request of the whole process. voxpop never uses the library's transport, so the default is put back at once.
"""

import ssl

_verified = ssl._create_default_https_context
try:
    from google_play_scraper import Sort
    from google_play_scraper.constants.element import ElementSpecs
    from google_play_scraper.constants.regex import Regex
    from google_play_scraper.constants.request import PLAY_STORE_BASE_URL, Formats
    from google_play_scraper.utils import nested_lookup
finally:
    ssl._create_default_https_context = _verified

__all__ = ["PLAY_STORE_BASE_URL", "ElementSpecs", "Formats", "Regex", "Sort", "nested_lookup"]
