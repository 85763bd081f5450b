"""Train the default sentiment head on real data and write it, the plain baseline and the model card.

Data (read at training time, never copied): UMSAB train/val (``../shared/data/umsab``), the shared real
sets (``../shared/data/sentiment``) and the project's own examples. Every choice is made on the real dev
splits plus UMSAB val (``nlp.training.recipe``); the test splits are reported in the card.

    python -m nlp.training --commercial-only --out nlp/weights/commercial   # first: its figures go in the card
    python -m nlp.training                      # the shipped head, baseline and card into nlp/weights
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from nlp.encoders import default_encoder
from nlp.sentiment import WEIGHTS_DIR
from nlp.training.aspects import train_aspect_head
from nlp.training.cache import CACHE_DIR
from nlp.training.card import COMMERCIAL_FIGURES, save
from nlp.training.painpoints import labelled_hashes
from nlp.training.real import SHARED_SENTIMENT
from nlp.training.recipe import run

SHARED_UMSAB = SHARED_SENTIMENT.parent / "umsab"


def main(argv: Sequence[str] | None = None) -> None:
    """``make train-head``: train the shipped head (or, with --commercial-only, its commercial variant)."""
    ap = argparse.ArgumentParser(prog="python -m nlp.training", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--umsab", type=Path, default=SHARED_UMSAB, help="UMSAB folder (train/val splits)")
    ap.add_argument("--real", type=Path, default=SHARED_SENTIMENT, help="the shared real sentiment data")
    ap.add_argument("--out", type=Path, default=WEIGHTS_DIR)
    ap.add_argument("--cache", type=Path, default=CACHE_DIR)
    ap.add_argument("--commercial-only", action="store_true",
                    help="train only on sources whose licence allows commercial use (see the model card)")
    ap.add_argument("--no-adapter", action="store_true",
                    help="skip the LoRA adapter (about 40 minutes of the run on 2 cores); the head alone")
    ap.add_argument("--commercial-figures", type=Path, default=WEIGHTS_DIR / "commercial" / COMMERCIAL_FIGURES,
                    help="figures of a commercial-only run, shown in the default head's card when present")
    ap.add_argument("--aspects", action="store_true",
                    help="train the learned aspect head instead (not shipped: see docs/benchmarks.md)")
    args = ap.parse_args(argv)
    if args.aspects:
        args.out.mkdir(parents=True, exist_ok=True)
        train_aspect_head(default_encoder()).save(args.out / "aspect_head.npz")
        return
    # Posts hand-labelled for aspects stay out of sentiment training, so their pain-point figures are fair.
    result = run(default_encoder(), args.umsab, args.real, args.cache, commercial_only=args.commercial_only,
                 held_out=labelled_hashes(), adapter=not args.no_adapter, log=lambda m: print(m, flush=True))
    args.out.mkdir(parents=True, exist_ok=True)
    commercial = None
    if args.commercial_only:
        (args.out / COMMERCIAL_FIGURES).write_text(json.dumps(result.shipped_figures, indent=1), encoding="utf-8")
    elif args.commercial_figures.exists():
        commercial = json.loads(args.commercial_figures.read_text(encoding="utf-8"))
    path = save(result.head, args.out, commercial)
    if not args.commercial_only:
        result.baseline.save(args.out / "baseline_head.npz")
    groups = result.shipped_figures["test"]["groups"]  # type: ignore[index]
    base = result.baseline_figures["test"]["groups"]  # type: ignore[index]
    print(f"wrote {path}: {result.head.meta['head']}, temperature {result.head.temperature:.3f}")
    for group, value in groups.items():
        print(f"  test {group:<10} {value:5.1f}  (baseline {base.get(group, float('nan')):5.1f})")


if __name__ == "__main__":
    main()
