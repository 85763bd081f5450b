"""`voxpop train --corrections`: a head-only refit with corrected mentions, before/after on real dev splits.

The encoder is the small fake of tests/test_real_data.py and the shared data a stand-in folder: the real
retrain (make train-head) never runs in tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp.sentiment import Head
from nlp.training.corrections import corrected_dataset, retrain_with_corrections
from storage import Correction, MentionStore, connect
from storage.duck import corrected_sentiments
from tests.test_explorer import fixture_store
from tests.test_real_data import WordEncoder, write_shared, write_umsab
from voxpop.cli import app


def _correct(store: Path, n: int = 12) -> None:
    with connect(store) as con:
        ids = [r[0] for r in con.execute("SELECT mention_id FROM mentions ORDER BY mention_id LIMIT ?", [n]).fetchall()]
    rows = [(mid, "positive" if i % 2 else "negative") for i, mid in enumerate(ids)]
    MentionStore(store).add_corrections([Correction(mid, "Acme", "sentiment", label, "ana") for mid, label in rows])
    MentionStore(store).add_corrections([Correction(ids[0], "Acme", "irrelevant", "true", "ana")])


def test_corrected_mentions_become_training_rows(tmp_path: Path) -> None:
    store = fixture_store(tmp_path / "data")
    _correct(store)
    rows = corrected_sentiments(store)
    assert len(rows) == 11  # x:1 is marked irrelevant: not about the brand, so no training row
    data = corrected_dataset([*rows, ("text", "angry", "en"), ("", "positive", "en")])
    assert len(data.texts) == 11
    assert set(data.labels) == {"positive", "negative"}
    with pytest.raises(ValueError, match="no corrected sentiments"):
        retrain_with_corrections(corrected_dataset([]), tmp_path, tmp_path, None, encoder=WordEncoder())


def test_train_corrections_prints_before_and_after_on_dev(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared, umsab = tmp_path / "sentiment", tmp_path / "umsab"
    write_shared(shared)
    write_umsab(umsab)
    store = fixture_store(tmp_path / "data")
    _correct(store)
    config = tmp_path / "voxpop.yaml"
    config.write_text(f"brands:\n  - name: Acme\n    keywords: [Acme]\ncompetitors:\n  - name: Rival\n"
                      f"    keywords: [Rival]\nstorage:\n  path: {store}\n", encoding="utf-8")
    import nlp.encoders
    import nlp.training.cache

    monkeypatch.setattr(nlp.encoders, "default_encoder", WordEncoder)
    monkeypatch.setattr(nlp.training.cache, "CACHE_DIR", tmp_path / "cache")
    out = tmp_path / "head"
    result = CliRunner().invoke(app, ["train", "--corrections", "-c", str(config), "--real", str(shared),
                                      "--umsab", str(umsab), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "before" in text
    assert "after adding 11 corrected mentions" in text
    cells = [line.replace("│", " ").replace("┃", " ").split() for line in result.output.splitlines()]
    rows = {c[0]: c[1:] for c in cells if c and c[0] in {"tr", "ru", "en", "umsab", "objective"}}
    assert set(rows) == {"tr", "ru", "en", "umsab", "objective"}, result.output
    for before, after, delta, _shipped in rows.values():
        assert abs(float(after) - float(before) - float(delta)) < 0.11
    head = Head.load(out / "sentiment_head.npz")
    assert head.meta["corrections"] == 11
    assert head.adapter is None  # head only
    assert (out / "MODEL_CARD.md").exists()
