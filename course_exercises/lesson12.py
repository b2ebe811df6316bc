"""Lesson 12 (attention): masked multiplicative attention, one beam-search step, a length penalty, an additive
attention layer in Keras."""

from __future__ import annotations

from typing import Any, Callable

import keras
import numpy as np

from course_utils import decoding
from . import keras_checks as kc
from .core import Check, exercise


def _luong(query: np.ndarray, values: np.ndarray, mask: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The context and the weights (softmax of h W s over the source positions, 0 where ``mask`` is False)."""
    scores = np.where(mask[:, None, :], np.einsum("btd,bsd->bts", query @ w, values), -np.inf)
    weights = np.exp(decoding.log_softmax(scores))
    return weights @ values, weights


@exercise("12.1", "masked multiplicative attention in NumPy")
def check_12_1(ck: Check, luong_attention: Callable[..., Any]) -> None:
    """``luong_attention(query, values, values_mask, W)`` -> (context (b, T, d), weights (b, T, S))."""
    ck.is_callable(luong_attention, "luong_attention")
    b, t, s, d = 3, 4, 6, 5
    query = ck.rng.normal(size=(b, t, d))
    values = ck.rng.normal(size=(b, s, d))
    w = ck.rng.normal(size=(d, d))                      # not symmetric: h W s != s W h
    mask = np.arange(s)[None, :] < np.array([s, 3, 1])[:, None]      # a full row, a padded one, a single real word
    context, weights = _luong(query, values, mask, w)
    got_c, got_w = ck.pair(ck.call(luong_attention, query, values, mask, w), "luong_attention", ("context", "weights"))
    if ck.shape_of(got_c) == (b, t, s) and ck.shape_of(got_w) == (b, t, d):
        ck.fail("the two results come in the wrong order", "return (context, weights): the context first")
    got_w = ck.shape(got_w, (b, t, s), "the weights",
                     hint="one weight per (output step, source position): shape (batch, T, S)")
    ck.shape(got_c, (b, t, d), "the context", hint="the context is a weighted average of the values: (batch, T, d)")
    if np.allclose(got_w.sum(axis=1), 1.0, atol=1e-6) and not np.allclose(got_w.sum(axis=-1), 1.0, atol=1e-6):
        ck.fail("the weights sum to 1 over the output steps, not over the source positions",
                "the softmax runs over the source positions, the last axis of the scores (axis=-1)")
    kc.check_masked_weights(ck, got_w, mask[:, None, :], _luong(query, values, np.ones_like(mask), w)[1])
    ck.passed("weights: softmax over the real source positions only")
    if np.allclose(got_w, _luong(query, values, mask, w.T)[1], atol=1e-6):
        ck.fail("the weights come from h W^T s instead of h W s",
                "project the query with W (query @ W), then take the dot product with every value")
    if np.allclose(got_w, _luong(query, values, mask, np.eye(d))[1], atol=1e-6):
        ck.fail("the weights ignore W (that is the plain dot score)", "score(h, s) = h^T W s: use the matrix W")
    ck.close(got_w, weights, "the weights",
             hint="score(h_t, s_j) = h_t^T W s_j: the query projected by W, dotted with each value")
    ck.passed("scores h^T W s")
    ck.close(got_c, context, "the context",
             hint="context_t = sum_j weight_tj * value_j, a weighted average of the values")
    ck.passed("context = weights @ values")

    for trial in range(2):                              # other shapes, other masks
        b, t, s, d = (int(v) for v in ck.rng.integers(2, 7, size=4))
        query, values = ck.rng.normal(size=(b, t, d)), ck.rng.normal(size=(b, s, d))
        w = ck.rng.normal(size=(d, d))
        mask = np.arange(s)[None, :] < ck.rng.integers(1, s + 1, size=b)[:, None]
        context, weights = _luong(query, values, mask, w)
        got_c, got_w = ck.pair(ck.call(luong_attention, query, values, mask, w), "luong_attention",
                               ("context", "weights"))
        ck.close(got_w, weights, f"the weights (random shapes {trial + 1})")
        ck.close(got_c, context, f"the context (random shapes {trial + 1})")
    ck.passed("2 more random shapes and masks")


def _beam_reference(beam_log_probs: np.ndarray, next_log_probs: np.ndarray, width: int) -> tuple[np.ndarray, ...]:
    total = beam_log_probs[:, None] + next_log_probs
    order = np.argsort(-total.ravel(), kind="stable")[:width]
    rows, tokens = np.divmod(order, total.shape[1])
    return rows, tokens, total.ravel()[order]


def _best_word_per_row(beams: np.ndarray, nxt: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The typical mistake: the best word of every hypothesis, then the best ``width`` of those."""
    best = nxt.argmax(-1)
    order = np.argsort(-(beams + nxt.max(-1)), kind="stable")[:width]
    return order, best[order]


@exercise("12.2", "one step of beam search")
def check_12_2(ck: Check, beam_step: Callable[..., Any]) -> None:
    """``beam_step(beam_log_probs (k,), next_log_probs (k, V), width)`` -> (rows, tokens, totals), best first."""
    ck.is_callable(beam_step, "beam_step")
    for trial in range(6):
        k = 1 if trial == 0 else int(ck.rng.integers(2, 5))
        vocab = int(ck.rng.integers(5, 9))
        width = 2 if trial == 0 else int(ck.rng.integers(2, 5))
        beams = np.sort(-ck.rng.gamma(2.0, 1.5, size=k))[::-1]           # log-probs so far, best first
        logits = ck.rng.normal(scale=2.0, size=(k, vocab))
        nxt = decoding.log_softmax(logits)
        rows, tokens, totals = _beam_reference(beams, nxt, width)
        names = ("rows", "tokens", "totals")
        got = ck.pair(ck.call(beam_step, beams.copy(), nxt.copy(), width), "beam_step", names)
        g_rows, g_tokens, g_totals = (ck.array(a, name).reshape(-1) for a, name in zip(got, names))

        def picked(ref_rows: np.ndarray, ref_tokens: np.ndarray) -> bool:
            return np.array_equal(g_rows, ref_rows) and np.array_equal(g_tokens, ref_tokens)

        if k < width and g_rows.size == k:
            ck.fail(f"with {k} hypothesis(es) and width {width} you returned {k} extension(s), one per hypothesis",
                    "one hypothesis can give several of the best extensions: choose among all k * V "
                    "(hypothesis, word) pairs, not the best word of each hypothesis")
        if g_rows.shape != (width,) or g_tokens.shape != (width,) or g_totals.shape != (width,):
            ck.fail(f"with {k} beams and width {width} you returned {g_rows.size} rows, {g_tokens.size} tokens "
                    f"and {g_totals.size} totals; expected {width} of each",
                    "keep exactly `width` extensions out of all k * V candidates")
        right = picked(rows, tokens)
        if not right and picked(*_beam_reference(np.zeros(k), nxt, width)[:2]):
            ck.fail("the extensions are ranked by the new word's log-probability alone",
                    "rank by the TOTAL: the hypothesis' log-probability so far plus the new word's")
        if not right and picked(*_best_word_per_row(beams, nxt, width)):
            ck.fail("each hypothesis was extended by its own best word only",
                    "compare all k * V (hypothesis, word) pairs together: two extensions of one "
                    "hypothesis may both beat every extension of another")
        if picked(rows[::-1], tokens[::-1]) and width > 1:
            ck.fail("the extensions come worst first", "return them best first (highest total log-probability)")
        if np.allclose(g_totals, np.exp(totals), atol=1e-6):
            ck.fail("the totals are probabilities, not log-probabilities",
                    "stay in log space: add log-probabilities instead of multiplying probabilities")
        ck.require(right, f"the kept (row, token) pairs are not the {width} best "
                   f"(test {trial + 1}: {k} beams, vocabulary {vocab})",
                   "score every (hypothesis, word) pair by its total log-probability and keep the `width` "
                   "largest of all k * V pairs; if you flatten the (k, V) totals, remember which row and column "
                   "each flat index came from")
        if not np.allclose(g_totals, totals, atol=1e-6) and np.allclose(g_totals, nxt[rows, tokens], atol=1e-6):
            ck.fail("the totals leave out the log-probability of the hypothesis so far",
                    "total = beam_log_probs[row] + next_log_probs[row, token]")
        ck.close(g_totals, totals, "your totals array", hint="total = beam_log_probs[row] + next_log_probs[row, token]")
    ck.passed("the k best of all k * V extensions, best first, with their totals (6 random steps)")


def _scores(finished: list[tuple[list[int], float]], alpha: float, eos: bool = True) -> list[float]:
    """Each translation's score; ``eos=False`` leaves the <eos> token out of the length."""
    return [decoding.Hypothesis(ids, lp, finished=eos).score(alpha) for ids, lp in finished]


@exercise("12.3", "choosing the translation with a length penalty")
def check_12_3(ck: Check, best_translation: Callable[..., Any]) -> None:
    """``best_translation(finished, length_penalty)``: index of the best (ids, log_prob) pair."""
    ck.is_callable(best_translation, "best_translation")

    def case(n: int) -> list[tuple[list[int], float]]:
        out = []
        for _ in range(n):
            length = int(ck.rng.integers(1, 9))
            lp = float(-(length + 1) * ck.rng.uniform(0.3, 1.5))     # longer outputs: more negative sums
            out.append(([int(v) for v in ck.rng.integers(4, 50, size=length)], round(lp, 4)))
        return out

    cases = [(case(int(ck.rng.integers(3, 7))), alpha) for alpha in (0.0, 1.0, 0.6, 1.0, 0.6, 1.0, 0.0, 0.8)
             for _ in range(4)]
    for finished, alpha in cases:
        expected = int(np.argmax(_scores(finished, alpha)))
        got = ck.call(best_translation, [(list(ids), lp) for ids, lp in finished], alpha)
        if isinstance(got, (list, tuple)) and list(got) == finished[expected][0]:
            ck.fail("you returned the ids of the best translation; the exercise asks for its position in the list",
                    "return the index i of finished[i]")
        if not isinstance(got, (int, np.integer)) or isinstance(got, bool):
            ck.fail(f"best_translation returned {type(got).__name__}; expected an int (an index into the list)")
        if int(got) == expected:
            continue
        if int(got) == np.argmax(_scores(finished, 0.0)) and alpha > 0:
            ck.fail(f"with length_penalty={alpha} you chose the highest total log-probability",
                    "divide the total by length ** length_penalty before comparing: long translations "
                    "add more negative terms, and that is what the penalty corrects")
        if int(got) == np.argmin(_scores(finished, alpha)):
            ck.fail("you chose the worst translation", "log-probabilities are negative: the best is the LARGEST score")
        if int(got) == np.argmax(_scores(finished, alpha, eos=False)):
            ck.fail("the lengths are off by one", "the <eos> token the model produced counts: length = len(ids) + 1")
        ck.fail(f"best_translation chose translation {int(got)}; the best is a different one "
                f"(length_penalty={alpha})",
                "compare the normalised scores described in the exercise, not the raw sums")
    ck.passed(f"the right translation in {len(cases)} random sets, length_penalty 0, 0.6, 0.8 and 1")


# -- 12.4: additive attention as a Keras layer --------------------------------------------------------------
def _additive(query: np.ndarray, values: np.ndarray, mask: np.ndarray | None, wq: np.ndarray, wk: np.ndarray,
              v: np.ndarray, squash: Callable[[np.ndarray], np.ndarray] = np.tanh) -> tuple[np.ndarray, np.ndarray]:
    """Reference: query (b, dq), values (b, S, dv) -> context (b, dv), weights (b, S); padding gets 0."""
    scores = (squash((query @ wq)[:, None, :] + values @ wk) @ v)[..., 0]          # (b, S)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    weights = np.exp(decoding.log_softmax(scores))
    return np.einsum("bs,bsd->bd", weights, values), weights


def _dense(ck: Check, layer: keras.layers.Layer, name: str, shape: tuple[int, int], role: str) -> Any:
    """The kernel of the Dense layer ``layer.<name>`` (built, no bias, of ``shape``)."""
    dense = getattr(layer, name, None)
    if not isinstance(dense, keras.layers.Dense):
        ck.fail(f"your layer has no Dense layer in self.{name} (found {type(dense).__name__})",
                f"create it in __init__ as stated: self.{name} = layers.Dense(..., use_bias=False); the check "
                "sets the weights through these three attributes")
    ck.require(not dense.use_bias, f"self.{name} has a bias",
               "the three Dense layers of the statement have use_bias=False")
    ck.require(tuple(dense.kernel.shape) == shape, f"the kernel of self.{name} has shape {tuple(dense.kernel.shape)}; "
               f"expected {shape}", role)
    return dense.kernel


@exercise("12.4", "additive (Bahdanau) attention as a Keras layer")
def check_12_4(ck: Check, AdditiveAttention: Any) -> None:  # noqa: N803 (the student's class)
    """``AdditiveAttention(units)(query, values, values_mask=None)`` -> (context (b, dv), weights (b, S))."""
    kc.seed(ck)
    ck.is_callable(AdditiveAttention, "AdditiveAttention")
    for trial, (b, s, dq, dv, units) in enumerate([(3, 6, 5, 7, 4), (4, 5, 3, 3, 6)]):
        layer = ck.call(AdditiveAttention, units, what=f"AdditiveAttention({units})")
        if not isinstance(layer, keras.layers.Layer):
            ck.fail(f"AdditiveAttention({units}) made a {type(layer).__name__}, not a Keras layer",
                    "write a class: class AdditiveAttention(layers.Layer), with __init__ and call")
        query = ck.rng.normal(size=(b, dq)).astype("float32")
        values = ck.rng.normal(size=(b, s, dv)).astype("float32")
        lengths = np.array([s, 3, 1, *ck.rng.integers(1, s + 1, size=b - 3)])[:b]   # full, padded, one word
        mask = np.arange(s)[None, :] < lengths[:, None]

        def run(with_mask: bool) -> tuple[np.ndarray, np.ndarray]:
            out = ck.call(layer, query, values, what=f"calling your layer on a query {query.shape} and "
                          f"values {values.shape}" + (" with values_mask=..." if with_mask else ""),
                          **({"values_mask": mask} if with_mask else {}),
                          hint="the check calls layer(query, values, values_mask=mask): is the signature "
                               "call(self, query, values, values_mask=None)? Does the projected query get a "
                               "time axis, so it can be added to every projected value?")
            out = ck.pair(out, "your layer's call()", ("context", "weights"))
            context, weights = (kc.numpy(ck, t, what) for t, what in zip(out, ("the context", "the weights")))
            if context.shape == (b, s) and weights.shape == (b, dv) and s != dv:
                ck.fail("the two results come in the wrong order", "return (context, weights): the context first")
            if weights.shape == (b, s, 1):
                ck.fail(f"the weights have shape {weights.shape}; expected {(b, s)}",
                        "v maps each position to one score, shape (batch, S, 1): drop that last axis, and take the "
                        "softmax over the source positions")
            weights = ck.shape(weights, (b, s), "the weights", hint="one weight per source position: (batch, S)")
            return ck.shape(context, (b, dv), "the context", hint="the context is the weighted average of the "
                            "values over the source positions: (batch, dv)"), weights

        run(True)                                                   # builds the three Dense layers
        kernels = [_dense(ck, layer, "W_q", (dq, units), "W_q projects the QUERY (dq features) to `units`"),
                   _dense(ck, layer, "W_k", (dv, units), "W_k projects the VALUES (dv features) to `units`"),
                   _dense(ck, layer, "v", (units, 1), "v maps the `units` tanh features to ONE score")]
        wq, wk, v = (ck.rng.normal(scale=0.6, size=tuple(k.shape)).astype("float32") for k in kernels)
        for kernel, value in zip(kernels, (wq, wk, v)):
            kernel.assign(value)
        context, weights = run(True)
        expected_c, expected_w = _additive(query, values, mask, wq, wk, v)
        unmasked_c, unmasked_w = _additive(query, values, None, wq, wk, v)

        where = f"(batch {b}, S {s}, query {dq} features, values {dv}, units {units})"
        if np.allclose(weights, 1.0, atol=1e-6):
            ck.fail(f"every weight is 1 {where}", "the softmax ran over an axis of size 1: the scores of shape "
                    "(batch, S, 1) need their softmax over the source positions S")
        if np.allclose(weights.sum(0), 1.0, atol=1e-5) and not np.allclose(weights.sum(-1), 1.0, atol=1e-5):
            ck.fail(f"the weights sum to 1 over the batch, not over the source positions {where}",
                    "the softmax runs over the source positions (the time axis), not the sentences")
        kc.check_masked_weights(ck, weights, mask, unmasked_w, f" {where}")
        if not np.allclose(weights, expected_w, atol=1e-5) and np.allclose(
                weights, _additive(query, values, mask, wq, wk, v, squash=lambda z: z)[1], atol=1e-5):
            ck.fail(f"the weights are not the additive scores' softmax {where}", "the tanh is missing: v^T "
                    "tanh(W_q q + W_k s_j), the non-linearity is what makes it a small neural network")
        ck.close(weights, expected_w, f"the weights {where}",
                 hint="score_j = v^T tanh(W_q query + W_k values_j): add the projected query to EVERY "
                      "projected value (broadcast over the source positions)")
        ck.close(context, expected_c, f"the context {where}",
                 hint="context = sum_j weight_j * values_j: the weights times the (unprojected) values, summed "
                      "over the source positions")
        context, weights = run(False)
        ck.close(weights, unmasked_w, f"the weights without a mask {where}",
                 hint="values_mask=None means every position is real")
        ck.close(context, unmasked_c, f"the context without a mask {where}")
        if trial == 0:
            ck.passed("shapes (batch, dv) and (batch, S); weights sum to 1 over the source positions")
            ck.passed("padded positions get weight 0; values_mask=None attends everywhere")
    ck.passed("with the check's kernels in W_q, W_k and v: weights and context match v^T tanh(W_q q + W_k s_j) "
              "(2 random sizes)")
