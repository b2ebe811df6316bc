"""Reference answers that more than one lesson's checks use, and the check steps built on them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .core import Check

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "so", "ta", "vi", "ze", "po", "du", "fe"]


def made_up_words(ck: Check, n: int) -> list[str]:
    """``n`` distinct made-up words, sorted (so nobody's stop-word list or tokeniser interferes)."""
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(ck.rng.choice(_SYLLABLES, size=int(ck.rng.integers(2, 4)))))
    return sorted(words)


def early_stopping(
    val_losses: Sequence[float], patience: int, tie_improves: bool = False, extra_wait: int = 0
) -> tuple[int, int]:
    """Keras' ``EarlyStopping(patience, restore_best_weights=True)`` on val_loss: (epochs run, best epoch), from 1.

    As Keras: only a strictly lower loss improves, and training never stops
    after the first epoch. ``tie_improves`` and ``extra_wait`` give the
    typical wrong versions (a tie counted as an improvement, stopping one
    epoch late or early), so checks can name the mistake.
    """
    best, best_epoch, wait = math.inf, 0, 0
    for epoch, loss in enumerate(val_losses):
        wait += 1
        if loss < best or (tie_improves and loss == best):
            best, best_epoch, wait = loss, epoch, 0
            continue
        if wait >= patience + extra_wait and epoch > 0:
            return epoch + 1, best_epoch + 1
    return len(val_losses), best_epoch + 1


def clip(grads: list[np.ndarray], mode: str, c: float) -> list[np.ndarray]:
    """The gradients an optimizer applies with ``mode`` ("clipvalue", "clipnorm" or "global_clipnorm") = ``c``."""
    if mode == "clipvalue":
        return [np.clip(g, -c, c) for g in grads]
    if mode == "clipnorm":
        return [g * min(1.0, c / max(float(np.linalg.norm(g)), 1e-300)) for g in grads]
    total = math.sqrt(sum(float(np.sum(g ** 2)) for g in grads))
    return [g * min(1.0, c / max(total, 1e-300)) for g in grads]


def bucketed_share(lengths: list[int], boundaries: list[int], batch_size: int, *, side: str = "right",
                    to_boundary: bool = False, per_bucket: bool = False, drop_rest: bool = False) -> float:
    """Padded share of bucket_by_sequence_length's batches (06.1; 09.3 without boundaries); the keywords build the
    typical mistakes."""
    def bucket(n: int) -> int:
        return int(np.searchsorted(boundaries, n, side=side))

    buckets: dict[int, list[int]] = {}
    batches: list[list[int]] = []
    for n in lengths:
        b = bucket(n)
        buckets.setdefault(b, []).append(n)
        if len(buckets[b]) == batch_size:
            batches.append(buckets.pop(b))
    if not drop_rest:
        batches += [rest for _, rest in sorted(buckets.items())]
    if per_bucket:                           # every batch padded to its bucket's longest item
        width = [max(n for n in lengths if bucket(n) == bucket(batch[0])) for batch in batches]
    elif to_boundary:                        # pad_to_bucket_boundary=True: up to boundary - 1
        width = [max(max(batch), boundaries[bucket(batch[0])] - 1) if bucket(batch[0]) < len(boundaries)
                 else max(batch) for batch in batches]
    else:
        width = [max(batch) for batch in batches]
    slots = sum(w * len(batch) for w, batch in zip(width, batches))
    real = sum(sum(batch) for batch in batches)
    return 1 - real / slots


def check_early_stopping(ck: Check, fn: Callable[..., Any], cases: list[tuple[list[float], int]]) -> None:
    """The shared steps of the EarlyStopping exercises (05.3, 08.3): ``fn(val_losses, patience)`` must give
    :func:`early_stopping`'s (epochs run, best epoch) on every ``(val_losses, patience)`` of ``cases``;
    each typical mistake gets its own hint."""
    ck.is_callable(fn, "early_stopping")
    for losses, patience in cases:
        what = f"for val_loss = {[round(v, 3) for v in losses]} and patience = {patience}"
        out = ck.call(fn, list(losses), patience, what=f"early_stopping(val_losses, patience={patience})")
        try:
            got = tuple(int(v) for v in out)
            if len(got) != 2 or got != tuple(out):
                raise ValueError
        except (TypeError, ValueError):
            ck.fail(f"{what} you return {out!r}; expected a pair of whole numbers (epochs run, best epoch)",
                    "return a tuple like (4, 2)")
        (ran, best), (exp_ran, exp_best) = got, early_stopping(losses, patience)
        if got == (exp_ran, exp_best):
            continue
        if got in ((exp_ran - 1, exp_best - 1), (exp_ran, exp_best - 1)):
            ck.fail(f"{what} you return {got}: counted from 0",
                    "count epochs from 1, as Keras prints them ('Epoch 1/10', 'the best epoch: 3')")
        if got == early_stopping(losses, patience, tie_improves=True):
            ck.fail(f"{what} you return {got}: an epoch that only equals the best loss counted as an improvement",
                    "Keras compares strictly: an epoch improves only if its loss is below the best so far; an equal "
                    "loss neither saves a checkpoint nor resets the patience")
        if ran != exp_ran:
            if ran in (exp_ran - 1, exp_ran + 1) or got in (early_stopping(losses, patience, extra_wait=1),
                                                            early_stopping(losses, patience, extra_wait=-1)):
                ck.fail(f"{what} training runs {ran} epochs: the patience is counted one epoch off",
                        "patience = the number of epochs WITHOUT improvement that Keras tolerates: with patience 2, "
                        "a best epoch e is followed by epochs e+1 and e+2, and training stops after e+2")
            ck.fail(f"{what} training runs {ran} epochs; that is not right",
                    "walk through the epochs: a strictly lower loss is the new best and resets the wait, otherwise "
                    "wait += 1; training stops at the end of the epoch where wait reaches patience")
        if best == ran and exp_best != exp_ran:
            ck.fail(f"{what} the weights kept are those of the last epoch",
                    "restore_best_weights=True (or a checkpoint with save_best_only=True) goes back to the epoch "
                    "with the lowest val_loss")
        if best == int(np.argmin(losses)) + 1:
            ck.fail(f"{what} the best epoch is {best}, the lowest loss of the whole list",
                    "training stopped before the list ends: epochs after the stop never ran, so their losses "
                    "cannot be the best")
        ck.fail(f"{what} the best epoch is {best}; that is not right",
                "the best epoch has the lowest val_loss among the epochs that were run; for a tie, the earlier "
                "epoch (a tie is not an improvement)")
