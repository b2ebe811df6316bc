"""The AG News loader: a prepared tensorflow-datasets copy (the source lesson's route), the CSV
release from the cache, a mirror or a download, its upstream test split alone (PARTIAL), or a
synthetic stand-in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .. import settings, splits
from . import fetch, parsers, processed, synthetic
from .common import check_limits, get_files, origin, text_data
from .errors import DataUnavailableError
from .registry import DATASETS
from .types import TextClassificationData

AG_NEWS_LABELS = ["World", "Sports", "Business", "Sci/Tech"]
AG_NEWS_FIELDS = {"title": ("titles",), "description": ("descriptions",), "both": ("titles", "descriptions")}
TRAIN, TEST = "ag_news_csv/train.csv", "ag_news_csv/test.csv"


def tfds_dir() -> Path:
    """Where a prepared tensorflow-datasets copy is looked for: ``<data_dir>/tensorflow_datasets``."""
    return settings.get().data_dir / "tensorflow_datasets"


def tfds_prepared() -> Path | None:
    """The prepared ``ag_news_subset`` version folder, or None (checked without importing tfds)."""
    hits = sorted((tfds_dir() / "ag_news_subset").glob("*/dataset_info.json"))
    return hits[-1].parent if hits else None


def _ag_news_tfds(version_dir: Path) -> dict[str, dict[str, Any]] | None:
    """The prepared tfds copy (read once with ``download=False``, then from the processed cache);
    None, after a message, if it cannot be read: a broken tfds folder must not block the CSV route."""

    def build() -> dict[str, Any]:
        import tensorflow_datasets as tfds

        out: dict[str, Any] = {}
        splits_ds = tfds.load("ag_news_subset", split=["train", "test"], data_dir=str(tfds_dir()), download=False)
        for split, ds in zip(("train", "test"), splits_ds):
            rows = list(tfds.as_numpy(ds))
            out[f"{split}_titles"] = [ex["title"].decode("utf-8") for ex in rows]
            out[f"{split}_descriptions"] = [ex["description"].decode("utf-8") for ex in rows]
            out[f"{split}_labels"] = np.asarray([int(ex["label"]) for ex in rows], np.int64)
        return out

    stamp = (version_dir / "dataset_info.json").stat()
    try:
        flat = processed.cached("ag_news_tfds", build, str(version_dir), stamp.st_size, stamp.st_mtime_ns)
    except Exception as err:
        print(
            f"[data] could not read the tfds copy in {version_dir} ({type(err).__name__}: {err}); "
            "using the CSV files instead"
        )
        return None
    return {s: {k: flat[f"{s}_{k}"] for k in ("titles", "descriptions", "labels")} for s in ("train", "test")}


def _ag_select(part: dict[str, Any], field: str, clean: bool) -> tuple[Callable[[int], str], np.ndarray]:
    """(index -> text for ``field``, labels); texts are built lazily, for the kept rows only."""
    cleaner: Callable[[str], str] = parsers.clean_ag_news if clean else (lambda s: s)
    columns = [part[name] for name in AG_NEWS_FIELDS[field]]
    return (lambda i: " ".join(cleaner(column[i]) for column in columns)), np.asarray(part["labels"], np.int64)


def load_ag_news(
    *, field: str = "title", max_train: int | None = None, max_test: int | None = None, seed: int = 0,
    clean: bool = True, allow_partial: bool = False, test_fraction: float = 0.2,
) -> TextClassificationData:
    """AG News: 4 topics, 120,000 train / 7,600 test; texts are titles, descriptions or both.

    ``field``: ``"title"`` (default), ``"description"`` or ``"both"`` (title +
    " " + description). ``clean`` undoes the release's ``\\`` and entity
    escapes (see :func:`parsers.clean_ag_news`). A prepared tfds copy in
    ``<data_dir>/tensorflow_datasets/ag_news_subset`` is used first (source
    ``cache``), else the CSV files. Without ``train.csv``: the quick profile
    gets a synthetic stand-in, the full profile an error, unless
    ``allow_partial=True``: then the real ``test.csv`` rows are split by
    ``test_fraction`` (seed) into train/test and ``.partial`` is True.
    """
    max_train, max_test = check_limits(max_train, max_test, seed)
    if field not in AG_NEWS_FIELDS:
        raise ValueError(f"field must be one of {', '.join(AG_NEWS_FIELDS)}; got {field!r}")
    splits.check_fraction(test_fraction)
    limits = dict(max_train=max_train, max_test=max_test, seed=seed)

    version_dir = tfds_prepared()
    parts = _ag_news_tfds(version_dir) if version_dir is not None else None
    if parts is not None:
        fields: dict[str, Any] = dict(source="cache", files={"tensorflow_datasets": str(version_dir)})
    else:
        wanted = (TRAIN, TEST)
        if allow_partial:
            try:
                fetch.get_file("ag_news", DATASETS["ag_news"].file(TRAIN))
            except DataUnavailableError:
                wanted = (TEST,)
        records = get_files("ag_news", *wanted)
        if records is None:  # synthetic titles and descriptions
            parts = {}
            for split, salt, n in (("train", 1, max_train or 12000), ("test", 2, max_test or 7600)):
                titles, labels = synthetic.labelled_texts(AG_NEWS_LABELS, n, seed=seed * 7919 + salt, length=(4, 10))
                descriptions = synthetic.labelled_texts(AG_NEWS_LABELS, n, seed=seed * 7919 + salt, length=(15, 40))[0]
                parts[split] = {"titles": titles, "descriptions": descriptions, "labels": labels}
            clean, fields = False, dict(source="synthetic")
        elif TRAIN in records:
            train = records[TRAIN]
            parts = {
                "train": processed.cached("ag_news_train", lambda: parsers.read_ag_news_csv(train.path), train.sha256),
                "test": parsers.read_ag_news_csv(records[TEST].path),
            }
            fields = origin(records)
        else:  # the real test.csv rows, split into train and test
            rows = parsers.read_ag_news_csv(records[TEST].path)
            tr, te = splits.stratified_split(rows["labels"], test_fraction, seed)
            parts = {s: {k: [v[i] for i in idx] for k, v in rows.items()} for s, idx in (("train", tr), ("test", te))}
            note = (
                f"PARTIAL: train.csv is unavailable, so the {len(tr) + len(te):,} real rows of test.csv were split "
                f"{1 - test_fraction:.0%}/{test_fraction:.0%} into train/test. Real text, small training set: "
                "results are not comparable with published AG News numbers."
            )
            print(f"[data] WARNING ag_news: {note}")
            fields = dict(partial=True, notes=[note], **origin(records))
    train, test = (_ag_select(parts[s], field, clean) for s in ("train", "test"))
    return text_data("ag_news", AG_NEWS_LABELS, train, test, **fields, **limits)
