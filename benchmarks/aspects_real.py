import sys, json
sys.path.insert(0, str(__import__("pathlib").Path(__file__).parents[1]))
from nlp.training.painpoints import load_real_aspects, evaluate_pain_points
from nlp.aspects import AspectTagger
from nlp.sentiment import load_sentiment
half = sys.argv[1] if len(sys.argv) > 1 else None
items = load_real_aspects(half=half)
tagger = AspectTagger()
model = load_sentiment(sys.argv[2] if len(sys.argv) > 2 else "default")
res = evaluate_pain_points(tagger.tag, lambda t: model.predict_proba(t).argmax(1) == 0, items)
for lang, r in res.items():
    print(lang, r["posts"], "micro", r["micro"], "\n   pain", r["pain_point"])
    for a, v in r["aspects"].items():
        print(f"     {a:14} P {v['precision']:.2f} R {v['recall']:.2f} tp {v['tp']} fp {v['fp']} fn {v['fn']}")
