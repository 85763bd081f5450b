"""Rich progress bars for the CLI: the listen run's events (``pipeline.ListenProgress``) drawn as bars."""

from __future__ import annotations

from types import TracebackType

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from pipeline.progress import NoProgress

BAR = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
_TOPICS = "\0topics"  # no source can have this name


class RichListenProgress:
    """One "scoring" bar per source and one for the topic fit, on Rich's default console.

    Use it as a context manager around the listen run. The display starts with the first source, so
    nothing is drawn while Prefect starts; it stays on screen after the run (not transient).
    """

    __slots__ = ("_bar", "_started", "_tasks", "_totals")  # the flow records its parameters; nothing to record

    def __init__(self) -> None:
        self._bar = Progress(*BAR, transient=False)
        self._started = False
        self._tasks: dict[str, TaskID] = {}
        self._totals: dict[str, int] = {}

    def __reduce__(self) -> tuple[type[NoProgress], tuple[()]]:
        """A copy sent elsewhere (a Dask worker gets the flow's context) draws nothing: the bars stay here."""
        return NoProgress, ()

    def __enter__(self) -> RichListenProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._started:
            self._bar.stop()

    def _add(self, key: str, description: str, total: int) -> None:
        if not self._started:
            self._bar.start()
            self._started = True
        self._tasks[key] = self._bar.add_task(description, total=total)
        self._totals[key] = total

    def source_started(self, source: str) -> None:
        """A bar for ``source``, growing as pages bring new records."""
        self._add(source, f"[cyan]{source}[/] scoring", 0)

    def to_score(self, source: str, n: int) -> None:
        """Extend the source's bar by ``n`` records."""
        self._totals[source] += n
        self._bar.update(self._tasks[source], total=self._totals[source])

    def scored(self, source: str, n: int) -> None:
        """Advance the source's bar."""
        self._bar.advance(self._tasks[source], n)

    def topics_started(self) -> None:
        """A one-step bar for the topic fit."""
        self._add(_TOPICS, "[cyan]topics[/] fitting", 1)

    def topics_finished(self) -> None:
        """Complete the topic bar."""
        self._bar.update(self._tasks[_TOPICS], completed=1)
