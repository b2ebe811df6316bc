"""Answers for lesson 01's exercises: one right, and the plausible mistakes."""

import numpy as np

from course_utils import cells


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def gru_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    u = h_prev.shape[-1]
    xw, hu = x_t @ kernel + bias[0], h_prev @ recurrent_kernel + bias[1]
    z, r = _sigmoid(xw[:, :u] + hu[:, :u]), _sigmoid(xw[:, u:2 * u] + hu[:, u:2 * u])
    return z * h_prev + (1 - z) * np.tanh(xw[:, 2 * u:] + r * hu[:, 2 * u:])


def gru_step_swapped_mix(x_t, h_prev, kernel, recurrent_kernel, bias):
    g = cells.gru_gates(x_t, h_prev, kernel, recurrent_kernel, bias)
    return (1 - g["z"]) * h_prev + g["z"] * g["hh"]


def gru_step_reset_before(x_t, h_prev, kernel, recurrent_kernel, bias):
    # the 2014 formulation, with the two bias rows simply added
    return cells.gru_step(x_t, h_prev, kernel, recurrent_kernel, bias[0] + bias[1], reset_after=False)


def gru_step_gates_swapped(x_t, h_prev, kernel, recurrent_kernel, bias):
    u = h_prev.shape[-1]
    order = np.r_[u:2 * u, 0:u, 2 * u:3 * u]      # r and z blocks read in the wrong order
    return cells.gru_step(x_t, h_prev, kernel[:, order], recurrent_kernel[:, order], bias[:, order])


def rnn_params(kind, input_dim, units, bidirectional=False):
    blocks = {"simple": 1, "lstm": 4, "gru": 3}[kind]
    one = blocks * (input_dim * units + units * units + units + (units if kind == "gru" else 0))
    return 2 * one if bidirectional else one


def rnn_params_no_reset_after(kind, input_dim, units, bidirectional=False):
    blocks = {"simple": 1, "lstm": 4, "gru": 3}[kind]
    one = blocks * (input_dim * units + units * units + units)
    return 2 * one if bidirectional else one


def rnn_params_ignores_bidirectional(kind, input_dim, units, bidirectional=False):
    return rnn_params(kind, input_dim, units)


def bidirectional_last(forward_seq, backward_seq):
    return np.concatenate([forward_seq[:, -1], backward_seq[:, 0]], axis=-1)


CASES = {
    "01.1": (gru_step, [gru_step_swapped_mix, gru_step_reset_before, gru_step_gates_swapped]),
    "01.2": (rnn_params, [rnn_params_no_reset_after, rnn_params_ignores_bidirectional]),
    "01.3": (bidirectional_last, [
        lambda f, b: np.concatenate([f[:, -1], b[:, -1]], axis=-1),   # both at the last step
        lambda f, b: f[:, -1] + b[:, 0],                              # summed, not concatenated
        lambda f, b: np.concatenate([b[:, 0], f[:, -1]], axis=-1),    # halves swapped
    ]),
}


# -- 01.4: a GRU cell for keras.layers.RNN --------------------------------------------------------------------
import keras                                                     # noqa: E402
from keras import ops                                            # noqa: E402


def _gru_cell_class(mix="keras", reset="after", with_state_size=True):
    class Cell(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            if with_state_size:
                self.state_size = units

        def build(self, input_shape):
            u = self.units
            self.kernel = self.add_weight(shape=(input_shape[-1], 3 * u), name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(u, 3 * u), name="recurrent_kernel")
            self.bias = self.add_weight(shape=(2, 3 * u), initializer="zeros", name="bias")

        def call(self, inputs, states):
            h_prev = states[0] if isinstance(states, (list, tuple)) else states
            u = self.units
            xw = ops.matmul(inputs, self.kernel) + self.bias[0]
            hu = ops.matmul(h_prev, self.recurrent_kernel) + self.bias[1]
            z = ops.sigmoid(xw[:, :u] + hu[:, :u])
            r = ops.sigmoid(xw[:, u:2 * u] + hu[:, u:2 * u])
            if reset == "after":
                cand = ops.tanh(xw[:, 2 * u:] + r * hu[:, 2 * u:])
            else:                                            # r applied to h before the product
                cand = ops.tanh(xw[:, 2 * u:] + ops.matmul(r * h_prev, self.recurrent_kernel[:, 2 * u:])
                                + self.bias[1, 2 * u:])
            h = z * h_prev + (1 - z) * cand if mix == "keras" else z * cand + (1 - z) * h_prev
            return h, [h]

    return Cell


MinimalGRUCell = _gru_cell_class()

CASES["01.4"] = (MinimalGRUCell, [
    _gru_cell_class(mix="swapped"),                  # h = z * candidate + (1 - z) * h_prev
    _gru_cell_class(reset="before"),                 # reset gate before the recurrent product
    _gru_cell_class(with_state_size=False),          # keras.layers.RNN cannot size the state
    MinimalGRUCell(4),                               # an instance instead of the class
])
