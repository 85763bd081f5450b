"""The LoRA sentiment adapter: merged inference equals the trained forward; training learns; files round-trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.errors import ModelError
from nlp import Adapter, Head, HeadSentiment
from nlp.adapter import PARTS
from nlp.training import Dataset, TrainableAdapter, macro_f1_by_lang, train_adapter

TRICKY = ["", "😡😡😡", "x" * 40_000, "Çatdırılma 3 gün gecikdi!!  kuryer   gəlmədi", "Առաքումը ուշացավ",
          "RT @a: доставка опять опоздала", "kargo hala gelmedi 🙄 harika gerçekten"]
TEXTS = ["delivery late again, awful", "terrible support, never again", "refund refused, worst shop",
         "ok, order placed", "store opens at nine", "the parcel is on its way",
         "love it, fast and friendly", "great prices, thank you!", "best service ever 😍"]
LABELS3 = ["negative"] * 3 + ["neutral"] * 3 + ["positive"] * 3


@pytest.fixture(scope="module")
def encoder():
    from nlp import default_encoder

    return default_encoder()


def _random_adapter(dim: int, start: int, layers: int, rank: int, seed: int, *, zero_b: bool = False) -> Adapter:
    rng = np.random.default_rng(seed)
    lora = {}
    for layer in range(start, layers):
        for part in PARTS:
            out_f, in_f = (1536, 384) if part == "fi" else (384, 1536) if part == "fo" else (384, 384)
            lora[f"{layer}.{part}.a"] = (rng.normal(size=(rank, in_f)) / np.sqrt(in_f)).astype(np.float32)
            b = np.zeros((out_f, rank)) if zero_b else rng.normal(scale=0.05, size=(out_f, rank))
            lora[f"{layer}.{part}.b"] = b.astype(np.float32)
    return Adapter(start, lora, rng.normal(size=(2 * dim, 3)).astype(np.float32), np.zeros(3, np.float32))


@pytest.mark.model
def test_zero_deltas_reproduce_the_encoder(encoder) -> None:
    adapter = _random_adapter(encoder.dim, 8, encoder.layers, 4, 0, zero_b=True)
    states = encoder.encode_layers(TRICKY, (8, -1), adapter=adapter)
    assert states.shape == (len(TRICKY), 3, encoder.dim)
    np.testing.assert_allclose(states[:, 2], states[:, 1], atol=1e-5)  # branch == the base top layers
    np.testing.assert_allclose(states[:, 1], encoder.encode(TRICKY), atol=1e-6)  # base output untouched


@pytest.mark.model
def test_merged_branch_equals_the_trained_lora_forward(encoder) -> None:
    import torch

    start = encoder.layers - 2
    trainable = TrainableAdapter(encoder.model, start, rank=4, seed=1)
    with torch.no_grad():  # give B (zero at init) real values so the deltas matter
        for p in trainable.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    texts = [*TEXTS, *TRICKY[3:5], TRICKY[6]]  # (no retweet: inference strips "RT @a:", token_states does not)
    expected = trainable.logits(encoder.model.token_states(texts, start, 128))
    adapter = trainable.export()
    before = encoder.encode(texts)
    adapter.branch(encoder.model)  # merging works on copies: the base encoder must not move
    np.testing.assert_array_equal(encoder.encode(texts), before)
    got = adapter.logits(*np.split(encoder.encode_layers(texts, (start,), adapter=adapter)
                                   .reshape(len(texts), -1), 2, axis=1))
    # Same maths, other path: padded batches vs windows, float16 cache and deltas.
    np.testing.assert_allclose(got, expected, atol=2e-3)
    base = TrainableAdapter(encoder.model, start, rank=4, seed=1).logits(encoder.model.token_states(texts, start, 128))
    assert np.abs(got - base).max() > 0.1  # the deltas changed something: the comparison above has teeth


@pytest.mark.model
def test_training_learns_a_tiny_task_and_ships_in_the_head(encoder, tmp_path: Path) -> None:
    data = Dataset(TEXTS, LABELS3, ["en"] * len(TEXTS))
    logs: list[str] = []
    adapter, score = train_adapter(encoder.model, data, data, layers_trained=1, rank=2, epochs=40, lr=1e-2,
                                   batch_size=4, evaluations=4,
                                   score=lambda d, lg: macro_f1_by_lang(d, lg.argmax(1))["avg"], log=logs.append)
    assert score == 100.0
    assert any("trainable parameters" in line for line in logs)
    assert adapter.start == encoder.layers - 1
    assert adapter.rank == 2
    dim = encoder.dim
    head = Head([np.zeros((dim, 3), np.float32)], [np.zeros(3, np.float32)], 1.0, {"layers": [-1]}, None, adapter)
    model = HeadSentiment(head=head, encoder=encoder)
    np.testing.assert_array_equal(model.predict_proba(TEXTS).argmax(1), data.y())
    head.save(tmp_path / "h.npz")
    loaded = Head.load(tmp_path / "h.npz")
    assert loaded.digest == head.digest
    assert loaded.adapter is not None
    assert loaded.adapter.meta() == adapter.meta()
    reloaded = HeadSentiment(head=loaded, encoder=encoder)
    np.testing.assert_allclose(reloaded.predict_proba(TEXTS), model.predict_proba(TEXTS), atol=1e-6)
    probs = reloaded.predict_proba(TRICKY)
    assert np.isfinite(probs).all()
    np.testing.assert_allclose(probs.sum(axis=1), 1, atol=1e-6)


def test_adapter_head_without_branch_features_says_what_to_do() -> None:
    adapter = _random_adapter(384, 11, 12, 2, 0)
    head = Head([np.zeros((384, 3), np.float32)], [np.zeros(3, np.float32)], 1.0, {"layers": [-1]}, None, adapter)
    with pytest.raises(ModelError, match="adapter"):
        head.logits(np.zeros((2, 384), np.float32))
    assert head.logits(np.zeros((2, 3 * 384), np.float32)).shape == (2, 3)


@pytest.mark.model
def test_adapter_depth_is_checked(encoder) -> None:
    data = Dataset(TEXTS, LABELS3, ["en"] * len(TEXTS))
    with pytest.raises(ValueError, match="1 to 12"):
        train_adapter(encoder.model, data, data, layers_trained=13, score=lambda d, lg: 0.0)


def test_adapter_head_on_a_runtime_without_adapters_says_what_to_do() -> None:
    class Layered:
        """Hidden layers but no adapter branch: not a LayeredEncoder (no ``layers``, no ``adapter`` argument)."""

        name, dim = "other", 384

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 384), dtype=np.float32)

        def encode_layers(self, texts: list[str], layers: tuple[int, ...]) -> np.ndarray:
            return np.ones((len(texts), len(layers), 384), dtype=np.float32)

    adapter = _random_adapter(384, 11, 12, 2, 0)
    head = Head([np.zeros((384, 3), np.float32)], [np.zeros(3, np.float32)], 1.0, {"layers": [-1]}, None, adapter)
    with pytest.raises(ModelError, match="default"):
        HeadSentiment(head=head, encoder=Layered()).predict_proba(["a"])


def test_a_loaded_head_saved_without_its_adapter_loads_again(tmp_path: Path) -> None:
    adapter = _random_adapter(384, 11, 12, 2, 0)
    head = Head([np.ones((384, 3), np.float32)], [np.zeros(3, np.float32)], 1.0, {"layers": [-1]}, None, adapter)
    head.save(tmp_path / "a.npz")
    loaded = Head.load(tmp_path / "a.npz")
    assert loaded.adapter is not None
    assert loaded.adapter.layers == 1
    loaded.adapter = None
    loaded.save(tmp_path / "b.npz")
    again = Head.load(tmp_path / "b.npz")
    assert again.adapter is None
    assert again.logits(np.ones((1, 384), np.float32)).shape == (1, 3)


@pytest.mark.model
def test_training_leaves_the_callers_torch_rng_alone(encoder) -> None:
    import torch

    data = Dataset(TEXTS, LABELS3, ["en"] * len(TEXTS))
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    train_adapter(encoder.model, data, data, layers_trained=1, rank=2, epochs=1, batch_size=4, evaluations=1,
                  score=lambda d, lg: 0.0, log=lambda _: None)
    assert torch.equal(torch.rand(3), expected)
