"""One exception root for the whole project, so callers can catch ``VoxpopError`` and show its message.

Every message says what went wrong and what to do next; the CLI prints it without a traceback.
"""


class VoxpopError(Exception):
    """Root of every error voxpop raises on purpose."""


class ConfigError(VoxpopError):
    """The configuration file or an option is invalid."""


class SourceError(VoxpopError):
    """A listener could not read its source (bad file, unreachable API, missing credentials)."""


class ModelError(VoxpopError):
    """A model could not be loaded or used."""


class StorageError(VoxpopError):
    """The dataset could not be read or written."""
