"""Deterministic splits and subsets (index arrays), stratified by class where labels exist."""

from __future__ import annotations

import numpy as np


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
