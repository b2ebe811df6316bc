"""Sentence pairs for the translation lessons (11 seq2seq, 12 attention).

What both lessons share, so their BLEU numbers are comparable: normalisation,
the held-out split, vocabularies, teacher-forcing arrays, BLEU (sacrebleu).
:func:`prepare` does it all in one call; the models stay in the notebooks.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .text import Vocabulary, pad

BOS = "<bos>"
EOS = "<eos>"
#: The held-out split both lessons use, so their BLEU numbers are measured on the same pairs.
TEST_FRACTION = 0.1
SPLIT_SEED = 0

# letters that NFD does not decompose into "base letter + accent"
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l",
                            "’": "'", "‘": "'", "ʼ": "'"})
_SPACE_PUNCT = re.compile(r"\s*([.!?,])\s*")
_NOT_KEPT = re.compile(r"[^a-z0-9'.!?, ]+")
_LONE_APOSTROPHE = re.compile(r"(?<![a-z0-9])'|'(?![a-z0-9])")
_SPACES = re.compile(r"\s+")


@functools.lru_cache(maxsize=1 << 17)
def normalize(text: str) -> str:
    """One sentence -> lower-case ASCII words and ``. ! ? ,`` separated by single spaces.

    Accents are stripped (Unicode NFD, combining marks dropped: ``é`` -> ``e``),
    ligatures spelled out (``œ`` -> ``oe``), curly apostrophes made straight;
    apostrophes inside a word stay (``j'ai``, ``don't``); every other symbol
    (quotes, hyphens, ``«»``, ``:``) becomes a space.

    >>> normalize("Qu’est-ce que c’est ? « Un cœur ! »")
    "qu'est ce que c'est ? un coeur !"
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize() needs a str, got {type(text).__name__}")
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    s = text.lower().translate(_LIGATURES)
    s = _SPACE_PUNCT.sub(r" \1 ", s)
    s = _NOT_KEPT.sub(" ", s)
    s = _LONE_APOSTROPHE.sub(" ", s)
    return _SPACES.sub(" ", s).strip()


def tokenize(text: str) -> list[str]:
    """``normalize(text).split()``: the tokens the models see."""
    return normalize(text).split()


def split_pairs(
    pairs: Sequence[tuple[str, str]],
    test_fraction: float = TEST_FRACTION,
    seed: int = SPLIT_SEED,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Split ``pairs`` into ``(train, test)`` lists, deterministically, keeping their order.

    A pair goes to the test side when a hash of ``seed`` and its *normalised
    source* falls below ``test_fraction`` (so that share is approximate). Every
    translation of one source sentence lands on the same side, and a sentence
    keeps its side when ``pairs`` grows (quick-profile test pairs are test
    pairs in the full profile too).
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1 (exclusive), got {test_fraction}")
    train: list[tuple[str, str]] = []
    test: list[tuple[str, str]] = []
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(f"each pair must be (source, target), got {pair!r}")
        digest = hashlib.blake2b(f"{seed}\x00{normalize(pair[0])}".encode("utf-8"), digest_size=8).digest()
        (test if int.from_bytes(digest, "big") / 2.0**64 < test_fraction else train).append(tuple(pair))
    if not train or not test:
        raise ValueError(
            f"split_pairs(): {len(pairs)} pairs gave {len(train)} train and {len(test)} test pairs; "
            "use more pairs or a test_fraction further from 0 and 1"
        )
    return train, test


def build_vocabularies(
    src_token_lists: Iterable[Sequence[str]],
    tgt_token_lists: Iterable[Sequence[str]],
    min_freq: int = 1,
) -> tuple[Vocabulary, Vocabulary]:
    """Source and target vocabularies from tokenised *training* sentences.

    The source vocabulary has ``<pad>`` = 0 and ``<unk>`` = 1; the target
    vocabulary also reserves ``<bos>`` = 2 and ``<eos>`` = 3.
    """
    src = Vocabulary.build(src_token_lists, min_freq=min_freq)
    return src, Vocabulary.build(tgt_token_lists, min_freq=min_freq, specials=(BOS, EOS))


@dataclass
class TeacherForcingArrays:
    """Padded arrays for training an encoder-decoder with teacher forcing.

    ``encoder_input``: int32 ``(n, src_len)``, the source ids ``x``.
    ``decoder_input``: int32 ``(n, tgt_len)``, ``<bos> y`` (what the decoder reads).
    ``decoder_target``: int32 ``(n, tgt_len)``, ``y <eos>`` (what it must predict:
    the input shifted left by one). Padding is 0 at the end of every row, and the
    two decoder arrays are padding at exactly the same positions.
    """

    encoder_input: np.ndarray
    decoder_input: np.ndarray
    decoder_target: np.ndarray

    def __len__(self) -> int:
        return len(self.encoder_input)

    def __repr__(self) -> str:
        return (
            f"<TeacherForcingArrays n={len(self)}: encoder_input{self.encoder_input.shape}, "
            f"decoder_input{self.decoder_input.shape}, decoder_target{self.decoder_target.shape}>"
        )

    def inputs_and_target(self) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
        """``((encoder_input, decoder_input), decoder_target)``, ready for ``model.fit``."""
        return (self.encoder_input, self.decoder_input), self.decoder_target


def teacher_forcing_arrays(
    src_ids: Sequence[Sequence[int]],
    tgt_ids: Sequence[Sequence[int]],
    *,
    bos_id: int,
    eos_id: int,
    src_len: int | None = None,
    tgt_len: int | None = None,
) -> TeacherForcingArrays:
    """Encoder input, decoder input (``<bos>`` + y) and decoder target (y + ``<eos>``).

    ``src_ids`` / ``tgt_ids``: id lists without any special token. ``src_len``
    / ``tgt_len`` fix the padded widths (``None``: the longest row; the
    decoder arrays are one longer than the longest ``y``); longer rows are cut
    at the end, and a cut target keeps room for its ``<eos>``.
    """
    if len(src_ids) != len(tgt_ids):
        raise ValueError(f"{len(src_ids)} source sentences but {len(tgt_ids)} target sentences")
    if bos_id == eos_id or 0 in (bos_id, eos_id):
        raise ValueError(f"bos_id ({bos_id}) and eos_id ({eos_id}) must differ from each other and from padding (0)")
    if tgt_len is not None and tgt_len < 1:
        raise ValueError(f"tgt_len must be >= 1 (room for <eos>), got {tgt_len}")
    ys = [list(t) if tgt_len is None else list(t)[: tgt_len - 1] for t in tgt_ids]
    for y in ys:
        if bos_id in y or eos_id in y:
            raise ValueError("target ids already contain <bos> or <eos>; pass the bare sentences")
    if tgt_len is None:
        tgt_len = max((len(y) for y in ys), default=0) + 1
    return TeacherForcingArrays(
        encoder_input=pad(src_ids, maxlen=src_len, padding="post", truncating="post"),
        decoder_input=pad([[bos_id, *y] for y in ys], maxlen=tgt_len, padding="post"),
        decoder_target=pad([[*y, eos_id] for y in ys], maxlen=tgt_len, padding="post"),
    )


def ids_to_text(ids: Iterable[int], vocab: Vocabulary) -> str:
    """Decoder ids -> a sentence: stops at ``<eos>``, drops padding and ``<bos>``."""
    bos, eos = vocab.token_to_id.get(BOS), vocab.token_to_id.get(EOS)
    before_eos = itertools.takewhile(lambda i: i != eos, map(int, ids))
    return " ".join(vocab.decode(i for i in before_eos if i != bos))


def group_references(pairs: Sequence[tuple[str, str]]) -> tuple[list[str], list[list[str]]]:
    """Group pairs by normalised source: ``(sources, references)``, sources in first-seen order.

    ``references[i]`` lists every distinct normalised target of ``sources[i]`` (for BLEU).
    """
    refs: dict[str, dict[str, None]] = {}   # dicts keep the first-seen order and drop repeats
    for src, tgt in pairs:
        refs.setdefault(normalize(src), {})[normalize(tgt)] = None
    return list(refs), [list(r) for r in refs.values()]


def _references_per_sentence(hypotheses: Sequence[str],
                              references: Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
    if isinstance(hypotheses, str):
        raise TypeError("hypotheses must be a list of sentences, not one string")
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} reference entries")
    if not hypotheses:
        raise ValueError("BLEU needs at least one hypothesis")
    per_hyp = []
    for i, r in enumerate(references):
        r = [r] if isinstance(r, str) else list(r)
        if not r or not all(isinstance(x, str) for x in r):
            raise ValueError(f"references[{i}] must be a string or a non-empty list of strings, got {r!r}")
        per_hyp.append(r)
    return per_hyp


def corpus_bleu(hypotheses: Sequence[str], references: Sequence[str] | Sequence[Sequence[str]]) -> float:
    """Corpus BLEU (0-100) with sacrebleu.

    ``hypotheses``: n sentences. ``references``: n entries, each one
    reference string or a list of them (sentences may have different numbers
    of references). N-gram counts are pooled over the whole corpus before the
    precisions are taken, so this is not the mean of sentence BLEUs.
    """
    return bleu_from_counts(bleu_counts(hypotheses, references).sum(axis=0))


def bleu_counts(hypotheses: Sequence[str], references: Sequence[str] | Sequence[Sequence[str]]) -> np.ndarray:
    """Per sentence, the counts corpus BLEU pools: an ``(n, 10)`` array.

    Columns: hypothesis length, closest reference length, matched n-grams
    (n = 1..4), total n-grams (n = 1..4), as sacrebleu counts them. Summed
    over any subset of rows, :func:`bleu_from_counts` turns them into that
    subset's corpus BLEU (a cheap bootstrap over sentences).
    """
    import sacrebleu

    # force=True: our sentences are tokenised on purpose (spaces before punctuation); effective_order only
    # changes a sentence's own score (unused here), not its counts, and keeps sacrebleu from warning
    bleu = sacrebleu.BLEU(force=True, effective_order=True)
    scores = [bleu.sentence_score(h, r) for h, r in zip(hypotheses, _references_per_sentence(hypotheses, references))]
    return np.array([[s.sys_len, s.ref_len, *s.counts, *s.totals] for s in scores])


def bleu_from_counts(counts: np.ndarray) -> float:
    """Corpus BLEU (0-100) from counts summed over sentences (a row of :func:`bleu_counts` or their sum)."""
    import sacrebleu

    counts = np.asarray(counts)
    if counts.shape != (10,):
        raise ValueError(f"bleu_from_counts: expected the 10 summed counts, got shape {counts.shape}")
    sys_len, ref_len, correct, total = int(counts[0]), int(counts[1]), counts[2:6].tolist(), counts[6:].tolist()
    # corpus BLEU's own settings: sacrebleu.BLEU() smooths with "exp" and uses all four n-gram orders
    return float(sacrebleu.BLEU.compute_bleu(correct, total, sys_len, ref_len, smooth_method="exp").score)


def sentence_bleu(hypothesis: str, references: str | Sequence[str]) -> float:
    """Smoothed BLEU (0-100) of one sentence: for example tables, not for reporting."""
    import sacrebleu

    refs = [references] if isinstance(references, str) else list(references)
    if not refs:
        raise ValueError("sentence_bleu() needs at least one reference")
    return float(sacrebleu.sentence_bleu(hypothesis, refs).score)


@dataclass
class TranslationData:
    """Everything lessons 11 and 12 train and evaluate on (see :func:`prepare`).

    ``train_pairs`` / ``test_pairs``: the raw pairs of each side.
    ``train`` / ``test``: :class:`TeacherForcingArrays` (test ones for a test loss).
    ``test_sources``: the distinct normalised held-out source sentences;
    ``test_source_ids``: them as an int32 ``(m, src_len)`` array;
    ``test_references``: every normalised translation of each, for BLEU.
    """

    train_pairs: list[tuple[str, str]]
    test_pairs: list[tuple[str, str]]
    src_vocab: Vocabulary
    tgt_vocab: Vocabulary
    train: TeacherForcingArrays
    test: TeacherForcingArrays
    test_sources: list[str]
    test_source_ids: np.ndarray
    test_references: list[list[str]]

    @property
    def src_len(self) -> int:
        return int(self.train.encoder_input.shape[1])

    @property
    def tgt_len(self) -> int:
        return int(self.train.decoder_input.shape[1])

    @property
    def bos_id(self) -> int:
        return self.tgt_vocab.token_to_id[BOS]

    @property
    def eos_id(self) -> int:
        return self.tgt_vocab.token_to_id[EOS]

    def fingerprint(self) -> str:
        """A short hash of the held-out source sentences: equal strings mean equal test sets."""
        joined = "\n".join(self.test_sources).encode("utf-8")
        return hashlib.blake2b(joined, digest_size=6).hexdigest()

    def encode_sources(self, sentences: Sequence[str]) -> np.ndarray:
        """Raw or normalised source sentences -> int32 ``(len(sentences), src_len)``."""
        ids = [self.src_vocab.encode(tokenize(s)) for s in sentences]
        return pad(ids, maxlen=self.src_len, padding="post", truncating="post")

    def __repr__(self) -> str:
        return (
            f"<TranslationData: {len(self.train_pairs)} train / {len(self.test_pairs)} test pairs "
            f"({len(self.test_sources)} distinct test sources); vocab src={len(self.src_vocab)} "
            f"tgt={len(self.tgt_vocab)}; src_len={self.src_len}, tgt_len={self.tgt_len}>"
        )


def prepare(
    pairs: Sequence[tuple[str, str]],
    *,
    test_fraction: float = TEST_FRACTION,
    seed: int = SPLIT_SEED,
    min_freq: int = 1,
) -> TranslationData:
    """Split, tokenise, build vocabularies (on the training side only) and make arrays.

    Pairs whose source or target normalises to nothing are dropped. Widths are
    those of the longest training sentence (the target's with ``<bos>``/``<eos>``);
    test rows are padded or cut to the same widths.
    """
    kept = [(s, t) for s, t in pairs if tokenize(s) and tokenize(t)]
    train_pairs, test_pairs = split_pairs(kept, test_fraction=test_fraction, seed=seed)
    train_src = [tokenize(s) for s, _ in train_pairs]
    train_tgt = [tokenize(t) for _, t in train_pairs]
    src_vocab, tgt_vocab = build_vocabularies(train_src, train_tgt, min_freq)
    bos, eos = tgt_vocab.token_to_id[BOS], tgt_vocab.token_to_id[EOS]
    train = teacher_forcing_arrays(src_vocab.encode_many(train_src), tgt_vocab.encode_many(train_tgt),
                                   bos_id=bos, eos_id=eos)
    s_len, t_len = train.encoder_input.shape[1], train.decoder_input.shape[1]
    test = teacher_forcing_arrays(
        [src_vocab.encode(tokenize(s)) for s, _ in test_pairs],
        [tgt_vocab.encode(tokenize(t)) for _, t in test_pairs],
        bos_id=bos, eos_id=eos, src_len=s_len, tgt_len=t_len,
    )
    sources, references = group_references(test_pairs)
    source_ids = pad([src_vocab.encode(s.split()) for s in sources], maxlen=s_len, padding="post", truncating="post")
    return TranslationData(
        train_pairs=train_pairs,
        test_pairs=test_pairs,
        src_vocab=src_vocab,
        tgt_vocab=tgt_vocab,
        train=train,
        test=test,
        test_sources=sources,
        test_source_ids=source_ids,
        test_references=references,
    )
