"""Lesson 04 (word embeddings): nearest neighbours by cosine, aligning vectors with random rows, a lookup's gradient."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .core import Check, exercise
from .references import made_up_words


@exercise("04.1", "nearest neighbours by cosine similarity")
def check_04_1(ck: Check, nearest: Callable[..., Any]) -> None:
    """``nearest(matrix, tokens, query, k)`` -> the k most similar tokens (cosine), most similar first."""
    ck.is_callable(nearest, "nearest")
    for trial in range(4):
        n, d, k = int(ck.rng.integers(12, 30)), int(ck.rng.integers(3, 8)), int(ck.rng.integers(3, 6))
        tokens = made_up_words(ck, n)
        # rows of very different lengths, as for frequent and rare words: dot product and cosine disagree
        matrix = ck.rng.normal(size=(n, d)) * ck.rng.uniform(0.1, 5.0, size=(n, 1))
        query = tokens[int(ck.rng.integers(n))]
        what = f"nearest(matrix, tokens, {query!r}, k={k})"
        out = ck.call(nearest, matrix.copy(), list(tokens), query, k, what=what)
        if isinstance(out, str) or not isinstance(out, (list, tuple)):
            ck.fail(f"{what} returned {type(out).__name__}; expected a list of {k} tokens",
                    "return the tokens themselves (strings), most similar first")
        got = [t[0] if isinstance(t, tuple) and t else t for t in out]    # (token, score) pairs are fine too
        if not all(isinstance(t, str) for t in got):
            ck.fail(f"{what} returned {[type(t).__name__ for t in got][:3]}... instead of tokens",
                    "map the row indices back to tokens: tokens[i]")
        if query in got:
            ck.fail(f"{what} lists the query word itself among its neighbours",
                    "a word is always most similar to itself (cosine 1): leave it out")
        if len(got) != k:
            ck.fail(f"{what} returned {len(got)} tokens, expected {k}", "return exactly k tokens")

        def lowest(score: np.ndarray) -> list[str]:      # the k other tokens of lowest score, lowest first
            return [tokens[i] for i in np.argsort(score, kind="stable") if tokens[i] != query][:k]

        q = matrix[tokens.index(query)]
        cos = matrix @ q / (np.linalg.norm(matrix, axis=1) * np.linalg.norm(q))
        expected = lowest(-cos)
        reversed_ = "returns the least similar tokens first", "sort by decreasing similarity"
        mistakes = [
            (lowest(-(matrix @ q)), "ranks by the dot product",
             "cosine divides by both lengths: u.v / (|u| |v|); otherwise long (frequent) vectors win"),
            (lowest(np.linalg.norm(matrix - q, axis=1)), "ranks by Euclidean distance",
             "cosine similarity ignores the lengths of the vectors; the distance does not"),
            (lowest(cos), *reversed_),
            (expected[::-1], *reversed_),
        ]
        for wrong, mistake, hint in mistakes:
            if got == wrong and got != expected:
                ck.fail(f"{what} {mistake}", hint)
        ck.require(got == expected, f"{what} is {got}; that is not right",
                   "rank all other words by cosine similarity with the query, highest first")
    ck.passed("the right k neighbours, in order, for 4 random matrices with rows of very different lengths")


@exercise("04.2", "aligning word vectors: random rows and coverage")
def check_04_2(ck: Check, align_random: Callable[..., Any]) -> None:
    """``align_random(id_to_token, vectors, dim, seed)`` -> (matrix (len(id_to_token), dim), coverage)."""
    ck.is_callable(align_random, "align_random")
    what = "align_random(id_to_token, vectors, dim, seed)"
    for trial, scale in enumerate((0.1, 3.0, 0.3)):     # far from 1: a standard normal fill stands out
        dim = int(ck.rng.integers(10, 16))
        words = made_up_words(ck, int(ck.rng.integers(40, 60)))
        id_to_token = ["<pad>", "<unk>", *words]
        have = [w for w in words if ck.rng.random() < 0.6]
        extra = [w for w in made_up_words(ck, 5) if w not in words]   # vectors for words the vocabulary lacks
        order = list(ck.rng.permutation(have + extra))          # the vectors' own order is not the vocabulary's
        vectors = {str(w): (scale * ck.rng.normal(size=dim)).astype("float32") for w in order}
        seed = int(ck.rng.integers(1000))

        def run(seed: int) -> tuple[Any, ...]:
            out = ck.call(align_random, list(id_to_token), dict(vectors), dim, seed, what=what)
            return ck.pair(out, "align_random", ("matrix", "coverage"))

        matrix, coverage = run(seed)
        arr = ck.shape(matrix, (len(id_to_token), dim), "the aligned matrix",
                       hint="one row per id of the vocabulary (padding and <unk> included), dim columns")
        if not np.all(np.isfinite(arr)):
            ck.fail("the aligned matrix contains NaN or infinity")
        found = [i for i, t in enumerate(id_to_token) if t in vectors]
        fill = [i for i, t in enumerate(id_to_token) if i > 0 and t not in vectors]   # <unk> and the misses
        expected_found = np.stack([vectors[id_to_token[i]] for i in found])
        shifted = [i - 2 for i in found]
        if np.allclose(arr[shifted], expected_found, atol=1e-6) and not np.allclose(arr[found], expected_found):
            ck.fail("the rows are shifted by two", "row i is the vector of id_to_token[i]; ids 0 and 1 are reserved")
        if not np.allclose(arr[found], expected_found, atol=1e-6):
            ck.fail("a word's row does not hold its vector",
                    "row i must be vectors[id_to_token[i]]: follow the vocabulary's order, not the vectors' order")
        ck.require(not arr[0].any(), "the padding row (id 0) is not all zeros",
                   "padding is not a word: its row stays zero, so padded steps add nothing")
        ck.require(arr[fill[1:]].any(axis=1).all(),
                   "the words without a vector still have zero rows",
                   "this exercise asks for random rows: rng.normal(0, s, size=dim) for each of them")
        ck.require(arr[1].any(), "the <unk> row (id 1) is all zeros",
                   "<unk> stands for the rare words of the text: it gets a random row too, like a word with no vector")
        if len(fill) > 1 and np.allclose(arr[fill], arr[fill[0]]):
            ck.fail("every row without a vector holds the same random numbers",
                    "draw a new random vector for each row, e.g. rng.normal(0, s, size=(n_missing, dim))")
        target = float(np.std(expected_found))
        values = arr[fill].ravel()
        sd, n = float(np.std(values)), values.size
        band = np.exp(4.0 / np.sqrt(2 * n))                     # 4 standard errors of a standard deviation
        if not target / band < sd < target * band:
            standard = 1 / band < sd < band
            ck.fail(f"the random rows have standard deviation {sd:.3g}; the vectors found have {target:.3g}",
                    "draw from N(0, s) with s = np.std of the vectors found, not from a standard normal "
                    "(np.random.normal's default scale is 1)" if standard else
                    "s is the standard deviation of all the numbers in the vectors found (one number): "
                    "rng.normal(0, s, size=...)")
        if abs(float(np.mean(values))) > 4 * target / np.sqrt(n):
            ck.fail(f"the random rows have mean {float(np.mean(values)):.3g}, far from 0",
                    "draw from a normal distribution centred at 0: rng.normal(0, s, ...)")
        again, other = (ck.array(run(s)[0], f"the matrix for seed {s}") for s in (seed, seed + 1))
        ck.require(np.array_equal(again, arr), "two calls with the same seed gave different matrices",
                   "make the random generator from the seed: rng = np.random.default_rng(seed)")
        ck.require(not np.array_equal(other, arr), "another seed gave exactly the same random rows",
                   "use the seed argument to make the generator")
        n_words, n_found = len(words), len(found)
        got = ck.number(coverage, "the coverage", hint="return one number: the share of the words that have a vector")
        right = n_found / n_words
        if not np.isclose(got, right, atol=1e-9):
            ck.diagnose(got, [
                (n_found / len(id_to_token), "<pad> and <unk> are not words: count only ids 2 and up"),
                (1 - right, "coverage is the share of words that have a vector, not of those that miss one"),
                (n_found / len(vectors), "coverage is about the vocabulary: its words with a vector, out of all "
                                         "its words (not out of all the vectors)"),
                (100 * right, "give the share as a number between 0 and 1, not a percentage"),
                (float(n_found), "divide by the number of words: coverage is a share"),
            ], f"the coverage is {got:.4g}; expected the share of the vocabulary's words that have a vector",
                "coverage = (words with a vector) / (words in the vocabulary, without <pad> and <unk>)")
    ck.passed("rows in vocabulary order, a zero padding row, random rows at the scale of the vectors found")
    ck.passed("the same seed gives the same matrix, another seed other random rows; the coverage, 3 vocabularies")


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
        out = ck.call(embedding_grad, ids.copy(), up.copy(), v)
        expected = reference(ids, up, v)
        buffered = np.zeros((v, d))
        buffered[ids] += up                   # fancy indexing: repeated ids keep only one contribution
        counts = np.bincount(ids.ravel(), minlength=v)[:, None]
        ck.close(out, expected, f"dL/dW with repeated ids (random batch {trial + 1})",
                 hint="every occurrence of an id adds its upstream gradient to that id's row", mistakes=[
                     (buffered, "with repeated ids, only one of their gradients is kept",
                      "grad[ids] += upstream is buffered in NumPy: a repeated index is written once, not accumulated; "
                      "add the occurrences up explicitly"),
                     (expected / np.maximum(counts, 1), "the gradients of repeated ids are averaged",
                      "a word used twice gets both gradients added: the lookup's Jacobian is a sum, not a mean")])
    ck.passed("repeated ids accumulate, 3 random batches")
