"""What a listen run tells an onlooker while it works; the CLI draws it (``voxpop.progress``), flows log only."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable  # the listen flow's parameter is validated by isinstance
class ListenProgress(Protocol):
    """Progress events of a listen run, in the order they happen."""

    def source_started(self, source: str) -> None:
        """``source`` is about to fetch its first page."""

    def to_score(self, source: str, n: int) -> None:
        """``n`` more new records of ``source`` are queued for scoring."""

    def scored(self, source: str, n: int) -> None:
        """``n`` records of ``source`` were scored."""

    def topics_started(self) -> None:
        """The topic refit starts."""

    def topics_finished(self) -> None:
        """The topic refit ended (done or failed)."""


class NoProgress:
    """Reports nothing: the default for flows and tests."""

    def source_started(self, source: str) -> None:
        """Nothing to show."""

    def to_score(self, source: str, n: int) -> None:
        """Nothing to show."""

    def scored(self, source: str, n: int) -> None:
        """Nothing to show."""

    def topics_started(self) -> None:
        """Nothing to show."""

    def topics_finished(self) -> None:
        """Nothing to show."""
