"""The scorer of a configuration, loaded once per process: loading the models per page would dominate a run."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache

from core.config import Settings
from nlp import Scorer

ScorerFactory = Callable[[], Scorer]
"""How the pipeline receives its scorer: called only when there is something to score, so a run with
nothing new never loads a model."""


@lru_cache(maxsize=2)
def _scorer(sentiment: str, languages: tuple[str, ...], extra_aspects: str, batch_size: int,
            taxonomy: str = "ecommerce") -> Scorer:
    return Scorer(sentiment=sentiment, languages=languages, extra_aspects=json.loads(extra_aspects),
                  batch_size=batch_size, taxonomy=taxonomy)


def get_scorer(settings: Settings) -> Scorer:
    """The cached scorer for these settings' model section and languages."""
    m = settings.model
    return _scorer(m.sentiment, tuple(settings.languages), json.dumps(m.extra_aspects, sort_keys=True),
                   m.batch_size, m.taxonomy)
