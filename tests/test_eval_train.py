from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from core.errors import SourceError
from nlp.training import Dataset, evaluate, fit_temperature, load_labelled, split_holdout
from tests.conftest import KeywordSentiment
from voxpop.cli import app

POS = ["great service, thanks", "love it", "super fast", "əla xidmət", "harika, teşekkürler", "отлично",
       "լավ է", "thanks a lot, great app", "love the new design", "great prices today"]
NEG = ["delivery late again", "terrible support", "broken on arrival", "rezalet kargo", "плохо упаковали",
       "kargo gecikti", "bad quality", "late and broken", "terrible app", "vat e, վատ"]
NEU = ["what time do you open", "new store on Monday", "is there a sale", "sabah açılır", "где пункт выдачи",
       "քանիսի՞ն եք բացվում", "order number 5", "price list please", "how to register", "ok noted"]


def write_tsv(path: Path, n: int = 10) -> None:
    lines = [f"positive\t{t}" for t in POS[:n]] + [f"2\t{t} !" for t in POS[:n]]
    lines += [f"neg\t{t}" for t in NEG[:n]] + [f"0\t{t} !" for t in NEG[:n]]
    lines += [f"neutral\t{t}" for t in NEU[:n]] + [f"1\t{t} ?" for t in NEU[:n]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_load_tsv_and_umsab_layouts(tmp_path: Path) -> None:
    write_tsv(tmp_path / "en.test.tsv")
    write_tsv(tmp_path / "en.train.tsv", n=3)
    (tmp_path / "german").mkdir()
    (tmp_path / "german" / "test_text.txt").write_text("gut\nschlecht\n", encoding="utf-8")
    (tmp_path / "german" / "test_labels.txt").write_text("2\n0\n", encoding="utf-8")
    data = load_labelled(tmp_path, "test")
    assert len(data.texts) == 62
    assert set(data.langs) == {"en", "de"}
    assert set(data.labels) == {"positive", "neutral", "negative"}
    assert len(load_labelled(tmp_path / "en.train.tsv").texts) == 18


def test_bad_labelled_data_is_explained(tmp_path: Path) -> None:
    bad = tmp_path / "x.tsv"
    bad.write_text("happy\ttext\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"x.tsv:1: expected label<TAB>text"):
        load_labelled(bad)
    with pytest.raises(SourceError, match="no labelled examples"):
        load_labelled(tmp_path, "nosuchsplit")


def test_evaluate_scores_and_confusion(tmp_path: Path) -> None:
    write_tsv(tmp_path / "en.tsv")
    data = load_labelled(tmp_path)
    result = evaluate(KeywordSentiment(), data)
    assert 0 <= result.macro_f1["en"] <= 100
    assert result.macro_f1["avg"] == result.macro_f1["en"]
    assert sum(map(sum, result.confusion["all"])) == len(data.texts)
    assert result.sizes == {"en": 60}


def test_holdout_is_stratified_and_deterministic() -> None:
    data = Dataset([f"t{i}" for i in range(100)], ["positive", "neutral", "negative", "negative"] * 25,
                   ["az", "tr"] * 50)
    train, val = split_holdout(data)
    assert len(val.texts) == 20
    assert set(train.texts).isdisjoint(val.texts)
    assert split_holdout(data)[1].texts == val.texts
    assert set(val.labels) == {"positive", "neutral", "negative"}


def test_temperature_fitting_recovers_scale() -> None:
    rng = np.random.default_rng(0)
    true = rng.normal(size=(3000, 3)) * 2
    y = np.array([rng.choice(3, p=np.exp(r) / np.exp(r).sum()) for r in true])
    assert fit_temperature(true * 3, y) == pytest.approx(3, rel=0.15)


def test_eval_command_json(tmp_path: Path) -> None:
    write_tsv(tmp_path / "tr.tsv")
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["eval", "--data", str(tmp_path), "--model", "default", "--json", str(out)])
    assert result.exit_code == 0, result.output
    scores = json.loads(out.read_text(encoding="utf-8"))
    assert scores["labels"] == ["negative", "neutral", "positive"]
    assert set(scores["macro_f1"]) == {"tr", "avg"}


@pytest.mark.model
@pytest.mark.parametrize("extra", [[], ["--adapter"]])
def test_train_command_writes_head_and_card_usable_by_eval_and_score(tmp_path: Path, extra: list[str]) -> None:
    data = tmp_path / "mine"
    data.mkdir()
    write_tsv(data / "en.tsv")
    head_dir = tmp_path / "head"
    result = CliRunner().invoke(app, ["train", "--data", str(data), "--out", str(head_dir), "--no-with-project-data",
                                      *extra])
    assert result.exit_code == 0, result.output
    head = head_dir / "sentiment_head.npz"
    card = (head_dir / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "user data from" in card
    assert "| en |" in card
    if extra:  # trained, then kept or (ties with the plain head on this easy data) dropped, and said so
        assert "adapter: step" in result.output
        assert ("- **Adapter**: LoRA" in card) != ("did not help" in result.output)
    else:
        assert "adapter" not in result.output
        assert "- **Adapter**" not in card
    result = CliRunner().invoke(app, ["eval", "--data", str(data), "--model", str(head)])
    assert result.exit_code == 0, result.output
    src = tmp_path / "in.txt"
    src.write_text("love it\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(src), "-o", str(tmp_path / "o.jsonl"), "--model", str(head)])
    assert result.exit_code == 0, result.output


def test_train_rejects_data_without_all_labels(tmp_path: Path) -> None:
    (tmp_path / "en.tsv").write_text("".join(f"positive\tgood {i}\n" for i in range(20)), encoding="utf-8")
    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path), "--out", str(tmp_path / "h"),
                                      "--no-with-project-data"])
    assert result.exit_code == 2
    assert "must contain all three labels" in result.output
