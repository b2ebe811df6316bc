"""Lesson 02 (gradients through time): BPTT with a loss at every step, gradient clipping, a gate bias."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
from scipy.special import expit

from .core import Check, exercise
from .references import clip


def _forward(x: np.ndarray, kernel: np.ndarray, recurrent: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """States h_1..h_T of a SimpleRNN (tanh) from h_0 = 0: (batch, T, units)."""
    batch, steps, _ = x.shape
    h = np.zeros((batch, recurrent.shape[0]))
    out = np.zeros((batch, steps, recurrent.shape[0]))
    for t in range(steps):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
        out[:, t] = h
    return out


def _bptt(h: np.ndarray, kernel: np.ndarray, recurrent: np.ndarray, dl_dh: np.ndarray,
          derivative_of: str = "h_t", add_each_step: bool = True, propagate: bool = True) -> np.ndarray:
    """dL/dx_t for all t; the keyword arguments build the typical mistakes ("after": dL_dh skips tanh')."""
    h_prev = np.concatenate([np.zeros_like(h[:, :1]), h[:, :-1]], axis=1)
    slope = {"h_t": 1 - h ** 2, "after": 1 - h ** 2, "h_prev": 1 - h_prev ** 2, "none": np.ones_like(h)}[derivative_of]
    grad_x, delta = np.zeros(h.shape[:2] + (kernel.shape[0],)), np.zeros_like(h[:, 0])
    for t in reversed(range(h.shape[1])):
        own = dl_dh[:, t] if add_each_step or t == h.shape[1] - 1 else 0.0
        a = delta * slope[:, t] + own if derivative_of == "after" else (delta + own) * slope[:, t]
        grad_x[:, t] = a @ kernel.T
        delta = a @ recurrent.T if propagate else np.zeros_like(delta)
    return grad_x


@exercise("02.1", "BPTT with a loss at every time step")
def check_02_1(ck: Check, bptt_input_grads: Callable[..., Any]) -> None:
    """``bptt_input_grads(h, kernel, recurrent_kernel, dL_dh)`` -> dL/dx, (batch, T, features)."""
    ck.is_callable(bptt_input_grads, "bptt_input_grads")
    batch, steps, feats, units = 3, 6, 4, 5
    # first the notebook's case, a loss on h_T only; then a loss at every step (a tagger, a language model)
    for trial in range(3):
        x = ck.rng.normal(size=(batch, steps, feats))
        kernel = ck.rng.normal(scale=0.6, size=(feats, units))
        recurrent = ck.rng.normal(scale=0.5, size=(units, units))   # not symmetric: R and R.T differ
        bias = ck.rng.normal(scale=0.3, size=units)
        h = _forward(x, kernel, recurrent, bias)
        dl_dh = ck.rng.normal(size=(batch, steps, units))
        if trial == 0:
            dl_dh[:, :-1] = 0.0
        out = ck.call(bptt_input_grads, h.copy(), kernel.copy(), recurrent.copy(), dl_dh.copy())
        out = ck.shape(out, (batch, steps, feats), "dL/dx",
                       hint="one gradient per input: the same shape as x, (batch, T, features)")
        problem = (h, kernel, recurrent, dl_dh)
        mistakes = [
            (_bptt(*problem, derivative_of="none"), "dL/dx is missing the derivative of tanh",
             "between two steps the gradient goes through tanh: multiply by (1 - h_t**2) before the matrices"),
            (_bptt(*problem, derivative_of="h_prev"), "the tanh derivative is taken at the wrong step",
             "h_t = tanh(pre-activation at t), so its derivative at step t is 1 - h_t**2, with the h of step t"),
            (_bptt(*problem, propagate=False), "only the last step gets a gradient",
             "carry the gradient back one step at a time: dL/dh_(t-1) comes from dL/d(pre-activation at t)"),
            (_bptt(h, kernel, recurrent.T, dl_dh), "the recurrent matrix is used without transposing it (or transposed "
             "twice)", "forward: h_(t-1) @ R; backward, for row vectors: delta @ R.T (the same for x: a @ K.T)"),
            (_bptt(*problem, derivative_of="after"), "the gradient dL_dh[:, t] skips the tanh derivative",
             "dL_dh[:, t] is a gradient for h_t: add it to what comes back from t+1, then go through tanh' (it reaches "
             "x_t only through tanh, like everything else)"),
            (_bptt(*problem, add_each_step=False), "with a loss at every step, only dL/dh_T is used",
             "h_t influences the loss directly (through dL_dh[:, t]) and through h_(t+1): add both before going "
             "through tanh"),
        ]
        if trial == 0:
            ck.close(out, _bptt(*problem), "dL/dx for a loss on the last state only",
                     hint="walk back from the last step; at each step go through tanh' first, then K.T for x_t "
                          "and R.T for h_(t-1) (section 1 does exactly this case)", mistakes=mistakes)
            ck.passed("a loss on the last state only (the notebook's case)")
        else:
            ck.close(out, _bptt(*problem), f"dL/dx for a loss at every step (random case {trial})",
                     hint="at step t the gradient reaching h_t is dL_dh[:, t] plus what came back from step t+1",
                     mistakes=mistakes)
    ck.passed("a loss at every step, 2 random cases")


@exercise("02.2", "clipnorm, clipvalue and global_clipnorm by hand")
def check_02_2(ck: Check, clip_gradients: Callable[..., Any]) -> None:
    """``clip_gradients(grads, mode, c)``: a list of arrays -> the list the optimizer would apply."""
    ck.is_callable(clip_gradients, "clip_gradients")
    hints = {
        "clipnorm": "clipnorm works on each variable separately: g * min(1, c / ||g||), ||g|| of that variable only",
        "clipvalue": "clipvalue clips every element to [-c, c]; it does not rescale",
        "global_clipnorm": "global_clipnorm uses ONE norm for all variables: sqrt(sum of all squared elements)",
    }

    def flat(grads: list[np.ndarray]) -> np.ndarray:
        return np.concatenate([np.ravel(g) for g in grads])

    def get(grads: list[np.ndarray], mode: str, c: float) -> np.ndarray:
        out = ck.call(clip_gradients, [g.copy() for g in grads], mode, c, what=f"clip_gradients(..., {mode!r}, {c})")
        if not isinstance(out, (list, tuple)) or len(out) != len(grads):
            ck.fail(f"clip_gradients(..., {mode!r}, ...) should return a list of {len(grads)} arrays, "
                    f"got {type(out).__name__}", "return one clipped array per variable, in the same order")
        return flat([ck.shape(o, g.shape, f"a clipped gradient ({mode})", hint="clipping never changes shapes")
                     for o, g in zip(out, grads)])

    # Three variables as in the notebook: a kernel, a recurrent kernel with a huge gradient, a bias.
    shapes = [(4, 6), (6, 6), (6,)]
    for mode in ("clipnorm", "clipvalue", "global_clipnorm"):
        for trial in range(2):
            grads = [ck.rng.normal(scale=s, size=shape) for s, shape in zip((0.05, 40.0, 0.3), shapes)]
            c = float(ck.rng.choice([0.5, 1.0, 2.0]))
            mistakes = {
                "clipnorm": [(flat(clip(grads, "global_clipnorm", c)),
                              "clipnorm rescaled all variables by one global factor", hints["clipnorm"]),
                             (flat([g * c / np.linalg.norm(g) for g in grads]),
                              "clipnorm also stretched a gradient that was already short enough",
                              "a gradient whose norm is below c must stay unchanged: the factor is min(1, c / norm)")],
                "global_clipnorm": [(flat(clip(grads, "clipnorm", c)),
                                     "global_clipnorm clipped each variable on its own", hints["global_clipnorm"])],
            }
            ck.close(get(grads, mode, c), flat(clip(grads, mode, c)), f"the gradients after {mode} with c={c}",
                     hints[mode], atol=1e-9, rtol=1e-6, mistakes=mistakes.get(mode, ()))
        ck.passed(f"{mode}: 2 random sets of gradients")

    # small gradients: nothing to clip, in every mode
    grads = [ck.rng.normal(scale=1e-3, size=shape) for shape in shapes]
    for mode in ("clipnorm", "clipvalue", "global_clipnorm"):
        ck.close(get(grads, mode, 1.0), flat(grads), f"{mode} of gradients already within the limit",
                 "clipping only ever shrinks: if the norm (or the value) is within the limit, leave it alone",
                 atol=1e-9, rtol=1e-6)
    ck.passed("small gradients pass through unchanged")


@exercise("02.3", "the gate bias that keeps a share of the state")
def check_02_3(ck: Check, forget_bias_for: Callable[..., Any]) -> None:
    """``forget_bias_for(steps, keep)`` -> b with sigmoid(b) ** steps == keep."""
    ck.is_callable(forget_bias_for, "forget_bias_for")
    cases = [(99, 0.5), (99, 0.01)] + [(int(ck.rng.integers(5, 400)), float(ck.rng.uniform(0.02, 0.95)))
                                       for _ in range(4)]
    for steps, keep in cases:
        b = ck.number(ck.call(forget_bias_for, steps, keep), f"forget_bias_for({steps}, {keep:.3f})",
                      hint="return the bias as a float")
        if not math.isfinite(b):
            ck.fail(f"forget_bias_for({steps}, {keep:.3f}) = {b}", "the bias must be a finite number")
        per_step = keep ** (1 / steps)
        expected = math.log(per_step / (1 - per_step))
        if math.isclose(b, math.log(keep / (1 - keep)), rel_tol=1e-6, abs_tol=1e-9):
            ck.fail(f"with b = {b:.3f} the gate keeps {keep:.3f} per step, not over {steps} steps",
                    "what the gate keeps multiplies step after step: the per-step share f satisfies f ** steps = keep")
        if math.isclose(b, per_step, rel_tol=1e-9):
            ck.fail(f"forget_bias_for({steps}, {keep:.3f}) returned the gate's value, not its bias",
                    "the gate is sigmoid(bias): invert the sigmoid (the logit, log(f / (1 - f)))")
        gate = expit(b)
        ck.require(math.isclose(b, expected, rel_tol=1e-6, abs_tol=1e-6),
                   f"forget_bias_for({steps}, {keep:.3f}) = {b:.4f}: a gate sigmoid({b:.4f}) = {gate:.4f} "
                   f"keeps {gate ** steps:.4g} of the state after {steps} steps, not {keep:.4g}",
                   "first the per-step share f with f ** steps = keep, then the bias b with sigmoid(b) = f")
    ck.passed(f"{len(cases)} (steps, keep) pairs, the notebook's 99 steps included")
