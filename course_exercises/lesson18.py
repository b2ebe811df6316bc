"""Lesson 18 (training recurrent networks well): a masked mean layer, gradient clipping as Keras does it,
the cosine learning-rate schedule."""

from __future__ import annotations

import math
from typing import Any, Callable

import keras
import numpy as np

from . import keras_checks as kc
from .core import Check, exercise
from .references import clip


# -- 18.1 ---------------------------------------------------------------------------------------------------
@exercise("18.1", "a mean over time that honours the mask")
def check_18_1(ck: Check, layer_class: Any) -> None:
    """``layer_class``: a ``keras.layers.Layer`` subclass; ``layer_class()(seq, mask=mask)`` -> (batch, units)."""
    ck.is_callable(layer_class, "MaskedMean")
    if not (isinstance(layer_class, type) and issubclass(layer_class, keras.layers.Layer)):
        if not isinstance(layer_class, keras.layers.Layer):
            ck.call(layer_class, what="MaskedMean()")          # a stub or a crash says so first
        ck.fail(f"expected a class derived from keras.layers.Layer, got {type(layer_class).__name__}",
                "write `class MaskedMean(keras.layers.Layer):` with a `call(self, inputs, mask=None)` method, "
                "and pass the class itself (MaskedMean, not MaskedMean())")
    kc.seed(ck)
    layer = ck.call(layer_class, what="creating the layer (MaskedMean())")

    # 1. called directly on a sequence and a mask, padding after or before the words
    def call(seq: np.ndarray, mask: np.ndarray) -> np.ndarray:
        out = ck.call(layer, seq.astype("float32"), mask=mask, what="calling your layer on a padded batch",
                      hint="call(self, inputs, mask=None): inputs is (batch, time, units), mask (batch, time) "
                           "booleans; use keras.ops (ops.cast, ops.sum, ops.expand_dims)")
        return kc.numpy(ck, out, "the layer's output")

    kc.check_masked_mean(ck, call, sides=("post", "pre"), trials=1)
    ck.passed("called with an explicit mask: the mean over the real steps, for post and pre padding")

    # 2. no mask: a plain mean over every step
    seq = ck.rng.normal(size=(3, 6, 4)).astype("float32")
    out = ck.call(layer, seq, what="calling your layer without a mask",
                  hint="mask=None must work too: then every step is real")
    ck.close(kc.numpy(ck, out, "the layer's output"), seq.astype("float64").mean(axis=1),
             "the output without a mask", atol=1e-5, hint="without a mask, average over every time step")
    ck.passed("without a mask: the plain mean over time")

    # 3. inside a model, the mask arrives from Embedding(mask_zero=True); more padding changes nothing
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = keras.layers.Embedding(50, 6, mask_zero=True)(inputs)
    x = keras.layers.GRU(5, return_sequences=True)(x)
    built = ck.call(layer_class, what="creating a second layer (MaskedMean())")
    pooled = ck.call(built, x, what="using your layer on a GRU's outputs in a functional model",
                     hint="call(self, inputs, mask=None) receives the mask Keras passes down")
    model = keras.Model(inputs, pooled)
    ids = ck.rng.integers(1, 50, size=(4, 7)).astype("int32")
    ids[1:, 4:] = 0
    short = kc.outputs(ck, model, ids, "the model with your layer")
    longer = kc.outputs(ck, model, np.concatenate([ids, np.zeros((4, 5), "int32")], axis=1),
                        "the model with your layer")
    moved = float(np.abs(short - longer).max())
    ck.require(moved < 1e-5, f"five more padding zeros after each sequence change the pooled vector (by {moved:.3g})",
               "the mask from the embedding must reach your call(): accept a `mask=None` argument and use it",
               passed="in a model: extra padding leaves the pooled vectors unchanged")


# -- 18.2 ---------------------------------------------------------------------------------------------------
@exercise("18.2", "gradient clipping as Keras does it")
def check_18_2(ck: Check, clip_gradients: Callable[..., Any]) -> None:
    """``clip_gradients(grads, clipnorm=None, global_clipnorm=None)`` -> list of arrays like ``grads``."""
    ck.is_callable(clip_gradients, "clip_gradients")

    def grads_of(scales: list[float]) -> list[np.ndarray]:
        shapes = [(3, 4), (4,), (2, 3, 2)][: len(scales)]
        return [s * ck.rng.normal(size=shape) / math.sqrt(np.prod(shape)) for s, shape in zip(scales, shapes)]

    def run(grads: list[np.ndarray], **kwargs: Any) -> list[np.ndarray]:
        what = f"clip_gradients(grads, {', '.join(f'{k}={v}' for k, v in kwargs.items())})"
        out = ck.call(clip_gradients, [g.copy() for g in grads], what=what, **kwargs)
        if not isinstance(out, (list, tuple)) or len(out) != len(grads):
            ck.fail(f"{what} should return a list of {len(grads)} arrays, one per gradient; "
                    f"got {type(out).__name__}", "return a list, in the order of grads")
        return [ck.shape(o, g.shape, f"gradient {i} returned by {what}") for i, (o, g) in enumerate(zip(out, grads))]

    # per-variable: one large gradient, one small, one in between
    for trial in range(3):
        grads = grads_of([5.0, 0.3, float(ck.rng.uniform(1.2, 3.0))])
        got = run(grads, clipnorm=1.0)
        want = clip(grads, "clipnorm", 1.0)
        if all(np.allclose(a, b) for a, b in zip(got, clip(grads, "global_clipnorm", 1.0))):
            ck.fail("with clipnorm, all gradients are scaled together by their global norm",
                    "clipnorm clips EACH gradient by its own norm; that is what global_clipnorm does")
        if np.allclose(got[1], grads[1] / np.linalg.norm(grads[1])):
            ck.fail("a gradient whose norm is already below clipnorm was scaled up to norm 1",
                    "clipping only shrinks: leave a gradient whose norm is <= clipnorm unchanged")
        if all(np.allclose(a, np.clip(g, -1.0, 1.0)) for a, g in zip(got, grads)):
            ck.fail("each entry is clipped to [-clipnorm, clipnorm]", "that is clipvalue; clipnorm rescales the "
                    "whole gradient so that its Euclidean norm is at most clipnorm")
        for i, (a, b) in enumerate(zip(got, want)):
            ck.close(a, b, f"gradient {i} with clipnorm=1.0 (case {trial + 1})",
                     hint="g * min(1, clipnorm / ||g||), with ||g|| = sqrt(sum of squares) of that gradient")
    ck.passed("clipnorm: each gradient rescaled to norm <= clipnorm on its own, small ones untouched")

    # global: the joint norm decides one factor for all
    for trial, scales in enumerate(([2.0, 1.5, 1.0], [0.2, 0.1, 0.3])):
        grads = grads_of(scales)
        got = run(grads, global_clipnorm=1.0)
        want = clip(grads, "global_clipnorm", 1.0)
        if trial == 0 and all(np.allclose(a, b) for a, b in zip(got, clip(grads, "clipnorm", 1.0))):
            ck.fail("with global_clipnorm, each gradient is clipped on its own",
                    "global_clipnorm uses the norm of ALL gradients together: sqrt of the sum of every square")
        total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
        if trial == 0 and all(np.allclose(a, g * 1.0 / total ** 2) for a, g in zip(got, grads)):
            ck.fail("the gradients are divided by the squared norm",
                    "the norm is the square root of the sum of squares")
        for i, (a, b) in enumerate(zip(got, want)):
            ck.close(a, b, f"gradient {i} with global_clipnorm=1.0 (case {trial + 1})",
                     hint="one factor min(1, global_clipnorm / global norm) multiplies every gradient")
    ck.passed("global_clipnorm: one factor for all gradients, only when their joint norm is too large")

    grads = grads_of([4.0, 0.5])
    got = run(grads)
    for i, (a, g) in enumerate(zip(got, grads)):
        ck.close(a, g, f"gradient {i} without any clipping",
                 hint="with neither argument, return the gradients as they are")
    ck.passed("no clipping asked: the gradients come back unchanged")


# -- 18.3 ---------------------------------------------------------------------------------------------------
def _cosine(steps: list[int], initial: float, decay_steps: int, alpha: float, clamp: bool = True) -> np.ndarray:
    """Keras' CosineDecay at ``steps``; ``clamp=False`` lets the cosine rise again after ``decay_steps``."""
    s = np.minimum(steps, decay_steps) if clamp else np.asarray(steps)
    return initial * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * s / decay_steps)) + alpha)


@exercise("18.3", "the cosine learning-rate schedule")
def check_18_3(ck: Check, cosine_decay: Callable[..., Any]) -> None:
    """``cosine_decay(step, initial_learning_rate, decay_steps, alpha)`` -> the rate of CosineDecay at ``step``."""
    ck.is_callable(cosine_decay, "cosine_decay")
    for trial in range(3):
        initial = float(ck.rng.choice([0.01, 0.003, 0.002]))
        decay_steps = int(ck.rng.integers(50, 400))
        alpha = float(ck.rng.choice([0.0, 0.1, 0.25])) if trial else 0.1
        steps = [0, decay_steps // 4, decay_steps // 2, decay_steps - 1, decay_steps, decay_steps + 37, 3 * decay_steps]
        got = [ck.number(ck.call(cosine_decay, s, initial, decay_steps, alpha,
                                 what=f"cosine_decay({s}, {initial}, {decay_steps}, {alpha})"),
                         f"cosine_decay({s}, ...)") for s in steps]
        want = _cosine(steps, initial, decay_steps, alpha)
        what = f"for initial_learning_rate={initial}, decay_steps={decay_steps}, alpha={alpha}"
        if not np.isclose(got[0], initial, rtol=1e-6):
            ck.fail(f"{what} the rate at step 0 is {got[0]:.6g}; the schedule starts at initial_learning_rate",
                    "at step 0 the cosine is 1: check the factor 0.5 * (1 + cos(pi * step / decay_steps))")
        if np.allclose(got, _cosine(steps, initial, decay_steps, alpha, clamp=False), rtol=1e-6):
            ck.fail(f"{what} the rate rises again after decay_steps",
                    "after decay_steps the rate stays at its floor: use min(step, decay_steps)")
        if alpha and np.isclose(got[4], alpha, rtol=1e-6) and not np.isclose(alpha, want[4]):
            ck.fail(f"{what} the rate at decay_steps is alpha itself",
                    "alpha is a fraction of initial_learning_rate: the floor is alpha * initial_learning_rate")
        ck.close(got, want, f"the rates at steps {steps} {what}", rtol=1e-6, atol=1e-12,
                 hint="initial * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)")
    ck.passed("3 schedules, steps from 0 to past decay_steps: the rates of keras.optimizers.schedules.CosineDecay")
