"""Reference answers that more than one lesson's checks use."""

from __future__ import annotations

import math
from collections.abc import Sequence


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
