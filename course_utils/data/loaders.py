""":func:`load`, which checks the name and options, then dispatches to the loader of the dataset.

The loaders live by family (:mod:`.text_sets`, :mod:`.ag_news`, :mod:`.sequences`,
:mod:`.glove`) and share :mod:`.common`. Each load prints one line saying where the
data came from (``verbose=False`` silences it; the synthetic banner is always printed).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

from .ag_news import load_ag_news
from .glove import load_glove
from .registry import DATASETS
from .sequences import load_alice, load_fra_eng, load_treebank
from .text_sets import load_imdb, load_tweet_emotions, load_uci_sentences
from .types import DatasetInfo

LOADERS: dict[str, Callable[..., Any]] = {
    "imdb": load_imdb,
    "ag_news": load_ag_news,
    "tweet_emotions": load_tweet_emotions,
    "uci_sentences": load_uci_sentences,
    "treebank": load_treebank,
    "alice": load_alice,
    "fra_eng": load_fra_eng,
    "glove": load_glove,
}


def load(name: str, *, verbose: bool = True, **options: Any) -> Any:
    """Load dataset ``name`` (see ``names()``) with its ``options`` (see ``info(name).options``).

    Returns the dataset object (``.name``, ``.source``, ``.synthetic``, ...) and, unless
    ``verbose=False``, prints one line saying what came from where.
    Raises ``ValueError`` listing the valid names or options.
    """
    valid = info(name).options  # info() validates the name
    unknown = sorted(set(options) - set(valid))
    if unknown:
        listing = ", ".join(f"{k}={v!r}" for k, v in valid.items())
        raise ValueError(f"unknown option(s) {', '.join(unknown)} for dataset {name!r}; valid options: {listing}")
    data = LOADERS[name](**options)
    if verbose and not data.synthetic:  # a synthetic stand-in has printed its banner
        print(f"[data] {name}: {data._sizes()} from {data.source} {', '.join(data.files.values())}")
    return data


def info(name: str) -> DatasetInfo:
    """The registry entry for ``name``, with ``options`` (option -> default) filled in.

    Raises ``ValueError`` listing the valid names for an unknown ``name``.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; valid names: {', '.join(DATASETS)}")
    return dataclasses.replace(DATASETS[name], options=MappingProxyType(loader_options(name)))


def loader_options(name: str) -> dict[str, object]:
    """Option name -> default for ``load(name, ...)``: the loader's own, read from its signature, and ``verbose``."""
    params = inspect.signature(LOADERS[name]).parameters.values()
    return {**{p.name: p.default for p in params if p.kind is p.KEYWORD_ONLY}, "verbose": True}
