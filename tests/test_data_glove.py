"""The ``glove`` dataset: registry entry, strict parser, structural check, loader, synthetic stand-in.

The fixtures are tiny zips in the upstream layout (``glove.6B.zip`` with
``glove.6B.50d.txt`` and friends; the 10k subset with one member), made of
made-up numbers: no real vectors are stored in the repository.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from gensim.models import KeyedVectors

from course_utils.data import (
    CorruptFileError,
    DataUnavailableError,
    WordVectors,
    info,
    load,
    parsers,
    synthetic,
    verify,
)

try:
    from data_fixtures import MIRROR, data_env, relax_checks, requires_mirror, zip_bytes
except ImportError:  # tests/ imported as a package
    from tests.data_fixtures import MIRROR, data_env, relax_checks, requires_mirror, zip_bytes

__all__ = ["data_env"]

FULL, SUBSET = "glove.6B.zip", "glove.6B.50d.10k.zip"
WORDS = ["the", ",", ".", "of", "king", "queen", "man", "woman", "café", "'s"]


def glove_lines(words: list[str], dim: int = 50, *, seed: int = 0) -> list[str]:
    """GloVe text lines: word, then ``dim`` numbers, single spaces (as in glove.6B.*d.txt)."""
    rng = np.random.default_rng(seed)
    return [w + " " + " ".join(f"{x:.5g}" for x in rng.normal(size=dim)) for w in words]


def glove_text(words: list[str] = WORDS, dim: int = 50, *, seed: int = 0) -> bytes:
    return ("\n".join(glove_lines(words, dim, seed=seed)) + "\n").encode("utf-8")


def full_zip(words: list[str] = WORDS, *, text_50d: bytes | None = None) -> bytes:
    """The layout of glove.6B.zip: four files, one per dimension."""
    members = {f"glove.6B.{d}d.txt": glove_text(words[:3], d, seed=d) for d in (100, 200, 300)}
    members["glove.6B.50d.txt"] = text_50d if text_50d is not None else glove_text(words)
    return zip_bytes(dict(sorted(members.items())))


def subset_zip(words: list[str] = WORDS[:6]) -> bytes:
    return zip_bytes({"glove.6B.50d.10k.txt": glove_text(words)})


@pytest.fixture
def glove_mirror(data_env, monkeypatch):
    """A test mirror holding the subset zip only (its sha256 pinned to the fixture)."""
    data = subset_zip()
    relax_checks(monkeypatch, "glove", {SUBSET: data})
    data_env.put_in_mirror(SUBSET, data, sums=False)
    data_env.use_mirror()
    return data_env


# ----------------------------------------------------------------------------- registry


def test_registry_entry():
    entry = info("glove")
    assert entry.lessons == ("04",)
    assert "PDDL" in entry.licence and "Pennington" in entry.citation and "EMNLP 2014" in entry.citation
    full, subset = entry.file(FULL), entry.file(SUBSET)
    assert full.url == "https://nlp.stanford.edu/data/glove.6B.zip"
    assert full.structure == "glove_zip" and full.structure in verify.STRUCTURE_CHECKS
    assert dict(full.expect) == {"member": "glove.6B.50d.txt", "dim": 50, "n_words": 400_000}
    assert subset.checksum == "sha256:c62383cf10a8411476c6610a4312b1bfed21ce5a6d98b1899e390dd346ba7056"
    assert subset.size == 1_722_310 and subset.url.startswith("https://")
    assert "check" in full.note and "SUBSET" in subset.note
    assert entry.options == {"vocab": "auto", "max_words": None, "verbose": True}


# ----------------------------------------------------------------------------- parser


def test_parser_reads_words_in_order_as_float32(tmp_path):
    path = tmp_path / FULL
    path.write_bytes(full_zip())
    out = parsers.read_glove_zip(path, "glove.6B.50d.txt", dim=50)
    assert out["words"] == WORDS
    assert out["vectors"].dtype == np.float32 and out["vectors"].shape == (len(WORDS), 50)
    first = glove_lines(WORDS)[0].split(" ")
    np.testing.assert_allclose(out["vectors"][0], np.asarray(first[1:], dtype=np.float32))
    with pytest.raises(ValueError, match="no glove.6B.25d.txt inside"):
        parsers.read_glove_zip(path, "glove.6B.25d.txt", dim=25)


@pytest.mark.parametrize(
    "bad_line,message",
    [
        ("king " + " ".join(["0.1"] * 49), r"line 3: expected a word and 50 numbers, got 49"),
        ("king " + " ".join(["0.1"] * 51), r"line 3: expected a word and 50 numbers, got 51"),
        ("the " + " ".join(["0.1"] * 50), r"line 3: the word 'the' occurs again \(first on line 1\)"),
        ("king " + " ".join(["0.1"] * 49 + ["x"]), r"line 3: the values of 'king' are not all numbers"),
        ("king " + " ".join(["0.1"] * 49 + ["nan"]), r"line 3: the vector of 'king' holds NaN or inf"),
        ("", r"line 3: empty line inside the file"),
    ],
)
def test_parser_rejects_what_is_not_glove(bad_line, message):
    lines = glove_lines(["the", "of"]) + [bad_line] + glove_lines(["queen"], seed=1)
    with pytest.raises(ValueError, match=message):
        parsers.parse_glove_lines(lines, dim=50)


# ----------------------------------------------------------------------------- structural check


def test_structural_check_of_the_release(tmp_path):
    spec = info("glove").file(FULL)
    good = tmp_path / "good" / FULL
    good.parent.mkdir()
    good.write_bytes(full_zip())
    with pytest.raises(CorruptFileError, match=f"{len(WORDS)} words, expected 400,000"):
        verify.verify_file(good, spec)  # a fixture is not the 400,000-word release
    small = dataclasses.replace(spec, expect={**spec.expect, "n_words": len(WORDS)})
    assert verify.verify_file(good, small) == verify.file_hashes(good)["sha256"]

    corrupt = tmp_path / "corrupt" / FULL
    corrupt.parent.mkdir()
    lines = glove_lines(WORDS)
    lines[4] = lines[4].rsplit(" ", 1)[0]  # a truncated line: 49 numbers
    corrupt.write_bytes(full_zip(text_50d=("\n".join(lines) + "\n").encode()))
    with pytest.raises(CorruptFileError, match="structural check 'glove_zip'.*line 5: expected a word and 50"):
        verify.verify_file(corrupt, small)

    not_zip = tmp_path / "notzip" / FULL
    not_zip.parent.mkdir()
    not_zip.write_bytes(full_zip()[:1000])
    with pytest.raises(CorruptFileError, match="not a readable zip file"):
        verify.verify_file(not_zip, small)


# ----------------------------------------------------------------------------- loader


def test_load_subset_from_mirror(glove_mirror, monkeypatch, capsys):
    wv = load("glove")
    assert isinstance(wv, WordVectors) and wv.source == "mirror" and not wv.synthetic
    assert "glove: 6 words x 50 dims, SUBSET: the 6 most frequent words from mirror" in capsys.readouterr().out
    assert wv.words == WORDS[:6] and wv.vectors.shape == (6, 50) and wv.vectors.dtype == np.float32
    assert wv.dim == 50 and len(wv) == 6
    assert wv.subset
    assert any("SUBSET" in n and "400,000" in n for n in wv.notes)
    assert "SUBSET" in repr(wv) and "source=mirror" in str(wv) and wv.notes[0] in str(wv)
    assert wv.index("king") == 4 and "king" in wv and "café" not in wv
    np.testing.assert_array_equal(wv["queen"], wv.vectors[5])
    with pytest.raises(KeyError, match="'café' is not among the 6 words of 'glove'"):
        wv.index("café")
    kv = KeyedVectors(vector_size=wv.dim)  # as lesson 04 does: the same words and rows in gensim's container
    kv.add_vectors(wv.words, wv.vectors)
    assert kv.index_to_key == wv.words and "café" not in kv
    np.testing.assert_array_equal(kv["king"], wv["king"])

    def no_parsing(*args, **kwargs):
        raise AssertionError("a warm load must come from the processed cache")

    monkeypatch.setattr(parsers, "read_glove_zip", no_parsing)
    top = load("glove", max_words=2, verbose=False)
    assert top.words == ["the", ","] and top.vectors.shape == (2, 50) and top.subset
    with pytest.raises(ValueError, match="vocab must be one of auto, 10k, 400k"):
        load("glove", vocab="1M")
    with pytest.raises(ValueError, match="max_words"):
        load("glove", max_words=0)


def test_auto_prefers_the_full_release_when_present(glove_mirror, monkeypatch):
    data = full_zip()
    relax_checks(monkeypatch, "glove", {FULL: data})  # structure check with expect={} (no word count)
    glove_mirror.put_in_mirror(FULL, data, sums=False)
    wv = load("glove", verbose=False)
    assert wv.files == {FULL: str(glove_mirror.mirror / FULL)}
    assert wv.words == WORDS and not wv.subset and not wv.notes
    assert load("glove", vocab="10k", verbose=False).words == WORDS[:6]
    cut = load("glove", max_words=4, verbose=False)
    assert cut.subset and "max_words=4" in cut.notes[0]


def test_400k_is_not_replaced_by_the_subset(glove_mirror, capsys):
    with pytest.raises(DataUnavailableError, match="glove.6B.zip"):
        load("glove", vocab="400k")  # full profile, offline: the subset is no substitute
    glove_mirror.profile("quick")
    fake = load("glove", vocab="400k")
    assert fake.synthetic and "SYNTHETIC STAND-IN DATA: glove" in capsys.readouterr().out


def test_a_wrong_subset_file_in_the_mirror(data_env):
    data_env.put_in_mirror(SUBSET, subset_zip(), sums=False)  # not the pinned file: fails size and sha256
    data_env.use_mirror()
    with pytest.raises(CorruptFileError, match="glove.6B.50d.10k.zip has .* bytes, expected 1,722,310"):
        load("glove")
    data_env.profile("quick")  # a corrupt file is an error, never silently replaced by synthetic data
    with pytest.raises(CorruptFileError):
        load("glove")


def test_corrupt_subset_listed_in_sha256sums(data_env, monkeypatch):
    good = subset_zip()
    relax_checks(monkeypatch, "glove", {SUBSET: good})
    path = data_env.put_in_mirror(SUBSET, good, sums=True)
    path.write_bytes(good[:-10])  # truncated after it was listed
    data_env.use_mirror()
    with pytest.raises(CorruptFileError, match="does not match its SHA256SUMS entry"):
        load("glove")


# ----------------------------------------------------------------------------- synthetic stand-in


def test_synthetic_stand_in_has_planted_structure(data_env, capsys):
    with pytest.raises(DataUnavailableError, match="glove.6B.50d.10k.zip"):
        load("glove")  # full profile: no stand-in
    data_env.profile("quick")
    wv = load("glove")
    out = capsys.readouterr().out
    assert "SYNTHETIC STAND-IN DATA: glove" in out and "not real, numbers mean nothing" in out
    assert wv.source == "synthetic" and wv.synthetic and "SYNTHETIC" in repr(wv)
    assert wv.dim == 50 and wv.vectors.dtype == np.float32 and not wv.subset and wv.notes
    # the words of the synthetic UCI/IMDB texts have vectors; sentiment words cluster by class
    for word in ("the", "great", "awful", "movie", "king", "queen", "man", "woman"):
        assert word in wv
    kv = KeyedVectors(vector_size=wv.dim)
    kv.add_vectors(wv.words, wv.vectors)
    near_great = [w for w, _ in kv.most_similar("great", topn=5)]
    assert set(near_great) <= set(synthetic._VECTOR_GROUPS["positive"])
    best = kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)
    assert best[0][0] == "queen"
    again = load("glove", max_words=20, verbose=False)
    np.testing.assert_array_equal(again.vectors, wv.vectors[:20])  # deterministic


# ----------------------------------------------------------------------------- the real mirror


@requires_mirror
def test_real_subset_from_the_mirror(tmp_path, monkeypatch):
    from course_utils import settings

    monkeypatch.setattr(settings, "_current", None)
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("COURSE_DATA_MIRROR", MIRROR)
    settings.reload()
    wv = load("glove", verbose=False)
    assert wv.source == "mirror" and wv.subset and len(wv) == 10_000 and wv.dim == 50
    assert wv.words[:6] == ["the", ",", ".", "of", "to", "and"]
    np.testing.assert_allclose(wv["king"][:3], [0.50451, 0.68607, -0.59517])
    np.testing.assert_allclose(wv["the"][:3], [0.418, 0.24968, -0.41242])
    assert any(p.name.startswith("glove_10k-") for p in (tmp_path / "cache" / "processed").iterdir())
