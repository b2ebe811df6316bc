"""Lesson 05 (IMDB sentiment): the masked mean over time, the state at the last real word, early stopping."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .core import Check, exercise
from .references import early_stopping as keras_early_stopping


def _masks(ck: Check, batch: int, steps: int, side: str) -> np.ndarray:
    """Boolean (batch, steps) masks of padded sequences, each with at least one real step."""
    lengths = ck.rng.integers(1, steps + 1, size=batch)
    lengths[0] = steps                       # one sequence without padding
    lengths[-1] = 1                          # and a one-word one
    mask = np.arange(steps)[None, :] < lengths[:, None]
    return mask if side == "post" else mask[:, ::-1].copy()


@exercise("05.1", "the mean over time, without the padding")
def check_05_1(ck: Check, masked_mean: Callable[..., Any]) -> None:
    """``masked_mean(seq, mask)``: (batch, time, units) and (batch, time) -> (batch, units)."""
    ck.is_callable(masked_mean, "masked_mean")
    for side in ("post", "pre"):
        for trial in range(2):
            batch, steps, units = int(ck.rng.integers(3, 6)), int(ck.rng.integers(4, 9)), int(ck.rng.integers(2, 5))
            seq = ck.rng.normal(size=(batch, steps, units))
            mask = _masks(ck, batch, steps, side)
            out = ck.call(masked_mean, seq.copy(), mask.copy())
            arr = ck.shape(out, (batch, units), "the pooled vectors",
                           hint="average over the time axis (axis 1): one vector per sequence")
            expected = (seq * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            if np.allclose(arr, seq.mean(axis=1)):
                ck.fail("the padded steps are averaged in too",
                        "that is torch.mean(rnn_out, dim=1), the source's bug: use the mask to leave padding out")
            if np.allclose(arr, (seq * mask[..., None]).sum(axis=1) / steps):
                ck.fail("the padded steps are zeroed, but the sum is still divided by the full length",
                        "divide by the number of REAL steps of each sequence, not by the padded length")
            if np.allclose(arr, (seq * mask[..., None]).sum(axis=1) / mask.sum()):
                ck.fail("the sum is divided by the number of real steps of the whole batch",
                        "each sequence has its own number of real steps")
            ck.close(arr, expected, f"the masked mean ({side}-padded batch {trial + 1})",
                     hint="sum of the real steps divided by the number of real steps, sequence by sequence")
    ck.passed("post- and pre-padded batches, 4 random cases")


@exercise("05.2", "the state at the last real word")
def check_05_2(ck: Check, last_real_state: Callable[..., Any]) -> None:
    """``last_real_state(seq, mask)``: (batch, time, units) and (batch, time) -> (batch, units)."""
    ck.is_callable(last_real_state, "last_real_state")
    for side in ("post", "pre"):
        for trial in range(2):
            batch, steps, units = int(ck.rng.integers(3, 6)), int(ck.rng.integers(4, 9)), int(ck.rng.integers(2, 5))
            seq = ck.rng.normal(size=(batch, steps, units))
            mask = _masks(ck, batch, steps, side)
            out = ck.call(last_real_state, seq.copy(), mask.copy())
            arr = ck.shape(out, (batch, units), "the last real states",
                           hint="one vector per sequence: (batch, units)")
            last = np.array([np.flatnonzero(m)[-1] for m in mask])
            expected = seq[np.arange(batch), last]
            if side == "post" and np.allclose(arr, seq[:, -1]):
                ck.fail("the state after the last time step is taken, padding included",
                        "that is rnn_out[:, -1] on post-padded sequences, the source's bug: "
                        "with post padding, the last real word is earlier")
            n_real = mask.sum(axis=1)
            if side == "post" and np.allclose(arr, seq[np.arange(batch), np.minimum(n_real, steps - 1)]):
                ck.fail("off by one: the step after the last real word is taken",
                        "a sequence with n real steps has them at positions 0 .. n-1")
            if side == "pre" and np.allclose(arr, seq[np.arange(batch), n_real - 1]):
                ck.fail("with pre padding, the position n_real - 1 is not the last real word",
                        "the mask can come from pre or post padding: find the position of the last True "
                        "of each row instead of counting")
            ck.close(arr, expected, f"the last real states ({side}-padded batch {trial + 1})",
                     hint="for each sequence, the output at the last position where the mask is True")
    ck.passed("post- and pre-padded batches, 4 random cases")


@exercise("05.3", "when EarlyStopping stops, and which weights it keeps")
def check_05_3(ck: Check, early_stopping: Callable[..., Any]) -> None:
    """``early_stopping(val_losses, patience)`` -> (epochs trained, best epoch), epochs counted from 1."""
    ck.is_callable(early_stopping, "early_stopping")

    def get(losses: list[float], patience: int) -> tuple[int, int]:
        what = f"early_stopping({[round(v, 3) for v in losses]}, patience={patience})"
        out = ck.call(early_stopping, list(losses), patience, what=what)
        try:
            ran, best = (int(v) for v in out)
            if (ran, best) != tuple(out):
                raise ValueError
        except (TypeError, ValueError):
            ck.fail(f"{what} returned {out!r}; expected a pair of whole numbers (epochs trained, best epoch)",
                    "return a tuple like (4, 2)")
        return ran, best

    # hand-made cases first: a clear minimum, a plateau with a tie, improvement to the end
    cases = [([0.9, 0.7, 0.6, 0.65, 0.66, 0.70, 0.5], 2),
             ([0.9, 0.7, 0.6, 0.65, 0.66, 0.70, 0.5], 3),
             ([0.9, 0.8, 0.8, 0.8, 0.4], 2),                     # a tie is not an improvement
             ([0.9, 0.8, 0.7, 0.6], 1)]
    for _ in range(6):
        n = int(ck.rng.integers(4, 12))
        losses = list(np.round(0.7 * np.exp(-ck.rng.uniform(0.1, 0.6) * np.arange(n))
                               + ck.rng.normal(scale=0.04, size=n) + 0.2, 3))
        cases.append(([float(v) for v in losses], int(ck.rng.integers(1, 4))))
    for losses, patience in cases:
        ran, best = get(losses, patience)
        exp_ran, exp_best = keras_early_stopping(losses, patience)
        what = f"for val_loss = {losses} and patience = {patience}"
        if (ran, best) == (exp_ran - 1, exp_best - 1):
            ck.fail(f"{what} you return ({ran}, {best}): counted from 0",
                    "count epochs from 1, as Keras prints them ('Epoch 1/10', 'the best epoch: 3')")
        if (ran, best) != (exp_ran, exp_best) and (ran, best) == keras_early_stopping(losses, patience, tie_improves=True):
            ck.fail(f"{what} you return ({ran}, {best}): an epoch that only equals the best loss "
                    "counted as an improvement",
                    "Keras compares strictly: an epoch improves only if its loss is below the best so far")
        if ran != exp_ran:
            if ran == min(exp_ran + 1, len(losses)) or ran == exp_ran - 1:
                ck.fail(f"{what} training runs {ran} epochs; that is off by one",
                        "training stops at the end of the epoch that makes `patience` epochs in a row without "
                        "improvement; an epoch improves only if its loss is strictly below the best so far")
            ck.fail(f"{what} training runs {ran} epochs; that is not right",
                    "count the epochs without improvement since the best one; stop when the count reaches patience")
        if best == ran and exp_best != exp_ran:
            ck.fail(f"{what} the weights kept are those of the last epoch",
                    "restore_best_weights=True goes back to the epoch with the lowest val_loss")
        ck.require(best == exp_best, f"{what} the best epoch is {best}; that is not right",
                   "the best epoch has the lowest val_loss among the epochs that were run; for a tie, "
                   "the earlier epoch (a tie is not an improvement)")
    ck.passed(f"{len(cases)} loss curves: epochs trained and the epoch restored")
