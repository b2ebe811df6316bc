"""Tokens, vocabularies (padding id 0, out-of-vocabulary id 1), padding and length bucketing."""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from . import files

PAD = "<pad>"
OOV = "<unk>"

_TOKEN_RE = re.compile(r"[\w']+|[^\w\s]", re.UNICODE)
HTML_BREAK = re.compile(r"<br\s*/?>", flags=re.IGNORECASE)   # IMDB reviews contain "<br /><br />"


def tokenize(text: str, lower: bool = True, punctuation: bool = True) -> list[str]:
    """Split ``text`` into word tokens (and punctuation tokens if ``punctuation``).

    >>> tokenize("Don't panic, Alice!")
    ["don't", 'panic', ',', 'alice', '!']
    """
    if not isinstance(text, str):
        raise TypeError(f"tokenize() needs a str, got {type(text).__name__}")
    if lower:
        text = text.lower()
    tokens = _TOKEN_RE.findall(text)
    if not punctuation:
        tokens = [t for t in tokens if re.match(r"[\w']", t)]
    return tokens


def review_words(text: str) -> list[str]:
    """The lower-cased words of a review (punctuation dropped), its HTML line breaks replaced by spaces."""
    return tokenize(HTML_BREAK.sub(" ", text), punctuation=False)


class Vocabulary:
    """A mapping between tokens and integer ids.

    Id 0 is always padding (``<pad>``) and id 1 out-of-vocabulary (``<unk>``);
    optional ``specials`` (e.g. ``("<bos>", "<eos>")``) come next, then the
    tokens from most to least frequent (ties broken alphabetically, so a
    vocabulary built twice from the same data is identical).
    """

    pad_id = 0
    oov_id = 1

    def __init__(self, tokens: Sequence[str], specials: Sequence[str] = ()) -> None:
        """Make a vocabulary from an ordered token list (without the reserved ones)."""
        self.id_to_token: list[str] = [PAD, OOV, *specials, *tokens]
        if len(set(self.id_to_token)) != len(self.id_to_token):
            raise ValueError(f"tokens and specials {list(specials)} must be unique and differ from {PAD} and {OOV}")
        self.token_to_id: dict[str, int] = {t: i for i, t in enumerate(self.id_to_token)}

    @classmethod
    def build(
        cls,
        token_lists: Iterable[Sequence[str]],
        max_size: int | None = None,
        min_freq: int = 1,
        specials: Sequence[str] = (),
    ) -> "Vocabulary":
        """Count tokens in ``token_lists`` and keep the most frequent.

        ``max_size`` counts every id, reserved ones included (like Keras'
        ``max_tokens``); ``min_freq`` drops rarer tokens.
        """
        counts: Counter[str] = Counter()
        for tokens in token_lists:
            if isinstance(tokens, str):
                raise TypeError("build() needs token lists; tokenize the texts first")
            counts.update(tokens)
        reserved = 2 + len(specials)
        if max_size is not None and max_size < reserved:
            raise ValueError(f"max_size={max_size} leaves no room: {reserved} ids are reserved")
        for special in (PAD, OOV, *specials):
            counts.pop(special, None)
        ranked = sorted((t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t))
        if max_size is not None:
            ranked = ranked[: max_size - reserved]
        return cls(ranked, specials=specials)

    def __len__(self) -> int:
        return len(self.id_to_token)

    def __contains__(self, token: object) -> bool:
        return token in self.token_to_id

    def __repr__(self) -> str:
        head = ", ".join(self.id_to_token[: min(8, len(self))])
        return f"Vocabulary({len(self)} ids: {head}, ...)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocabulary) and self.id_to_token == other.id_to_token

    def id(self, token: str) -> int:
        """The id of ``token`` (the OOV id if unknown)."""
        return self.token_to_id.get(token, self.oov_id)

    def encode(self, tokens: Sequence[str]) -> list[int]:
        """Tokens -> ids; unknown tokens become the OOV id (1)."""
        if isinstance(tokens, str):
            raise TypeError("encode() needs a list of tokens, not a string; tokenize it first")
        get = self.token_to_id.get
        return [get(t, self.oov_id) for t in tokens]

    def encode_many(self, token_lists: Iterable[Sequence[str]]) -> list[list[int]]:
        """Encode several token lists."""
        return [self.encode(t) for t in token_lists]

    def decode(self, ids: Iterable[int], skip_pad: bool = True) -> list[str]:
        """Ids -> tokens; padding ids are dropped unless ``skip_pad`` is False."""
        ids = [int(i) for i in ids]
        bad = [i for i in ids if not 0 <= i < len(self)]
        if bad:
            raise ValueError(f"ids {bad} are outside this vocabulary (0..{len(self) - 1})")
        return [self.id_to_token[i] for i in ids if not (skip_pad and i == self.pad_id)]

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the vocabulary as JSON (atomically: no half-written file)."""
        payload = {"format": "rnn-course-vocabulary/1", "tokens": self.id_to_token}
        return files.write_text_atomic(path, json.dumps(payload, ensure_ascii=False))

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> "Vocabulary":
        """Read a vocabulary written by :meth:`save`."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != "rnn-course-vocabulary/1":
            raise ValueError(f"{path} is not a vocabulary saved by Vocabulary.save()")
        return cls(data["tokens"][2:])   # the same ids; special tokens read back as ordinary ones


def pad(
    sequences: Sequence[Sequence[Any]],
    maxlen: int | None = None,
    padding: str = "post",
    truncating: str = "post",
    value: Any = 0,
    dtype: str | np.dtype = "int32",
) -> np.ndarray:
    """Pad (or truncate) sequences to one length: ``(n,)`` lists -> ``(n, maxlen)`` array.

    ``keras.utils.pad_sequences`` with the course's defaults (post, post):
    ``padding="post"`` adds ``value`` at the end, ``"pre"`` at the start;
    ``truncating="post"`` keeps the beginning of long sequences, ``"pre"``
    keeps the end. ``maxlen=None`` uses the longest sequence.
    """
    import keras

    return keras.utils.pad_sequences(sequences, maxlen, dtype, padding, truncating, value)


def padding_fraction(batch: Any, pad_id: int = 0) -> float:
    """The share of positions in a padded batch ``(batch, time)`` equal to ``pad_id``."""
    arr = np.asarray(batch)
    if arr.ndim != 2:
        raise ValueError(f"padding_fraction() needs a 2-D (batch, time) array, got shape {arr.shape}")
    if arr.size == 0:
        return 0.0
    return float(np.mean(arr == pad_id))


def _per_token_targets(sequences: Sequence[Sequence[int]], targets: Sequence[Any] | np.ndarray) -> bool:
    """Check that ``targets`` fit ``sequences``; True when they hold one label per token."""
    if len(sequences) != len(targets):
        raise ValueError(f"{len(sequences)} sequences but {len(targets)} targets")
    per_token = len(targets) > 0 and not np.isscalar(targets[0]) and np.ndim(targets[0]) == 1
    if per_token and any(len(t) != len(s) for t, s in zip(targets, sequences)):
        raise ValueError("per-token targets must have the same length as their sequences")
    return per_token


def length_boundaries(lengths: Sequence[int], n_buckets: int = 8) -> list[int]:
    """Bucket boundaries at length quantiles, for :func:`bucketed_dataset`.

    Returns up to ``n_buckets - 1`` increasing boundaries (a sequence of
    length ``L`` goes to the first bucket whose boundary is ``> L``).
    """
    lengths = np.asarray(lengths)
    if lengths.size == 0:
        raise ValueError("length_boundaries() needs at least one length")
    qs = np.quantile(lengths, np.linspace(0, 1, n_buckets + 1)[1:-1])
    return sorted({int(q) + 1 for q in qs})


def bucketed_dataset(
    sequences: Sequence[Sequence[int]],
    targets: Sequence[Any] | np.ndarray,
    batch_size: int,
    boundaries: Sequence[int] | None = None,
    n_buckets: int = 8,
    shuffle: bool = True,
    seed: int = 0,
) -> Any:
    """A ``tf.data.Dataset`` of ``(x, y)`` batches grouped by sequence length.

    ``sequences`` are id lists of varying length; ``targets`` is either one
    label per sequence (``(n,)``) or one label per token (lists as long as the
    sequences). Each batch is padded with 0 (post) only to its own longest
    sequence. Boundaries default to :func:`length_boundaries` with ``n_buckets``.
    The dataset declares its number of batches per epoch (``len(ds)``).
    """
    import tensorflow as tf

    per_token = _per_token_targets(sequences, targets)
    if len(sequences) == 0:
        raise ValueError("bucketed_dataset() needs at least one sequence")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    lengths = [len(s) for s in sequences]
    if min(lengths) == 0:
        raise ValueError("empty sequences cannot be batched; drop them first")
    if boundaries is None:
        boundaries = length_boundaries(lengths, n_buckets)
    boundaries = list(boundaries)

    # Ragged tensors indexed in graph mode: far faster than a Python generator (~1 ms per item, every epoch).
    def ragged(rows: Any) -> Any:
        return tf.RaggedTensor.from_row_lengths(np.concatenate(rows).astype(np.int32), lengths)

    x, y = ragged(sequences), (ragged(targets) if per_token else tf.constant(np.asarray(targets)))
    ds = tf.data.Dataset.range(len(lengths))
    if shuffle:  # a new order every epoch, so a new membership of every bucket's batches
        ds = ds.shuffle(len(lengths), seed=seed, reshuffle_each_iteration=True)
    ds = ds.map(lambda i: (x[i], y[i])).bucket_by_sequence_length(
        element_length_func=lambda a, b: tf.shape(a)[0],
        bucket_boundaries=boundaries,
        bucket_batch_sizes=[batch_size] * (len(boundaries) + 1),
        pad_to_bucket_boundary=False,
    )
    # bucket_by_sequence_length hides the number of batches, so Keras would count the batches of
    # the first epoch and then warn "ran out of data". The count is fixed: each bucket
    # (boundaries[i-1] <= length < boundaries[i]) gives ceil(items / batch_size) batches per epoch.
    per_bucket = np.bincount(np.searchsorted(boundaries, lengths, side="right"), minlength=len(boundaries) + 1)
    n_batches = int(sum(-(-n // batch_size) for n in per_bucket))
    ds = ds.apply(tf.data.experimental.assert_cardinality(n_batches))
    return ds.prefetch(tf.data.AUTOTUNE)


def padded_dataset(
    sequences: Sequence[Sequence[int]],
    targets: Sequence[Any] | np.ndarray,
    batch_size: int,
    maxlen: int | None = None,
    shuffle: bool = True,
    seed: int = 0,
) -> Any:
    """A ``tf.data.Dataset`` with every sequence padded with 0 to one length (the naive way).

    The counterpart of :func:`bucketed_dataset` for comparisons: same
    arguments, but every batch is ``(batch_size, maxlen)``.
    """
    import tensorflow as tf

    per_token = _per_token_targets(sequences, targets)
    x = pad(sequences, maxlen=maxlen)
    y = pad(targets, maxlen=x.shape[1]) if per_token else np.asarray(targets)
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def dataset_padding_fraction(dataset: Any) -> float:
    """The share of padding (id 0) over one pass of a dataset of batches ``x`` or ``(x, y)``."""
    is_pad = [np.asarray(b[0] if isinstance(b, tuple) else b).ravel() == 0 for b in dataset]
    if not is_pad:
        raise ValueError("the dataset yielded no batches")
    return float(np.concatenate(is_pad).mean())
