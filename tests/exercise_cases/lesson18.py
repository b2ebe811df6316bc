"""Answers for lesson 18's exercises: one right, and the plausible mistakes."""

import math

import keras
import numpy as np
from keras import ops


# -- 18.1: a mean over time that honours the mask -----------------------------------------------------------
class MaskedMean(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        m = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * m, axis=1) / ops.maximum(ops.sum(m, axis=1), 1.0)

    def compute_mask(self, inputs, mask=None):
        return None


class MeanIgnoringMask(keras.layers.Layer):
    def call(self, inputs, mask=None):              # the source's torch.mean(rnn_out, dim=1)
        return ops.mean(inputs, axis=1)


class MeanDividedByLength(MaskedMean):
    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        m = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.mean(inputs * m, axis=1)          # zeroes the padding, divides by the padded length


class MeanOverBatchCount(MaskedMean):
    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        m = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * m, axis=1) / ops.sum(m)


def masked_mean_function(inputs, mask=None):        # right arithmetic, but a function, not a Layer class
    return MaskedMean()(inputs, mask=mask)


CASES = {"18.1": (MaskedMean, [MeanIgnoringMask, MeanDividedByLength, MeanOverBatchCount, masked_mean_function,
                               MaskedMean()])}


# -- 18.2: gradient clipping as Keras does it -----------------------------------------------------------------
def clip_gradients(grads, clipnorm=None, global_clipnorm=None):
    grads = [np.asarray(g, dtype="float64") for g in grads]
    if clipnorm:
        return [g * min(1.0, clipnorm / max(np.linalg.norm(g), 1e-12)) for g in grads]
    if global_clipnorm:
        total = math.sqrt(sum(float(np.sum(g ** 2)) for g in grads))
        return [g * min(1.0, global_clipnorm / max(total, 1e-12)) for g in grads]
    return grads


def clip_always_global(grads, clipnorm=None, global_clipnorm=None):
    return clip_gradients(grads, global_clipnorm=clipnorm or global_clipnorm)


def clip_always_per_variable(grads, clipnorm=None, global_clipnorm=None):
    return clip_gradients(grads, clipnorm=clipnorm or global_clipnorm)


def clip_rescales_always(grads, clipnorm=None, global_clipnorm=None):
    if clipnorm:
        return [np.asarray(g) * clipnorm / np.linalg.norm(g) for g in grads]
    return clip_gradients(grads, global_clipnorm=global_clipnorm)


def clip_by_value(grads, clipnorm=None, global_clipnorm=None):
    if clipnorm:
        return [np.clip(g, -clipnorm, clipnorm) for g in grads]
    return clip_gradients(grads, global_clipnorm=global_clipnorm)


def clip_squared_norm(grads, clipnorm=None, global_clipnorm=None):
    limit = clipnorm or global_clipnorm
    if not limit:
        return list(grads)
    if clipnorm:
        return [g * min(1.0, limit / max(float(np.sum(g ** 2)), 1e-12)) for g in grads]
    total = sum(float(np.sum(g ** 2)) for g in grads)
    return [g * min(1.0, limit / total) for g in grads]


CASES["18.2"] = (clip_gradients, [clip_always_global, clip_always_per_variable, clip_rescales_always,
                                  clip_by_value, clip_squared_norm])


# -- 18.3: the cosine learning-rate schedule ------------------------------------------------------------------
def cosine_decay(step, initial_learning_rate, decay_steps, alpha=0.0):
    s = min(step, decay_steps)
    return initial_learning_rate * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay_steps)) + alpha)


def cosine_no_clamp(step, initial_learning_rate, decay_steps, alpha=0.0):
    return initial_learning_rate * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * step / decay_steps)) + alpha)


def cosine_alpha_unscaled(step, initial_learning_rate, decay_steps, alpha=0.0):
    s = min(step, decay_steps)
    return initial_learning_rate * (0.5 * (1 + math.cos(math.pi * s / decay_steps)) + alpha)


def cosine_alpha_absolute(step, initial_learning_rate, decay_steps, alpha=0.0):
    s = min(step, decay_steps)
    return (initial_learning_rate - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay_steps)) + alpha


def cosine_no_half(step, initial_learning_rate, decay_steps, alpha=0.0):
    s = min(step, decay_steps)
    return initial_learning_rate * ((1 - alpha) * (1 + math.cos(math.pi * s / decay_steps)) + alpha)


CASES["18.3"] = (cosine_decay, [cosine_no_clamp, cosine_alpha_unscaled, cosine_alpha_absolute, cosine_no_half])
