"""Sentiment adapter: LoRA on e5's top layers, fine-tuned on the sentiment data, merged at load.

Why: a head over frozen e5-small vectors plateaus (UMSAB validation about 62 macro-F1 whatever the head,
docs/benchmarks.md); fine-tuning the top layers changes the representation itself. LoRA keeps what is
committed small (low-rank deltas, well under a megabyte, never a full encoder). At load time the deltas are
added to a copy of those layers, so inference costs those layers once more and no LoRA arithmetic. The base
layers are untouched: the stored sentence embeddings (topics, analysts' queries) stay e5's own.

The adapter's classifier reads the normalised mean-pooled state entering the branch and the branch's
output; its logits are mixed with the head's (nlp.sentiment.Head) with a weight chosen on validation.
This module is the shipped artefact only; the LoRA training loop is ``nlp.training.lora``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from nlp.e5 import Branch, TorchE5

PARTS = ("q", "k", "v", "ao", "fi", "fo")  # every linear map of a layer
FEATURE_SCALE = 5.0  # unit vectors times this: logits in a range the classifier learns quickly
LORA_SCALE = 2.0  # alpha / rank, as in the LoRA paper's common setting alpha = 2 * rank


@dataclass
class Adapter:
    """Low-rank deltas for layers ``start``.. of the encoder and the classifier reading them."""

    start: int
    lora: dict[str, np.ndarray]  # "<layer>.<part>.a" (rank, in) and "<layer>.<part>.b" (out, rank)
    weight: np.ndarray  # (2 * dim, 3)
    bias: np.ndarray  # (3,)
    scale: float = LORA_SCALE
    mix: float = 1.0  # weight of these logits in the head's sum, chosen on validation

    @property
    def rank(self) -> int:
        """LoRA rank (rows of any A matrix)."""
        return int(next(a for name, a in self.lora.items() if name.endswith(".a")).shape[0])

    @property
    def layers(self) -> int:
        """How many top layers the deltas adapt."""
        return len({name.split(".")[0] for name in self.lora})

    def logits(self, entering: np.ndarray, branch: np.ndarray) -> np.ndarray:
        """Weighted class logits from the L2-normalised pooled state entering the branch and the branch's output."""
        features = np.concatenate([entering, branch], axis=1) * FEATURE_SCALE
        return self.mix * (features.astype(np.float32) @ self.weight + self.bias)

    def branch(self, e5: TorchE5) -> Branch:
        """Copies of the encoder's top layers with the deltas merged into their weights."""
        import torch  # noqa: PLC0415 - heavy, loaded on use

        layers = copy.deepcopy(e5.model.layers[self.start :])
        with torch.no_grad():
            for offset, layer in enumerate(layers):
                for part in PARTS:
                    a, b = (self.lora[f"{self.start + offset}.{part}.{k}"] for k in ("a", "b"))
                    getattr(layer, part).weight += torch.from_numpy(self.scale * (b.astype(np.float32)
                                                                                  @ a.astype(np.float32)))
        layers.eval()
        return Branch(self.start, layers)

    def arrays(self) -> dict[str, np.ndarray]:
        """Arrays for the head's ``.npz`` (deltas in float16: half the size, same predictions)."""
        out = {f"ad.{name}": a.astype(np.float16) for name, a in self.lora.items()}
        return out | {"ad_w": self.weight.astype(np.float32), "ad_b": self.bias.astype(np.float32)}

    def meta(self) -> dict[str, Any]:
        """What the head's metadata records to rebuild the adapter."""
        return {"start": self.start, "rank": self.rank, "scale": self.scale, "mix": self.mix}

    @classmethod
    def from_arrays(cls, data: Any, meta: dict[str, Any]) -> Adapter:
        """Inverse of ``arrays`` and ``meta`` (``data`` is an open ``np.load``)."""
        lora = {k[3:]: data[k].astype(np.float32) for k in data.files if k.startswith("ad.")}
        return cls(int(meta["start"]), lora, data["ad_w"], data["ad_b"], float(meta["scale"]), float(meta["mix"]))
