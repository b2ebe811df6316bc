"""What the dataset loaders share: saying where the data came
from, the synthetic fallback (quick profile only) and the text-classification plumbing."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .. import settings, splits
from . import fetch, synthetic
from .errors import DataUnavailableError
from .types import DatasetInfo, TextClassificationData, TextSplit

PARSER_VERSION = 1
SOURCE_RANK = {"cache": 0, "mirror": 1, "download": 2}


def say(verbose: bool, message: str) -> None:
    if verbose:
        print(f"[data] {message}")


def source_of(records: dict[str, fetch.FileRecord]) -> str:
    """The farthest source among the files (download > mirror > cache)."""
    return max((r.source for r in records.values()), key=SOURCE_RANK.__getitem__)


def synthetic_or_raise(info: DatasetInfo, err: DataUnavailableError) -> None:
    """Return (after the banner) if a synthetic stand-in may be used, else re-raise ``err``."""
    if not settings.is_quick():
        raise err
    missing = err.filename_in_registry or "a file"
    why = "offline (COURSE_OFFLINE=1)" if settings.get().offline else "the download failed"
    synthetic.announce(info.name, f"{missing} is in no cache or mirror folder and {why}; quick profile.")


def text_data(
    name: str,
    source: str,
    label_names: list[str],
    train: tuple[list[str] | Callable[[int], str], np.ndarray],
    test: tuple[list[str] | Callable[[int], str], np.ndarray],
    *,
    max_train: int | None,
    max_test: int | None,
    seed: int,
    files: dict[str, str] | None = None,
    partial: bool = False,
    notes: list[str] | None = None,
) -> TextClassificationData:
    """Subsample (stratified, shuffled, deterministic) and wrap the two splits.

    ``train``/``test`` are (texts, labels); texts may be a function index ->
    text, so only the kept examples are built (AG News cleaning is not free).
    """
    splits_out = []
    for salt, (texts, labels), limit in ((1, train, max_train), (2, test, max_test)):
        labels = np.asarray(labels, dtype=np.int64)
        idx = splits.stratified_subset(labels, limit, seed, salt=salt)
        get = texts if callable(texts) else texts.__getitem__
        splits_out.append(TextSplit([get(int(i)) for i in idx], labels[idx]))
    return TextClassificationData(
        name=name,
        source=source,
        files=files or {},
        notes=notes or [],
        train=splits_out[0],
        test=splits_out[1],
        label_names=list(label_names),
        partial=partial,
    )


def synthetic_text(
    name: str,
    label_names: list[str],
    n_train: int,
    n_test: int,
    *,
    seed: int,
    length: tuple[int, int],
    probs: list[float] | None = None,
) -> tuple[tuple[list[str], np.ndarray], tuple[list[str], np.ndarray]]:
    out = []
    for salt, n in ((1, n_train), (2, n_test)):
        labels = synthetic.labels(n, len(label_names), seed=seed * 7919 + salt, probs=probs)
        out.append((synthetic.texts(labels, label_names, seed=seed * 7919 + salt, length=length), labels))
    return out[0], out[1]


def check_common(max_train: int | None, max_test: int | None, seed: int) -> tuple[int | None, int | None]:
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"seed must be an int, got {seed!r}")
    return splits.check_limit("max_train", max_train), splits.check_limit("max_test", max_test)


def counts(data: TextClassificationData) -> str:
    return f"{len(data.train):,} train / {len(data.test):,} test texts"

