"""stats.pooled_difference: a paired bootstrap over items for scores pooled from counts."""

import numpy as np
import pytest

from course_utils import stats


def test_pooled_difference_matches_the_pooled_scores_and_its_interval_covers_them():
    rng = np.random.default_rng(0)
    tokens = rng.integers(3, 12, size=400)
    right_a = rng.binomial(tokens, 0.8)
    right_b = rng.binomial(tokens, 0.6)
    a, b = np.stack([right_a, tokens], 1), np.stack([right_b, tokens], 1)

    def accuracy(counts):
        return counts[0] / counts[1]

    d = stats.pooled_difference(a, b, accuracy, names=("a", "b"))
    want = right_a.sum() / tokens.sum() - right_b.sum() / tokens.sum()
    assert d.estimate == pytest.approx(want)
    assert d.low < want < d.high and d.a_better and d.n == 400
    same = stats.pooled_difference(a, a, accuracy)
    assert same.estimate == 0 and same.tie
    with pytest.raises(ValueError, match="same shape"):
        stats.pooled_difference(a, b[:10], accuracy)
