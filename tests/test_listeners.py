from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from core.config import Source
from core.errors import ConfigError, SourceError
from core.layout import StoreLayout
from listeners import BrandMatcher, FileListener, Normalizer, Pseudonymizer, QueryListener, parse_timestamp, registry


def pages(listener: FileListener, cursor: dict[str, Any] | None = None) -> tuple[list[Any], list[Any], Any]:
    mentions, rejects, last = [], [], None
    for page in listener.pages(cursor):
        mentions += page.mentions
        rejects += page.rejects
        last = page.cursor or last
    return mentions, rejects, last


def test_csv_with_aliases_and_bad_rows(tmp_path: Path) -> None:
    f = tmp_path / "posts.csv"
    f.write_text(
        "tweet_id,Content,created_at,username,retweets,like_count\n"
        '1,"Narmart, çatdırılma gecikir",2026-10-01T10:00:00Z,@ali,2,5\n'
        '2,"",2026-10-01T11:00:00Z,@veli,0,0\n'
        '3,"Нармарт ok",yesterday,@x,0,0\n'
        '4,"Narmart likes",2026-10-01,@y,0,lots\n'
        '5,"multi\nline Narmart",1759312800,@z,1,1\n',
        encoding="utf-8",
    )
    mentions, rejects, cursor = pages(FileListener("s", f))
    assert [m.native_id for m in mentions] == ["1", "5"]
    assert mentions[0].author == "@ali"
    assert (mentions[0].likes, mentions[0].reposts) == (5, 2)
    assert mentions[0].created_at == datetime(2026, 10, 1, 10, tzinfo=UTC)
    assert mentions[1].text == "multi\nline Narmart"
    reasons = sorted(r.reason for r in rejects)
    assert any("empty or missing text" in r for r in reasons)
    assert any("unparseable timestamp" in r for r in reasons)
    assert any("likes must be a non-negative integer" in r for r in reasons)
    assert all(r.reason.startswith("posts.csv:") for r in rejects)
    assert cursor is not None


def test_jsonl_txt_tsv_and_idempotent_ids(tmp_path: Path) -> None:
    j = tmp_path / "a.jsonl"
    j.write_text(json.dumps({"text": "Lumo 😍 Լումո", "date": "2026-09-01 10:00:00", "platform": "instagram"},
                            ensure_ascii=False) + "\n{broken\n[1,2]\n\n", encoding="utf-8")
    t = tmp_path / "b.txt"
    t.write_text("first Narmart review\n\nsecond\n", encoding="utf-8")
    v = tmp_path / "c.tsv"
    v.write_text("text\tcreated_at\nNarmart\t2026-09-02T00:00:00+04:00\n", encoding="utf-8")
    mentions, rejects, _ = pages(FileListener("s", tmp_path))
    assert sorted(m.platform for m in mentions) == ["file", "file", "file", "instagram"]
    assert len(rejects) == 2
    assert any("invalid JSON" in r.reason for r in rejects)
    assert any("expected a JSON object" in r.reason for r in rejects)
    tsv = next(m for m in mentions if m.text == "Narmart")
    assert tsv.created_at == datetime(2026, 9, 1, 20, tzinfo=UTC)
    again, _, _ = pages(FileListener("s", tmp_path))
    assert [m.mention_id for m in again] == [m.mention_id for m in mentions]  # content-hash ids are stable


def test_cursor_skips_unchanged_files(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("Narmart one\n", encoding="utf-8")
    listener = FileListener("s", f)
    _, _, cursor = pages(listener)
    assert pages(listener, cursor)[0] == []
    f.write_text("Narmart one\nNarmart two\n", encoding="utf-8")
    assert len(pages(listener, cursor)[0]) == 2


def test_paging_sets_cursor_only_on_last_page(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    f.write_text("".join(f"Narmart {i}\n" for i in range(25)), encoding="utf-8")
    got = list(FileListener("s", f, page_size=10).pages(None))
    assert [len(p.mentions) for p in got] == [10, 10, 5]
    assert [p.cursor is not None for p in got] == [False, False, True]


def test_column_mapping_and_errors(tmp_path: Path) -> None:
    f = tmp_path / "survey.csv"
    f.write_text("comment,submitted\nbad delivery,2026-10-01\n", encoding="utf-8")
    mentions, _, _ = pages(FileListener("s", f, columns={"text": "comment", "created_at": "submitted"},
                                        platform="survey", brand="Narmart"))
    assert mentions[0].text == "bad delivery"
    assert mentions[0].platform == "survey"
    assert mentions[0].brand_hint == "Narmart"
    with pytest.raises(ConfigError, match="unknown key"):
        FileListener("s", f, columns={"txt": "comment"})
    with pytest.raises(ConfigError, match="format"):
        FileListener("s", f, fmt="xml")
    with pytest.raises(SourceError, match="does not exist"):
        pages(FileListener("s", tmp_path / "missing.csv"))
    # Issue 19: a Latin-1 export is read in its encoding (detected), no longer rejected as a whole.
    latin1 = tmp_path / "old.csv"
    latin1.write_bytes("text,created_at\nd\xe9j\xe0 vu,2026-01-01\n".encode("latin-1"))
    assert [m.text for m in pages(FileListener("s", latin1))[0]] == ["d\xe9j\xe0 vu"]


def test_registry_lists_valid_types(settings_factory: Any) -> None:
    settings = settings_factory()
    with pytest.raises(ConfigError, match=r"valid types: .*file.*sample"):
        registry.create(Source(name="q", type="myspace"), settings)
    with pytest.raises(ConfigError, match=r"needs options\.path"):
        registry.create(Source(name="q", type="file"), settings)
    with pytest.raises(ConfigError, match="not a configured brand"):
        registry.create(Source(name="q", type="file", options={"path": "x", "brand": "Nope"}), settings)
    assert registry.create(Source(name="q", type="csv", options={"path": "x"}), settings).name == "q"


def test_timestamps() -> None:
    assert parse_timestamp("2026-10-24T13:05:12Z") == datetime(2026, 10, 24, 13, 5, 12, tzinfo=UTC)
    assert parse_timestamp(1_761_311_112_000) == parse_timestamp(1_761_311_112)
    assert parse_timestamp("2026-10-24").tzinfo is not None
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_timestamp("next tuesday")


@pytest.mark.parametrize(
    ("text", "brands", "terms"),
    [
        ("Narmart'tan sifariş verdim", ["Narmart"], ["Narmart"]),
        ("İyi ki NARMART var", ["Narmart"], ["Narmart"]),
        ("Нармарте опять задержка", ["Narmart"], ["Нармарт"]),
        ("Նարմարտը լավն ա", ["Narmart"], ["Նարմարտ"]),
        ("@narmart cavab verin", ["Narmart"], ["Narmart", "@narmart"]),
        ("Tezbazar is cheaper than Narmart", ["Tezbazar", "Narmart"], ["Narmart", "Tezbazar"]),
        ("visit tezbazar.fake for free iphones", [], []),  # excluded: its terms are not reported either
        ("xnarmart is not us", [], []),
        ("Lumo 😍😍", ["Lumo"], ["Lumo"]),
    ],
)
def test_brand_matching(settings_factory: Any, text: str, brands: list[str], terms: list[str]) -> None:
    found, matched, _ = BrandMatcher(settings_factory()).match(text)
    assert [b for b, _ in found] == brands
    assert sorted(matched) == sorted(terms)


def test_normalizer_pseudonymises_and_counts(settings_factory: Any, tmp_path: Path) -> None:
    from listeners import Mention

    settings = settings_factory()
    ts = datetime(2026, 10, 1, tzinfo=UTC)
    mentions = [Mention("x", "1", "Narmart kargo", ts, author="@Ali"), Mention("x", "2", "nothing", ts),
                Mention("x", "3", "tezbazar.fake promo", ts), Mention("x", "4", "Tezbazar pahalı", ts, author="ali")]
    norm = Normalizer(settings, source="s", run_id="r")
    rows = norm(mentions)
    assert [r["brand"] for r in rows] == ["Narmart", "Tezbazar"]
    assert rows[1]["is_competitor"] is True
    assert rows[0]["author_hash"] == rows[1]["author_hash"]  # same person, '@' and case do not matter
    assert "ali" not in json.dumps(rows, default=str).lower().replace("pahalı", "")
    assert rows[0]["author_handle"] is None
    assert (norm.stats.kept, norm.stats.no_brand, norm.stats.excluded) == (2, 1, 1)
    key_file = StoreLayout.of(settings.storage.path).user_key_file(settings.project)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert not any(p.name.endswith(".key") for p in Path(settings.storage.path).rglob("*"))  # not in the data
    other = Pseudonymizer(b"another key")
    assert other("x", "@Ali") != rows[0]["author_hash"]


def test_handles_kept_when_privacy_off(settings_factory: Any) -> None:
    from listeners import Mention

    settings = settings_factory(privacy={"pseudonymize_authors": False})
    url = "https://x.com/a/status/1"
    rows = Normalizer(settings, source="s", run_id="r")(
        [Mention("x", "1", "Narmart", datetime.now(UTC), author="@a", url=url)])
    assert rows[0]["author_handle"] == "@a"
    assert rows[0]["url"] == url


@pytest.mark.parametrize(
    ("url", "author", "stored"),
    [
        ("https://x.com/Ali_1/status/123", "@ali_1", "https://x.com/i/web/status/123"),
        ("https://twitter.com/ali_1/status/123?s=20", "ali_1", "https://x.com/i/web/status/123"),
        ("https://x.com/i/web/status/123", "ali_1", "https://x.com/i/web/status/123"),
        ("https://www.reddit.com/r/azerbaijan/comments/abc/narmart/", "ali_1",
         "https://www.reddit.com/r/azerbaijan/comments/abc/narmart/"),
        ("https://forum.example/u/ali_1/post/9", "ali_1", None),  # no handle-free form known: not stored
        ("https://forum.example/post/9", None, "https://forum.example/post/9"),
        (None, "ali_1", None),
    ],
)
def test_urls_do_not_carry_pseudonymised_handles(url: str | None, author: str | None, stored: str | None) -> None:
    from listeners.normalize import private_url

    assert private_url(url, author) == stored


def test_growing_txt_export_keeps_ids_and_dates(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("Narmart one\nNarmart same\n", encoding="utf-8")
    listener = FileListener("s", f)
    first, _, cursor = pages(listener)
    f.write_text("Narmart one\nNarmart same\nNarmart same\n", encoding="utf-8")  # appended: a second identical line
    second, _, _ = pages(listener, cursor)
    assert [m.mention_id for m in second[:2]] == [m.mention_id for m in first]
    assert [m.created_at for m in second] == [first[0].created_at] * 3
    assert len({m.mention_id for m in second}) == 3


def test_identical_rows_without_id_stay_distinct_and_bad_numbers_are_rejected(tmp_path: Path) -> None:
    f = tmp_path / "survey.csv"
    f.write_text("text,date,likes,author\nNarmart 👍,2026-10-01,1,@alice_real\nNarmart 👍,2026-10-01,1,@bob\n"
                 "Narmart big,2026-10-01,1e400,@carol\nNarmart far,1e20,1,@dave\n", encoding="utf-8")
    mentions, rejects, _ = pages(FileListener("s", f))
    assert len({m.native_id for m in mentions}) == 2
    assert len(rejects) == 2
    dumped = json.dumps([r.record for r in rejects])
    assert "@carol" not in dumped
    assert "@dave" not in dumped


def test_json_array_exports(tmp_path: Path) -> None:
    f = tmp_path / "export.json"
    f.write_text(json.dumps([{"text": "Narmart ok", "created_at": "2026-10-01T00:00:00Z"}, 5]), encoding="utf-8")
    mentions, rejects, _ = pages(FileListener("s", f))
    assert [m.text for m in mentions] == ["Narmart ok"]
    assert "expected a JSON object" in rejects[0].reason
    f.write_text("[{broken", encoding="utf-8")
    with pytest.raises(SourceError, match="not valid JSON"):
        pages(FileListener("s", f))


def test_saved_api_cursors_stay_readable_and_keep_their_shape(settings_factory: Any,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    """Cursors in users' cursors.json, as earlier versions wrote them, load into the same states."""
    settings = settings_factory()
    x = registry.create(Source(name="xs", type="x"), settings)
    assert isinstance(x, QueryListener)
    [key] = [x.query_key(q) for q in x.queries]
    saved = {"v": 1, "queries": {key: {"since_id": "1790000000000000001", "until_id": 1790000000000000000,
                                       "newest_id": None, "other": "1"},
                                 "a-removed-query": {"since_id": "1"}}}
    assert x.load_cursors(saved).snapshot() == {
        "v": 1, "queries": {key: {"since_id": "1790000000000000001", "until_id": "1790000000000000000"}}}

    reddit = registry.create(Source(name="rd", type="reddit", options={"subreddits": ["azerbaijan"]}), settings)
    assert isinstance(reddit, QueryListener)
    keys = [reddit.query_key(q) for q in reddit.queries]
    assert keys[0] == "r/azerbaijan: (Narmart OR Нармарт OR Նարմարտ OR Lumo)"
    saved = {"v": 1, "listings": {keys[0]: {"watermark": 1_790_000_000, "gaps": [[1.0, 2], [3], "x"]},
                                  keys[1]: {"watermark": "soon"}}}
    assert reddit.load_cursors(saved).snapshot() == {"v": 1, "listings": {
        keys[0]: {"watermark": 1_790_000_000.0, "gaps": [[1.0, 2.0]]}, keys[1]: {"watermark": None, "gaps": []}}}

    bsky = registry.create(Source(name="b", type="bluesky"), settings)
    assert isinstance(bsky, QueryListener)
    state = {"since": "2026-11-01T00:00:00.000Z", "resume": {"cursor": "o6", "newest": "2026-11-02T00:00:00.000Z"}}
    assert bsky.load_cursors({"v": 1, "queries": {"Narmart": state, "Lumo": "junk"}}).snapshot() == {
        "v": 1, "queries": {"Narmart": state}}

    assert bsky.load_cursors({"files": {}}).snapshot() == {"v": 1, "queries": {}}
    assert "ignoring a cursor without 'queries'" in caplog.text


def test_a_key_left_in_the_dataset_is_moved_out_and_hashes_stay_stable(settings_factory: Any) -> None:
    settings = settings_factory()
    layout = StoreLayout.of(settings.storage.path)
    layout.legacy_pseudonym_key.parent.mkdir(parents=True)
    layout.legacy_pseudonym_key.write_text("legacy-key-" + "7" * 32, encoding="utf-8")
    expected = Pseudonymizer(("legacy-key-" + "7" * 32).encode())("x", "ali")
    assert Pseudonymizer.from_settings(settings)("x", "ali") == expected
    assert not layout.legacy_pseudonym_key.exists()
    assert layout.user_key_file(settings.project).read_text(encoding="utf-8") == "legacy-key-" + "7" * 32
    assert Pseudonymizer.from_settings(settings)("x", "ali") == expected  # and again, from its new home


@pytest.mark.parametrize("content", ["", "\n", "short"])
def test_an_emptied_key_file_is_refused(settings_factory: Any, tmp_path: Path, content: str) -> None:
    key_file = tmp_path / "my.key"
    key_file.write_text(content, encoding="utf-8")
    settings = settings_factory(privacy={"pseudonym_key_file": str(key_file)})
    with pytest.raises(ConfigError, match="empty or shorter than 16"):
        Pseudonymizer.from_settings(settings)
