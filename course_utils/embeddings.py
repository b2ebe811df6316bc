"""Word vectors: aligning them with a vocabulary, nearest neighbours, projector files.

- :func:`embedding_matrix`: an embedding matrix whose rows follow a
  vocabulary's id order, built from any word -> vector mapping (a ``dict``, a
  gensim ``KeyedVectors``), with the words that had no vector counted.
- :func:`read_text_vectors`: read GloVe / word2vec / fastText ``.txt`` vectors,
  optionally only the words of a vocabulary.
- :func:`cosine_similarity` and :func:`nearest_neighbours`: similarity by cosine;
  :func:`analogy`: "a is to b as c is to ?" by vector arithmetic.
- :func:`write_projector_files` / :func:`read_projector_files`: ``vectors.tsv``,
  ``metadata.tsv`` and ``projector_config.pbtxt`` for the TensorBoard Embedding
  Projector (or projector.tensorflow.org), written atomically.

Lessons 04 (word embeddings) and 14 (contextual embeddings) use them. Nothing
here imports TensorFlow.
"""

from __future__ import annotations

import io
import os
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import files

__all__ = [
    "AlignedVectors",
    "ProjectorFiles",
    "embedding_matrix",
    "read_text_vectors",
    "cosine_similarity",
    "nearest_neighbours",
    "analogy",
    "write_projector_files",
    "read_projector_files",
]

#: Tokens that mean "padding" in our Vocabulary ("<pad>") and in TextVectorization ("").
PAD_TOKENS: tuple[str, ...] = ("<pad>", "")
#: Out-of-vocabulary tokens of our Vocabulary and of TextVectorization.
OOV_TOKENS: tuple[str, ...] = ("<unk>", "[UNK]")


# --------------------------------------------------------------------------- aligning


@dataclass(frozen=True)
class AlignedVectors:
    """An embedding matrix aligned with a vocabulary.

    ``matrix``: float32 ``(len(tokens), dim)``, row ``i`` is the vector of
    token ``i``. ``found``: how many tokens had a vector. ``missing``: the
    tokens that were looked up and had none (their rows are filled, see
    :func:`embedding_matrix`); padding and out-of-vocabulary tokens are not
    looked up and not counted.
    """

    matrix: np.ndarray
    found: int
    missing: tuple[str, ...]

    @property
    def looked_up(self) -> int:
        """Number of tokens looked up (``found + len(missing)``)."""
        return self.found + len(self.missing)

    @property
    def coverage(self) -> float:
        """Share of the looked-up tokens that had a vector (0.0 when none was looked up)."""
        return self.found / self.looked_up if self.looked_up else 0.0

    def summary(self) -> str:
        """One line: shape, hits, misses and a few missing tokens."""
        head = ", ".join(self.missing[:8]) + (", ..." if len(self.missing) > 8 else "")
        return (
            f"matrix {self.matrix.shape}: {self.found} of {self.looked_up} tokens found "
            f"({self.coverage:.1%}), {len(self.missing)} missing" + (f" (e.g. {head})" if self.missing else "")
        )

    def __repr__(self) -> str:
        return f"<AlignedVectors {self.summary()}>"


def _vector_of(vectors: Any, token: str) -> np.ndarray | None:
    try:
        if token not in vectors:
            return None
    except TypeError:  # e.g. a mapping that cannot test membership of this key
        return None
    return np.asarray(vectors[token], dtype=np.float32)


def embedding_matrix(
    tokens: Sequence[str],
    vectors: Mapping[str, Any] | Any,
    *,
    dim: int | None = None,
    pad_tokens: Collection[str] = PAD_TOKENS,
    oov_tokens: Collection[str] = OOV_TOKENS,
    fill: str = "normal",
    scale: float | None = None,
    seed: int = 0,
) -> AlignedVectors:
    """Rows in vocabulary order: ``tokens`` (length n, id order) -> ``(n, dim)`` float32.

    ``tokens`` is a vocabulary's id order, e.g. ``Vocabulary.id_to_token`` or
    ``TextVectorization.get_vocabulary()``. ``vectors`` is anything with
    ``token in vectors`` and ``vectors[token]`` (a dict of 1-D arrays, a gensim
    ``KeyedVectors``). Padding tokens get zero rows; out-of-vocabulary tokens
    and tokens without a vector get ``fill`` rows: ``"normal"`` draws from
    N(0, scale), with ``scale`` defaulting to the standard deviation of the
    vectors found (so random rows look like real ones), ``"zeros"`` leaves zeros.
    ``dim`` is inferred from the first vector found; pass it when none may be found.
    """
    if isinstance(tokens, str):
        raise TypeError("tokens must be a sequence of tokens (e.g. vocab.id_to_token), not one string")
    if fill not in ("normal", "zeros"):
        raise ValueError(f"fill must be 'normal' or 'zeros', got {fill!r}")
    if scale is not None and scale < 0:
        raise ValueError(f"scale must be >= 0, got {scale}")
    pad_set, oov_set = set(pad_tokens), set(oov_tokens)
    rows: dict[int, np.ndarray] = {}
    missing: list[str] = []
    fill_rows: list[int] = []
    for i, token in enumerate(tokens):
        if token in pad_set:
            continue
        if token in oov_set:
            fill_rows.append(i)
            continue
        vec = _vector_of(vectors, token)
        if vec is None:
            missing.append(token)
            fill_rows.append(i)
            continue
        if vec.ndim != 1:
            raise ValueError(f"the vector of {token!r} has shape {vec.shape}; vectors must be 1-D")
        if dim is None:
            dim = int(vec.shape[0])
        if vec.shape[0] != dim:
            raise ValueError(
                f"the vector of {token!r} has {vec.shape[0]} dimensions, expected {dim}; "
                "are the vectors from one model?"
            )
        rows[i] = vec
    if dim is None:
        raise ValueError(
            f"none of the {len(tokens)} tokens has a vector, so the dimension is unknown; pass dim=..."
            " (and check that the vocabulary and the vectors use the same case and tokenisation)"
        )
    matrix = np.zeros((len(tokens), dim), dtype=np.float32)
    for i, vec in rows.items():
        matrix[i] = vec
    if fill == "normal" and fill_rows:
        if scale is None:
            scale = float(np.std(np.stack(list(rows.values())))) if rows else 1.0
        rng = np.random.default_rng(seed)
        matrix[fill_rows] = rng.normal(0.0, scale, size=(len(fill_rows), dim)).astype(np.float32)
    return AlignedVectors(matrix=matrix, found=len(rows), missing=tuple(missing))


def read_text_vectors(
    path: str | os.PathLike[str],
    vocabulary: Collection[str] | None = None,
    limit: int | None = None,
    encoding: str = "utf-8",
) -> dict[str, np.ndarray]:
    """Read word vectors in the text format of GloVe, word2vec and fastText.

    One ``word v1 v2 ... vd`` line per word (space separated); a first line of
    two integers (the word2vec/fastText header ``count dim``) is skipped. Keeps
    only the words in ``vocabulary`` when given (reading a 1 GB GloVe file for
    a 10,000-word vocabulary then needs little memory) and stops after
    ``limit`` lines. Returns ``{word: float32 array (dim,)}``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist; download the vectors (e.g. glove.6B.100d.txt) first")
    wanted = set(vocabulary) if vocabulary is not None else None
    out: dict[str, np.ndarray] = {}
    dim: int | None = None
    with open(path, encoding=encoding) as fh:
        for n, line in enumerate(fh, start=1):
            if limit is not None and n > limit:
                break
            parts = line.rstrip("\n").rstrip(" ").split(" ")
            if n == 1 and len(parts) == 2 and all(p.isdigit() for p in parts):
                continue  # word2vec / fastText header
            if len(parts) < 2:
                if line.strip():
                    raise ValueError(f"{path}:{n}: expected 'word v1 v2 ...', got {line[:60]!r}")
                continue
            if dim is None:
                dim = len(parts) - 1
            if len(parts) - 1 < dim:
                raise ValueError(f"{path}:{n}: {len(parts) - 1} numbers, expected {dim}")
            word = " ".join(parts[: len(parts) - dim])  # a few GloVe tokens contain spaces
            if wanted is not None and word not in wanted:
                continue
            try:
                out[word] = np.asarray(parts[len(parts) - dim:], dtype=np.float32)
            except ValueError:
                raise ValueError(f"{path}:{n}: the values for {word!r} are not all numbers") from None
    return out


# --------------------------------------------------------------------------- similarity


def _unit_rows(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    return np.divide(m, norms, out=np.zeros_like(m), where=norms > 0)


def cosine_similarity(a: Any, b: Any | None = None) -> np.ndarray:
    """Cosine similarity of the rows of ``a`` ``(n, d)`` with the rows of ``b`` ``(m, d)``: ``(n, m)``.

    ``b`` defaults to ``a``; 1-D inputs are treated as one row. A zero row has
    similarity 0 with everything (instead of NaN).
    """
    a = np.atleast_2d(np.asarray(a, dtype=np.float64))
    b = a if b is None else np.atleast_2d(np.asarray(b, dtype=np.float64))
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"cosine_similarity() needs (n, d) and (m, d) arrays, got {a.shape} and {b.shape}")
    return _unit_rows(a) @ _unit_rows(b).T


def nearest_neighbours(
    matrix: Any,
    tokens: Sequence[str],
    query: str | Any,
    k: int = 10,
    skip: Iterable[str] = PAD_TOKENS + OOV_TOKENS,
) -> list[tuple[str, float]]:
    """The ``k`` tokens whose rows of ``matrix`` ``(n, d)`` are most similar (cosine) to ``query``.

    ``query`` is a token (its own row is left out of the answer) or a vector
    ``(d,)``. Tokens in ``skip`` (padding, OOV) are never returned. Returns
    ``[(token, similarity), ...]``, most similar first.
    """
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] != len(tokens):
        raise ValueError(f"matrix must be (len(tokens), d) = ({len(tokens)}, d), got {m.shape}")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    excluded = np.zeros(len(tokens), dtype=bool)
    skip_set = set(skip)
    for i, t in enumerate(tokens):
        if t in skip_set:
            excluded[i] = True
    if isinstance(query, str):
        try:
            q_index = list(tokens).index(query)
        except ValueError:
            raise KeyError(f"{query!r} is not in the vocabulary of {len(tokens)} tokens") from None
        vec = m[q_index]
        excluded[q_index] = True
    else:
        vec = np.asarray(query, dtype=np.float64)
        if vec.shape != (m.shape[1],):
            raise ValueError(f"the query vector must have shape ({m.shape[1]},), got {vec.shape}")
    sims = cosine_similarity(vec, m)[0]
    sims[excluded] = -np.inf
    order = np.argsort(-sims, kind="stable")[: min(k, int((~excluded).sum()))]
    return [(tokens[i], float(sims[i])) for i in order]


def analogy(
    matrix: Any,
    tokens: Sequence[str],
    a: str,
    b: str,
    c: str,
    k: int = 5,
    skip: Iterable[str] = PAD_TOKENS + OOV_TOKENS,
) -> list[tuple[str, float]]:
    """Analogies (``a`` is to ``b`` as ``c`` is to what?): the ``k`` tokens nearest to ``b - a + c``.

    The three vectors are scaled to unit length first (the usual "3CosAdd"
    rule of Mikolov et al., 2013), and ``a``, ``b`` and ``c`` themselves are
    never returned (otherwise one of them usually wins). ``analogy(m, tokens, "man",
    "king", "woman")`` asks for the female counterpart of "king". Returns
    ``[(token, similarity), ...]``; ``KeyError`` names a word that is missing.
    """
    m = np.asarray(matrix, dtype=np.float64)
    if m.ndim != 2 or m.shape[0] != len(tokens):
        raise ValueError(f"matrix must be (len(tokens), d) = ({len(tokens)}, d), got {m.shape}")
    index = {t: i for i, t in enumerate(tokens)}
    for word in (a, b, c):
        if word not in index:
            raise KeyError(f"{word!r} is not in the vocabulary of {len(tokens)} tokens")
    unit = _unit_rows(m[[index[a], index[b], index[c]]])
    query = unit[1] - unit[0] + unit[2]
    return nearest_neighbours(m, tokens, query, k=k, skip=[*skip, a, b, c])


# --------------------------------------------------------------------------- projector files


@dataclass(frozen=True)
class ProjectorFiles:
    """The files written by :func:`write_projector_files`."""

    directory: Path
    vectors: Path
    metadata: Path
    config: Path | None


def _cell(value: Any) -> str:
    text = str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")
    return text if text.strip() else "<empty>"


def write_projector_files(
    directory: str | os.PathLike[str],
    vectors: Any,
    labels: Sequence[Any] | Mapping[str, Sequence[Any]],
    tensor_name: str = "embeddings",
    config: bool = True,
) -> ProjectorFiles:
    """Write ``vectors.tsv`` and ``metadata.tsv`` (and ``projector_config.pbtxt``) into ``directory``.

    ``vectors``: ``(n, d)`` finite numbers, one row per point. ``labels``: n
    labels (one metadata column, no header line, as the projector expects) or
    a mapping ``{column name: n values}`` (several columns with a header line).
    Tabs and newlines in labels become spaces and empty labels ``<empty>``, so
    every point keeps exactly one line. Each file is written to a temporary
    name and renamed, so a reader never sees half a file. With ``config``, a
    ``projector_config.pbtxt`` lets ``tensorboard --logdir directory`` show the
    vectors without a checkpoint; the same two TSV files can also be loaded at
    https://projector.tensorflow.org ("Load").
    """
    arr = np.asarray(vectors, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"vectors must be a non-empty (n, d) array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("vectors contain NaN or inf; the projector cannot show them")
    n = arr.shape[0]
    if isinstance(labels, Mapping):
        if not labels:
            raise ValueError("labels is an empty mapping; give at least one column")
        columns = {str(k): list(v) for k, v in labels.items()}
        bad = {k: len(v) for k, v in columns.items() if len(v) != n}
        if bad:
            raise ValueError(f"every metadata column needs {n} values (one per vector); got {bad}")
        lines = ["\t".join(_cell(k) for k in columns)]
        lines += ["\t".join(_cell(columns[k][i]) for k in columns) for i in range(n)]
    else:
        if isinstance(labels, str):
            raise TypeError("labels must be a sequence of labels (one per vector), not one string")
        labels = list(labels)
        if len(labels) != n:
            raise ValueError(f"{len(labels)} labels for {n} vectors; give one label per row")
        lines = [_cell(x) for x in labels]
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    np.savetxt(buf, arr, fmt="%.6g", delimiter="\t")
    paths = ProjectorFiles(out, out / "vectors.tsv", out / "metadata.tsv",
                           out / "projector_config.pbtxt" if config else None)  # fmt: skip
    files.write_text_atomic(paths.vectors, buf.getvalue())
    files.write_text_atomic(paths.metadata, "\n".join(lines) + "\n")
    if paths.config is not None:
        name = tensor_name.replace("\\", "\\\\").replace('"', '\\"')
        files.write_text_atomic(
            paths.config,
            "embeddings {\n"
            f'  tensor_name: "{name}"\n'
            '  tensor_path: "vectors.tsv"\n'
            '  metadata_path: "metadata.tsv"\n'
            "}\n",
        )
    return paths


def read_projector_files(directory: str | os.PathLike[str]) -> tuple[np.ndarray, list[list[str]], list[str] | None]:
    """Read back what :func:`write_projector_files` wrote.

    Returns ``(vectors (n, d) float64, rows of metadata cells, header or None)``.
    """
    d = Path(directory)
    vec_path, meta_path = d / "vectors.tsv", d / "metadata.tsv"
    for p in (vec_path, meta_path):
        if not p.is_file():
            raise FileNotFoundError(f"{p} is missing; write it with write_projector_files()")
    vectors = np.loadtxt(vec_path, delimiter="\t", ndmin=2)
    lines = meta_path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    header = None
    if len(lines) == len(vectors) + 1 and "\t" in lines[0]:
        header, lines = lines[0].split("\t"), lines[1:]
    if len(lines) != len(vectors):
        raise ValueError(f"{meta_path} has {len(lines)} rows for {len(vectors)} vectors")
    return vectors, [line.split("\t") for line in lines], header
