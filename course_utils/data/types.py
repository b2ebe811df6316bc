"""The objects the data module hands out: registry entries (:class:`FileSpec`,
:class:`DatasetInfo`) and loaded datasets (subclasses of :class:`Dataset`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class FileSpec:
    """One upstream file of a dataset.

    ``filename`` is the path relative to the cache's ``files/`` folder and to
    every mirror folder (e.g. ``ag_news_csv/test.csv``). Exactly one of
    ``checksum`` (pooch style ``"sha256:<hex>"`` or ``"md5:<hex>"``, for files
    that never change upstream) and ``structure`` (the name of a structural
    check in :mod:`course_utils.data.verify`, for files that change over time)
    is set. ``expect`` holds the structural check's parameters (row counts,
    markers). ``size`` is in bytes (exact for checksummed files, approximate
    otherwise; None if unknown).
    """

    filename: str
    url: str
    size: int | None = None
    checksum: str | None = None
    structure: str | None = None
    expect: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    note: str = ""

    @property
    def check_kind(self) -> str:
        """``"sha256"``, ``"md5"`` or ``"structure"``."""
        return self.checksum.partition(":")[0] if self.checksum else "structure"


@dataclass(frozen=True)
class DatasetInfo:
    """A registry entry: what a dataset is, where its files come from, how it is split.

    ``options`` maps each option of ``load(name, ...)`` to its default.
    """

    name: str
    description: str
    files: tuple[FileSpec, ...]
    licence: str
    citation: str
    split_policy: str
    lessons: tuple[str, ...] = ()
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def file(self, filename: str) -> FileSpec:
        """The :class:`FileSpec` called ``filename`` (``ValueError`` listing the valid ones)."""
        for spec in self.files:
            if spec.filename == filename:
                return spec
        valid = ", ".join(s.filename for s in self.files) or "(none)"
        raise ValueError(f"dataset {self.name!r} has no file {filename!r}; its files: {valid}")


# --------------------------------------------------------------------------- loaded data


@dataclass(kw_only=True, repr=False)
class Dataset:
    """Fields shared by every loaded dataset.

    ``source`` is where the data came from: ``cache``, ``mirror``,
    ``download`` or ``synthetic`` (a stand-in, not real data). ``files`` maps each upstream file
    to the path it was read from. ``notes`` lists caveats (partial data, ...).
    """

    name: str
    source: str
    files: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def synthetic(self) -> bool:
        """True when this is a synthetic stand-in (its numbers mean nothing)."""
        return self.source == "synthetic"

    def _sizes(self) -> str:
        return ""

    def __repr__(self) -> str:
        """One line: name, source and sizes."""
        flag = " SYNTHETIC" if self.synthetic else ""
        return f"<{type(self).__name__} {self.name!r} source={self.source}{flag}: {self._sizes()}>"


@dataclass(repr=False)
class TextSplit:
    """One split of a text classification dataset.

    ``texts``: list of n strings; ``labels``: int64 array of shape (n,), values
    index into the dataset's ``label_names``.
    """

    texts: list[str]
    labels: np.ndarray

    def __post_init__(self) -> None:
        self.labels = np.asarray(self.labels, dtype=np.int64)
        if len(self.texts) != len(self.labels):
            raise ValueError(f"{len(self.texts)} texts but {len(self.labels)} labels")

    def __len__(self) -> int:
        return len(self.texts)

    def __repr__(self) -> str:
        return f"<TextSplit: {len(self)} texts>"

    def class_counts(self, n_classes: int | None = None) -> np.ndarray:
        """Number of examples per label id, shape (n_classes,)."""
        return np.bincount(self.labels, minlength=n_classes or 0)


@dataclass(kw_only=True, repr=False)
class TextClassificationData(Dataset):
    """``train``/``test`` :class:`TextSplit` objects and the ``label_names``.

    ``partial`` is True when the data is real but only part of the upstream
    release (ag_news from test.csv alone).
    """

    train: TextSplit
    test: TextSplit
    label_names: list[str]
    partial: bool = False

    def _sizes(self) -> str:
        part = " PARTIAL" if self.partial else ""
        return f"train={len(self.train)} test={len(self.test)} classes={len(self.label_names)}{part}"


@dataclass(repr=False)
class TaggedSplit:
    """One split of a tagging dataset: ``sentences`` and ``tags``, parallel lists of token lists."""

    sentences: list[list[str]]
    tags: list[list[str]]

    def __post_init__(self) -> None:
        if len(self.sentences) != len(self.tags):
            raise ValueError(f"{len(self.sentences)} sentences but {len(self.tags)} tag sequences")

    def __len__(self) -> int:
        return len(self.sentences)

    def __repr__(self) -> str:
        return f"<TaggedSplit: {len(self)} sentences, {sum(map(len, self.sentences))} tokens>"


@dataclass(kw_only=True, repr=False)
class TaggingData(Dataset):
    """``train``/``test`` :class:`TaggedSplit` objects and the sorted ``tagset``."""

    train: TaggedSplit
    test: TaggedSplit
    tagset: list[str]

    def _sizes(self) -> str:
        return f"train={len(self.train)} test={len(self.test)} sentences, tags={len(self.tagset)}"


@dataclass(kw_only=True, repr=False)
class CorpusData(Dataset):
    """Running text: ``text`` (all books joined by a blank line) and ``books`` (title -> text)."""

    text: str
    books: dict[str, str]

    def _sizes(self) -> str:
        return f"{len(self.books)} books, {len(self.text):,} characters"


@dataclass(kw_only=True, repr=False)
class PairsData(Dataset):
    """Sentence pairs ``(english, french)`` in file order (manythings files run short to long)."""

    pairs: list[tuple[str, str]]

    def __len__(self) -> int:
        return len(self.pairs)

    def _sizes(self) -> str:
        return f"{len(self.pairs):,} pairs"


@dataclass(kw_only=True, repr=False)
class WordVectors(Dataset):
    """Pretrained word vectors: ``words`` (most frequent first) and ``vectors`` float32 (n, dim).

    Row ``i`` of ``vectors`` is the vector of ``words[i]``. ``subset`` is True
    when only part of the published vocabulary was read (the 10,000 most
    frequent words of GloVe's 400,000, say); ``notes`` then says so in words.
    ``word in wv`` and ``wv[word]`` work like a dict (and like gensim's
    ``KeyedVectors``), so a ``WordVectors`` can be passed wherever a
    word -> vector mapping is expected; ``index(word)`` gives the row.
    """

    words: list[str]
    vectors: np.ndarray
    subset: bool = False

    def __post_init__(self) -> None:
        self.vectors = np.asarray(self.vectors, dtype=np.float32)
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.words):
            raise ValueError(f"{len(self.words)} words but vectors of shape {self.vectors.shape}")
        self._index = {w: i for i, w in enumerate(self.words)}  # the parser refuses duplicate words

    @property
    def dim(self) -> int:
        """Number of dimensions of each vector."""
        return int(self.vectors.shape[1])

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: object) -> bool:
        return word in self._index

    def __getitem__(self, word: str) -> np.ndarray:
        """The vector of ``word`` (``KeyError`` if it has none)."""
        return self.vectors[self.index(word)]

    def index(self, word: str) -> int:
        """The row of ``word`` in ``vectors`` (``KeyError`` naming the vocabulary size if absent)."""
        try:
            return self._index[word]
        except KeyError:
            raise KeyError(f"{word!r} is not among the {len(self.words):,} words of {self.name!r}") from None

    def _sizes(self) -> str:
        part = f", SUBSET: the {len(self.words):,} most frequent words" if self.subset else ""
        return f"{len(self.words):,} words x {self.dim} dims{part}"

    def __str__(self) -> str:
        return "\n".join([repr(self), *self.notes])
