"""Lesson 04 (word embeddings): nearest neighbours by cosine, aligning vectors, the gradient of a lookup."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .. import embeddings
from .core import Check, exercise

_LETTERS = list("abcdefghijklmnopqrstuvwxyz")


def _tokens(ck: Check, n: int) -> list[str]:
    """``n`` distinct random lower-case words."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        w = "".join(ck.rng.choice(_LETTERS, size=int(ck.rng.integers(3, 8))))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


@exercise("04.1", "nearest neighbours by cosine similarity")
def check_04_1(ck: Check, nearest: Callable[..., Any]) -> None:
    """``nearest(matrix, tokens, query, k)`` -> the k most similar tokens (cosine), most similar first."""
    ck.is_callable(nearest, "nearest")
    for trial in range(4):
        n, d, k = int(ck.rng.integers(12, 30)), int(ck.rng.integers(3, 8)), int(ck.rng.integers(3, 6))
        tokens = _tokens(ck, n)
        # rows of very different lengths, as for frequent and rare words: dot product and cosine disagree
        matrix = ck.rng.normal(size=(n, d)) * ck.rng.uniform(0.1, 5.0, size=(n, 1))
        query = tokens[int(ck.rng.integers(n))]
        what = f"nearest(matrix, tokens, {query!r}, k={k})"
        out = ck.call(nearest, matrix.copy(), list(tokens), query, k, what=what)
        if isinstance(out, str) or not isinstance(out, (list, tuple)):
            ck.fail(f"{what} returned {type(out).__name__}; expected a list of {k} tokens",
                    "return the tokens themselves (strings), most similar first")
        got = [t[0] if isinstance(t, tuple) and t else t for t in out]    # (token, score) pairs are fine too
        expected = [t for t, _ in embeddings.nearest_neighbours(matrix, tokens, query, k=k, skip=())]
        if not all(isinstance(t, str) for t in got):
            ck.fail(f"{what} returned {[type(t).__name__ for t in got][:3]}... instead of tokens",
                    "map the row indices back to tokens: tokens[i]")
        if query in got:
            ck.fail(f"{what} lists the query word itself among its neighbours",
                    "a word is always most similar to itself (cosine 1): leave it out")
        if len(got) != k:
            ck.fail(f"{what} returned {len(got)} tokens, expected {k}", "return exactly k tokens")
        q = matrix[tokens.index(query)]
        others = [i for i in range(n) if tokens[i] != query]
        dot = sorted(others, key=lambda i: -(matrix[i] @ q))[:k]
        dist = sorted(others, key=lambda i: np.linalg.norm(matrix[i] - q))[:k]
        if got == [tokens[i] for i in dot] and got != expected:
            ck.fail(f"{what} ranks by the dot product",
                    "cosine divides by both lengths: u.v / (|u| |v|); otherwise long (frequent) vectors win")
        if got == [tokens[i] for i in dist] and got != expected:
            ck.fail(f"{what} ranks by Euclidean distance",
                    "cosine similarity ignores the lengths of the vectors; the distance does not")
        cos = embeddings.cosine_similarity(q, matrix)[0]
        least = sorted(others, key=lambda i: cos[i])[:k]
        if got in ([tokens[i] for i in least], expected[::-1]) and got != expected:
            ck.fail(f"{what} returns the least similar tokens first", "sort by decreasing similarity")
        ck.equal(got, expected, what, hint="rank all other words by cosine similarity with the query, highest first")
    ck.passed("the right k neighbours, in order, for 4 random matrices with rows of very different lengths")


@exercise("04.2", "aligning word vectors with a vocabulary")
def check_04_2(ck: Check, align: Callable[..., Any]) -> None:
    """``align(id_to_token, vectors, dim)`` -> (matrix (len(id_to_token), dim), missing tokens)."""
    ck.is_callable(align, "align")
    for trial in range(3):
        dim = int(ck.rng.integers(3, 7))
        words = _tokens(ck, int(ck.rng.integers(10, 20)))
        id_to_token = ["<pad>", "<unk>", *words]
        have = [w for w in words if ck.rng.random() < 0.7]
        extra = _tokens(ck, 5)                                    # vectors for words the vocabulary lacks
        extra = [w for w in extra if w not in words]
        order = list(ck.rng.permutation(have + extra))            # the vectors' own order is not the vocabulary's
        vectors = {str(w): ck.rng.normal(size=dim).astype("float32") for w in order}
        out = ck.call(align, list(id_to_token), dict(vectors), dim, what="align(id_to_token, vectors, dim)")
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            ck.fail(f"align should return a pair (matrix, missing), got {type(out).__name__}",
                    "return the matrix and the list of vocabulary words without a vector, as a tuple")
        matrix, missing = out
        ref = embeddings.embedding_matrix(id_to_token, vectors, dim=dim, fill="zeros")
        arr = ck.shape(matrix, (len(id_to_token), dim), "the aligned matrix",
                       hint="one row per id of the vocabulary (padding and <unk> included), dim columns")
        if np.allclose(arr[:-2], ref.matrix[2:]) and not np.allclose(arr, ref.matrix):
            ck.fail("the rows are shifted by two", "row i is the vector of id_to_token[i]; ids 0 and 1 are reserved")
        rows = [i for i, t in enumerate(id_to_token) if t in vectors]
        if not np.allclose(arr[rows], ref.matrix[rows], atol=1e-6):
            ck.fail("a word's row does not hold its vector",
                    "row i must be vectors[id_to_token[i]]: follow the vocabulary's order, not the vectors' order")
        ck.require(not arr[0].any(), "the padding row (id 0) is not all zeros", "padding gets a zero row")
        ck.close(arr, ref.matrix, "the aligned matrix",
                 hint="<unk> and the words without a vector get zero rows in this exercise")
        if not isinstance(missing, (list, tuple)):
            ck.fail(f"missing should be a list of tokens, got {type(missing).__name__}")
        missing = [str(t) for t in missing]
        if "<pad>" in missing or "<unk>" in missing:
            ck.fail("the reserved tokens are listed as missing",
                    "<pad> and <unk> are not words: they never have pretrained vectors, and are not counted as misses")
        if set(missing) >= set(extra) and extra:
            ck.fail("missing lists words that are not in the vocabulary",
                    "missing = the vocabulary's words that have no vector, not the vectors that have no word")
        ck.equal(missing, list(ref.missing), "the list of missing words",
                 hint="the vocabulary words (ids 2 and up) without a vector, in id order")
    ck.passed("rows in vocabulary order, zero rows and the missing words, 3 random vocabularies")


@exercise("04.3", "the gradient of an embedding lookup")
def check_04_3(ck: Check, embedding_grad: Callable[..., Any]) -> None:
    """``embedding_grad(ids, upstream, vocab_size)`` -> dL/dW, (vocab_size, dim)."""
    ck.is_callable(embedding_grad, "embedding_grad")

    def reference(ids: np.ndarray, upstream: np.ndarray, v: int) -> np.ndarray:
        grad = np.zeros((v, upstream.shape[-1]))
        np.add.at(grad, ids, upstream)
        return grad

    # 1. every id once: no repeats yet
    v, d = 12, 3
    ids = ck.rng.permutation(v)[:8].reshape(2, 4)
    up = ck.rng.normal(size=(2, 4, d))
    out = ck.call(embedding_grad, ids.copy(), up.copy(), v)
    arr = ck.shape(out, (v, d), "dL/dW", hint="the gradient has the shape of the embedding matrix, (vocab_size, dim)")
    ck.close(arr, reference(ids, up, v), "dL/dW when every id occurs once",
             hint="the lookup is one_hot(ids) @ W: row ids[b, t] of W receives upstream[b, t]; other rows get 0")
    ck.passed("ids without repeats")

    # 2. repeated ids (the same word twice in a sentence, or in two sentences of the batch)
    for trial in range(3):
        v, d = int(ck.rng.integers(5, 10)), int(ck.rng.integers(2, 5))
        batch, steps = int(ck.rng.integers(2, 5)), int(ck.rng.integers(4, 9))
        ids = ck.rng.integers(0, v, size=(batch, steps))
        up = ck.rng.normal(size=(batch, steps, d))
        out = ck.array(ck.call(embedding_grad, ids.copy(), up.copy(), v), "dL/dW")
        expected = reference(ids, up, v)
        buffered = np.zeros((v, d))
        buffered[ids] += up                   # fancy indexing: repeated ids keep only one contribution
        if out.shape == expected.shape and np.allclose(out, buffered) and not np.allclose(buffered, expected):
            ck.fail("with repeated ids, only one of their gradients is kept",
                    "grad[ids] += upstream is buffered in NumPy: a repeated index is written once, not accumulated; "
                    "add the occurrences up explicitly")
        counts = np.bincount(ids.ravel(), minlength=v)[:, None]
        mean = np.divide(expected, counts, out=np.zeros_like(expected), where=counts > 0)
        if out.shape == expected.shape and np.allclose(out, mean):
            ck.fail("the gradients of repeated ids are averaged",
                    "a word used twice gets both gradients added: the lookup's Jacobian is a sum, not a mean")
        ck.close(out, expected, f"dL/dW with repeated ids (random batch {trial + 1})",
                 hint="every occurrence of an id adds its upstream gradient to that id's row")
    ck.passed("repeated ids accumulate, 3 random batches")
