"""Pain-point aspects: taxonomy packs and their format (``taxonomy``), the rule-based tagger (``matching``)."""

from nlp.aspects.matching import AspectTagger, LearnedAspects, stem_variants
from nlp.aspects.taxonomy import (
    DEFAULT_PACK,
    DEFAULT_TAXONOMY_PATH,
    PACK_ALIASES,
    PACKS,
    TAXONOMIES_DIR,
    Aspect,
    Taxonomy,
    UnknownTaxonomyError,
    pack_path,
)

__all__ = [
    "DEFAULT_PACK",
    "DEFAULT_TAXONOMY_PATH",
    "PACKS",
    "PACK_ALIASES",
    "TAXONOMIES_DIR",
    "Aspect",
    "AspectTagger",
    "LearnedAspects",
    "Taxonomy",
    "UnknownTaxonomyError",
    "pack_path",
    "stem_variants",
]
