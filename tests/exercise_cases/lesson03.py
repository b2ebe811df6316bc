"""Answers for lesson 03's exercises: one right, and the plausible mistakes."""

from collections import Counter

import numpy as np


def _counts(docs, vocab):
    column = {t: j for j, t in enumerate(vocab)}
    counts = np.zeros((len(docs), len(vocab)))
    for i, d in enumerate(docs):
        for t in d:
            counts[i, column[t]] += 1
    return counts


def tfidf(docs, vocab, sublinear_tf=False, smooth_idf=True):
    counts = _counts(docs, vocab)
    n, df = len(docs), (counts > 0).sum(axis=0)
    idf = (np.log((1 + n) / (1 + df)) if smooth_idf else np.log(n / df)) + 1
    tf = np.where(counts > 0, 1 + np.log(np.maximum(counts, 1)), 0) if sublinear_tf else counts
    x = tf * idf
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def tfidf_textbook(docs, vocab, sublinear_tf=False, smooth_idf=True):
    # n / |d| * log10(N / df), no normalisation: the source lesson's convention
    counts = _counts(docs, vocab)
    df = (counts > 0).sum(axis=0)
    return counts / counts.sum(axis=1, keepdims=True) * np.log10(len(docs) / df)


def tfidf_no_smoothing(docs, vocab, sublinear_tf=False, smooth_idf=True):
    return tfidf(docs, vocab, sublinear_tf, smooth_idf=False)


def tfidf_occurrences(docs, vocab, sublinear_tf=False, smooth_idf=True):
    # "document frequency" = total number of occurrences
    counts = _counts(docs, vocab)
    df = counts.sum(axis=0)
    x = counts * (np.log((1 + len(docs)) / (1 + df)) + 1)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def tfidf_no_l2(docs, vocab, sublinear_tf=False, smooth_idf=True):
    counts = _counts(docs, vocab)
    df = (counts > 0).sum(axis=0)
    return counts * (np.log((1 + len(docs)) / (1 + df)) + 1)


def tfidf_log1p(docs, vocab, sublinear_tf=False, smooth_idf=True):
    # sublinear tf as ln(1 + count)
    counts = _counts(docs, vocab)
    n, df = len(docs), (counts > 0).sum(axis=0)
    idf = (np.log((1 + n) / (1 + df)) if smooth_idf else np.log(n / df)) + 1
    x = (np.log1p(counts) if sublinear_tf else counts) * idf
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def tfidf_unsmoothed_without_plus_one(docs, vocab, sublinear_tf=False, smooth_idf=True):
    counts = _counts(docs, vocab)
    n, df = len(docs), (counts > 0).sum(axis=0)
    idf = np.log((1 + n) / (1 + df)) + 1 if smooth_idf else np.log(n / df)
    tf = np.where(counts > 0, 1 + np.log(np.maximum(counts, 1)), 0) if sublinear_tf else counts
    x = tf * idf
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def tfidf_ignores_options(docs, vocab, **options):
    return tfidf(docs, vocab)


def pad_truncate(sequences, maxlen, padding, truncating):
    out = np.zeros((len(sequences), maxlen), dtype="int32")
    for i, s in enumerate(sequences):
        s = list(s)
        if len(s) > maxlen:
            s = s[len(s) - maxlen:] if truncating == "pre" else s[:maxlen]
        if not s:
            continue
        if padding == "post":
            out[i, :len(s)] = s
        else:
            out[i, maxlen - len(s):] = s
    return out


def pad_truncate_sides_swapped(sequences, maxlen, padding, truncating):
    # "pre" read as "keep the front"
    return pad_truncate(sequences, maxlen, padding, "post" if truncating == "pre" else "pre")


def pad_truncate_ignores_truncating(sequences, maxlen, padding, truncating):
    return pad_truncate(sequences, maxlen, padding, "post")


def pad_truncate_negative_slice(sequences, maxlen, padding, truncating):
    # row[-len(s):] = s breaks for an empty sequence (-0 is 0: the whole row)
    out = np.zeros((len(sequences), maxlen), dtype="int32")
    for i, s in enumerate(sequences):
        s = list(s)[-maxlen:] if truncating == "pre" else list(s)[:maxlen]
        if padding == "post":
            out[i, :len(s)] = s
        else:
            out[i, -len(s):] = s
    return out


def build_vocab(token_lists, max_size):
    counts = Counter(t for tokens in token_lists for t in tokens)
    ranked = sorted(counts, key=lambda t: (-counts[t], t))
    return ["<pad>", "<unk>"] + ranked[:max_size - 2]


def build_vocab_most_common(token_lists, max_size):
    counts = Counter(t for tokens in token_lists for t in tokens)
    return ["<pad>", "<unk>"] + [t for t, _ in counts.most_common(max_size - 2)]


def build_vocab_reserved_not_counted(token_lists, max_size):
    counts = Counter(t for tokens in token_lists for t in tokens)
    ranked = sorted(counts, key=lambda t: (-counts[t], t))
    return ["<pad>", "<unk>"] + ranked[:max_size]


def build_vocab_no_reserved(token_lists, max_size):
    counts = Counter(t for tokens in token_lists for t in tokens)
    return sorted(counts, key=lambda t: (-counts[t], t))[:max_size]


CASES = {
    "03.1": (tfidf, [tfidf_textbook, tfidf_no_smoothing, tfidf_occurrences, tfidf_no_l2, tfidf_log1p,
                     tfidf_unsmoothed_without_plus_one, tfidf_ignores_options]),
    "03.2": (pad_truncate, [pad_truncate_sides_swapped, pad_truncate_ignores_truncating,
                            pad_truncate_negative_slice]),
    "03.3": (build_vocab, [build_vocab_most_common, build_vocab_reserved_not_counted, build_vocab_no_reserved]),
}
