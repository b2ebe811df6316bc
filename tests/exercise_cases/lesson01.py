"""Answers for lesson 01's exercises: one right, and the plausible mistakes."""

import numpy as np


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _mgu_parts(x_t, h_prev, kernel, recurrent_kernel, bias):
    # the gate f, the input side x W + b, and the recurrent candidate weights U_h
    u = h_prev.shape[-1]
    xw = x_t @ kernel + bias
    f = _sigmoid(xw[:, :u] + h_prev @ recurrent_kernel[:, :u])
    return f, xw[:, u:], recurrent_kernel[:, u:]


def mgu_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    f, x_side, u_h = _mgu_parts(x_t, h_prev, kernel, recurrent_kernel, bias)
    candidate = np.tanh(x_side + (f * h_prev) @ u_h)
    return (1 - f) * h_prev + f * candidate


def mgu_step_swapped_mix(x_t, h_prev, kernel, recurrent_kernel, bias):
    f, x_side, u_h = _mgu_parts(x_t, h_prev, kernel, recurrent_kernel, bias)
    return f * h_prev + (1 - f) * np.tanh(x_side + (f * h_prev) @ u_h)


def mgu_step_gate_after_product(x_t, h_prev, kernel, recurrent_kernel, bias):
    f, x_side, u_h = _mgu_parts(x_t, h_prev, kernel, recurrent_kernel, bias)
    return (1 - f) * h_prev + f * np.tanh(x_side + f * (h_prev @ u_h))


def mgu_step_blocks_swapped(x_t, h_prev, kernel, recurrent_kernel, bias):
    u = h_prev.shape[-1]
    order = np.r_[u:2 * u, 0:u]                   # candidate block read as the gate and the other way round
    return mgu_step(x_t, h_prev, kernel[:, order], recurrent_kernel[:, order], bias[order])


def mgu_step_no_batch(x_t, h_prev, kernel, recurrent_kernel, bias):
    return mgu_step(x_t, h_prev, kernel, recurrent_kernel, bias)[0]      # only the first row


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
    "01.1": (mgu_step, [mgu_step_swapped_mix, mgu_step_gate_after_product, mgu_step_blocks_swapped,
                        mgu_step_no_batch]),
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
