"""Tests of course_utils.splits: duplicate keys, leak checks, deterministic splits."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.splits import (
    deterministic_split,
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
    assert rep.test_in_train_by_id is None
    assert rep.test_in_train_by_text == 2
    assert rep.shared_texts == ("great phone", "works great")
    assert rep.fraction_by_text == pytest.approx(0.5)
    assert not rep.leak_free
    assert "LEAK" in rep.summary()


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
    # id 4 is a different example with the same text as id 0: a leak by text only
    assert rep.test_in_train_by_text == 2
    assert rep.fraction_by_id == pytest.approx(1 / 3)
    row = rep.as_dict()
    assert row["test in train (by id)"] == 1 and row["leak-free"] is False


def test_overlap_clean_split_is_leak_free():
    rep = overlap(["one", "two"], ["three", "four"], train_ids=[0, 1], test_ids=[2, 3])
    assert rep.leak_free
    assert rep.fraction_by_id == 0.0 and rep.fraction_by_text == 0.0
    assert "leak-free" in rep.summary()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(train_texts=["a"], test_texts=["b"], train_ids=[1]), "both train_ids and test_ids"),
        (dict(train_texts=["a", "b"], test_texts=["c"], train_ids=[0], test_ids=[1]), "disagree in length"),
        (dict(train_texts="abc", test_texts=["a"]), "not one string"),
        (dict(train_texts=[b"a"], test_texts=["a"]), "decode bytes"),
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


def test_module_does_not_import_tensorflow():
    import subprocess
    import sys

    code = "import sys, course_utils.splits; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
