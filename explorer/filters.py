"""The explorer's filters: parsed from the URL's query string, turned back into links and into SQL.

Every value a user can put in the URL is validated here (dates as dates, sentiments from the fixed
set, sort keys from a whitelist); strings are only ever compared, and reach SQL as literals quoted by
``literal``, never spliced raw. The filtered rows become the connection's ``mentions`` view, so the
aggregation layer (``reports.aggregate``) computes every figure of the page over exactly these rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from storage import SENTIMENTS

SORTS = {"time": "created_at", "reach": "reach", "confidence": "sentiment_confidence"}
MAX_TEXT = 200  # a search term longer than this is cut
MAX_VALUES = 50  # values per multi-valued filter


def literal(value: str | date | bool | int) -> str:
    """``value`` as a DuckDB SQL literal: strings single-quoted with quotes doubled (no other escape exists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("\x00", "").replace("'", "''") + "'"


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(literal(v) for v in values)})"


@dataclass(frozen=True)
class Filters:
    """What the user is looking at; the defaults show everything in the default period."""

    brand: tuple[str, ...] = ()
    start: date | None = None
    end: date | None = None
    lang: tuple[str, ...] = ()
    platform: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    sentiment: tuple[str, ...] = ()
    aspect: tuple[str, ...] = ()
    topic: tuple[str, ...] = ()
    pain: bool = False
    irrelevant: bool = False  # show only the mentions marked irrelevant (to review or undo the mark)
    q: str = ""
    sort: str = "time"
    desc: bool = True
    page: int = 1
    errors: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> Filters:
        """Filters from a query string (Starlette's ``QueryParams`` or any ``getlist`` mapping); bad values dropped."""
        def raw(key: str) -> list[Any]:
            return params.getlist(key) if hasattr(params, "getlist") else _as_list(params.get(key))

        def many(key: str) -> tuple[str, ...]:
            values = [v.strip() for item in raw(key) for v in str(item).split(",") if v.strip()]
            return tuple(dict.fromkeys(values))[:MAX_VALUES]

        def one(key: str) -> str:
            values = many(key)
            return values[0] if values else ""

        errors: list[str] = []

        def day(key: str) -> date | None:
            text = one(key)
            if not text:
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                errors.append(f"{key}: {text[:20]!r} is not a date like 2026-10-24")
                return None

        sentiment = tuple(s for s in many("sentiment") if s in SENTIMENTS)
        sort = one("sort")
        try:
            page = max(1, min(int(one("page") or 1), 1_000_000))
        except ValueError:
            page = 1
        start, end = day("start"), day("end")
        if start and end and start > end:
            errors.append("start is after end; both ignored")
            start = end = None
        q = next((str(v).strip() for v in raw("q") if str(v).strip()), "")[:MAX_TEXT]
        return cls(brand=many("brand"), start=start, end=end, lang=many("lang"), platform=many("platform"),
                   source=many("source"), sentiment=sentiment, aspect=many("aspect"), topic=many("topic"),
                   pain=one("pain") in {"1", "true", "on"}, irrelevant=one("irrelevant") in {"1", "true", "on"},
                   q=q, sort=sort if sort in SORTS else "time", desc=one("order") != "asc", page=page,
                   errors=tuple(errors))

    def where(self, *, period: bool = True) -> str:
        """The SQL condition over ``mentions_corrected`` (``period=False``: without the date range)."""
        cond = ["irrelevant" if self.irrelevant else "NOT irrelevant"]
        if period and self.start:
            cond.append(f"mention_date >= {literal(self.start)}")
        if period and self.end:
            cond.append(f"mention_date <= {literal(self.end)}")
        for column in ("brand", "lang", "platform", "source", "sentiment", "topic"):
            values = getattr(self, column)
            if values:
                cond.append(_in(column, values))
        if self.aspect:
            cond.append(f"list_has_any(aspects, [{', '.join(literal(a) for a in self.aspect)}])")
        if self.pain:
            cond.append("is_pain_point")
        if self.q:
            cond.append(f"contains(text_lower, lower({literal(self.q)}))")
        return " AND ".join(cond)

    def params(self, **changes: Any) -> list[tuple[str, str]]:
        """The query-string pairs of these filters with ``changes`` applied (defaults left out)."""
        f = replace(self, **changes) if changes else self
        default = Filters()
        pairs: list[tuple[str, str]] = []
        for fl in fields(f):
            name, value = fl.name, getattr(f, fl.name)
            if name == "errors" or value == getattr(default, name):
                continue
            if name == "desc":
                pairs.append(("order", "asc"))
            elif isinstance(value, tuple):
                pairs += [(name, v) for v in value]
            elif isinstance(value, bool):
                pairs.append((name, "1"))
            elif isinstance(value, date):
                pairs.append((name, value.isoformat()))
            else:
                pairs.append((name, str(value)))
        return pairs

    def query(self, **changes: Any) -> str:
        """``?brand=...&start=...``: a link to these filters with ``changes`` (page reset unless given)."""
        changes.setdefault("page", 1)
        text = urlencode(self.params(**changes))
        return f"?{text}" if text else "?"

    def drill(self, *, day: date | None = None, start: date | None = None, end: date | None = None,
              **values: str | bool | Iterable[str]) -> str:
        """The mention-list link behind one figure: these filters narrowed to a day, range or value."""
        changes: dict[str, Any] = {}
        if day is not None:
            start = end = day
        if start is not None:
            changes["start"] = start
        if end is not None:
            changes["end"] = end
        for key, value in values.items():
            changes[key] = value if isinstance(value, bool) else (value,) if isinstance(value, str) else tuple(value)
        return "/mentions" + self.query(**changes)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]
