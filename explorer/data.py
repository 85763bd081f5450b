"""What the explorer's pages show, read through the one SQL layer the reports use (``reports.aggregate``).

One DuckDB connection for the app's lifetime, serialised by a lock, over a ``storage.ResidentStore``: the
store's mentions and corrections loaded once into DuckDB's own tables (sorted by day, so a date range
skips the other days' row groups) with the views of ``storage.connect(corrected=True)``. Every request
first compares the Delta versions (under a millisecond) and, when a listen run or a correction committed,
loads only what changed. A page's filters become the connection's ``mentions`` view (corrected values,
irrelevant mentions left out), then the report aggregates run over it, so an overview figure and the
mention list behind it count the same rows. The overview, the filter choices and the newest day are
cached per store version (the overview per filter set, in a small LRU), so a correction, which bumps the
corrections version, shows on the next request.
"""

from __future__ import annotations

import io
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from core.location import store_root
from core.text import fold_ascii, normalize
from explorer.filters import SORTS, Filters
from nlp.aspects import AspectTagger, Taxonomy
from reports import Period
from reports import aggregate as agg
from storage import SENTIMENTS, Correction, MentionStore
from storage.resident import ResidentStore, Versions

PAGE_SIZE = 50
OVERVIEW_CACHE = 32  # overviews kept per store version (distinct filter sets)
OVERVIEW_THREADS = 4  # aggregates of one overview run at once (DuckDB parallelises each over the cores too)
EXPORT_LIMIT = 1_000_000
ROLLING_DAYS = 7
MIN_NET = 3  # positive + negative mentions a day needs for a net-sentiment point
LIST_COLUMNS = """mention_id, brand, is_competitor, platform, source, url, created_at, mention_date, lang, text,
    sentiment, sentiment_confidence, sentiment_probs, aspects, is_pain_point, topic, likes, reposts, replies,
    views, author_hash, matched_terms, corrected, irrelevant, model_sentiment, model_aspects,
    1 + likes + reposts + replies AS reach"""
EXPORT_COLUMNS = [
    "mention_id", "brand", "is_competitor", "platform", "source", "url", "created_at", "lang", "text",
    "sentiment", "sentiment_score", "sentiment_confidence", "aspects", "is_pain_point", "topic", "likes",
    "reposts", "replies", "views", "author_hash", "corrected", "model_sentiment", "model_aspects", "model_version",
]
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


@dataclass
class Page:
    """One page of the mention list."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


class Explorer:
    """The explorer's reads and corrections over one store."""

    def __init__(self, root: str | Path, *, brands: Sequence[str], competitors: Sequence[str], window_days: int,
                 taxonomy: Taxonomy, read_only: bool = False, overview_threads: int = OVERVIEW_THREADS) -> None:
        self.root = store_root(root)
        self.overview_threads = overview_threads
        self.brands, self.competitors = list(brands), list(competitors)
        self.window_days = window_days
        self.taxonomy = taxonomy
        self.tagger = AspectTagger(taxonomy)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._resident: ResidentStore | None = None
        self._cached: dict[str, Any] = {}  # per mentions version (corrections change neither): choices, newest day
        self._overviews: OrderedDict[tuple[Versions, Filters], dict[str, Any]] = OrderedDict()
        self._store: MentionStore | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._executor_size = 0

    # ---- connection ---------------------------------------------------------------------------
    def _live(self) -> ResidentStore:
        """The resident store, brought up to the store's current versions (caches dropped when they moved)."""
        if self._resident is None:
            self._resident = ResidentStore(self.root)
        else:
            try:
                self._resident.refresh()
            except BaseException:
                self._resident.close()  # half updated: the next request loads the store afresh
                self._resident = None
                raise
        if self._cached.get("version") != self._resident.versions.mentions:
            self._cached = {"version": self._resident.versions.mentions}
        return self._resident

    def _connection(self) -> duckdb.DuckDBPyConnection:
        return self._live().con

    @contextmanager
    def scoped(self, filters: Filters, *, period: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection with ``mentions`` = the rows ``filters`` select (all dates unless ``period``)."""
        with self._lock:
            con = self._connection()
            con.execute("CREATE OR REPLACE VIEW mentions AS SELECT * EXCLUDE (irrelevant) FROM mentions_corrected "  # noqa: S608
                        f"WHERE {filters.where(period=period)}")
            yield con

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None or self._executor_size != self.overview_threads:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
            self._executor = ThreadPoolExecutor(self.overview_threads, thread_name_prefix="voxpop-overview")
            self._executor_size = self.overview_threads
        return self._executor

    def close(self) -> None:
        """Close the connection and the overview's threads."""
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None
            if self._resident is not None:
                self._resident.close()
                self._resident = None

    # ---- what the filters can offer -----------------------------------------------------------
    def choices(self) -> dict[str, list[str]]:
        """Values of each filter present in the data (for the filter form)."""
        with self._lock:
            con = self._connection()
            if "choices" in self._cached:
                return self._cached["choices"]
            out: dict[str, list[str]] = {}
            for column in ("brand", "lang", "platform", "source"):
                values = [r[0] for r in con.execute(
                    f"SELECT DISTINCT {column} FROM mentions_corrected WHERE {column} IS NOT NULL "  # noqa: S608
                    "ORDER BY 1").fetchall()]
                out[column] = values
            out["brand"] = list(dict.fromkeys([*self.brands, *self.competitors, *out["brand"]]))
            out["topic"] = [r[0] for r in con.execute(
                "SELECT topic FROM mentions_corrected WHERE nullif(trim(topic), '') IS NOT NULL GROUP BY 1 "
                "ORDER BY count(*) DESC, 1 LIMIT 200").fetchall()]
            out["sentiment"] = list(SENTIMENTS)
            out["aspect"] = [a.name for a in self.taxonomy]
            self._cached["choices"] = out
        return out

    def period(self, filters: Filters) -> Period:
        """The filters' date range; the newest ``window_days`` days where it is open."""
        with self._lock:
            con = self._connection()
            if "newest" not in self._cached:
                newest = con.execute("SELECT max(mention_date) FROM mentions_corrected").fetchall()[0][0]
                self._cached["newest"] = newest
            newest = self._cached["newest"]
        end = filters.end or newest or date.today()
        start = filters.start or end - timedelta(days=self.window_days - 1)
        return Period(min(start, end), end)

    def resolved(self, filters: Filters) -> Filters:
        """``filters`` with the period filled in, so every link on the page names its dates."""
        p = self.period(filters)
        return replace(filters, start=p.start, end=p.end)

    # ---- overview -----------------------------------------------------------------------------
    def overview(self, filters: Filters) -> dict[str, Any]:
        """Everything on the overview page, from ``reports.aggregate`` over the filtered rows (cached per version)."""
        filters = replace(self.resolved(filters), page=1, sort="time", desc=True)
        with self._lock:
            key = (self._live().versions, filters)
            if key in self._overviews:
                self._overviews.move_to_end(key)
                return self._overviews[key]
            data = self._overview(filters)
            self._overviews[key] = data
            while len(self._overviews) > OVERVIEW_CACHE:
                self._overviews.popitem(last=False)
        return data

    def _overview(self, filters: Filters) -> dict[str, Any]:
        p = self.period(filters)
        brands = [b for b in self.brands if not filters.brand or b in filters.brand]
        rivals = [c for c in self.competitors if not filters.brand or c in filters.brand]
        parts: dict[str, Callable[[duckdb.DuckDBPyConnection], Any]] = {
            "rows": lambda c: agg.overview(c, p, brands=brands, competitors=rivals),
            "daily": lambda c: agg.daily(c, p, brands=brands, competitors=rivals),
            "spikes": lambda c: agg.spikes(c, p, parallel=True),
            "pains": lambda c: agg.pain_points(c, p),
            "topics": lambda c: agg.emerging_topics(c, p, limit=15),
            "platforms": lambda c: agg.breakdown(c, p, "platform"),
            "langs": lambda c: agg.breakdown(c, p, "lang"),
            "corrections": lambda c: agg.corrections_summary(c, p),
        }
        with self.scoped(replace(filters, start=None, end=None)) as con:
            # The aggregates are independent reads of one snapshot (the lock keeps writers out): run them at
            # once, each on its own cursor of the same database, so one waiting on Python or a small query's
            # overhead does not leave the other core idle (about 0.8x the wall time of one after another).
            cursors = [con.cursor() for _ in parts]
            try:
                jobs = zip(parts.values(), cursors, strict=True)
                done = dict(zip(parts, self._pool().map(lambda job: job[0](job[1]), jobs), strict=True))
            finally:
                for cursor in cursors:
                    cursor.close()
        return {"period": p, "brands": done["rows"], "series": _series(done["daily"]), "spikes": done["spikes"][:12],
                "aspects": [pp for pp in done["pains"] if pp["current"]][:20], "topics": done["topics"],
                "platforms": done["platforms"], "langs": done["langs"], "corrections": done["corrections"],
                "total": sum(r["mentions"] for r in done["rows"])}

    # ---- mentions -----------------------------------------------------------------------------
    def mentions(self, filters: Filters, page_size: int = PAGE_SIZE) -> Page:
        """One page of the filtered mentions in the chosen order (ties broken by mention id)."""
        filters = self.resolved(filters)
        order = f"{SORTS[filters.sort]} {'DESC' if filters.desc else 'ASC'} NULLS LAST, mention_id"
        with self._lock:
            con = self._connection()
            where = filters.where()
            total = con.execute(f"SELECT count(*) FROM mentions_corrected WHERE {where}").fetchall()[0][0]  # noqa: S608
            pages = max(1, -(-total // page_size))
            page = min(filters.page, pages)
            rows = _rows(con, f"SELECT {LIST_COLUMNS} FROM mentions_corrected WHERE {where} "  # noqa: S608
                                  f"ORDER BY {order} LIMIT {page_size} OFFSET {(page - 1) * page_size}", [])
        for row in rows:
            self._decorate(row)
        return Page(rows, total, page, pages)

    def mention(self, mention_id: str) -> dict[str, Any] | None:
        """One mention (irrelevant ones too) with its corrections history, or None."""
        with self._lock:
            con = self._connection()
            rows = _rows(con, f"SELECT {LIST_COLUMNS}, sentiment_score, model_version FROM mentions_corrected "  # noqa: S608
                                  "WHERE mention_id = ?", [mention_id])
            if not rows:
                return None
            history = _rows(con, "SELECT field, aspect, old_value, new_value, author, corrected_at, note "
                                     "FROM corrections WHERE mention_id = ? ORDER BY corrected_at DESC", [mention_id])
        row = self._decorate(rows[0])
        row["history"] = history
        return row

    def _decorate(self, row: dict[str, Any]) -> dict[str, Any]:
        hits = self.tagger.explain(row["text"])
        row["segments"] = highlight(row["text"], hits)
        row["triggers"] = {a: sorted(set(h)) for a, h in hits.items()}
        probs = row.get("sentiment_probs") or {}
        row["probability"] = probs.get(row["model_sentiment"]) if row["model_sentiment"] else None
        return row

    def export(self, filters: Filters, fmt: str) -> bytes:
        """The filtered mentions (all pages, the list's order) as ``csv`` or ``parquet`` bytes."""
        filters = self.resolved(filters)
        order = f"{SORTS[filters.sort]} {'DESC' if filters.desc else 'ASC'} NULLS LAST, mention_id"
        with self._lock:
            con = self._connection()
            sql = (f"SELECT {', '.join(EXPORT_COLUMNS)}, 1 + likes + reposts + replies AS reach "  # noqa: S608
                   f"FROM mentions_corrected WHERE {filters.where()} ORDER BY {order} LIMIT {EXPORT_LIMIT}")
            table = con.sql(sql).to_arrow_table()
        if fmt == "parquet":
            buf = pa.BufferOutputStream()
            pq.write_table(table, buf, compression="zstd")
            return buf.getvalue().to_pybytes()
        return csv_bytes(table)

    # ---- corrections --------------------------------------------------------------------------
    def _writer(self) -> MentionStore:
        if self._store is None:
            self._store = MentionStore(self.root)
        return self._store

    def correct(self, mention_id: str, *, author: str, sentiment: str | None = None,
                add_aspect: str | None = None, remove_aspect: str | None = None,
                irrelevant: bool | None = None, note: str | None = None) -> list[Correction]:
        """Store the corrections that change the mention's shown values (none when nothing changes).

        Raises:
            PermissionError: in read-only mode.
            LookupError: when the mention is not stored.
            ValueError: for a value the store refuses (unknown sentiment or aspect).
        """
        if self.read_only:
            raise PermissionError("the explorer runs with --read-only: corrections are disabled")
        row = self.mention(mention_id)
        if row is None:
            raise LookupError(f"no stored mention {mention_id!r}")
        aspects = {a.name for a in self.taxonomy}
        made: list[Correction] = []

        def add(field: str, old: str | None, new: str, aspect: str | None = None) -> None:
            made.append(Correction(mention_id=mention_id, brand=row["brand"], field=field, old_value=old,
                                   new_value=new, author=author, aspect=aspect, note=note or None))

        if sentiment and sentiment != row["sentiment"]:
            add("sentiment", row["sentiment"], sentiment)
        for name, present in ((add_aspect, True), (remove_aspect, False)):
            if not name:
                continue
            if name not in aspects:
                raise ValueError(f"unknown aspect {name!r}; known: {', '.join(sorted(aspects))}")
            if (name in row["aspects"]) != present:
                add("aspect", "absent" if present else "present", "present" if present else "absent", name)
        if irrelevant is not None and irrelevant != row["irrelevant"]:
            add("irrelevant", str(row["irrelevant"]).lower(), str(irrelevant).lower())
        if made:
            self._writer().add_corrections(made)
        return made

    def accept_exclude(self, mention_id: str, term: str, *, author: str) -> Correction:
        """Record an accepted exclude term for the mention's brand (proposed by ``exclude_proposals``)."""
        if self.read_only:
            raise PermissionError("the explorer runs with --read-only: corrections are disabled")
        row = self.mention(mention_id)
        if row is None:
            raise LookupError(f"no stored mention {mention_id!r}")
        correction = Correction(mention_id=mention_id, brand=row["brand"], field="exclude", new_value=term.strip(),
                                author=author)
        self._writer().add_corrections([correction])
        return correction

    def excludes(self) -> dict[str, list[str]]:
        """Accepted exclude terms per brand, oldest first."""
        with self._lock:
            rows = self._connection().execute(
                "SELECT brand, new_value FROM corrections WHERE field = 'exclude' ORDER BY corrected_at").fetchall()
        out: dict[str, list[str]] = {}
        for brand, term in rows:
            out.setdefault(brand, [])
            if term not in out[brand]:
                out[brand].append(term)
        return out

    def exclude_proposals(self, mention_id: str, n: int = 3) -> list[str]:
        """Words of an irrelevant mention that would exclude it, rarest among the brand's relevant mentions first.

        A word qualifies when it is no brand term, at least 4 letters long and not already an exclude term;
        its score is how often it appears in the brand's mentions marked irrelevant against how often in the
        brand's other mentions, so the homonym's context ("Lumo lamp", "Narmart village") wins over words
        every customer writes.
        """
        row = self.mention(mention_id)
        if row is None:
            return []
        brand = row["brand"]
        skip = {fold_ascii(normalize(t)) for t in [brand, *(row.get("matched_terms") or [])]}
        taken = {fold_ascii(normalize(t)) for t in self.excludes().get(brand, [])}
        words = list(dict.fromkeys(w for w in (fold_ascii(normalize(m)) for m in _WORD.findall(row["text"]))
                                   if len(w) >= 4 and not w.isdigit() and w not in taken
                                   and not any(w.startswith(s) or s.startswith(w) for s in skip if s)))
        if not words:
            return []
        with self._lock:
            con = self._connection()
            texts = con.execute("SELECT text, irrelevant FROM mentions_corrected WHERE brand = ? "
                                "ORDER BY irrelevant DESC, created_at DESC LIMIT 20000", [brand]).fetchall()
        bad, good = Counter(), Counter()
        wanted = set(words)
        for text, irrelevant in texts:
            present = {w for w in (fold_ascii(normalize(m)) for m in _WORD.findall(text)) if w in wanted}
            (bad if irrelevant else good).update(present)
        ranked = sorted(words, key=lambda w: (-(bad[w] + 1) / (good[w] + 1), words.index(w)))
        return ranked[:n]


def highlight(text: str, hits: dict[str, list[str]]) -> list[tuple[str, str | None]]:
    """``text`` cut into (piece, aspect or None): the words that triggered an aspect carry its name.

    ``hits`` are ``AspectTagger.explain`` pieces in the matching space (normalised, ASCII-folded), so each
    word of the original text is folded the same way and marked when it starts with a word of a hit:
    a stem such as "gecik" marks "gecikdi".
    """
    words: list[tuple[str, str]] = []  # folded hit word -> aspect
    for aspect, pieces in hits.items():
        for piece in pieces:
            words += [(w, aspect) for w in piece.split() if w]
    if not words:
        return [(text, None)]
    out: list[tuple[str, str | None]] = []
    pos = 0
    for m in _WORD.finditer(text):
        folded = fold_ascii(normalize(m.group()))
        aspect = next((a for w, a in words if folded.startswith(w)), None)
        if aspect is None:
            continue
        if m.start() > pos:
            out.append((text[pos:m.start()], None))
        out.append((m.group(), aspect))
        pos = m.end()
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _series(daily: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-brand day series for the charts: volume, 7-day net sentiment, pain points."""
    days: list[date] = []
    by_brand: dict[str, dict[str, list[Any]]] = {}
    for row in daily:
        s = by_brand.setdefault(row["brand"], {"mentions": [], "positive": [], "negative": [], "pain": []})
        s["mentions"].append(row["mentions"])
        s["positive"].append(row["positive"])
        s["negative"].append(row["negative"])
        s["pain"].append(row["pain_points"])
        if len(by_brand) == 1:
            days.append(row["day"])
    for s in by_brand.values():
        net: list[float | None] = []
        for i in range(len(s["positive"])):
            lo = max(0, i - ROLLING_DAYS + 1)
            pos, neg = sum(s["positive"][lo:i + 1]), sum(s["negative"][lo:i + 1])
            net.append(round((pos - neg) / (pos + neg), 3) if pos + neg >= MIN_NET else None)
        s["net"] = net
    return {"days": [d.isoformat() for d in days], "brands": by_brand}


def csv_bytes(table: pa.Table) -> bytes:
    """A table as UTF-8 CSV (with BOM for spreadsheets); cells that would start a formula are made inert."""
    import csv  # noqa: PLC0415 - only exports need it

    from core.records import csv_cell  # noqa: PLC0415

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(table.column_names)
    for row in table.to_pylist():
        writer.writerow([csv_cell(_cell(v)) for v in row.values()])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _cell(value: Any) -> Any:
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return "" if value is None else value
