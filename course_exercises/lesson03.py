"""Lesson 03 (text preprocessing): TF-IDF with scikit-learn's conventions, padding and truncation, a vocabulary."""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable

import numpy as np

from course_utils import text
from .core import Check, _short, exercise
from .references import made_up_words


def _tfidf(docs: list[list[str]], vocab: list[str], *, smooth: bool = True, plus_one: bool = True, l2: bool = True,
           tf: str = "count", log: Any = np.log, df_mode: str = "docs") -> np.ndarray:
    """TF-IDF; the defaults are scikit-learn's TfidfVectorizer, the keywords its options and the typical mistakes.

    ``tf``: "count" (default), "sublinear" (1 + ln count, ``sublinear_tf=True``), or the mistakes
    "share" (count / |d|) and "log1p" (ln(1 + count)).
    """
    counts = np.array([[d.count(t) for t in vocab] for d in docs], dtype=float)
    n = len(docs)
    df = (counts > 0).sum(axis=0) if df_mode == "docs" else counts.sum(axis=0)
    with np.errstate(divide="ignore"):
        idf = (log((1 + n) / (1 + df)) if smooth else log(n / df)) + (1 if plus_one else 0)
    tfs = {"count": counts, "sublinear": np.where(counts > 0, 1 + np.log(np.maximum(counts, 1)), 0.0),
           "log1p": np.log1p(counts), "share": counts / counts.sum(axis=1, keepdims=True)}[tf]
    x = tfs * idf
    return x / np.linalg.norm(x, axis=1, keepdims=True) if l2 else x


def _corpus(ck: Check) -> tuple[list[list[str]], list[str]]:
    """Random documents with a Zipf-like word distribution (some words common, many rare), and their vocabulary."""
    words = made_up_words(ck, int(ck.rng.integers(8, 20)))
    n_docs, p = int(ck.rng.integers(4, 12)), 1 / np.arange(1, len(words) + 1)
    order = ck.rng.permutation(len(words))
    docs = [[words[order[k]] for k in ck.rng.choice(len(words), size=int(ck.rng.integers(3, 15)), p=p / p.sum())]
            for _ in range(n_docs)]
    return docs, sorted({t for d in docs for t in d})


@exercise("03.1", "TF-IDF with scikit-learn's conventions and options")
def check_03_1(ck: Check, tfidf: Callable[..., Any]) -> None:
    """``tfidf(docs, vocab, sublinear_tf=False, smooth_idf=True)`` -> (len(docs), len(vocab)), as TfidfVectorizer."""
    ck.is_callable(tfidf, "tfidf")
    mistakes = [
        (dict(tf="share", log=np.log10, smooth=False, plus_one=False, l2=False),
         "this is the textbook TF-IDF (n/|d| * log10(N/df), rows not normalised), not scikit-learn's",
         "to compare with a library, use its conventions: raw counts, a smoothed natural-log idf plus 1, "
         "and rows scaled to unit length (section 5)"),
        (dict(l2=False), "the rows are not scaled to unit length",
         "scikit-learn's default norm='l2' divides each document's row by its Euclidean length"),
        (dict(plus_one=False), "the idf lacks the final + 1",
         "scikit-learn adds 1 to the logarithm, so that a word in every document still counts a little"),
        (dict(smooth=False), "the idf is not smoothed",
         "smooth_idf=True adds 1 to N and to every df, as if one extra document contained every word"),
        (dict(tf="share", l2=False), "the term frequency is divided by the document length",
         "scikit-learn's tf is the raw count; the L2 normalisation takes care of long documents"),
        (dict(log=np.log10), "the logarithm has the wrong base", "scikit-learn uses the natural logarithm"),
        (dict(df_mode="occurrences"), "the document frequency counts occurrences",
         "df_t is the number of DOCUMENTS that contain t, however often they contain it "
         "(the source lesson's bug (b))"),
    ]

    def run(docs: list[list[str]], vocab: list[str], **options: bool) -> np.ndarray:
        shown = ", ".join(f"{k}={v}" for k, v in options.items())
        out = ck.call(tfidf, [list(d) for d in docs], list(vocab), **options,
                      what=f"tfidf(docs, vocab{', ' + shown if shown else ''})")
        return ck.shape(out, (len(docs), len(vocab)), "the TF-IDF matrix",
                        hint="one row per document, one column per vocabulary word, in the order of vocab")

    # 1. the defaults (section 5)
    for trial in range(3):
        docs, vocab = _corpus(ck)
        wrong = [(_tfidf(docs, vocab, **kwargs), f"{what} (random corpus {trial + 1})", hint)
                 for kwargs, what, hint in mistakes]
        wrong += [(_tfidf(docs, vocab, l2=False, **kwargs), f"the rows are not scaled to unit length, and {what}", hint)
                  for kwargs, what, hint in mistakes if "l2" not in kwargs]     # two mistakes at once
        ck.close(run(docs, vocab), _tfidf(docs, vocab), f"the TF-IDF matrix of random corpus {trial + 1} (default "
                 "settings)", "count * idf with idf = ln((1 + N) / (1 + df)) + 1, then each row scaled to unit length",
                 mistakes=wrong)
    ck.passed("default settings: matches TfidfVectorizer() on 3 random corpora")

    # 2. the options, one at a time and together: (label, options, the reference's keywords, mistakes, hint)
    for label, options, keywords, option_mistakes, hint in [
        ("sublinear_tf=True", dict(sublinear_tf=True, smooth_idf=True), dict(tf="sublinear"),
         [({}, "sublinear_tf=True changed nothing", "with sublinear_tf=True the raw count c is replaced by 1 + ln(c)"),
          (dict(tf="log1p"), "sublinear_tf=True uses ln(1 + count)",
           "scikit-learn uses 1 + ln(count) (for count > 0; zeros stay zeros), not ln(1 + count)")],
         "only the term frequency changes: 1 + ln(count) for the words a document contains"),
        ("smooth_idf=False", dict(sublinear_tf=False, smooth_idf=False), dict(smooth=False),
         [({}, "smooth_idf=False changed nothing", "without smoothing, N and df are used as they are"),
          (dict(smooth=False, plus_one=False), "with smooth_idf=False the idf lacks the + 1",
           "smooth_idf only removes the + 1 inside the fraction; the + 1 after the logarithm stays")],
         "idf = ln(N / df) + 1 without smoothing"),
        ("sublinear_tf=True and smooth_idf=False", dict(sublinear_tf=True, smooth_idf=False),
         dict(tf="sublinear", smooth=False), [],
         "the two options act independently: one on the term frequency, one on the idf"),
    ]:
        docs, vocab = _corpus(ck)
        ck.close(run(docs, vocab, **options), _tfidf(docs, vocab, **keywords), f"the TF-IDF matrix with {label}", hint,
                 mistakes=[(_tfidf(docs, vocab, **kwargs), *named) for kwargs, *named in option_mistakes])
        ck.passed(label)


@exercise("03.2", "padding and truncation, pre and post")
def check_03_2(ck: Check, pad_truncate: Callable[..., Any]) -> None:
    """``pad_truncate(sequences, maxlen, padding, truncating)`` -> int array (n, maxlen), padding id 0."""
    ck.is_callable(pad_truncate, "pad_truncate")
    hints = {
        "padding": 'padding="pre" puts the zeros in front of the sequence, "post" after it',
        "truncating": 'truncating="pre" removes tokens from the front (keeps the END of a long sequence), '
                      '"post" removes them from the back (keeps the beginning)',
    }
    for trial in range(2):
        maxlen = int(ck.rng.integers(4, 9))
        lengths = [*ck.rng.integers(1, maxlen, size=2), maxlen, *ck.rng.integers(maxlen + 1, 3 * maxlen, size=2)]
        seqs = [[int(v) for v in ck.rng.integers(1, 100, size=int(n))] for n in lengths]
        short = np.array(lengths) < maxlen           # the rows to pad; the others are cut (or fit exactly)
        for padding in ("pre", "post"):
            for truncating in ("pre", "post"):
                what = f"pad_truncate(..., maxlen={maxlen}, padding={padding!r}, truncating={truncating!r})"
                out = ck.call(pad_truncate, [list(s) for s in seqs], maxlen, padding, truncating, what=what)
                arr = ck.shape(out, (len(seqs), maxlen), what,
                               hint="one row per sequence, exactly maxlen columns")
                expected = text.pad(seqs, maxlen, padding=padding, truncating=truncating)
                other = "post" if truncating == "pre" else "pre"
                if np.array_equal(arr, text.pad(seqs, maxlen, padding=padding, truncating=other)):
                    kept = "beginning" if truncating == "pre" else "end"
                    ck.fail(f"{what} keeps the {kept} of long sequences", hints["truncating"])
                if not np.array_equal(arr[short], expected[short]):
                    ck.fail(f"{what} pads the short sequences wrongly", hints["padding"])
                if not np.array_equal(arr[~short], expected[~short]):
                    ck.fail(f"{what} cuts the long sequences wrongly", hints["truncating"])
    ck.passed("all four padding/truncating combinations on short, exact and long sequences")

    seqs = [[5, 6, 7], [], [1, 2, 3, 4, 5, 6, 7, 8, 9]]
    empty_hint = "an empty sequence becomes a row of zeros; beware of slices like row[-len(s):]: -0 is 0, the whole row"
    for padding in ("pre", "post"):
        what = f"pad_truncate with an empty sequence in the batch (padding={padding!r})"
        out = ck.call(pad_truncate, [list(s) for s in seqs], 5, padding, "pre", what=what, hint=empty_hint)
        ck.require(np.array_equal(ck.shape(out, (3, 5), what), text.pad(seqs, 5, padding=padding, truncating="pre")),
                   f"{what} is wrong", empty_hint)
    ck.passed("an empty sequence becomes a row of padding")


@exercise("03.3", "a vocabulary with reserved ids")
def check_03_3(ck: Check, build_vocab: Callable[..., Any]) -> None:
    """``build_vocab(token_lists, max_size)`` -> the id-to-token list of ``Vocabulary.build``."""
    ck.is_callable(build_vocab, "build_vocab")
    for trial in range(3):
        words = made_up_words(ck, int(ck.rng.integers(10, 16)))
        # few distinct counts, so that ties are certain
        docs = [[w] * int(ck.rng.integers(1, 4)) for w in ck.rng.permutation(words) for _ in range(2)]
        docs = [[t for d in docs[k:k + 3] for t in d] for k in range(0, len(docs), 3)]
        counts = Counter(t for d in docs for t in d)
        max_size = int(ck.rng.integers(6, len(counts)))
        out = ck.call(build_vocab, [list(d) for d in docs], max_size)
        if not isinstance(out, (list, tuple)) or not all(isinstance(t, str) for t in out):
            ck.fail(f"build_vocab should return a list of tokens (strings), got {type(out).__name__}",
                    "return the id -> token list: element i is the token with id i")
        out = list(out)
        expected = text.Vocabulary.build(docs, max_size=max_size).id_to_token
        if out[:2] != [text.PAD, text.OOV]:
            ck.fail(f"ids 0 and 1 are {[str(t) for t in out[:2]]}, not the reserved tokens",
                    f"id 0 must be {text.PAD!r} (padding) and id 1 {text.OOV!r} (out of vocabulary)")
        if len(out) != len(expected):
            ck.fail(f"the vocabulary has {len(out)} ids for max_size={max_size}; expected {len(expected)}",
                    "max_size counts every id, the two reserved ones included (like Keras' max_tokens)")
        by_count = [counts[t] for t in out[2:]]
        if by_count != sorted(by_count, reverse=True) or any(t not in counts for t in out[2:]):
            ck.fail("the tokens are not ordered from most to least frequent",
                    "after the reserved ids come the tokens by decreasing count")
        most_common = [text.PAD, text.OOV] + [t for t, _ in counts.most_common(max_size - 2)]
        if out == most_common and out != expected:
            ck.fail("tokens with equal counts are in order of first appearance (Counter.most_common)",
                    "break ties alphabetically, so that the vocabulary does not depend on the order of the data")
        ck.require(out == expected, f"the vocabulary of random corpus {trial + 1} is {_short(out)}; that is not right",
                   "among tokens with the same count, alphabetical order decides")
    ck.passed("same ids as Vocabulary.build on 3 random corpora with ties")
