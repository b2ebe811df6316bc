"""Uncertainty for the lessons' comparisons: 95 % intervals, paired differences, seeds.

A test accuracy measured on a few thousand items is itself an estimate, and two
models that differ by less than its noise are tied (the interval of A - B contains 0).
Each function returns a small frozen dataclass whose ``str`` is what a table shows,
for example ``+0.012 [-0.004, +0.027]`` or ``0.812 ± 0.006 (3 seeds)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

CONFIDENCE = 0.95


@dataclass(frozen=True)
class Interval:
    """An estimate with a confidence interval ``[low, high]``."""

    estimate: float
    low: float
    high: float
    n: int

    def __str__(self) -> str:
        return f"{self.estimate:.3f} [{self.low:.3f}, {self.high:.3f}]"


@dataclass(frozen=True)
class Difference:
    """``a - b`` with a confidence interval; a difference whose interval contains 0 is a tie."""

    a: str
    b: str
    estimate: float
    low: float
    high: float
    n: int

    @property
    def tie(self) -> bool:
        return self.low <= 0.0 <= self.high

    @property
    def a_better(self) -> bool:
        return self.low > 0.0

    @property
    def b_better(self) -> bool:
        return self.high < 0.0

    @property
    def verdict(self) -> str:
        """``"<a> better"``, ``"<b> better"`` or ``"tie"``."""
        if self.a_better:
            return f"{self.a} better"
        if self.b_better:
            return f"{self.b} better"
        return "tie"

    @property
    def interval(self) -> str:
        return f"[{self.low:+.3f}, {self.high:+.3f}]"

    def __str__(self) -> str:
        return f"{self.estimate:+.3f} {self.interval}"


@dataclass(frozen=True)
class SeedSummary:
    """Mean and sample standard deviation of one number over several seeds."""

    mean: float
    sd: float
    values: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.values)

    def __str__(self) -> str:
        return f"{self.mean:.3f} ± {self.sd:.3f} ({self.n} seeds)"


def _as_correct(correct: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(correct, dtype=float).ravel()
    if arr.size == 0:
        raise ValueError(f"{name} is empty: pass one 0/1 entry per test item")
    if not np.all((arr == 0) | (arr == 1)):
        raise ValueError(f"{name} must hold 0/1 (or True/False) per test item, not scores or labels")
    return arr


def accuracy_interval(correct: Sequence[float] | np.ndarray) -> Interval:
    """Accuracy of a 0/1 array (one entry per test item) with its Wilson interval (``scipy.stats.binomtest``)."""
    from scipy.stats import binomtest

    arr = _as_correct(correct, "correct")
    k, n = int(arr.sum()), arr.size
    ci = binomtest(k, n).proportion_ci(CONFIDENCE, method="wilson")
    return Interval(k / n, float(ci.low), float(ci.high), n)


def paired_difference(
    a: Sequence | np.ndarray,
    b: Sequence | np.ndarray,
    *,
    names: tuple[str, str] = ("A", "B"),
    y_true: Sequence | np.ndarray | None = None,
    metric: Callable[[np.ndarray, np.ndarray], float] | None = None,
) -> Difference:
    """Model A minus model B on the same test items, with a paired bootstrap interval (percentile, 2000 draws).

    Without ``metric``, ``a`` and ``b`` are 0/1 arrays (item answered
    correctly), and the difference is in accuracy. With ``metric(y_true,
    pred)`` (e.g. macro-F1), ``a`` and ``b`` are the two models' predictions
    and ``y_true`` the labels; the same resampled items score both models.
    """
    if metric is None:
        a_arr, b_arr = _as_correct(a, "a"), _as_correct(b, "b")
        if a_arr.shape != b_arr.shape:
            raise ValueError(f"paired_difference: a has {a_arr.size} items, b has {b_arr.size}: they must match")
        data: tuple[np.ndarray, ...] = (a_arr - b_arr,)
        estimate = float(data[0].mean())
        statistic, vectorized, paired = np.mean, True, False
    else:
        if y_true is None:
            raise ValueError("paired_difference: a metric needs y_true (the labels) as well")
        y, a_arr, b_arr = (np.asarray(v).ravel() for v in (y_true, a, b))
        if not (y.shape == a_arr.shape == b_arr.shape):
            raise ValueError(
                f"paired_difference: y_true, a and b must have one entry per item "
                f"(got {y.size}, {a_arr.size}, {b_arr.size})"
            )
        estimate = float(metric(y, a_arr) - metric(y, b_arr))
        data = (y, a_arr, b_arr)

        def statistic(yy: np.ndarray, pa: np.ndarray, pb: np.ndarray) -> float:
            return float(metric(yy, pa) - metric(yy, pb))

        vectorized, paired = False, True
    n = data[0].size
    if n < 2:
        raise ValueError("paired_difference: need at least two test items")
    from scipy.stats import bootstrap

    ci = bootstrap(data, statistic, paired=paired, vectorized=vectorized, n_resamples=2000,
                   confidence_level=CONFIDENCE, method="percentile", random_state=np.random.default_rng(0),
                   ).confidence_interval
    return Difference(names[0], names[1], estimate, float(ci.low), float(ci.high), n)


def pooled_difference(
    counts_a: np.ndarray,
    counts_b: np.ndarray,
    score: Callable[[np.ndarray], float],
    *,
    names: tuple[str, str] = ("A", "B"),
) -> Difference:
    """A minus B for a score pooled from per-item counts (corpus BLEU, token accuracy), paired over items.

    ``counts_a`` and ``counts_b`` have one row of counts per test item (for
    example :func:`course_utils.translation.bleu_counts`, or ``(tokens right,
    tokens)`` per sentence); ``score`` maps the column sums to the number.
    The bootstrap resamples items, and both models are scored on the same draw.
    """
    a, b = np.asarray(counts_a), np.asarray(counts_b)
    if a.ndim != 2 or a.shape != b.shape:
        raise ValueError(f"pooled_difference: counts must be two tables of the same shape (items, counts), "
                         f"got {a.shape} and {b.shape}")
    n = len(a)
    table = np.concatenate([a, b])
    items = np.arange(n)          # rows 0..n-1 are A's, n..2n-1 B's: paired_difference resamples item numbers
    return paired_difference(items, items + n, y_true=items, names=names,
                             metric=lambda _, drawn: score(table[drawn].sum(axis=0)))


def over_seeds(values: Sequence[float]) -> SeedSummary:
    """Mean and sample standard deviation (ddof=1) of one number measured with several seeds."""
    vals = tuple(float(v) for v in values)
    if not vals:
        raise ValueError("over_seeds: no values")
    sd = float(np.std(vals, ddof=1)) if len(vals) > 1 else 0.0
    return SeedSummary(float(np.mean(vals)), sd, vals)


def seed_difference(a: Sequence[float], b: Sequence[float], *, names: tuple[str, str] = ("A", "B")) -> Difference:
    """Mean of ``a`` minus mean of ``b`` (one value per seed each), with Welch's t interval."""
    from scipy.stats import ttest_ind

    a_arr, b_arr = np.asarray(a, float), np.asarray(b, float)
    if a_arr.size < 2 or b_arr.size < 2:
        raise ValueError("seed_difference: need at least two seeds on each side")
    estimate = float(a_arr.mean() - b_arr.mean())
    if np.all(a_arr == a_arr[0]) and np.all(b_arr == b_arr[0]):
        low = high = estimate
    else:
        ci = ttest_ind(a_arr, b_arr, equal_var=False).confidence_interval(CONFIDENCE)
        low, high = float(ci.low), float(ci.high)
    return Difference(names[0], names[1], estimate, low, high, int(min(a_arr.size, b_arr.size)))
