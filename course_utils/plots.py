"""Plots the lessons share: training curves, confusion matrices, attention maps
and pictures of padded batches.

Every function returns the matplotlib ``Figure``; with ``save_as``, it is also saved
by :func:`save_figure` (when ``COURSE_RESULTS_DIR`` is set) so the course report can show it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from . import files, settings
from .text import padding_fraction


def plot_history(
    history: Any,
    metrics: Sequence[str] | None = None,
    title: str | None = None,
    save_as: str | None = None,
) -> Any:
    """Training (solid) and validation (dashed) curves, one panel per metric.

    ``history`` is what ``model.fit`` returns (or its ``.history`` dict);
    ``metrics`` defaults to every non-validation key. Returns the Figure.
    """
    hist = getattr(history, "history", history)
    if not isinstance(hist, Mapping) or not hist:
        raise ValueError("plot_history() needs a keras History (model.fit's return value) or a non-empty dict")
    if metrics is None:
        metrics = [k for k in hist if not k.startswith("val_") and k not in ("learning_rate", "lr")]
    unknown = [m for m in metrics if m not in hist]
    if unknown:
        raise ValueError(f"metrics {unknown} are not in the history; it has: {sorted(hist)}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.2), squeeze=False)
    for ax, name in zip(axes[0], metrics):
        values = hist[name]
        epochs = np.arange(1, len(values) + 1)
        ax.plot(epochs, values, "o-", label="train")
        if f"val_{name}" in hist:
            ax.plot(epochs, hist[f"val_{name}"], "s--", label="validation")
        ax.set(xlabel="epoch", title=name)
        ax.grid(alpha=0.3)
        ax.legend()
        if len(epochs) < 12:
            ax.set_xticks(epochs)
    if title:
        fig.suptitle(title)
    return _finish(fig, save_as)


def plot_confusion_matrix(
    y_true: Sequence[int] | np.ndarray,
    y_pred: Sequence[int] | np.ndarray,
    label_names: Sequence[str],
    normalize: bool = True,
    title: str | None = None,
) -> Any:
    """A confusion matrix of integer ids (rows: true class, columns: predicted); row-normalised by default."""
    from sklearn.metrics import ConfusionMatrixDisplay

    n = len(label_names)
    size = max(3.5, 0.45 * n + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    ConfusionMatrixDisplay.from_predictions(
        np.ravel(y_true), np.ravel(y_pred), labels=range(n), display_labels=label_names, ax=ax,
        normalize="true" if normalize else None, values_format=".2f" if normalize else "d",
        include_values=n <= 15, xticks_rotation=60 if n > 4 else "horizontal", cmap="Blues",
        im_kw={"vmin": 0, "vmax": 1 if normalize else None}, text_kw={"fontsize": 8},
    )
    ax.set(xlabel="predicted", ylabel="true",
           title=title or ("confusion matrix (row-normalised)" if normalize else "confusion matrix"))
    return _finish(fig)


def plot_attention(
    weights: Any,
    source_tokens: Sequence[str],
    target_tokens: Sequence[str],
    title: str | None = None,
    save_as: str | None = None,
) -> Any:
    """Heatmap of attention ``weights`` ``(target_len, source_len)``: which source token each output token looked at."""
    w = np.asarray(weights, dtype=float)
    if w.ndim != 2:
        raise ValueError(f"attention weights must be 2-D (target, source), got shape {w.shape}")
    w = w[: len(target_tokens), : len(source_tokens)]
    if w.shape != (len(target_tokens), len(source_tokens)):
        raise ValueError(
            f"weights {np.shape(weights)} are smaller than the tokens given "
            f"({len(target_tokens)} target x {len(source_tokens)} source)"
        )
    fig, ax = plt.subplots(figsize=(0.5 * len(source_tokens) + 2, 0.45 * len(target_tokens) + 1.5))
    im = ax.imshow(w, cmap="viridis", vmin=0, vmax=max(w.max(), 1e-9), aspect="auto")
    ax.set_xticks(range(len(source_tokens)), source_tokens, rotation=60, ha="right")
    ax.set_yticks(range(len(target_tokens)), target_tokens)
    ax.set(xlabel="source", ylabel="output", title=title or "")
    fig.colorbar(im, ax=ax, fraction=0.046)
    return _finish(fig, save_as)


def plot_padding(batch: Any, pad_id: int = 0, title: str | None = None, ax: Any = None) -> Any:
    """Picture of a padded batch ``(batch, time)``: tokens dark, padding light."""
    arr = np.asarray(batch)
    share = padding_fraction(arr, pad_id)       # also checks that the batch is 2-D
    if ax is None:
        _, ax = plt.subplots(figsize=(min(12, 0.25 * arr.shape[1] + 2), 0.3 * arr.shape[0] + 1.2))
    ax.imshow(arr != pad_id, cmap="Greys", vmin=0, vmax=1.4, aspect="auto", interpolation="nearest")
    ax.set(title=title or f"{share:.0%} of this batch is padding", xlabel="time step", ylabel="sequence")
    return _finish(ax.figure)


def _finish(fig: Any, save_as: str | None = None) -> Any:
    """Tighten the layout, save the figure when ``save_as`` names it, and return it."""
    fig.tight_layout()
    if save_as:
        save_figure(fig, save_as)
    return fig


def save_figure(fig: Any, name: str) -> Path | None:
    """Save ``fig`` as ``<COURSE_RESULTS_DIR>/figures/<name>.png`` (no-op when unset).

    Returns the path written, or None.
    """
    out = settings.get().results_dir
    if out is None:
        return None
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "figure"
    path = out / "figures" / f"{safe}.png"
    with files.atomic_file(path, "wb") as fh:
        fig.savefig(fh, format="png", dpi=90, bbox_inches="tight")
    return path
