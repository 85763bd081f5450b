from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import nlp
from nlp import LanguageIdentifier, Scorer
from tests.conftest import KeywordSentiment
from voxpop.cli import app

LONG = ("Narmart çatdırılma gecikir. " * 1500)[:40_000]


@pytest.fixture
def fast_scorer() -> Scorer:
    return Scorer(sentiment=KeywordSentiment())


def test_language_identification() -> None:
    lid = LanguageIdentifier(["az", "tr", "hy", "ru", "en"])
    got = lid.detect(["Sifarişim hələ də gəlmədi, çox pis xidmətdir", "Kargom üç gündür gelmedi, rezalet",
                      "Առաքումը նորից ուշացավ", "Доставка опять задерживается", "The courier never showed up",
                      "😡😡😡", "", "https://x.com @user #tag 123"])
    assert [g[0] for g in got] == ["az", "tr", "hy", "ru", "en", "und", "und", "und"]
    assert all(0 <= c <= 1 for _, c in got)


def test_scorer_rows_for_every_input(fast_scorer: Scorer) -> None:
    texts: list[Any] = ["Narmart delivery late again", "", "   ", None, "😍", LONG, "Lumo super, thanks!"]
    scores = fast_scorer.score(texts)
    assert len(scores) == len(texts)
    assert scores[0].sentiment == "negative"
    assert "delivery" in scores[0].aspects
    assert scores[0].is_pain_point is True
    assert [s.error for s in scores[1:4]] == ["empty text", "empty text", "text must be a string, not NoneType"]
    assert scores[1].sentiment is None
    assert scores[4].sentiment is not None  # emoji-only still gets a prediction
    assert scores[5].lang == "az"
    assert scores[6].sentiment == "positive"
    for s in scores:
        if s.sentiment_probs:
            assert abs(sum(s.sentiment_probs.values()) - 1) < 1e-6
            assert s.sentiment_confidence == max(s.sentiment_probs.values())


def test_progress_callback(fast_scorer: Scorer) -> None:
    seen: list[int] = []
    fast_scorer.batch_size = 4
    fast_scorer.score(["a b c"] * 10, on_progress=seen.append)
    assert seen == [4, 4, 2]


def _run_score(tmp_path: Path, name: str, content: str, monkeypatch: pytest.MonkeyPatch | None = None,
               *extra: str) -> list[dict[str, Any]]:
    if monkeypatch is not None:
        monkeypatch.setattr(nlp, "Scorer", lambda **kw: Scorer(**{**kw, "sentiment": KeywordSentiment()}))
    src = tmp_path / name
    src.write_text(content, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["score", str(src), "-o", str(out), *extra])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_score_contract_txt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _run_score(tmp_path, "in.txt", "great service\n\nlate delivery 😡\n" + LONG + "\n", monkeypatch)
    assert len(rows) == 4
    assert [r["row"] for r in rows] == [1, 2, 3, 4]
    ok = rows[0]
    assert set(ok) >= {"lang", "sentiment", "sentiment_probs", "aspects"}
    assert ok["sentiment"] in {"positive", "neutral", "negative"}
    assert set(ok["sentiment_probs"]) == {"positive", "neutral", "negative"}
    assert rows[1]["sentiment"] is None
    assert rows[1]["error"] == "empty text"
    assert rows[2]["aspects"] == ["delivery"]


def test_score_contract_csv_and_jsonl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = _run_score(tmp_path, "in.csv", 'id,text\n7,"kargo gecikti, rezalet"\n8,\n', monkeypatch)
    assert [r.get("id") for r in rows] == ["7", "8"]
    assert rows[0]["sentiment"] == "negative"
    assert rows[1]["error"] == "empty text"
    rows = _run_score(tmp_path, "in.jsonl", '{"text": "Նարմարտ լավն ա"}\n{oops\n{"text": 5}\n[1]\n{"id": 1}\n',
                      monkeypatch)
    assert len(rows) == 5
    assert rows[0]["lang"] == "hy"
    assert [r["sentiment"] for r in rows[1:]] == [None] * 4
    assert rows[1]["error"].startswith("invalid JSON")
    assert rows[2]["error"] == "text is int"
    assert rows[4]["error"] == "missing text"


def test_score_takes_an_aspect_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Kartıma hələ də gəlmədi, komissiya da çox yüksəkdir\n"
    default = _run_score(tmp_path, "in.txt", text, monkeypatch)
    banking = _run_score(tmp_path, "in.txt", text, monkeypatch, "--taxonomy", "banking")
    assert "fees" not in default[0]["aspects"]
    assert "fees" in banking[0]["aspects"]
    result = CliRunner().invoke(app, ["score", str(tmp_path / "in.txt"), "-o", str(tmp_path / "x.jsonl"),
                                      "--taxonomy", "bank"])
    assert result.exit_code != 0
    assert "banking" in result.output
    assert "Traceback" not in result.output


def test_score_csv_without_text_column_exits_cleanly(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("body\nhello\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(src), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2
    assert "no 'text' column" in result.output


@pytest.mark.model
def test_default_model_end_to_end(tmp_path: Path) -> None:
    rows = _run_score(tmp_path, "in.txt", "Çatdırılma 5 gündür gecikir, pulumu qaytarın!\n"
                      "Thank you Narmart, fast delivery and great prices 😍\n\n😍😍😍\n" + LONG + "\n")
    assert [r["sentiment"] for r in rows[:2]] == ["negative", "positive"]
    assert rows[0]["lang"] == "az"
    assert "delivery" in rows[0]["aspects"]
    assert rows[2]["error"] == "empty text"
    assert rows[3]["sentiment"] == "positive"
    assert rows[4]["sentiment"] is not None


def test_cli_rejects_unknown_languages_and_shows_data_not_markup(tmp_path: Path) -> None:
    src = tmp_path / "in.txt"
    src.write_text("hello\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(src), "-o", str(tmp_path / "o.jsonl"), "--languages", "az,xx"])
    assert result.exit_code == 2
    assert "unknown language code(s) ['xx']" in result.output
    from storage import MentionStore
    from tests.factories import scored

    data = tmp_path / "d"
    MentionStore(data).upsert([scored(1, brand="A", day=date(2026, 1, 1), sentiment="neutral",
                                      text="[/] [bold]not markup[/bold] [link=https://evil.test]x[/link]")])
    cfg = tmp_path / "v.yaml"
    cfg.write_text(f"brands: [{{name: A, keywords: [a]}}]\nstorage: {{path: {data}}}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["query", "-c", str(cfg), "SELECT text FROM mentions"])
    assert result.exit_code == 0, result.output
    assert "[bold]not markup[/bold]" in result.output
    result = CliRunner().invoke(app, ["query", "-c", str(cfg), "SELECT * FROM nope_[/x]"])
    assert result.exit_code == 2
    assert "query failed" in result.output


@pytest.mark.model
def test_default_scorer_keeps_the_sentiment_embedding() -> None:
    import numpy as np

    scorer = Scorer()
    texts = ["Çatdırılma 5 gündür gecikir, pulumu qaytarın!", "Thank you Narmart, great prices 😍"]
    scores = scorer.score(texts)
    assert scorer.encoder is scorer.sentiment.encoder  # one encoding serves sentiment and topics
    direct = scorer.sentiment.predict_proba(texts)
    got = [[s.sentiment_probs[label] for label in nlp.LABELS] for s in scores]
    np.testing.assert_allclose(got, direct, atol=2e-4)
    np.testing.assert_allclose(np.stack([s.embedding for s in scores]), scorer.encoder.encode(texts), atol=1e-5)


def test_a_score_has_one_json_form_and_voxpop_score_writes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              fast_scorer: Scorer) -> None:
    ok, empty = fast_scorer.score(["late delivery", ""])
    assert list(ok.to_json()) == ["lang", "lang_confidence", "sentiment", "sentiment_probs", "sentiment_score",
                                  "confidence", "aspects", "is_pain_point"]  # no embedding, no error
    assert ok.to_json()["confidence"] == ok.sentiment_confidence
    assert empty.to_json()["error"] == "empty text"
    assert _run_score(tmp_path, "in.txt", "late delivery\n\n", monkeypatch) == [
        {"row": 1, **ok.to_json()}, {"row": 2, **empty.to_json()}]
