"""One loader per dataset, and :func:`load`, which checks the name and options first.

Every loader gets its files through :mod:`fetch` (cache -> mirror ->
download); if that fails in the quick profile it returns a synthetic
stand-in with the same schema (and prints a banner), in the full profile it
raises :class:`DataUnavailableError`. Each load prints one line saying where
the data came from (``verbose=False`` silences it; the synthetic banner is
always printed).
"""

from __future__ import annotations

import re
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from .. import settings
from . import archives, fetch, parsers, processed, splits, synthetic
from .errors import DataUnavailableError
from .glove import load_glove
from .registry import DATASETS
from .types import (
    CorpusData,
    DatasetInfo,
    PairsData,
    SeriesData,
    TaggedSplit,
    TaggingData,
    TextClassificationData,
    TextSplit,
    WindowSplit,
)

PARSER_VERSION = 1
IMDB_LABELS = ["neg", "pos"]
AG_NEWS_LABELS = ["World", "Sports", "Business", "Sci/Tech"]
AG_NEWS_FIELDS = ("title", "description", "both")
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
ALICE_BOOKS = {"pg11.txt": "Alice's Adventures in Wonderland", "pg12.txt": "Through the Looking-Glass"}
_SOURCE_RANK = {"cache": 0, "mirror": 1, "download": 2}


# ----------------------------------------------------------------------------- helpers


def _say(verbose: bool, message: str) -> None:
    if verbose:
        print(f"[data] {message}")


def _get_all(info: DatasetInfo) -> dict[str, fetch.FileRecord]:
    return {spec.filename: fetch.get_file(info.name, spec) for spec in info.files}


def _source_of(records: dict[str, fetch.FileRecord]) -> str:
    """The farthest source among the files (download > mirror > cache)."""
    return max((r.source for r in records.values()), key=_SOURCE_RANK.__getitem__)


def _where(records: dict[str, fetch.FileRecord]) -> str:
    return ", ".join(str(r.path) for r in records.values())


def _synthetic_or_raise(info: DatasetInfo, err: DataUnavailableError) -> None:
    """Return (after the banner) if a synthetic stand-in may be used, else re-raise ``err``."""
    if not settings.is_quick() or not info.synthetic_fallback:
        raise err
    missing = err.filename_in_registry or "a file"
    why = "offline (COURSE_OFFLINE=1)" if settings.get().offline else "the download failed"
    synthetic.announce(info.name, f"{missing} is in no cache or mirror folder and {why}; quick profile.")


def _text_data(
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


def _synthetic_text(
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


def _check_common(max_train: int | None, max_test: int | None, seed: int) -> tuple[int | None, int | None]:
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"seed must be an int, got {seed!r}")
    return splits.check_limit("max_train", max_train), splits.check_limit("max_test", max_test)


def _counts(data: TextClassificationData) -> str:
    return f"{len(data.train):,} train / {len(data.test):,} test texts"


# ----------------------------------------------------------------------------- imdb


def _imdb_include(name: str) -> bool:
    """Skip train/unsup (50,000 unlabelled reviews) and the bag-of-words .feat files."""
    parts = name.replace("\\", "/").split("/")
    return parts[1:3] != ["train", "unsup"] and not name.endswith(".feat")


IMDB_UNSUP_SIZE = 50_000
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
                handle = tf.extractfile(member)
                if handle is not None:
                    found.append((int(match[1]), handle.read().decode("utf-8")))
    if not found:
        raise ValueError(f"{archive}: no aclImdb/train/unsup/*.txt members")
    found.sort()
    return [text for _, text in found]


def _unsup_subset(texts: list[str], limit: int | None, seed: int) -> list[str]:
    """``limit`` of ``texts`` (all for None), in a shuffled order fixed by ``seed``."""
    order = np.random.default_rng([seed, 3]).permutation(len(texts))
    return [texts[int(i)] for i in order[:limit]]


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
    max_train, max_test = _check_common(max_train, max_test, seed)
    max_unsup = _check_max_unsup(max_unsup)
    try:
        records = _get_all(info)
    except DataUnavailableError as err:
        _synthetic_or_raise(info, err)
        train, test = _synthetic_text(
            "imdb", IMDB_LABELS, max_train or 5000, max_test or 5000, seed=seed, length=(40, 200)
        )
        data = _text_data(
            "imdb", "synthetic", IMDB_LABELS, train, test, max_train=None, max_test=None, seed=seed
        )
        n_unsup = 5000 if max_unsup is None else max_unsup
        labels = synthetic.labels(n_unsup, len(IMDB_LABELS), seed=seed * 7919 + 3)  # thrown away
        unsup = synthetic.texts(labels, IMDB_LABELS, seed=seed * 7919 + 3, length=(40, 200))
        return ImdbData(**{f.name: getattr(data, f.name) for f in fields(data)}, unsup=unsup)
    record = records[info.files[0].filename]

    def build() -> dict[str, Any]:
        folder = archives.extract(
            record.path,
            fetch.data_dir() / "extracted" / "imdb",
            include=_imdb_include,
            key=f"{record.sha256}:labelled",
        )
        parsed = parsers.read_imdb_folder(folder)
        return {
            "train_texts": parsed["train"]["texts"],
            "train_labels": parsed["train"]["labels"],
            "test_texts": parsed["test"]["texts"],
            "test_labels": parsed["test"]["labels"],
        }

    raw = processed.cached("imdb", processed.make_key("imdb", PARSER_VERSION, record.sha256), build)
    data = _text_data(
        "imdb",
        record.source,
        IMDB_LABELS,
        (raw["train_texts"], raw["train_labels"]),
        (raw["test_texts"], raw["test_labels"]),
        max_train=max_train,
        max_test=max_test,
        seed=seed,
        files={k: str(r.path) for k, r in records.items()},
    )
    unsup: list[str] = []
    if max_unsup != 0:  # parsed apart ("imdb_unsup"), so the labelled cache above is never rebuilt
        raw_unsup = processed.cached(
            "imdb_unsup",
            processed.make_key("imdb_unsup", PARSER_VERSION, record.sha256),
            lambda: {"texts": _read_imdb_unsup(record.path)},
        )
        unsup = _unsup_subset(raw_unsup["texts"], max_unsup, seed)
    data = ImdbData(**{f.name: getattr(data, f.name) for f in fields(data)}, unsup=unsup)
    extra = f" + {len(unsup):,} unlabelled" if unsup else ""
    _say(verbose, f"imdb: {_counts(data)}{extra} from {record.source} {record.path}")
    return data


# ----------------------------------------------------------------------------- ag_news


def tfds_dir() -> Path:
    """Where a prepared tensorflow-datasets copy is looked for: ``<data_dir>/tensorflow_datasets``."""
    return settings.get().data_dir / "tensorflow_datasets"


def _tfds_prepared() -> Path | None:
    """The prepared ``ag_news_subset`` version folder, or None (checked without importing tfds)."""
    root = tfds_dir() / "ag_news_subset"
    hits = sorted(root.glob("*/dataset_info.json")) if root.is_dir() else []
    return hits[-1].parent if hits else None


def _ag_news_from_tfds(version_dir: Path) -> dict[str, Any]:
    """Read the prepared tfds copy (never downloads: ``download=False``)."""
    import tensorflow_datasets as tfds

    out: dict[str, Any] = {}
    splits_ds = tfds.load("ag_news_subset", split=["train", "test"], data_dir=str(tfds_dir()), download=False)
    for split, ds in zip(("train", "test"), splits_ds):
        titles, descriptions, labels = [], [], []
        for ex in tfds.as_numpy(ds):
            titles.append(ex["title"].decode("utf-8"))
            descriptions.append(ex["description"].decode("utf-8"))
            labels.append(int(ex["label"]))
        out[split] = {"titles": titles, "descriptions": descriptions, "labels": np.asarray(labels, np.int64)}
    return out


def _ag_select(part: dict[str, Any], field: str, clean: bool) -> tuple[Callable[[int], str], np.ndarray]:
    """(index -> text for ``field``, labels); texts are built lazily, for the kept rows only."""
    cleaner: Callable[[str], str] = parsers.clean_ag_news if clean else (lambda s: s)
    titles, descriptions = part["titles"], part["descriptions"]

    def text(i: int) -> str:
        if field == "title":
            return cleaner(titles[i])
        if field == "description":
            return cleaner(descriptions[i])
        return f"{cleaner(titles[i])} {cleaner(descriptions[i])}"

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
    max_train, max_test = _check_common(max_train, max_test, seed)
    if field not in AG_NEWS_FIELDS:
        raise ValueError(f"field must be one of {', '.join(AG_NEWS_FIELDS)}; got {field!r}")
    splits.check_fraction(test_fraction)
    common = dict(max_train=max_train, max_test=max_test, seed=seed)

    version_dir = _tfds_prepared()
    flat = None
    if version_dir is not None:
        stamp = (version_dir / "dataset_info.json").stat()
        key = processed.make_key(
            "ag_news_tfds", PARSER_VERSION, str(version_dir), stamp.st_size, stamp.st_mtime_ns
        )

        def build_tfds() -> dict[str, Any]:
            raw = _ag_news_from_tfds(version_dir)
            return {f"{s}_{k}": v for s, part in raw.items() for k, v in part.items()}

        try:
            flat = processed.cached("ag_news_tfds", key, build_tfds)
        except Exception as err:  # a broken tfds folder must not block the CSV route
            print(
                f"[data] could not read the tfds copy in {version_dir} ({type(err).__name__}: {err}); "
                "using the CSV files instead"
            )
    if flat is not None:
        parts = {
            s: {k: flat[f"{s}_{k}"] for k in ("titles", "descriptions", "labels")} for s in ("train", "test")
        }
        data = _text_data(
            "ag_news",
            "cache",
            AG_NEWS_LABELS,
            _ag_select(parts["train"], field, clean),
            _ag_select(parts["test"], field, clean),
            files={"tensorflow_datasets": str(version_dir)},
            **common,
        )
        _say(verbose, f"ag_news ({field}): {_counts(data)} from the prepared tfds copy {version_dir}")
        return data

    train_spec, test_spec = info.file("ag_news_csv/train.csv"), info.file("ag_news_csv/test.csv")
    try:
        train_rec = fetch.get_file("ag_news", train_spec)
    except DataUnavailableError as train_err:
        if allow_partial:
            try:
                test_rec = fetch.get_file("ag_news", test_spec)
            except DataUnavailableError as test_err:
                _synthetic_or_raise(info, test_err)
            else:
                return _ag_news_partial(
                    test_rec,
                    field=field,
                    clean=clean,
                    test_fraction=test_fraction,
                    verbose=verbose,
                    **common,
                )
        else:
            _synthetic_or_raise(info, train_err)
        return _ag_news_synthetic(field, **common)
    try:
        test_rec = fetch.get_file("ag_news", test_spec)
    except DataUnavailableError as err:
        _synthetic_or_raise(info, err)
        return _ag_news_synthetic(field, **common)

    records = {train_spec.filename: train_rec, test_spec.filename: test_rec}
    parts = {
        "train": processed.cached(
            "ag_news_train",
            processed.make_key("ag_news", PARSER_VERSION, train_rec.sha256),
            lambda: parsers.read_ag_news_csv(train_rec.path),
        ),
        "test": parsers.read_ag_news_csv(test_rec.path),
    }
    data = _text_data(
        "ag_news",
        _source_of(records),
        AG_NEWS_LABELS,
        _ag_select(parts["train"], field, clean),
        _ag_select(parts["test"], field, clean),
        files={k: str(r.path) for k, r in records.items()},
        **common,
    )
    _say(verbose, f"ag_news ({field}): {_counts(data)} from {data.source} {_where(records)}")
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
    verbose: bool,
) -> TextClassificationData:
    text, labels = _ag_select(parsers.read_ag_news_csv(test_rec.path), field, clean)
    tr, te = splits.stratified_split(labels, test_fraction, seed)
    note = (
        f"PARTIAL: train.csv is unavailable, so the {len(labels):,} real rows of test.csv were split "
        f"{1 - test_fraction:.0%}/{test_fraction:.0%} into train/test. Real text, small training set: "
        "results are not comparable with published AG News numbers."
    )
    print(f"[data] WARNING ag_news: {note}")
    return _text_data(
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
    titles = _synthetic_text("ag_news", AG_NEWS_LABELS, n_train, n_test, seed=seed, length=(4, 10))
    descs = _synthetic_text("ag_news", AG_NEWS_LABELS, n_train, n_test, seed=seed, length=(15, 40))
    parts = {}
    for i, split in enumerate(("train", "test")):
        parts[split] = {"titles": titles[i][0], "descriptions": descs[i][0], "labels": titles[i][1]}
    return _text_data(
        "ag_news",
        "synthetic",
        AG_NEWS_LABELS,
        _ag_select(parts["train"], field, False),
        _ag_select(parts["test"], field, False),
        max_train=None,
        max_test=None,
        seed=seed,
    )


# ----------------------------------------------------------------------------- tweet_emotions


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
    info = DATASETS["tweet_emotions"]
    max_train, max_test = _check_common(max_train, max_test, seed)
    fraction = splits.check_fraction(test_fraction)
    names = sorted(TWEET_LABEL_COUNTS)
    try:
        records = _get_all(info)
    except DataUnavailableError as err:
        _synthetic_or_raise(info, err)
        probs = [TWEET_LABEL_COUNTS[n] for n in names]
        n_total = 8000
        n_train = max_train or int(n_total * (1 - fraction))
        n_test = max_test or n_total - int(n_total * (1 - fraction))
        train, test = _synthetic_text(
            "tweet_emotions", names, n_train, n_test, seed=seed, length=(5, 25), probs=probs
        )
        return _text_data(
            "tweet_emotions", "synthetic", names, train, test, max_train=None, max_test=None, seed=seed
        )
    record = records["tweet_emotions.csv"]
    rows = parsers.read_tweet_emotions(record.path)
    names = sorted(set(rows["labels"]))
    index = {n: i for i, n in enumerate(names)}
    labels = np.asarray([index[x] for x in rows["labels"]], dtype=np.int64)
    data = _split_text_data(
        "tweet_emotions", record, names, rows["texts"], labels, fraction,
        max_train=max_train, max_test=max_test, seed=seed,
    )
    _say(
        verbose, f"tweet_emotions: {_counts(data)}, {len(names)} classes, from {record.source} {record.path}"
    )
    return data


def _split_text_data(
    name: str, record: Any, label_names: list[str], texts: list[str], labels: np.ndarray,
    fraction: float, *, max_train: int | None, max_test: int | None, seed: int,
) -> TextClassificationData:
    """One class-stratified split of a dataset that has no upstream split."""
    tr, te = splits.stratified_split(labels, fraction, seed)
    return _text_data(
        name,
        record.source,
        label_names,
        ([texts[i] for i in tr], labels[tr]),
        ([texts[i] for i in te], labels[te]),
        max_train=max_train,
        max_test=max_test,
        seed=seed,
        files={record.filename: str(record.path)},
    )


# ----------------------------------------------------------------------------- uci_sentences


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
    info = DATASETS["uci_sentences"]
    max_train, max_test = _check_common(max_train, max_test, seed)
    fraction = splits.check_fraction(test_fraction)
    try:
        records = _get_all(info)
    except DataUnavailableError as err:
        _synthetic_or_raise(info, err)
        n_train = max_train or int(3000 * (1 - fraction))
        n_test = max_test or 3000 - int(3000 * (1 - fraction))
        train, test = _synthetic_text("uci_sentences", UCI_LABELS, n_train, n_test, seed=seed, length=(5, 20))
        return _text_data(
            "uci_sentences", "synthetic", UCI_LABELS, train, test, max_train=None, max_test=None, seed=seed
        )
    record = records["sentiment labelled sentences.zip"]
    rows = parsers.read_uci_sentences(record.path)
    labels = np.asarray(rows["labels"], dtype=np.int64)
    data = _split_text_data(
        "uci_sentences", record, UCI_LABELS, rows["texts"], labels, fraction,
        max_train=max_train, max_test=max_test, seed=seed,
    )
    _say(verbose, f"uci_sentences: {_counts(data)} from {record.source} {record.path}")
    return data


# ----------------------------------------------------------------------------- treebank


def load_treebank(
    *, test_fraction: float = 0.2, seed: int = 0, drop_traces: bool = False, verbose: bool = True
) -> TaggingData:
    """The NLTK treebank sample (3,914 sentences): token and tag lists, split by sentence.

    ``-NONE-`` trace tokens (``*-1``, ``*T*-2``, ...) are kept, as in nltk's
    ``tagged_sents()``, unless ``drop_traces=True``. The random split uses
    ``test_fraction`` (default 0.2) and ``seed``; sentences stay in file order
    within each split. ``tagset`` is the sorted list of tags in both splits.
    """
    info = DATASETS["treebank"]
    fraction = splits.check_fraction(test_fraction)
    _check_common(None, None, seed)
    try:
        records = _get_all(info)
        source = _source_of(records)
    except DataUnavailableError as err:
        _synthetic_or_raise(info, err)
        records, source = {}, "synthetic"
        sentences, tags = synthetic.tagged_sentences(1500, seed=seed)
    if records:
        record = records["treebank.zip"]

        def build() -> dict[str, Any]:
            folder = archives.extract(
                record.path, fetch.data_dir() / "extracted" / "treebank", key=record.sha256
            )
            return parsers.read_treebank(folder)

        raw = processed.cached(
            "treebank", processed.make_key("treebank", PARSER_VERSION, record.sha256), build
        )
        sentences, tags = raw["sentences"], raw["tags"]
    if drop_traces:
        kept = [[i for i, t in enumerate(ts) if t != "-NONE-"] for ts in tags]
        sentences = [[s[i] for i in k] for s, k in zip(sentences, kept)]
        tags = [[t[i] for i in k] for t, k in zip(tags, kept)]
    tr, te = splits.random_split(len(sentences), fraction, seed)
    train = TaggedSplit([sentences[i] for i in tr], [tags[i] for i in tr])
    test = TaggedSplit([sentences[i] for i in te], [tags[i] for i in te])
    tagset = sorted({t for ts in tags for t in ts})
    data = TaggingData(
        name="treebank",
        source=source,
        files={k: str(r.path) for k, r in records.items()},
        train=train,
        test=test,
        tagset=tagset,
    )
    if records:
        _say(
            verbose,
            f"treebank: {len(train):,} train / {len(test):,} test sentences, {len(tagset)} tags, "
            f"from {source} {_where(records)}",
        )
    return data


# ----------------------------------------------------------------------------- alice


def load_alice(*, verbose: bool = True) -> CorpusData:
    """The two Alice books: ``.books`` (title -> text) and ``.text`` (both, blank line between).

    Gutenberg header and licence are cut at the START/END markers.
    """
    info = DATASETS["alice"]
    try:
        records = _get_all(info)
    except DataUnavailableError as err:
        _synthetic_or_raise(info, err)
        books = {title: synthetic.corpus_text(1500, seed=i) for i, title in enumerate(ALICE_BOOKS.values())}
        return CorpusData(name="alice", source="synthetic", text="\n\n".join(books.values()), books=books)
    books = {ALICE_BOOKS[name]: parsers.read_gutenberg(rec.path) for name, rec in records.items()}
    data = CorpusData(
        name="alice",
        source=_source_of(records),
        files={k: str(r.path) for k, r in records.items()},
        text="\n\n".join(books.values()),
        books=books,
    )
    _say(
        verbose,
        f"alice: {len(books)} books, {len(data.text):,} characters, from {data.source} {_where(records)}",
    )
    return data


# ----------------------------------------------------------------------------- fra_eng


def load_fra_eng(*, max_pairs: int | None = None, verbose: bool = True) -> PairsData:
    """English-French pairs from manythings' ``fra.txt``, in file order (short sentences first).

    ``max_pairs`` keeps the first pairs. The synthetic stand-in has 2,160 pairs.
    """
    info = DATASETS["fra_eng"]
    max_pairs = splits.check_limit("max_pairs", max_pairs)
    try:
        records = _get_all(info)
    except DataUnavailableError as err:
        _synthetic_or_raise(info, err)
        return PairsData(
            name="fra_eng", source="synthetic", pairs=synthetic.sentence_pairs(seed=0)[:max_pairs]
        )
    record = records["fra-eng.zip"]
    pairs = parsers.read_fra_zip(record.path)[:max_pairs]
    data = PairsData(
        name="fra_eng", source=record.source, files={record.filename: str(record.path)}, pairs=pairs
    )
    _say(verbose, f"fra_eng: {len(pairs):,} pairs from {record.source} {record.path}")
    return data


# ----------------------------------------------------------------------------- sine


def load_sine(
    *,
    n_steps: int = 2000,
    window: int = 50,
    horizon: int = 1,
    noise: float = 0.05,
    dt: float = 0.1,
    test_fraction: float = 0.2,
    seed: int = 0,
    verbose: bool = True,
) -> SeriesData:
    """A noisy sine wave ``sin(t) + noise * N(0, 1)`` at ``t = 0, dt, 2 dt, ...``, as windows.

    The first ``1 - test_fraction`` of the steps is the train part, the rest
    the test part; windows never cross the boundary, so test targets are
    never seen in training. ``train.x``/``test.x``: (n, window, 1) float32;
    ``.y``: (n, horizon) float32, the values right after each window.
    """
    for name, value in (("n_steps", n_steps), ("window", window), ("horizon", horizon)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    if noise < 0 or dt <= 0:
        raise ValueError(f"noise must be >= 0 and dt > 0, got noise={noise!r}, dt={dt!r}")
    fraction = splits.check_fraction(test_fraction)
    split_index = int(round(n_steps * (1 - fraction)))
    need = window + horizon
    if split_index < need or n_steps - split_index < need:
        raise ValueError(
            f"n_steps={n_steps} with test_fraction={fraction} leaves {split_index} train and "
            f"{n_steps - split_index} test steps; each part needs at least window + horizon = {need}. "
            "Use more steps or a smaller window."
        )
    rng = np.random.default_rng(seed)
    time = (np.arange(n_steps) * dt).astype(np.float32)
    series = (np.sin(time) + noise * rng.standard_normal(n_steps)).astype(np.float32)

    def windows(start: int, stop: int) -> WindowSplit:
        part = series[start:stop]
        view = np.lib.stride_tricks.sliding_window_view(part, need)
        return WindowSplit(
            x=np.ascontiguousarray(view[:, :window, None]),
            y=np.ascontiguousarray(view[:, window:]),
            start=np.arange(start, start + len(view), dtype=np.int64),
        )

    data = SeriesData(
        name="sine",
        source="generated",
        time=time,
        series=series,
        train=windows(0, split_index),
        test=windows(split_index, n_steps),
        window=window,
        horizon=horizon,
        split_index=split_index,
    )
    _say(verbose, f"sine: generated {n_steps} steps, {len(data.train)} train / {len(data.test)} test windows")
    return data


# ----------------------------------------------------------------------------- dispatch

LOADERS: dict[str, Callable[..., Any]] = {
    "imdb": load_imdb,
    "ag_news": load_ag_news,
    "tweet_emotions": load_tweet_emotions,
    "uci_sentences": load_uci_sentences,
    "treebank": load_treebank,
    "alice": load_alice,
    "fra_eng": load_fra_eng,
    "sine": load_sine,
    "glove": load_glove,
}


def load(name: str, **options: Any) -> Any:
    """Load dataset ``name`` (see ``names()``) with its ``options`` (see ``info(name).options``).

    Returns the dataset object (``.name``, ``.source``, ``.synthetic``, ...).
    Raises ``ValueError`` listing the valid names or options.
    """
    from .registry import info, loader_options

    info(name)  # validates the name
    valid = loader_options(name)
    unknown = sorted(set(options) - set(valid))
    if unknown:
        listing = ", ".join(f"{k}={v!r}" for k, v in valid.items())
        raise ValueError(
            f"unknown option(s) {', '.join(unknown)} for dataset {name!r}; valid options: {listing}"
        )
    return LOADERS[name](**options)
