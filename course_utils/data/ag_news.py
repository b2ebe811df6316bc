"""The AG News loader: a prepared tensorflow-datasets copy (the source lesson's route), the CSV
release from the cache, a mirror or a download, its upstream test split alone (PARTIAL), or a
synthetic stand-in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .. import settings, splits
from . import fetch, parsers, processed
from .common import (
    PARSER_VERSION,
    check_common,
    counts,
    say,
    source_of,
    synthetic_or_raise,
    synthetic_text,
    text_data,
)
from .errors import DataUnavailableError
from .registry import DATASETS
from .types import (
    TextClassificationData,
)

AG_NEWS_LABELS = ["World", "Sports", "Business", "Sci/Tech"]
AG_NEWS_FIELDS = ("title", "description", "both")


def tfds_dir() -> Path:
    """Where a prepared tensorflow-datasets copy is looked for: ``<data_dir>/tensorflow_datasets``."""
    return settings.get().data_dir / "tensorflow_datasets"


def tfds_prepared() -> Path | None:
    """The prepared ``ag_news_subset`` version folder, or None (checked without importing tfds)."""
    root = tfds_dir() / "ag_news_subset"
    hits = sorted(root.glob("*/dataset_info.json")) if root.is_dir() else []
    return hits[-1].parent if hits else None


def _ag_news_tfds(version_dir: Path) -> dict[str, dict[str, Any]] | None:
    """The prepared tfds copy (read once with ``download=False``, then from the processed cache);
    None, after a message, if it cannot be read: a broken tfds folder must not block the CSV route."""
    stamp = (version_dir / "dataset_info.json").stat()
    key = processed.make_key("ag_news_tfds", PARSER_VERSION, str(version_dir), stamp.st_size, stamp.st_mtime_ns)

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

    try:
        flat = processed.cached("ag_news_tfds", key, build)
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
    names = {"title": ("titles",), "description": ("descriptions",), "both": ("titles", "descriptions")}[field]
    columns = [part[name] for name in names]

    def text(i: int) -> str:
        return " ".join(cleaner(column[i]) for column in columns)

    return text, np.asarray(part["labels"], dtype=np.int64)


def load_ag_news(
    *,
    field: str = "title",
    max_train: int | None = None,
    max_test: int | None = None,
    seed: int = 0,
    clean: bool = True,
    allow_partial: bool = False,
    test_fraction: float = 0.2,
    verbose: bool = True,
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
    info = DATASETS["ag_news"]
    max_train, max_test = check_common(max_train, max_test, seed)
    if field not in AG_NEWS_FIELDS:
        raise ValueError(f"field must be one of {', '.join(AG_NEWS_FIELDS)}; got {field!r}")
    splits.check_fraction(test_fraction)
    common = dict(max_train=max_train, max_test=max_test, seed=seed)

    version_dir = tfds_prepared()
    parts = _ag_news_tfds(version_dir) if version_dir is not None else None
    if parts is not None:
        source, files, origin = "cache", {"tensorflow_datasets": str(version_dir)}, "the prepared tfds copy"
    else:
        train_spec, test_spec = info.file("ag_news_csv/train.csv"), info.file("ag_news_csv/test.csv")
        try:
            try:
                train_rec = fetch.get_file("ag_news", train_spec)
            except DataUnavailableError:
                if not allow_partial:
                    raise
                train_rec = None
            test_rec = fetch.get_file("ag_news", test_spec)
        except DataUnavailableError as err:
            synthetic_or_raise(info, err)
            return _ag_news_synthetic(field, **common)
        if train_rec is None:
            return _ag_news_partial(test_rec, field=field, clean=clean, test_fraction=test_fraction, **common)
        records = {train_spec.filename: train_rec, test_spec.filename: test_rec}
        parts = {
            "train": processed.cached(
                "ag_news_train",
                processed.make_key("ag_news", PARSER_VERSION, train_rec.sha256),
                lambda: parsers.read_ag_news_csv(train_rec.path),
            ),
            "test": parsers.read_ag_news_csv(test_rec.path),
        }
        source, files, origin = source_of(records), {k: str(r.path) for k, r in records.items()}, None
    data = text_data(
        "ag_news",
        source,
        AG_NEWS_LABELS,
        _ag_select(parts["train"], field, clean),
        _ag_select(parts["test"], field, clean),
        files=files,
        **common,
    )
    say(verbose, f"ag_news ({field}): {counts(data)} from {origin or source} {', '.join(files.values())}")
    return data


def _ag_news_partial(
    test_rec: fetch.FileRecord,
    *,
    field: str,
    clean: bool,
    test_fraction: float,
    max_train: int | None,
    max_test: int | None,
    seed: int,
) -> TextClassificationData:
    text, labels = _ag_select(parsers.read_ag_news_csv(test_rec.path), field, clean)
    tr, te = splits.stratified_split(labels, test_fraction, seed)
    note = (
        f"PARTIAL: train.csv is unavailable, so the {len(labels):,} real rows of test.csv were split "
        f"{1 - test_fraction:.0%}/{test_fraction:.0%} into train/test. Real text, small training set: "
        "results are not comparable with published AG News numbers."
    )
    print(f"[data] WARNING ag_news: {note}")
    return text_data(
        "ag_news",
        test_rec.source,
        AG_NEWS_LABELS,
        (lambda i: text(int(tr[i])), labels[tr]),
        (lambda i: text(int(te[i])), labels[te]),
        max_train=max_train,
        max_test=max_test,
        seed=seed,
        files={test_rec.filename: str(test_rec.path)},
        partial=True,
        notes=[note],
    )


def _ag_news_synthetic(
    field: str, *, max_train: int | None, max_test: int | None, seed: int
) -> TextClassificationData:
    n_train, n_test = max_train or 12000, max_test or 7600
    titles = synthetic_text("ag_news", AG_NEWS_LABELS, n_train, n_test, seed=seed, length=(4, 10))
    descs = synthetic_text("ag_news", AG_NEWS_LABELS, n_train, n_test, seed=seed, length=(15, 40))
    train, test = (
        _ag_select({"titles": t[0], "descriptions": d[0], "labels": t[1]}, field, False) for t, d in zip(titles, descs)
    )
    return text_data("ag_news", "synthetic", AG_NEWS_LABELS, train, test, max_train=None, max_test=None, seed=seed)
