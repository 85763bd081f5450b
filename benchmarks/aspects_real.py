"""Aspect tagging and pain points on the real posts hand-labelled by the project (issue 14).

Reads the labels in ``nlp/data/aspects/real`` and their texts from ``../shared/data/sentiment``; prints
micro precision / recall / F1 per language, ``is_pain_point`` P/R/F1 and per-aspect counts.

    python benchmarks/aspects_real.py dev            # the half the taxonomy terms may be tuned on
    python benchmarks/aspects_real.py test --json aspects.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlp.aspects import AspectTagger, Taxonomy
from nlp.aspects.taxonomy import pack_path
from nlp.sentiment import load_sentiment
from nlp.training.painpoints import evaluate_pain_points, load_real_aspects
from nlp.training.real import SHARED_SENTIMENT


def main() -> None:
    """Score the default tagger (and sentiment model, for pain points) on one half of the labels."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("half", nargs="?", choices=["dev", "test"], default=None, help="default: both halves")
    ap.add_argument("--model", default="default", help="sentiment model for is_pain_point")
    ap.add_argument("--taxonomy", default="ecommerce")
    ap.add_argument("--shared", type=Path, default=SHARED_SENTIMENT)
    ap.add_argument("--json", type=Path, help="also write the scores as JSON")
    args = ap.parse_args()
    items = load_real_aspects(args.shared, half=args.half)
    tagger = AspectTagger(Taxonomy.load(pack_path(args.taxonomy)))
    model = load_sentiment(args.model)
    result = evaluate_pain_points(tagger.tag, lambda texts: model.predict_proba(texts).argmax(1) == 0, items)
    for lang, r in result.items():
        micro, pain = r["micro"], r["pain_point"]
        print(f"{lang}: {r['posts']} posts  aspects micro P {micro['precision']:.3f} R {micro['recall']:.3f} "  # type: ignore[index]
              f"F1 {micro['f1']:.3f}  |  is_pain_point P {pain['precision']:.3f} R {pain['recall']:.3f} "  # type: ignore[index]
              f"F1 {pain['f1']:.3f}")  # type: ignore[index]
        for aspect, v in r["aspects"].items():  # type: ignore[union-attr]
            print(f"    {aspect:14} P {v['precision']:.2f} R {v['recall']:.2f}  tp {v['tp']} fp {v['fp']} fn {v['fn']}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
