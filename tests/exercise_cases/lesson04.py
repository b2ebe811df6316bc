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


def align(id_to_token, vectors, dim):
    matrix = np.zeros((len(id_to_token), dim), dtype="float32")
    missing = []
    for i, token in enumerate(id_to_token):
        if i < 2:                          # <pad> and <unk>
            continue
        if token in vectors:
            matrix[i] = vectors[token]
        else:
            missing.append(token)
    return matrix, missing


def align_vectors_order(id_to_token, vectors, dim):
    # rows in the order of the vectors, not of the vocabulary
    matrix = np.zeros((len(id_to_token), dim), dtype="float32")
    known = [v for w, v in vectors.items() if w in id_to_token]
    matrix[2:2 + len(known)] = known
    return matrix, [t for t in id_to_token[2:] if t not in vectors]


def align_forgets_reserved(id_to_token, vectors, dim):
    words = id_to_token[2:]
    matrix = np.zeros((len(id_to_token), dim), dtype="float32")
    for j, w in enumerate(words):
        if w in vectors:
            matrix[j] = vectors[w]
    return matrix, [w for w in words if w not in vectors]


def align_reserved_missing(id_to_token, vectors, dim):
    matrix, _ = align(id_to_token, vectors, dim)
    return matrix, [t for t in id_to_token if t not in vectors]


def align_missing_reversed(id_to_token, vectors, dim):
    # "missing" = the vectors without a word
    matrix, _ = align(id_to_token, vectors, dim)
    return matrix, [w for w in vectors if w not in id_to_token]


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
    "04.2": (align, [align_vectors_order, align_forgets_reserved, align_reserved_missing, align_missing_reversed]),
    "04.3": (embedding_grad, [embedding_grad_buffered, embedding_grad_mean, embedding_grad_assign]),
}
