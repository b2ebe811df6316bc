"""Answers for lesson 02's exercises: one right, and the plausible mistakes."""

import math

import numpy as np


def bptt_input_grads(h, kernel, recurrent_kernel, dL_dh):
    grad_x = np.zeros(h.shape[:2] + (kernel.shape[0],))
    delta = np.zeros_like(h[:, 0])
    for t in reversed(range(h.shape[1])):
        delta = delta + dL_dh[:, t]
        a = delta * (1 - h[:, t] ** 2)
        grad_x[:, t] = a @ kernel.T
        delta = a @ recurrent_kernel.T
    return grad_x


def bptt_last_only(h, kernel, recurrent_kernel, dL_dh):
    # the notebook's loop copied as is: only dL/dh_T enters
    grad_x = np.zeros(h.shape[:2] + (kernel.shape[0],))
    delta = dL_dh[:, -1]
    for t in reversed(range(h.shape[1])):
        a = delta * (1 - h[:, t] ** 2)
        grad_x[:, t] = a @ kernel.T
        delta = a @ recurrent_kernel.T
    return grad_x


def bptt_no_tanh_derivative(h, kernel, recurrent_kernel, dL_dh):
    grad_x = np.zeros(h.shape[:2] + (kernel.shape[0],))
    delta = np.zeros_like(h[:, 0])
    for t in reversed(range(h.shape[1])):
        delta = delta + dL_dh[:, t]
        grad_x[:, t] = delta @ kernel.T
        delta = delta @ recurrent_kernel.T
    return grad_x


def bptt_not_transposed(h, kernel, recurrent_kernel, dL_dh):
    grad_x = np.zeros(h.shape[:2] + (kernel.shape[0],))
    delta = np.zeros_like(h[:, 0])
    for t in reversed(range(h.shape[1])):
        delta = delta + dL_dh[:, t]
        a = delta * (1 - h[:, t] ** 2)
        grad_x[:, t] = a @ kernel.T
        delta = a @ recurrent_kernel
    return grad_x


def bptt_added_after_tanh(h, kernel, recurrent_kernel, dL_dh):
    # the step's own gradient added after the tanh derivative (skips it)
    grad_x = np.zeros(h.shape[:2] + (kernel.shape[0],))
    delta = np.zeros_like(h[:, 0])
    for t in reversed(range(h.shape[1])):
        a = delta * (1 - h[:, t] ** 2) + dL_dh[:, t]
        grad_x[:, t] = a @ kernel.T
        delta = a @ recurrent_kernel.T
    return grad_x


def clip_gradients(grads, mode, c):
    if mode == "clipvalue":
        return [np.clip(g, -c, c) for g in grads]
    if mode == "clipnorm":
        return [g * min(1.0, c / np.linalg.norm(g)) for g in grads]
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * min(1.0, c / total) for g in grads]


def clip_norm_global(grads, mode, c):
    # clipnorm taken to be the global version
    if mode == "clipnorm":
        mode = "global_clipnorm"
    return clip_gradients(grads, mode, c)


def clip_always_rescale(grads, mode, c):
    # forgets the min(1, ...): short gradients are stretched to length c
    if mode == "clipvalue":
        return [np.clip(g, -c, c) for g in grads]
    if mode == "clipnorm":
        return [g * c / np.linalg.norm(g) for g in grads]
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * c / total for g in grads]


def clip_value_rescales(grads, mode, c):
    # clipvalue read as "rescale so that the largest element is c"
    if mode == "clipvalue":
        return [g * min(1.0, c / np.abs(g).max()) for g in grads]
    return clip_gradients(grads, mode, c)


def clip_global_sum_of_norms(grads, mode, c):
    # global norm as the sum of the per-variable norms
    if mode == "global_clipnorm":
        total = sum(np.linalg.norm(g) for g in grads)
        return [g * min(1.0, c / total) for g in grads]
    return clip_gradients(grads, mode, c)


def forget_bias_for(steps, keep):
    f = keep ** (1 / steps)
    return math.log(f / (1 - f))


CASES = {
    "02.1": (bptt_input_grads, [bptt_last_only, bptt_no_tanh_derivative, bptt_not_transposed,
                                bptt_added_after_tanh]),
    "02.2": (clip_gradients, [clip_norm_global, clip_always_rescale, clip_value_rescales,
                              clip_global_sum_of_norms]),
    "02.3": (forget_bias_for, [
        lambda steps, keep: math.log(keep / (1 - keep)),        # keeps `keep` per step
        lambda steps, keep: keep ** (1 / steps),                # the gate value, not the bias
        lambda steps, keep: math.log(keep) / steps,             # log of the gate, not its logit
    ]),
}
