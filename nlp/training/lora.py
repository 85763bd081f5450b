"""The LoRA adapter's training loop (the shipped artefact it exports is ``nlp.adapter.Adapter``).

The frozen lower layers run once and their token states are cached; only the LoRA-wrapped top layers and
the classifier run per step, so fine-tuning six layers of e5-small fits a laptop's two cores.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from nlp.adapter import FEATURE_SCALE, LORA_SCALE, PARTS, Adapter
from nlp.e5 import TorchE5, attention_bias, mean_pool, run_layers
from nlp.encoders import encoding_key
from nlp.training.data import Dataset

MAX_TOKENS = 128  # training cut (tweets are shorter); inference reads whole texts in 510-token windows


def _lora_linear(base: Any, rank: int, seed: int) -> Any:
    """``base`` plus a trainable low-rank update B·A (B starts at zero: training starts from e5 itself)."""
    import torch  # noqa: PLC0415

    class LoRALinear(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base = base
            generator = torch.Generator().manual_seed(seed)
            self.a = torch.nn.Parameter(torch.randn(rank, base.in_features, generator=generator)
                                        / math.sqrt(base.in_features))
            self.b = torch.nn.Parameter(torch.zeros(base.out_features, rank))
            self.drop = torch.nn.Dropout(0.1)

        def forward(self, x: Any) -> Any:
            return self.base(x) + (self.drop(x) @ self.a.T @ self.b.T) * LORA_SCALE

    return LoRALinear()


class TrainableAdapter:
    """The LoRA-wrapped top layers and the classifier, as one forward over cached states."""

    def __init__(self, e5: TorchE5, start: int, rank: int, seed: int) -> None:
        import torch  # noqa: PLC0415

        self.torch = torch
        self.start = start
        self.layers = copy.deepcopy(e5.model.layers[start:])
        for p in self.layers.parameters():
            p.requires_grad_(False)
        for offset, layer in enumerate(self.layers):
            for n, part in enumerate(PARTS):
                setattr(layer, part, _lora_linear(getattr(layer, part), rank, seed * 1000 + offset * 10 + n))
        with torch.random.fork_rng(devices=[]):  # a seeded classifier without reseeding the caller's RNG
            torch.manual_seed(seed)
            self.classifier = torch.nn.Sequential(torch.nn.Dropout(0.1), torch.nn.Linear(2 * e5.dim, 3))
        self.dim = e5.dim

    def parameters(self) -> list[Any]:
        """What the optimiser updates: the LoRA matrices and the classifier."""
        return [p for p in self.layers.parameters() if p.requires_grad] + list(self.classifier.parameters())

    def train(self, mode: bool) -> None:
        """Dropout on (training) or off (scoring)."""
        self.layers.train(mode)
        self.classifier.train(mode)

    def forward(self, states: Sequence[Any]) -> Any:
        """Class logits (a torch tensor) for a batch of cached token states, padded here."""
        torch = self.torch
        longest = max(s.shape[0] for s in states)
        x = torch.zeros(len(states), longest, self.dim)
        mask = torch.zeros(len(states), longest)
        for i, s in enumerate(states):
            x[i, : s.shape[0]] = s.float()
            mask[i, : s.shape[0]] = 1
        entering = mean_pool(x, mask)
        out = mean_pool(run_layers(self.layers, x, attention_bias(mask, torch)), mask)
        normalise = torch.nn.functional.normalize
        return self.classifier(torch.cat([normalise(entering, dim=-1), normalise(out, dim=-1)], -1) * FEATURE_SCALE)

    def logits(self, states: Sequence[Any], batch_size: int = 128) -> np.ndarray:
        """Logits without dropout, in length-sorted batches (validation scoring)."""
        torch = self.torch
        self.train(False)
        out = np.zeros((len(states), 3), dtype=np.float32)
        order = sorted(range(len(states)), key=lambda i: states[i].shape[0])
        with torch.inference_mode():
            for s in range(0, len(order), batch_size):
                rows = order[s : s + batch_size]
                out[rows] = self.forward([states[i] for i in rows]).numpy()
        self.train(True)
        return out

    def export(self) -> Adapter:
        """The shipped artefact: deltas rounded to float16 as stored, and the classifier."""
        lora: dict[str, np.ndarray] = {}
        for offset, layer in enumerate(self.layers):
            for part in PARTS:
                module = getattr(layer, part)
                # Rounded as stored (float16); the caller re-scores the merged model through the inference path.
                lora[f"{self.start + offset}.{part}.a"] = module.a.detach().numpy().astype(np.float16)
                lora[f"{self.start + offset}.{part}.b"] = module.b.detach().numpy().astype(np.float16)
        linear = self.classifier[1]
        return Adapter(self.start, lora, linear.weight.detach().numpy().T.copy(), linear.bias.detach().numpy().copy())


def train_adapter(
    e5: TorchE5, train: Dataset, val: Dataset, repeats: Sequence[int] | None = None, *,
    layers_trained: int = 6, rank: int = 8, epochs: float = 2.5, lr: float = 5e-4, batch_size: int = 32,
    evaluations: int = 6, seed: int = 0, score: Callable[[Dataset, np.ndarray], float],
    log: Callable[[str], None] = print,
) -> tuple[Adapter, float]:
    """Fine-tune LoRA deltas on the top ``layers_trained`` layers; keep the best state by ``score`` on ``val``.

    The frozen lower layers run once (their output is cached in float16); ``repeats`` oversamples examples
    (the project's own az/tr/hy/ru posts). AdamW with linear warm-up and decay; seeded batches and dropout.
    """
    import torch  # noqa: PLC0415

    if not 1 <= layers_trained <= e5.layers:
        msg = f"the adapter can fine-tune 1 to {e5.layers} top layers, not {layers_trained}"
        raise ValueError(msg)
    start = e5.layers - layers_trained
    log(f"  adapter: caching layer-{start} states for {len(train.texts):,} + {len(val.texts):,} texts")
    # What inference encodes: a retweet is its original text, cut at MAX_CHARS (nlp.encoders.encoding_key).
    train_states = e5.token_states([encoding_key(t) for t in train.texts], start, MAX_TOKENS)
    val_states = e5.token_states([encoding_key(t) for t in val.texts], start, MAX_TOKENS)
    # Seeded dropout, in a forked RNG so the caller's torch random state is untouched.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = TrainableAdapter(e5, start, rank, seed)
        params = model.parameters()
        rows = [i for i, n in enumerate(repeats or [1] * len(train.texts)) for _ in range(max(1, int(n)))]
        y = train.y()
        steps = max(1, int(epochs * len(rows) / batch_size))
        optimiser = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
        warm = max(1, steps // 20)
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min(1, (s + 1) / warm) * max(0.0, 1 - s / steps))
        rng = random.Random(seed)  # noqa: S311 - batch order, not security
        every = max(1, steps // max(1, evaluations))
        loss_fn = torch.nn.CrossEntropyLoss()
        best: tuple[float, Adapter] | None = None
        step = 0
        model.train(True)
        log(f"  adapter: {sum(p.numel() for p in params):,} trainable parameters, {steps:,} steps of {batch_size}")
        while step < steps:
            for batch in _length_batches(rows, [train_states[i].shape[0] for i in rows], batch_size, rng):
                loss = loss_fn(model.forward([train_states[i] for i in batch]), torch.from_numpy(y[batch]))
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                schedule.step()
                step += 1
                if step % every == 0 or step == steps:
                    value = score(val, model.logits(val_states))
                    log(f"  adapter: step {step:,}/{steps:,} loss {loss.item():.3f} validation {value:.1f}")
                    if best is None or value > best[0]:
                        best = (value, model.export())
                if step >= steps:
                    break
        if best is None:  # pragma: no cover - the loop always evaluates at the last step
            msg = "adapter training ran no step"
            raise RuntimeError(msg)
        return best[1], best[0]


def _length_batches(rows: list[int], lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of similar lengths (little padding): shuffle, sort within pools of 50 batches."""
    order = list(range(len(rows)))
    rng.shuffle(order)
    pool = size * 50
    batches = []
    for s in range(0, len(order), pool):
        chunk = sorted(order[s : s + pool], key=lambda i: lengths[i])
        batches += [[rows[i] for i in chunk[b : b + size]] for b in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches
