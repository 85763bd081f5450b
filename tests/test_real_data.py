"""Issue 14: training and selection on real data, the plain baseline, calibration and real pain-point labels.

The shared data is never read here: a small stand-in folder with the same file names is written per test.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from core.errors import SourceError
from nlp.sentiment import Head, HeadSentiment
from nlp.training.card import recipe_card
from nlp.training.data import Dataset
from nlp.training.painpoints import load_real_aspects, score_aspects
from nlp.training.real import SOURCES, real_splits, stratified_rows
from nlp.training.recipe import LAYER_CHOICES, run, text_hash
from nlp.training.selection import NEU, Objective, expected_calibration_error, predict
from voxpop.cli import app

POS_WORDS = ["great", "love", "harika", "отлично", "super", "thanks"]
NEG_WORDS = ["terrible", "late", "rezalet", "ужасно", "broken", "awful"]
NEU_WORDS = ["when", "where", "saat", "где", "address", "open"]


def fake_rows(n: int, *, binary: bool, seed: int) -> list[tuple[str, str]]:
    rng = np.random.default_rng(seed)
    kinds = [("positive", POS_WORDS), ("negative", NEG_WORDS)] + ([] if binary else [("neutral", NEU_WORDS)])
    rows = []
    for i in range(n):
        label, words = kinds[i % len(kinds)]
        rows.append((label, f"{rng.choice(words)} {rng.choice(words)} post {seed} {i}"))
    return rows


def write_shared(root: Path, n: int = 60) -> None:
    """A stand-in for ../shared/data/sentiment with every source's file name."""
    for k, source in enumerate(SOURCES):
        path = root / source.path
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = fake_rows(n, binary=source.binary, seed=k)
        path.write_text("".join(f"{label}\t{text}\n" for label, text in rows), encoding="utf-8")


def write_umsab(root: Path, n: int = 60) -> None:
    for k, lang in enumerate(("english", "german")):
        for split in ("train", "val"):
            rows = fake_rows(n, binary=False, seed=100 + 10 * k + (split == "val"))
            (root / lang).mkdir(parents=True, exist_ok=True)
            (root / lang / f"{split}_text.txt").write_text("".join(t + "\n" for _, t in rows), encoding="utf-8")
            labels = {"negative": "0", "neutral": "1", "positive": "2"}
            (root / lang / f"{split}_labels.txt").write_text("".join(labels[lb] + "\n" for lb, _ in rows),
                                                             encoding="utf-8")


class WordEncoder:
    """A layered encoder whose vectors count sentiment words (learnable) plus a hashed-noise tail."""

    name = "word-encoder"
    dim = 8
    layers = 12

    def encode_layers(self, texts: Sequence[str], layers: Sequence[int], adapter: object = None) -> np.ndarray:
        out = np.zeros((len(texts), len(layers), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            words = text.lower().split()
            base = np.array([sum(w in POS_WORDS for w in words), sum(w in NEG_WORDS for w in words),
                             sum(w in NEU_WORDS for w in words)], dtype=np.float32)
            noise = np.random.default_rng(zlib.crc32(text.encode())).normal(size=self.dim - 3) * 0.1
            for j, layer in enumerate(layers):
                v = np.concatenate([base * (1 + 0.01 * layer), noise])
                out[i, j] = v / max(np.linalg.norm(v), 1e-6)
        return out

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_layers(texts, (-1,))[:, 0, :]


def test_splits_are_seeded_stratified_and_disjoint() -> None:
    labels = ["negative"] * 40 + ["neutral"] * 20 + ["positive"] * 60
    a, b = stratified_rows(labels), stratified_rows(labels)
    assert all(np.array_equal(a[k], b[k]) for k in a), "same labels and seed, same split"
    every = np.concatenate(list(a.values()))
    assert sorted(every.tolist()) == list(range(len(labels))), "each row in exactly one part"
    for label, n in (("negative", 40), ("neutral", 20), ("positive", 60)):
        dev = sum(labels[i] == label for i in a["dev"])
        assert dev == round(n * 0.15), (label, dev)
    assert not np.array_equal(stratified_rows(labels, seed=1)["dev"], a["dev"]), "the seed matters"


def test_binary_parts_never_predict_neutral_and_groups_weigh_languages_equally() -> None:
    logits = np.array([[0.0, 5.0, 1.0], [2.0, 5.0, 1.0]])
    assert predict(logits, binary=True).tolist() == [2, 0]
    assert NEU in predict(logits, binary=False)
    obj = Objective()
    obj.add("tr/a", Dataset(["x", "y"], ["positive", "negative"], ["tr", "tr"]), "tr", binary=True)
    obj.add("tr/b", Dataset(["x", "y", "z"], ["neutral", "negative", "positive"], ["tr"] * 3), "tr")
    obj.add("ru/a", Dataset(["x", "y"], ["positive", "negative"], ["ru", "ru"]), "ru", binary=True)
    obj.add("noise", Dataset(["x", "y"], ["positive", "negative"], ["tr", "tr"]), None)
    right = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 0, 1], [1, 0, 0], [1, 0, 0],
                      [0, 0, 1.0]])
    groups = obj.groups(right)
    assert groups["tr"] == pytest.approx(100)
    assert groups["ru"] == pytest.approx(100)
    assert "noise" in obj.scores(right)
    assert set(groups) == {"tr", "ru", "objective"}, "reported, not selected on"
    wrong_ru = right.copy()
    wrong_ru[5:7] = right[5:7][::-1]
    assert obj(wrong_ru) == pytest.approx(50), "one of two languages wrong halves the objective"


def test_calibration_error_is_small_when_calibrated_and_large_when_overconfident() -> None:
    rng = np.random.default_rng(0)
    n = 20000
    conf = rng.uniform(0.4, 1.0, n)
    y = np.zeros(n, dtype=int)
    right = rng.uniform(size=n) < conf
    y[~right] = 1
    probs = np.stack([conf, 1 - conf, np.zeros(n)], axis=1)
    assert expected_calibration_error(probs, y) < 2.0
    over = np.stack([np.full(n, 0.99), np.full(n, 0.01), np.zeros(n)], axis=1)
    assert expected_calibration_error(over, y) > 20.0


def test_recipe_selects_on_dev_reports_beside_baseline_and_leaves_out_what_it_must(tmp_path: Path) -> None:
    shared, umsab = tmp_path / "sentiment", tmp_path / "umsab"
    write_shared(shared)
    write_umsab(umsab)
    _whole, splits = real_splits(shared)
    held = {text_hash(splits.train["tr/fsmtsad_multidomain"].texts[0])}
    result = run(WordEncoder(), umsab, shared, tmp_path / "cache", held_out=held, adapter=False,
                 log=lambda _m: None)
    head, meta = result.head, result.head.meta
    assert tuple(meta["layers"]) in LAYER_CHOICES
    assert result.materials.excluded == 1, "a post hand-labelled for aspects is kept out of training"
    evaluated = {s.name for s in SOURCES if s.role != "train-only"}
    for split in ("dev", "test"):
        parts = result.shipped_figures[split]["parts"]  # type: ignore[index]
        assert evaluated <= set(parts)
        assert "hy/semeval2018_emotion_mt_mapped" not in parts
        assert set(result.baseline_figures[split]["parts"]) == set(parts)  # type: ignore[index]
    assert result.shipped_figures["dev"]["groups"]["objective"] > 90  # type: ignore[index]
    assert {"tr", "ru", "en", "umsab"} <= set(result.shipped_figures["test"]["ece"])  # type: ignore[index]
    card = recipe_card(head)
    assert "shipped model beside the plain baseline" in card.lower()
    assert "CC BY-NC 4.0" in card
    assert "non-commercial" in card
    assert "Coverage check" in card
    # Saved and loaded, the head scores as in training (its meta is JSON).
    head.save(tmp_path / "h.npz")
    loaded = Head.load(tmp_path / "h.npz")
    assert loaded.meta["figures"] == json.loads(json.dumps(meta["figures"]))

    commercial = run(WordEncoder(), umsab, shared, tmp_path / "cache", commercial_only=True, adapter=False,
                     log=lambda _m: None)
    trained = set(commercial.materials.train)
    assert trained == {"ru/opensentimentcorpus_majority", "ru/cedr_emotion_mapped", "own"}, trained
    assert commercial.head.meta["commercial_only"] is True


def test_real_aspect_labels_find_their_text_by_hash_and_score_per_language(tmp_path: Path) -> None:
    shared = tmp_path / "sentiment"
    (shared / "en").mkdir(parents=True)
    texts = ["courier lost my parcel", "the app crashes and support never answers", "nice weather today"]
    (shared / "en" / "x.tsv").write_text("".join(f"negative\t{t}\n" for t in texts), encoding="utf-8")
    labels = tmp_path / "labels"
    labels.mkdir()
    rows = [("delivery",), ("website_app", "support"), ()]
    (labels / "en.jsonl").write_text("".join(
        json.dumps({"file": "en/x.tsv", "sha256": hashlib.sha256(t.encode()).hexdigest()[:16], "half": "dev",
                    "aspects": list(a), "pain_point": bool(a)}) + "\n" for t, a in zip(texts, rows, strict=True)),
        encoding="utf-8")
    items = load_real_aspects(shared, labels=labels)
    assert [i.text for i in items] == texts
    assert items[1].aspects == {"website_app", "support"}
    scores = score_aspects(items, [["delivery"], ["support", "price"], []], [True, False, True])
    en = scores["en"]
    assert en["micro"]["tp"] == 2
    assert en["micro"]["fp"] == 1
    assert en["micro"]["fn"] == 1
    # Pain point = negative and tagged: row 0 right, row 1 missed (not negative), row 2 untagged.
    assert en["pain_point"]["tp"] == 1
    assert en["pain_point"]["fn"] == 1
    assert en["pain_point"]["fp"] == 0
    (shared / "en" / "x.tsv").write_text("negative\tsomething else\n", encoding="utf-8")
    with pytest.raises(SourceError, match="no text with hash"):
        load_real_aspects(shared, labels=labels)


def test_committed_real_labels_hold_no_text() -> None:
    """The repository keeps only file, hash, half and labels for the real posts (their text stays in ../shared)."""
    from nlp.training.painpoints import REAL_ASPECTS

    counts = {}
    for path in sorted(REAL_ASPECTS.glob("*.jsonl")):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        counts[path.stem] = len(rows)
        for row in rows:
            assert set(row) == {"file", "sha256", "half", "aspects", "pain_point"}, row
            assert len(row["sha256"]) == 16
            assert row["half"] in {"dev", "test"}
    assert all(counts.get(lang, 0) >= 150 for lang in ("tr", "ru", "en")), counts


@pytest.mark.model
def test_eval_real_prints_the_model_beside_the_baseline_on_the_same_rows(tmp_path: Path) -> None:
    shared = tmp_path / "sentiment"
    write_shared(shared, n=20)
    out = tmp_path / "cmp.json"
    result = CliRunner().invoke(app, ["eval", "--real", str(shared), "--split", "dev", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "baseline" in result.output
    assert "tr/fsmtsad_multidomain" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["split"] == "dev"
    assert set(data["groups"]) == {"tr", "ru", "en"}
    assert all(len(v) == 3 for v in data["parts"].values())
    bad = CliRunner().invoke(app, ["eval", "--real", str(tmp_path / "nowhere")])
    assert bad.exit_code != 0
    assert "Traceback" not in bad.output
    assert "not found" in bad.output
    assert isinstance(HeadSentiment().head, Head)
