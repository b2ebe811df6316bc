import numpy as np
import pytest

from course_utils.nested import (
    char_ids,
    nested_batches,
    nested_masks,
    pad_nested,
    split_documents,
    truncate,
)
from course_utils.text import Vocabulary


def test_split_documents_sentences_of_words():
    docs = split_documents(["Great film. I loved it!<br /><br />The end?", "...", "One more"])
    assert docs[0] == [["great", "film"], ["i", "loved", "it"], ["the", "end"]]
    assert docs[1] == []                      # no word at all: no sentence
    assert docs[2] == [["one", "more"]]
    with pytest.raises(TypeError, match="one string"):
        split_documents("Not a list.")


def test_char_ids_keeps_both_ends_of_long_words():
    chars = Vocabulary.build([list("abcdefghij")])
    ids = char_ids([["abc", "abcdefghij"]], chars, max_word_len=6)
    assert chars.decode(ids[0][0]) == list("abc")
    assert chars.decode(ids[0][1]) == list("abchij")          # 3 first + 3 last characters
    assert char_ids([["xyz"]], chars)[0][0] == [chars.oov_id] * 3
    with pytest.raises(TypeError):
        char_ids(["a sentence as a string"], chars)
    with pytest.raises(ValueError):
        char_ids([["a"]], chars, max_word_len=1)


def test_pad_nested_and_masks():
    items = [[[5, 6, 7], [8]], [[9]]]
    x = pad_nested(items)
    assert x.shape == (2, 2, 3) and x.dtype == np.int32
    assert x[0].tolist() == [[5, 6, 7], [8, 0, 0]] and x[1].tolist() == [[9, 0, 0], [0, 0, 0]]
    inner, outer = nested_masks(x)
    assert outer.tolist() == [[True, True], [True, False]]
    assert inner[0, 1].tolist() == [True, False, False]
    small = pad_nested(items, max_outer=1, max_inner=2)        # truncation keeps the beginning
    assert small.tolist() == [[[5, 6]], [[9, 0]]]
    assert truncate(items, 1, 2) == [[[5, 6]], [[9]]]
    with pytest.raises(ValueError, match="lists of id lists"):
        pad_nested([[1, 2, 3]])
    with pytest.raises(ValueError, match="3-D"):
        nested_masks(np.zeros((2, 3)))


def test_nested_batches_pad_each_batch_to_its_own_longest():
    rng = np.random.default_rng(0)
    docs = [[list(rng.integers(1, 50, size=rng.integers(1, 9))) for _ in range(rng.integers(1, 12))]
            for _ in range(53)]
    labels = rng.integers(0, 2, size=53)
    ds = nested_batches(docs, labels, batch_size=8, shuffle=False)
    assert len(ds) == 7
    seen = []
    for x, y in ds:
        x = x.numpy()
        assert x.ndim == 3 and x.shape[0] == len(y)
        assert x.shape[1] == max(len(d) for d in docs[len(seen): len(seen) + len(y)])
        seen.extend(pad_nested([d], x.shape[1], x.shape[2])[0].tolist() == x[i].tolist() or i
                    for i, d in enumerate(docs[len(seen): len(seen) + len(y)]))
    assert seen == [True] * 53                    # every item, in order, unchanged by padding


def test_nested_batches_shuffle_groups_lengths_and_keeps_every_item():
    docs = [[[i + 1]] * n for i, n in enumerate([1, 9, 2, 8, 1, 9, 2, 8] * 4)]
    labels = np.arange(32)
    ds = nested_batches(docs, labels, batch_size=4, shuffle=True, seed=1)
    epochs = [[y.numpy().tolist() for _, y in ds] for _ in range(2)]
    for batches in epochs:
        assert sorted(sum(batches, [])) == list(range(32))   # each item exactly once per epoch
    assert epochs[0] != epochs[1]                            # a new order every epoch
    widths = [x.shape[1] for x, _ in ds]
    assert np.mean(widths) < 8                               # similar lengths share a batch


def test_nested_batches_several_inputs_and_per_unit_targets():
    words = [[3, 4, 5], [6]]
    chars = [[[2, 3], [4], [5, 6, 7]], [[8]]]
    tags = [[2, 3, 2], [4]]
    (x, y), = list(nested_batches({"words": words, "chars": chars}, tags, batch_size=2, shuffle=False))
    assert x["words"].shape == (2, 3) and x["chars"].shape == (2, 3, 3) and y.shape == (2, 3)
    assert y.numpy().tolist() == [[2, 3, 2], [4, 0, 0]]
    with pytest.raises(ValueError, match="2 targets"):
        nested_batches({"words": words[:1], "chars": chars}, tags, batch_size=2)
    with pytest.raises(ValueError, match="no units"):
        nested_batches([[], [[1]]], [0, 1], batch_size=2)
