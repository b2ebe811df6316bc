"""Answers for lesson 12's exercises: one right, and the plausible mistakes."""

import numpy as np


def _softmax(s, axis=-1):
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def luong_attention(query, values, values_mask, W):
    scores = np.einsum("btd,bsd->bts", query @ W, values)
    scores = np.where(values_mask[:, None, :], scores, -np.inf)
    weights = _softmax(scores)
    return weights @ values, weights


def luong_no_mask(query, values, values_mask, W):
    weights = _softmax(np.einsum("btd,bsd->bts", query @ W, values))
    return weights @ values, weights


def luong_zero_after_softmax(query, values, values_mask, W):
    weights = _softmax(np.einsum("btd,bsd->bts", query @ W, values)) * values_mask[:, None, :]
    return weights @ values, weights


def luong_wrong_axis(query, values, values_mask, W):
    scores = np.where(values_mask[:, None, :], np.einsum("btd,bsd->bts", query @ W, values), -1e9)
    weights = _softmax(scores, axis=1)
    return weights @ values, weights


def luong_w_on_values(query, values, values_mask, W):
    scores = np.where(values_mask[:, None, :], np.einsum("btd,bsd->bts", query, values @ W), -1e9)
    weights = _softmax(scores)
    return weights @ values, weights


def beam_step(beam_log_probs, next_log_probs, width):
    total = beam_log_probs[:, None] + next_log_probs
    flat = np.argsort(-total, axis=None)[:width]
    rows, tokens = np.divmod(flat, total.shape[1])
    return rows, tokens, total[rows, tokens]


def beam_step_ignores_history(beam_log_probs, next_log_probs, width):
    return beam_step(np.zeros_like(beam_log_probs), next_log_probs, width)


def beam_step_best_per_row(beam_log_probs, next_log_probs, width):
    best = next_log_probs.argmax(-1)
    totals = beam_log_probs + next_log_probs[np.arange(len(best)), best]
    order = np.argsort(-totals)[:width]
    return order, best[order], totals[order]


def beam_step_worst_first(beam_log_probs, next_log_probs, width):
    rows, tokens, totals = beam_step(beam_log_probs, next_log_probs, width)
    return rows[::-1], tokens[::-1], totals[::-1]


def beam_step_probabilities(beam_log_probs, next_log_probs, width):
    rows, tokens, totals = beam_step(beam_log_probs, next_log_probs, width)
    return rows, tokens, np.exp(totals)


def best_translation(finished, length_penalty):
    scores = [lp / (len(ids) + 1) ** length_penalty for ids, lp in finished]
    return int(np.argmax(scores))


def best_translation_no_penalty(finished, length_penalty):
    return int(np.argmax([lp for _, lp in finished]))


def best_translation_without_eos(finished, length_penalty):
    return int(np.argmax([lp / len(ids) ** length_penalty for ids, lp in finished]))


def best_translation_argmin(finished, length_penalty):
    return int(np.argmin([lp / (len(ids) + 1) ** length_penalty for ids, lp in finished]))


CASES = {
    "12.1": (luong_attention, [luong_no_mask, luong_zero_after_softmax, luong_wrong_axis, luong_w_on_values]),
    "12.2": (beam_step, [beam_step_ignores_history, beam_step_best_per_row, beam_step_worst_first,
                         beam_step_probabilities]),
    "12.3": (best_translation, [best_translation_no_penalty, best_translation_without_eos, best_translation_argmin]),
}


# -- 12.4: additive attention as a Keras layer -------------------------------------------------------------
from keras import layers, ops                                    # noqa: E402


def _additive_layer(softmax_axis=-1, squash=ops.tanh, use_mask=True, mask_after=False, keep_axis=False):
    class AdditiveAttention(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.W_q = layers.Dense(units, use_bias=False)
            self.W_k = layers.Dense(units, use_bias=False)
            self.v = layers.Dense(1, use_bias=False)

        def call(self, query, values, values_mask=None):
            scores = self.v(squash(self.W_q(query)[:, None, :] + self.W_k(values)))     # (batch, S, 1)
            if not keep_axis:
                scores = scores[..., 0]
            mask = None if values_mask is None or not use_mask else (
                values_mask[..., None] if keep_axis else values_mask)
            if mask is not None and not mask_after:
                scores = ops.where(mask, scores, -1e9)
            weights = ops.softmax(scores, axis=softmax_axis)
            if mask is not None and mask_after:
                weights = weights * ops.cast(mask, weights.dtype)
            if keep_axis:
                return ops.sum(weights * values, axis=1), weights[..., 0]
            return ops.sum(weights[..., None] * values, axis=1), weights

    return AdditiveAttention


AdditiveAttention = _additive_layer()


class _AdditiveAttentionMaskArgument(AdditiveAttention):
    def call(self, query, values, mask=None):                    # not the stated name, values_mask
        return super().call(query, values, mask)


CASES["12.4"] = (AdditiveAttention, [
    _additive_layer(keep_axis=True),                 # softmax over the size-1 axis of (batch, S, 1): all ones
    _additive_layer(softmax_axis=0),                 # softmax over the batch
    _additive_layer(squash=lambda z: z),             # no tanh
    _additive_layer(use_mask=False),                 # values_mask ignored
    _additive_layer(mask_after=True),                # padded weights zeroed after the softmax
    _AdditiveAttentionMaskArgument,                  # call(query, values, mask=None)
])

