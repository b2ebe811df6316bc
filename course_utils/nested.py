"""Nested sequences for hierarchical models: documents of sentences of words, words of characters.

A hierarchical recurrent network reads a 3-D batch, ``(items, outer, inner)``:
documents x sentences x words, or sentences x words x characters. Id 0 is
padding at both levels, so a mask follows from the ids themselves.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from .text import HTML_BREAK, Vocabulary, pad, tokenize

Nested = Sequence[Sequence[Sequence[int]]]


def split_documents(texts: Sequence[str]) -> list[list[list[str]]]:
    """Each text as a list of sentences, each a list of lower-cased words (punctuation dropped).

    Sentences come from spaCy's rule-based ``sentencizer`` (no model download);
    words from :func:`course_utils.text.tokenize`, as in the flat lessons. HTML
    line breaks (``<br />``) become spaces. Sentences with no word are dropped,
    so every sentence has at least one word (a text with none gives ``[]``).
    """
    import spacy

    if isinstance(texts, str):
        raise TypeError("split_documents() needs a list of texts, got one string; wrap it in a list")
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    out: list[list[list[str]]] = []
    for doc in nlp.pipe(HTML_BREAK.sub(" ", t) for t in texts):
        sentences = (tokenize(s.text, punctuation=False) for s in doc.sents)
        out.append([s for s in sentences if s])
    return out


def char_ids(sentences: Sequence[Sequence[str]], chars: Vocabulary,
             max_word_len: int | None = None) -> list[list[list[int]]]:
    """Every word of every sentence as a list of character ids (unknown characters -> ``chars.oov_id``).

    Words longer than ``max_word_len`` keep their first and last characters
    (half each), since both prefixes and suffixes carry grammar.
    """
    if max_word_len is not None and max_word_len < 2:
        raise ValueError(f"max_word_len must be >= 2, got {max_word_len}")
    out = []
    for sentence in sentences:
        if isinstance(sentence, str):
            raise TypeError("char_ids() needs sentences as lists of words, got a string")
        words = []
        for word in sentence:
            if max_word_len is not None and len(word) > max_word_len:
                head = max_word_len - max_word_len // 2
                word = word[:head] + word[len(word) - max_word_len // 2:]
            words.append(chars.encode(list(word)))
        out.append(words)
    return out


def truncate(items: Nested, max_outer: int, max_inner: int) -> list[list[list[Any]]]:
    """The first ``max_outer`` units of every item, each cut to its first ``max_inner`` elements."""
    if max_outer < 1 or max_inner < 1:
        raise ValueError(f"max_outer and max_inner must be >= 1, got {max_outer} and {max_inner}")
    return [[list(unit[:max_inner]) for unit in item[:max_outer]] for item in items]


def pad_nested(items: Nested, max_outer: int | None = None, max_inner: int | None = None) -> np.ndarray:
    """Nested id lists -> a zero-padded int32 ``(n, max_outer, max_inner)`` array (padding at the end).

    ``None`` for a size means the longest in ``items``; longer items or units
    are truncated (their beginning kept). Id 0 is padding, so a real id must
    never be 0 (:class:`~course_utils.text.Vocabulary` reserves it).
    """
    for i, item in enumerate(items):
        if isinstance(item, (str, bytes)) or (len(item) and _depth(item[0]) != 1):
            raise ValueError(f"pad_nested() needs items that are lists of id lists; item {i} is not")
    if max_outer is None:
        max_outer = max((len(item) for item in items), default=0)
    if max_inner is None:
        max_inner = max((len(unit) for item in items for unit in item), default=0)
    if max_outer < 0 or max_inner < 0:
        raise ValueError(f"sizes must be >= 0, got max_outer={max_outer}, max_inner={max_inner}")
    out = np.zeros((len(items), max_outer, max_inner), dtype="int32")
    for i, item in enumerate(items):
        for j, unit in enumerate(item[:max_outer]):
            unit = unit[:max_inner]
            out[i, j, : len(unit)] = unit
    return out


def nested_masks(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(inner_mask, outer_mask)`` of a padded ``(n, outer, inner)`` id array.

    ``inner_mask[i, s, w]`` is true for a real element (id != 0);
    ``outer_mask[i, s]`` is true when unit ``s`` has at least one real element.
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"nested_masks() needs a 3-D (items, outer, inner) array, got shape {x.shape}")
    inner = x != 0
    return inner, inner.any(axis=-1)


def _depth(value: Any) -> int:
    """0 for a scalar, 1 for a list of scalars, 2 for a list of lists (an empty list counts as 1)."""
    depth = 0
    while isinstance(value, (list, tuple, np.ndarray)):
        depth += 1
        if len(value) == 0:
            break
        value = value[0]
    return depth


def _pad_batch(values: Sequence[Any]) -> np.ndarray:
    """A batch of labels ``(n,)``, of id lists ``(n, time)`` or of nested id lists ``(n, outer, inner)``."""
    depth = _depth(values[0])
    if depth == 0:
        return np.asarray(values)
    return pad(values) if depth == 1 else pad_nested(values)


def nested_batches(inputs: Mapping[str, Sequence[Any]] | Sequence[Any], targets: Sequence[Any],
                   batch_size: int, shuffle: bool = True, seed: int = 0) -> Any:
    """A ``tf.data.Dataset`` of ``(x, y)`` batches of nested sequences, each padded to its own longest.

    ``inputs`` is one list of items, or a dict of parallel lists (e.g. word ids
    ``(time,)`` and character ids ``(time, chars)``); ``targets`` has one label
    per item, or one per outer unit. Every level is padded with 0. With
    ``shuffle``, each epoch sorts the items by length plus noise, cuts batches
    and shuffles their order, so similar lengths share a batch; without it,
    batches keep the items' order. The dataset knows its length (``len(ds)``).
    """
    import tensorflow as tf

    named = isinstance(inputs, Mapping)
    columns = dict(inputs) if named else {"x": inputs}
    n = len(targets)
    if n == 0:
        raise ValueError("nested_batches() needs at least one item")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    for name, values in columns.items():
        if len(values) != n:
            raise ValueError(f"input {name!r} has {len(values)} items but there are {n} targets")
    first = next(iter(columns.values()))
    lengths = np.array([len(item) for item in first])
    if lengths.min() == 0:
        raise ValueError("items with no units cannot be batched; drop them first")
    n_batches = -(-n // batch_size)
    rng = np.random.default_rng(seed)

    def batches() -> Iterator[tuple[Any, np.ndarray]]:
        if shuffle:
            order = np.argsort(lengths + rng.uniform(0, 2, size=n), kind="stable")
            starts = rng.permutation(n_batches) * batch_size
        else:
            order, starts = np.arange(n), np.arange(n_batches) * batch_size
        for start in starts:
            idx = order[start: start + batch_size]
            x = {k: _pad_batch([v[i] for i in idx]) for k, v in columns.items()}
            y = _pad_batch([targets[i] for i in idx])
            yield (x if named else x["x"]), y

    def spec(a: np.ndarray) -> Any:
        return tf.TensorSpec((None,) * a.ndim, tf.as_dtype(a.dtype))

    x0, y0 = next(batches())
    x_spec = {k: spec(v) for k, v in x0.items()} if named else spec(x0)
    ds = tf.data.Dataset.from_generator(batches, output_signature=(x_spec, spec(y0)))
    ds = ds.apply(tf.data.experimental.assert_cardinality(n_batches))
    return ds.prefetch(tf.data.AUTOTUNE)
