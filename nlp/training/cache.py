"""Training features: what a head reads, cached on disk by content so re-training takes seconds, not minutes."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from core.errors import ModelError
from core.files import write_atomic
from nlp.encoders import Encoder, LayeredEncoder

CACHE_DIR = Path.home() / ".cache" / "voxpop" / "embeddings"
EMBED_CHUNK = 256


def features(encoder: Encoder, texts: Sequence[str], layers: Sequence[int] = (-1,)) -> np.ndarray:
    """What a head over ``layers`` reads: the sentence embedding, or per-layer vectors concatenated."""
    if tuple(layers) == (-1,):
        return encoder.encode(texts)
    if not isinstance(encoder, LayeredEncoder):
        raise ModelError(f"the {encoder.name} runtime cannot return hidden layers; use the default encoder")
    return encoder.encode_layers(texts, layers).reshape(len(texts), -1)


def embed_cached(
    encoder: Encoder, texts: list[str], cache_dir: Path | None, *, layers: Sequence[int] = (-1,),
    log: Callable[[str], None] = print,
) -> np.ndarray:
    """Encode ``texts`` in chunks cached on disk by content hash (re-training takes seconds, not minutes).

    Chunks are keyed by their own texts, so appending examples to a dataset re-embeds only the new tail.
    """
    chunks = []
    for start in range(0, len(texts), EMBED_CHUNK):
        part = texts[start : start + EMBED_CHUNK]
        key = hashlib.sha256("\x00".join([encoder.name, str(list(layers)), *part]).encode()).hexdigest()[:24]
        path = cache_dir / f"{key}.npy" if cache_dir else None
        if path is not None and path.exists():
            chunks.append(np.load(path))
            continue
        vectors = features(encoder, part, layers).astype(np.float32)
        if path is not None:  # atomic: a killed run must not leave a truncated cache entry behind
            write_atomic(path, lambda tmp, v=vectors: _save_npy(tmp, v))
        chunks.append(vectors)
        log(f"  embedded {min(start + EMBED_CHUNK, len(texts))}/{len(texts)}")
    return np.concatenate(chunks) if chunks else np.zeros((0, encoder.dim * len(layers)), np.float32)


def _save_npy(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as fh:  # a file object: np.save would append ".npy" to a temporary name
        np.save(fh, array)
