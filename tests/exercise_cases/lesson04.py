"""Answers for lesson 04's exercises: one right, and the plausible mistakes."""

import numpy as np


def nearest(matrix, tokens, query, k):
    m = np.asarray(matrix, dtype=float)
    q = m[tokens.index(query)]
    sims = m @ q / (np.linalg.norm(m, axis=1) * np.linalg.norm(q))
    order = [i for i in np.argsort(-sims) if tokens[i] != query]
    return [tokens[i] for i in order[:k]]


def nearest_dot(matrix, tokens, query, k):
    m = np.asarray(matrix, dtype=float)
    sims = m @ m[tokens.index(query)]
    order = [i for i in np.argsort(-sims) if tokens[i] != query]
    return [tokens[i] for i in order[:k]]


def nearest_with_itself(matrix, tokens, query, k):
    m = np.asarray(matrix, dtype=float)
    q = m[tokens.index(query)]
    sims = m @ q / (np.linalg.norm(m, axis=1) * np.linalg.norm(q))
    return [tokens[i] for i in np.argsort(-sims)[:k]]


def nearest_ascending(matrix, tokens, query, k):
    m = np.asarray(matrix, dtype=float)
    q = m[tokens.index(query)]
    sims = m @ q / (np.linalg.norm(m, axis=1) * np.linalg.norm(q))
    order = [i for i in np.argsort(sims) if tokens[i] != query]
    return [tokens[i] for i in order[:k]]


def nearest_euclidean(matrix, tokens, query, k):
    m = np.asarray(matrix, dtype=float)
    dist = np.linalg.norm(m - m[tokens.index(query)], axis=1)
    order = [i for i in np.argsort(dist) if tokens[i] != query]
    return [tokens[i] for i in order[:k]]


def align_random(id_to_token, vectors, dim, seed):
    matrix = np.zeros((len(id_to_token), dim), dtype="float32")
    found, fill = [], [1]                  # id 1 (<unk>) gets a random row; id 0 (<pad>) stays zero
    for i, token in enumerate(id_to_token[2:], start=2):
        if token in vectors:
            matrix[i] = vectors[token]
            found.append(i)
        else:
            fill.append(i)
    rng = np.random.default_rng(seed)
    matrix[fill] = rng.normal(0.0, np.std(matrix[found]), size=(len(fill), dim))
    return matrix, len(found) / (len(id_to_token) - 2)


def align_random_zeros(id_to_token, vectors, dim, seed):
    # the words without a vector keep zero rows
    matrix = np.zeros((len(id_to_token), dim), dtype="float32")
    found = 0
    for i, token in enumerate(id_to_token[2:], start=2):
        if token in vectors:
            matrix[i] = vectors[token]
            found += 1
    return matrix, found / (len(id_to_token) - 2)


def align_random_standard_normal(id_to_token, vectors, dim, seed):
    # random rows from N(0, 1), not at the scale of the vectors
    matrix, coverage = align_random(id_to_token, vectors, dim, seed)
    rng = np.random.default_rng(seed)
    fill = [1] + [i for i, t in enumerate(id_to_token) if i >= 2 and t not in vectors]
    matrix[fill] = rng.normal(size=(len(fill), dim))
    return matrix, coverage


def align_random_unseeded(id_to_token, vectors, dim, seed):
    # the seed is ignored: every call draws other rows
    matrix, coverage = align_random(id_to_token, vectors, dim, seed)
    fill = [1] + [i for i, t in enumerate(id_to_token) if i >= 2 and t not in vectors]
    found = [i for i, t in enumerate(id_to_token) if t in vectors]
    matrix[fill] = np.random.default_rng().normal(0.0, np.std(matrix[found]), size=(len(fill), dim))
    return matrix, coverage


def align_random_pad_too(id_to_token, vectors, dim, seed):
    # padding gets a random row as well
    matrix, coverage = align_random(id_to_token, vectors, dim, seed)
    found = [i for i, t in enumerate(id_to_token) if t in vectors]
    matrix[0] = np.random.default_rng(seed).normal(0.0, np.std(matrix[found]), size=dim)
    return matrix, coverage


def align_random_one_row(id_to_token, vectors, dim, seed):
    # one random vector shared by every word without a vector
    matrix, coverage = align_random(id_to_token, vectors, dim, seed)
    fill = [1] + [i for i, t in enumerate(id_to_token) if i >= 2 and t not in vectors]
    matrix[fill] = matrix[1]
    return matrix, coverage


def align_random_vectors_order(id_to_token, vectors, dim, seed):
    # rows in the order of the vectors, not of the vocabulary
    matrix, coverage = align_random(id_to_token, vectors, dim, seed)
    known = [v for w, v in vectors.items() if w in id_to_token]
    matrix[2:2 + len(known)] = known
    return matrix, coverage


def align_random_coverage_with_reserved(id_to_token, vectors, dim, seed):
    # <pad> and <unk> counted as words
    matrix, _ = align_random(id_to_token, vectors, dim, seed)
    return matrix, sum(t in vectors for t in id_to_token) / len(id_to_token)


def align_random_coverage_of_vectors(id_to_token, vectors, dim, seed):
    # the share of the vectors used, not of the vocabulary covered
    matrix, _ = align_random(id_to_token, vectors, dim, seed)
    return matrix, sum(t in vectors for t in id_to_token) / len(vectors)


def embedding_grad(ids, upstream, vocab_size):
    grad = np.zeros((vocab_size, upstream.shape[-1]))
    np.add.at(grad, ids, upstream)
    return grad


def embedding_grad_buffered(ids, upstream, vocab_size):
    grad = np.zeros((vocab_size, upstream.shape[-1]))
    grad[ids] += upstream                  # repeated ids: only one contribution survives
    return grad


def embedding_grad_mean(ids, upstream, vocab_size):
    grad = np.zeros((vocab_size, upstream.shape[-1]))
    np.add.at(grad, ids, upstream)
    counts = np.bincount(np.ravel(ids), minlength=vocab_size)[:, None]
    return grad / np.maximum(counts, 1)


def embedding_grad_assign(ids, upstream, vocab_size):
    grad = np.zeros((vocab_size, upstream.shape[-1]))
    grad[ids] = upstream
    return grad


CASES = {
    "04.1": (nearest, [nearest_dot, nearest_with_itself, nearest_ascending, nearest_euclidean]),
    "04.2": (align_random, [align_random_zeros, align_random_standard_normal, align_random_unseeded,
                            align_random_pad_too, align_random_one_row, align_random_vectors_order,
                            align_random_coverage_with_reserved, align_random_coverage_of_vectors]),
    "04.3": (embedding_grad, [embedding_grad_buffered, embedding_grad_mean, embedding_grad_assign]),
}
