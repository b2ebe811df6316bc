"""Lesson 01 (recurrent cells): a minimal gated unit, parameter counts, a bidirectional layer's output, a GRU cell."""

from __future__ import annotations

from typing import Any, Callable

import keras
import numpy as np
from scipy.special import expit

from . import keras_checks as kc
from .core import Check, exercise


# -- references: Keras itself, and NumPy cells that can make the typical mistakes ----------------------------
def _keras_param_count(kind: str, input_dim: int, units: int, bidirectional: bool = False) -> int:
    """``count_params()`` of a built Keras SimpleRNN / LSTM / GRU layer with default settings."""
    make = {"simple": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}[kind]
    # zeros: the count does not depend on the initial values, and big orthogonal matrices are slow to draw
    layer = make(units, kernel_initializer="zeros", recurrent_initializer="zeros")
    if bidirectional:
        layer = keras.layers.Bidirectional(layer)
    layer.build((None, None, input_dim))
    return int(layer.count_params())


def _gru_step(x: np.ndarray, h: np.ndarray, kernel: np.ndarray, recurrent: np.ndarray, bias: np.ndarray,
              variant: str = "keras") -> np.ndarray:
    """One GRU step (reset_after=True layout) in float64; ``variant`` names a mistake of exercise 01.4."""
    u = recurrent.shape[0]
    if variant == "gates_swapped":                      # z read from the r block and the other way round
        order = np.r_[u:2 * u, 0:u, 2 * u:3 * u]
        kernel, recurrent, bias = kernel[:, order], recurrent[:, order], bias[:, order]
    xw = x @ kernel + bias[0]
    hu = h @ recurrent + bias[1]
    z = expit(xw[:, :u] + hu[:, :u])
    r = expit(xw[:, u:2 * u] + hu[:, u:2 * u])
    if variant == "reset_before":                       # the 2014 formulation: r scales h before the product
        cand = np.tanh(xw[:, 2 * u:] + (r * h) @ recurrent[:, 2 * u:] + bias[1, 2 * u:])
    else:
        cand = np.tanh(xw[:, 2 * u:] + r * hu[:, 2 * u:])
    return (1 - z) * h + z * cand if variant == "swapped_mix" else z * h + (1 - z) * cand


def _mgu_step(x: np.ndarray, h: np.ndarray, kernel: np.ndarray, recurrent: np.ndarray, bias: np.ndarray,
              variant: str = "right") -> np.ndarray:
    """One minimal-gated-unit step (blocks f, candidate); ``variant`` names a typical mistake."""
    u = recurrent.shape[0]
    xw = x @ kernel + bias
    f = expit(xw[:, :u] + h @ recurrent[:, :u])
    if variant == "gate_after_product":                 # f scales (h U_h), as a GRU with reset_after=True
        cand = np.tanh(xw[:, u:] + f * (h @ recurrent[:, u:]))
    elif variant == "no_gate_in_candidate":
        cand = np.tanh(xw[:, u:] + h @ recurrent[:, u:])
    else:
        cand = np.tanh(xw[:, u:] + (f * h) @ recurrent[:, u:])
    return f * h + (1 - f) * cand if variant == "swapped_mix" else (1 - f) * h + f * cand


@exercise("01.1", "a minimal gated unit in NumPy")
def check_01_1(ck: Check, mgu_step: Callable[..., Any]) -> None:
    """``mgu_step(x_t, h_prev, kernel, recurrent_kernel, bias)``: one step of the minimal gated unit."""
    ck.is_callable(mgu_step, "mgu_step")
    batch, d, u = 3, 4, 5
    mistakes = {
        "swapped_mix": ("f and 1 - f are swapped in the final mix",
                        "like the GRU's update gate, but the other way round: h_t = (1 - f) * h_prev + f * candidate"),
        "gate_after_product": ("the gate multiplies h_prev @ U_h instead of h_prev",
                               "the candidate reads the gated state: tanh(x W_h + (f * h_prev) @ U_h + b_h)"),
        "no_gate_in_candidate": ("the candidate ignores the gate",
                                 "f appears twice: in the candidate, as f * h_prev, and in the final mix"),
    }
    # first from a zero state without a bias (only the input side and the block order matter), then from random ones
    for trial in range(4):
        x = ck.rng.normal(size=(batch, d))
        h = ck.rng.normal(size=(batch, u)) if trial else np.zeros((batch, u))
        kernel = ck.rng.normal(scale=0.7, size=(d, 2 * u))
        recurrent = ck.rng.normal(scale=0.7, size=(u, 2 * u))
        bias = ck.rng.normal(scale=0.5, size=(2 * u,)) if trial > 1 else np.zeros(2 * u)
        args = (x, h, kernel, recurrent, bias)
        out = ck.shape(ck.call(mgu_step, *args), (batch, u), "the new state",
                       hint="one row per sequence in the batch, `units` columns")
        if trial:
            what = f"the new state from a random h_prev (random input {trial})"
            hint = "f = sigmoid(x W_f + h_prev U_f + b_f); candidate = tanh(x W_h + (f * h_prev) U_h + b_h)"
        else:
            what = "the new state from h_prev = 0 (no bias)"
            hint = ("the kernel's columns are two blocks: the gate f first, then the candidate; "
                    "from h_prev = 0 the new state is f * candidate")
        ck.close(out, _mgu_step(*args), what, hint,
                 mistakes=[(_mgu_step(*args, variant), *named) for variant, named in mistakes.items()])
        if trial == 0:
            ck.passed("shape and block order (zero state, no bias)")
    ck.passed("a random previous state, with and without a bias, 3 random inputs")


@exercise("01.2", "parameter counts of recurrent layers")
def check_01_2(ck: Check, rnn_params: Callable[..., Any]) -> None:
    """``rnn_params(kind, input_dim, units, bidirectional=False)`` for "simple", "lstm", "gru"."""
    ck.is_callable(rnn_params, "rnn_params")
    hints = {
        "simple": "one block: an input matrix (input_dim x units), a recurrent matrix (units x units), a bias",
        "lstm": "four blocks (input, forget, candidate, output), each like a SimpleRNN's",
        "gru": "three blocks, and Keras' default reset_after=True adds a second bias vector per block",
    }
    cases = [("simple", 300, 512), ("lstm", 300, 512), ("gru", 300, 512)]
    cases += [(kind, int(ck.rng.integers(1, 200)), int(ck.rng.integers(1, 200))) for kind in hints for _ in range(2)]
    for kind, d, u in cases:
        got = ck.call(rnn_params, kind, d, u)
        ck.require(got == _keras_param_count(kind, d, u),
                   f"rnn_params({kind!r}, {d}, {u}) = {got!r}; that is not what Keras counts", hints[kind])
    ck.passed("SimpleRNN, LSTM and GRU, 9 sizes")
    for kind, d, u in cases[:3]:
        got = ck.call(rnn_params, kind, d, u, bidirectional=True)
        ck.require(got == _keras_param_count(kind, d, u, bidirectional=True),
                   f"rnn_params({kind!r}, {d}, {u}, bidirectional=True) = {got!r}; not right",
                   "a bidirectional layer holds two independent copies of the layer")
    ck.passed("bidirectional layers")


@exercise("01.3", "what Bidirectional returns without return_sequences")
def check_01_3(ck: Check, bidirectional_last: Callable[..., Any]) -> None:
    """``bidirectional_last(forward_seq, backward_seq)`` -> (batch, 2 * units), merge_mode="concat"."""
    ck.is_callable(bidirectional_last, "bidirectional_last")
    for trial in range(3):
        batch, time, units = (int(v) for v in ck.rng.integers(2, 7, size=3))
        fwd = ck.rng.normal(size=(batch, time, units))
        bwd = ck.rng.normal(size=(batch, time, units))
        out = ck.call(bidirectional_last, fwd, bwd)
        arr = ck.shape(out, (batch, 2 * units), "the merged output",
                       hint="concatenate the two directions' final outputs along the last axis")
        ck.close(arr[:, :units], fwd[:, -1], "the forward half",
                 hint="the forward layer ends its reading at the last time step")
        ck.close(arr[:, units:], bwd[:, 0], "the backward half",
                 hint="the sequences are aligned in time; the backward layer ends its reading at t = 0")
    ck.passed("forward half and backward half, 3 random shapes")


# -- 01.4: a GRU cell for keras.layers.RNN ------------------------------------------------------------------
def _gru_sequence(x: np.ndarray, kernel: np.ndarray, recurrent: np.ndarray, bias: np.ndarray,
                  variant: str = "keras") -> np.ndarray:
    """Unroll :func:`_gru_step` over x (batch, time, d) from h = 0; ``variant`` names a mistake."""
    h = np.zeros((x.shape[0], recurrent.shape[0]))
    out = []
    for t in range(x.shape[1]):
        h = _gru_step(x[:, t], h, kernel, recurrent, bias, variant)
        out.append(h)
    return np.stack(out, axis=1)


_GRU_MISTAKES = {
    "swapped_mix": "z and 1 - z are swapped in the final mix: in Keras z close to 1 KEEPS the old state, "
                   "h = z * h_prev + (1 - z) * candidate",
    "reset_before": "the reset gate is applied before the recurrent product, r * h_prev then @ U_h (the 2014 "
                    "paper, reset_after=False); Keras' default applies it after: r * (h_prev @ U_h + recurrent bias)",
    "gates_swapped": "the z and r blocks are read in the wrong order: the columns of every weight are three "
                     "blocks, update z first, then reset r, then the candidate h",
}


@exercise("01.4", "a GRU cell for keras.layers.RNN")
def check_01_4(ck: Check, cell_class: Callable[..., Any]) -> None:
    """``cell_class(units)``: a Layer with ``state_size``, GRU weights (reset_after=True) and ``call(x, states)``."""
    kc.seed(ck)
    if isinstance(cell_class, keras.layers.Layer):
        ck.fail("you passed a cell object; the check needs the class itself",
                "write check_01_4(MinimalGRUCell), without parentheses: the check creates cells of several sizes")
    ck.is_callable(cell_class, "your cell class")
    for d, units in ((3, 5), (6, 4)):
        cell = ck.call(cell_class, units, what=f"{getattr(cell_class, '__name__', 'your class')}({units})")
        if not isinstance(cell, keras.layers.Layer):
            ck.fail(f"calling your class gave a {type(cell).__name__}, not a keras Layer",
                    "the cell is a class that inherits from keras.layers.Layer")
        size = getattr(cell, "state_size", None)
        if size is None:
            ck.fail("the cell has no state_size", "keras.layers.RNN asks the cell how big its state is, to create "
                    "the initial zero state: set self.state_size = units in __init__")
        ck.require(np.ravel(size).tolist() == [units],
                   f"state_size is {size!r} for a cell of {units} units; expected {units}",
                   "a GRU has one state, h, of `units` numbers (the 3 * units are the gate blocks of the weights)")
        x = ck.rng.normal(size=(4, 7, d)).astype("float32")
        rnn = ck.call(lambda: keras.layers.RNN(cell, return_sequences=True), what="keras.layers.RNN(your cell)")
        ck.call(rnn, x, what="keras.layers.RNN(your cell) on a batch")      # builds the cell's weights
        kernel = ck.rng.normal(scale=0.6 / np.sqrt(d), size=(d, 3 * units))
        recurrent = ck.rng.normal(scale=0.6 / np.sqrt(units), size=(units, 3 * units))
        bias = ck.rng.normal(scale=0.5, size=(2, 3 * units))
        by_shape = {(d, 3 * units): kernel, (units, 3 * units): recurrent, (2, 3 * units): bias}
        shapes = sorted(tuple(w.shape) for w in cell.weights)
        if shapes != sorted(by_shape):
            ck.fail(f"for input size {d} and {units} units the cell's weights have shapes {shapes}; expected "
                    f"kernel {(d, 3 * units)}, recurrent_kernel {(units, 3 * units)} and bias {(2, 3 * units)}",
                    "create them in build(input_shape) with self.add_weight(shape=...), input_dim = input_shape[-1]; "
                    "the bias has two rows (input side and recurrent side) because reset_after=True")
        for w in cell.weights:
            w.assign(by_shape[tuple(w.shape)].astype("float32"))
        gru = keras.layers.GRU(units, reset_after=True, return_sequences=True)
        gru.build((None, None, d))
        gru.set_weights([kernel, recurrent, bias])
        ck.passed(f"input size {d}, {units} units: state_size {units}, weights {shapes}")

        for trial in range(3):
            seq = ck.rng.normal(size=(int(ck.rng.integers(2, 6)), int(ck.rng.integers(1, 9)), d)).astype("float32")
            got = ck.array(ck.call(rnn, seq, what="keras.layers.RNN(your cell)"), "the RNN's output")
            expected = np.asarray(gru(seq), dtype="float64")
            ck.shape(got, expected.shape, "the output sequence",
                     "call returns (h, [h]): the output at this step and the list of new states")
            if np.allclose(got, expected, atol=1e-5):
                continue
            guesses = [(_gru_sequence(seq.astype("float64"), kernel, recurrent, bias, variant), hint)
                       for variant, hint in _GRU_MISTAKES.items()]
            ck.diagnose(got, guesses, f"the outputs differ from keras.layers.GRU with the same weights (largest "
                        f"difference {float(np.max(np.abs(got - expected))):.3g}, input size {d}, {units} units)",
                        "xw = x @ kernel + bias[0] and hu = h_prev @ recurrent_kernel + bias[1], each cut into three "
                        "blocks z, r, h; sigmoid for the gates, tanh for the candidate", atol=1e-5)
        ck.passed(f"the same outputs as keras.layers.GRU with copied weights on 3 random batches "
                  f"(input size {d}, {units} units)")
