"""Lesson 17 (hierarchical recurrent networks): documents as a 3-D batch, a character-level word encoder."""

from __future__ import annotations

from typing import Any, Callable

import keras
import numpy as np

from course_utils import nested, text
from . import keras_checks as kc
from .core import Check, exercise


def _documents(ck: Check, n: int) -> list[list[list[int]]]:
    """Random documents: 1-6 sentences of 1-7 word ids (>= 1); one empty-ish short document included."""
    docs = [[list(ck.rng.integers(1, 50, size=int(ck.rng.integers(1, 8)))) for _ in range(int(ck.rng.integers(1, 7)))]
            for _ in range(n)]
    docs[-1] = [[7]]                                                      # a one-word document
    return docs


@exercise("17.1", "documents as a 3-D batch")
def check_17_1(ck: Check, pad_documents: Callable[..., Any]) -> None:
    """``pad_documents(docs, max_sentences, max_words)`` -> (ids (n, S, W), sentence_mask (n, S))."""
    ck.is_callable(pad_documents, "pad_documents")
    for max_sentences, max_words in ((4, 5), (8, 9)):
        docs = _documents(ck, 6)
        out = ck.pair(ck.call(pad_documents, [[list(s) for s in d] for d in docs], max_sentences, max_words),
                      "pad_documents", ("ids", "sentence_mask"))
        want_ids = nested.pad_nested(docs, max_sentences, max_words)
        want_mask = want_ids.any(axis=-1)
        ids = ck.shape(out[0], want_ids.shape, "ids", hint="one row per document, one per sentence slot, one "
                       "column per word slot: (len(docs), max_sentences, max_words)")
        if not np.array_equal(ids, want_ids):
            if np.array_equal(ids, nested.pad_nested([[s[-max_words:] for s in d] for d in docs], max_sentences,
                                                     max_words)):
                ck.fail("long sentences keep their LAST words", "keep the first max_words ids: sentence[:max_words]")
            if np.array_equal(ids, nested.pad_nested([d[-max_sentences:] for d in docs], max_sentences, max_words)):
                ck.fail("long documents keep their LAST sentences",
                        "keep the first max_sentences sentences: doc[:max_sentences]")
            if np.array_equal(ids != 0, want_ids != 0):
                ck.fail("the right slots are filled, but with the wrong ids",
                        "copy each sentence's first max_words ids, in order")
            ck.fail(f"ids differ from the expected array (max_sentences={max_sentences}, max_words={max_words})",
                    "zeros everywhere, then ids[i, s, :len(kept)] = kept for the first sentences and words; "
                    "padding goes at the end at both levels")
        mask = np.asarray(out[1])
        if mask.shape == want_ids.shape:
            ck.fail("sentence_mask has one value per word slot", "one value per sentence slot: any real word in it")
        ck.require(mask.shape == want_mask.shape, f"sentence_mask has shape {mask.shape}; expected {want_mask.shape}",
                   "(len(docs), max_sentences)")
        ck.require(mask.dtype == bool, f"sentence_mask has dtype {mask.dtype}; expected bool",
                   "a comparison or .any() gives booleans")
        ck.require(np.array_equal(mask, want_mask), "sentence_mask is not True exactly where a real sentence stands",
                   "a sentence slot is real when it holds at least one id that is not 0")
    ck.passed("two sizes, with documents and sentences both longer and shorter than the limits")


def _suffix_words(ck: Check, n: int, length: int) -> tuple[np.ndarray, np.ndarray]:
    """Words of character ids 2..11 whose class is set by their 2-character suffix; post-padded to ``length``."""
    suffixes = [(2, 3), (3, 2), (4, 4), (5, 4)]                           # classes 0 and 1 differ only in order
    y = ck.rng.integers(0, len(suffixes), size=n)
    words = [[*ck.rng.integers(2, 12, size=int(ck.rng.integers(1, length - 2))), *suffixes[k]] for k in y]
    return text.pad(words, maxlen=length), y.astype("int32")


@exercise("17.2", "a character-level word encoder")
def check_17_2(ck: Check, build_word_encoder: Callable[..., Any]) -> None:
    """``build_word_encoder(n_chars, dim)``: (batch, chars) ids, 0 = padding -> (batch, dim), bidirectional, masked."""
    kc.seed(ck)
    n_chars, dim = 12, 16
    encoder = kc.build(ck, build_word_encoder, n_chars, dim, what="build_word_encoder(n_chars, dim)")
    x, y = _suffix_words(ck, 6, 9)
    vectors = kc.outputs(ck, encoder, x, "your encoder")
    if vectors.ndim == 3:
        ck.fail(f"for 6 words the output has shape {vectors.shape}: one vector per character",
                "the recurrent layer should return only its final state (no return_sequences)")
    ck.require(vectors.shape == (6, dim), f"for 6 words and dim={dim} the output has shape {vectors.shape}; "
               f"expected (6, {dim})", "Bidirectional concatenates both directions: give each dim // 2 units")
    ck.require(kc.bidirectional_rnn(encoder), "there is no bidirectional recurrent layer",
               "wrap the LSTM or GRU in layers.Bidirectional(...) so the word is read from both ends")
    longer = np.pad(x, ((0, 0), (0, 5)))
    moved = float(np.abs(kc.outputs(ck, encoder, longer, "your encoder") - vectors).max())
    ck.require(moved < 1e-4, f"five more padding characters after each word change its vector (by {moved:.3g})",
               "Embedding(..., mask_zero=True): the mask tells the recurrent layer where each word ends",
               passed=f"(batch, {dim}) vectors from a bidirectional layer; padding characters change nothing")
    inputs = keras.Input(shape=(None,), dtype="int32")
    classifier = keras.Model(inputs, keras.layers.Dense(4, activation="softmax")(encoder(inputs)))
    classifier.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    x_fit, y_fit = _suffix_words(ck, 600, 9)
    ck.call(classifier.fit, x_fit, y_fit, epochs=6, batch_size=64, verbose=0,
            what="training your encoder under a softmax layer", hint="the encoder must take int ids "
            "(batch, characters) and give float vectors (batch, dim)")
    x_new, y_new = _suffix_words(ck, 300, 9)
    acc = float(np.mean(classifier.predict(x_new, verbose=0).argmax(-1) == y_new))
    ck.require(acc >= 0.85, f"under a small classifier, your encoder tells word classes apart by their suffix on "
               f"new words with accuracy {acc:.2f}; at least 0.85 is expected", "read the characters in order, "
               "both directions, skipping padding; an average of character embeddings cannot tell -ab from -ba",
               passed=f"trained under a softmax layer, it classifies new words by their suffix ({acc:.2f})")
