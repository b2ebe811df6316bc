"""What the dataset loaders share: getting a dataset's files (or, in the quick profile only, the
go-ahead for a synthetic stand-in) and the text-classification plumbing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import settings, splits
from . import fetch, synthetic
from .errors import DataUnavailableError
from .registry import DATASETS
from .types import TextClassificationData, TextSplit

SOURCE_RANK = {"cache": 0, "mirror": 1, "download": 2}


def get_files(name: str, *filenames: str) -> dict[str, fetch.FileRecord] | None:
    """The verified files of dataset ``name`` (those named, else all), by file name.

    If one is unavailable: in the quick profile None, after the synthetic banner (the loader
    then returns its stand-in); in the full profile the ``DataUnavailableError``.
    """
    specs = [s for s in DATASETS[name].files if s.filename in filenames or not filenames]
    try:
        return {s.filename: fetch.get_file(name, s) for s in specs}
    except DataUnavailableError as err:
        if not settings.is_quick():
            raise
        why = "offline (COURSE_OFFLINE=1)" if settings.get().offline else "the download failed"
        missing = err.filename_in_registry
        synthetic.announce(name, f"{missing} is in no cache or mirror folder and {why}; quick profile.")
        return None


def origin(records: dict[str, fetch.FileRecord]) -> dict[str, Any]:
    """A dataset's ``source`` (the farthest of its files': download > mirror > cache) and ``files``."""
    source = max((r.source for r in records.values()), key=SOURCE_RANK.__getitem__)
    return {"source": source, "files": {k: str(r.path) for k, r in records.items()}}


def check_limits(max_train: int | None, max_test: int | None, seed: int) -> tuple[int | None, int | None]:
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"seed must be an int, got {seed!r}")
    return splits.check_limit("max_train", max_train), splits.check_limit("max_test", max_test)


Texts = list[str] | Callable[[int], str]


def text_data(
    name: str,
    label_names: list[str],
    train: tuple[Texts, np.ndarray],
    test: tuple[Texts, np.ndarray],
    *,
    max_train: int | None,
    max_test: int | None,
    seed: int,
    cls: type[TextClassificationData] = TextClassificationData,
    **fields: Any,
) -> TextClassificationData:
    """Subsample (stratified, shuffled, deterministic) and wrap the two splits in ``cls(**fields)``.

    ``train``/``test`` are (texts, labels); texts may be a function index ->
    text, so only the kept examples are built (AG News cleaning is not free).
    """
    out = []
    for salt, (texts, labels), limit in ((1, train, max_train), (2, test, max_test)):
        labels = np.asarray(labels, dtype=np.int64)
        idx = splits.stratified_subset(labels, limit, seed, salt=salt)
        get = texts if callable(texts) else texts.__getitem__
        out.append(TextSplit([get(int(i)) for i in idx], labels[idx]))
    return cls(name=name, train=out[0], test=out[1], label_names=list(label_names), **fields)
