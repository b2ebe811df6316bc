"""Small training helpers the lessons share: epoch timing, comparison tables, chunked predictions."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import keras
import numpy as np


class EpochTimer(keras.callbacks.Callback):
    """Records the wall time of every epoch in ``self.seconds`` (a list of floats)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)

    @property
    def per_epoch(self) -> float:
        """Mean seconds per epoch, leaving out the first (graph tracing) when there are more."""
        if not self.seconds:
            raise ValueError("no epoch has finished yet")
        s = self.seconds[1:] if len(self.seconds) > 1 else self.seconds
        return float(np.mean(s))


class ComparisonTable:
    """Collects one row per model and shows them as a DataFrame, best (highest ``sort_by``) first.

    >>> table = ComparisonTable(sort_by="accuracy")
    >>> table.add("LSTM", accuracy=0.85, params=12345, seconds_per_epoch=3.2)
    >>> table.frame()
    """

    def __init__(self, sort_by: str) -> None:
        self.rows: list[dict[str, Any]] = []
        self.sort_by = sort_by

    def add(self, model: str, **values: Any) -> None:
        """Add (or replace) the row of ``model``; values are numbers or short texts."""
        if not values:
            raise ValueError("add() needs at least one value, e.g. accuracy=0.85")
        self.rows = [r for r in self.rows if r["model"] != model]
        self.rows.append({"model": model, **{k: (v.item() if hasattr(v, "item") else v) for k, v in values.items()}})

    def frame(self) -> Any:
        """The rows as a pandas DataFrame, best first."""
        import pandas as pd

        df = pd.DataFrame(self.rows)
        if df.empty:
            return df
        if self.sort_by not in df.columns:
            raise ValueError(f"cannot sort by {self.sort_by!r}; columns: {list(df.columns)}")
        return df.sort_values(self.sort_by, ascending=False, ignore_index=True)

    def best(self) -> dict[str, Any]:
        """The best row by the sort key."""
        df = self.frame()
        if df.empty:
            raise ValueError("the table is empty")
        return df.iloc[0].to_dict()


def predict_in_chunks(model: Any, x: Any, chunk: int = 1000) -> np.ndarray:
    """The model's outputs for every row of ``x`` as one NumPy array, from direct calls on chunks of ``chunk`` rows.

    For a few thousand rows this is quicker than ``model.predict`` (no graph to
    trace, no progress bar). ``x`` is an array of ids, or a list of strings for
    models that take raw text.
    """
    if chunk < 1:
        raise ValueError(f"chunk must be >= 1, got {chunk}")
    n = len(x)
    if n == 0:
        raise ValueError("predict_in_chunks() needs at least one row")
    as_text = isinstance(x, (list, tuple)) and isinstance(x[0], str)
    if as_text:
        import tensorflow as tf

    outputs = []
    for start in range(0, n, chunk):
        part = x[start:start + chunk]
        if as_text:
            part = tf.constant(list(part))
        outputs.append(keras.ops.convert_to_numpy(model(part, training=False)))
    return np.concatenate(outputs, axis=0)


def binary_hits(model: Any, x: Any, y: Any, threshold: float = 0.5) -> np.ndarray:
    """One 0/1 (int8) entry per row: does the model's P(positive) fall on the side of the label ``y``?

    For a model with one sigmoid output; what ``cu.stats.paired_difference``
    takes to compare two classifiers on the same test items.
    """
    y = np.asarray(y).ravel()
    p = predict_in_chunks(model, x).ravel()
    if p.shape != y.shape:
        raise ValueError(f"binary_hits(): the model gave {p.size} probabilities for {y.size} labels")
    return ((p > threshold) == (y > 0.5)).astype("int8")
