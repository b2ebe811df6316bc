"""Check steps for answers that are Keras models: build, inspect, call, compare with padding.

Also the padded-sequence test data several checks share (:func:`padding_mask`,
:func:`masked_mean`).

The model exercises (a tagger, a classifier, a layer, a cell) share these
steps, so each lesson's check states only what its model must do. Every step
records a passed step or stops the check with a message and a hint (see
:class:`~course_utils.exercises.core.Check`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from .core import Check


def seed(ck: Check) -> int:
    """Seed Keras, NumPy and Python from the check's generator, so a check trains the same way every time."""
    value = int(ck.rng.integers(0, 2**31 - 1))
    keras.utils.set_random_seed(value)
    return value


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


def has_layer(model: keras.Model, kind: type | tuple[type, ...]) -> bool:
    """Whether ``model`` contains a layer of ``kind`` anywhere."""
    return any(isinstance(layer, kind) for layer in sublayers(model))


def bidirectional_rnn(model: keras.Model) -> bool:
    """Whether ``model`` has a ``Bidirectional`` layer around a recurrent layer."""
    return any(isinstance(layer, keras.layers.Bidirectional) and isinstance(layer.forward_layer, keras.layers.RNN)
               for layer in sublayers(model))


def outputs(ck: Check, model: keras.Model, x: np.ndarray, what: str = "the model") -> np.ndarray:
    """``model(x)`` in inference mode as a NumPy array; an error becomes a failed step."""
    out = ck.call(lambda inputs: model(inputs, training=False), x, what=f"calling {what}")
    if isinstance(out, (list, tuple, dict)):
        ck.fail(f"{what} returns several outputs ({type(out).__name__}); it should return one tensor",
                "build the model with a single output layer")
    return ck.array(keras.ops.convert_to_numpy(out), f"the output of {what}")


def rows_are_distributions(probs: np.ndarray, axis: int = -1) -> bool:
    """Non-negative values that sum to 1 along ``axis``."""
    return bool(np.all(probs >= -1e-6) and np.allclose(probs.sum(axis=axis), 1.0, atol=1e-4))


def attempt(ck: Check, fn: Callable[..., Any], *args: Any, what: str, hint: str, **kwargs: Any) -> Any:
    """Call the student's ``fn`` like ``ck.call``, but an exception fails with ``hint`` (what this step needs)."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        ck.fail(f"{what}: your code is still a stub (it raises NotImplementedError)",
                "replace the `raise NotImplementedError` line with your code")
    except Exception as exc:
        ck.fail(f"{what} raised {type(exc).__name__}: {str(exc).strip()[:300]}", hint)
    return None  # unreachable


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


def masked_mean(seq: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The reference: the mean of ``seq`` (batch, time, d) over the True steps of ``mask`` (batch, time)."""
    m = np.asarray(mask, dtype="float64")[..., None]
    return (np.asarray(seq, dtype="float64") * m).sum(axis=1) / m.sum(axis=1)


def name_masked_mean_mistake(ck: Check, got: np.ndarray, seq: np.ndarray, mask: np.ndarray,
                             atol: float = 1e-6) -> None:
    """Stop the check with its own message when ``got`` is one of the typical wrong masked means of ``seq``."""
    m = np.asarray(mask, dtype="float64")[..., None]
    mistakes = [
        (seq.mean(axis=1), "the padded steps are averaged in too",
         "use the mask to leave the padding out of both the sum and the count"),
        ((seq * m).sum(axis=1), "this is the sum over the real steps, not their mean",
         "divide by the number of real steps"),
        ((seq * m).sum(axis=1) / seq.shape[1], "the sum is divided by the padded length, not by the real steps",
         "each sequence has its own number of real steps: mask.sum(axis=1)"),
        ((seq * m).sum(axis=1) / m.sum(), "the sum is divided by the real steps of the whole batch",
         "each sequence has its own number of real steps: mask.sum(axis=1)"),
        (seq.sum(axis=1) / m.sum(axis=1), "the padded steps are added into the sum",
         "multiply by the mask (as 0/1) before summing: padding may hold any numbers"),
    ]
    for wrong, what, hint in mistakes:
        if np.allclose(got, wrong, atol=atol):
            ck.fail(what, hint)


def check_masked_mean(ck: Check, fn: Callable[..., Any], *, sides: tuple[str, ...] = ("post",), trials: int = 3,
                      leftovers: bool = True) -> None:
    """The shared steps of the masked-mean exercises: ``fn(seq (batch, T, d), mask (batch, T))`` -> (batch, d).

    One batch per side and trial; with ``leftovers`` the padded steps hold large numbers instead of noise like
    the real ones, so a mean that reads them is far off. Each typical mistake gets its own message.
    """
    ck.is_callable(fn, getattr(fn, "__name__", "masked_mean"))
    for side in sides:
        for trial in range(trials):
            batch, steps, d = int(ck.rng.integers(3, 6)), int(ck.rng.integers(4, 9)), int(ck.rng.integers(2, 6))
            mask = padding_mask(ck, batch, steps, side)
            seq = ck.rng.normal(size=(batch, steps, d))
            if leftovers:
                seq[~mask] = ck.rng.normal(loc=4.0, size=(int((~mask).sum()), d))
            got = ck.shape(ck.call(fn, seq.copy(), mask.copy()), (batch, d), "the pooled vectors",
                           hint="average over the time axis (axis 1): one vector per sequence")
            name_masked_mean_mistake(ck, got, seq, mask)
            ck.close(got, masked_mean(seq, mask), f"the masked mean ({side}-padded batch {trial + 1})",
                     hint="sum of the real steps divided by the number of real steps, sequence by sequence")
