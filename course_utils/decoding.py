"""Turning a model's next-token scores into sequences.

All functions are framework-neutral: they call a ``step_fn`` you write in the
notebook, so the model code stays visible there::

    def step_fn(token_ids, state):
        # token_ids: (k,) int array, the last token of each of k hypotheses
        # state: whatever your decoder carries (arrays with a leading k axis)
        # returns (scores (k, vocab), new_state)
        ...

Scores may be logits or log-probabilities: both go through :func:`log_softmax`,
which leaves log-probabilities unchanged.
A state may be an array, or a tuple/list/dict of arrays (or ``None``), each
with the hypotheses along axis 0; beam search reorders it with ``take``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

StepFn = Callable[[np.ndarray, Any], tuple[Any, Any]]


def log_softmax(scores: Any, axis: int = -1) -> np.ndarray:
    """Numerically stable log-softmax of ``scores`` along ``axis``."""
    s = np.asarray(scores, dtype=np.float64)
    s = s - s.max(axis=axis, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=axis, keepdims=True))


def apply_temperature(logits: Any, temperature: float) -> np.ndarray:
    """Probabilities ``softmax(logits / temperature)``, shape as ``logits``.

    ``temperature`` -> 0 gives a one-hot at the argmax (the first one on ties);
    1 leaves the distribution unchanged; larger values flatten it.
    """
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, got {temperature}")
    logits = np.asarray(logits, dtype=np.float64)
    if temperature < 1e-6:
        return np.eye(logits.shape[-1])[logits.argmax(axis=-1)]
    return np.exp(log_softmax(logits / temperature))


def _to_log_probs(scores: Any, rows: int) -> np.ndarray:
    """``step_fn``'s scores as log-probabilities, checked to be ``(rows, vocab)``."""
    arr = np.asarray(scores, dtype=np.float64)
    if arr.ndim != 2 or len(arr) != rows:
        raise ValueError(f"step_fn must return scores of shape ({rows}, vocab), got {arr.shape}")
    return log_softmax(arr)


def _take(state: Any, idx: np.ndarray) -> Any:
    """Select hypotheses ``idx`` along axis 0 of every array in ``state``."""
    if state is None:
        return None
    if isinstance(state, dict):
        return {k: _take(v, idx) for k, v in state.items()}
    if isinstance(state, (list, tuple)):
        return type(state)(_take(v, idx) for v in state)
    return np.take(np.asarray(state), idx, axis=0)


def sample_sequence(
    step_fn: StepFn,
    first_ids: Any,
    state: Any,
    steps: int,
    temperature: float = 1.0,
    seed: int | None = 0,
) -> np.ndarray:
    """Generate ``steps`` ids per row by sampling, feeding each back in.

    ``first_ids``: ``(batch,)`` ids to start from. Returns ``(batch, steps)``.
    Deterministic for a fixed ``seed``; ``temperature=0`` is greedy.
    """
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    rng = np.random.default_rng(seed)
    ids = np.asarray(first_ids, dtype=np.int64).reshape(-1)
    out = np.zeros((ids.size, steps), dtype=np.int64)
    for t in range(steps):
        scores, state = step_fn(ids, state)
        probs = apply_temperature(_to_log_probs(scores, len(ids)), temperature)
        if temperature < 1e-6:
            ids = probs.argmax(-1)
        else:  # inverse-CDF sampling, vectorised over the batch
            cdf = np.cumsum(probs, axis=-1)
            u = rng.random((len(cdf), 1)) * cdf[:, -1:]
            ids = np.minimum((cdf < u).sum(axis=-1), cdf.shape[1] - 1)
        out[:, t] = ids
    return out


def greedy_decode(
    step_fn: StepFn,
    state: Any,
    bos_id: int,
    eos_id: int,
    max_len: int,
    batch_size: int = 1,
) -> list[list[int]]:
    """Pick the most likely next token until EOS or ``max_len``, for a batch.

    Returns one id list per row, without BOS and EOS.
    """
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    ids = np.full(batch_size, bos_id, dtype=np.int64)
    done = np.zeros(batch_size, dtype=bool)
    outputs: list[list[int]] = [[] for _ in range(batch_size)]
    for _ in range(max_len):
        scores, state = step_fn(ids, state)
        ids = _to_log_probs(scores, batch_size).argmax(-1).astype(np.int64)
        for i in np.flatnonzero(~done):
            if ids[i] == eos_id:
                done[i] = True
            else:
                outputs[i].append(int(ids[i]))
        if done.all():
            break
    return outputs


@dataclass
class Hypothesis:
    """One beam-search result: token ids (no BOS/EOS), total log-probability, finished flag."""

    ids: list[int]
    log_prob: float
    finished: bool

    def score(self, length_penalty: float = 0.0) -> float:
        """Log-probability divided by ``len ** length_penalty`` (0: no normalisation)."""
        n = len(self.ids) + (1 if self.finished else 0)
        return self.log_prob / (max(n, 1) ** length_penalty)


def beam_search(
    step_fn: StepFn,
    state: Any,
    bos_id: int,
    eos_id: int,
    max_len: int,
    beam_width: int = 4,
    length_penalty: float = 0.0,
    return_all: bool = False,
) -> list[int] | list[Hypothesis]:
    """Beam search for ONE input: keep the ``beam_width`` best partial outputs.

    ``state`` has a leading axis of size 1 (the one input); it is copied for
    each hypothesis. Returns the best id list (no BOS/EOS), or every
    finished/kept hypothesis best first when ``return_all``. With
    ``beam_width=1`` the result equals :func:`greedy_decode`.
    """
    if beam_width < 1:
        raise ValueError(f"beam_width must be >= 1, got {beam_width}")
    if max_len < 1:
        raise ValueError(f"max_len must be >= 1, got {max_len}")
    beams = [Hypothesis([], 0.0, False)]
    last = np.array([bos_id], dtype=np.int64)
    finished: list[Hypothesis] = []
    for _ in range(max_len):
        scores, new_state = step_fn(last, state)
        logp = _to_log_probs(scores, len(beams))
        flat = (np.array([b.log_prob for b in beams])[:, None] + logp).ravel()
        order = np.argsort(-flat, kind="stable")[: 2 * beam_width]
        keep_rows, next_beams = [], []
        for rank, j in enumerate(order):
            row, tok = divmod(int(j), logp.shape[1])
            if not np.isfinite(flat[j]):
                continue
            if tok == eos_id:
                # an ending counts only if it is among the k best continuations
                if rank < beam_width:
                    finished.append(Hypothesis(list(beams[row].ids), float(flat[j]), True))
            elif len(next_beams) < beam_width:
                next_beams.append(Hypothesis(beams[row].ids + [tok], float(flat[j]), False))
                keep_rows.append(row)
        if not next_beams:
            break
        if len(finished) >= beam_width:
            # log-probabilities only fall as tokens are added: stop once no open
            # hypothesis can still beat the k best finished ones
            kth_best = sorted((h.log_prob for h in finished), reverse=True)[beam_width - 1]
            if max(h.log_prob for h in next_beams) <= kth_best:
                break
        beams = next_beams
        state = _take(new_state, np.asarray(keep_rows))
        last = np.array([b.ids[-1] for b in beams], dtype=np.int64)
    else:
        finished.extend(beams)
    if not finished:
        finished = beams
    ranked = sorted(finished, key=lambda h: h.score(length_penalty), reverse=True)
    return ranked if return_all else ranked[0].ids
