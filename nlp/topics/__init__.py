"""Topics: a multilingual keyword tokenizer (``tokenizer``) and BERTopic over stored embeddings (``model``)."""

from nlp.topics.model import Topic, TopicModel, TopicResult, content_order
from nlp.topics.tokenizer import STOPWORD_LANGUAGES, STOPWORDS_DIR, TopicTokenizer, stopwords

__all__ = [
    "STOPWORDS_DIR",
    "STOPWORD_LANGUAGES",
    "Topic",
    "TopicModel",
    "TopicResult",
    "TopicTokenizer",
    "content_order",
    "stopwords",
]
