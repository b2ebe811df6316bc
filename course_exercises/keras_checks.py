"""Check steps shared by the exercises whose answers are Keras models (build, inspect, call) or padded batches
(:func:`padding_mask`, :func:`check_masked_mean`); each records a passed step or stops the check with a hint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from .core import Check


def seed(ck: Check) -> None:
    """Seed Keras, NumPy and Python from the check's generator, so a check trains the same way every time."""
    keras.utils.set_random_seed(int(ck.rng.integers(0, 2**31 - 1)))


def build(ck: Check, builder: Callable[..., Any], *args: Any, what: str, **kwargs: Any) -> keras.Model:
    """Call the student's ``builder``; the result must be a ``keras.Model``."""
    ck.is_callable(builder, what)
    model = ck.call(builder, *args, what=what, **kwargs)
    if not isinstance(model, keras.Model):
        ck.fail(f"{what} returned a {type(model).__name__}, not a keras.Model",
                "end the function with `return keras.Model(inputs, outputs)` (or return your Sequential model)")
    return model


def sublayers(model: keras.layers.Layer) -> list[keras.layers.Layer]:
    """Every layer inside ``model``, nested models and wrapped layers (Bidirectional, TimeDistributed) included."""
    found: list[keras.layers.Layer] = []
    stack = list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop(0)
        found.append(layer)
        stack.extend(getattr(layer, "layers", []) if isinstance(layer, keras.Model) else [])
        for attr in ("forward_layer", "backward_layer", "layer"):
            inner = getattr(layer, attr, None)
            if isinstance(inner, keras.layers.Layer):
                stack.append(inner)
    return found


def bidirectional_rnn(model: keras.Model) -> bool:
    """Whether ``model`` has a ``Bidirectional`` layer around a recurrent layer."""
    return any(isinstance(layer, keras.layers.Bidirectional) and isinstance(layer.forward_layer, keras.layers.RNN)
               for layer in sublayers(model))


def outputs(ck: Check, model: keras.Model, x: np.ndarray, what: str = "the model", hint: str | None = None
            ) -> np.ndarray:
    """``model(x)`` in inference mode as a NumPy array; an error becomes a failed step (with ``hint``, if given)."""
    out = ck.call(lambda inputs: model(inputs, training=False), x, what=f"calling {what}", hint=hint)
    if isinstance(out, (list, tuple, dict)):
        ck.fail(f"{what} returns several outputs ({type(out).__name__}); it should return one tensor",
                "build the model with a single output layer")
    return ck.array(keras.ops.convert_to_numpy(out), f"the output of {what}")


def rows_are_distributions(probs: np.ndarray, axis: int = -1) -> bool:
    """Non-negative values that sum to 1 along ``axis``."""
    return bool(np.all(probs >= -1e-6) and np.allclose(probs.sum(axis=axis), 1.0, atol=1e-4))


def check_masked_weights(ck: Check, w: np.ndarray, allowed: np.ndarray, unmasked: np.ndarray, where: str = "") -> None:
    """The shared steps of the attention checks: the weights ``w`` (..., keys) are 0 where ``allowed`` (the mask,
    broadcast to ``w``) is False and sum to 1 over the keys; ``unmasked``, the weights without a mask, names that
    mistake."""
    allowed = np.broadcast_to(allowed, w.shape)
    if np.any(np.abs(w[~allowed]) > 1e-6):
        ck.fail(f"masked positions get a non-zero weight{where}",
                "the mask is not used: give the scores of masked positions -inf (or a huge negative number) before "
                "the softmax" if np.allclose(w, unmasked, atol=1e-5)
                else "masked positions must get exactly 0: mask the scores before the softmax")
    sums = w.sum(-1)
    if not np.allclose(sums, 1.0, atol=1e-5):
        ck.fail(f"the weights of a row do not sum to 1{where}",
                "zeroing the masked weights after the softmax is not enough: mask the SCORES first, then normalise"
                if np.allclose(sums[allowed.all(-1)], 1.0, atol=1e-5) else
                "the weights are a softmax of the scores over the keys (the last axis)")


def check_tagger_outputs(ck: Check, model: keras.Model, probs: np.ndarray, shape: tuple[int, ...], of: str) -> None:
    """The shared steps of the tagger checks: ``probs`` has ``shape`` (batch, time, n), a distribution over the
    ``of`` (e.g. "tags") at every token, and ``model`` reads the sentence with a bidirectional recurrent layer."""
    if probs.ndim == 2:
        ck.fail(f"the tagger gives one output per sentence, shape {probs.shape}; a tagger needs one per token",
                "the recurrent layer must return its whole sequence of states: return_sequences=True")
    ck.require(probs.shape == shape, f"for inputs of shape {shape[:2]} the output has shape {probs.shape}; expected "
               f"{shape} (batch, time, {of})", f"the last layer is a Dense layer with one unit per {of[:-1]}, "
               "applied at every step", passed=f"output shape (batch, time, {of}) = {probs.shape}")
    if not rows_are_distributions(probs, axis=-1):
        hint = (f"the softmax runs over the wrong axis: each token needs a distribution over the {of.upper()} (the "
                "last axis), not over the time steps" if rows_are_distributions(probs, axis=1)
                else f"end with a softmax over the {of}: Dense(n_{of}, activation='softmax')")
        ck.fail(f"the outputs at a token are not probabilities over the {of} (they should be >= 0 and sum to 1)", hint)
    ck.passed(f"each token gets a probability distribution over the {of}")
    ck.require(bidirectional_rnn(model), "there is no bidirectional recurrent layer in the model",
               "wrap the recurrent layer: layers.Bidirectional(layers.LSTM(units, return_sequences=True))",
               passed="a bidirectional recurrent layer reads the sentence both ways")


def numpy(ck: Check, value: Any, what: str) -> np.ndarray:
    """A tensor (any backend), array or list as a NumPy array, keeping its dtype; anything else fails."""
    try:
        arr = np.asarray(keras.ops.convert_to_numpy(value) if keras.ops.is_tensor(value) else value)
    except Exception:
        arr = None
    if arr is None or arr.dtype.kind not in "biuf":
        ck.fail(f"{what} should be a tensor or an array of numbers, got {type(value).__name__}")
    return arr


def padding_mask(ck: Check, batch: int, steps: int, side: str) -> np.ndarray:
    """Boolean (batch, steps) masks of padded sequences (``side`` "post" or "pre"), each with a real step.

    The first row has no padding and the last one a single real step.
    """
    lengths = ck.rng.integers(1, steps + 1, size=batch)
    lengths[0] = steps                       # one sequence without padding
    lengths[-1] = 1                          # and a one-word one
    mask = np.arange(steps)[None, :] < lengths[:, None]
    return mask if side == "post" else mask[:, ::-1].copy()


def check_masked_mean(ck: Check, fn: Callable[..., Any], *, sides: tuple[str, ...] = ("post",), trials: int = 3
                      ) -> None:
    """The shared steps of the masked-mean exercises: ``fn(seq (batch, T, d), mask (batch, T))`` -> (batch, d).

    One batch per side and trial; the padded steps hold large numbers instead of noise like the real ones, so a
    mean that reads them is far off. Each typical mistake gets its own message.
    """
    ck.is_callable(fn, getattr(fn, "__name__", "masked_mean"))
    for side in sides:
        for trial in range(trials):
            batch, steps, d = int(ck.rng.integers(3, 6)), int(ck.rng.integers(4, 9)), int(ck.rng.integers(2, 6))
            mask = padding_mask(ck, batch, steps, side)
            seq = ck.rng.normal(size=(batch, steps, d))
            seq[~mask] = ck.rng.normal(loc=4.0, size=(int((~mask).sum()), d))
            got = ck.shape(ck.call(fn, seq.copy(), mask.copy()), (batch, d), "the pooled vectors",
                           hint="average over the time axis (axis 1): one vector per sequence")
            m = mask[..., None]
            total = (seq * m).sum(axis=1)
            mistakes = [
                (seq.mean(axis=1), "the padded steps are averaged in too",
                 "use the mask to leave the padding out of both the sum and the count"),
                (total, "this is the sum over the real steps, not their mean", "divide by the number of real steps"),
                (total / steps, "the sum is divided by the padded length, not by the real steps",
                 "each sequence has its own number of real steps: mask.sum(axis=1)"),
                (total / m.sum(), "the sum is divided by the real steps of the whole batch",
                 "each sequence has its own number of real steps: mask.sum(axis=1)"),
                (seq.sum(axis=1) / m.sum(axis=1), "the padded steps are added into the sum",
                 "multiply by the mask (as 0/1) before summing: padding may hold any numbers"),
            ]
            ck.close(got, total / m.sum(axis=1), f"the masked mean ({side}-padded batch {trial + 1})",
                     hint="sum of the real steps divided by the number of real steps, sequence by sequence",
                     mistakes=mistakes)
