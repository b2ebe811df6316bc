"""Tests of course_utils.splits: leak checks, deterministic splits, the flawed tf.data split."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import splits
from course_utils.splits import (
    deterministic_split,
    expected_leak_fraction,
    flawed_shuffle_take_skip_split,
    normalize_text,
    overlap,
)

# ------------------------------------------------------------------ normalize_text


def test_normalize_text_merges_case_punctuation_and_spaces():
    assert normalize_text("Great  phone!") == "great phone"
    assert normalize_text("great phone") == normalize_text("GREAT, phone.")
    assert normalize_text("Don't") == "don t"
    assert normalize_text("ﬁne") == "fine"  # NFKC folds the ligature


def test_normalize_text_keeps_different_words_apart():
    assert normalize_text("good phone") != normalize_text("bad phone")


def test_normalize_text_rejects_non_strings():
    with pytest.raises(TypeError, match="str"):
        normalize_text(b"bytes")  # type: ignore[arg-type]


# ------------------------------------------------------------------ overlap


def test_overlap_by_text_counts_test_examples_found_in_train():
    train = ["Great phone!", "Terrible battery.", "works great", "works great"]
    test = ["great phone", "Loved it", "WORKS GREAT", "meh"]
    rep = overlap(train, test)
    assert rep.checked_texts and not rep.checked_ids
    assert rep.test_in_train_by_text == 2
    assert rep.shared_texts == ("great phone", "works great")
    assert rep.fraction_by_text == pytest.approx(0.5)
    assert rep.duplicates_within_train == 1
    assert rep.duplicates_within_test == 0
    assert not rep.leak_free
    assert "LEAK" in rep.summary()


def test_overlap_exact_matching_with_str_normaliser():
    rep = overlap(["Great phone!"], ["great phone"], normalize=str)
    assert rep.test_in_train_by_text == 0
    assert rep.leak_free


def test_overlap_by_id_and_text_together():
    texts = ["a b", "c d", "e f", "g h", "a b"]
    train_ids, test_ids = np.array([0, 1, 2]), np.array([2, 3, 4])
    rep = overlap(
        [texts[i] for i in train_ids],
        [texts[i] for i in test_ids],
        train_ids=train_ids,
        test_ids=test_ids,
    )
    assert rep.test_in_train_by_id == 1
    assert rep.shared_ids.tolist() == [2]
    # id 4 is a different example with the same text as id 0: a leak by text only
    assert rep.test_in_train_by_text == 2
    assert rep.fraction_by_id == pytest.approx(1 / 3)
    row = rep.as_dict()
    assert row["test in train (by id)"] == 1 and row["leak-free"] is False


def test_overlap_ids_only():
    rep = overlap(None, None, train_ids=[0, 1, 2], test_ids=[3, 4])
    assert rep.checked_ids and not rep.checked_texts
    assert rep.leak_free
    assert rep.n_train == 3 and rep.n_test == 2


def test_overlap_clean_split_is_leak_free():
    rep = overlap(["one", "two"], ["three", "four"], train_ids=[0, 1], test_ids=[2, 3])
    assert rep.leak_free
    assert rep.fraction_by_id == 0.0 and rep.fraction_by_text == 0.0
    assert "leak-free" in repr(rep)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(train_texts=["a"], test_texts=None), "both train_texts and test_texts"),
        (dict(train_texts=None, test_texts=None), "nothing to compare"),
        (dict(train_texts=None, test_texts=None, train_ids=[1]), "both train_ids and test_ids"),
        (dict(train_texts=["a", "b"], test_texts=["c"], train_ids=[0], test_ids=[1]), "disagree in length"),
        (dict(train_texts="abc", test_texts=["a"]), "not one string"),
        (dict(train_texts=[b"a"], test_texts=["a"]), "decode bytes"),
        (dict(train_texts=None, test_texts=None, train_ids=[0.5], test_ids=[1.0]), "integer ids"),
    ],
)
def test_overlap_rejects_bad_input(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        overlap(**kwargs)


# ------------------------------------------------------------------ deterministic_split


def test_deterministic_split_is_reproducible_disjoint_and_complete():
    tr1, te1 = deterministic_split(100, 0.25, seed=7)
    tr2, te2 = deterministic_split(100, 0.25, seed=7)
    np.testing.assert_array_equal(tr1, tr2)
    np.testing.assert_array_equal(te1, te2)
    assert len(te1) == 25 and len(tr1) == 75
    assert np.intersect1d(tr1, te1).size == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([tr1, te1])), np.arange(100))
    assert tr1.dtype == np.int64 and np.all(np.diff(te1) > 0)


def test_deterministic_split_depends_on_seed():
    _, a = deterministic_split(100, 0.3, seed=0)
    _, b = deterministic_split(100, 0.3, seed=1)
    assert not np.array_equal(a, b)


def test_deterministic_split_keeps_groups_together():
    texts = ["great phone", "Great phone!", "bad", "ok", "fine", "nice", "meh", "wow", "no", "yes"] * 3
    groups = [normalize_text(t) for t in texts]
    for seed in range(10):
        tr, te = deterministic_split(len(texts), 0.3, seed=seed, groups=groups)
        rep = overlap([texts[i] for i in tr], [texts[i] for i in te], train_ids=tr, test_ids=te)
        assert rep.leak_free, rep
        assert len(tr) > 0 and len(te) > 0
        assert len(tr) + len(te) == len(texts)


def test_deterministic_split_without_groups_can_split_duplicates():
    texts = ["same"] * 10 + [f"t{i}" for i in range(10)]
    leaks = [
        overlap(*(([texts[i] for i in idx] for idx in deterministic_split(20, 0.5, seed=s)))).test_in_train_by_text
        for s in range(5)
    ]
    assert max(leaks) > 0  # the reason groups= exists


def test_deterministic_split_two_groups_never_empty_side():
    tr, te = deterministic_split(5, 0.9, seed=3, groups=["a", "a", "a", "a", "b"])
    assert len(tr) > 0 and len(te) > 0


@pytest.mark.parametrize(
    "args, message",
    [
        ((1, 0.5, 0), "n must be"),
        ((10, 0.0, 0), "between 0 and 1"),
        ((10, 1.0, 0), "between 0 and 1"),
    ],
)
def test_deterministic_split_rejects_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        deterministic_split(*args)


def test_deterministic_split_rejects_bad_groups():
    with pytest.raises(ValueError, match="one key per example"):
        deterministic_split(4, 0.5, 0, groups=["a", "b"])
    with pytest.raises(ValueError, match="one group"):
        deterministic_split(4, 0.5, 0, groups=["a"] * 4)


# ------------------------------------------------------------------ flawed shuffle/take/skip


def test_flawed_split_parts_have_the_requested_sizes():
    sim = flawed_shuffle_take_skip_split(300, test_size=100, val_size=20, epochs=3, seed=0)
    assert len(sim.train_per_epoch) == 3 and len(sim.val_per_epoch) == 3
    assert all(len(t) == 180 for t in sim.train_per_epoch)
    assert all(len(v) == 20 for v in sim.val_per_epoch)
    assert len(sim.test_idx) == 100
    # within one pass, the parts are disjoint: the leak comes from *different* passes
    for t, v in zip(sim.train_per_epoch, sim.val_per_epoch):
        assert len(set(t.tolist())) == 180


def test_flawed_split_leaks_test_examples_into_training():
    sim = flawed_shuffle_take_skip_split(3000, test_size=1000, val_size=200, epochs=10, seed=1)
    expected = expected_leak_fraction(3000, 1800, 10)
    assert expected == pytest.approx(1 - 0.4**10)
    assert sim.test_seen_fraction == pytest.approx(expected, abs=0.01)
    curve = sim.leak_by_epoch()
    assert curve.shape == (10,)
    assert np.all(np.diff(curve) >= 0)
    assert curve[0] == pytest.approx(0.6, abs=0.05)
    rep = sim.overlap()
    assert not rep.leak_free
    assert rep.fraction_by_id == pytest.approx(sim.test_seen_fraction)
    assert set(sim.never_trained_on().tolist()).isdisjoint(sim.seen_in_training.tolist())


def test_flawed_split_without_reshuffle_does_not_leak():
    sim = flawed_shuffle_take_skip_split(
        500, test_size=100, val_size=50, epochs=5, seed=2, reshuffle_each_iteration=False
    )
    assert sim.test_seen_fraction == 0.0
    assert sim.overlap().leak_free
    assert len(sim.never_trained_on()) == 100


def test_flawed_split_with_small_buffer_still_emits_a_permutation_and_leaks():
    rng = np.random.default_rng(0)
    order = splits._shuffle_buffer_order(1000, 50, rng)
    np.testing.assert_array_equal(np.sort(order), np.arange(1000))
    # a small buffer barely moves elements: the first outputs come from the start
    assert order[:100].max() < 300
    sim = flawed_shuffle_take_skip_split(1000, test_size=300, epochs=4, buffer_size=50, seed=0)
    assert 0.0 < sim.test_seen_fraction < 1.0


def test_flawed_split_overlap_by_text():
    texts = [f"sentence number {i}" for i in range(200)]
    sim = flawed_shuffle_take_skip_split(200, test_size=50, epochs=3, seed=4)
    rep = sim.overlap(texts)
    assert rep.checked_texts and rep.checked_ids
    assert rep.test_in_train_by_text == rep.test_in_train_by_id > 0
    with pytest.raises(ValueError, match="n=200"):
        sim.overlap(texts[:10])


def test_flawed_split_is_reproducible_from_seed():
    a = flawed_shuffle_take_skip_split(100, test_size=30, epochs=2, seed=5)
    b = flawed_shuffle_take_skip_split(100, test_size=30, epochs=2, seed=5)
    np.testing.assert_array_equal(a.test_idx, b.test_idx)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n=10, test_size=0, epochs=1), "test_size"),
        (dict(n=10, test_size=5, val_size=5, epochs=1), "test_size \\+ val_size < n"),
        (dict(n=10, test_size=3, epochs=0), "epochs"),
        (dict(n=10, test_size=3, epochs=1, buffer_size=0), "buffer_size"),
    ],
)
def test_flawed_split_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        flawed_shuffle_take_skip_split(**kwargs)


def test_expected_leak_fraction_limits_and_errors():
    assert expected_leak_fraction(100, 100, 1) == 1.0
    assert expected_leak_fraction(100, 50, 1) == pytest.approx(0.5)
    assert expected_leak_fraction(100, 50, 2) == pytest.approx(0.75)
    with pytest.raises(ValueError):
        expected_leak_fraction(100, 0, 1)


def test_module_does_not_import_tensorflow():
    import subprocess
    import sys

    code = "import sys, course_utils.splits; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
