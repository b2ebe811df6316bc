"""Loaders of the sequence sets: the treebank sample (tagging), the Alice books (characters),
and the Tatoeba English-French pairs."""

from __future__ import annotations

from .. import splits
from . import parsers, processed, synthetic
from .common import check_limits, get_files, origin
from .types import CorpusData, PairsData, TaggedSplit, TaggingData

ALICE_BOOKS = {"pg11.txt": "Alice's Adventures in Wonderland", "pg12.txt": "Through the Looking-Glass"}


def load_treebank(*, test_fraction: float = 0.2, seed: int = 0, drop_traces: bool = False) -> TaggingData:
    """The NLTK treebank sample (3,914 sentences): token and tag lists, split by sentence.

    ``-NONE-`` trace tokens (``*-1``, ``*T*-2``, ...) are kept, as in nltk's
    ``tagged_sents()``, unless ``drop_traces=True``. The random split uses
    ``test_fraction`` (default 0.2) and ``seed``; sentences stay in file order
    within each split. ``tagset`` is the sorted list of tags in both splits.
    """
    fraction = splits.check_fraction(test_fraction)
    check_limits(None, None, seed)
    records = get_files("treebank")
    if records is None:
        sentences, tags = synthetic.tagged_sentences(1500, seed=seed)
        fields = dict(source="synthetic")
    else:
        (record,) = records.values()
        raw = processed.cached("treebank", lambda: parsers.read_treebank(record.path), record.sha256)
        sentences, tags, fields = raw["sentences"], raw["tags"], origin(records)
    if drop_traces:
        kept = [[i for i, t in enumerate(ts) if t != "-NONE-"] for ts in tags]
        sentences = [[s[i] for i in k] for s, k in zip(sentences, kept)]
        tags = [[t[i] for i in k] for t, k in zip(tags, kept)]
    train, test = (
        TaggedSplit([sentences[i] for i in idx], [tags[i] for i in idx])
        for idx in splits.random_split(len(sentences), fraction, seed)
    )
    return TaggingData(name="treebank", train=train, test=test, tagset=sorted({t for ts in tags for t in ts}), **fields)


def load_alice() -> CorpusData:
    """The two Alice books: ``.books`` (title -> text) and ``.text`` (both, blank line between).

    Gutenberg header and licence are cut at the START/END markers.
    """
    records = get_files("alice")
    if records is None:
        books = {title: synthetic.corpus_text(1500, seed=i) for i, title in enumerate(ALICE_BOOKS.values())}
        return CorpusData(name="alice", source="synthetic", text="\n\n".join(books.values()), books=books)
    books = {ALICE_BOOKS[name]: parsers.read_gutenberg(rec.path) for name, rec in records.items()}
    return CorpusData(name="alice", text="\n\n".join(books.values()), books=books, **origin(records))


def load_fra_eng(*, max_pairs: int | None = None) -> PairsData:
    """English-French pairs from manythings' ``fra.txt``, in file order (short sentences first).

    ``max_pairs`` keeps the first pairs. The synthetic stand-in has 2,160 pairs.
    """
    max_pairs = splits.check_limit("max_pairs", max_pairs)
    records = get_files("fra_eng")
    if records is None:
        return PairsData(name="fra_eng", source="synthetic", pairs=synthetic.sentence_pairs(seed=0)[:max_pairs])
    pairs = parsers.read_fra_zip(next(iter(records.values())).path)[:max_pairs]
    return PairsData(name="fra_eng", pairs=pairs, **origin(records))
