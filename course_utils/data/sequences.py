"""Loaders of the sequence sets: the treebank sample (tagging), the Alice books (characters),
and the Tatoeba English-French pairs."""

from __future__ import annotations

from typing import Any


from .. import splits
from . import archives, fetch, parsers, processed, synthetic
from .common import (
    PARSER_VERSION,
    check_common,
    say,
    source_of,
    synthetic_or_raise,
)
from .errors import DataUnavailableError
from .registry import DATASETS
from .types import (
    CorpusData,
    PairsData,
    TaggedSplit,
    TaggingData,
)

ALICE_BOOKS = {"pg11.txt": "Alice's Adventures in Wonderland", "pg12.txt": "Through the Looking-Glass"}


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
    check_common(None, None, seed)
    try:
        record = fetch.get_file("treebank", info.files[0])
    except DataUnavailableError as err:
        synthetic_or_raise(info, err)
        record = None
        sentences, tags = synthetic.tagged_sentences(1500, seed=seed)
    if record is not None:

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
    if record is None:
        return TaggingData(name="treebank", source="synthetic", train=train, test=test, tagset=tagset)
    say(
        verbose,
        f"treebank: {len(train):,} train / {len(test):,} test sentences, {len(tagset)} tags, "
        f"from {record.source} {record.path}",
    )
    return TaggingData(
        name="treebank",
        source=record.source,
        files={record.filename: str(record.path)},
        train=train,
        test=test,
        tagset=tagset,
    )


# ----------------------------------------------------------------------------- alice


def load_alice(*, verbose: bool = True) -> CorpusData:
    """The two Alice books: ``.books`` (title -> text) and ``.text`` (both, blank line between).

    Gutenberg header and licence are cut at the START/END markers.
    """
    info = DATASETS["alice"]
    try:
        records = {spec.filename: fetch.get_file("alice", spec) for spec in info.files}
    except DataUnavailableError as err:
        synthetic_or_raise(info, err)
        books = {title: synthetic.corpus_text(1500, seed=i) for i, title in enumerate(ALICE_BOOKS.values())}
        return CorpusData(name="alice", source="synthetic", text="\n\n".join(books.values()), books=books)
    books = {ALICE_BOOKS[name]: parsers.read_gutenberg(rec.path) for name, rec in records.items()}
    data = CorpusData(
        name="alice",
        source=source_of(records),
        files={k: str(r.path) for k, r in records.items()},
        text="\n\n".join(books.values()),
        books=books,
    )
    say(
        verbose,
        f"alice: {len(books)} books, {len(data.text):,} characters, from {data.source} "
        + ", ".join(data.files.values()),
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
        record = fetch.get_file("fra_eng", info.files[0])
    except DataUnavailableError as err:
        synthetic_or_raise(info, err)
        return PairsData(
            name="fra_eng", source="synthetic", pairs=synthetic.sentence_pairs(seed=0)[:max_pairs]
        )
    pairs = parsers.read_fra_zip(record.path)[:max_pairs]
    data = PairsData(
        name="fra_eng", source=record.source, files={record.filename: str(record.path)}, pairs=pairs
    )
    say(verbose, f"fra_eng: {len(pairs):,} pairs from {record.source} {record.path}")
    return data
