"""Answers for lesson 16's exercises: one right, and the plausible mistakes."""

import numpy as np


def _softmax(s, axis=-1):
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def attention(q, k, v, mask=None, scale=None):
    # scale: sqrt(d_k) if None; the mistakes below pass another one
    scores = q @ np.swapaxes(k, -1, -2) / (np.sqrt(q.shape[-1]) if scale is None else scale)
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    weights = _softmax(scores)
    return weights @ v, weights


def attention_unscaled(q, k, v, mask=None):
    return attention(q, k, v, mask, scale=1.0)


def attention_divided_by_dk(q, k, v, mask=None):
    return attention(q, k, v, mask, scale=q.shape[-1])


def attention_mask_inverted(q, k, v, mask=None):
    return attention(q, k, v, None if mask is None else ~mask)


def attention_mask_ignored(q, k, v, mask=None):
    return attention(q, k, v, None)


def local_causal_mask(ids, window, pad_id=0):
    t = ids.shape[1]
    q, k = np.arange(t)[:, None], np.arange(t)[None, :]
    band = (k <= q) & (q - k < window)
    return band[None, :, :] & (ids != pad_id)[:, None, :]


def local_mask_window_plus_one(ids, window, pad_id=0):
    t = ids.shape[1]
    q, k = np.arange(t)[:, None], np.arange(t)[None, :]
    return ((k <= q) & (q - k <= window))[None] & (ids != pad_id)[:, None, :]


def local_mask_no_padding(ids, window, pad_id=0):
    t = ids.shape[1]
    q, k = np.arange(t)[:, None], np.arange(t)[None, :]
    return np.broadcast_to(((k <= q) & (q - k < window))[None], (ids.shape[0], t, t))


def local_mask_padding_on_queries(ids, window, pad_id=0):
    t = ids.shape[1]
    q, k = np.arange(t)[:, None], np.arange(t)[None, :]
    return ((k <= q) & (q - k < window))[None] & (ids != pad_id)[:, :, None]


def local_mask_symmetric(ids, window, pad_id=0):
    t = ids.shape[1]
    q, k = np.arange(t)[:, None], np.arange(t)[None, :]
    return (np.abs(q - k) < window)[None] & (ids != pad_id)[:, None, :]


def encoder_block_params(d_model, heads, key_dim, ff_dim):
    inner = heads * key_dim
    attention = 3 * (d_model * inner + inner) + inner * d_model + d_model
    layer_norms = 2 * 2 * d_model
    feed_forward = d_model * ff_dim + ff_dim + ff_dim * d_model + d_model
    return attention + layer_norms + feed_forward


def block_params_three_projections(d_model, heads, key_dim, ff_dim):
    inner = heads * key_dim
    return 3 * (d_model * inner + inner) + 4 * d_model + d_model * ff_dim + ff_dim + ff_dim * d_model + d_model


def block_params_no_layer_norm(d_model, heads, key_dim, ff_dim):
    return encoder_block_params(d_model, heads, key_dim, ff_dim) - 4 * d_model


def block_params_no_biases(d_model, heads, key_dim, ff_dim):
    inner = heads * key_dim
    return 4 * d_model * inner + 2 * d_model * ff_dim


def block_params_d_model_projections(d_model, heads, key_dim, ff_dim):
    return encoder_block_params(d_model, 1, d_model, ff_dim)       # ignores heads and key_dim


CASES = {
    "16.1": (attention, [attention_unscaled, attention_divided_by_dk, attention_mask_inverted, attention_mask_ignored]),
    "16.2": (local_causal_mask, [local_mask_window_plus_one, local_mask_no_padding, local_mask_padding_on_queries,
                                 local_mask_symmetric]),
    "16.3": (encoder_block_params, [block_params_three_projections, block_params_no_layer_norm,
                                    block_params_no_biases, block_params_d_model_projections]),
}


# -- 16.4: a causal mask for MultiHeadAttention ------------------------------------------------------------
from keras import ops                                            # noqa: E402


def causal_attention_mask(length):
    positions = ops.arange(length)
    return positions[None, :] <= positions[:, None]              # key <= query


def causal_mask_transposed(length):
    return np.triu(np.ones((length, length), dtype=bool))       # the future visible, the past hidden


def causal_mask_strict(length):
    return np.tril(np.ones((length, length), dtype=bool), k=-1)  # a position cannot see itself


def causal_mask_inverted(length):
    return ~np.tril(np.ones((length, length), dtype=bool))      # True where attention is NOT allowed


def causal_mask_additive(length):
    return np.where(np.tril(np.ones((length, length), dtype=bool)), 0.0, -np.inf)   # the formula's M


def causal_mask_batched(length):
    return np.tril(np.ones((1, length, length), dtype=bool))    # an extra batch axis


CASES["16.4"] = (causal_attention_mask, [causal_mask_transposed, causal_mask_strict, causal_mask_inverted,
                                         causal_mask_additive, causal_mask_batched])
