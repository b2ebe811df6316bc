"""course_utils: the helper package of the rnn-course lessons.

Light to import: submodules that need TensorFlow (``metrics``, ``text``'s
tf.data helpers...) are imported on first attribute access, so
``import course_utils as cu`` stays fast.

The notebooks use::

    import course_utils as cu
    cu.seed_everything(42)
    cfg = cu.profile(quick=dict(epochs=1), full=dict(epochs=10))
    ds = cu.data.load("imdb")

Where things live (one module per concern; the model code stays in the notebooks, and so
does code that is one lesson's own subject: the NumPy cells of lesson 01, aligning word
vectors in 04, the leaking tf.data split in 08, the sine series in 13, positional
encodings in 16, the SavedModel and TF-Hub layer of 14):

- foundations, importing nothing else of the package: ``settings`` (profiles,
  environment variables, seeds, a lesson's scratch folder), ``files`` (atomic
  writes), ``stats`` (intervals, paired comparisons), ``splits`` (index splits)
- data: ``data`` (registry, download, verify, cache, mirror, parsers, loaders,
  synthetic stand-ins; a package of its own)
- lesson helpers: ``text`` (tokens, vocabularies, padding, length buckets),
  ``nested`` (3-D batches for hierarchical models), ``tagging``, ``translation``,
  ``decoding``, ``nlp`` (spaCy, and whether tfhub.dev answers), ``metrics``
  (masked metrics and losses), ``training`` (timers, comparison tables),
  ``plots``; among them, ``nested``, ``tagging``, ``translation`` and ``plots``
  build on ``text``, and ``tagging`` on ``metrics``
- what a lesson reports: ``results`` (numbers), ``claims`` (conclusions)
- running the course: ``runner`` (executes notebooks), ``record`` (a run's
  record), ``report`` (the course report and docs/results.md), ``nblinks``

The exercise checks are a package of their own, ``course_exercises``, which
imports this one (never the other way round).

Imports point from the later groups to the earlier ones only (the runner and
report read what results and claims wrote, never the other way);
``tests/test_package_layout.py`` fails on an import cycle, a module over 500 lines,
this package over 9,000 lines, or an import of ``course_exercises`` from here.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from typing import Any

# Quieten TensorFlow's C++ start-up chatter (CUDA probes on CPU-only machines)
# before any lesson imports it; set the variable yourself to see it again.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from .settings import profile, scratch_dir, seed_everything

_SUBMODULES = sorted(m.name for m in pkgutil.iter_modules(__path__))

__all__ = ["profile", "scratch_dir", "seed_everything", *_SUBMODULES]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'course_utils' has no attribute {name!r}")
