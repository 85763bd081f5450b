"""One exception root for the whole project, so callers can catch ``VoxpopError`` and show its message.

Every message says what went wrong and what to do next; the CLI prints it without a traceback. Messages
often quote an upstream reply, so every configured secret is scrubbed from them here (``core.redact``).
"""

from typing import Any

from core.redact import scrub


class VoxpopError(Exception):
    """Root of every error voxpop raises on purpose; its message never carries a registered secret."""

    def __init__(self, message: Any = "", *args: Any) -> None:
        super().__init__(scrub(str(message)), *args)


class ConfigError(VoxpopError):
    """The configuration file or an option is invalid.

    ``problems`` holds one line per problem, each naming its field, when the message lists several.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems or (message,)


class SourceError(VoxpopError):
    """A listener could not read its source (bad file, unreachable API, missing credentials)."""


class MissingCredentialsError(SourceError):
    """A source has no credentials configured; the demo skips it, a deployment fails loudly."""


class RateLimitError(SourceError):
    """The API refused for rate limiting and the wait would exceed what the listener may sleep."""

    def __init__(self, message: str, reset_at: float | None = None) -> None:
        super().__init__(message)
        self.reset_at = reset_at  # Unix time when the limit resets, when the API said


class AccessError(SourceError):
    """Credentials were rejected or the access tier does not include the endpoint (401/403/453)."""


class ModelError(VoxpopError):
    """A model could not be loaded or used."""


class StorageError(VoxpopError):
    """The dataset could not be read or written."""
