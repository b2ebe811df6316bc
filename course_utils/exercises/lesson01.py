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
