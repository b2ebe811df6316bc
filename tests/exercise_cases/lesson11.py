"""Answers for lesson 11's exercises: one right, and the plausible mistakes."""

from collections import Counter

import numpy as np


def teacher_forcing(target_ids, bos_id, eos_id):
    width = max(len(t) for t in target_ids) + 1
    dec_in = np.zeros((len(target_ids), width), dtype="int32")
    dec_out = np.zeros((len(target_ids), width), dtype="int32")
    for i, t in enumerate(target_ids):
        dec_in[i, : len(t) + 1] = [bos_id, *t]
        dec_out[i, : len(t) + 1] = [*t, eos_id]
    return dec_in, dec_out


def teacher_forcing_not_shifted(target_ids, bos_id, eos_id):
    dec_in, _ = teacher_forcing(target_ids, bos_id, eos_id)
    return dec_in, dec_in.copy()


def teacher_forcing_eos_in_input(target_ids, bos_id, eos_id):
    width = max(len(t) for t in target_ids) + 2
    rows_in = [[bos_id, *t, eos_id] for t in target_ids]
    rows_out = [[*t, eos_id] for t in target_ids]
    pad = lambda rows: np.array([r + [0] * (width - len(r)) for r in rows])   # noqa: E731
    return pad(rows_in)[:, :-1], pad(rows_out)[:, :-1]


def teacher_forcing_pre_padding(target_ids, bos_id, eos_id):
    width = max(len(t) for t in target_ids) + 1
    dec_in = np.array([[0] * (width - len(t) - 1) + [bos_id, *t] for t in target_ids])
    dec_out = np.array([[0] * (width - len(t) - 1) + [*t, eos_id] for t in target_ids])
    return dec_in, dec_out


def teacher_forcing_fixed_ids(target_ids, bos_id, eos_id):
    return teacher_forcing(target_ids, 2, 3)           # the lesson's ids, hard-coded


def _per_token(y_true, logits):
    z = logits - logits.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return -np.take_along_axis(log_p, y_true[..., None], axis=-1)[..., 0]


def masked_loss(y_true, logits):
    mask = y_true != 0
    return float(_per_token(y_true, logits)[mask].mean())


def masked_loss_source(y_true, logits):
    mask = y_true != 0
    return float(np.sum(_per_token(y_true, logits) * mask) / y_true.size)


def masked_loss_unmasked(y_true, logits):
    return float(_per_token(y_true, logits).mean())


def masked_loss_per_sentence(y_true, logits):
    mask = y_true != 0
    return float(np.mean(np.sum(_per_token(y_true, logits) * mask, axis=1) / mask.sum(axis=1)))


def ngram_precision(hypothesis, references, n):
    def grams(tokens):
        return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))

    hyp = grams(hypothesis)
    if not hyp:
        return 0.0
    refs = [grams(r) for r in references]
    matched = sum(min(c, max(r[g] for r in refs)) for g, c in hyp.items())
    return matched / sum(hyp.values())


def ngram_precision_unclipped(hypothesis, references, n):
    grams = [tuple(hypothesis[i:i + n]) for i in range(len(hypothesis) - n + 1)]
    ref_grams = {tuple(r[i:i + n]) for r in references for i in range(len(r) - n + 1)}
    return sum(g in ref_grams for g in grams) / len(grams) if grams else 0.0


def ngram_precision_clip_by_sum(hypothesis, references, n):
    def grams(tokens):
        return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))

    hyp, pooled = grams(hypothesis), Counter()
    for r in references:
        pooled += grams(r)                              # all references pooled together
    return sum(min(c, pooled[g]) for g, c in hyp.items()) / sum(hyp.values()) if hyp else 0.0


def ngram_precision_first_reference(hypothesis, references, n):
    return ngram_precision(hypothesis, references[:1], n)


CASES = {
    "11.1": (teacher_forcing, [teacher_forcing_not_shifted, teacher_forcing_eos_in_input, teacher_forcing_pre_padding,
                               teacher_forcing_fixed_ids]),
    "11.2": (masked_loss, [masked_loss_source, masked_loss_unmasked, masked_loss_per_sentence]),
    "11.3": (ngram_precision, [ngram_precision_unclipped, ngram_precision_clip_by_sum,
                               ngram_precision_first_reference]),
}


# -- 11.4: the masked loss in keras.ops, for compile() ----------------------------------------------------
import keras                                                     # noqa: E402
from keras import ops                                            # noqa: E402


def _per_token_keras(y_true, logits):
    y_true = ops.cast(y_true, "int32")
    return y_true, keras.losses.sparse_categorical_crossentropy(y_true, logits, from_logits=True)


def keras_masked_loss(y_true, logits):
    y_true, per_token = _per_token_keras(y_true, logits)
    mask = ops.cast(ops.not_equal(y_true, 0), per_token.dtype)
    return ops.sum(per_token * mask) / ops.maximum(ops.sum(mask), 1.0)


def keras_loss_all_positions(y_true, logits):
    return ops.mean(_per_token_keras(y_true, logits)[1])


def keras_loss_mask_from_prediction(y_true, logits):
    _, per_token = _per_token_keras(y_true, logits)
    mask = ops.cast(ops.not_equal(ops.argmax(logits, axis=-1), 0), per_token.dtype)
    return ops.sum(per_token * mask) / ops.maximum(ops.sum(mask), 1.0)


def keras_loss_sum(y_true, logits):
    y_true, per_token = _per_token_keras(y_true, logits)
    return ops.sum(per_token * ops.cast(ops.not_equal(y_true, 0), per_token.dtype))


def keras_loss_per_sentence(y_true, logits):
    y_true, per_token = _per_token_keras(y_true, logits)
    mask = ops.cast(ops.not_equal(y_true, 0), per_token.dtype)
    return ops.mean(ops.sum(per_token * mask, axis=1) / ops.sum(mask, axis=1))


def keras_loss_probabilities(y_true, logits):
    y_true = ops.cast(y_true, "int32")
    per_token = keras.losses.sparse_categorical_crossentropy(y_true, logits)            # from_logits forgotten
    mask = ops.cast(ops.not_equal(y_true, 0), per_token.dtype)
    return ops.sum(per_token * mask) / ops.sum(mask)


def keras_loss_python_float(y_true, logits):
    y_true, per_token = _per_token_keras(y_true, logits)
    mask = ops.cast(ops.not_equal(y_true, 0), per_token.dtype)
    return ops.sum(per_token * mask) / float(ops.sum(mask))        # fine eagerly, impossible inside fit's graph


def keras_loss_numpy(y_true, logits):
    return masked_loss(np.asarray(y_true), np.asarray(logits))     # 11.2's NumPy answer on tensors: a float


def keras_loss_per_token(y_true, logits):
    y_true, per_token = _per_token_keras(y_true, logits)
    return per_token * ops.cast(ops.not_equal(y_true, 0), per_token.dtype)     # left for compile to average


CASES["11.4"] = (keras_masked_loss, [keras_loss_all_positions, keras_loss_mask_from_prediction, keras_loss_sum,
                                     keras_loss_per_sentence, keras_loss_probabilities, keras_loss_per_token,
                                     keras_loss_python_float, keras_loss_numpy, masked_loss])
