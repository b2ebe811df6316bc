"""Lesson 10 (character generation): temperature, bits per character, greedy generation over a step function."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import decoding
from .core import Check, exercise


@exercise("10.1", "probabilities at a temperature")
def check_10_1(ck: Check, temperature_probs: Callable[..., Any]) -> None:
    """``temperature_probs(logits, temperature)`` = softmax(logits / T) on the last axis; T = 0: one-hot argmax."""
    ck.is_callable(temperature_probs, "temperature_probs")

    def judge(logits: np.ndarray, t: float, what: str) -> None:
        out = ck.call(temperature_probs, logits.copy(), t)
        expected = decoding.apply_temperature(logits, t)
        arr = ck.shape(out, expected.shape, f"the probabilities ({what})",
                       hint="same shape as the logits: one distribution per row, over the last axis")
        if not np.all(np.isfinite(arr)):
            hint = ("T = 0 cannot be divided by: treat it (and any T below about 1e-6) as greedy, a one-hot "
                    "vector at the largest logit" if t == 0 else
                    "logits / T can be huge for a small T, and exp overflows: subtract the row's maximum "
                    "before exponentiating (softmax does not change)")
            ck.fail(f"the probabilities ({what}) contain NaN or infinity", hint)
        if np.allclose(arr, expected, atol=1e-6):
            return
        if t > 0 and np.allclose(arr, decoding.apply_temperature(logits * t * t, t), atol=1e-6):
            hint = "divide the logits by T (T < 1 sharpens, T > 1 flattens), do not multiply"
        elif logits.ndim == 2 and t > 0 and np.allclose(arr, np.exp(decoding.log_softmax(logits / t, axis=0)), atol=1e-6):
            hint = "normalise over the LAST axis (the characters), not over the batch"
        elif not np.allclose(arr.sum(-1), 1, atol=1e-6):
            hint = "each row must sum to 1: divide by the sum over the last axis"
        else:
            hint = "p_i = exp(z_i / T) / sum_j exp(z_j / T)"
        ck.fail(f"the probabilities ({what}) differ from softmax(logits / T)", hint)

    judge(ck.rng.normal(size=7), 1.0, "T = 1, one row")
    ck.passed("T = 1 is the plain softmax")
    for t in (0.5, 2.0):
        judge(ck.rng.normal(scale=2, size=(4, 9)), t, f"T = {t}, a batch of 4 rows")
    ck.passed("T = 0.5 and T = 2 on a batch")
    judge(ck.rng.normal(scale=3, size=(3, 12)), 1e-3, "T = 0.001")
    ck.passed("a tiny temperature without overflow")
    judge(ck.rng.normal(size=(3, 12)), 0.0, "T = 0")
    ck.passed("T = 0 gives the greedy one-hot")


@exercise("10.2", "bits per character from logits")
def check_10_2(ck: Check, bits_per_char: Callable[..., Any]) -> None:
    """``bits_per_char(logits, targets)``: mean of -log2 softmax(logits)[target] over all positions."""
    ck.is_callable(bits_per_char, "bits_per_char")
    for trial in range(4):
        batch, time, v = int(ck.rng.integers(2, 6)), int(ck.rng.integers(3, 12)), int(ck.rng.integers(5, 40))
        logits = ck.rng.normal(scale=2.0, size=(batch, time, v))
        if trial == 3:
            logits *= 200                                        # confident model: exp would overflow
        targets = ck.rng.integers(0, v, size=(batch, time))
        got = ck.number(ck.call(bits_per_char, logits.copy(), targets.copy()), "bits_per_char(...)")
        log_p = decoding.log_softmax(logits)
        b, t = np.meshgrid(np.arange(batch), np.arange(time), indexing="ij")
        nats = -log_p[b, t, targets]
        expected = float(nats.mean() / np.log(2))
        if np.isclose(got, expected, rtol=1e-6, atol=1e-8):
            continue
        if not np.isfinite(got):
            ck.fail(f"bits_per_char returned {got} for confident logits",
                    "use a stable log-softmax: log p = z - max(z) - log(sum(exp(z - max(z))))")
        guesses = [
            (float(nats.mean()), "that is the cross-entropy in nats; divide by ln 2 to get bits"),
            (float(nats.mean() / np.log(10)), "bits use log base 2: divide the natural-log loss by ln 2, not ln 10"),
            (float(nats.sum() / np.log(2)), "average over the positions, do not sum"),
            (float(-logits[b, t, targets].mean() / np.log(2)), "the logits are not log-probabilities: take the "
             "log-softmax over the characters first"),
        ]
        ck.diagnose(got, guesses, f"bits_per_char = {got:.4f} on random logits {logits.shape}; not the bits per character",
                    "bpc = mean over every (window, position) of -log2 p(target), p = softmax of the logits on the "
                    "last axis", atol=1e-8, rtol=1e-6)
    ck.passed("matches on 4 random batches, one of them with very confident logits")


class _TinyRNN:
    """A step function with a real state, like a one-layer RNN language model (the check's test model)."""

    def __init__(self, rng: np.random.Generator, vocab: int, units: int = 4) -> None:
        self.embed = rng.normal(scale=0.7, size=(vocab, units))
        self.recurrent = rng.normal(scale=1.5, size=(units, units))
        self.out = rng.normal(scale=2.0, size=(units, vocab))
        self.vocab = vocab
        self.calls = 0

    def __call__(self, token_ids: Any, state: Any) -> tuple[np.ndarray, np.ndarray]:
        ids = np.asarray(token_ids, dtype=np.int64).reshape(-1)
        h = np.asarray(state, dtype=float).reshape(len(ids), -1)
        h = np.tanh(h @ self.recurrent + self.embed[ids])
        self.calls += 1
        return h @ self.out, h


@exercise("10.3", "greedy generation over a step function")
def check_10_3(ck: Check, greedy_generate: Callable[..., Any]) -> None:
    """``greedy_generate(step_fn, first_id, state, steps)`` -> the ``steps`` ids picked after ``first_id``."""
    ck.is_callable(greedy_generate, "greedy_generate")
    for trial in range(4):
        steps = [1, 12, 20, 7][trial]
        for attempt in range(100):   # a model whose greedy text is not stuck on one id, so mistakes show
            v = int(ck.rng.integers(5, 12))
            model = _TinyRNN(ck.rng, v)
            first = int(ck.rng.integers(0, v))
            state = ck.rng.normal(size=(1, 4))
            ref = decoding.sample_sequence(model, [first], state.copy(), 12, temperature=0.0)[0].tolist()
            if (len(set(ref)) >= 3 and _frozen(model, first, state, 12) != ref
                    and _not_fed_back(model, first, state, 12) != ref):
                break
        model.calls = 0
        out = ck.call(greedy_generate, model, first, state.copy(), steps)
        calls = model.calls
        try:
            ids = [int(i) for i in np.asarray(out).reshape(-1)]
        except (TypeError, ValueError):
            ck.fail(f"greedy_generate should return a list of token ids, got {type(out).__name__}", None)
        expected = decoding.sample_sequence(model, [first], state.copy(), steps, temperature=0.0)[0].tolist()
        if ids == expected:
            if calls != steps:
                ck.fail(f"step_fn was called {calls} times for {steps} new ids",
                        "one call per generated id: each call returns the scores of the next id")
            continue
        if len(ids) == steps + 1 and ids[0] == first:
            hint = "return only the new ids, not the first one you started from"
        elif len(ids) != steps:
            hint = f"return exactly `steps` ids ({steps} here)"
        elif ids == _frozen(model, first, state, steps):
            hint = "feed the new state back: the next call must get the state returned by the previous one"
        elif ids == _not_fed_back(model, first, state, steps):
            hint = "feed the chosen id back: the next call's input is the id you just picked, not the first id"
        else:
            hint = "at each step: scores, state = step_fn(ids, state); pick the argmax of the scores; that id is the next input"
        ck.fail(f"the generated ids differ from greedy decoding (random model {trial + 1}, {steps} steps)", hint)
    ck.passed("matches greedy decoding on 4 random recurrent models (1 to 20 steps)")


def _frozen(model: _TinyRNN, first: int, state: np.ndarray, steps: int) -> list[int]:
    ids, out = np.array([first]), []
    for _ in range(steps):
        logits, _ = model(ids, state)
        ids = logits.argmax(-1)
        out.append(int(ids[0]))
    return out


def _not_fed_back(model: _TinyRNN, first: int, state: np.ndarray, steps: int) -> list[int]:
    out = []
    for _ in range(steps):
        logits, state = model(np.array([first]), state)
        out.append(int(logits.argmax(-1)[0]))
    return out
