"""A damaged cache heals: files cut short or altered under COURSE_DATA_DIR are never read as data.

Every dataset is loaded once in the full profile, then the files of its cache
are cut to a third of their length, and it is loaded again: the parsed cache
is rebuilt from the verified file, a damaged cached download removed (with an
error that says what to do if nothing else has the file). The scenario with
the real IMDB archive is in ``test_data_mirror.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from course_utils.data import DataUnavailableError, load, processed, registry

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
        patch_file,
        relax_checks,
        treebank_zip,
        tweet_csv,
        uci_zip,
        zip_bytes,
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
        patch_file,
        relax_checks,
        treebank_zip,
        tweet_csv,
        uci_zip,
        zip_bytes,
    )

__all__ = ["data_env"]  # fixture used below

FIXTURES = {
    "imdb": {"aclImdb_v1.tar.gz": imdb_tar(4)},
    "ag_news": {"ag_news_csv/train.csv": ag_csv(6), "ag_news_csv/test.csv": ag_csv(3, offset=100)},
    "tweet_emotions": {"tweet_emotions.csv": tweet_csv()},
    "uci_sentences": {"sentiment labelled sentences.zip": uci_zip(4)},
    "treebank": {"treebank.zip": treebank_zip()},
    "alice": {
        "pg11.txt": gutenberg("Alice's Adventures in Wonderland", ALICE_BODY),
        "pg12.txt": gutenberg("Through the Looking-Glass", GLASS_BODY),
    },
    "fra_eng": {"fra-eng.zip": fra_zip(FRA_PAIRS)},
}
if "glove" in registry.DATASETS:  # word vectors: parsed into the processed cache
    _rng = np.random.default_rng(0)
    _lines = [w + " " + " ".join(f"{x:.5g}" for x in _rng.normal(size=50)) for w in ("the", "of", "king", "queen")]
    FIXTURES["glove"] = {"glove.6B.50d.10k.zip": zip_bytes({"glove.6B.50d.10k.txt": ("\n".join(_lines) + "\n").encode()})}
# Structural checks as strict as the registry's, scaled to the fixtures: a cut file fails them.
STRICT = {
    "tweet_emotions.csv": {"min_rows": 11, "n_labels": 5},
    "sentiment labelled sentences.zip": {"n_files": 3, "n_rows": 12},
    "pg11.txt": {"min_chars": len(ALICE_BODY)},
    "pg12.txt": {"min_chars": len(GLASS_BODY)},
    "fra-eng.zip": {"min_pairs": len(FRA_PAIRS)},
}


def _register(monkeypatch: pytest.MonkeyPatch, dataset: str) -> None:
    files = FIXTURES[dataset]
    relax_checks(monkeypatch, dataset, files)  # pins the fixtures' sha256
    for name, expect in STRICT.items():
        if name in files:
            patch_file(monkeypatch, dataset, name, expect=expect)


def _content(ds) -> object:
    """What a lesson reads from a dataset, in comparable form."""
    if hasattr(ds, "label_names"):
        return (ds.train.texts, ds.train.labels.tolist(), ds.test.texts, ds.test.labels.tolist(), ds.label_names)
    if hasattr(ds, "tagset"):
        return (ds.train.sentences, ds.train.tags, ds.test.sentences, ds.test.tags)
    if hasattr(ds, "books"):
        return ds.books
    if hasattr(ds, "vectors"):
        return (list(ds.words), ds.vectors.tolist())
    return ds.pairs


def cut_files(folder: Path, *, min_bytes: int = 0, skip_stamps: bool = False) -> list[Path]:
    """Cut every file under ``folder`` longer than ``min_bytes`` to a third of its length."""
    cut = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        if skip_stamps and "stamps" in path.parts:
            continue
        size = path.stat().st_size
        if size > min_bytes:
            os.truncate(path, size // 3)
            cut.append(path)
    return cut


# ----------------------------------------------------------------------------- every dataset


@pytest.mark.parametrize("dataset", sorted(FIXTURES))
def test_damaged_cache_heals_from_the_mirror(dataset, data_env, monkeypatch):
    """Full profile, files in the mirror: a cut parsed cache is rebuilt, not read."""
    _register(monkeypatch, dataset)
    for rel, data in FIXTURES[dataset].items():
        data_env.put_in_mirror(rel, data)
    data_env.use_mirror()
    first = load(dataset, verbose=False)
    assert first.source == "mirror"
    expected = _content(first)

    # the data files only (the stamps intact)
    cut = cut_files(data_env.cache, skip_stamps=True)
    if dataset in ("imdb", "treebank", "ag_news", "glove"):  # parsed into the cache
        assert any("processed" in p.parts for p in cut)
    again = load(dataset, verbose=False)
    assert again.source == "mirror" and _content(again) == expected

    # everything, stamps too
    cut_files(data_env.cache)
    third = load(dataset, verbose=False)
    assert third.source == "mirror" and _content(third) == expected


@pytest.mark.parametrize("dataset", sorted(FIXTURES))
def test_damaged_download_is_removed_with_a_clear_error(dataset, data_env, monkeypatch):
    """Full profile, files only in the cache (as downloaded), offline: a cut file is removed, the
    error says so and what to do; with a mirror the dataset then loads as before."""
    _register(monkeypatch, dataset)
    for rel, data in FIXTURES[dataset].items():
        data_env.put_in_cache(rel, data)
    first = load(dataset, verbose=False)
    assert first.source == "cache"
    expected = _content(first)

    cut_files(data_env.cache)
    with pytest.raises(DataUnavailableError) as caught:
        load(dataset, verbose=False)
    message = str(caught.value)
    assert "a damaged copy was removed from" in message and "What to do" in message
    assert "COURSE_DATA_MIRROR" in message
    assert not any(p.exists() for p in (data_env.cache / "files").rglob("*") if p.is_file() and p.stat().st_size == 0)

    for rel, data in FIXTURES[dataset].items():
        data_env.put_in_mirror(rel, data)
    data_env.use_mirror()
    healed = load(dataset, verbose=False)
    assert healed.source == "mirror" and _content(healed) == expected


def test_quick_profile_falls_back_to_synthetic_after_removing_a_damaged_download(data_env, monkeypatch, capsys):
    _register(monkeypatch, "imdb")
    data_env.put_in_cache("aclImdb_v1.tar.gz", FIXTURES["imdb"]["aclImdb_v1.tar.gz"])
    load("imdb", verbose=False)
    cut_files(data_env.cache)
    data_env.profile("quick")
    ds = load("imdb", max_train=20, max_test=10, verbose=False)
    out = capsys.readouterr().out
    assert ds.source == "synthetic" and "removed a corrupt cached file" in out
    assert not (data_env.cache / "files" / "aclImdb_v1.tar.gz").exists()


# ----------------------------------------------------------------------------- parsed cache


@pytest.mark.parametrize("how", ["cut", "flipped byte"])
def test_a_damaged_parsed_cache_is_removed_and_rebuilt(data_env, capsys, how):
    data = {"texts": [f"review {i} \u00e9" * 5 for i in range(300)], "labels": np.arange(300)}
    key = processed.make_key("demo", "source-sha256")
    path = processed.save("demo", key, data)
    raw = path.read_bytes()
    if how == "cut":
        path.write_bytes(raw[: len(raw) // 3])
    else:
        middle = len(raw) // 2
        path.write_bytes(raw[:middle] + bytes([raw[middle] ^ 0x55]) + raw[middle + 1 :])
    assert processed.load("demo", key) is None and not path.exists()
    assert "removed a damaged parsed cache" in capsys.readouterr().out
    calls = []
    rebuilt = processed.cached("demo", lambda: calls.append(1) or data, "source-sha256")
    assert calls == [1] and rebuilt["texts"] == data["texts"]
    assert processed.load("demo", key)["texts"] == data["texts"]
