"""Lesson 07 (tweet emotions): macro-F1 by hand, balanced class weights, a stable softmax cross-entropy."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Callable

import keras
import numpy as np
import tensorflow as tf
from scipy.special import expit

from course_utils.decoding import log_softmax
from . import keras_checks as kc
from .core import Check, exercise


def _counts(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True positives, false positives and false negatives of each class 0 .. k-1."""
    tp = np.bincount(y_true[y_pred == y_true], minlength=k).astype(float)
    return tp, np.bincount(y_pred, minlength=k) - tp, np.bincount(y_true, minlength=k) - tp


def _safe_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a, dtype=float), where=b > 0)


def _f1_per_class(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> np.ndarray:
    tp, fp, fn = _counts(y_true, y_pred, k)
    return _safe_div(2 * tp, 2 * tp + fp + fn)      # = 2PR / (P + R), and 0 when undefined


def _imbalanced_labels(ck: Check, n: int, k: int) -> np.ndarray:
    share = np.sort(ck.rng.dirichlet(np.full(k, 0.6)))[::-1]
    return ck.rng.choice(k, size=n, p=share)


@exercise("07.1", "macro-F1 by hand")
def check_07_1(ck: Check, macro_f1: Callable[..., Any]) -> None:
    """``macro_f1(y_true, y_pred, n_classes)``: unweighted mean of the per-class F1 over all classes."""
    ck.is_callable(macro_f1, "macro_f1")

    # 1. a tiny case where everything is right: every class present and predicted perfectly
    y = np.array([0, 1, 2, 2, 1, 0, 2])
    got = ck.number(ck.call(macro_f1, y, y.copy(), 3), "macro_f1(y, y, 3)")
    ck.require(np.isclose(got, 1.0), f"a perfect prediction scores {got:.4g}; expected 1.0",
               "for each class, F1 = 2PR / (P + R) with P = TP / (TP + FP) and R = TP / (TP + FN)",
               passed="a perfect prediction scores 1")

    # 2. random imbalanced labels, including classes that are rare, never predicted or absent
    for trial in range(6):
        k = int(ck.rng.integers(4, 10))
        n = int(ck.rng.integers(40, 120))
        y_true = _imbalanced_labels(ck, n, k)
        y_pred = np.where(ck.rng.random(n) < 0.5, y_true, _imbalanced_labels(ck, n, k))
        if trial % 2 == 0:                            # a model that never predicts the last classes
            y_pred = np.minimum(y_pred, k - 3)
        got = ck.number(ck.call(macro_f1, y_true.copy(), y_pred.copy(), k), "macro_f1(...)")
        if not np.isfinite(got):
            ck.fail(f"macro_f1 returned {got} for classes that are never predicted",
                    "a class with TP + FP = 0 has an undefined precision: count it as 0 (as "
                    "sklearn's zero_division=0 does), and its F1 as 0 too")
        f1 = _f1_per_class(y_true, y_pred, k)
        expected = float(f1.mean())
        if np.isclose(got, expected, atol=1e-6):
            continue
        tp, fp, fn = _counts(y_true, y_pred, k)
        precision, recall = _safe_div(tp, tp + fp), _safe_div(tp, tp + fn)
        macro_p, macro_r = precision.mean(), recall.mean()
        guesses = [
            (float(np.mean(y_true == y_pred)), "that is the accuracy (the micro average): macro-F1 computes an "
             "F1 for every class on its own and then averages the K numbers with equal weight"),
            (float(np.sum(f1 * (tp + fn)) / len(y_true)), "that is the support-weighted average; macro-F1 gives "
             "every class the same weight 1/K, however rare"),
            (float(f1[np.union1d(y_true, y_pred)].mean()), "you averaged only over the classes that occur; average "
             "over all n_classes (a class that never occurs and is never predicted counts with F1 = 0, like "
             "sklearn's labels=range(n_classes))"),
            (2 * macro_p * macro_r / (macro_p + macro_r) if macro_p + macro_r else 0.0,
             "that is the F1 of the averaged precision and recall; take the F1 of each class first, then average"),
            (float(np.mean((precision + recall) / 2)),
             "F1 is the harmonic mean 2PR / (P + R), not the arithmetic mean (P + R) / 2"),
        ]
        ck.diagnose(got, guesses, f"macro_f1 = {got:.4f} on random labels ({k} classes); that is not the macro-F1",
                    "per class c: TP = predicted c and true c, FP = predicted c but not true c, FN = true c but "
                    "predicted something else; F1_c = 2 TP / (2 TP + FP + FN), 0 when that is 0/0")
    ck.passed("matches the macro-F1 on 6 random imbalanced label sets")


@exercise("07.2", "balanced class weights")
def check_07_2(ck: Check, balanced_class_weights: Callable[..., Any]) -> None:
    """``balanced_class_weights(labels)`` -> {class: N / (K * N_c)} for the K classes that occur."""
    ck.is_callable(balanced_class_weights, "balanced_class_weights")
    for trial in range(5):
        gaps = trial >= 2                              # later trials: some class ids never occur
        k_all = int(ck.rng.integers(4, 9))
        labels = _imbalanced_labels(ck, int(ck.rng.integers(60, 200)), k_all)
        labels = np.concatenate([labels, np.arange(k_all)])   # every class at least once...
        if gaps:                                       # ...then drop one or two ids from the middle
            drop = ck.rng.choice(np.arange(1, k_all - 1), size=int(ck.rng.integers(1, 3)), replace=False)
            labels = labels[~np.isin(labels, drop)]
        labels = ck.rng.permutation(labels)
        present, counts = np.unique(labels, return_counts=True)
        n, k = len(labels), len(present)
        classes, want = set(present.tolist()), n / (k * counts)
        out = ck.call(balanced_class_weights, labels.copy())
        if not isinstance(out, dict):
            ck.fail(f"expected a dict {{class id: weight}}, got a {type(out).__name__}",
                    "Keras' fit(class_weight=...) takes a dict from class id to weight")
        try:
            got = {int(c): float(w) for c, w in out.items()}
        except (TypeError, ValueError):
            ck.fail("the dict should map integer class ids to numbers")
        if set(got) != classes:
            extra, missing = sorted(set(got) - classes), sorted(classes - set(got))
            ck.fail(f"the dict's classes are wrong (extra: {extra}, missing: {missing})",
                    "one weight for every class id that occurs in the labels, and none for ids that do not occur")
        values = np.array([got[c] for c in present])
        if np.allclose(values, want, rtol=1e-6):
            continue
        ck.diagnose(values, [
            (counts / n, "that is each class's share N_c / N: the weight must be large for rare classes, so invert it"),
            (1 / counts, "1 / N_c has the right shape but the wrong scale: multiply by N / K so that the weights "
                         "average 1"),
            (want * k / (present.max() + 1), "K is the number of classes that occur, not the largest class id + 1"),
            (want / want.sum(), "do not normalise the weights to sum to 1: 'balanced' weights make w_c * N_c = N / K "
                                "for every class"),
        ], f"the weights are not the 'balanced' ones (labels {'with' if gaps else 'without'} missing ids)",
            "w_c = N / (K * N_c): N labels in all, K classes that occur, N_c labels of class c", rtol=1e-6)
    ck.passed("balanced weights on 5 random label sets, 3 of them with class ids that never occur")


@exercise("07.3", "softmax cross-entropy from logits, without overflow")
def check_07_3(ck: Check, ce_from_logits: Callable[..., Any]) -> None:
    """``ce_from_logits(logits, labels)`` -> (batch,) losses -log softmax(logits)[label], stable for huge logits."""
    ck.is_callable(ce_from_logits, "ce_from_logits")
    cases = [(2.0, f"ordinary logits (random input {i})") for i in (1, 2, 3)]
    cases += [(1000.0, f"logits of size ~1000 (random input {i})") for i in (1, 2)]
    for trial, (scale, what) in enumerate(cases):
        batch, k = int(ck.rng.integers(3, 9)), int(ck.rng.integers(3, 14))
        z = ck.rng.normal(scale=scale, size=(batch, k))
        y = ck.rng.integers(0, k, size=batch)
        out = ck.call(ce_from_logits, z.copy(), y.copy())
        arr = ck.array(out, "the losses")
        if arr.shape == ():
            ck.fail("ce_from_logits returned one number; expected one loss per example, shape (batch,)",
                    "do not average: Keras' sparse_categorical_crossentropy(..., from_logits=True) "
                    "also returns one loss per row")
        expected = -log_softmax(z)[np.arange(batch), y]
        ck.shape(arr, expected.shape, "the losses", hint="one loss per example: shape (batch,)")
        if not np.all(np.isfinite(arr)):
            ck.fail(f"the losses contain NaN or infinity for {what}",
                    "exp(1000) overflows: subtract each row's largest logit before exponentiating "
                    "(softmax does not change when every logit moves by the same amount), "
                    "and compute log p = z_y - logsumexp(z) rather than log(softmax)")
        if not np.allclose(arr, expected, atol=1e-6, rtol=1e-6):
            sig = expit(z)
            rows = np.arange(batch)
            guesses = [
                (-np.log(np.maximum(sig[rows, y], 1e-300)), "that is -log sigmoid(z_y): independent yes/no scores; "
                 "one label per example needs the softmax over the row"),
                (-np.log(np.maximum(sig[rows, y] / sig.sum(1), 1e-300)),
                 "that is the loss Keras computes on sigmoid outputs (section 6); use the softmax of the logits"),
                (-np.exp(log_softmax(z))[rows, y], "the loss is minus the LOG of the probability of the true class"),
                (log_softmax(z)[rows, y], "the sign: the loss is MINUS the log-probability (it is >= 0)"),
            ]
            worst = float(np.max(np.abs(arr - expected)))
            ck.diagnose(arr, guesses, f"the losses for {what} are not the softmax cross-entropy (largest difference "
                        f"{worst:.3g})", "loss_i = logsumexp(z_i) - z_i[y_i], where logsumexp(z) = "
                        "m + log(sum(exp(z - m))) and m = max(z)", atol=1e-6, rtol=1e-6)
        if trial == 2:
            ck.passed("matches -log softmax on ordinary logits")
    ck.passed("finite and right for huge logits (no overflow)")


# -- 07.4: the strings-in classifier ------------------------------------------------------------------------
# A toy emotion data set: every "tweet" is a few filler words and ONE keyword of its class, in raw form
# (capitals, punctuation), with very unequal classes. A model that reads the words separates them easily;
# always answering the most frequent class gets about 45% right.
_FILLER = ["the", "a", "today", "so", "my", "really", "just", "this", "day", "feel", "at", "work", "with", "you",
           "again", "all", "morning", "now"]
_KEYWORDS = [["happy", "love", "great"], ["sad", "cry", "miss"], ["angry", "hate", "furious"],
             ["scared", "afraid", "nervous"], ["bored", "meh", "dull"]]
_SHARES = np.array([0.45, 0.25, 0.15, 0.1, 0.05])


def toy_tweets(rng: np.random.Generator, n: int) -> tuple[list[str], np.ndarray]:
    """``n`` raw toy tweets and their labels (0 .. 4, imbalanced): one keyword per tweet decides it."""
    labels = rng.choice(len(_SHARES), size=n, p=_SHARES / _SHARES.sum())
    texts = []
    for y in labels:
        words = [str(w) for w in rng.choice(_FILLER, size=int(rng.integers(2, 7)))]
        key = str(rng.choice(_KEYWORDS[y]))
        words.insert(int(rng.integers(0, len(words) + 1)), key.upper() if rng.random() < 0.3 else key)
        text = " ".join(words)
        texts.append(text[0].upper() + text[1:] + str(rng.choice(["", "!", "!!!", ".", " :)", "..."])))
    return texts, labels


@exercise("07.4", "a classifier that takes raw strings")
def check_07_4(ck: Check, build_text_classifier: Callable[..., Any]) -> None:
    """``build_text_classifier(vectorizer, n_classes)``: strings (batch,) -> (batch, n_classes) softmax, recurrent."""
    kc.seed(ck)
    n_classes = 5
    x_train, y_train = toy_tweets(ck.rng, 384)    # 12 full batches of 32
    x_test, y_test = toy_tweets(ck.rng, 300)
    vectorizer = keras.layers.TextVectorization(max_tokens=60, output_sequence_length=10, name="toy_vectorizer")
    vectorizer.adapt(tf.constant(x_train))
    what = "build_text_classifier(vectorizer, n_classes)"

    # 1. the model's input: strings, through the given vectorizer
    model = kc.build(ck, build_text_classifier, vectorizer, n_classes, what=what)
    try:
        in_dtype = str(model.inputs[0].dtype)
    except Exception:                                  # e.g. a Sequential model without an Input
        in_dtype = ""
    if in_dtype and "string" not in in_dtype:
        ck.fail(f"the model's input has dtype {in_dtype}: it expects word ids, not raw strings",
                "put the vectorizer inside the model: inputs = keras.Input(shape=(), dtype='string'), then "
                "vectorizer(inputs) as the first step; the saved model then carries its vocabulary")
    ck.require(any(layer is vectorizer for layer in kc.sublayers(model)),
               "the vectorizer passed to your function is not a layer of the model",
               "use the given, already adapted TextVectorization layer itself (a new one would have no vocabulary)")
    batch = tf.constant(x_test[:6])
    probs = kc.outputs(ck, model, batch, "your classifier on tf.constant(6 raw strings)")
    ck.passed("takes raw strings (a tf.constant of 6 tweets) through the given vectorizer")

    # 2. the output: one distribution over n_classes per tweet
    if probs.shape[:1] != (6,) or probs.ndim != 2:
        ck.fail(f"for 6 tweets the output has shape {probs.shape}; expected (6, {n_classes})",
                "one vector per tweet: the recurrent layer returns only its last state (no return_sequences), "
                "or pool over time, before the output layer")
    if probs.shape[1] != n_classes:
        ck.fail(f"for n_classes={n_classes} the output has {probs.shape[1]} columns",
                "the output layer has n_classes units: use the argument, not the 13 of the lesson's data set")
    if not kc.rows_are_distributions(probs):
        if np.all((probs > 0) & (probs < 1)):
            hint = ("these look like sigmoid outputs, the source's mistake (section 6): one emotion per tweet "
                    "needs a softmax, whose outputs sum to 1")
        else:
            hint = "end with Dense(n_classes, activation='softmax') (or a Softmax layer after the logits)"
        ck.fail("the outputs of a tweet are not a probability distribution (>= 0, summing to 1)", hint)
    ck.passed(f"output (batch, n_classes) = {probs.shape}, each row a probability distribution")
    other = kc.build(ck, build_text_classifier, vectorizer, 3, what="build_text_classifier(vectorizer, 3)")
    shape3 = kc.outputs(ck, other, batch, "your classifier for 3 classes").shape
    ck.require(shape3 == (6, 3), f"with n_classes=3 the output has shape {shape3}; expected (6, 3)",
               "the number of output units must come from the n_classes argument")

    # 3. what is inside: a recurrent layer, and an embedding that marks the padding
    ck.require(any(isinstance(layer, keras.layers.RNN) for layer in kc.sublayers(model)),
               "there is no recurrent layer in the model",
               "between the embedding and the output: an LSTM or GRU (bidirectional if you like)")
    embeddings = [layer for layer in kc.sublayers(model) if isinstance(layer, keras.layers.Embedding)]
    ck.require(embeddings, "there is no Embedding layer after the vectorizer",
               "the vectorizer gives word ids; an Embedding turns them into vectors for the recurrent layer")
    ck.require(any(e.mask_zero for e in embeddings), "the Embedding does not mark the padding",
               "short tweets are padded with id 0 up to the vectorizer's length: Embedding(..., mask_zero=True) "
               "lets the recurrent layer skip those positions",
               passed="a recurrent layer after an Embedding with mask_zero=True")

    # 4. one file: save, reload, same probabilities
    with tempfile.TemporaryDirectory(prefix="check_07_4-") as folder:
        path = Path(folder) / "classifier.keras"
        try:
            model.save(path)
            reloaded = keras.models.load_model(path)
        except Exception as exc:
            ck.fail(f"saving to a .keras file and loading it back failed ({type(exc).__name__}: {str(exc)[:200]})",
                    "use Keras layers only (a Lambda layer cannot be reloaded safely, a layer of your own needs "
                    "@keras.saving.register_keras_serializable)")
        again = kc.outputs(ck, reloaded, batch, "the reloaded classifier")
    gap = float(np.max(np.abs(again - probs)))
    ck.require(gap < 1e-5, f"the reloaded model gives other probabilities (by up to {gap:.3g})",
               "the .keras file must hold everything: the vectorizer's vocabulary and every weight",
               passed="saved to a .keras file and reloaded: the same probabilities")

    # 5. it learns: a short training beats always answering the most frequent class
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    ck.call(lambda: model.fit(tf.constant(x_train), y_train, batch_size=32, epochs=4, verbose=0),
            what="training your classifier")
    pred = kc.outputs(ck, model, tf.constant(x_test), "your trained classifier").argmax(-1)
    accuracy = float(np.mean(pred == y_test))
    majority = float(np.mean(y_test == np.bincount(y_train).argmax()))
    f1 = float(_f1_per_class(y_test, pred, n_classes).mean())
    ck.require(accuracy >= majority + 0.3 and f1 >= 0.6,
               f"after 4 epochs on 384 toy tweets the test accuracy is {accuracy:.3f} (always the most frequent "
               f"class: {majority:.3f}) and the macro-F1 {f1:.3f}; expected at least {majority + 0.3:.3f} and 0.6",
               "every toy tweet has one keyword of its class: is the recurrent layer wide enough (16 units or "
               "more), and does the model end in a softmax over the classes?",
               passed=f"trained: test accuracy {accuracy:.3f} (most frequent class {majority:.3f}), "
                      f"macro-F1 {f1:.3f}")
