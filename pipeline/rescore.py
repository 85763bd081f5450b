"""Re-apply brand rules and rescore stored mentions after a config or model change (``voxpop rescore``).

Plain Python: the CLI calls it with a progress callback, ``flows/rescore.py`` wraps it in a flow; the scorer
is loaded only when a scoring step has rows to score. It goes day by day: read the day's file, match brands
and score the texts again, then rewrite the file atomically under the store lock (only rows that changed;
a day with no change is not written). After each day the progress file ``state/rescore.json`` records it
as done, so a crash mid-way resumes at the next day on the re-run, and the same settings give the same
result: a second run finds nothing to change and says so.

Rows that match no configured brand any more leave ``mentions`` for the quarantine (reason code
``no_brand_match``, the whole row kept in ``record``), so a too-strict rule can be undone: loosen it and
rescore again, and the rows it matches come back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from core.config import Settings
from core.files import write_text_atomic
from core.types import Rejected
from listeners import BrandMatcher
from pipeline.records import ScoredPage, score_records
from pipeline.scoring import ScorerFactory
from pipeline.topics import Logger, fit_topics, refresh_topics
from storage import MentionStore

STEPS = ("brands", "lang", "sentiment", "aspects", "topics")
NO_BRAND = "no_brand_match"
# The columns each scoring step owns; ``is_pain_point`` follows from sentiment and aspects.
_COLUMNS = {
    "lang": ("lang", "lang_confidence"),
    "sentiment": ("sentiment", "sentiment_score", "sentiment_confidence", "sentiment_probs"),
    "aspects": ("aspects",),
}
_BRAND_COLUMNS = ("brand", "is_competitor", "brands", "matched_terms")
_PROGRESS = "rescore.json"


@dataclass
class RescoreSummary:
    """What a rescore did; ``changed`` is zero on a run that found everything up to date."""

    days: int = 0
    resumed: int = 0  # days a previous, interrupted run had already done
    rows: int = 0
    changed: int = 0
    renamed: int = 0  # rows whose brand changed
    removed: int = 0  # rows moved to the quarantine as no_brand_match
    restored: int = 0  # rows an earlier rescore moved out that a brand matches again, put back
    by_column: dict[str, int] = field(default_factory=dict)
    topics: dict[str, Any] | None = None


def parse_steps(only: str | None) -> tuple[str, ...]:
    """``brands,lang`` -> the steps in pipeline order; an unknown name raises ValueError listing the valid ones."""
    if not only:
        return STEPS
    wanted = {s.strip() for s in only.split(",") if s.strip()}
    unknown = sorted(wanted - set(STEPS))
    if unknown:
        raise ValueError(f"unknown step(s) {unknown} in --only; choose from {','.join(STEPS)}")
    return tuple(s for s in STEPS if s in wanted)


def rescore_steps(settings: Settings, only: str | None) -> tuple[str, ...]:
    """The steps ``only`` names; without it every step, topics only when the config enables them (as listen)."""
    steps = parse_steps(only)
    if only is None and not settings.topics.enabled:  # `--only topics` still refits
        steps = tuple(s for s in steps if s != "topics")
    return steps


def _fingerprint(settings: Settings, steps: tuple[str, ...], days: list[date]) -> str:
    """What decides a run's result: a progress file written for other settings must not be resumed."""
    relevant = settings.model_dump(mode="json", include={"brands", "competitors", "languages", "model", "sources"})
    key = json.dumps([relevant, steps, [d.isoformat() for d in days]], sort_keys=True, default=str)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _same(a: Any, b: Any) -> bool:
    """Equal, with float32 storage rounding forgiven (a rerun must not count rounding as a change)."""
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def rescore(
    settings: Settings,
    store: MentionStore,
    scorer: ScorerFactory,
    *,
    start: date | None = None,
    end: date | None = None,
    steps: tuple[str, ...] = STEPS,
    on_day: Callable[[date, int], None] | None = None,
    logger: Logger | None = None,
    score_rows: Callable[[list[dict[str, Any]]], ScoredPage] | None = None,
) -> RescoreSummary:
    """Rescore the stored mentions posted from ``start`` to ``end`` (default: every stored day).

    ``on_day(day, total_days)`` is called after each day is durably done (the CLI's progress bar);
    ``score_rows`` replaces ``score_records`` with the scorer (``flows.scale``: the same scores, on workers).
    """
    log = logger or logging.getLogger("voxpop.rescore")
    store.recover()
    matcher = BrandMatcher(settings) if "brands" in steps else None
    hints = {s.name: s.options.get("brand") for s in settings.sources if isinstance(s.options.get("brand"), str)}
    restored = _restore_unmatched(store, matcher, hints, start, end) if matcher is not None else 0
    days = [d for d in store.days() if (start is None or d >= start) and (end is None or d <= end)]
    summary = RescoreSummary(days=len(days), restored=restored)
    progress_path = store.state_dir / _PROGRESS
    fingerprint = _fingerprint(settings, steps, days)
    done = _done_days(progress_path, fingerprint)
    summary.resumed = len(done)
    if done:
        log.info("rescore: resuming, %d of %d days already done", len(done), len(days))
    nlp_steps = [s for s in steps if s in _COLUMNS]
    for day in days:
        if day.isoformat() in done:
            if on_day:
                on_day(day, len(days))
            continue
        rows = store.read([day]).to_pylist()
        summary.rows += len(rows)
        updates: dict[str, dict[str, Any]] = {}
        kept, removed = _match_brands(rows, matcher, hints, updates) if matcher is not None else (rows, [])
        summary.renamed += sum("brand" in diff for diff in updates.values())
        scored = _score(kept, scorer, nlp_steps, updates, score_rows) if nlp_steps and kept else ScoredPage()
        for diff in updates.values():
            for column in diff:
                if column != "model_version":
                    summary.by_column[column] = summary.by_column.get(column, 0) + 1
        if removed:  # quarantine first: a crash before the rewrite re-quarantines the same rows, once (hashed)
            reason = "matches no configured brand after rescore"
            store.quarantine([Rejected(source=r["source"], reason=reason, code=NO_BRAND, record=r) for r in removed],
                             run_id=f"rescore-{fingerprint}")
            summary.removed += len(removed)
        if scored.vectors:  # before the mentions, as listen stores them: a crash leaves an unused vector at worst
            _refresh_embeddings(store, day, kept, scored.vectors, scored.encoder)
        summary.changed += store.replace_rows(day, updates, {r["mention_id"] for r in removed})
        done.add(day.isoformat())
        write_text_atomic(progress_path, json.dumps({"fingerprint": fingerprint, "done": sorted(done),
                                                     "updated_at": datetime.now(UTC).isoformat()}))
        if on_day:
            on_day(day, len(days))
    if "topics" in steps and days:
        # A range refits on exactly its days; no range refits the window listen uses, as `voxpop topics` does.
        ranged = start is not None or end is not None
        summary.topics = (fit_topics(settings, store, days, logger=log) if ranged
                          else refresh_topics(settings, store, logger=log))
    progress_path.unlink(missing_ok=True)  # finished: the next run checks everything again
    return summary


def _restore_unmatched(store: MentionStore, matcher: BrandMatcher, hints: Mapping[str, str],
                       start: date | None, end: date | None) -> int:
    """Put back the ``no_brand_match`` rows of the range that the current brand rules match again.

    This is what makes a too-strict rule undoable: loosen it and rescore. The rows return as they were
    stored (the day loop then renames and rescores them), and storing them clears their quarantine entries.
    """
    back: dict[str, list[dict[str, Any]]] = {}
    for source, record in store.quarantined_records(NO_BRAND):
        try:
            row = {**record, "created_at": datetime.fromisoformat(record["created_at"]),
                   "collected_at": datetime.fromisoformat(record["collected_at"])}
        except (KeyError, TypeError, ValueError):
            continue  # not a row rescore wrote; leave it for a human
        day = row["created_at"].astimezone(UTC).date()
        if (start is not None and day < start) or (end is not None and day > end):
            continue
        if matcher.match(str(row.get("text") or ""), hints.get(source))[0]:
            back.setdefault(source, []).append(row)
    restored = 0
    for source, rows in back.items():
        result = store.upsert(rows, source=source, run_id="rescore-restore")
        restored += result.inserted + result.updated
    return restored


def _done_days(path: Path, fingerprint: str) -> set[str]:
    """Days an interrupted run with the same fingerprint finished; empty for a fresh or different run."""
    if not path.exists():
        return set()
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()  # unreadable progress: redo everything, which is safe (idempotent)
    return set(saved.get("done", [])) if saved.get("fingerprint") == fingerprint else set()


def _refresh_embeddings(store: MentionStore, day: date, rows: list[dict[str, Any]], vectors: Mapping[str, Any],
                        encoder: str) -> None:
    """Store new vectors only for rows whose stored one is missing or from another encoder."""
    have = {mid for mid, enc in store.embedding_encoders(day).items() if enc == encoder}
    missing = [(r["mention_id"], r["created_at"], vectors[r["mention_id"]]) for r in rows
               if r["mention_id"] in vectors and r["mention_id"] not in have]
    if missing:
        store.upsert_embeddings(missing, encoder)


def _match_brands(rows: list[dict[str, Any]], matcher: BrandMatcher, hints: Mapping[str, str],
                  updates: dict[str, dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split ``rows`` into (still about a brand, about none); brand columns that change go to ``updates``."""
    kept, removed = [], []
    for row in rows:
        found, terms, _ = matcher.match(row["text"], hints.get(row["source"]))
        if not found:
            removed.append(row)
            continue
        kept.append(row)
        new = {"brand": found[0][0], "is_competitor": found[0][1], "brands": [b for b, _ in found],
               "matched_terms": terms}
        diff = {k: v for k, v in new.items() if not _same(row[k], v)}
        if diff:
            updates[row["mention_id"]] = diff
    return kept, removed


def _score(rows: list[dict[str, Any]], scorer: ScorerFactory, steps: list[str],
           updates: dict[str, dict[str, Any]],
           score_rows: Callable[[list[dict[str, Any]]], ScoredPage] | None = None) -> ScoredPage:
    """Score ``rows`` as listen does; the changed columns of ``steps`` go to ``updates``.

    Returns the scored page, for its embeddings; rows the model failed on keep their stored labels.
    """
    scored = score_rows(rows) if score_rows is not None else score_records(rows, scorer())
    by_id = {row["mention_id"]: row for row in rows}
    for new in scored.rows:  # a row the model failed on (scored.failed) keeps its stored labels
        row = by_id[new["mention_id"]]
        values = {c: new[c] for step in steps for c in _COLUMNS[step]}
        merged = {**row, **values}
        values["is_pain_point"] = merged["sentiment"] == "negative" and bool(merged["aspects"])
        diff = {k: v for k, v in values.items() if not _same(row[k], v)}
        if diff:
            diff["model_version"] = new["model_version"]
            updates.setdefault(row["mention_id"], {}).update(diff)
    return scored
