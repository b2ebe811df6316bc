"""Lesson 05 (IMDB sentiment): masked mean, last real state, early stopping, a classifier built to a specification."""

from __future__ import annotations

from typing import Any, Callable

import keras
import numpy as np

from . import keras_checks as kc
from .core import Check, exercise
from .references import check_early_stopping


@exercise("05.1", "the mean over time, without the padding")
def check_05_1(ck: Check, masked_mean: Callable[..., Any]) -> None:
    """``masked_mean(seq, mask)``: (batch, time, units) and (batch, time) -> (batch, units)."""
    # the source's bug is the first mistake the shared check names: torch.mean(rnn_out, dim=1) over the padding
    kc.check_masked_mean(ck, masked_mean, sides=("post", "pre"), trials=2)
    ck.passed("post- and pre-padded batches, 4 random cases")


@exercise("05.2", "the state at the last real word")
def check_05_2(ck: Check, last_real_state: Callable[..., Any]) -> None:
    """``last_real_state(seq, mask)``: (batch, time, units) and (batch, time) -> (batch, units)."""
    ck.is_callable(last_real_state, "last_real_state")
    for side in ("post", "pre"):
        for trial in range(2):
            batch, steps, units = int(ck.rng.integers(3, 6)), int(ck.rng.integers(4, 9)), int(ck.rng.integers(2, 5))
            seq = ck.rng.normal(size=(batch, steps, units))
            mask = kc.padding_mask(ck, batch, steps, side)
            out = ck.shape(ck.call(last_real_state, seq.copy(), mask.copy()), (batch, units), "the last real states",
                           hint="one vector per sequence: (batch, units)")
            rows, n_real = np.arange(batch), mask.sum(axis=1)
            last = np.array([np.flatnonzero(m)[-1] for m in mask])
            ck.close(out, seq[rows, last], f"the last real states ({side}-padded batch {trial + 1})",
                     hint="for each sequence, the output at the last position where the mask is True", mistakes=[
                         (seq[:, -1], "the state after the last time step is taken, padding included",
                          "that is rnn_out[:, -1] on post-padded sequences, the source's bug: "
                          "with post padding, the last real word is earlier"),
                         (seq[rows, np.minimum(n_real, steps - 1)], "off by one: the step after the last real word "
                          "is taken", "a sequence with n real steps has them at positions 0 .. n-1"),
                         (seq[rows, n_real - 1], "with pre padding, the position n_real - 1 is not the last real word",
                          "the mask can come from pre or post padding: find the position of the last True "
                          "of each row instead of counting")])
    ck.passed("post- and pre-padded batches, 4 random cases")


@exercise("05.3", "when EarlyStopping stops, and which weights it keeps")
def check_05_3(ck: Check, early_stopping: Callable[..., Any]) -> None:
    """``early_stopping(val_losses, patience)`` -> (epochs trained, best epoch), epochs counted from 1."""
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
    check_early_stopping(ck, early_stopping, cases)
    ck.passed(f"{len(cases)} loss curves: epochs trained and the epoch restored")


def _stacked_params(vocab_size: int, units: tuple[int, int] = (16, 8), gates: int = 4, biases: int = 1,
                    outputs: int = 1) -> int:
    """Parameters of Embedding(16) -> two Bidirectional layers of ``units`` (per direction) -> Dense(outputs);
    ``gates`` weight blocks per cell (LSTM 4, GRU 3), each with ``biases`` bias vectors (2 for reset_after)."""
    total, d = 16 * vocab_size, 16
    for u in units:
        total += 2 * gates * (u * (d + u) + biases * u)
        d = 2 * u
    return total + (d + 1) * outputs


@exercise("05.4", "a stacked bidirectional classifier to a specification")
def check_05_4(ck: Check, build_classifier: Callable[..., Any]) -> None:
    """``build_classifier(vocab_size)``: masked Embedding(16) -> BiLSTM(16, sequences) -> BiLSTM(8) -> sigmoid."""
    kc.seed(ck)
    for vocab_size in (1000, 2500):
        model = kc.build(ck, build_classifier, vocab_size, what="build_classifier(vocab_size)")
        x = ck.rng.integers(1, vocab_size, size=(4, 12)).astype("int32")
        x[1:, 8:] = 0                                                   # three reviews end early
        probs = kc.outputs(ck, model, x, "your classifier")
        ck.require(probs.shape == (4, 1), f"for 4 reviews the output has shape {probs.shape}; expected (4, 1)",
                   "one sigmoid unit: Dense(1, activation='sigmoid'); the last recurrent layer returns only its "
                   "final state (no return_sequences)")
        ck.require(np.all((probs > 0) & (probs < 1)), "the outputs are not probabilities between 0 and 1",
                   "the output layer needs activation='sigmoid'")
        birnns = [layer for layer in kc.sublayers(model) if isinstance(layer, keras.layers.Bidirectional)]
        ck.require(len(birnns) == 2, f"the model has {len(birnns)} Bidirectional layer(s); the specification "
                   "stacks two", "wrap each LSTM in layers.Bidirectional(...), and let the first one return its "
                   "whole sequence so the second has something to read")
        ck.require(all(isinstance(b.forward_layer, keras.layers.LSTM) for b in birnns),
                   "the recurrent layers should be LSTMs", "layers.Bidirectional(layers.LSTM(units, ...))")
        longer = np.concatenate([x, np.zeros((4, 6), "int32")], axis=1)
        moved = float(np.abs(kc.outputs(ck, model, longer, "your classifier") - probs).max())
        ck.require(moved < 1e-4, f"six more padding zeros after each review change its probability (by {moved:.3g})",
                   "Embedding(..., mask_zero=True): the mask then reaches both recurrent layers")
        got, want = model.count_params(), _stacked_params(vocab_size)
        if got != want:
            guesses = [
                (_stacked_params(vocab_size, (32, 16)),
                 "units are per direction: LSTM(16) inside Bidirectional already gives 32 features"),
                (_stacked_params(vocab_size, (8, 4)),
                 "you halved the units to make the concatenated size 16 and 8; the units are per direction"),
                (_stacked_params(vocab_size, gates=3, biases=2),
                 "that count fits GRUs (three gates); the specification asks for LSTMs (four)"),
                (_stacked_params(vocab_size, outputs=2), "one sigmoid unit, not a softmax over two classes"),
            ]
            ck.diagnose(got, guesses, f"for vocab_size={vocab_size} the model has {got:,} parameters; the "
                        f"specification gives {want:,}",
                        "count per layer: Embedding vocab*16; Bidirectional(LSTM(u)) on d inputs 2*4*(u*(d+u)+u); "
                        "Dense(1) on 16 inputs 17", atol=0.5, rtol=0)
    ck.passed("two vocabulary sizes: output (batch, 1) in (0, 1), two stacked BiLSTMs, padding ignored, "
              "parameter count as specified")
