"""Issue 19, findings 1 and 9: one bad row never blocks an import, and inputs are never silently wrong.

Each test reproduces a finding of the adversarial run: a bad row (lone surrogate, oversized CSV field, JSON
nested 100,000 deep, a bad byte, an unbalanced quote, duplicate columns or keys, a fractional count, a list
as id, an implausible year) is quarantined with its reason and location while every good row of the file
and of the run is stored; encodings are detected; the newer of two exports wins; a cursors.json of the wrong
shape is explained. ``run_import`` is the listen flow's per-page loop (normalise, first-seen-wins dedupe,
store, quarantine, save the cursor) on the public APIs, without Prefect or a model.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import nlp
from core.config import Settings, Source
from core.errors import ConfigError, StorageError
from core.types import Mention, Rejected
from listeners import FileListener, Normalizer, registry
from storage import CursorStore, MentionStore, connect
from tests.conftest import KeywordSentiment
from voxpop.cli import app

NLP = {"lang": "en", "lang_confidence": 0.9, "sentiment": "neutral", "sentiment_score": 0.0,
       "sentiment_confidence": 0.6, "sentiment_probs": {"positive": 0.2, "neutral": 0.6, "negative": 0.2},
       "aspects": [], "is_pain_point": False, "topic": None, "model_version": "test"}


def good(i: int, **over: Any) -> dict[str, Any]:
    return {"id": f"r{i}", "text": f"Narmart review number {i}", "created_at": "2026-11-01T10:00:00Z",
            "author": f"@user{i}", "url": f"https://example.test/{i}", "likes": i, **over}


def write_jsonl(path: Path, rows: list[dict[str, Any]], extra_lines: tuple[str, ...] = ()) -> None:
    lines = [json.dumps(r) for r in rows] + list(extra_lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_csv(path: Path, rows: list[dict[str, Any]], extra_lines: tuple[str, ...] = ()) -> None:
    head = "id,text,created_at,author,url,likes"
    body = [",".join(str(r[k]) for k in head.split(",")) for r in rows]
    path.write_text("\n".join([head, *body, *extra_lines]) + "\n", encoding="utf-8")


def file_settings(settings_factory: Any, path: Path, **options: Any) -> Settings:
    return settings_factory(sources=[{"name": "exports", "type": "file", "options": {"path": str(path), **options}}])


def run_import(settings: Settings) -> dict[str, Any]:
    """One listen run of the first source, as the flow does it per page (without Prefect or a model)."""
    src = settings.sources[0]
    store = MentionStore(settings.storage.path)
    cursors = CursorStore(store.state_dir)
    normalize = Normalizer(settings, source=src.name, run_id="r")
    seen: set[str] = set()
    out: dict[str, Any] = {"fetched": 0, "inserted": 0, "quarantined": 0, "rejects": []}
    for page in registry.create(src, settings).pages(cursors.get(src.name)):
        out["fetched"] += len(page.mentions)
        fresh = []
        for rec in normalize(page.mentions):
            if rec["mention_id"] not in seen:  # the flow keeps the first occurrence of an id in a run
                seen.add(rec["mention_id"])
                fresh.append({**rec, **NLP})
        out["inserted"] += store.upsert(fresh, source=src.name, run_id="r").inserted
        out["quarantined"] += store.quarantine(page.rejects, run_id="r")
        out["rejects"] += page.rejects
        cursors.save(src.name, page.cursor)
    out["stored"] = store.count()
    return out


def collect(listener: FileListener) -> tuple[list[Mention], list[Rejected]]:
    mentions: list[Mention] = []
    rejects: list[Rejected] = []
    for page in listener.pages(None):
        mentions += page.mentions
        rejects += page.rejects
    return mentions, rejects


# ---- finding 1: one bad row blocks the rest of an import, on every run --------------------------------------
DEEP = "[" * 100_000 + "]" * 100_000
def bad(**over: str) -> str:
    """A JSON line that is a good row but for ``over`` (json.dumps writes a lone surrogate as its escape)."""
    return json.dumps({"id": "bad", "text": "Narmart x", "created_at": "2026-11-01", **over})


BAD_ROWS: dict[str, tuple[str, str]] = {  # kind -> (format, bad line)
    "surrogate in text": ("jsonl", bad(text="Narmart \ud83d broken")),
    "surrogate in author": ("jsonl", bad(author="@\ud83d")),
    "surrogate in url": ("jsonl", bad(url="https://e.test/\ud83d")),
    "JSON nested 100,000 deep": ("jsonl", bad()[:-1] + f', "n": {DEEP}}}'),
    "CSV field over 131,072 characters": ("csv", "bad,Narmart " + "a" * 140_000 + ",2026-11-01,@u,,0"),
}


@pytest.mark.parametrize("kind", list(BAD_ROWS))
def test_one_bad_row_is_quarantined_and_the_rest_of_the_run_is_stored(
        kind: str, settings_factory: Any, tmp_path: Path) -> None:
    fmt, bad = BAD_ROWS[kind]
    write = write_jsonl if fmt == "jsonl" else write_csv
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / f"a.{fmt}", [good(i) for i in range(50)])
    write(folder / f"b.{fmt}", [good(i) for i in range(50, 60)], (bad,))
    write(folder / f"c.{fmt}", [good(i) for i in range(60, 110)])
    settings = file_settings(settings_factory, folder)

    first = run_import(settings)
    assert (first["stored"], first["inserted"], first["quarantined"]) == (110, 110, 1)
    [reject] = first["rejects"]
    line = 12 if fmt == "csv" else 11  # after the header and 10 good rows
    assert reject.where() == f"{folder / f'b.{fmt}'}:{line}"
    assert reject.reason.startswith(f"b.{fmt}:{line}: ")
    json.dumps(reject.record).encode()  # the quarantined record is valid Unicode
    again = run_import(settings)
    assert (again["stored"], again["inserted"], again["quarantined"]) == (110, 0, 0)


def fake_scorer(monkeypatch: pytest.MonkeyPatch) -> None:
    real = nlp.Scorer
    monkeypatch.setattr(nlp, "Scorer", lambda **kw: real(**{**kw, "sentiment": KeywordSentiment()}))


def test_score_writes_one_line_per_input_line_with_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_scorer(monkeypatch)
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join([b'{"id": 1, "text": "great app"}',
                                b'{"id": 2, "text": "broken \\ud83d"}',
                                b'{"id": "\\udc00", "text": "id is broken"}',
                                b'{"id": 4, "n": ' + DEEP.encode() + b', "text": "deep"}',
                                b'{"id": 5, "text": "bad byte \xff here"}',
                                b'{"id": 6, "text": "ok", "text": "twice"}',
                                b'{"id": 7, "text": "terrible"}']) + b"\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["score", str(src), "-o", str(out)])
    assert result.exception is None, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in lines] == [1, 2, 3, 4, 5, 6, 7]
    assert [r.get("error") is None for r in lines] == [True, False, True, False, False, False, True]
    assert "surrogate" in lines[1]["error"]
    assert "nested too deeply" in lines[3]["error"]
    assert "not valid UTF-8" in lines[4]["error"]
    assert "duplicate JSON key 'text'" in lines[5]["error"]
    assert lines[2]["id"] == "\\udc00"  # an unencodable id is written escaped, not dropped

    csv_in = tmp_path / "in.csv"
    csv_in.write_text("id,text\n1,fine\n2," + "a" * 140_000 + "\n3,also fine\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(csv_in), "-o", str(out)])
    assert result.exception is None, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["row"], "too long" in r.get("error", "")) for r in lines] == [(1, False), (2, True), (3, False)]


# ---- finding 9: inputs silently wrong or wholly rejected ----------------------------------------------------
def test_a_bad_byte_quarantines_its_row_not_the_file(tmp_path: Path) -> None:
    f = tmp_path / "mixed.jsonl"
    f.write_bytes('{"id": "1", "text": "Narmart çox yaxşı", "created_at": "2026-11-01"}\n'.encode()
                  + b'{"id": "2", "text": "Narmart \xff bad", "created_at": "2026-11-01"}\n'
                  + '{"id": "3", "text": "Narmart доставка", "created_at": "2026-11-01"}\n'.encode())
    mentions, rejects = collect(FileListener("s", f))
    assert [m.text for m in mentions] == ["Narmart çox yaxşı", "Narmart доставка"]
    [reject] = rejects
    assert reject.reason.startswith("mixed.jsonl:2: ")
    assert "not valid UTF-8" in reject.reason
    assert "0xff" in reject.reason.lower()

    c = tmp_path / "mixed.csv"
    c.write_bytes("id,text,created_at\n1,Narmart çox yaxşı,2026-11-01\n".encode()
                  + b"2,Narmart \xfe\xff bad,2026-11-01\n3,Narmart ok,2026-11-01\n")
    mentions, rejects = collect(FileListener("s", c))
    assert [m.native_id for m in mentions] == ["1", "3"]
    assert [r.where() for r in rejects] == [f"{c}:3"]


@pytest.mark.parametrize(("codec", "text"), [
    ("utf-16", "Narmart çatdırılma gecikir; çox pis"),
    ("utf-16-le", "Narmart çatdırılma gecikir; çox pis"),  # no byte-order mark
    ("latin-1", "Narmart déjà vu; très bien"),
    ("cp1251", "Нармарт доставка опять опоздала; ужас какой-то"),
    ("cp1254", "Narmart kargo çok geç geldi; rezalet; şikayet ediyorum"),
])
def test_encodings_are_detected(codec: str, text: str, tmp_path: Path) -> None:
    f = tmp_path / "legacy.csv"
    f.write_bytes(f"text,created_at\n{text},2026-11-01\n{text} 2,2026-11-02\n".encode(codec))
    mentions, rejects = collect(FileListener("s", f))
    assert (rejects, [m.text for m in mentions]) == ([], [text, f"{text} 2"])


def test_encoding_override_per_source_and_per_file(settings_factory: Any, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "old.csv").write_bytes(b"text,created_at\nNarmart \xfdok,2026-11-01\n")
    (folder / "new.csv").write_bytes(b"text,created_at\nNarmart yox,2026-11-01\n")

    def texts(encoding: Any) -> list[str]:
        listener = registry.create(Source(name="s", type="file", options={"path": str(folder), "encoding": encoding}),
                                   settings_factory())
        mentions, _ = collect(listener)
        return sorted(m.text for m in mentions)

    assert texts({"old*.csv": "cp1254"}) == ["Narmart yox", "Narmart ıok"]  # cp1254: 0xFD is ı
    assert texts({"old*.csv": "cp1252"}) == ["Narmart yox", "Narmart ýok"]  # cp1252: 0xFD is ý
    # An explicit encoding is not second-guessed: a byte it cannot read quarantines its row.
    listener = registry.create(Source(name="s", type="file", options={"path": str(folder), "encoding": "utf-8"}),
                               settings_factory())
    mentions, rejects = collect(listener)
    assert [m.text for m in mentions] == ["Narmart yox"]
    assert ["not valid utf-8" in r.reason.lower() for r in rejects] == [True]
    with pytest.raises(ConfigError, match="not a known text encoding"):
        registry.create(Source(name="s", type="file", options={"path": str(folder), "encoding": "utf-9"}),
                        settings_factory())


def test_an_unbalanced_quote_is_reported_and_the_rows_after_it_are_kept(tmp_path: Path) -> None:
    f = tmp_path / "q.csv"
    f.write_text('id,text,created_at\n1,"Narmart unbalanced,2026-11-01\n2,Narmart two,2026-11-01\n'
                 '3,Narmart three,2026-11-01\n', encoding="utf-8")
    mentions, rejects = collect(FileListener("s", f))
    assert [m.native_id for m in mentions] == ["2", "3"]  # today: 0 stored, 1 quarantined as "missing created_at"
    [reject] = rejects
    assert reject.reason.startswith("q.csv:2: ")
    assert "unbalanced quote" in reject.reason

    f.write_text('id,text,created_at\n1,"Narmart a,2026-11-01\n2,Narmart b,2026-11-01\n3,"Narmart c",2026-11-01\n'
                 '4,"Narmart\nmulti-line, fine",2026-11-01\n', encoding="utf-8")
    mentions, rejects = collect(FileListener("s", f))
    assert [m.native_id for m in mentions] == ["2", "3", "4"]
    assert [r.where() for r in rejects] == [f"{f}:2"]
    assert mentions[-1].text == "Narmart\nmulti-line, fine"


@pytest.mark.parametrize("header", ["id,text,text,created_at", "id,Text,text,created_at"])
def test_duplicate_csv_headers_are_rejected(header: str, tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text(f"{header}\n1,Narmart a,Narmart b,2026-11-01\n", encoding="utf-8")
    mentions, rejects = collect(FileListener("s", f))
    assert mentions == []  # today: "Narmart b" stored, "Narmart a" silently lost
    [reject] = rejects
    assert "duplicate column 'text'" in reject.reason
    assert reject.where() == f"{f}:2"
    assert {"Narmart a", "Narmart b"} <= set(reject.record.values())  # both values are kept


@pytest.mark.parametrize("keys", [('"text"', '"text"'), ('"text"', '"Text"')])
def test_duplicate_json_keys_are_rejected(keys: tuple[str, str], tmp_path: Path) -> None:
    f = tmp_path / "d.jsonl"
    f.write_text(f'{{"id": "1", {keys[0]}: "Narmart a", {keys[1]}: "Narmart b", "created_at": "2026-11-01"}}\n'
                 '{"id": "2", "text": "Narmart ok", "created_at": "2026-11-01", "n": {"a": 1}}\n', encoding="utf-8")
    mentions, rejects = collect(FileListener("s", f))
    assert [m.native_id for m in mentions] == ["2"]
    [reject] = rejects
    assert "duplicate JSON key 'text'" in reject.reason


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("likes", 1.7, "likes must be a non-negative integer, not 1.7"),
    ("likes", "1.7", "likes must be a non-negative integer, not '1.7'"),
    ("views", 2**63, "views must be a non-negative integer below 2**63"),
    ("id", ["a"], "id must be text or an integer, not list"),
    ("id", {"a": 1}, "id must be text or an integer, not dict"),
    ("id", 1.5e18, "id must be text or an integer, not float"),
    ("id", True, "id must be text or an integer, not bool"),
    ("id", "  ", None),  # a blank id is no id: the row gets a hash identity, not "file:"
    ("thread_id", ["t"], "thread_id must be text or an integer, not list"),
    ("author", {"name": "x"}, "author must be text or an integer, not dict"),
    ("created_at", "0001-01-01", "created_at 0001-01-01 is before 2000-01-01"),
    ("created_at", "1999-12-31T23:59:59Z", "created_at 1999-12-31 is before 2000-01-01"),
    ("created_at", 1, "created_at 1970-01-01 is before 2000-01-01"),
    ("created_at", "2999-01-01", "in the future"),
])
def test_values_are_never_silently_changed(field: str, value: Any, reason: str | None, tmp_path: Path) -> None:
    f = tmp_path / "v.jsonl"
    write_jsonl(f, [good(1, **{field: value}), good(2, likes=1.0, views="3")])
    mentions, rejects = collect(FileListener("s", f))
    assert (mentions[-1].native_id, mentions[-1].likes, mentions[-1].views) == ("r2", 1, 3)  # 1.0 is an integer
    if reason is None:
        assert rejects == []
        assert mentions[0].native_id.strip()
        assert mentions[0].native_id != "r1"
        return
    [reject] = rejects
    assert reason in reject.reason
    assert reject.reason.startswith("v.jsonl:1: ")


def test_the_newer_export_wins_when_two_files_share_an_id(settings_factory: Any, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    # The file that sorts first by name is the newer one, and the other way round: mtime decides, not the name.
    for newer, older in (("a.jsonl", "b.jsonl"), ("d.jsonl", "c.jsonl")):
        write_jsonl(folder / older, [good(1, likes=3, id=f"{newer}-x")])
        write_jsonl(folder / newer, [good(1, likes=40, id=f"{newer}-x")])
        os.utime(folder / older, (1_790_000_000, 1_790_000_000))
        os.utime(folder / newer, (1_790_000_100, 1_790_000_100))
    assert run_import(file_settings(settings_factory, folder))["stored"] == 2
    with connect(settings_factory().storage.path) as con:
        assert con.execute("SELECT DISTINCT likes FROM mentions").fetchall() == [(40,)]


@pytest.mark.parametrize("content", ["[]", '"text"', "42", "null"])
def test_a_cursors_file_of_the_wrong_shape_is_explained(content: str, settings_factory: Any, tmp_path: Path) -> None:
    settings = file_settings(settings_factory, tmp_path / "a.jsonl")
    write_jsonl(tmp_path / "a.jsonl", [good(1)])
    store = MentionStore(settings.storage.path)
    store.state_dir.mkdir(parents=True, exist_ok=True)
    (store.state_dir / "cursors.json").write_text(content, encoding="utf-8")
    with pytest.raises(StorageError, match=r"cursors\.json is not a JSON object.*delete it"):
        CursorStore(store.state_dir).get("exports")


@pytest.mark.parametrize("cursor", ["junk", ["files"], {"files": "abc"}, {"files": 5}, {"files": {"a": [1]}},
                                    {"files": {"PATH": {"sha256": 5, "first_seen": "not a date"}}}])
def test_a_source_cursor_of_the_wrong_shape_is_ignored_with_a_warning(
        cursor: Any, settings_factory: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = file_settings(settings_factory, tmp_path / "a.jsonl")
    write_jsonl(tmp_path / "a.jsonl", [good(1)])
    store = MentionStore(settings.storage.path)
    store.state_dir.mkdir(parents=True, exist_ok=True)
    saved = json.dumps({"exports": cursor}).replace("PATH", str(tmp_path / "a.jsonl"))
    (store.state_dir / "cursors.json").write_text(saved, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        result = run_import(settings)
    assert result["stored"] == 1
    assert "cursor" in caplog.text
    assert run_import(settings)["fetched"] == 0  # the cursor saved by the first run is used by the second


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_listen_stores_every_good_row_and_counts_the_bad_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 1 through the real listen flow: the run summary counts 110 stored and 1 quarantined, once."""
    import flows.listen as listen_mod  # Prefect loads only for this slow test

    scorer = nlp.Scorer(sentiment=KeywordSentiment())
    monkeypatch.setattr(listen_mod, "get_scorer", lambda settings: scorer)
    folder = tmp_path / "in"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", [good(i) for i in range(50)])
    write_jsonl(folder / "b.jsonl", [good(i) for i in range(50, 60)], (BAD_ROWS["surrogate in text"][1],))
    write_jsonl(folder / "c.jsonl", [good(i) for i in range(60, 110)])
    cfg = tmp_path / "voxpop.yaml"
    cfg.write_text("brands: [{name: Narmart, keywords: [Narmart]}]\n"
                   "sources:\n  - {name: exports, type: file, options: {path: in}}\n"
                   "storage: {path: data}\ntopics: {enabled: false}\n", encoding="utf-8")
    first = listen_mod.listen(config=str(cfg))
    src = first["sources"][0]
    assert (src["fetched"], src["inserted"], src["quarantined"], src["error"]) == (110, 110, 1, None)
    assert first["total_stored"] == 110
    with connect(tmp_path / "data") as con:
        assert con.execute("SELECT location FROM quarantine").fetchall() == [(f"{folder / 'b.jsonl'}:11",)]
    again = listen_mod.listen(config=str(cfg))["sources"][0]
    assert (again["fetched"], again["inserted"], again["quarantined"]) == (0, 0, 0)


def test_score_explains_a_header_it_cannot_read(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes("id,t\udc80xt\n1,çox yaxşı\n".encode("utf-8", "surrogateescape"))
    result = CliRunner().invoke(app, ["score", str(src), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2  # voxpop's error exit, with a one-line message
    assert not isinstance(result.exception, UnicodeError)
    assert "the header is not valid UTF-8 (byte 0x80)" in result.output
    result = CliRunner().invoke(app, ["score", str(src), "-o", str(tmp_path / "o.jsonl"), "--encoding", "utf-9"])
    assert result.exit_code == 2  # voxpop's error exit, with a one-line message
    assert "not a known text encoding" in result.output


def test_a_semicolon_csv_from_excel_is_read_by_its_columns(tmp_path: Path) -> None:
    from core.records import iter_rows

    text = "Дата;Отзыв;Канал\n01.11.2026;Azercell интернет не работает, третий день;app\n"
    rows = [row for _, row in iter_rows(text, "csv")]
    assert rows == [{"Дата": "01.11.2026", "Отзыв": "Azercell интернет не работает, третий день", "Канал": "app"}]
    assert [row for _, row in iter_rows("date,text\n2026-11-01,a;b\n", "csv")] == [{"date": "2026-11-01",
                                                                                   "text": "a;b"}]
