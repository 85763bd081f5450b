"""Property-based fuzzing of the input paths (issue 19): random text, bytes, numbers and dates go through the
file listener and ``voxpop score``, and

* no exception escapes;
* every input row is either yielded (a Mention, a scored line) or rejected with a reason and its line:
  mentions + rejects == input rows, one each;
* nothing else changes: an accepted row keeps its text, id and counts exactly, every value that leaves is
  writable as UTF-8, and the input file is left as it was.

Bounded for CI: ``VOXPOP_FUZZ_EXAMPLES`` examples per test (default 150; the file runs in well under a
minute on two cores). With ``CI=true`` the examples are derandomized (a fixed seed), so a failure in CI
reproduces on every run; locally each run explores new ones. A failure prints the falsifying example and a
``@reproduce_failure`` blob.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import nlp
from core.errors import SourceError
from core.records import TextRow, read_texts
from core.types import Mention, Rejected
from listeners import FileListener
from tests.conftest import KeywordSentiment
from voxpop.cli import app

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
FUZZ = settings(max_examples=int(os.environ.get("VOXPOP_FUZZ_EXAMPLES", "150")), deadline=None, derandomize=CI,
                database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
COLUMNS = ("id", "text", "created_at", "author", "url", "likes", "views", "rating")

# ---- strategies -----------------------------------------------------------------------------------------------
ANY_CHAR = st.characters(exclude_categories=())  # lone surrogates, controls, unassigned code points too
TRICKY = st.sampled_from(["Narmart", "çox yaxşı", "доставка", "Նարմարտ", "😀", "\ud83d", "\udcff", '"', "'", ",",
                          "\t", "\r", "\n", "\r\n", "\x00", "\u2028", "\ufeff", "\u202e", "=1+1", " ", "  \n ", ""])
TEXT = st.one_of(st.lists(st.one_of(TRICKY, st.text(max_size=8)), max_size=5).map("".join),
                 st.text(ANY_CHAR, max_size=20), st.text(max_size=200))
NUMBER = st.one_of(st.integers(min_value=-5, max_value=2**64), st.integers(), st.floats(),
                   st.sampled_from(["1.7", "1.0", "3e2", "-1", "nan", "inf", "1_000", " 7 ", "", "lots", "0x10",
                                    "9007199254740993", "9223372036854775808", "1e400", "1e999999999"]),
                   st.decimals(allow_nan=True).map(str), st.none(), st.booleans())
DATE = st.one_of(
    st.datetimes(timezones=st.sampled_from([None, UTC])).map(lambda d: d.isoformat()),
    st.datetimes(min_value=datetime(1999, 12, 1), max_value=datetime(2027, 1, 31)).map(  # near the bounds
        lambda d: d.strftime(d.isoformat() if d.second % 2 else "%d.%m.%Y %H:%M")),
    st.dates().map(lambda d: d.isoformat()), st.integers(), st.floats(), st.text(max_size=12), st.none(),
    st.sampled_from(["0001-01-01", "1999-12-31", "2000-01-01", "2026-11-01T10:00:00Z", "9999-12-31",
                     "31.12.2026", "13/13/2026", "1761311112", "1761311112000"]))
IDENT = st.one_of(st.none(), TEXT, st.integers(), st.floats(), st.booleans(),
                  st.lists(st.text(max_size=3), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                                max_size=2))
ROW = st.fixed_dictionaries({}, optional={"id": IDENT, "text": st.one_of(TEXT, IDENT), "created_at": DATE,
                                          "author": IDENT, "url": st.one_of(TEXT, IDENT), "likes": NUMBER,
                                          "views": NUMBER, "rating": NUMBER})
ROWS = st.lists(ROW, min_size=1, max_size=12)
# (where in the file, byte): bytes 0x80-0xff, so they never add a line break, quote or delimiter
INJECT = st.lists(st.tuples(st.floats(0, 1), st.integers(0x80, 0xFF)), max_size=3)


def cell(value: Any) -> str:
    return "" if value is None else str(value)


def joined(text: Any) -> Any:
    """``text`` with each surrogate pair as the one character it encodes (as JSON's and UTF-16's decoders do)."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass") if isinstance(text, str) \
        else text


# ---- writing the file, and what each row should become ------------------------------------------------------
def write(folder: Path, fmt: str, rows: list[dict[str, Any]], encoding: str, *, inject: list[tuple[float, int]],
          ascii_json: bool) -> tuple[Path, list[int]]:
    """Write ``rows`` as a ``fmt`` file; returns its path and the line each row starts on."""
    lines: list[int] = []
    if fmt == "csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf)
        writer.writerow(COLUMNS)
        line = 2
        for row in rows:
            start = buf.tell()
            writer.writerow([cell(row.get(c)) for c in COLUMNS])
            lines.append(line)
            line += len(io.StringIO(buf.getvalue()[start:], newline="").readlines())
        text = buf.getvalue()
    else:
        text = "".join(json.dumps(r, ensure_ascii=ascii_json) + "\n" for r in rows)
        lines = list(range(1, len(rows) + 1))
    data = bytearray(text.encode(encoding, errors="surrogatepass"))  # a lone surrogate: bytes no codec reads
    for where, byte in inject:
        at = min(int(where * len(data)), len(data) - 1)
        # Inside a line, never between or after its line break, nor next to a quote (where it would turn a
        # quoted CSV cell into a plain one and so change the rows: that is the unbalanced-quote case).
        while at > 0 and (data[at - 1] in b'\r\n"' or data[at] == ord('"')):
            at -= 1
        data.insert(at, byte)
    path = folder / f"export.{fmt}"
    path.write_bytes(bytes(data))
    return path, lines


def exact_count(value: Any) -> int | None:
    """The whole number ``value`` denotes exactly, or None (the oracle for accepted counts)."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return int(number) if number.is_finite() and number == number.to_integral_value() else None


def writable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
    except (UnicodeEncodeError, TypeError, ValueError):
        return False
    return True


def check_mention(m: Mention, row: dict[str, Any], fmt: str, exact: bool) -> None:
    """An accepted row: valid values, and (when the file's bytes were not tampered with) exactly the input's."""
    assert writable([m.text, m.author, m.url, m.native_id, m.thread_id, m.parent_id, list(m.extras)])
    assert m.native_id.strip()
    assert m.created_at.tzinfo is not None
    assert datetime(2000, 1, 1, tzinfo=UTC) <= m.created_at <= datetime.now(UTC) + timedelta(days=1)
    assert all(isinstance(n, int) and 0 <= n < 2**63 for n in (m.likes, m.reposts, m.replies, m.views or 0))
    if not exact:
        return
    value = (lambda k: joined(cell(row.get(k)))) if fmt == "csv" else (lambda k: joined(row.get(k)))
    assert m.text == value("text")
    for key in ("id", "author"):  # a list, object, float or boolean is no id or handle: never stringified
        assert value(key) is None or isinstance(value(key), str) or type(value(key)) is int
    if isinstance(value("id"), str) and value("id").strip():
        assert m.native_id == value("id").strip()
    elif isinstance(value("id"), int):
        assert m.native_id == str(value("id"))
    assert value("url") is None or isinstance(value("url"), str)
    for key, got in (("author", m.author), ("url", m.url)):
        if isinstance(value(key), str):
            assert got == (value(key).strip() or None)
    assert m.likes == exact_count(value("likes"))
    if value("views") not in (None, ""):
        assert m.views == exact_count(value("views"))
    if dict(m.extras).get("rating") is not None:
        assert int(dict(m.extras)["rating"]) == exact_count(value("rating"))


def check_reject(r: Rejected, path: Path, lines: list[int]) -> int:
    line = int(r.where().rsplit(":", 1)[1]) if r.where() else -1
    assert r.where() == f"{path}:{line}"
    assert line in lines
    assert r.reason.startswith(f"{path.name}:{line}: ")
    assert r.reason.removeprefix(f"{path.name}:{line}: ").strip()
    assert writable(r.reason)
    assert writable(r.record)  # what the quarantine writes
    return line


# ---- the properties -----------------------------------------------------------------------------------------
@FUZZ
@given(rows=ROWS, fmt=st.sampled_from(["csv", "jsonl"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
       inject=INJECT, ascii_json=st.booleans())
def test_file_listener_yields_or_rejects_every_row(rows: list[dict[str, Any]], fmt: str, encoding: str,
                                                   inject: list[tuple[float, int]], ascii_json: bool) -> None:
    inject = [] if encoding == "utf-16" else inject  # a stray byte in UTF-16 shifts every character after it
    with TemporaryDirectory() as tmp:
        path, lines = write(Path(tmp), fmt, rows, encoding, inject=inject, ascii_json=ascii_json)
        before = path.read_bytes()
        listener = FileListener("fuzz", path, page_size=5, extra_columns={"rating": "int"})
        mentions: list[Mention] = []
        rejects: list[Rejected] = []
        pages = list(listener.pages(None))
        for page in pages:
            mentions += page.mentions
            rejects += page.rejects
        assert path.read_bytes() == before
        assert pages[-1].cursor is not None
    assert len(mentions) + len(rejects) == len(rows)
    rejected = {check_reject(r, path, lines) for r in rejects}
    assert len(rejected) == len(rejects)  # one reason per bad row, never two
    accepted = [row for row, line in zip(rows, lines, strict=True) if line not in rejected]
    for m, row in zip(mentions, accepted, strict=True):
        check_mention(m, row, fmt, exact=not inject)


def read_or_fail(path: Path) -> tuple[list[TextRow] | None, str]:
    try:
        return read_texts(path), ""
    except SourceError as exc:
        return None, str(exc)


@FUZZ
@given(rows=ROWS, fmt=st.sampled_from(["csv", "jsonl", "txt"]), encoding=st.sampled_from(["utf-8", "utf-16"]),
       inject=INJECT, ascii_json=st.booleans())
def test_score_reader_keeps_one_row_per_input_row(rows: list[dict[str, Any]], fmt: str, encoding: str,
                                                  inject: list[tuple[float, int]], ascii_json: bool) -> None:
    inject = [] if encoding == "utf-16" else inject
    if fmt == "txt":  # one text per line: line breaks inside a text would make more rows
        rows = [{"text": cell(r.get("text")).replace("\n", " ").replace("\r", " ")} for r in rows]
    with TemporaryDirectory() as tmp:
        if fmt == "txt":
            path = Path(tmp) / "export.txt"
            path.write_bytes("".join(r["text"] + "\n" for r in rows).encode(encoding, errors="surrogatepass"))
        else:
            path, _ = write(Path(tmp), fmt, rows, encoding, inject=inject, ascii_json=ascii_json)
        header = path.read_bytes().split(b"\n", 1)[0].removeprefix(codecs.BOM_UTF8)
        out, failed = read_or_fail(path)
    if out is None:  # only a stray byte in a CSV header may stop the file: then no row can be read
        assert (fmt, max(header) >= 0x80) == ("csv", True)
        assert "header is not valid" in failed
        return
    assert [r.row for r in out] == list(range(1, len(rows) + 1))
    for got, row in zip(out, rows, strict=True):
        assert writable([got.text, got.id, got.error])
        if got.error is None:
            assert isinstance(got.text, str)
            assert got.text.strip()
            if not inject:
                assert got.text == joined(cell(row.get("text")) if fmt != "jsonl" else row.get("text"))
        else:
            assert got.error.strip()


_SCORER: list[nlp.Scorer] = []
_REAL_SCORER = nlp.Scorer


def cached_scorer(**_: Any) -> nlp.Scorer:
    """One keyword scorer for every example (loading language id per example would dominate the test)."""
    if not _SCORER:
        _SCORER.append(_REAL_SCORER(sentiment=KeywordSentiment()))
    return _SCORER[0]


@FUZZ
@given(rows=ROWS, inject=INJECT, ascii_json=st.booleans())
def test_voxpop_score_writes_one_line_per_row_and_never_a_traceback(
        rows: list[dict[str, Any]], inject: list[tuple[float, int]], ascii_json: bool) -> None:
    with TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as mp:
        mp.setattr(nlp, "Scorer", cached_scorer)
        path, _ = write(Path(tmp), "jsonl", rows, "utf-8", inject=inject, ascii_json=ascii_json)
        out = Path(tmp) / "scored.jsonl"
        result = CliRunner().invoke(app, ["score", str(path), "-o", str(out)])
        assert result.exception is None, result.output
        written = [json.loads(line) for line in out.read_text(encoding="utf-8").split("\n")[:-1]]  # \n ends a line
    assert [w["row"] for w in written] == list(range(1, len(rows) + 1))
    for w in written:
        assert ("error" in w) == (w["sentiment"] is None)


SCENARIOS: dict[str, Callable[[], bytes]] = {  # hand-made edge cases the strategies reach only rarely
    "empty file": lambda: b"",
    "header only": lambda: b"id,text,created_at\n",
    "only blank lines": lambda: b"\n\n\r\n",
    "unbalanced quote at the end": lambda: b'id,text,created_at\n1,"Narmart,2026-11-01\n',
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_degenerate_files_neither_raise_nor_invent_rows(name: str, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(SCENARIOS[name]())
    pages = list(FileListener("s", path).pages(None))
    mentions = [m for p in pages for m in p.mentions]
    rejects = [r for p in pages for r in p.rejects]
    assert mentions == []
    assert len(rejects) == (name == "unbalanced quote at the end")
