"""voxpop: social listening and multilingual pain-point detection.

The shell package holds the CLI, the typed settings and the error root; the pipeline layers are the
top-level packages ``listeners``, ``nlp``, ``storage``, ``reports`` and ``flows``.
"""

__version__ = "0.1.0"
