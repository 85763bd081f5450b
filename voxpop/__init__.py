"""voxpop: social listening and multilingual pain-point detection.

This package is the roof: the ``voxpop`` command line. The ground floor every layer imports is ``core``;
above it sit ``listeners``, ``nlp``, ``storage`` and ``reports``, then ``pipeline``, then ``flows`` and
this CLI (docs/architecture.md draws the picture).
"""

__version__ = "0.1.0"
