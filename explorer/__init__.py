"""The explorer: a local web app from any figure to the mentions behind it, with corrections (``voxpop serve``)."""

from explorer.app import create_app
from explorer.data import Explorer
from explorer.filters import Filters
from explorer.server import build, serve

__all__ = ["Explorer", "Filters", "build", "create_app", "serve"]
