"""Test-only entry point: the real ``voxpop`` CLI with a cheap model, without Prefect, and halt points for kill -9.

``python -m tests.fault_cli listen -c voxpop.yaml [--no-wait]`` runs ``voxpop.cli.app`` (option parsing, config
validation, the listen lock's probe, the progress bars, the summary and exit codes) and, under it, the real
``pipeline.ListenRun`` with its default in-process page steps: listener → normalise → dedupe → score → store →
cursor → topics, on the real store. Three things are swapped, in this process only, because a process that is
killed dozens of times cannot pay for them on every start:

- the Prefect flow ``flows.listen.listen`` (a temporary API server, ~15 s per start) is replaced by the same
  ``ListenRun`` without tasks, retries or the alert step; the page steps are the ``LocalSteps`` the flow's
  tasks call, so the code that stores and saves cursors is the same;
- the model is ``tests.conftest.KeywordSentiment`` with a seeded word-direction encoder (vectors are stored);
- the topic model is a keyword stand-in (BERTopic's import alone takes 20 s here); the fit's reads, its label
  rewrite (``MentionStore.set_topics``) and the watermark are the real ones.

Halt points: ``VOXPOP_FAULT_MARKS`` names a file where every stage the run enters is appended as a line
``<stage> <n>`` (n counts that stage's entries in this process). When ``VOXPOP_FAULT_HALT=<stage>:<n>`` is
reached the child appends ``HALT <stage> <n>`` and blocks until its parent kills it (or writes a line to its
stdin, which lets it go on). Stages, in the order a page meets them:

``fetch``          the listener is producing the next page (before it reaches the pipeline)
``score``          the model is scoring a batch
``store-write``    a data file of the upsert is written to its temporary name, not yet renamed
``store-commit``   the upsert's data files are on disk, the table commit not yet made
``cursor-write``   the new cursors.json is written to its temporary name, not yet renamed
``topics-fit``     the topic model is fitting
``topics-write``   a day file with the new topic labels is written to its temporary name
``topics-commit``  the relabelled day files are on disk, their commit not yet made
"""

from __future__ import annotations

import logging
import os
import sys
import types
import uuid
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

HALT_ENV = "VOXPOP_FAULT_HALT"
MARKS_ENV = "VOXPOP_FAULT_MARKS"
STAGES = ("fetch", "score", "store-write", "store-commit", "cursor-write", "topics-fit", "topics-write",
          "topics-commit")
SUBJECTS = ("courier", "price", "app")

_counts: dict[str, int] = {}
_in_topics = False


def reach(stage: str) -> None:
    """Note that the run entered ``stage``; block there if it is the halt point."""
    _counts[stage] = n = _counts.get(stage, 0) + 1
    line = f"{stage} {n}\n"
    halt = os.environ.get(HALT_ENV, "") == f"{stage}:{n}"
    if halt:
        line += f"HALT {stage} {n}\n"
    if marks := os.environ.get(MARKS_ENV):
        with Path(marks).open("a", encoding="utf-8") as f:
            f.write(line)
    if halt:
        sys.stdin.readline()  # the parent kills us here, or lets us go on with a line


class SubjectEncoder:
    """Cheap deterministic vectors: one direction per subject word, plus text-seeded noise."""

    name = "fault-subjects"
    dim = 8

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised float32 vectors, one per text."""
        out = []
        for text in texts:
            v = np.random.default_rng(zlib.crc32(text.encode())).normal(scale=0.2, size=self.dim)
            for k, word in enumerate(SUBJECTS):
                v[k] += 3 if word in text else 0
            out.append(v / np.linalg.norm(v))
        return np.asarray(out, dtype=np.float32)


class KeywordTopics:
    """Stand-in for ``nlp.TopicModel``: a mention's topic is the subject word its text names."""

    def __init__(self, **_options: Any) -> None:
        pass

    def fit(self, ids: Sequence[str], texts: Sequence[str], embeddings: np.ndarray,
            langs: Sequence[str | None] | None = None) -> Any:
        """Label each id by its subject word (None without one)."""
        from nlp.topics import Topic, TopicResult

        reach("topics-fit")
        labels = {mid: next((w for w in SUBJECTS if w in text), None) for mid, text in zip(ids, texts, strict=True)}
        sizes = {w: sum(v == w for v in labels.values()) for w in SUBJECTS}
        return TopicResult(labels=labels, topics=[Topic(k, w, n, (w,)) for k, (w, n) in enumerate(sizes.items()) if n])


def _install() -> None:  # noqa: PLR0915 - every swap and halt point in one place, in order
    """Swap Prefect, the model and the topic model for cheap stand-ins, and add the halt points."""
    import core.files
    import pipeline.topics
    import storage.cursors
    import storage.engine
    import voxpop.cli
    from core.config import load_settings
    from listeners.file import FileListener
    from nlp import Scorer
    from pipeline import ListenProgress, ListenRun, select_sources
    from storage import MentionStore
    from tests.conftest import KeywordSentiment

    class HaltingSentiment(KeywordSentiment):
        def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
            reach("score")
            return super().predict_proba(texts)

    def listen(config: str = "voxpop.yaml", sources: Sequence[str] | None = None,
               progress: ListenProgress | None = None, skip_missing_credentials: bool = False,
               raise_on_error: bool = True, *, wait: bool = True, alerts: bool = True) -> dict[str, Any]:
        """``flows.listen.listen`` without Prefect and without the alert step (no channels are configured)."""
        del alerts
        settings = load_settings(config)
        names = select_sources(settings, sources)
        scorer = Scorer(sentiment=HaltingSentiment(), encoder=SubjectEncoder(), languages=settings.languages)
        run = ListenRun(settings, MentionStore(settings.storage.path), lambda: scorer, run_id=str(uuid.uuid4()),
                        progress=progress, wait=wait)
        return run.run(names, skip_missing_credentials=skip_missing_credentials, raise_on_error=raise_on_error)

    flows_listen = types.ModuleType("flows.listen")
    flows_listen.listen = listen  # type: ignore[attr-defined]
    sys.modules["flows.listen"] = flows_listen
    voxpop.cli.ensure_server = lambda: None  # no Prefect, so no temporary server
    pipeline.topics.TopicModel = KeywordTopics  # type: ignore[assignment,misc]

    pages = FileListener.pages

    def halting_pages(self: FileListener, cursor: Mapping[str, Any] | None) -> Iterator[Any]:
        it = pages(self, cursor)
        while True:
            reach("fetch")
            try:
                page = next(it)
            except StopIteration:
                return
            yield page

    FileListener.pages = halting_pages  # type: ignore[method-assign]

    def halting_write(target: Path, write: Callable[[Path], object]) -> None:
        with core.files.atomic_path(target) as tmp:
            write(tmp)
            reach("topics-write" if _in_topics else "store-write")

    storage.engine.write_atomic = halting_write

    commit = storage.engine.Table.commit

    def halting_commit(self: Any, snapshot: Any, adds: Any, removes: Any) -> None:
        if adds or removes:
            reach("topics-commit" if _in_topics else "store-commit")
        commit(self, snapshot, adds, removes)

    storage.engine.Table.commit = halting_commit  # type: ignore[method-assign]

    def halting_text(target: Path, text: str, mode: int | None = None) -> None:
        with core.files.atomic_path(target) as tmp:
            tmp.write_text(text, encoding="utf-8")
            if mode is not None:
                tmp.chmod(mode)
            reach("cursor-write")

    storage.cursors.write_text_atomic = halting_text

    set_topics = MentionStore.set_topics

    def flagged_set_topics(self: MentionStore, *args: Any, **kwargs: Any) -> int:
        global _in_topics  # noqa: PLW0603 - one flag for this test process
        _in_topics = True
        try:
            return set_topics(self, *args, **kwargs)
        finally:
            _in_topics = False

    MentionStore.set_topics = flagged_set_topics  # type: ignore[method-assign]


def main() -> None:
    """Run the CLI as ``voxpop`` with the stand-ins installed."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")  # as Prefect's console
    _install()
    from voxpop.cli import app

    app(prog_name="voxpop")


if __name__ == "__main__":
    main()
