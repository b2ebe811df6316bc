"""Lesson 01 (recurrent cells): a GRU step, parameter counts, a bidirectional layer's output."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import cells
from .core import Check, exercise


@exercise("01.1", "one GRU step in NumPy")
def check_01_1(ck: Check, gru_step: Callable[..., Any]) -> None:
    """``gru_step(x_t, h_prev, kernel, recurrent_kernel, bias)``: Keras' GRU with reset_after=True."""
    ck.is_callable(gru_step, "gru_step")
    batch, d, u = 3, 4, 5

    def weights(with_bias: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        kernel = ck.rng.normal(scale=0.7, size=(d, 3 * u))
        recurrent = ck.rng.normal(scale=0.7, size=(u, 3 * u))
        bias = ck.rng.normal(scale=0.5, size=(2, 3 * u)) if with_bias else np.zeros((2, 3 * u))
        return kernel, recurrent, bias

    # 1. from a zero state, without biases: only the input side and the gate order matter
    x, h0 = ck.rng.normal(size=(batch, d)), np.zeros((batch, u))
    k, rk, b = weights(with_bias=False)
    out = ck.call(gru_step, x, h0, k, rk, b)
    ck.shape(out, (batch, u), "the new state", hint="one row per sequence in the batch, `units` columns")
    ck.close(out, cells.gru_step(x, h0, k, rk, b), "the new state from h_prev = 0 (no biases)",
             hint="the kernel's columns are three blocks in Keras' order: update z, reset r, candidate h")
    ck.passed("shape and gate order (zero state, no biases)")

    # 2. a non-zero previous state: the mixing convention
    h = ck.rng.normal(size=(batch, u))
    out = ck.array(ck.call(gru_step, x, h, k, rk, b), "the new state")
    expected = cells.gru_step(x, h, k, rk, b)
    gates = cells.gru_gates(x, h, k, rk, b)
    swapped = (1 - gates["z"]) * h + gates["z"] * gates["hh"]
    if out.shape == expected.shape and np.allclose(out, swapped, atol=1e-6):
        ck.fail("z and 1 - z are swapped in the final mix",
                "Keras keeps the old state where z is close to 1: h_t = z * h_prev + (1 - z) * candidate")
    ck.close(out, expected, "the new state from a random h_prev (no biases)",
             hint="the reset gate multiplies the recurrent part of the candidate only")
    ck.passed("mixing old state and candidate")

    # 3. both bias rows (reset_after=True): r multiplies (h_prev U_h + recurrent bias)
    for trial in range(3):
        k, rk, b = weights(with_bias=True)
        x, h = ck.rng.normal(size=(batch, d)), ck.rng.normal(size=(batch, u))
        out = ck.call(gru_step, x, h, k, rk, b)
        ck.close(out, cells.gru_step(x, h, k, rk, b), f"the new state with biases (random input {trial + 1})",
                 hint="bias has two rows: bias[0] is added on the input side, bias[1] on the recurrent side, "
                      "and with reset_after=True the reset gate multiplies (h_prev @ U_h + bias[1] block h)")
    ck.passed("both bias rows, 3 random inputs")


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
        ck.require(got == cells.rnn_param_count(kind, d, u),
                   f"rnn_params({kind!r}, {d}, {u}) = {got!r}; that is not what Keras counts", hints[kind])
    ck.passed("SimpleRNN, LSTM and GRU, 9 sizes")
    for kind, d, u in cases[:3]:
        got = ck.call(rnn_params, kind, d, u, bidirectional=True)
        ck.require(got == cells.rnn_param_count(kind, d, u, bidirectional=True),
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
    """Unroll a GRU (reset_after=True layout) over x (batch, time, d) in float64; ``variant`` names a mistake."""
    u = recurrent.shape[0]
    if variant == "gates_swapped":                      # z read from the r block and the other way round
        order = np.r_[u:2 * u, 0:u, 2 * u:3 * u]
        kernel, recurrent, bias = kernel[:, order], recurrent[:, order], bias[:, order]
    h = np.zeros((x.shape[0], u))
    out = []
    for t in range(x.shape[1]):
        xw = x[:, t] @ kernel + bias[0]
        hu = h @ recurrent + bias[1]
        z = cells.sigmoid(xw[:, :u] + hu[:, :u])
        r = cells.sigmoid(xw[:, u:2 * u] + hu[:, u:2 * u])
        if variant == "reset_before":                   # the 2014 formulation: r scales h before the product
            cand = np.tanh(xw[:, 2 * u:] + (r * h) @ recurrent[:, 2 * u:] + bias[1, 2 * u:])
        else:
            cand = np.tanh(xw[:, 2 * u:] + r * hu[:, 2 * u:])
        h = (1 - z) * h + z * cand if variant == "swapped_mix" else z * h + (1 - z) * cand
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
    import keras

    from . import keras_checks as kc

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
        if np.ndim(size) != 0 and len(size) == 1:
            size = size[0]
        ck.require(np.ndim(size) == 0 and int(size) == units,
                   f"state_size is {size!r} for a cell of {units} units; expected {units}",
                   "a GRU has one state, h, of `units` numbers (the 3 * units are the gate blocks of the weights)")
        x = ck.rng.normal(size=(4, 7, d)).astype("float32")
        rnn = ck.call(lambda: keras.layers.RNN(cell, return_sequences=True), what="keras.layers.RNN(your cell)")
        ck.call(rnn, x, what="keras.layers.RNN(your cell) on a batch")      # builds the cell's weights
        shapes = sorted(tuple(w.shape) for w in cell.weights)
        wanted = {(d, 3 * units): "kernel", (units, 3 * units): "recurrent_kernel", (2, 3 * units): "bias"}
        if shapes != sorted(wanted):
            ck.fail(f"for input size {d} and {units} units the cell's weights have shapes {shapes}; expected "
                    f"kernel {(d, 3 * units)}, recurrent_kernel {(units, 3 * units)} and bias {(2, 3 * units)}",
                    "create them in build(input_shape) with self.add_weight(shape=...), input_dim = input_shape[-1]; "
                    "the bias has two rows (input side and recurrent side) because reset_after=True")

        gru = keras.layers.GRU(units, reset_after=True, return_sequences=True)
        gru(x)
        kernel = ck.rng.normal(scale=0.6 / np.sqrt(d), size=(d, 3 * units))
        recurrent = ck.rng.normal(scale=0.6 / np.sqrt(units), size=(units, 3 * units))
        bias = ck.rng.normal(scale=0.5, size=(2, 3 * units))
        gru.set_weights([kernel, recurrent, bias])
        by_shape = {(d, 3 * units): kernel, (units, 3 * units): recurrent, (2, 3 * units): bias}
        for w in cell.weights:
            w.assign(by_shape[tuple(w.shape)].astype("float32"))
        ck.passed(f"input size {d}, {units} units: state_size {units}, weights {shapes}")

        for trial in range(3):
            seq = ck.rng.normal(size=(int(ck.rng.integers(2, 6)), int(ck.rng.integers(1, 9)), d)).astype("float32")
            got = ck.array(keras.ops.convert_to_numpy(ck.call(rnn, seq, what="keras.layers.RNN(your cell)")),
                           "the RNN's output")
            expected = np.asarray(gru(seq), dtype="float64")
            ck.shape(got, expected.shape, "the output sequence",
                     "call returns (h, [h]): the output at this step and the list of new states")
            if np.allclose(got, expected, atol=1e-5):
                continue
            for variant, hint in _GRU_MISTAKES.items():
                if np.allclose(got, _gru_sequence(seq.astype("float64"), kernel, recurrent, bias, variant),
                               atol=1e-5):
                    ck.fail(f"the outputs differ from keras.layers.GRU with the same weights "
                            f"(input size {d}, {units} units)", hint)
            worst = float(np.max(np.abs(got - expected)))
            ck.fail(f"the outputs differ from keras.layers.GRU with the same weights (largest difference "
                    f"{worst:.3g}, input size {d}, {units} units)",
                    "xw = x @ kernel + bias[0] and hu = h_prev @ recurrent_kernel + bias[1], each cut into three "
                    "blocks z, r, h; sigmoid for the gates, tanh for the candidate")
        ck.passed(f"the same outputs as keras.layers.GRU with copied weights on 3 random batches "
                  f"(input size {d}, {units} units)")
