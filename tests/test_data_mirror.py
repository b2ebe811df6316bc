"""Real data from the offline mirror (skipped unless COURSE_DATA_MIRROR points at it).

    COURSE_DATA_MIRROR=/path/to/mirror pytest tests/test_data_mirror.py          # without IMDB
    COURSE_DATA_MIRROR=/path/to/mirror pytest tests/test_data_mirror.py -m slow  # IMDB only

The cache is shared by the tests of one session (IMDB is parsed once).
"""

from __future__ import annotations

import collections
import shutil

import numpy as np
import pytest

from course_utils import settings
from course_utils.data import DataUnavailableError, load, parsers, status, verify
from course_utils.data.registry import DATASETS

try:
    from data_fixtures import MIRROR, MIRROR_DIR, requires_mirror
except ImportError:  # tests/ imported as a package
    from tests.data_fixtures import MIRROR, MIRROR_DIR, requires_mirror

pytestmark = requires_mirror


@pytest.fixture(scope="session")
def mirror_cache(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mirror-cache")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def real(mirror_cache, monkeypatch):
    """Offline, quick profile, the real mirror, a cache shared by this session's mirror tests."""
    monkeypatch.setattr(settings, "_current", None)
    monkeypatch.setenv("COURSE_DATA_DIR", str(mirror_cache))
    monkeypatch.setenv("COURSE_DATA_MIRROR", MIRROR)
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    settings.reload()
    return monkeypatch


def test_mirror_sha256sums_cover_the_registry(real):
    sums = verify.read_sums(MIRROR_DIR)
    assert sums is not None
    present = {s.filename for info in DATASETS.values() for s in info.files} & set(sums)
    assert present >= {
        "aclImdb_v1.tar.gz",
        "treebank.zip",
        "pg11.txt",
        "pg12.txt",
        "fra-eng.zip",
        "tweet_emotions.csv",
    }


def test_uci_sentences(real):
    ds = load("uci_sentences", verbose=False)
    assert ds.source == "mirror"
    assert len(ds.train) + len(ds.test) == 3000 and len(ds.test) == 600
    labels = np.concatenate([ds.train.labels, ds.test.labels])
    assert np.bincount(labels).tolist() == [1500, 1500]


def test_tweet_emotions(real):
    ds = load("tweet_emotions", verbose=False)
    assert ds.source == "mirror"
    assert len(ds.train) + len(ds.test) == 40_000
    assert len(ds.label_names) == 13 and ds.label_names == sorted(ds.label_names)
    counts = collections.Counter(ds.label_names[i] for i in np.concatenate([ds.train.labels, ds.test.labels]))
    assert counts["neutral"] == 8638 and counts["anger"] == 110 and counts["boredom"] == 179
    texts = ds.train.texts + ds.test.texts
    assert sum("\t" in t for t in texts) == 2  # the two rows with a TAB inside


def test_treebank(real):
    ds = load("treebank", verbose=False)
    assert ds.source == "mirror"
    assert len(ds.train) + len(ds.test) == 3914
    assert abs(len(ds.test) - 0.2 * 3914) <= 1
    assert "-NONE-" in ds.tagset and "NN" in ds.tagset
    tokens = sum(map(len, ds.train.sentences + ds.test.sentences))
    assert tokens == 100_676  # nltk.corpus.treebank.words() has 100,676 tokens
    no_traces = load("treebank", drop_traces=True, verbose=False)
    assert "-NONE-" not in no_traces.tagset


def test_alice(real):
    ds = load("alice", verbose=False)
    assert ds.source == "mirror"
    alice, glass = ds.books["Alice's Adventures in Wonderland"], ds.books["Through the Looking-Glass"]
    assert len(alice) > 100_000 and len(glass) > 100_000
    assert "Down the Rabbit-Hole" in alice and "Looking-Glass house" in glass
    for text in (alice, glass):
        assert "gutenberg" not in text.lower() and "license" not in text.lower()
    assert ds.text == alice + "\n\n" + glass


def test_gutenberg_2011_edition():
    new = parsers.read_gutenberg(MIRROR_DIR / "pg11.txt")
    old = parsers.read_gutenberg(MIRROR_DIR / "gutenberg-2011-edition" / "pg11.txt")
    assert "\r" not in old and not old.startswith("\ufeff")
    assert "gutenberg" not in old.lower() and "license" not in old.lower()
    assert old.startswith("ALICE'S ADVENTURES IN WONDERLAND") and old.rstrip().endswith("THE END")
    assert abs(len(old) - len(new)) < 2_000


def test_fra_eng_editions(real):
    ds = load("fra_eng", verbose=False)
    assert ds.source == "mirror"
    assert len(ds.pairs) == 167_130
    assert ds.pairs[0] == ("Go.", "Va !")
    assert len(load("fra_eng", max_pairs=30_000, verbose=False).pairs) == 30_000
    older = parsers.read_fra_zip(MIRROR_DIR / "manythings-2017-09-29" / "fra-eng.zip")
    assert len(older) == 142_787 and all(len(p) == 2 for p in older[:100])


def test_ag_news_falls_back(real, capsys):
    synthetic = load("ag_news", max_train=200, max_test=100)
    assert synthetic.source == "synthetic" and "SYNTHETIC STAND-IN DATA: ag_news" in capsys.readouterr().out
    partial = load("ag_news", allow_partial=True, verbose=False)
    assert partial.source == "mirror" and partial.partial and not partial.synthetic
    assert len(partial.train) + len(partial.test) == 7600 and len(partial.test) == 1520
    assert np.bincount(partial.test.labels).tolist() == [380] * 4
    both = load("ag_news", allow_partial=True, field="both", verbose=False)
    assert not any("\\" in t or "#36;" in t for t in both.train.texts)
    real.setenv("COURSE_PROFILE", "full")
    settings.reload()
    with pytest.raises(DataUnavailableError, match="train.csv"):
        load("ag_news")


def test_status_from_mirror(real):
    table = status().set_index("file")
    assert table.loc["ag_news_csv/train.csv", "state"] == "missing"
    for name in ("aclImdb_v1.tar.gz", "treebank.zip", "pg11.txt", "fra-eng.zip", "tweet_emotions.csv"):
        assert table.loc[name, "state"] in ("mirror", "cached")


@pytest.mark.slow
def test_imdb(real):
    import time

    ds = load("imdb", verbose=False)  # first time: read from the archive (about 15 s on an idle machine)
    assert ds.source == "mirror"
    assert len(ds.train) == 25_000 and len(ds.test) == 25_000
    assert ds.train.class_counts().tolist() == [12_500, 12_500]
    assert ds.test.class_counts().tolist() == [12_500, 12_500]
    assert any("<br />" in t for t in ds.train.texts[:100])
    start = time.perf_counter()
    small = load("imdb", max_train=2000, max_test=500, verbose=False)
    assert time.perf_counter() - start < 10  # warm load (about 1 s on an idle machine)
    assert len(small.train) == 2000 and small.train.class_counts().tolist() == [1000, 1000]


@pytest.mark.slow
def test_imdb_damaged_cache_heals(real, mirror_cache):
    """The issue's scenario: load imdb (full profile), cut every cache file over 1 kB to a third, load again."""
    import os

    real.setenv("COURSE_PROFILE", "full")
    settings.reload()
    ds = load("imdb", verbose=False)  # warm after test_imdb, else parsed here
    cut = []
    for path in mirror_cache.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.stat().st_size > 1000:
            os.truncate(path, path.stat().st_size // 3)
            cut.append(path)
    assert any("processed" in p.parts for p in cut)
    again = load("imdb", verbose=False)  # parsed again from the verified mirror archive
    assert again.source == "mirror"
    assert again.train.texts == ds.train.texts and again.test.texts == ds.test.texts
    assert (again.train.labels == ds.train.labels).all()
