"""Three-class sentiment: the default e5 + trained head, or any Hugging Face classifier.

Both implement ``SentimentModel``: ``predict_proba`` returns probabilities over ``LABELS`` (a numerically
stable softmax; the head's temperature-calibrated, a classifier's classes folded by ``label_mapping``).
The head is trained by ``nlp.training``; this module only loads and runs it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from core.errors import ModelError
from core.text import normalize
from nlp.adapter import Adapter
from nlp.encoders import MAX_CHARS, Encoder, LayeredEncoder, default_encoder

LABELS = ("negative", "neutral", "positive")
WEIGHTS_DIR = Path(__file__).parent / "weights"
DEFAULT_HEAD = WEIGHTS_DIR / "sentiment_head.npz"
# The plain baseline every figure is shown beside: e5's last layer + logistic regression on UMSAB train.
BASELINE_HEAD = WEIGHTS_DIR / "baseline_head.npz"


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax, stable for large logits (subtract the row max)."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class SentimentModel(Protocol):
    """Returns P(negative, neutral, positive) per text."""

    version: str

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Array (n, 3) in ``LABELS`` order."""
        ...


@dataclass
class CharNgrams:
    """Hashed character n-grams with a linear layer: the lexical evidence that e5's vectors blur.

    Slang, Azerbaijani and Armenian typed in Latin letters and brand-new words are where the sentence
    embedding is weakest; character 2-5-grams of the normalised text catch them. Adding these logits (times
    ``weight``, chosen on validation data) to the embedding head's lifts the project's held-out macro-F1 by
    3-5 points per language (nlp/weights/MODEL_CARD.md). Hashing needs no vocabulary; only the columns
    with a non-zero weight are stored.
    """

    index: np.ndarray  # hashed feature ids kept, int32, sorted
    weights: np.ndarray  # (len(index), 3)
    bias: np.ndarray  # (3,)
    weight: float
    n_features: int = 2**19
    ngram_range: tuple[int, int] = (2, 5)

    def vectorizer(self) -> Any:
        """The hashing vectorizer (stateless: same texts, same columns, in any process)."""
        from sklearn.feature_extraction.text import HashingVectorizer  # noqa: PLC0415 - loaded on use

        return HashingVectorizer(analyzer="char_wb", ngram_range=self.ngram_range, n_features=self.n_features,
                                 alternate_sign=False, norm="l2", binary=True, preprocessor=ngram_text)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Weighted logits, shape (len(texts), 3)."""
        x = self.vectorizer().transform(list(texts))[:, self.index]
        return self.weight * (np.asarray(x @ self.weights) + self.bias)


def ngram_text(text: str) -> str:
    """What the n-grams see: normalised, lower-cased, cut like the encoder's input."""
    return normalize(text[:MAX_CHARS]).lower()


@dataclass
class Head:
    """A small MLP (or, with no hidden layer, logistic regression) over pooled encoder layers.

    Optionally with character n-grams and a LoRA adapter, whose logits are added to the MLP's. Stored as
    ``.npz`` (weights) with a JSON metadata entry, a few hundred KB at most, so it ships in git.
    """

    weights: list[np.ndarray]
    biases: list[np.ndarray]
    temperature: float
    meta: dict[str, Any]
    ngrams: CharNgrams | None = None
    adapter: Adapter | None = None

    def logits(self, x: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """Forward pass: ReLU hidden layers, linear output, plus the n-gram and adapter logits when present.

        With an adapter, ``x`` ends with two more blocks (as ``HeadSentiment.features`` builds them): the
        pooled state entering the adapter's branch and the branch's output.
        """
        x = np.asarray(x, dtype=np.float32)
        width = self.weights[0].shape[0]
        expected = width + (self.adapter.weight.shape[0] if self.adapter is not None else 0)
        if x.ndim != 2 or x.shape[1] != expected:
            extra = " (its own features, then the adapter's two blocks: use HeadSentiment)" if self.adapter else ""
            raise ModelError(f"this head reads {expected} features per text{extra}; got shape {x.shape}")
        h = x[:, :width]
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = h @ w + b
            if i < len(self.weights) - 1:
                h = np.maximum(h, 0)
        if self.ngrams is not None:
            if texts is None:
                raise ModelError("this head also reads character n-grams: pass the texts with the features")
            h = h + self.ngrams.logits(texts)
        if self.adapter is not None:
            entering, branch = np.split(x[:, width:], 2, axis=1)
            h = h + self.adapter.logits(entering, branch)
        return h

    def predict_proba(self, x: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """Calibrated probabilities (temperature-scaled softmax)."""
        return softmax(self.logits(x, texts), self.temperature)

    @property
    def layers(self) -> tuple[int, ...]:
        """Encoder layers the head reads, concatenated in this order (-1 = the sentence embedding)."""
        return tuple(int(n) for n in self.meta.get("layers", [-1]))

    @property
    def digest(self) -> str:
        """Short content hash: part of ``model_version`` so rows say exactly which head scored them."""
        h = hashlib.sha256()
        extra = [self.ngrams.index, self.ngrams.weights, self.ngrams.bias] if self.ngrams is not None else []
        if self.adapter is not None:
            extra += [*self.adapter.arrays().values(),
                      np.array([self.adapter.mix, self.adapter.start, self.adapter.scale])]
        for a in [*self.weights, *self.biases, *extra]:
            h.update(np.ascontiguousarray(a, dtype=np.float32).tobytes())
        if self.ngrams is not None:
            h.update(str(self.ngrams.weight).encode())
        h.update(str(self.temperature).encode())
        return h.hexdigest()[:8]

    def save(self, path: str | Path) -> None:
        """Write weights and metadata to one ``.npz``."""
        arrays = {f"w{i}": w.astype(np.float32) for i, w in enumerate(self.weights)}
        arrays |= {f"b{i}": b.astype(np.float32) for i, b in enumerate(self.biases)}
        # Describe the parts this head has now (a loaded head's meta may name parts since removed).
        meta = {k: v for k, v in self.meta.items() if k not in {"ngrams", "adapter"}}
        meta |= {"temperature": self.temperature, "labels": list(LABELS)}
        if (ng := self.ngrams) is not None:
            arrays |= {"ng_index": ng.index.astype(np.int32), "ng_w": ng.weights.astype(np.float16),
                       "ng_b": ng.bias.astype(np.float32)}
            meta["ngrams"] = {"weight": ng.weight, "n_features": ng.n_features, "ngram_range": list(ng.ngram_range)}
        if self.adapter is not None:
            arrays |= self.adapter.arrays()
            meta["adapter"] = self.adapter.meta()
        np.savez_compressed(path, meta=np.array(json.dumps(meta, sort_keys=True)), **arrays)

    @classmethod
    def load(cls, path: str | Path) -> Head:
        """Read a head written by ``save``."""
        path = Path(path)
        if not path.exists():
            raise ModelError(f"sentiment head {path} not found; run `make train-head` or reinstall voxpop")
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            n = sum(1 for k in data.files if k.startswith("w"))
            weights = [data[f"w{i}"] for i in range(n)]
            biases = [data[f"b{i}"] for i in range(n)]
            ngrams = None
            if (spec := meta.get("ngrams")) is not None:
                low, high = (int(n) for n in spec["ngram_range"])
                ngrams = CharNgrams(data["ng_index"], data["ng_w"].astype(np.float32), data["ng_b"],
                                    float(spec["weight"]), int(spec["n_features"]), (low, high))
            adapter = Adapter.from_arrays(data, meta["adapter"]) if "adapter" in meta else None
        if meta.get("labels") != list(LABELS):
            raise ModelError(f"{path}: labels {meta.get('labels')} differ from {list(LABELS)}")
        return cls(weights, biases, float(meta.get("temperature", 1.0)), meta, ngrams, adapter)


class HeadSentiment:
    """Default model: bundled multilingual-e5-small embeddings + the head trained by this project."""

    def __init__(self, head: Head | None = None, encoder: Encoder | None = None) -> None:
        self.head = head or Head.load(DEFAULT_HEAD)
        self.encoder = encoder or default_encoder()
        self.version = f"{self.encoder.name}+head-{self.head.digest}"

    def features(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """The head's input and the sentence embeddings, from one encoder pass."""
        layers = self.head.layers
        if layers == (-1,) and self.head.adapter is None:
            vectors = self.encoder.encode(texts)
            return vectors, vectors
        adapter = self.head.adapter
        if not isinstance(self.encoder, LayeredEncoder):
            if adapter is not None:
                raise ModelError(f"this sentiment head has a LoRA adapter, which the {self.encoder.name} runtime "
                                 "cannot run: use the default (torch) encoder or a head without an adapter")
            raise ModelError(f"this sentiment head reads encoder layers {list(layers)}; the {self.encoder.name} "
                             "runtime cannot return them: use the default (torch) encoder")
        wanted = tuple(dict.fromkeys([*layers, -1] + ([adapter.start] if adapter is not None else [])))
        if adapter is None:
            states = self.encoder.encode_layers(texts, wanted)
            blocks = [wanted.index(n) for n in layers]
        else:
            states = self.encoder.encode_layers(texts, wanted, adapter=adapter)
            blocks = [wanted.index(n) for n in layers] + [wanted.index(adapter.start), len(wanted)]
        return states[:, blocks, :].reshape(len(texts), -1), states[:, wanted.index(-1), :]

    def predict_with_embeddings(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Probabilities and sentence embeddings (stored for topics) without encoding twice."""
        x, vectors = self.features(texts)
        return self.head.predict_proba(x, texts), vectors

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Embed, then apply the head."""
        return self.head.predict_proba(self.features(texts)[0], texts)


# ---- Hugging Face classifiers -------------------------------------------------------------------------
_STAR = re.compile(r"^\s*([1-5])\s*stars?\s*$", re.IGNORECASE)
_LABEL_N = re.compile(r"^label_(\d+)$", re.IGNORECASE)


def label_mapping(id2label: dict[int, str]) -> np.ndarray:
    """A (num_labels, 3) matrix folding a model's classes into negative/neutral/positive.

    Handles named labels (negative/neg/neutral/positive/pos, any case), ``LABEL_n`` (3 classes in the
    cardiffnlp order negative, neutral, positive; 2 classes negative, positive) and 1-5 star models
    (1-2 negative, 3 neutral, 4-5 positive).
    """
    n = len(id2label)
    m = np.zeros((n, 3), dtype=np.float64)
    for idx in range(n):
        name = str(id2label[idx]).strip().lower()
        if star := _STAR.match(name):
            stars = int(star.group(1))
            m[idx, 0 if stars <= 2 else 1 if stars == 3 else 2] = 1
        elif name.startswith("neg"):
            m[idx, 0] = 1
        elif name.startswith("neu"):
            m[idx, 1] = 1
        elif name.startswith("pos"):
            m[idx, 2] = 1
        elif (num := _LABEL_N.match(name)) and n in (2, 3):
            k = int(num.group(1))
            m[idx, {3: (0, 1, 2), 2: (0, 2)}[n][k]] = 1
        else:
            raise ModelError(
                f"cannot map label {id2label[idx]!r} to positive/neutral/negative; use a model whose "
                "id2label names its classes (negative/neutral/positive, LABEL_0..2 or 1-5 stars)"
            )
    return m


class TransformersSentiment:
    """Any ``AutoModelForSequenceClassification`` by hub id or local path, through ``transformers``."""

    def __init__(self, model: str, *, device: str | None = None, batch_size: int = 32, max_length: int = 256) -> None:
        try:
            import torch  # noqa: PLC0415 - optional heavy dependency
            from transformers import AutoModelForSequenceClassification, AutoTokenizer  # noqa: PLC0415
        except ImportError as exc:
            raise ModelError("Hugging Face models need `pip install transformers torch==2.13.0`") from exc
        self._torch = torch
        self.device = device or _best_device(torch)
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model)
            self.model = AutoModelForSequenceClassification.from_pretrained(model)
        except OSError as exc:
            raise ModelError(
                f"cannot load Hugging Face model {model!r}: {exc}. Give a local folder with config.json, "
                "tokenizer and weights, or a hub id on a machine that can reach the hub."
            ) from exc
        self.model.eval().to(self.device)
        if self.device == "cuda":
            self.model.half()
        self.mapping = label_mapping({int(k): v for k, v in self.model.config.id2label.items()})
        self.batch_size = batch_size
        self.max_length = max_length
        self.version = f"hf:{Path(model).name if Path(model).exists() else model}"

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Batches sorted by length (less padding), outputs restored to input order."""
        out = np.zeros((len(texts), 3), dtype=np.float64)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        torch = self._torch
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            enc = self.tokenizer(
                [texts[i] for i in idx], padding=True, truncation=True, max_length=self.max_length,
                return_tensors="pt",
            ).to(self.device)
            with torch.inference_mode():
                logits = self.model(**enc).logits.float().cpu().numpy()
            out[idx] = softmax(logits) @ self.mapping
        return out


def _best_device(torch: Any) -> str:
    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"


def load_sentiment(name: str = "default", **kwargs: Any) -> SentimentModel:
    """'default' / 'e5-head' → bundled model; anything else → a Hugging Face id or local path."""
    if name in {"default", "e5-head", "voxpop"}:
        return HeadSentiment()
    if Path(name).suffix == ".npz":
        return HeadSentiment(head=Head.load(name))
    return TransformersSentiment(name, **kwargs)
