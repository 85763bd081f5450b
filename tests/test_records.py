"""The one file parser behind the file listener and ``voxpop score``."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import SourceError
from core.records import format_of, iter_rows, read_texts


def test_line_numbers_follow_line_feeds_only() -> None:
    # U+2028 may sit raw inside a JSON string or a post; it must not split the row.
    text = '{"text": "a\u2028b"}\r\n\n{"text": "c"}\n'
    assert list(iter_rows(text, "jsonl")) == [(1, {"text": "a\u2028b"}), (3, {"text": "c"})]
    assert list(iter_rows(text, "jsonl", keep_blank=True))[1] == (2, "empty line")
    assert list(iter_rows("x\u2028y\r\n\nz", "txt")) == [(1, {"text": "x\u2028y"}), (3, {"text": "z"})]
    assert list(iter_rows("x\n\nz\n", "txt", keep_blank=True)) == [(1, {"text": "x"}), (2, {"text": ""}),
                                                                    (3, {"text": "z"})]


def test_json_array_and_bad_items() -> None:
    assert list(iter_rows(' [{"text": "a"}, 3]', "jsonl")) == [(1, {"text": "a"}),
                                                               (2, "expected a JSON object, got int")]
    with pytest.raises(ValueError, match="not valid JSON"):
        list(iter_rows("[{", "jsonl"))


def test_format_of() -> None:
    assert [format_of(Path(p)) for p in ("a.CSV", "b.ndjson", "c.json", "d.md")] == ["csv", "jsonl", "jsonl", None]


def test_score_reader_keeps_one_row_per_input_line(tmp_path: Path) -> None:
    src = tmp_path / "in.json"
    src.write_text('[{"id": 1, "text": "ok"}, {"text": ""}, "x"]', encoding="utf-8")
    rows = read_texts(src)
    assert [(r.row, r.id, r.text, r.error) for r in rows] == [
        (1, 1, "ok", None), (2, None, "", "empty text"), (3, None, None, "expected a JSON object, got str")]
    src.write_text("[oops", encoding="utf-8")
    with pytest.raises(SourceError, match="not valid JSON"):
        read_texts(src)
