"""The pipeline: listen, topics, rescore and report runs as plain Python, without Prefect.

It wires listeners → nlp → storage → reports and takes the scorer and the store as arguments; ``flows``
wraps it in Prefect tasks and flows, and the CLI calls it (or the flows).
"""

from pipeline.forget import Forgotten, forget
from pipeline.listen import (
    ListenRun,
    LocalSteps,
    PageSteps,
    SourceSummary,
    StoredPage,
    run_failures,
    select_sources,
)
from pipeline.lock import ListenBusyError, ListenLock
from pipeline.progress import ListenProgress, NoProgress
from pipeline.records import Deduper, ScoredPage, chunks, merge_pages, score_records
from pipeline.report import taxonomy_labels, write_report
from pipeline.rescore import NO_BRAND, STEPS, RescoreSummary, parse_steps, rescore, rescore_steps
from pipeline.scoring import ScorerFactory, get_scorer
from pipeline.topics import fit_topics, refresh_topics, topic_terms, topic_window, topics_outdated, window_mark

__all__ = [
    "NO_BRAND",
    "STEPS",
    "Deduper",
    "Forgotten",
    "ListenBusyError",
    "ListenLock",
    "ListenProgress",
    "ListenRun",
    "LocalSteps",
    "NoProgress",
    "PageSteps",
    "RescoreSummary",
    "ScoredPage",
    "ScorerFactory",
    "SourceSummary",
    "StoredPage",
    "chunks",
    "fit_topics",
    "forget",
    "get_scorer",
    "merge_pages",
    "parse_steps",
    "refresh_topics",
    "rescore",
    "rescore_steps",
    "run_failures",
    "score_records",
    "select_sources",
    "taxonomy_labels",
    "topic_terms",
    "topic_window",
    "topics_outdated",
    "window_mark",
    "write_report",
]
