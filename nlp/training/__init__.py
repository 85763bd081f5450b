"""Training and evaluation of voxpop's models: nothing in inference imports this package.

Modules, in the order data flows through them: ``data`` (labelled sets), ``cache`` (encoder features cached
on disk), ``heads`` (dense head and character n-grams), ``lora`` (the adapter's training loop), ``fit``
(all of it, one function: ``train_sentiment``), ``card`` (the head's file and model card), ``evaluation``
(macro-F1 and confusion matrices), ``aspects`` (the learned aspect head, not shipped). The command line is
``python -m nlp.training``.
"""

from nlp.training.aspects import ASPECT_C, ASPECT_THRESHOLDS, AspectHead, train_aspect_head
from nlp.training.cache import CACHE_DIR, embed_cached, features
from nlp.training.card import UMSAB_NOTES, model_card, save
from nlp.training.data import (
    LABELLED_DIR,
    OWN_LANGS,
    Dataset,
    load_labelled,
    load_tsv,
    load_umsab,
    split_holdout,
    umsab_splits,
    user_splits,
)
from nlp.training.evaluation import Evaluation, evaluate, macro_f1_by_lang
from nlp.training.fit import DEFAULT_LAYERS, AdapterOptions, adapter_features, attach_adapter, fit, train_sentiment
from nlp.training.heads import fit_temperature, fold_standardisation, head_from_sklearn, train_head, train_ngrams
from nlp.training.lora import TrainableAdapter, train_adapter

__all__ = [
    "ASPECT_C",
    "ASPECT_THRESHOLDS",
    "CACHE_DIR",
    "DEFAULT_LAYERS",
    "LABELLED_DIR",
    "OWN_LANGS",
    "UMSAB_NOTES",
    "AdapterOptions",
    "AspectHead",
    "Dataset",
    "Evaluation",
    "TrainableAdapter",
    "adapter_features",
    "attach_adapter",
    "embed_cached",
    "evaluate",
    "features",
    "fit",
    "fit_temperature",
    "fold_standardisation",
    "head_from_sklearn",
    "load_labelled",
    "load_tsv",
    "load_umsab",
    "macro_f1_by_lang",
    "model_card",
    "save",
    "split_holdout",
    "train_adapter",
    "train_aspect_head",
    "train_head",
    "train_ngrams",
    "train_sentiment",
    "umsab_splits",
    "user_splits",
]
