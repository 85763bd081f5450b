"""Train the default sentiment head on e5 embeddings and write it with its model card.

Data: UMSAB train (8 languages, read from ``../shared/data/umsab`` at training time, never copied) plus
the project's own labelled az/tr/hy/ru examples (``nlp/data/labelled/*.train.tsv``). Model selection and
temperature calibration use UMSAB val; the project's ``*.test.tsv`` files stay held out for the card.

    python -m nlp.training --umsab ../shared/data/umsab --out nlp/weights
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from nlp.encoders import default_encoder
from nlp.sentiment import WEIGHTS_DIR
from nlp.training.aspects import train_aspect_head
from nlp.training.cache import CACHE_DIR
from nlp.training.card import UMSAB_NOTES
from nlp.training.data import OWN_LANGS, umsab_splits
from nlp.training.fit import AdapterOptions, train_sentiment


def main(argv: Sequence[str] | None = None) -> None:
    """``make train-head``: train the shipped head on UMSAB + the project's own examples."""
    ap = argparse.ArgumentParser(prog="python -m nlp.training", description=__doc__)
    ap.add_argument("--umsab", type=Path, help="UMSAB folder (train/val splits); needed for the sentiment head")
    ap.add_argument("--out", type=Path, default=WEIGHTS_DIR)
    ap.add_argument("--cache", type=Path, default=CACHE_DIR)
    ap.add_argument("--adapter-layers", type=int, default=AdapterOptions.layers,
                    help="fine-tune a LoRA adapter on this many top encoder layers (0: head only)")
    ap.add_argument("--adapter-epochs", type=float, default=AdapterOptions.epochs)
    ap.add_argument("--aspects", action="store_true",
                    help="train the learned aspect head instead (not shipped: see docs/benchmarks.md)")
    args = ap.parse_args(argv)
    if args.aspects:
        args.out.mkdir(parents=True, exist_ok=True)
        train_aspect_head(default_encoder()).save(args.out / "aspect_head.npz")
        return
    if args.umsab is None:
        ap.error("--umsab is required to train the sentiment head (or pass --aspects)")
    train, val, test = umsab_splits(args.umsab)
    head, _ = train_sentiment(train, val, test=test, out=args.out, cache=args.cache, data_notes=UMSAB_NOTES,
                              weight_langs=OWN_LANGS, own_weight=4.0,
                              adapter=AdapterOptions(layers=args.adapter_layers, epochs=args.adapter_epochs)
                              if args.adapter_layers else None)
    print(f"head: {head.meta['head']}, temperature {head.temperature:.3f}")
    print("validation macro-F1:", head.meta["val_macro_f1"])
    print("held-out macro-F1:", head.meta["test_macro_f1"])


if __name__ == "__main__":
    main()
