"""Masked metrics and losses for padded sequence labelling, per-class scores, fast macro-F1.

Padding positions are recognised from **y_true** (the label equals
``pad_id``), never from the prediction: that is the mistake of source lesson
004, whose "masked accuracy" masked on the predicted class instead.

Both :class:`MaskedAccuracy` and :func:`masked_sparse_categorical_crossentropy`
work in ``model.compile(...)`` and in a hand-written training loop.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import keras
import numpy as np
from keras import ops


def _labels_and_scores(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    """``(labels (batch, time) int32, scores (batch, time, classes))``; a trailing label axis of 1 is dropped."""
    y_true, y_pred = ops.convert_to_tensor(y_true), ops.convert_to_tensor(y_pred)
    t, p = tuple(y_true.shape), tuple(y_pred.shape)
    if len(p) != len(t) + 1 and not (len(p) == len(t) and t[-1:] == (1,)):
        raise ValueError(
            f"y_true {t} and y_pred {p} do not fit: expected integer labels (batch, time) "
            "and per-class scores (batch, time, classes)"
        )
    if len(t) == len(p):
        y_true = ops.squeeze(y_true, -1)
    return ops.cast(y_true, "int32"), y_pred


@keras.saving.register_keras_serializable(package="course_utils")
class MaskedAccuracy(keras.metrics.Metric):
    """Token accuracy over the positions where ``y_true != pad_id``, accumulated over batches (0 before any token).

    ``y_true``: integer labels ``(batch, time)``; ``y_pred``: scores or probabilities ``(batch, time, classes)``.
    """

    def __init__(self, pad_id: int = 0, name: str = "masked_accuracy", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.pad_id = int(pad_id)
        self.correct = self.add_variable(shape=(), initializer="zeros", name="correct", dtype="float32")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count", dtype="float32")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = _labels_and_scores(y_true, y_pred)
        predicted = ops.cast(ops.argmax(y_pred, axis=-1), "int32")
        keep = ops.cast(ops.not_equal(y_true, self.pad_id), "float32")
        if sample_weight is not None:
            keep = keep * ops.cast(ops.reshape(sample_weight, ops.shape(keep)), "float32")
        hits = ops.cast(ops.equal(y_true, predicted), "float32") * keep
        self.correct.assign_add(ops.sum(hits))
        self.count.assign_add(ops.sum(keep))

    def result(self) -> Any:
        return ops.divide_no_nan(self.correct, self.count)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "pad_id": self.pad_id}


@keras.saving.register_keras_serializable(package="course_utils")
def masked_sparse_categorical_crossentropy(
    y_true: Any, y_pred: Any, pad_id: int = 0, from_logits: bool = False
) -> Any:
    """Mean sparse cross-entropy over the non-padding positions of ``y_true``.

    ``y_true``: integer labels ``(batch, time)``; ``y_pred``: probabilities
    (or logits with ``from_logits=True``) ``(batch, time, classes)``.
    Returns a scalar; a batch made only of padding gives 0 (not NaN).
    """
    y_true, y_pred = _labels_and_scores(y_true, y_pred)
    per_token = keras.losses.sparse_categorical_crossentropy(
        ops.maximum(y_true, 0), y_pred, from_logits=from_logits
    )
    keep = ops.cast(ops.not_equal(y_true, pad_id), per_token.dtype)
    return ops.divide_no_nan(ops.sum(per_token * keep), ops.sum(keep))


@keras.saving.register_keras_serializable(package="course_utils")
class MaskedSparseCategoricalCrossentropy(keras.losses.Loss):
    """Loss-object form of :func:`masked_sparse_categorical_crossentropy`: ``compile`` saves its settings."""

    def __init__(self, pad_id: int = 0, from_logits: bool = False, name: str = "masked_sparse_cce", **kwargs: Any):
        super().__init__(name=name, **kwargs)
        self.pad_id = int(pad_id)
        self.from_logits = bool(from_logits)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        return masked_sparse_categorical_crossentropy(y_true, y_pred, self.pad_id, self.from_logits)

    def get_config(self) -> dict[str, Any]:
        return {"pad_id": self.pad_id, "from_logits": self.from_logits, "name": self.name}


def masked_accuracy_numpy(y_true: Any, y_pred: Any, pad_id: int = 0) -> float:
    """NumPy reference: accuracy over positions where ``y_true != pad_id``.

    ``y_pred`` may be class scores ``(batch, time, classes)`` or predicted ids
    ``(batch, time)``. Returns NaN when there is no non-padding token.
    """
    true_ids, predicted_ids = flatten_unpadded(y_true, y_pred, pad_id)
    return float("nan") if true_ids.size == 0 else float(np.mean(true_ids == predicted_ids))


def per_class_accuracy(
    y_true: Sequence[int] | np.ndarray,
    y_pred: Sequence[int] | np.ndarray,
    label_names: Sequence[str],
    ignore: Sequence[int] = (),
) -> Any:
    """Accuracy (recall) per class: a DataFrame ``label, support, correct, accuracy``, largest support first.

    ``y_true`` and ``y_pred``: integer ids of any (matching) shape; positions whose
    true id is in ``ignore`` (e.g. padding) are skipped.
    """
    import pandas as pd

    t = np.asarray(y_true).ravel()
    p = np.asarray(y_pred).ravel()
    if t.shape != p.shape:
        raise ValueError(f"y_true has {t.size} items but y_pred has {p.size}")
    if t.size and (t.max() >= len(label_names) or t.min() < 0):
        raise ValueError(f"label ids must be in 0..{len(label_names) - 1}")
    keep = ~np.isin(t, list(ignore))
    t, p = t[keep], p[keep]
    support = np.bincount(t, minlength=len(label_names))
    correct = np.bincount(t[t == p], minlength=len(label_names))
    rows = [{"label": name, "support": int(n), "correct": int(c), "accuracy": c / n}
            for name, n, c in zip(label_names, support, correct) if n]
    df = pd.DataFrame(rows, columns=["label", "support", "correct", "accuracy"])
    return df.sort_values("support", ascending=False, ignore_index=True)


def flatten_unpadded(y_true: Any, y_pred: Any, pad_id: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``(true_ids, predicted_ids)``, 1-D, without the positions where ``y_true == pad_id``: for per-token reports.

    ``y_pred`` may be ids ``(batch, time)`` or scores ``(batch, time, classes)``.
    """
    t = np.asarray(y_true)
    p = np.asarray(y_pred)
    if p.ndim == t.ndim + 1:
        p = p.argmax(-1)
    if p.shape != t.shape:
        raise ValueError(f"shapes differ: y_true {t.shape}, predicted ids {p.shape}")
    keep = t != pad_id
    return t[keep], p[keep]


# sklearn.metrics.f1_score validates its inputs on every call (~10 ms for a few thousand labels);
# a paired bootstrap (stats.paired_difference with metric=) calls the metric thousands of times.
def macro_f1(y_true: Sequence[int] | np.ndarray, y_pred: Sequence[int] | np.ndarray, n_classes: int) -> float:
    """Unweighted mean over classes ``0 .. n_classes-1`` of the per-class F1.

    Equals ``f1_score(y_true, y_pred, average="macro", labels=range(n_classes),
    zero_division=0)``: a class that is never predicted and never occurs
    counts as 0.
    """
    y, p = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    if y.shape != p.shape:
        raise ValueError(f"macro_f1: {y.size} labels but {p.size} predictions")
    if n_classes < 1:
        raise ValueError(f"macro_f1: n_classes must be >= 1, got {n_classes}")
    if y.size and (min(y.min(), p.min()) < 0 or max(y.max(), p.max()) >= n_classes):
        raise ValueError(f"macro_f1: labels must lie in 0 .. {n_classes - 1}")
    hits = np.bincount(y[y == p], minlength=n_classes)
    # F1_c = 2 TP / (2 TP + FP + FN) = 2 TP / (predicted as c + truly c)
    both = np.bincount(p, minlength=n_classes) + np.bincount(y, minlength=n_classes)
    return float(np.mean(np.where(both > 0, 2 * hits / np.maximum(both, 1), 0.0)))


def macro_f1_metric(n_classes: int) -> Callable[[np.ndarray, np.ndarray], float]:
    """``metric(y_true, y_pred)`` for :func:`course_utils.stats.paired_difference`."""
    return functools.partial(macro_f1, n_classes=n_classes)
