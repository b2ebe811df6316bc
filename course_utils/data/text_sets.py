"""Loaders of the review and sentence classification sets: IMDB (with its unlabelled reviews),
tweet emotions and the UCI sentiment sentences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
import numpy as np

from .. import splits
from . import parsers, processed, synthetic
from .common import check_limits, get_files, origin, text_data
from .types import TextClassificationData

IMDB_LABELS = ["neg", "pos"]
UCI_LABELS = ["negative", "positive"]
# tweet_emotions labels, sorted, with their upstream counts (used for the synthetic stand-in)
TWEET_LABEL_COUNTS = {
    "anger": 110, "boredom": 179, "empty": 827, "enthusiasm": 759, "fun": 1776, "happiness": 5209, "hate": 1323,
    "love": 3842, "neutral": 8638, "relief": 1526, "sadness": 5165, "surprise": 2187, "worry": 8459,
}


@dataclass(kw_only=True, repr=False)
class ImdbData(TextClassificationData):
    """IMDb reviews: the labelled ``train``/``test`` splits plus ``unsup``, unlabelled reviews.

    ``unsup`` (a list of raw review strings) is empty unless
    ``load("imdb", max_unsup=...)`` asked for it.
    """

    unsup: list[str] = field(default_factory=list)

    def _sizes(self) -> str:
        return super()._sizes() + (f" unsup={len(self.unsup)}" if self.unsup else "")


def load_imdb(
    *, max_train: int | None = None, max_test: int | None = None, max_unsup: int | None = 0, seed: int = 0
) -> ImdbData:
    """IMDb reviews (aclImdb): raw review texts, labels 0 neg / 1 pos, 25,000 train / 25,000 test.

    ``max_train``/``max_test`` keep class-stratified random subsets (``seed``);
    all splits come shuffled. The reviews are read straight from the archive
    (never extracted) and the parse cached, so warm loads take about a second.
    ``max_unsup`` adds ``.unsup``, a random subset of the 50,000 unlabelled
    reviews of ``train/unsup`` (0, the default: none; None: all). They are read
    from the archive on first use (about 15 s) and cached apart from the
    labelled parse, which stays as it was.
    """
    max_train, max_test = check_limits(max_train, max_test, seed)
    if max_unsup != 0:
        max_unsup = splits.check_limit("max_unsup", max_unsup)
    limits = dict(max_train=max_train, max_test=max_test, seed=seed, cls=ImdbData)
    records = get_files("imdb")
    if records is None:
        def fake(n: int, salt: int) -> tuple[list[str], np.ndarray]:
            return synthetic.labelled_texts(IMDB_LABELS, n, seed=seed * 7919 + salt, length=(40, 200))

        unsup = fake(5000 if max_unsup is None else max_unsup, 3)[0]
        train, test = fake(max_train or 5000, 1), fake(max_test or 5000, 2)
        return text_data("imdb", IMDB_LABELS, train, test, source="synthetic", unsup=unsup, **limits)
    (record,) = records.values()
    raw = processed.cached("imdb", lambda: parsers.read_imdb_tar(record.path), record.sha256)
    unsup: list[str] = []
    if max_unsup != 0:  # parsed apart ("imdb_unsup"), so the labelled cache above is never rebuilt
        texts = processed.cached("imdb_unsup", lambda: parsers.read_imdb_tar(record.path, unsup=True), record.sha256)
        order = np.random.default_rng([seed, 3]).permutation(len(texts["unsup_texts"]))  # shuffled, fixed by seed
        unsup = [texts["unsup_texts"][int(i)] for i in order[:max_unsup]]
    train, test = ((raw[f"{s}_texts"], raw[f"{s}_labels"]) for s in ("train", "test"))
    return text_data("imdb", IMDB_LABELS, train, test, unsup=unsup, **origin(records), **limits)


def _load_unsplit(
    name: str, read: Callable[[Path], tuple[list[str], list[str], np.ndarray]], *, synthetic_labels: list[str],
    synthetic_size: int, length: tuple[int, int], probs: list[float] | None,
    max_train: int | None, max_test: int | None, test_fraction: float, seed: int,
) -> TextClassificationData:
    """A labelled text file without an upstream split: one class-stratified split, made once, then subsets.

    ``read(path)`` returns (texts, label names, label ids). Without the file, the quick profile gets a
    labelled synthetic stand-in of ``synthetic_size`` items with the same labels.
    """
    max_train, max_test = check_limits(max_train, max_test, seed)
    fraction = splits.check_fraction(test_fraction)
    limits = dict(max_train=max_train, max_test=max_test, seed=seed)
    records = get_files(name)
    if records is None:
        n_fit = int(synthetic_size * (1 - fraction))
        train, test = (
            synthetic.labelled_texts(synthetic_labels, n, seed=seed * 7919 + salt, length=length, probs=probs)
            for salt, n in ((1, max_train or n_fit), (2, max_test or synthetic_size - n_fit))
        )
        return text_data(name, synthetic_labels, train, test, source="synthetic", **limits)
    texts, names, labels = read(next(iter(records.values())).path)
    tr, te = splits.stratified_split(labels, fraction, seed)
    train, test = (([texts[i] for i in idx], labels[idx]) for idx in (tr, te))
    return text_data(name, names, train, test, **origin(records), **limits)


def _read_tweets(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    rows = parsers.read_tweet_emotions(path)
    names = sorted(set(rows["labels"]))
    index = {n: i for i, n in enumerate(names)}
    return rows["texts"], names, np.asarray([index[x] for x in rows["labels"]], dtype=np.int64)


def _read_uci(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    rows = parsers.read_uci_sentences(path)
    return rows["texts"], UCI_LABELS, np.asarray(rows["labels"], dtype=np.int64)


def load_tweet_emotions(
    *, max_train: int | None = None, max_test: int | None = None, test_fraction: float = 0.2, seed: int = 0
) -> TextClassificationData:
    """Tweets with one of 13 emotions; ``label_names`` sorted alphabetically.

    No upstream split: a class-stratified split with ``test_fraction``
    (default 0.2) and ``seed``, then optional stratified subsets.
    """
    names = sorted(TWEET_LABEL_COUNTS)
    return _load_unsplit("tweet_emotions", _read_tweets, synthetic_labels=names,
                         synthetic_size=8000, length=(5, 25), probs=[TWEET_LABEL_COUNTS[n] for n in names],
                         max_train=max_train, max_test=max_test, test_fraction=test_fraction, seed=seed)


def load_uci_sentences(
    *, max_train: int | None = None, max_test: int | None = None, test_fraction: float = 0.2, seed: int = 0
) -> TextClassificationData:
    """UCI sentiment sentences: amazon + imdb + yelp files combined (3,000), 0 negative / 1 positive.

    No upstream split: one class-stratified split with ``test_fraction``
    (default 0.2) and ``seed``, made once (never reshuffled per epoch).
    """
    return _load_unsplit("uci_sentences", _read_uci, synthetic_labels=UCI_LABELS, synthetic_size=3000,
                         length=(5, 20), probs=None,
                         max_train=max_train, max_test=max_test, test_fraction=test_fraction, seed=seed)
