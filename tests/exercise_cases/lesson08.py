"""Answers for lesson 08's exercises: one right, and the plausible mistakes."""

import math

import numpy as np


def epochs_until_leak(n, n_train, target):
    epochs = 1
    while 1 - (1 - n_train / n) ** epochs < target:
        epochs += 1
    return epochs


def epochs_until_leak_floor(n, n_train, target):
    return max(1, math.floor(math.log(1 - target) / math.log(1 - n_train / n)))   # rounds down


def epochs_until_leak_test_share(n, n_train, target):
    return epochs_until_leak(n, n - n_train, target)      # uses the held-out share instead


def epochs_until_leak_float(n, n_train, target):
    return math.log(1 - target) / math.log(1 - n_train / n)   # not rounded at all


def grouped_split(keys, test_fraction, seed):
    rng = np.random.default_rng(seed)
    distinct = sorted(set(keys))
    order = rng.permutation(len(distinct))
    n_test = round(len(distinct) * test_fraction)
    test_keys = {distinct[i] for i in order[:n_test]}
    idx = np.arange(len(keys))
    in_test = np.array([k in test_keys for k in keys])
    return idx[~in_test], idx[in_test]


def split_ignoring_groups(keys, test_fraction, seed):
    order = np.random.default_rng(seed).permutation(len(keys))
    n_test = round(len(keys) * test_fraction)
    return order[n_test:], order[:n_test]


def split_unseeded(keys, test_fraction, seed):
    return grouped_split(keys, test_fraction, seed=None)    # a new split on every call


def split_test_with_replacement(keys, test_fraction, seed):
    rng = np.random.default_rng(seed)
    test = rng.choice(len(keys), size=round(len(keys) * test_fraction))   # replace=True by default
    return np.setdiff1d(np.arange(len(keys)), test), test


def split_not_random(keys, test_fraction, seed):
    distinct = sorted(set(keys))                              # the same keys go to test whatever the seed
    test_keys = set(distinct[: round(len(distinct) * test_fraction)])
    idx = np.arange(len(keys))
    in_test = np.array([k in test_keys for k in keys])
    return idx[~in_test], idx[in_test]


def early_stopping(val_losses, patience, ties_improve=False, extra_wait=0):
    # the keywords make the mistakes below: a tie counted as an improvement, waiting one epoch too long
    best, best_epoch, wait = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses):
        wait += 1
        if loss < best or (ties_improve and loss == best):
            best, best_epoch, wait = loss, epoch, 0
        elif wait >= patience + extra_wait:
            return epoch + 1, best_epoch + 1
    return len(val_losses), best_epoch + 1


def early_stopping_ties_improve(val_losses, patience):
    return early_stopping(val_losses, patience, ties_improve=True)


def early_stopping_one_late(val_losses, patience):
    return early_stopping(val_losses, patience, extra_wait=1)


def early_stopping_global_argmin(val_losses, patience):
    runs, _ = early_stopping(val_losses, patience)
    return runs, int(np.argmin(val_losses)) + 1


def early_stopping_zero_based(val_losses, patience):
    runs, best = early_stopping(val_losses, patience)
    return runs, best - 1


CASES = {
    "08.1": (epochs_until_leak, [epochs_until_leak_floor, epochs_until_leak_test_share, epochs_until_leak_float]),
    "08.2": (grouped_split, [split_ignoring_groups, split_unseeded, split_test_with_replacement, split_not_random]),
    "08.3": (early_stopping, [early_stopping_ties_improve, early_stopping_one_late, early_stopping_global_argmin,
                              early_stopping_zero_based]),
}


# 08.4: lists of Keras callbacks (Keras imported inside, so that importing this module stays cheap)
def training_callbacks(checkpoint_path):
    import keras
    return [keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True),
            keras.callbacks.ModelCheckpoint(checkpoint_path, monitor="val_loss", save_best_only=True)]


def callbacks_checkpoint_only(checkpoint_path):
    import keras
    return [keras.callbacks.ModelCheckpoint(checkpoint_path, monitor="val_loss", save_best_only=True)]


def callbacks_training_loss(checkpoint_path):
    import keras
    return [keras.callbacks.EarlyStopping(monitor="loss", patience=3, restore_best_weights=True)]


def callbacks_no_restore(checkpoint_path):
    import keras
    return [keras.callbacks.EarlyStopping(monitor="val_loss", patience=3)]


def callbacks_mode_max(checkpoint_path):
    import keras
    return [keras.callbacks.EarlyStopping(monitor="val_loss", mode="max", patience=3, restore_best_weights=True)]


def callbacks_patience_too_large(checkpoint_path):
    import keras
    return [keras.callbacks.EarlyStopping(monitor="val_loss", patience=50, restore_best_weights=True)]


def callbacks_checkpoint_every_epoch(checkpoint_path):
    import keras
    return [keras.callbacks.EarlyStopping(monitor="val_loss", patience=3),
            keras.callbacks.ModelCheckpoint(checkpoint_path, monitor="val_loss")]     # save_best_only=False


CASES["08.4"] = (training_callbacks, [callbacks_no_restore, callbacks_training_loss, callbacks_mode_max,
                                      callbacks_patience_too_large, callbacks_checkpoint_only,
                                      callbacks_checkpoint_every_epoch])
