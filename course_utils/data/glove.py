"""The ``glove`` loader: GloVe 6B vectors, 50 dimensions, from the full release or its 10k subset,
as :class:`~course_utils.data.types.WordVectors` (a synthetic stand-in in the quick profile)."""

from __future__ import annotations

from .. import splits
from . import fetch, parsers, processed, synthetic
from .common import get_files, origin
from .registry import DATASETS
from .types import WordVectors

VOCABS = ("auto", "10k", "400k")
FULL = "glove.6B.zip"  # the release: 400,000 words in glove.6B.50d.txt
SUBSET = "glove.6B.50d.10k.zip"  # its 10,000 most frequent words
MEMBERS = {FULL: "glove.6B.50d.txt", SUBSET: "glove.6B.50d.10k.txt"}
DIM = 50
FULL_WORDS = 400_000


def load_glove(*, vocab: str = "auto", max_words: int | None = None) -> WordVectors:
    """GloVe 6B vectors, 50 dimensions: ``.words`` (most frequent first), ``.vectors`` (n, 50) float32.

    ``vocab``: ``"auto"`` (default) reads the full release ``glove.6B.zip``
    (400,000 words) if it is already in the cache or a mirror, else the copy of
    its 10,000 most frequent words (``glove.6B.50d.10k.zip``: cache, mirror,
    then a 1.7 MB download); ``"10k"`` always the subset; ``"400k"`` the full
    release (downloading 822 MB if needed). ``max_words`` keeps the most
    frequent words. ``.subset`` is True, with a note in ``.notes``, when fewer
    than the published words were read. ``wv[word]``, ``word in wv`` and
    ``wv.index(word)`` look words up. The parse is cached (``processed/``).
    """
    if vocab not in VOCABS:
        raise ValueError(f"vocab must be one of {', '.join(VOCABS)}; got {vocab!r}")
    max_words = splits.check_limit("max_words", max_words)
    # never 822 MB unasked: "auto" takes the full release only if it is already here
    full = vocab == "400k" or (vocab == "auto" and fetch.locate(DATASETS["glove"].file(FULL)) is not None)
    records = get_files("glove", FULL if full else SUBSET)
    if records is None:  # quick profile: a stand-in with planted clusters
        words, vectors = synthetic.word_vectors(seed=0, dim=DIM)
        note = (
            "SYNTHETIC: made-up vectors with planted clusters (sentiment words, topics, "
            "king/queen-style pairs) for the synthetic texts; not GloVe, numbers mean nothing."
        )
        return WordVectors(
            name="glove", source="synthetic", words=words[:max_words], vectors=vectors[:max_words], notes=[note]
        )
    (record,) = records.values()
    member = MEMBERS[FULL if full else SUBSET]
    raw = processed.cached(
        "glove_400k" if full else "glove_10k",
        lambda: parsers.read_glove_zip(record.path, member, dim=DIM),
        record.sha256,
        member,
    )
    words, vectors = raw["words"][:max_words], raw["vectors"][:max_words]
    published = len(raw["words"]) if full else FULL_WORDS
    notes = []
    if len(words) < published:
        why = (
            f"max_words={max_words}" if full
            else f"read from {SUBSET}; for all of them put {FULL} in the cache or a mirror "
            "folder, or use vocab='400k' online"
        )
        notes.append(
            f"SUBSET: only the {len(words):,} most frequent of the {published:,} words of GloVe 6B ({why}). "
            "Rarer words have no vector here, so a task vocabulary is covered less than by the full file."
        )
    return WordVectors(
        name="glove", words=words, vectors=vectors, subset=bool(notes), notes=notes, **origin(records)
    )
