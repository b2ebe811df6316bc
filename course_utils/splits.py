"""Train/test splits that do not leak (:func:`deterministic_split`), a way to measure the ones that do
(:func:`overlap`), and the seeded index splits and subsets the dataset loaders make. Pure NumPy: no TensorFlow.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

_NON_WORD = re.compile(r"[^\w\s]+", re.UNICODE)


def normalize_text(text: str) -> str:
    """The duplicate-detection key of ``text``: NFKC, case-folded, punctuation and runs of spaces made one space.

    ``"Great  phone!"`` and ``"great phone"`` give the same key ``"great phone"``.
    """
    if not isinstance(text, str):
        raise TypeError(f"normalize_text() needs a str, got {type(text).__name__}; decode bytes first")
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


@dataclass(frozen=True)
class OverlapReport:
    """What two splits share: how many test examples have their normalised text (or their id) in training."""

    n_train: int
    n_test: int
    shared_texts: tuple[str, ...]
    test_in_train_by_text: int
    test_in_train_by_id: int | None = None      # None when no ids were given

    @property
    def fraction_by_id(self) -> float:
        """Share of test examples whose id is also in the training split (0..1)."""
        return (self.test_in_train_by_id or 0) / self.n_test if self.n_test else 0.0

    @property
    def fraction_by_text(self) -> float:
        """Share of test examples whose normalised text is also in the training split (0..1)."""
        return self.test_in_train_by_text / self.n_test if self.n_test else 0.0

    @property
    def leak_free(self) -> bool:
        """True when no test example is shared with training, by id or by text."""
        return not self.test_in_train_by_id and self.test_in_train_by_text == 0

    def as_dict(self) -> dict[str, Any]:
        """The counts as a flat dict (handy for a pandas row)."""
        by_id = self.test_in_train_by_id is not None
        return {
            "train examples": self.n_train,
            "test examples": self.n_test,
            "test in train (by id)": self.test_in_train_by_id,
            "share by id": round(self.fraction_by_id, 4) if by_id else None,
            "test in train (by text)": self.test_in_train_by_text,
            "share by text": round(self.fraction_by_text, 4),
            "leak-free": self.leak_free,
        }

    def summary(self) -> str:
        """One human-readable line."""
        parts = [f"{self.n_test} test vs {self.n_train} train examples"]
        if self.test_in_train_by_id is not None:
            parts.append(f"{self.test_in_train_by_id} test examples share an id with train ({self.fraction_by_id:.1%})")
        parts.append(f"{self.test_in_train_by_text} share a normalised text with train ({self.fraction_by_text:.1%})")
        parts.append("leak-free" if self.leak_free else "LEAK")
        return "; ".join(parts)


def overlap(
    train_texts: Sequence[str],
    test_texts: Sequence[str],
    *,
    train_ids: Sequence[int] | np.ndarray | None = None,
    test_ids: Sequence[int] | np.ndarray | None = None,
) -> OverlapReport:
    """Count the examples two splits share, by :func:`normalize_text` and optionally by index.

    ``train_texts``/``test_texts``: lists of strings. ``train_ids``/``test_ids``
    (optional; one per text): each example's position in the full dataset.
    """
    if isinstance(train_texts, str) or isinstance(test_texts, str):
        raise TypeError("train_texts and test_texts must be lists of strings, not one string")
    if (train_ids is None) != (test_ids is None):
        raise ValueError("give both train_ids and test_ids, or neither (to compare texts only)")
    train_keys = {normalize_text(t) for t in train_texts}
    hits = [k for k in map(normalize_text, test_texts) if k in train_keys]
    by_id = None
    if train_ids is not None:
        if len(train_ids) != len(train_texts) or len(test_ids) != len(test_texts):
            raise ValueError(
                f"ids and texts disagree in length: train {len(train_ids)} ids vs {len(train_texts)} texts, "
                f"test {len(test_ids)} ids vs {len(test_texts)} texts"
            )
        by_id = int(np.isin(test_ids, train_ids).sum())
    return OverlapReport(len(train_texts), len(test_texts), tuple(sorted(set(hits))), len(hits), by_id)


def deterministic_split(
    n: int,
    test_fraction: float,
    seed: int,
    groups: Sequence[Any] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Split ``range(n)`` into training and test indices, once and reproducibly (in NumPy, not in a pipeline).

    With ``groups`` (one hashable key per example, e.g. ``[normalize_text(t) for t in texts]``)
    every member of a group lands on the same side; whole groups are added to the test
    side in random order until it holds about ``test_fraction`` of the examples.
    Returns ``(train_idx, test_idx)``: sorted, disjoint int64 arrays whose union is ``0..n-1``.
    """
    if not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an int >= 2 (one example on each side at least), got {n!r}")
    n_test = int(min(max(round(n * check_fraction(test_fraction)), 1), n - 1))
    rng = np.random.default_rng(seed)
    if groups is None:
        order = rng.permutation(n)
        return np.sort(order[n_test:]).astype(np.int64), np.sort(order[:n_test]).astype(np.int64)
    if len(groups) != n:
        raise ValueError(f"groups has {len(groups)} keys but n={n}; give one key per example")
    members: dict[Any, list[int]] = {}
    for i, key in enumerate(groups):
        members.setdefault(key, []).append(i)
    if len(members) < 2:
        raise ValueError("all examples are in one group, so no split can keep groups apart")
    keys = list(members)
    chosen: list[int] = []
    last_group: list[int] = []
    for k in rng.permutation(len(keys)):
        if len(chosen) >= n_test:
            break
        last_group = members[keys[k]]
        chosen.extend(last_group)
    test_mask = np.zeros(n, dtype=bool)
    test_mask[chosen] = True
    if test_mask.all():  # the last group added swallowed the rest: give it back to training
        test_mask[last_group] = False
    return np.flatnonzero(~test_mask).astype(np.int64), np.flatnonzero(test_mask).astype(np.int64)


def check_fraction(test_fraction: float) -> float:
    """``test_fraction`` as a float in (0, 1), or ``ValueError``."""
    value = float(test_fraction)
    if not 0.0 < value < 1.0:
        raise ValueError(f"test_fraction must be between 0 and 1 (exclusive), got {test_fraction!r}")
    return value


def check_limit(name: str, value: int | None) -> int | None:
    """``max_train``-style limits: None or a positive int, else ``ValueError``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be None or a positive int, got {value!r}")
    return int(value)


def _quotas(counts: np.ndarray, n: int) -> np.ndarray:
    """Split ``n`` over classes in proportion to ``counts`` (largest remainder), capped by counts."""
    share = counts / counts.sum() * n
    quota = np.minimum(np.floor(share).astype(np.int64), counts)
    order = np.argsort(-(share - np.floor(share)), kind="stable")
    for c in order:
        if quota.sum() >= n:
            break
        if quota[c] < counts[c]:
            quota[c] += 1
    return quota


def stratified_split(labels: np.ndarray, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test) with about ``test_fraction`` of every class in test; both shuffled."""
    labels = np.asarray(labels)
    fraction = check_fraction(test_fraction)
    rng = np.random.default_rng([seed, 101])
    train, test = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(len(idx) * fraction))
        if len(idx) > 1:
            n_test = min(max(n_test, 1), len(idx) - 1)
        test.append(idx[:n_test])
        train.append(idx[n_test:])
    train_idx = rng.permutation(np.concatenate(train)) if train else np.zeros(0, np.int64)
    test_idx = rng.permutation(np.concatenate(test)) if test else np.zeros(0, np.int64)
    return train_idx.astype(np.int64), test_idx.astype(np.int64)


def random_split(n: int, test_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test) of a random split of ``n`` items (test sorted, train sorted)."""
    fraction = check_fraction(test_fraction)
    perm = np.random.default_rng([seed, 102]).permutation(n)
    n_test = int(round(n * fraction))
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])


def stratified_subset(labels: np.ndarray, n: int | None, seed: int, *, salt: int = 0) -> np.ndarray:
    """Indices of a shuffled subset of ``n`` items keeping the class proportions (all items if None)."""
    labels = np.asarray(labels)
    rng = np.random.default_rng([seed, 103, salt])
    if n is None or n >= len(labels):
        return rng.permutation(len(labels)).astype(np.int64)
    classes, counts = np.unique(labels, return_counts=True)
    quota = _quotas(counts, n)
    picked = [rng.permutation(np.flatnonzero(labels == c))[:q] for c, q in zip(classes, quota)]
    return rng.permutation(np.concatenate(picked)).astype(np.int64)
