"""Answers for lesson 05's exercises: one right, and the plausible mistakes."""

import numpy as np


def masked_mean(seq, mask):
    m = np.asarray(mask, dtype=float)[..., None]
    return (seq * m).sum(axis=1) / m.sum(axis=1)


def masked_mean_keeps_length(seq, mask):
    # zeroes the padding, but divides by the padded length
    return (seq * np.asarray(mask, dtype=float)[..., None]).mean(axis=1)


def masked_mean_batch_count(seq, mask):
    m = np.asarray(mask, dtype=float)
    return (seq * m[..., None]).sum(axis=1) / m.sum()


def last_real_state(seq, mask):
    last = np.array([np.flatnonzero(row)[-1] for row in mask])
    return seq[np.arange(len(seq)), last]


def last_real_state_count(seq, mask):
    # right for post padding only
    return seq[np.arange(len(seq)), np.asarray(mask).sum(axis=1) - 1]


def last_real_state_off_by_one(seq, mask):
    n = np.asarray(mask).sum(axis=1)
    return seq[np.arange(len(seq)), np.minimum(n, seq.shape[1] - 1)]


def early_stopping(val_losses, patience, ties_improve=False):
    best, best_epoch, since_best = float("inf"), 0, 0
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best or (ties_improve and loss == best):     # the keyword makes the mistake below
            best, best_epoch, since_best = loss, epoch, 0
        else:
            since_best += 1
            if since_best >= patience:
                return epoch, best_epoch
    return len(val_losses), best_epoch


def early_stopping_zero_based(val_losses, patience):
    ran, best = early_stopping(val_losses, patience)
    return ran - 1, best - 1


def early_stopping_one_late(val_losses, patience):
    # waits for patience + 1 epochs without improvement
    return early_stopping(val_losses, patience + 1)


def early_stopping_ties_improve(val_losses, patience):
    return early_stopping(val_losses, patience, ties_improve=True)


def early_stopping_no_restore(val_losses, patience):
    ran, _ = early_stopping(val_losses, patience)
    return ran, ran


CASES = {
    "05.1": (masked_mean, [lambda seq, mask: seq.mean(axis=1), masked_mean_keeps_length, masked_mean_batch_count]),
    "05.2": (last_real_state, [lambda seq, mask: seq[:, -1], last_real_state_count, last_real_state_off_by_one]),
    "05.3": (early_stopping, [early_stopping_zero_based, early_stopping_one_late, early_stopping_ties_improve,
                              early_stopping_no_restore]),
}


# -- 05.4: a stacked bidirectional classifier to a specification --------------------------------------------
import keras                                                     # noqa: E402
from keras import layers                                         # noqa: E402


def _classifier(vocab_size, units=(16, 8), cell=layers.LSTM, mask=True, head=None):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(vocab_size, 16, mask_zero=mask)(inputs)
    x = layers.Bidirectional(cell(units[0], return_sequences=True))(x)
    x = layers.Bidirectional(cell(units[1]))(x)
    return keras.Model(inputs, (head or layers.Dense(1, activation="sigmoid"))(x))


def build_classifier(vocab_size):
    return _classifier(vocab_size)


CASES["05.4"] = (build_classifier, [
    lambda vocab_size: _classifier(vocab_size, units=(32, 16)),              # units doubled
    lambda vocab_size: _classifier(vocab_size, units=(8, 4)),                # units halved
    lambda vocab_size: _classifier(vocab_size, cell=layers.GRU),             # GRU, not LSTM
    lambda vocab_size: _classifier(vocab_size, mask=False),                  # padding is read
    lambda vocab_size: _classifier(vocab_size, head=layers.Dense(2, activation="softmax")),
    lambda vocab_size: keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                                         layers.Embedding(vocab_size, 16, mask_zero=True),
                                         layers.Bidirectional(layers.LSTM(16)),
                                         layers.Dense(1, activation="sigmoid")]),   # one layer only
])
