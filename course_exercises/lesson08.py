"""Lesson 08 (sentence sentiment): how fast a reshuffled split leaks, a grouped split, early stopping by hand,
callbacks that keep the best epoch of a run that overfits."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Callable

import keras
import numpy as np
from keras import layers

from . import keras_checks as kc
from .core import Check, exercise
from .references import check_early_stopping


def _epochs_until_leak(n: int, n_train: int, target: float) -> int:
    epochs, clean = 1, 1.0 - n_train / n
    while 1.0 - clean ** epochs < target:
        epochs += 1
    return epochs


@exercise("08.1", "how many epochs until the test set has leaked")
def check_08_1(ck: Check, epochs_until_leak: Callable[..., Any]) -> None:
    """``epochs_until_leak(n, n_train, target)``: smallest E >= 1 with 1 - (1 - n_train / n) ** E >= target."""
    ck.is_callable(epochs_until_leak, "epochs_until_leak")
    cases = [(3000, 1800, 0.99), (3000, 1800, 0.5)]
    for _ in range(8):
        n = int(ck.rng.integers(100, 50_000))
        cases.append((n, int(ck.rng.integers(1, n)), float(ck.rng.uniform(0.05, 0.999))))
    for n, n_train, target in cases:
        what = f"epochs_until_leak({n}, {n_train}, {target:.4g})"
        got = ck.number(ck.call(epochs_until_leak, n, n_train, target), what, hint="return an int (a number of epochs)")
        ck.require(got.is_integer(), f"{what} is {got}, not a whole number",
                   "round up: a training run has a whole number of epochs")
        expected = _epochs_until_leak(n, n_train, target)
        if got == expected:
            continue
        message = f"{what} = {got:g}; that is not the smallest such E"
        ck.require(got >= 1, message, "at least one epoch is needed before anything can leak")
        ck.diagnose(got, [(expected - 1, "one epoch short: after that many epochs the leaked share is still below the "
                           "target; round the solution of (1 - f)^E = 1 - target UP, not down"),
                          (_epochs_until_leak(n, n - n_train, target), "an example leaks when it lands in the "
                           "TRAINING part of a pass, with probability n_train / n")],
                    message, "the share leaked after E epochs is 1 - (1 - n_train / n) ** E; find the first E where "
                    "it reaches the target", atol=0.5, rtol=0)
    ck.passed("the source's setting and 8 random ones")


@exercise("08.2", "a split that keeps duplicates together")
def check_08_2(ck: Check, grouped_split: Callable[..., Any]) -> None:
    """``grouped_split(keys, test_fraction, seed)`` -> (train_idx, test_idx): a seeded partition by key."""
    ck.is_callable(grouped_split, "grouped_split")

    def make_keys(n_groups: int) -> list[str]:
        sizes = ck.rng.choice([1, 1, 1, 1, 2, 2, 3, 5], size=n_groups)
        words = ["great", "phone", "bad", "food", "works", "never", "again", "love", "it", "slow", "movie"]
        keys: list[str] = []
        for g, size in enumerate(sizes):
            text = " ".join(ck.rng.choice(words, size=3)) + f" {g}"
            keys += [text] * int(size)
        return [keys[i] for i in ck.rng.permutation(len(keys))]

    def run(keys: list[str], fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
        out = ck.pair(ck.call(grouped_split, list(keys), fraction, seed), "grouped_split", ("train_idx", "test_idx"))
        parts = []
        for name, part in zip(("train_idx", "test_idx"), out):
            arr = ck.array(part, name)
            if arr.ndim != 1 or not np.all(arr == np.round(arr)):
                ck.fail(f"{name} should be a 1-D array of integer indices", None)
            parts.append(arr.astype(int))
        return parts[0], parts[1]

    for trial in range(4):
        keys = make_keys(int(ck.rng.integers(60, 160)))
        n = len(keys)
        fraction = float(ck.rng.choice([0.2, 1 / 3, 0.25]))
        seed = int(ck.rng.integers(0, 1000))
        train, test = run(keys, fraction, seed)
        both = np.intersect1d(train, test)
        ck.require(both.size == 0, f"{both.size} indices are both in train and in test",
                   "each example goes to exactly one side: choose the test examples, the rest is train")
        ck.require(len(train) == len(set(train.tolist())) and len(test) == len(set(test.tolist())),
                   "an index appears twice on the same side", "every index once: no sampling with replacement")
        ck.require(np.array_equal(np.sort(np.concatenate([train, test])), np.arange(n)),
                   f"train and test together should be the indices 0..{n - 1}, each once",
                   "no example may be lost or invented")
        test_keys = {keys[i] for i in test}
        straddle = test_keys & {keys[i] for i in train}
        if straddle:
            ck.fail(f"{len(straddle)} keys have copies on both sides, e.g. {sorted(straddle)[0]!r}",
                    "decide per KEY, not per example: shuffle the distinct keys, send a share of them to test, "
                    "and every example follows its key")
        share = len(test) / n
        ck.require(abs(share - fraction) < 0.12, f"the test part holds {share:.0%} of the examples; "
                   f"asked for about {fraction:.0%}", "pick distinct keys for test until about "
                   "test_fraction of the EXAMPLES (or of the keys) are in test")
        again = run(keys, fraction, seed)
        ck.require(np.array_equal(np.sort(again[1]), np.sort(test)), "the same seed gave a different split",
                   "draw the randomness from np.random.default_rng(seed), not from a global generator")
    ck.passed("a partition of the indices, every key on one side, about the asked share, 4 random key lists")
    ck.passed("the same seed gives the same split")

    keys = make_keys(80)
    tests = {tuple(np.sort(run(keys, 1 / 3, seed)[1]).tolist()) for seed in (0, 1, 2)}
    ck.require(len(tests) > 1, "seeds 0, 1 and 2 all give the same test set",
               "the split should be random (but seeded): shuffle the distinct keys with the seed",
               passed="different seeds give different splits")


@exercise("08.3", "EarlyStopping and the best checkpoint by hand")
def check_08_3(ck: Check, early_stopping: Callable[..., Any]) -> None:
    """``early_stopping(val_losses, patience)`` -> (epochs run, best epoch), both counted from 1."""
    # a dip after the best epoch, a loss that keeps falling, an exact tie
    check_early_stopping(ck, early_stopping, [([1.0, 0.8, 0.7, 0.75, 0.72, 0.71, 0.6, 0.5], 2),
                                              ([0.9, 0.8, 0.7, 0.6, 0.5], 2), ([0.9, 0.7, 0.7, 0.8, 0.7, 0.65], 3)])
    ck.passed("three hand-made loss curves")
    cases = []
    for _ in range(12):
        epochs = int(ck.rng.integers(5, 25))
        trend = 1.2 * np.exp(-np.arange(epochs) / ck.rng.uniform(1.5, 6)) + 0.3
        bump = np.maximum(0, np.arange(epochs) - ck.rng.integers(2, epochs)) * ck.rng.uniform(0, 0.08)
        losses = np.round(trend + bump + ck.rng.normal(scale=0.04, size=epochs), 2).tolist()
        cases.append((losses, int(ck.rng.integers(1, 5))))
    check_early_stopping(ck, early_stopping, cases)
    ck.passed("12 random loss curves (rounded to 2 decimals, so ties happen)")


# -- 08.4: callbacks that stop a run that overfits and keep its best epoch ------------------------------------
_EPOCHS_08_4 = 20          # the epoch limit of 08.4's training run


def _overfitting_task(ck: Check) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """40 training points with 20% flipped labels and 400 clean validation points of a linear rule in 20 dims."""
    w, data = ck.rng.normal(size=20), []
    for n, flip in ((40, 0.2), (400, 0.0)):
        x = ck.rng.normal(size=(n, 20)).astype("float32")
        y = (x @ w > 0).astype("float32")
        data.append((x, np.where(ck.rng.random(n) < flip, 1 - y, y)))
    return data[0], data[1]


def _callbacks_hint(callbacks: list[Any], stopped: bool) -> str:
    """What is wrong with these callbacks, from their settings; ``stopped``: did training end early?"""
    stops = [c for c in callbacks if isinstance(c, keras.callbacks.EarlyStopping)]
    saves = [c for c in callbacks if isinstance(c, keras.callbacks.ModelCheckpoint)]
    for c in stops + saves:
        kind = type(c).__name__
        if c.monitor != "val_loss":
            if c.monitor == "loss":
                return (f"{kind} watches monitor='loss', the TRAINING loss, which keeps falling while the model "
                        "memorises its training set; watch the validation loss: monitor='val_loss'")
            return f"{kind} watches {c.monitor!r}; watch the validation loss: monitor='val_loss'"
        if c.mode == "max":
            return (f"{kind} has mode='max': it treats a HIGHER validation loss as better; a loss is minimised: "
                    "mode='min' (or leave mode='auto')")
    if not stopped:
        if not stops:
            return "nothing stops training: add keras.callbacks.EarlyStopping(monitor='val_loss', patience=...)"
        patience = min(c.patience for c in stops)
        if patience >= _EPOCHS_08_4 // 2:
            return (f"patience={patience} with at most {_EPOCHS_08_4} epochs: the validation loss would have to stay "
                    f"above its best for {patience} epochs in a row, so training (almost) never stops early; "
                    "a few epochs (2 to 5) are enough")
        return "EarlyStopping(monitor='val_loss', patience=...) stops once the validation loss stops improving"
    if saves and not all(c.save_best_only for c in saves):
        return ("the checkpoint file is overwritten after every epoch, so it holds the LAST epoch's weights: "
                "ModelCheckpoint(..., save_best_only=True)")
    if stops and not any(c.restore_best_weights for c in stops):
        return ("EarlyStopping stops `patience` epochs AFTER the best one, and by default the model keeps the weights "
                "of that last epoch: pass restore_best_weights=True (or save the best epoch with "
                "ModelCheckpoint(checkpoint_path, save_best_only=True))")
    return ("the weights at the end are not the best epoch's: EarlyStopping(..., restore_best_weights=True) puts them "
            "back when training stops")


@exercise("08.4", "callbacks that keep the best epoch of a run that overfits")
def check_08_4(ck: Check, training_callbacks: Callable[..., Any]) -> None:
    """``training_callbacks(checkpoint_path)`` -> a list of Keras callbacks; the check trains with them."""
    ck.is_callable(training_callbacks, "training_callbacks")
    (x_train, y_train), (x_val, y_val) = _overfitting_task(ck)
    with tempfile.TemporaryDirectory(prefix="check_08_4-") as folder:
        path = Path(folder) / "best_model.keras"
        callbacks = ck.call(training_callbacks, str(path), what=f"training_callbacks({str(path)!r})")
        if isinstance(callbacks, keras.callbacks.Callback):
            ck.fail("training_callbacks returned one callback, not a list",
                    "return a list, as fit(callbacks=...) takes it: return [keras.callbacks.EarlyStopping(...)]")
        if not isinstance(callbacks, (list, tuple)) or not callbacks:
            ck.fail(f"training_callbacks returned {type(callbacks).__name__}, not a list of callbacks",
                    "return a list of callback objects, e.g. [keras.callbacks.EarlyStopping(...)]")
        for c in callbacks:
            if isinstance(c, type):
                ck.fail(f"the list holds the class {c.__name__}, not a callback object",
                        f"create the callback: keras.callbacks.{c.__name__}(...), with parentheses")
            if not isinstance(c, keras.callbacks.Callback):
                ck.fail(f"the list holds a {type(c).__name__}, not a Keras callback",
                        "every item must be a keras.callbacks.Callback, e.g. keras.callbacks.EarlyStopping(...)")
        callbacks = list(callbacks)
        ck.passed(f"a list of {len(callbacks)} callback(s): " + ", ".join(type(c).__name__ for c in callbacks))

        kc.seed(ck)
        model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(128, activation="relu"),
                                  layers.Dense(128, activation="relu"), layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", jit_compile=False)
        history = ck.call(model.fit, x_train, y_train, validation_data=(x_val, y_val), epochs=_EPOCHS_08_4,
                          batch_size=len(x_train), callbacks=callbacks, verbose=0,
                          what="training with your callbacks",
                          hint="build each callback with its defaults first, then add the settings one at a time")
        val_losses = [float(v) for v in history.history.get("val_loss", [])]
        epochs_run = len(history.history.get("loss", []))
        best_epoch = int(np.argmin(val_losses)) + 1
        curve = ", ".join(f"{v:.2f}" for v in val_losses[:8])
        if epochs_run >= _EPOCHS_08_4:
            ck.fail(f"training ran all {_EPOCHS_08_4} epochs, although the validation loss was lowest at epoch "
                    f"{best_epoch} and rose after it (val_loss: {curve}, ...)", _callbacks_hint(callbacks, False))
        ck.passed(f"training stopped early: {epochs_run} of at most {_EPOCHS_08_4} epochs "
                  f"(validation loss lowest at epoch {best_epoch})")

        source = "the model as training left it"
        if path.exists():                                   # the best checkpoint, reloaded as section 7 does
            ck.call(lambda: model.set_weights(keras.saving.load_model(str(path), compile=False).get_weights()),
                    what="loading the file your ModelCheckpoint wrote as a model",
                    hint="save the whole model to checkpoint_path (a .keras file): leave save_weights_only=False")
            source = "the checkpoint file"
        final = float(model.evaluate(x_val, y_val, batch_size=len(x_val), verbose=0))
        best = min(val_losses)
        if not final <= best + 2e-3:
            ck.fail(f"the weights at the end ({source}) give a validation loss of {final:.3f}; the best epoch "
                    f"(epoch {best_epoch}) had {best:.3f}", _callbacks_hint(callbacks, True))
        ck.passed(f"the final weights ({source}) give the best validation loss of the run ({best:.3f}, "
                  f"epoch {best_epoch})")
