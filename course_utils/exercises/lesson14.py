"""Lesson 14 (contextual embeddings): the BiLM's two targets, ELMo's scalar mix, the masked mean."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .core import Check, exercise


def _padded_batch(ck: Check, batch: int, max_len: int) -> np.ndarray:
    """Sentences ``<bos>=2 ... <eos>=3`` of random lengths (at least one word), padded with 0 at the end."""
    ids = np.zeros((batch, max_len), dtype="int64")
    lengths = ck.rng.integers(3, max_len + 1, size=batch)
    lengths[0] = max_len                                   # one sentence without padding
    for i, n in enumerate(lengths):
        ids[i, :n] = np.r_[2, ck.rng.integers(4, 60, size=n - 2), 3]
    return ids


def _targets(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    next_ids = np.pad(x[:, 1:], [(0, 0), (0, 1)])
    prev_ids = np.pad(x[:, :-1], [(0, 0), (1, 0)])
    return next_ids, prev_ids


@exercise("14.1", "the two targets of a bidirectional language model")
def check_14_1(ck: Check, lm_targets: Callable[..., Any]) -> None:
    """``lm_targets(ids)`` -> (next_ids, prev_ids), both (batch, T), padded with 0."""
    ck.is_callable(lm_targets, "lm_targets")
    for trial in range(3):
        x = _padded_batch(ck, int(ck.rng.integers(2, 6)), int(ck.rng.integers(5, 10)))
        next_ref, prev_ref = _targets(x)
        out = ck.call(lm_targets, x.copy())
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            ck.fail(f"lm_targets should return two arrays (next_ids, prev_ids); got {type(out).__name__}",
                    "end with `return next_ids, prev_ids`")
        nxt, prev = ck.array(out[0], "next_ids"), ck.array(out[1], "prev_ids")
        batch, t = x.shape
        if nxt.shape == (batch, t - 1) or prev.shape == (batch, t - 1):
            ck.fail(f"a target has shape {(batch, t - 1)}; expected {(batch, t)}",
                    "the targets line up with the inputs position by position: pad the shifted ids with a 0 "
                    "(the loss ignores class 0)")
        ck.shape(nxt, (batch, t), "next_ids", hint="one target per input position")
        ck.shape(prev, (batch, t), "prev_ids", hint="one target per input position")
        if np.array_equal(nxt, prev_ref) and np.array_equal(prev, next_ref):
            ck.fail("next_ids and prev_ids are swapped",
                    "the forward LSTM at position t predicts the word at t + 1; the backward one the word at t - 1")
        if np.array_equal(nxt, np.roll(x, -1, axis=1)) or np.array_equal(prev, np.roll(x, 1, axis=1)):
            ck.fail("the shift wraps around: a sentence's first word became the target after its last position "
                    "(or the other way round)",
                    "np.roll moves the ids round the ends; the position with no neighbour must get 0, "
                    "which the loss ignores")
        ck.close(nxt, next_ref, "next_ids", hint="at position t the forward model must predict ids[:, t + 1]; "
                                                 "the last position has nothing after it: 0")
        ck.close(prev, prev_ref, "prev_ids", hint="at position t the backward model must predict ids[:, t - 1]; "
                                                  "the first position has nothing before it: 0")
    ck.passed("next and previous ids for 3 random padded batches")


def _softmax(w: np.ndarray) -> np.ndarray:
    e = np.exp(w - w.max())
    return e / e.sum()


@exercise("14.2", "ELMo's scalar mix of the layers")
def check_14_2(ck: Check, scalar_mix: Callable[..., Any]) -> None:
    """``scalar_mix(layer_outputs, w, gamma)`` = gamma * sum_j softmax(w)_j * layer_outputs[j]."""
    ck.is_callable(scalar_mix, "scalar_mix")
    for trial in range(4):
        n_layers = 3 if trial < 2 else int(ck.rng.integers(2, 5))
        batch, t, d = (int(v) for v in ck.rng.integers(2, 5, size=3))
        layers = [ck.rng.normal(size=(batch, t, d)) for _ in range(n_layers)]
        w = ck.rng.normal(scale=1.5, size=n_layers)
        w[0] = -abs(w[0]) - 0.5                            # a negative raw weight: s / s.sum() is then no softmax
        gamma = float(ck.rng.uniform(0.3, 3.0))
        s = _softmax(w)
        expected = gamma * sum(sj * h for sj, h in zip(s, layers))
        got = ck.array(ck.call(scalar_mix, [h.copy() for h in layers], w.copy(), gamma), "the mix")
        ck.shape(got, (batch, t, d), "the mix", hint="the layers are mixed element by element: the result has the "
                                                     "shape of one layer, (batch, T, d)")
        if np.allclose(got, expected / gamma, atol=1e-6) and not np.isclose(gamma, 1.0):
            ck.fail("gamma is missing", "the whole mix is multiplied by the scale gamma")
        if np.allclose(got, gamma * sum(wj * h for wj, h in zip(w, layers)), atol=1e-6):
            ck.fail("the raw weights w are used without a softmax",
                    "s = softmax(w): the mixing weights are positive and sum to 1")
        if np.allclose(got, gamma * sum(wj / w.sum() * h for wj, h in zip(w, layers)), atol=1e-6):
            ck.fail("the weights are divided by their sum instead of going through a softmax",
                    "w can be negative; s = exp(w) / sum(exp(w))")
        if np.allclose(got, gamma * np.mean(layers, axis=0), atol=1e-6):
            ck.fail("the layers are averaged with equal weights", "each layer j gets its own weight softmax(w)_j")
        ck.close(got, expected, f"the mix ({n_layers} layers)",
                 hint="ELMo_k = gamma * sum over layers j of s_j * h_kj, with s = softmax(w)")
    ck.passed("4 random mixes (2 to 4 layers, negative raw weights, gamma != 1)")


def _masked_mean(vectors: np.ndarray, mask: np.ndarray) -> np.ndarray:
    m = mask[..., None].astype(float)
    return (vectors * m).sum(axis=1) / m.sum(axis=1)


@exercise("14.3", "the masked mean of token vectors")
def check_14_3(ck: Check, masked_mean: Callable[..., Any]) -> None:
    """``masked_mean(vectors (B, T, d), mask (B, T) bool)`` -> (B, d): the mean over the real tokens of each row."""
    ck.is_callable(masked_mean, "masked_mean")
    for trial in range(3):
        batch, t, d = int(ck.rng.integers(3, 6)), int(ck.rng.integers(4, 8)), int(ck.rng.integers(2, 6))
        lengths = ck.rng.integers(1, t + 1, size=batch)
        lengths[0], lengths[1] = t, 1                      # one full row, one row with a single token
        mask = np.arange(t)[None, :] < lengths[:, None]
        vectors = ck.rng.normal(size=(batch, t, d))
        vectors[~mask] = ck.rng.normal(loc=4.0, size=(int((~mask).sum()), d))   # padding holds leftovers
        expected = _masked_mean(vectors, mask)
        got = ck.array(ck.call(masked_mean, vectors.copy(), mask.copy()), "the pooled vectors")
        ck.shape(got, (batch, d), "the pooled vectors",
                 hint="average over the token axis (axis 1): one d-dimensional vector per sentence")
        m = mask[..., None]
        if np.allclose(got, vectors.mean(axis=1), atol=1e-6):
            ck.fail("the padded positions were averaged in",
                    "only the positions where mask is True are tokens; leave the others out of sum and count")
        if np.allclose(got, (vectors * m).sum(axis=1), atol=1e-6):
            ck.fail("this is the sum over the real tokens, not their mean", "divide by the number of real tokens")
        if np.allclose(got, (vectors * m).sum(axis=1) / t, atol=1e-6):
            ck.fail("you divided by the padded length T, not by the number of real tokens",
                    "each row has its own number of tokens: mask.sum(axis=1)")
        if np.allclose(got, vectors.sum(axis=1) / lengths[:, None], atol=1e-6):
            ck.fail("the padded positions were added into the sum",
                    "multiply the vectors by the mask (as 0/1) before summing: padding may hold any numbers")
        ck.close(got, expected, "the pooled vectors",
                 hint="sum of vectors * mask over axis 1, divided by mask.sum(axis=1) (keep a trailing axis)")
    ck.passed("3 random padded batches (padding filled with non-zero numbers)")
