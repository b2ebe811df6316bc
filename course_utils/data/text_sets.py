"""Loaders of the review and sentence classification sets: IMDB (with its unlabelled reviews),
tweet emotions and the UCI sentiment sentences."""

from __future__ import annotations

import re
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .. import splits
from . import archives, fetch, parsers, processed, synthetic
from .common import (
    PARSER_VERSION,
    check_common,
    counts,
    say,
    synthetic_or_raise,
    synthetic_text,
    text_data,
)
from .errors import DataUnavailableError
from .registry import DATASETS
from .types import (
    TextClassificationData,
)

IMDB_LABELS = ["neg", "pos"]
UCI_LABELS = ["negative", "positive"]
# tweet_emotions labels, sorted, with their upstream counts (used for the synthetic stand-in)
TWEET_LABEL_COUNTS = {
    "anger": 110,
    "boredom": 179,
    "empty": 827,
    "enthusiasm": 759,
    "fun": 1776,
    "happiness": 5209,
    "hate": 1323,
    "love": 3842,
    "neutral": 8638,
    "relief": 1526,
    "sadness": 5165,
    "surprise": 2187,
    "worry": 8459,
}


def _imdb_include(name: str) -> bool:
    """Skip train/unsup (50,000 unlabelled reviews) and the bag-of-words .feat files."""
    parts = name.replace("\\", "/").split("/")
    return parts[1:3] != ["train", "unsup"] and not name.endswith(".feat")


_UNSUP_MEMBER = re.compile(r"^(?:\./)?aclImdb/train/unsup/(\d+)_\d+\.txt$")


@dataclass(kw_only=True, repr=False)
class ImdbData(TextClassificationData):
    """IMDb reviews: the labelled ``train``/``test`` splits plus ``unsup``, unlabelled reviews.

    ``unsup`` (a list of raw review strings) is empty unless
    ``load("imdb", max_unsup=...)`` asked for it.
    """

    unsup: list[str] = field(default_factory=list)

    def _sizes(self) -> str:
        return super()._sizes() + (f" unsup={len(self.unsup)}" if self.unsup else "")


def _check_max_unsup(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"max_unsup must be None (all 50,000) or an int >= 0, got {value!r}")
    return int(value)


def _read_imdb_unsup(archive: Path) -> list[str]:
    """The ``train/unsup`` reviews of an aclImdb tarball, ordered by id, read without extracting.

    Only the contents of regular files are read (nothing is written), so the
    50,000 small files never land on disk; the parse is cached instead.
    """
    found: list[tuple[int, str]] = []
    with tarfile.open(archive, mode="r:*") as tf:
        for member in tf:
            match = _UNSUP_MEMBER.match(member.name.replace("\\", "/"))
            if match and member.isfile():
                found.append((int(match[1]), tf.extractfile(member).read().decode("utf-8")))
    if not found:
        raise ValueError(f"{archive}: no aclImdb/train/unsup/*.txt members")
    found.sort()
    return [text for _, text in found]


def load_imdb(
    *,
    max_train: int | None = None,
    max_test: int | None = None,
    max_unsup: int | None = 0,
    seed: int = 0,
    verbose: bool = True,
) -> ImdbData:
    """IMDb reviews (aclImdb): raw review texts, labels 0 neg / 1 pos, 25,000 train / 25,000 test.

    ``max_train``/``max_test`` keep class-stratified random subsets (``seed``);
    all splits come shuffled. The archive is extracted once (without
    ``train/unsup``) and the parse cached, so warm loads take about a second.
    ``max_unsup`` adds ``.unsup``, a random subset of the 50,000 unlabelled
    reviews of ``train/unsup`` (0, the default: none; None: all). They are read
    from the archive on first use (about 15 s) and cached apart from the
    labelled parse, which stays as it was.
    """
    info = DATASETS["imdb"]
    max_train, max_test = check_common(max_train, max_test, seed)
    max_unsup = _check_max_unsup(max_unsup)
    try:
        record = fetch.get_file("imdb", info.files[0])
    except DataUnavailableError as err:
        synthetic_or_raise(info, err)
        train, test = synthetic_text(
            "imdb", IMDB_LABELS, max_train or 5000, max_test or 5000, seed=seed, length=(40, 200)
        )
        data = text_data(
            "imdb", "synthetic", IMDB_LABELS, train, test, max_train=None, max_test=None, seed=seed
        )
        n_unsup = 5000 if max_unsup is None else max_unsup
        labels = synthetic.labels(n_unsup, len(IMDB_LABELS), seed=seed * 7919 + 3)  # thrown away
        unsup = synthetic.texts(labels, IMDB_LABELS, seed=seed * 7919 + 3, length=(40, 200))
        return ImdbData(**vars(data), unsup=unsup)

    def build() -> dict[str, Any]:
        folder = archives.extract(
            record.path,
            fetch.data_dir() / "extracted" / "imdb",
            include=_imdb_include,
            key=f"{record.sha256}:labelled",
        )
        parsed = parsers.read_imdb_folder(folder)
        return {f"{split}_{k}": parsed[split][k] for split in ("train", "test") for k in ("texts", "labels")}

    raw = processed.cached("imdb", processed.make_key("imdb", PARSER_VERSION, record.sha256), build)
    data = text_data(
        "imdb",
        record.source,
        IMDB_LABELS,
        (raw["train_texts"], raw["train_labels"]),
        (raw["test_texts"], raw["test_labels"]),
        max_train=max_train,
        max_test=max_test,
        seed=seed,
        files={record.filename: str(record.path)},
    )
    unsup: list[str] = []
    if max_unsup != 0:  # parsed apart ("imdb_unsup"), so the labelled cache above is never rebuilt
        raw_unsup = processed.cached(
            "imdb_unsup",
            processed.make_key("imdb_unsup", PARSER_VERSION, record.sha256),
            lambda: {"texts": _read_imdb_unsup(record.path)},
        )
        order = np.random.default_rng([seed, 3]).permutation(len(raw_unsup["texts"]))  # shuffled, fixed by seed
        unsup = [raw_unsup["texts"][int(i)] for i in order[:max_unsup]]
    data = ImdbData(**vars(data), unsup=unsup)
    extra = f" + {len(unsup):,} unlabelled" if unsup else ""
    say(verbose, f"imdb: {counts(data)}{extra} from {record.source} {record.path}")
    return data


def _load_unsplit(
    name: str,
    read: Callable[[Path], tuple[list[str], list[str], np.ndarray]],
    *,
    synthetic_labels: list[str],
    synthetic_size: int,
    length: tuple[int, int],
    probs: list[float] | None,
    max_train: int | None,
    max_test: int | None,
    test_fraction: float,
    seed: int,
    verbose: bool,
) -> TextClassificationData:
    """A labelled text file without an upstream split: one class-stratified split, made once, then subsets.

    ``read(path)`` returns (texts, label names, label ids). Without the file, the quick profile gets a
    labelled synthetic stand-in of ``synthetic_size`` items with the same labels.
    """
    info = DATASETS[name]
    max_train, max_test = check_common(max_train, max_test, seed)
    fraction = splits.check_fraction(test_fraction)
    try:
        record = fetch.get_file(name, info.files[0])
    except DataUnavailableError as err:
        synthetic_or_raise(info, err)
        n_fit = int(synthetic_size * (1 - fraction))
        train, test = synthetic_text(name, synthetic_labels, max_train or n_fit, max_test or synthetic_size - n_fit,
                                     seed=seed, length=length, probs=probs)
        return text_data(name, "synthetic", synthetic_labels, train, test, max_train=None, max_test=None, seed=seed)
    texts, names, labels = read(record.path)
    tr, te = splits.stratified_split(labels, fraction, seed)
    data = text_data(name, record.source, names, ([texts[i] for i in tr], labels[tr]),
                     ([texts[i] for i in te], labels[te]), max_train=max_train, max_test=max_test, seed=seed,
                     files={record.filename: str(record.path)})
    say(verbose, f"{name}: {counts(data)}, {len(names)} classes, from {record.source} {record.path}")
    return data


def _read_tweets(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    rows = parsers.read_tweet_emotions(path)
    names = sorted(set(rows["labels"]))
    index = {n: i for i, n in enumerate(names)}
    return rows["texts"], names, np.asarray([index[x] for x in rows["labels"]], dtype=np.int64)


def _read_uci(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    rows = parsers.read_uci_sentences(path)
    return rows["texts"], UCI_LABELS, np.asarray(rows["labels"], dtype=np.int64)


def load_tweet_emotions(
    *,
    max_train: int | None = None,
    max_test: int | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
    verbose: bool = True,
) -> TextClassificationData:
    """Tweets with one of 13 emotions; ``label_names`` sorted alphabetically.

    No upstream split: a class-stratified split with ``test_fraction``
    (default 0.2) and ``seed``, then optional stratified subsets.
    """
    names = sorted(TWEET_LABEL_COUNTS)
    return _load_unsplit("tweet_emotions", _read_tweets, synthetic_labels=names,
                         synthetic_size=8000, length=(5, 25), probs=[TWEET_LABEL_COUNTS[n] for n in names],
                         max_train=max_train, max_test=max_test, test_fraction=test_fraction, seed=seed,
                         verbose=verbose)


def load_uci_sentences(
    *,
    max_train: int | None = None,
    max_test: int | None = None,
    test_fraction: float = 0.2,
    seed: int = 0,
    verbose: bool = True,
) -> TextClassificationData:
    """UCI sentiment sentences: amazon + imdb + yelp files combined (3,000), 0 negative / 1 positive.

    No upstream split: one class-stratified split with ``test_fraction``
    (default 0.2) and ``seed``, made once (never reshuffled per epoch).
    """
    return _load_unsplit("uci_sentences", _read_uci,
                         synthetic_labels=UCI_LABELS, synthetic_size=3000, length=(5, 20), probs=None,
                         max_train=max_train, max_test=max_test, test_fraction=test_fraction, seed=seed,
                         verbose=verbose)
