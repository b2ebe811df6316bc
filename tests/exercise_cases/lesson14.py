"""Answers for lesson 14's exercises: one right, and the plausible mistakes."""

import numpy as np


def lm_targets(ids):
    next_ids = np.zeros_like(ids)
    prev_ids = np.zeros_like(ids)
    next_ids[:, :-1] = ids[:, 1:]
    prev_ids[:, 1:] = ids[:, :-1]
    return next_ids, prev_ids


def lm_targets_swapped(ids):
    next_ids, prev_ids = lm_targets(ids)
    return prev_ids, next_ids


def lm_targets_rolled(ids):
    return np.roll(ids, -1, axis=1), np.roll(ids, 1, axis=1)


def lm_targets_unpadded(ids):
    return ids[:, 1:], ids[:, :-1]


def scalar_mix(layer_outputs, w, gamma):
    s = np.exp(w - np.max(w))
    s = s / s.sum()
    return gamma * sum(sj * h for sj, h in zip(s, layer_outputs))


def masked_mean(vectors, mask):
    m = mask[..., None].astype(vectors.dtype)
    return (vectors * m).sum(axis=1) / m.sum(axis=1)


def mean_with_padding(vectors, mask):
    return vectors.mean(axis=1)


def masked_sum(vectors, mask):
    return (vectors * mask[..., None]).sum(axis=1)


def divided_by_length(vectors, mask):
    return (vectors * mask[..., None]).sum(axis=1) / vectors.shape[1]


def padding_summed(vectors, mask):
    return vectors.sum(axis=1) / mask.sum(axis=1, keepdims=True)


CASES = {
    "14.1": (lm_targets, [lm_targets_swapped, lm_targets_rolled, lm_targets_unpadded]),
    "14.2": (scalar_mix, [
        lambda layers, w, gamma: gamma * sum(wj * h for wj, h in zip(w, layers)),             # no softmax
        lambda layers, w, gamma: sum(sj * h for sj, h in zip(np.exp(w) / np.exp(w).sum(), layers)),  # no gamma
        lambda layers, w, gamma: gamma * sum(wj / np.sum(w) * h for wj, h in zip(w, layers)),  # divided by the sum
        lambda layers, w, gamma: gamma * np.mean(layers, axis=0),                              # equal weights
    ]),
    "14.3": (masked_mean, [mean_with_padding, masked_sum, divided_by_length, padding_summed]),
}


# -- 14.4: freeze or fine-tune a pretrained encoder ---------------------------------------------------------
import keras                                                     # noqa: E402
from keras import layers                                         # noqa: E402


def _probe(encoder, n_classes, pool=None):
    inputs = keras.Input((None,), dtype="int32")
    pooled = (pool or layers.GlobalAveragePooling1D())(encoder(inputs))
    return keras.Model(inputs, layers.Dense(n_classes, activation="softmax")(pooled))


def build_probe(encoder, n_classes, trainable):
    encoder.trainable = trainable
    return _probe(encoder, n_classes)


def probe_freezes_the_head(encoder, n_classes, trainable):
    model = _probe(encoder, n_classes)
    model.layers[-1].trainable = trainable          # the Dense head, not the encoder
    return model


def probe_flag_ignored(encoder, n_classes, trainable):
    return _probe(encoder, n_classes)


def probe_training_false(encoder, n_classes, trainable):
    inputs = keras.Input((None,), dtype="int32")
    states = encoder(inputs, training=trainable)     # inference mode, but the weights stay trainable
    return keras.Model(inputs, layers.Dense(n_classes, activation="softmax")(layers.GlobalAveragePooling1D()(states)))


def probe_freezes_everything(encoder, n_classes, trainable):
    model = _probe(encoder, n_classes)
    model.trainable = trainable                      # the head is frozen with the encoder
    return model


def probe_only_freezes(encoder, n_classes, trainable):
    if not trainable:
        encoder.trainable = False                    # never unfreezes an encoder that arrives frozen
    return _probe(encoder, n_classes)


def probe_freezes_the_embedding_only(encoder, n_classes, trainable):
    encoder.get_layer("embedding").trainable = trainable
    return _probe(encoder, n_classes)


def probe_plain_mean(encoder, n_classes, trainable):
    encoder.trainable = trainable
    return _probe(encoder, n_classes, pool=layers.Lambda(lambda t: keras.ops.mean(t, axis=1)))   # padding counted


CASES["14.4"] = (build_probe, [
    probe_freezes_the_head, probe_flag_ignored, probe_training_false, probe_freezes_everything,
    probe_only_freezes, probe_freezes_the_embedding_only,
    probe_plain_mean,
])
