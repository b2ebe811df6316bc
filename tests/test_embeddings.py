"""course_utils.embeddings: aligned matrices, text vectors, cosine neighbours, projector files."""

from __future__ import annotations

import os

import numpy as np
import pytest

from course_utils import embeddings as E

VECTORS = {
    "cat": np.array([1.0, 0.0, 0.0]),
    "dog": np.array([0.9, 0.1, 0.0]),
    "car": np.array([0.0, 1.0, 0.0]),
    "truck": np.array([0.1, 0.9, 0.1]),
}


# --------------------------------------------------------------------------- embedding_matrix


def test_rows_follow_the_vocabulary_order_and_misses_are_counted() -> None:
    tokens = ["<pad>", "<unk>", "dog", "zebra", "cat"]
    aligned = E.embedding_matrix(tokens, VECTORS, fill="zeros")
    assert aligned.matrix.shape == (5, 3) and aligned.matrix.dtype == np.float32
    np.testing.assert_allclose(aligned.matrix[2], VECTORS["dog"])
    np.testing.assert_allclose(aligned.matrix[4], VECTORS["cat"])
    assert aligned.found == 2
    assert aligned.missing == ("zebra",)  # <pad> and <unk> are not looked up, not counted
    assert aligned.looked_up == 3 and aligned.coverage == pytest.approx(2 / 3)
    assert "zebra" in aligned.summary()
    assert not aligned.matrix[0].any() and not aligned.matrix[3].any()


def test_textvectorization_style_tokens_and_random_fill() -> None:
    tokens = ["", "[UNK]", "cat", "unicorn", "car"]
    aligned = E.embedding_matrix(tokens, VECTORS, seed=3)
    assert not aligned.matrix[0].any(), "the padding row must stay zero"
    assert aligned.matrix[1].any() and aligned.matrix[3].any(), "OOV and missing rows are filled randomly"
    assert aligned.missing == ("unicorn",)
    again = E.embedding_matrix(tokens, VECTORS, seed=3)
    np.testing.assert_array_equal(aligned.matrix, again.matrix)
    scaled = E.embedding_matrix(tokens, VECTORS, seed=3, scale=0.0)
    assert not scaled.matrix[3].any()


def test_works_with_objects_that_only_support_in_and_getitem() -> None:
    class KeyedVectorsLike:
        def __contains__(self, key: str) -> bool:
            return key in VECTORS

        def __getitem__(self, key: str) -> np.ndarray:
            return VECTORS[key]

    aligned = E.embedding_matrix(["<pad>", "car"], KeyedVectorsLike())
    np.testing.assert_allclose(aligned.matrix[1], VECTORS["car"])


def test_embedding_matrix_errors() -> None:
    with pytest.raises(ValueError, match="dim="):
        E.embedding_matrix(["<pad>", "zebra"], VECTORS)
    assert E.embedding_matrix(["<pad>", "zebra"], VECTORS, dim=3).matrix.shape == (2, 3)
    with pytest.raises(ValueError, match="dimensions"):
        E.embedding_matrix(["cat", "dog"], {"cat": np.zeros(3), "dog": np.zeros(4)})
    with pytest.raises(ValueError, match="1-D"):
        E.embedding_matrix(["cat"], {"cat": np.zeros((2, 2))})
    with pytest.raises(ValueError, match="fill"):
        E.embedding_matrix(["cat"], VECTORS, fill="uniform")
    with pytest.raises(TypeError):
        E.embedding_matrix("cat", VECTORS)


# --------------------------------------------------------------------------- read_text_vectors


def test_read_glove_and_word2vec_text_formats(tmp_path) -> None:
    glove = tmp_path / "glove.txt"
    glove.write_text("the 0.1 0.2 0.3\ncat 1 2 3\nnew york 4 5 6\n", encoding="utf-8")
    vecs = E.read_text_vectors(glove)
    assert set(vecs) == {"the", "cat", "new york"}
    np.testing.assert_allclose(vecs["cat"], [1, 2, 3])
    only = E.read_text_vectors(glove, vocabulary={"cat", "dog"})
    assert set(only) == {"cat"}
    assert set(E.read_text_vectors(glove, limit=1)) == {"the"}

    w2v = tmp_path / "w2v.txt"
    w2v.write_text("2 3\ncat 1 2 3\ndog 4 5 6\n", encoding="utf-8")
    assert set(E.read_text_vectors(w2v)) == {"cat", "dog"}


def test_read_text_vectors_errors(tmp_path) -> None:
    with pytest.raises(FileNotFoundError, match="download"):
        E.read_text_vectors(tmp_path / "missing.txt")
    short = tmp_path / "short.txt"
    short.write_text("cat 1 2 3\ndog 1 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        E.read_text_vectors(short)
    bad = tmp_path / "bad.txt"
    bad.write_text("cat 1 x 3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="numbers"):
        E.read_text_vectors(bad)


def test_matrix_from_text_file_round_trip(tmp_path) -> None:
    path = tmp_path / "vectors.txt"
    path.write_text("".join(f"{w} " + " ".join(f"{x:.6f}" for x in v) + "\n" for w, v in VECTORS.items()))
    tokens = ["<pad>", "<unk>", "truck", "cat"]
    from_file = E.embedding_matrix(tokens, E.read_text_vectors(path, vocabulary=tokens))
    from_dict = E.embedding_matrix(tokens, VECTORS)
    np.testing.assert_allclose(from_file.matrix[2:], from_dict.matrix[2:], atol=1e-6)


# --------------------------------------------------------------------------- similarity


def test_cosine_similarity_values_and_zero_rows() -> None:
    a = np.array([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]])
    sims = E.cosine_similarity(a)
    np.testing.assert_allclose(sims, [[1, 0, 0], [0, 1, 0], [0, 0, 0]], atol=1e-12)
    np.testing.assert_allclose(E.cosine_similarity([1.0, 1.0], [[2.0, 2.0], [-1.0, -1.0]]), [[1.0, -1.0]])
    with pytest.raises(ValueError):
        E.cosine_similarity(np.ones((2, 3)), np.ones((2, 4)))


def test_nearest_neighbours_by_token_and_by_vector() -> None:
    tokens = ["<pad>", "<unk>", *VECTORS]
    matrix = np.vstack([np.zeros(3), np.ones(3), *VECTORS.values()])
    near = E.nearest_neighbours(matrix, tokens, "cat", k=2)
    assert [t for t, _ in near] == ["dog", "truck"]
    assert near[0][1] > near[1][1]
    assert all(t not in ("cat", "<pad>", "<unk>") for t, _ in E.nearest_neighbours(matrix, tokens, "cat", k=10))
    assert len(E.nearest_neighbours(matrix, tokens, "cat", k=10)) == 3
    by_vector = E.nearest_neighbours(matrix, tokens, np.array([0.0, 1.0, 0.0]), k=1)
    assert by_vector[0][0] == "car" and by_vector[0][1] == pytest.approx(1.0)


def test_nearest_neighbours_errors() -> None:
    tokens = list(VECTORS)
    matrix = np.vstack(list(VECTORS.values()))
    with pytest.raises(KeyError, match="zebra"):
        E.nearest_neighbours(matrix, tokens, "zebra")
    with pytest.raises(ValueError, match="k must"):
        E.nearest_neighbours(matrix, tokens, "cat", k=0)
    with pytest.raises(ValueError, match="len\\(tokens\\)"):
        E.nearest_neighbours(matrix[:2], tokens, "cat")
    with pytest.raises(ValueError, match="shape"):
        E.nearest_neighbours(matrix, tokens, np.ones(5))


def test_analogy_uses_unit_vectors_and_leaves_out_the_question_words() -> None:
    # man/woman and king/queen differ by one "gender" direction; lengths differ a lot
    royal, person, gender = np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0])
    vectors = {
        "man": 0.2 * (person + 0.5 * gender),
        "woman": 5.0 * (person - 0.5 * gender),
        "king": 3.0 * (royal + 0.5 * gender),
        "queen": 1.0 * (royal - 0.5 * gender),
        "prince": royal + 0.5 * gender + np.array([0.0, 0.3, 0.3]),
        "<pad>": np.zeros(3),
    }
    tokens, matrix = list(vectors), np.vstack(list(vectors.values()))
    answer = E.analogy(matrix, tokens, "man", "king", "woman", k=2)
    assert answer[0][0] == "queen" and answer[0][1] == pytest.approx(1.0)
    assert {w for w, _ in answer} & {"man", "king", "woman", "<pad>"} == set()
    raw = vectors["king"] - vectors["man"] + vectors["woman"]  # without unit lengths the long "woman" wins
    assert E.nearest_neighbours(matrix, tokens, raw, k=1)[0][0] == "woman"
    with pytest.raises(KeyError, match="'duke'"):
        E.analogy(matrix, tokens, "man", "duke", "woman")


# --------------------------------------------------------------------------- projector files


def test_projector_files_single_column_round_trip(tmp_path) -> None:
    vectors = np.array([[0.5, -1.25], [3.0, 1e-3], [0.0, 2.0]])
    labels = ["cat", "", "tab\there"]
    files = E.write_projector_files(tmp_path / "proj", vectors, labels, tensor_name="words")
    assert files.vectors.name == "vectors.tsv" and files.metadata.name == "metadata.tsv"
    meta_lines = files.metadata.read_text(encoding="utf-8").splitlines()
    assert meta_lines == ["cat", "<empty>", "tab here"], "one line per vector, no header for one column"
    back, rows, header = E.read_projector_files(files.directory)
    np.testing.assert_allclose(back, vectors, rtol=1e-5)
    assert header is None and [r[0] for r in rows] == meta_lines
    config = files.config.read_text(encoding="utf-8")
    assert 'tensor_name: "words"' in config and 'tensor_path: "vectors.tsv"' in config
    assert 'metadata_path: "metadata.tsv"' in config
    assert sorted(os.listdir(files.directory)) == ["metadata.tsv", "projector_config.pbtxt", "vectors.tsv"]


def test_projector_files_several_columns_have_a_header(tmp_path) -> None:
    files = E.write_projector_files(tmp_path, np.eye(2), {"word": ["a", "b"], "count": [10, 3]}, config=False)
    assert files.config is None and not (tmp_path / "projector_config.pbtxt").exists()
    assert files.metadata.read_text(encoding="utf-8").splitlines() == ["word\tcount", "a\t10", "b\t3"]
    _, rows, header = E.read_projector_files(tmp_path)
    assert header == ["word", "count"] and rows == [["a", "10"], ["b", "3"]]


def test_projector_files_errors_leave_no_files(tmp_path) -> None:
    with pytest.raises(ValueError, match="one label per row"):
        E.write_projector_files(tmp_path, np.eye(3), ["a", "b"])
    with pytest.raises(ValueError, match="NaN"):
        E.write_projector_files(tmp_path, np.array([[np.nan, 1.0]]), ["a"])
    with pytest.raises(ValueError, match="needs 2 values"):
        E.write_projector_files(tmp_path, np.eye(2), {"word": ["a"]})
    with pytest.raises(ValueError, match="non-empty"):
        E.write_projector_files(tmp_path, np.zeros((0, 3)), [])
    assert not any(tmp_path.iterdir()), "a failed call must not leave partial files"
    with pytest.raises(FileNotFoundError):
        E.read_projector_files(tmp_path)


def test_projector_write_is_atomic_when_interrupted(tmp_path, monkeypatch) -> None:
    E.write_projector_files(tmp_path, np.eye(2), ["a", "b"])
    before = (tmp_path / "vectors.tsv").read_text()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(E.os, "replace", broken_replace)
    with pytest.raises(OSError):
        E.write_projector_files(tmp_path, 2 * np.eye(2), ["a", "b"])
    assert (tmp_path / "vectors.tsv").read_text() == before, "the old file must survive a failed write"
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"], "temporary files must be removed"
