"""Loaders on tiny upstream-format fixtures served from a test mirror; options; synthetic stand-ins."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.data import (
    DataUnavailableError,
    TaggingData,
    TextClassificationData,
    load,
    parsers,
    status,
)

try:
    from data_fixtures import (
        ALICE_BODY,
        FRA_PAIRS,
        GLASS_BODY,
        ag_csv,
        data_env,
        fra_zip,
        gutenberg,
        imdb_tar,
        relax_checks,
        treebank_zip,
        tweet_csv,
        uci_zip,
    )
except ImportError:  # tests/ imported as a package
    from tests.data_fixtures import (
        ALICE_BODY,
        FRA_PAIRS,
        GLASS_BODY,
        ag_csv,
        data_env,
        fra_zip,
        gutenberg,
        imdb_tar,
        relax_checks,
        treebank_zip,
        tweet_csv,
        uci_zip,
    )

__all__ = ["data_env"]  # fixture used below

FIXTURES = {
    "imdb": {"aclImdb_v1.tar.gz": imdb_tar(10)},
    "ag_news": {"ag_news_csv/train.csv": ag_csv(10), "ag_news_csv/test.csv": ag_csv(5, offset=100)},
    "tweet_emotions": {"tweet_emotions.csv": tweet_csv()},
    "uci_sentences": {"sentiment labelled sentences.zip": uci_zip(10)},
    "treebank": {"treebank.zip": treebank_zip()},
    "alice": {
        "pg11.txt": gutenberg("Alice's Adventures in Wonderland", ALICE_BODY, crlf=True),
        "pg12.txt": gutenberg("Through the Looking-Glass", GLASS_BODY, old=True, bom=False),
    },
    "fra_eng": {"fra-eng.zip": fra_zip(FRA_PAIRS, columns=3)},
}


@pytest.fixture
def mirror(data_env, monkeypatch):
    """A test mirror holding every fixture. The structural checks are relaxed for the tiny
    files (half of them through registry patches, half through SHA256SUMS entries)."""
    for dataset, files in FIXTURES.items():
        relax_checks(monkeypatch, dataset, files)
        for rel, data in files.items():
            data_env.put_in_mirror(rel, data, sums=dataset in ("imdb", "alice", "fra_eng"))
    data_env.use_mirror()
    return data_env


# ----------------------------------------------------------------------------- text classification


def test_imdb(mirror, monkeypatch):
    ds = load("imdb", verbose=False)
    assert isinstance(ds, TextClassificationData) and ds.source == "mirror" and not ds.synthetic
    assert ds.label_names == ["neg", "pos"]
    assert len(ds.train) == len(ds.test) == 20
    assert ds.train.labels.dtype == np.int64 and ds.train.class_counts().tolist() == [10, 10]
    assert all(isinstance(t, str) for t in ds.train.texts)
    assert "imdb" in repr(ds) and "mirror" in repr(ds) and "train=20" in repr(ds)

    def no_parsing(*args, **kwargs):
        raise AssertionError("a warm load must come from the processed cache")

    monkeypatch.setattr(parsers, "read_imdb_tar", no_parsing)
    small = load("imdb", max_train=6, max_test=4, seed=3, verbose=False)
    assert len(small.train) == 6 and small.train.class_counts().tolist() == [3, 3]
    assert len(small.test) == 4 and small.test.class_counts().tolist() == [2, 2]
    again = load("imdb", max_train=6, max_test=4, seed=3, verbose=False)
    assert again.train.texts == small.train.texts  # deterministic
    other = load("imdb", max_train=6, max_test=4, seed=4, verbose=False)
    assert other.train.texts != small.train.texts


def test_imdb_unsup_on_demand(mirror, monkeypatch):
    labelled = load("imdb", verbose=False)  # the usual load: no unlabelled reviews
    assert labelled.unsup == [] and "unsup" not in repr(labelled)
    calls = []
    real = parsers.read_imdb_tar
    monkeypatch.setattr(parsers, "read_imdb_tar", lambda *a, **k: calls.append(k) or real(*a, **k))
    ds = load("imdb", max_unsup=None, verbose=False)  # read from the archive, parsed into its own cache
    assert calls == [{"unsup": True}]  # the labelled reviews are not read again
    assert len(ds.unsup) == 10 and all(t == "unlabelled review" for t in ds.unsup)
    assert "unsup=10" in repr(ds) and ds.train.texts == labelled.train.texts
    assert len(list((mirror.cache / "processed").glob("imdb-*.npz"))) == 1  # the labelled parse is kept
    assert len(list((mirror.cache / "processed").glob("imdb_unsup-*.npz"))) == 1

    def no_reading(*args, **kwargs):
        raise AssertionError("a warm load must come from the processed cache")

    monkeypatch.setattr(parsers, "read_imdb_tar", no_reading)
    assert len(load("imdb", max_unsup=4, verbose=False).unsup) == 4
    for bad in (-1, 2.5, True):
        with pytest.raises(ValueError, match="max_unsup"):
            load("imdb", max_unsup=bad, verbose=False)


def test_imdb_unsup_synthetic(data_env):
    data_env.profile("quick")
    ds = load("imdb", max_train=20, max_test=10, max_unsup=30)
    assert ds.synthetic and len(ds.unsup) == 30 and all(isinstance(t, str) and t for t in ds.unsup)
    assert load("imdb", max_train=20, max_test=10).unsup == []


def test_ag_news_fields_and_cleaning(mirror):
    ds = load("ag_news", verbose=False)
    assert (
        ds.source == "mirror"
        and not ds.partial
        and ds.label_names == ["World", "Sports", "Business", "Sci/Tech"]
    )
    assert len(ds.train) == 40 and len(ds.test) == 20
    assert all(t.startswith("Title ") for t in ds.train.texts)
    desc = load("ag_news", field="description", verbose=False)
    assert all("\\" not in t and "#36;" not in t and "quot;" not in t for t in desc.train.texts)
    assert any('"someone"' in t for t in desc.train.texts)
    both = load("ag_news", field="both", verbose=False)
    title, text = ds.train.texts[0], both.train.texts[0]
    assert text.startswith(title + " AP - Story")
    raw = load("ag_news", field="description", clean=False, verbose=False)
    assert any("\\" in t for t in raw.train.texts)
    with pytest.raises(ValueError, match="title, description, both"):
        load("ag_news", field="body")


def test_ag_news_without_train_csv(data_env, monkeypatch, capsys):
    files = FIXTURES["ag_news"]
    relax_checks(monkeypatch, "ag_news", files)
    data_env.put_in_mirror("ag_news_csv/test.csv", files["ag_news_csv/test.csv"])
    data_env.use_mirror()
    with pytest.raises(DataUnavailableError, match="train.csv"):
        load("ag_news")  # full profile
    partial = load("ag_news", allow_partial=True, test_fraction=0.4, verbose=False)
    assert partial.partial and partial.source == "mirror" and not partial.synthetic
    assert len(partial.train) == 12 and len(partial.test) == 8  # 2 of 5 per class in test
    assert "PARTIAL" in capsys.readouterr().out and partial.notes
    assert "PARTIAL" in repr(partial)
    data_env.profile("quick")
    synthetic = load("ag_news", max_train=40, max_test=20)
    assert synthetic.source == "synthetic" and len(synthetic.train) == 40
    assert "SYNTHETIC STAND-IN DATA: ag_news" in capsys.readouterr().out


def test_tweet_emotions(mirror):
    ds = load("tweet_emotions", test_fraction=0.25, verbose=False)
    assert ds.source == "mirror"
    assert ds.label_names == sorted(ds.label_names) == ["happiness", "love", "neutral", "sadness", "worry"]
    assert len(ds.train) + len(ds.test) == 11
    assert set(ds.train.texts + ds.test.texts) >= {
        "quoted, with a comma\tand a TAB",
        "@someone\tunquoted TAB inside",
    }
    a = load("tweet_emotions", seed=1, verbose=False)
    b = load("tweet_emotions", seed=1, verbose=False)
    assert a.test.texts == b.test.texts


def test_uci_sentences_split_is_stratified_and_disjoint(mirror):
    ds = load("uci_sentences", verbose=False)
    assert ds.label_names == ["negative", "positive"]
    assert len(ds.train) == 24 and len(ds.test) == 6
    assert ds.test.class_counts().tolist() == [3, 3]
    assert not set(ds.train.texts) & set(ds.test.texts)
    sub = load("uci_sentences", max_train=10, verbose=False)
    assert len(sub.train) == 10 and sub.test.texts == ds.test.texts  # the test split does not move


# ----------------------------------------------------------------------------- other kinds


def test_treebank(mirror):
    ds = load("treebank", test_fraction=0.34, seed=0, verbose=False)
    assert isinstance(ds, TaggingData) and ds.source == "mirror"
    assert len(ds.train) + len(ds.test) == 3 and len(ds.test) == 1
    assert "-NONE-" in ds.tagset and ds.tagset == sorted(ds.tagset)
    assert all(len(s) == len(t) for s, t in zip(ds.train.sentences, ds.train.tags))
    clean = load("treebank", test_fraction=0.34, drop_traces=True, verbose=False)
    assert "-NONE-" not in clean.tagset
    assert all("*-1" not in s for s in clean.train.sentences + clean.test.sentences)


def test_alice(mirror):
    ds = load("alice", verbose=False)
    assert ds.source == "mirror"
    assert list(ds.books) == ["Alice's Adventures in Wonderland", "Through the Looking-Glass"]
    assert ds.books["Alice's Adventures in Wonderland"] == ALICE_BODY
    assert ds.text == ALICE_BODY + "\n\n" + GLASS_BODY
    assert "Gutenberg" not in ds.text and "LICENSE" not in ds.text


def test_fra_eng(mirror):
    ds = load("fra_eng", verbose=False)
    assert ds.pairs == FRA_PAIRS and len(ds) == 5
    assert load("fra_eng", max_pairs=2, verbose=False).pairs == FRA_PAIRS[:2]


# ----------------------------------------------------------------------------- options and names


def test_unknown_names_and_options(data_env):
    with pytest.raises(ValueError, match="valid names: imdb, ag_news"):
        load("mnist")
    with pytest.raises(ValueError, match="valid options: .*max_train"):
        load("imdb", max_rows=10)
    with pytest.raises(ValueError, match="max_train"):
        load("imdb", max_train=0)
    with pytest.raises(ValueError, match="test_fraction"):
        load("uci_sentences", test_fraction=1.5)


# ----------------------------------------------------------------------------- synthetic stand-ins


def _schema(ds):
    if isinstance(ds, TextClassificationData):
        return (
            type(ds),
            type(ds.train.texts),
            type(ds.train.texts[0]),
            ds.train.labels.dtype,
            tuple(ds.label_names),
        )
    if isinstance(ds, TaggingData):
        return (type(ds), type(ds.train.sentences[0]), type(ds.train.tags[0][0]))
    if hasattr(ds, "books"):
        return (type(ds), tuple(ds.books), type(ds.text))
    return (type(ds), type(ds.pairs[0]), type(ds.pairs[0][0]))


@pytest.mark.parametrize(
    "name", ["imdb", "ag_news", "tweet_emotions", "uci_sentences", "treebank", "alice", "fra_eng"]
)
def test_synthetic_has_the_real_schema(mirror, name, capsys, monkeypatch):
    real = load(name, verbose=False)
    mirror.set(
        COURSE_DATA_MIRROR=None, COURSE_PROFILE="quick", COURSE_DATA_DIR=str(mirror.root / "empty-cache")
    )
    options = {"max_train": 50, "max_test": 20} if isinstance(real, TextClassificationData) else {}
    fake = load(name, **options)
    assert fake.source == "synthetic" and fake.synthetic and "SYNTHETIC" in repr(fake)
    out = capsys.readouterr().out
    assert f"SYNTHETIC STAND-IN DATA: {name}" in out and "not real, numbers mean nothing" in out
    if name == "tweet_emotions":  # the fixture has only 5 of the 13 emotions
        assert fake.label_names == sorted(fake.label_names) and len(fake.label_names) == 13
    else:
        assert _schema(fake) == _schema(real)
    if options:
        assert len(fake.train) == 50 and len(fake.test) == 20


@pytest.mark.parametrize(
    "name,margin", [("imdb", 0.3), ("ag_news", 0.4), ("tweet_emotions", 0.3), ("uci_sentences", 0.3)]
)
def test_synthetic_text_is_learnable(data_env, name, margin):
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    data_env.profile("quick")
    ds = load(name, max_train=800, max_test=300)
    vec = CountVectorizer()
    model = LogisticRegression(max_iter=300).fit(vec.fit_transform(ds.train.texts), ds.train.labels)
    accuracy = model.score(vec.transform(ds.test.texts), ds.test.labels)
    majority = np.bincount(ds.test.labels).max() / len(ds.test)
    assert accuracy > majority + margin * (1 - majority), (accuracy, majority)


# ----------------------------------------------------------------------------- status


def test_status_table(mirror, monkeypatch):
    mirror.profile("quick")
    table = status()
    assert {"dataset", "file", "state", "on_load"} <= set(table.columns)
    assert set(table["dataset"]) == {
        "imdb",
        "ag_news",
        "tweet_emotions",
        "uci_sentences",
        "treebank",
        "alice",
        "fra_eng",
        "glove",
    }
    row = table.set_index("file").loc["treebank.zip"]
    assert row["state"] == "mirror"
    load("treebank", verbose=False)
    checked = status(check=True).set_index("file")
    assert checked.loc["treebank.zip", "verified"] == True  # noqa: E712
    (mirror.mirror / "tweet_emotions.csv").unlink()
    row = status().set_index("file").loc["tweet_emotions.csv"]
    assert row["state"] == "missing" and "synthetic" in row["on_load"]


# ----------------------------------------------------------------------------- tensorflow-datasets


@pytest.mark.slow
def test_ag_news_prefers_a_prepared_tfds_copy(data_env, monkeypatch):
    """A prepared ag_news_subset folder is read with tfds (mocked here: no real copy, no network)."""
    tfds = pytest.importorskip("tensorflow_datasets")
    version = data_env.cache / "tensorflow_datasets" / "ag_news_subset" / "1.0.0"
    version.mkdir(parents=True)
    (version / "dataset_info.json").write_text("{}", encoding="utf-8")
    calls = []
    real_load = tfds.load

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real_load(*args, **kwargs)

    with tfds.testing.mock_data(num_examples=12, policy=tfds.testing.MockPolicy.USE_CODE):
        monkeypatch.setattr(tfds, "load", spy)
        ds = load("ag_news", field="both", verbose=False)
    assert calls and calls[0]["download"] is False and calls[0]["data_dir"].endswith("tensorflow_datasets")
    assert ds.source == "cache" and len(ds.train) == len(ds.test) == 12
    assert ds.label_names == ["World", "Sports", "Business", "Sci/Tech"] and ds.train.labels.max() <= 3
    again = load("ag_news", field="both", verbose=False)  # now from the processed cache, no tfds call
    assert again.train.texts == ds.train.texts and len(calls) == 1
