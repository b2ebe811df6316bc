"""Lesson 16 (Transformer basics): scaled dot-product attention, a local causal mask, an encoder block's parameters,
a causal mask for Keras' MultiHeadAttention."""

from __future__ import annotations

from typing import Any, Callable

import keras
import numpy as np

from course_utils import decoding
from . import keras_checks as kc
from .core import Check, exercise


def _sdpa(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray | None,
          scale: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    scale = np.sqrt(q.shape[-1]) if scale is None else scale
    scores = q @ np.swapaxes(k, -1, -2) / scale
    if mask is not None:
        scores = np.where(mask, scores, -1e9)             # a row with no allowed key would be uniform, not NaN
    w = np.exp(decoding.log_softmax(scores))
    return w @ v, w


@exercise("16.1", "scaled dot-product attention with a mask")
def check_16_1(ck: Check, attention: Callable[..., Any]) -> None:
    """``attention(q, k, v, mask=None)`` -> (output (b, Tq, dv), weights (b, Tq, Tk)); mask True = may attend."""
    ck.is_callable(attention, "scaled_dot_product_attention")
    b, tq, tk, dk, dv = 2, 3, 5, 16, 4            # d_k = 16: sqrt(d_k) = 4 and d_k = 16 give different answers
    q, k, v = (ck.rng.normal(size=s) for s in ((b, tq, dk), (b, tk, dk), (b, tk, dv)))

    # 1. no mask: the scaling and the softmax axis
    out, w = ck.pair(ck.call(attention, q, k, v, None), "scaled_dot_product_attention", ("output", "weights"))
    if ck.shape_of(out) == (b, tq, tk) and ck.shape_of(w) == (b, tq, dv):
        ck.fail("the two results come in the wrong order", "return (output, weights): the output first")
    w = ck.shape(w, (b, tq, tk), "the weights", hint="one weight per (query, key) pair: (batch, T_query, T_key)")
    ck.shape(out, (b, tq, dv), "the output", hint="one output per query, as wide as the values: (batch, T_query, d_v)")
    if not np.allclose(w.sum(-1), 1.0, atol=1e-6):
        hint = ("the softmax runs over the keys (the last axis)" if np.allclose(w.sum(axis=1), 1.0, atol=1e-6)
                else "the weights of one query are a softmax over the keys")
        ck.fail("the weights of a query do not sum to 1", hint)
    expected_out, expected_w = _sdpa(q, k, v, None)
    if np.allclose(w, _sdpa(q, k, v, None, scale=1.0)[1], atol=1e-6):
        ck.fail("the scores are not scaled", "divide Q K^T by sqrt(d_k) before the softmax")
    if np.allclose(w, _sdpa(q, k, v, None, scale=float(dk))[1], atol=1e-6):
        ck.fail("the scores are divided by d_k", "the scale is the SQUARE ROOT of d_k")
    ck.close(w, expected_w, "the weights (no mask)", hint="weights = softmax(Q K^T / sqrt(d_k)) over the keys")
    ck.close(out, expected_out, "the output (no mask)", hint="output = weights @ V")
    ck.passed("weights and output without a mask (scaled by sqrt(d_k), softmax over the keys)")

    # 2. a boolean mask: True = may attend, every query keeps at least one key
    mask = ck.rng.random((b, tq, tk)) < 0.5
    mask[..., 0] = True
    out, w = ck.pair(ck.call(attention, q, k, v, mask), "scaled_dot_product_attention", ("output", "weights"))
    w = ck.shape(w, (b, tq, tk), "the weights with a mask")
    expected_out, expected_w = _sdpa(q, k, v, mask)
    some_blocked = np.broadcast_to((~mask).any(-1, keepdims=True), mask.shape)
    if np.all(np.abs(w[mask & some_blocked]) < 1e-7) and np.any(np.abs(w[~mask]) > 1e-7):
        ck.fail("the mask is read the wrong way round", "True means MAY attend (as in Keras' attention_mask); "
                                                        "block the positions where the mask is False")
    kc.check_masked_weights(ck, w, mask, _sdpa(q, k, v, None)[1])
    ck.close(w, expected_w, "the weights with a mask")
    ck.close(out, expected_out, "the output with a mask")
    ck.passed("a random boolean mask: zero weight where it is False")

    # 3. other shapes
    for trial in range(2):
        b, tq, tk, dk, dv = (int(x) for x in ck.rng.integers(1, 7, size=5))
        q, k, v = (ck.rng.normal(size=s) for s in ((b, tq, dk), (b, tk, dk), (b, tk, dv)))
        mask = ck.rng.random((b, tq, tk)) < 0.6
        mask[..., -1] = True
        expected_out, expected_w = _sdpa(q, k, v, mask)
        out, w = ck.pair(ck.call(attention, q, k, v, mask), "scaled_dot_product_attention", ("output", "weights"))
        ck.close(w, expected_w, f"the weights (random shapes {trial + 1})")
        ck.close(out, expected_out, f"the output (random shapes {trial + 1})")
    ck.passed("2 more random shapes")


def _band(t: int, window: int) -> np.ndarray:
    """(T, T): query q may see key k when q - window < k <= q."""
    q, k = np.indices((t, t))
    return (k <= q) & (k > q - window)


@exercise("16.2", "a local causal mask for padded batches")
def check_16_2(ck: Check, local_causal_mask: Callable[..., Any]) -> None:
    """``local_causal_mask(ids, window, pad_id=0)`` -> (b, T, T) bool: key real and q - window < key <= q."""
    ck.is_callable(local_causal_mask, "local_causal_mask")
    for trial, (batch, t, window) in enumerate([(3, 7, 3), (2, 6, 1), (4, 8, 8), (3, 9, 4)]):
        pad_id = 0 if trial < 3 else 1
        ids = ck.rng.integers(pad_id + 1, 30, size=(batch, t))
        lengths = ck.rng.integers(2, t, size=batch)
        lengths[0] = t
        ids[np.arange(t)[None, :] >= lengths[:, None]] = pad_id
        keys = (ids != pad_id)[:, None, :]                     # (b, 1, T): a key is a real token
        expected = _band(t, window) & keys
        got = ck.call(local_causal_mask, ids.copy(), window, pad_id=pad_id)
        arr = ck.shape(got, (batch, t, t), f"the mask (batch {batch}, T {t})",
                       hint="one True/False per (sentence, query position, key position)")
        ck.require(np.all((arr == 0) | (arr == 1)), "the mask should hold True/False (or 1/0) only")
        if np.array_equal(arr, expected):
            continue
        what = f"the mask for window {window} (batch {batch}, T {t}, pad_id {pad_id}) is not right"
        if np.any((arr == 1) & ~_band(t, t)):
            ck.fail(what, "some queries may see the future: a key after the query must be blocked (k <= q)")
        band, own = _band(t, window), np.eye(t, dtype=bool)
        guesses = [
            (_band(t, window + 1) & keys, f"each query sees {window + 1} positions; the window holds `window` "
             "positions, the query's own included"),
            (band & ~own & keys, "a query must be allowed to attend to its own position"),
            (_band(t, window + 1) & ~own & keys, "a query must be allowed to attend to its own position"),
            (np.broadcast_to(band, arr.shape), "the padding is not masked: keys that are padding must be blocked"),
            (band & np.swapaxes(keys, 1, 2), "the padding was applied to the queries (rows), not to the keys "
             "(columns)"),
            (band & (ids != 0)[:, None, :], "use the pad_id argument, not 0"),
            (_band(t, t) & keys, "that is the full causal mask: a query may see only the last `window` positions"),
        ]
        ck.diagnose(arr, guesses, what, "mask[b, q, k] is True exactly when key k is a real token and one of the "
                    "`window` positions that end at q")
    ck.passed("4 padded batches, windows from 1 to T, pad_id 0 and 1")


def _block_params(d: int, heads: int, key_dim: int, ff: int) -> int:
    inner = heads * key_dim
    attention = 3 * (d * inner + inner) + (inner * d + d)
    norms = 2 * (2 * d)
    feed_forward = (d * ff + ff) + (ff * d + d)
    return attention + norms + feed_forward


@exercise("16.3", "parameters of an encoder block")
def check_16_3(ck: Check, encoder_block_params: Callable[..., Any]) -> None:
    """``encoder_block_params(d_model, heads, key_dim, ff_dim)``: MHA + 2 LayerNorm + feed-forward, Keras defaults."""
    ck.is_callable(encoder_block_params, "encoder_block_params")
    cases = [(32, 2, 16, 64), (64, 4, 16, 128), (512, 8, 64, 2048), (30, 3, 7, 50)]
    cases += [(int(ck.rng.integers(4, 100)), int(ck.rng.integers(1, 9)), int(ck.rng.integers(2, 40)),
               int(ck.rng.integers(4, 300))) for _ in range(4)]
    for d, h, kd, ff in cases:
        got = ck.call(encoder_block_params, d, h, kd, ff)
        expected = _block_params(d, h, kd, ff)
        if isinstance(got, (int, np.integer)) and not isinstance(got, bool) and int(got) == expected:
            continue
        if isinstance(got, float) and got == expected:
            ck.fail(f"encoder_block_params({d}, {h}, {kd}, {ff}) = {got!r}, a float", "count with integers")
        what = f"encoder_block_params({d}, {h}, {kd}, {ff}) = {got!r}; that is not what Keras counts"
        try:
            got = int(got)
        except Exception:
            ck.fail(what, "return an int")
        inner = h * kd
        norms = ("the two LayerNormalization layers are missing (or counted half): each has a scale (gamma) and a "
                 "shift (beta) per feature")
        two_dense = "the feed-forward network has TWO Dense layers: d_model -> ff_dim -> d_model"
        missing = [        # what a typical mistake leaves out, and its hint
            (3 * inner + d + 2 * 2 * d + ff + d, "no biases at all? Dense and EinsumDense layers have a bias, and "
             "LayerNormalization a scale and a shift per feature"),
            (d * inner + inner, "multi-head attention has FOUR projections: queries, keys, values, and the output "
             "projection that brings the heads back to d_model"),
            (inner * d + d, "the output projection of the attention (heads * key_dim back to d_model) is missing"),
            (4 * d, norms), (2 * d, norms),
            (3 * inner + d, "the attention's biases are missing: each of its four projections has one"),
            (ff + d, "the feed-forward layers' biases are missing"),
            (d * ff + ff, two_dense), (ff * d + d, two_dense),
            (expected - _block_params(d, 1, d, ff), "the projections go to heads * key_dim features, not d_model"),
        ]
        ck.diagnose(expected - got, missing, what, "attention: queries, keys, values (d_model -> heads * key_dim, "
                    "with biases) and an output projection back to d_model; two LayerNormalization layers; two "
                    "Dense layers", atol=0.5, rtol=0)
    ck.passed(f"{len(cases)} sizes (heads * key_dim = d_model or not)")


# -- 16.4: a causal mask for MultiHeadAttention ---------------------------------------------------------------
def _mask_mistake(mask: np.ndarray) -> str:
    """The hint for a wrong (length, length) boolean mask: which typical mistake it is."""
    q, k = np.indices(mask.shape)
    known = [
        (k >= q, "the mask is transposed: axis 0 is the QUERY position, axis 1 the KEY position; row t may "
                 "see the columns 0 ... t"),
        (k < q, "a position must be allowed to attend to itself: the diagonal belongs to the visible part (and "
               "position 0, left with nothing to attend to, ends up attending to everything)"),
        (k > q, "True and False are swapped: in Keras' attention_mask True means MAY attend"),
        (np.ones_like(mask, bool), "nothing is masked: the future must be hidden"),
        (k == q, "each position sees only itself; it may also see every position before it"),
    ]
    for pattern, hint in known:
        if np.array_equal(mask, pattern):
            return hint
    return "mask[t, s] is True exactly when key position s is not after query position t (s <= t)"


@exercise("16.4", "a causal mask for MultiHeadAttention")
def check_16_4(ck: Check, causal_attention_mask: Callable[..., Any]) -> None:
    """``causal_attention_mask(length)`` -> (length, length) bool, True where key <= query, for attention_mask."""
    kc.seed(ck)
    ck.is_callable(causal_attention_mask, "causal_attention_mask")
    mha = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)
    for length in (6, 1, 9):
        mask = kc.numpy(ck, ck.call(causal_attention_mask, length, what=f"causal_attention_mask({length})"),
                        f"causal_attention_mask({length})")
        if mask.shape != (length, length):
            ck.fail(f"causal_attention_mask({length}) has shape {mask.shape}; expected {(length, length)}",
                    "one row per query position and one column per key position; MultiHeadAttention "
                    "broadcasts it over the batch and the heads")
        if mask.dtype != bool:
            if np.issubdtype(mask.dtype, np.number) and np.all(mask <= 0) and np.any(mask < -1e3):
                ck.fail(f"causal_attention_mask({length}) holds 0 and large negative numbers",
                        "that is the additive M of the formula; Keras' attention_mask wants booleans, True where "
                        "the query may attend to the key")
            ck.fail(f"causal_attention_mask({length}) has dtype {mask.dtype}; expected bool",
                    "return booleans (True = may attend), e.g. from a comparison of positions")
        causal = np.tril(np.ones((length, length), dtype=bool))
        if not np.array_equal(mask, causal):
            t, k = (int(i) for i in np.argwhere(mask != causal)[0])
            ck.fail(f"causal_attention_mask({length})[{t}, {k}] is {mask[t, k]}: " + (
                f"query position {t} may see the LATER key position {k}, the future" if k > t else
                f"query position {t} may not see key position {k}, which is not after it"), _mask_mistake(mask))
        q_in, kv = ck.rng.normal(size=(2, 2, length, 8)).astype("float32")
        ck.close(kc.numpy(ck, ck.call(mha, q_in, kv, attention_mask=mask, what="MultiHeadAttention with your mask"),
                          "the attention output"),
                 kc.numpy(ck, mha(q_in, kv, use_causal_mask=True), "the attention output"),
                 f"the output with your mask (length {length})",
                 hint="it should equal MultiHeadAttention(..., use_causal_mask=True)")
    ck.passed("(length, length) booleans, True where the key is not after the query, for lengths 6, 1 and 9")
    ck.passed("inside MultiHeadAttention: the same output as use_causal_mask=True")
