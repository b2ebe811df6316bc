"""Lesson 10 (character generation): temperature, bits per character, greedy generation, sampling a Keras model."""

from __future__ import annotations

from typing import Any, Callable

import keras
import numpy as np

from course_utils import decoding
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
        guesses = [(decoding.apply_temperature(logits * t * t, t),
                    "divide the logits by T (T < 1 sharpens, T > 1 flattens), do not multiply"),
                   (np.exp(decoding.log_softmax(logits / t, axis=0)),
                    "normalise over the LAST axis (the characters), not over the batch")] if t > 0 else []
        ck.diagnose(arr, guesses, f"the probabilities ({what}) differ from softmax(logits / T)",
                    "p_i = exp(z_i / T) / sum_j exp(z_j / T)" if np.allclose(arr.sum(-1), 1, atol=1e-6)
                    else "each row must sum to 1: divide by the sum over the last axis", atol=1e-6)

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
        nats = -np.take_along_axis(decoding.log_softmax(logits), targets[..., None], -1)
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
            (float(-np.take_along_axis(logits, targets[..., None], -1).mean() / np.log(2)), "the logits are not "
             "log-probabilities: take the log-softmax over the characters first"),
        ]
        ck.diagnose(got, guesses,
                    f"bits_per_char = {got:.4f} on random logits {logits.shape}; not the bits per character",
                    "bpc = mean over every (window, position) of -log2 p(target), p = softmax of the logits on the "
                    "last axis", atol=1e-8, rtol=1e-6)
    ck.passed("matches on 4 random batches, one of them with very confident logits")


class _TinyRNN:
    """A step function with a real state, like a one-layer RNN language model."""

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


def _greedy(model: _TinyRNN, first: int, state: np.ndarray, steps: int, mistake: str = "") -> list[int]:
    """The ``steps`` ids greedy decoding picks after ``first``; ``mistake`` "frozen" never feeds the new state
    back, "same_input" always feeds ``first`` instead of the id just picked."""
    def step(ids: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        logits, new = model(np.array([first]) if mistake == "same_input" else ids, s)
        return logits, s if mistake == "frozen" else new

    return decoding.sample_sequence(step, [first], state.copy(), steps, temperature=0.0)[0].tolist()


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
            ref = _greedy(model, first, state, 12)
            if len(set(ref)) >= 3 and ref not in (_greedy(model, first, state, 12, mistake)
                                                  for mistake in ("frozen", "same_input")):
                break
        model.calls = 0
        out = ck.call(greedy_generate, model, first, state.copy(), steps)
        calls = model.calls
        ids = ck.array(out, "what greedy_generate returns", "return a list of token ids").reshape(-1).tolist()
        expected = _greedy(model, first, state, steps)
        if ids == expected:
            ck.require(calls == steps, f"step_fn was called {calls} times for {steps} new ids",
                       "one call per generated id: each call returns the scores of the next id")
            continue
        guesses = [([first, *expected], "return only the new ids, not the first one you started from"),
                   (_greedy(model, first, state, steps, "frozen"), "feed the new state back: the next call must get "
                    "the state returned by the previous one"),
                   (_greedy(model, first, state, steps, "same_input"), "feed the chosen id back: the next call's "
                    "input is the id you just picked, not the first id")]
        ck.diagnose(ids, guesses, f"the generated ids differ from greedy decoding (random model {trial + 1}, {steps} "
                    f"steps)", f"return exactly `steps` ids ({steps} here)" if len(ids) != steps else "at each step: "
                    "scores, state = step_fn(ids, state); pick the argmax of the scores; that id is the next input")
    ck.passed("matches greedy decoding on 4 random recurrent models (1 to 20 steps)")


# -- 10.4 ---------------------------------------------------------------------------------------------------
def markov_model(transitions: np.ndarray) -> keras.Model:
    """A Keras "language model" whose logits at each step are log P(next | this id): (batch, time) -> logits."""
    vocab = len(transitions)
    inputs = keras.Input(shape=(None,), dtype="int32")
    logits = keras.layers.Embedding(vocab, vocab, embeddings_initializer=keras.initializers.Constant(
        np.log(transitions)), trainable=False)(inputs)
    return keras.Model(inputs, logits)


def _favourite_share(ids: list[int], start: int, favourite: np.ndarray) -> float:
    seq = np.array([start, *ids])
    return float(np.mean(favourite[seq[:-1]] == seq[1:]))


@exercise("10.4", "sampling text from a Keras model at a temperature")
def check_10_4(ck: Check, sample_ids: Callable[..., Any]) -> None:
    """``sample_ids(model, prompt_ids, n_new, temperature, seed)`` -> ``n_new`` ids drawn one at a time."""
    ck.is_callable(sample_ids, "sample_ids")
    vocab = 5
    favourite = ck.rng.permutation(vocab)                     # each id's most likely successor, p = 0.7
    transitions = np.full((vocab, vocab), 0.3 / (vocab - 1))
    transitions[np.arange(vocab), favourite] = 0.7
    model = markov_model(transitions)
    prompt = [int(i) for i in ck.rng.integers(0, vocab, size=3)]

    def run(n: int, temperature: float, seed: int) -> list[int]:
        out = ck.call(sample_ids, model, list(prompt), n, temperature, seed, what="sample_ids(...)")
        ids = np.asarray(out).ravel()
        ck.require(len(ids) == n, f"asked for {n} new ids, got {len(ids)}",
                   "return only the new ids, without the prompt, as a list of ints")
        ck.require(np.all((ids >= 0) & (ids < vocab)), "some ids lie outside the vocabulary",
                   "sample an index of the last position's logits: rng.choice(vocab, p=probs)")
        return [int(i) for i in ids]

    n = 200
    for temperature in (1.0, 2.0, 0.5):
        p = transitions[0] ** (1 / temperature)
        expected = float(p[favourite[0]] / p.sum())          # the favourite's share at this temperature
        share = _favourite_share(run(n, temperature, 11), prompt[-1], favourite)
        if abs(share - expected) > 0.1:
            q = transitions[0] ** temperature
            guesses = [(0.7, "dividing the probabilities by T changes nothing after renormalising: divide the "
                        "LOGITS by T, then softmax (or raise the probabilities to the power 1/T)"),
                       (float(q[favourite[0]] / q.sum()), "the power is 1/T, not T: a higher temperature must "
                        "flatten the distribution"),
                       (1.0, "you always take the most likely id: sample from the distribution instead")]
            ck.diagnose(share, guesses, f"at temperature {temperature}, {share:.2f} of the {n} steps went to the "
                        f"most likely successor; the model's distribution at that temperature gives {expected:.2f}",
                        "softmax(logits / T) at the last position, then rng.choice(vocab, p=...)", atol=0.1)
        ck.passed(f"temperature {temperature}: the most likely successor {share:.2f} of the time "
                  f"(expected {expected:.2f})")
    ck.require(_favourite_share(run(30, 0.01, 1), prompt[-1], favourite) == 1, "at temperature 0.01 the ids do not "
               "follow the most likely successor of the previous id",
               "use the logits of the LAST position (model(x)[0, -1]) and feed each new id back in",
               passed="temperature 0.01 follows the most likely path (greedy)")
    ck.require(run(40, 1.0, 7) == run(40, 1.0, 7), "the same seed gave two different samples",
               "draw every random number from np.random.default_rng(seed), created once per call",
               passed="the same seed gives the same sample")
