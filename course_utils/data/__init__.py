"""Datasets for the course: a registry, one loader per dataset, and offline-friendly fetching.

    from course_utils import data
    data.names()                     # ['imdb', 'ag_news', ...]
    data.info("imdb")                # registry entry: files, URLs, checks, licence, citation, options
    data.status()                    # DataFrame: cached / mirror / missing, and what load() will do
    ds = data.load("imdb", max_train=2000, max_test=500)
    ds.source, ds.train.texts, ds.train.labels, ds.label_names
    glove = data.load("glove")       # word vectors: glove.words, glove.vectors, glove["king"]

A file comes from the cache, then the mirror folders (``COURSE_DATA_MIRROR``),
then a download (unless ``COURSE_OFFLINE=1``); in the quick profile only, a
synthetic stand-in with the same schema is used when all of these fail.
"""

from __future__ import annotations

from .errors import CorruptFileError, DataUnavailableError
from .inventory import status
from .loaders import info, load
from .registry import names
from .types import (
    CorpusData, Dataset, DatasetInfo, FileSpec, PairsData, TaggedSplit, TaggingData, TextClassificationData, TextSplit,
    WordVectors,
)

__all__ = [
    "names", "info", "load", "status", "DataUnavailableError", "CorruptFileError",
    "Dataset", "DatasetInfo", "FileSpec", "TextSplit", "TextClassificationData", "TaggedSplit", "TaggingData",
    "CorpusData", "PairsData", "WordVectors",
]
