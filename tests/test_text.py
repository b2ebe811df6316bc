import numpy as np
import pytest

from course_utils.text import (
    Vocabulary,
    bucketed_dataset,
    dataset_padding_fraction,
    length_boundaries,
    pad,
    padded_dataset,
    padding_fraction,
    review_words,
    tokenize,
)


def test_tokenize():
    assert tokenize("Don't panic, Alice!") == ["don't", "panic", ",", "alice", "!"]
    assert tokenize("Hello, World", lower=False, punctuation=False) == ["Hello", "World"]
    with pytest.raises(TypeError):
        tokenize(["not", "a", "string"])


def test_review_words_drops_html_breaks_and_punctuation():
    assert review_words("Great film!<br /><br />Loved it.<BR>Yes") == ["great", "film", "loved", "it", "yes"]


def test_vocabulary_reserved_ids_and_order():
    v = Vocabulary.build([["b", "a", "b"], ["c", "b", "a"]])
    assert v.id_to_token[:2] == ["<pad>", "<unk>"]
    assert v.pad_id == 0 and v.oov_id == 1
    assert v.id_to_token[2:] == ["b", "a", "c"]  # by count, ties alphabetical
    assert v.encode(["a", "zzz"]) == [3, 1]
    assert v.decode([2, 3, 0, 0]) == ["b", "a"]
    assert v.decode([2, 0], skip_pad=False) == ["b", "<pad>"]
    with pytest.raises(ValueError, match="outside"):
        v.decode([99])


def test_vocabulary_max_size_min_freq_specials():
    tokens = [["a"] * 5 + ["b"] * 3 + ["c"]]
    v = Vocabulary.build(tokens, max_size=4, specials=("<bos>",))
    assert len(v) == 4 and v.id_to_token == ["<pad>", "<unk>", "<bos>", "a"]
    v2 = Vocabulary.build(tokens, min_freq=2)
    assert "c" not in v2 and "b" in v2
    with pytest.raises(ValueError, match="reserved"):
        Vocabulary.build(tokens, max_size=1)
    with pytest.raises(TypeError):
        Vocabulary.build(["abc", "def"])
    with pytest.raises(TypeError):
        v.encode("a string")


def test_vocabulary_round_trip(tmp_path):
    v = Vocabulary.build([["ü", "x", "x"]], specials=("<bos>", "<eos>"))
    path = v.save(tmp_path / "sub" / "vocab.json")
    w = Vocabulary.load(path)
    assert w == v and w.id_to_token[:4] == ["<pad>", "<unk>", "<bos>", "<eos>"]
    assert w.encode(["ü", "<eos>"]) == v.encode(["ü", "<eos>"])
    assert not list(tmp_path.glob("sub/*.tmp"))
    (tmp_path / "bad.json").write_text('{"tokens": []}')
    with pytest.raises(ValueError, match="not a vocabulary"):
        Vocabulary.load(tmp_path / "bad.json")


@pytest.mark.parametrize(
    "padding, truncating, expected",
    [
        ("post", "post", [[1, 2, 3], [4, 0, 0], [6, 7, 8]]),
        ("pre", "pre", [[1, 2, 3], [0, 0, 4], [7, 8, 9]]),
        ("pre", "post", [[1, 2, 3], [0, 0, 4], [6, 7, 8]]),
        ("post", "pre", [[1, 2, 3], [4, 0, 0], [7, 8, 9]]),
    ],
)
def test_pad_modes(padding, truncating, expected):
    out = pad([[1, 2, 3], [4], [6, 7, 8, 9]], maxlen=3, padding=padding, truncating=truncating)
    assert out.tolist() == expected
    assert out.dtype == np.int32


def test_pad_default_maxlen_and_errors():
    assert pad([[1], [1, 2]]).shape == (2, 2)
    assert pad([[], [5]], value=-1).tolist() == [[-1], [5]]
    with pytest.raises(ValueError, match="Padding type"):
        pad([[1]], padding="middle")
    with pytest.raises(ValueError, match="list of iterables"):
        pad(np.array([1, 2, 3]))


def test_padding_fraction():
    assert padding_fraction([[1, 0], [0, 0]]) == 0.75
    with pytest.raises(ValueError, match="2-D"):
        padding_fraction([1, 0])


def test_length_boundaries():
    b = length_boundaries(list(range(1, 101)), n_buckets=4)
    assert b == sorted(b) and len(b) == 3
    with pytest.raises(ValueError):
        length_boundaries([], 3)


def _sequences(n=200, seed=0):
    rng = np.random.default_rng(seed)
    return [list(rng.integers(1, 50, size=rng.integers(1, 40))) for _ in range(n)]


def test_bucketing_wastes_less_padding_and_keeps_every_example():
    seqs = _sequences()
    labels = np.arange(len(seqs))
    bucketed = bucketed_dataset(seqs, labels, batch_size=16, shuffle=False)
    padded = padded_dataset(seqs, labels, batch_size=16, shuffle=False)
    assert dataset_padding_fraction(bucketed) < dataset_padding_fraction(padded) / 3
    seen = {}
    for x, y in bucketed:
        for row, label in zip(x.numpy(), y.numpy()):
            seen[int(label)] = [t for t in row.tolist() if t != 0]
    assert len(seen) == len(seqs)
    assert all(seen[i] == [int(t) for t in s] for i, s in enumerate(seqs))


def test_bucketing_per_token_targets():
    seqs = _sequences(50, seed=1)
    tags = [[t % 5 + 1 for t in s] for s in seqs]
    for x, y in bucketed_dataset(seqs, tags, batch_size=8, n_buckets=3):
        assert x.shape == y.shape
        assert np.array_equal(x.numpy() == 0, y.numpy() == 0)


def test_bucketing_reshuffles_batch_membership_every_epoch_and_is_seeded():
    seqs = _sequences(120, seed=2)
    labels = np.arange(len(seqs))  # the label names the item

    def epochs(ds, n=2):
        out = []
        for _ in range(n):
            out.append([sorted(y.numpy().tolist()) for _, y in ds])
        return out

    first, second = epochs(bucketed_dataset(seqs, labels, batch_size=8, n_buckets=3, seed=5))
    for batches in (first, second):  # every item exactly once per epoch, with its own ids
        assert sorted(i for b in batches for i in b) == list(range(len(seqs)))
    assert sorted(map(tuple, first)) != sorted(map(tuple, second))  # new batch members, not only a new order
    again = epochs(bucketed_dataset(seqs, labels, batch_size=8, n_buckets=3, seed=5))
    assert again == [first, second]  # same seed, same batches
    for x, y in bucketed_dataset(seqs, labels, batch_size=8, n_buckets=3, seed=5):
        for row, i in zip(x.numpy(), y.numpy()):
            assert row[: len(seqs[i])].tolist() == [int(t) for t in seqs[i]] and not row[len(seqs[i]):].any()


def test_bucketing_bad_input():
    with pytest.raises(ValueError, match="targets"):
        bucketed_dataset([[1, 2]], [0, 1], batch_size=2)
    with pytest.raises(ValueError, match="empty"):
        bucketed_dataset([[1], []], [0, 1], batch_size=2)
    with pytest.raises(ValueError, match="same length"):
        bucketed_dataset([[1, 2]], [[1]], batch_size=1)


def test_bucketed_dataset_declares_its_length_and_keeps_it_every_epoch():
    import warnings

    import keras

    rng = np.random.default_rng(3)
    seqs = [list(rng.integers(1, 50, size=int(n))) for n in rng.integers(1, 40, size=203)]
    labels = rng.integers(0, 2, size=len(seqs))
    ds = bucketed_dataset(seqs, labels, batch_size=16, n_buckets=5, seed=1)
    counted = [sum(1 for _ in ds) for _ in range(3)]            # three shuffled epochs
    assert counted == [len(ds)] * 3 and len(ds) > len(seqs) // 16
    # Keras knows the number of steps from the start: no "ran out of data" warning, every batch used
    model = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(50, 4),
                              keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(ds, epochs=2, verbose=0)
    assert not [w for w in caught if "ran out of data" in str(w.message)]
