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
