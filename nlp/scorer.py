"""The scorer: language, sentiment, aspects and pain-point flag for a batch of texts.

Batched so a progress callback can report, and so memory stays flat on long imports. A text that cannot
be scored (empty, not a string) gets a row with ``sentiment=None`` and an ``error``; it never fails the
batch.

Each score also carries the text's sentence embedding, which the topic model clusters later. With the
default model that is the very vector the sentiment head reads, so topics never cost a second encoding.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from core.languages import HOME_LANGUAGES
from nlp.aspects import DEFAULT_PACK, AspectTagger, Taxonomy, pack_path
from nlp.encoders import Encoder, default_encoder
from nlp.langid import UNDETERMINED, LanguageIdentifier
from nlp.sentiment import LABELS, SentimentModel, TransformersSentiment, load_sentiment

Progress = Callable[[int], None]


@dataclass(slots=True)
class Score:
    """NLP columns of one mention."""

    lang: str = UNDETERMINED
    lang_confidence: float = 0.0
    sentiment: str | None = None
    sentiment_score: float | None = None
    sentiment_confidence: float | None = None
    sentiment_probs: dict[str, float] | None = None
    aspects: list[str] = field(default_factory=list)
    is_pain_point: bool = False
    error: str | None = None
    embedding: np.ndarray | None = field(default=None, repr=False)  # stored apart from the row, for topics

    def columns(self) -> dict[str, Any]:
        """The fields that go into a storage record."""
        return {
            "lang": self.lang,
            "lang_confidence": self.lang_confidence,
            "sentiment": self.sentiment,
            "sentiment_score": self.sentiment_score,
            "sentiment_confidence": self.sentiment_confidence,
            "sentiment_probs": self.sentiment_probs,
            "aspects": self.aspects,
            "is_pain_point": self.is_pain_point,
            "topic": None,
        }

    def to_json(self) -> dict[str, Any]:
        """The score as a JSON object (``voxpop score``'s output): ``confidence`` is the sentiment's.

        No embedding; ``error`` only when the text could not be scored.
        """
        out: dict[str, Any] = {
            "lang": self.lang,
            "lang_confidence": self.lang_confidence,
            "sentiment": self.sentiment,
            "sentiment_probs": self.sentiment_probs,
            "sentiment_score": self.sentiment_score,
            "confidence": self.sentiment_confidence,
            "aspects": self.aspects,
            "is_pain_point": self.is_pain_point,
        }
        if self.error:
            out["error"] = self.error
        return out


class Scorer:
    """Everything NLP the pipeline needs, loaded once and reused across batches."""

    def __init__(
        self,
        *,
        sentiment: str | SentimentModel = "default",
        languages: Sequence[str] = HOME_LANGUAGES,
        extra_aspects: Mapping[str, Mapping[str, Any]] | None = None,
        taxonomy: str = DEFAULT_PACK,
        batch_size: int = 256,
        encoder: Encoder | Literal["auto"] | None = "auto",
    ) -> None:
        """Load the models.

        ``encoder`` makes the embeddings stored for topics: "auto" reuses the sentiment model's own
        encoder (the default e5 + head), loads the bundled e5 beside a Hugging Face classifier, and
        embeds nothing beside any other model object (tests' stand-ins); None never embeds.
        """
        self.sentiment = load_sentiment(sentiment) if isinstance(sentiment, str) else sentiment
        self.encoder: Encoder | None = _topic_encoder(self.sentiment) if isinstance(encoder, str) else encoder
        # The default model is encoder + head: its joint method returns the vectors of the same pass.
        own = self.encoder is not None and getattr(self.sentiment, "encoder", None) is self.encoder
        self._joint = getattr(self.sentiment, "predict_with_embeddings", None) if own else None
        self.langid = LanguageIdentifier(languages)
        self.taxonomy = Taxonomy.pack(taxonomy, extra=extra_aspects)
        self.tagger = AspectTagger(self.taxonomy)  # terms alone: no learned aspect head ships (nlp.training)
        self.batch_size = batch_size
        pack = "" if pack_path(taxonomy) == pack_path(DEFAULT_PACK) else f"-{pack_path(taxonomy).stem}"
        self.model_version = f"{self.sentiment.version}+aspects{pack}-{len(self.taxonomy.names)}"

    def score(self, texts: Sequence[Any], on_progress: Progress | None = None) -> list[Score]:
        """Score every text, in order; ``on_progress(n)`` is called after each batch of n texts."""
        results: list[Score] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]
            results.extend(self._score_batch(batch))
            if on_progress is not None:
                on_progress(len(batch))
        return results

    def _score_batch(self, texts: Sequence[Any]) -> list[Score]:
        out = [Score() for _ in texts]
        ok: list[int] = []
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                out[i].error = f"text must be a string, not {type(text).__name__}"
            elif not text.strip():
                out[i].error = "empty text"
            else:
                ok.append(i)
        if not ok:
            return out
        valid = [texts[i] for i in ok]
        langs = self.langid.detect(valid)
        vectors: np.ndarray | None = None
        if self._joint is not None:
            probs, vectors = self._joint(valid)
        else:
            probs = self.sentiment.predict_proba(valid)
            vectors = self.encoder.encode(valid) if self.encoder is not None else None
        aspects = self.tagger.tag_many(valid, [lang for lang, _ in langs], vectors)
        for j, i in enumerate(ok):
            p = np.asarray(probs[j], dtype=np.float64)
            k = int(p.argmax())
            s = out[i]
            s.lang, s.lang_confidence = langs[j][0], round(langs[j][1], 4)
            s.sentiment = LABELS[k]
            s.sentiment_probs = {label: round(float(p[n]), 4) for n, label in enumerate(LABELS)}
            # Rounded probabilities may miss 1 by 1e-4; push the remainder into the largest class.
            s.sentiment_probs[LABELS[k]] = round(1 - sum(v for lab, v in s.sentiment_probs.items()
                                                         if lab != LABELS[k]), 4)
            s.sentiment_score = round(float(p[2] - p[0]), 4)
            s.sentiment_confidence = round(float(p[k]), 4)
            s.aspects = aspects[j]
            s.is_pain_point = s.sentiment == "negative" and bool(s.aspects)
            if vectors is not None:
                s.embedding = vectors[j]
        return out


def _topic_encoder(model: SentimentModel) -> Encoder | None:
    """The encoder whose vectors are stored for topics (see ``Scorer``)."""
    own = getattr(model, "encoder", None)
    if own is not None and hasattr(own, "encode"):
        return own
    if isinstance(model, TransformersSentiment):
        return default_encoder()
    return None

