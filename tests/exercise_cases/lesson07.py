"""Answers for lesson 07's exercises: one right, and the plausible mistakes."""

import numpy as np


def macro_f1(y_true, y_pred, n_classes):
    scores = []
    for c in range(n_classes):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return float(np.mean(scores))


def macro_f1_is_accuracy(y_true, y_pred, n_classes):
    return float(np.mean(y_true == y_pred))


def macro_f1_weighted(y_true, y_pred, n_classes):
    from sklearn.metrics import f1_score
    return f1_score(y_true, y_pred, average="weighted", zero_division=0)


def macro_f1_present_classes_only(y_true, y_pred, n_classes):
    from sklearn.metrics import f1_score
    return f1_score(y_true, y_pred, average="macro", zero_division=0)     # no labels=range(n_classes)


def macro_f1_nan_on_unpredicted(y_true, y_pred, n_classes):
    scores = []
    with np.errstate(all="ignore"):
        for c in range(n_classes):
            tp = np.sum((y_pred == c) & (y_true == c))
            precision = tp / np.sum(y_pred == c)          # 0/0 = nan for a class never predicted
            recall = tp / np.sum(y_true == c)
            scores.append(2 * precision * recall / (precision + recall))
    return float(np.mean(scores))


def macro_f1_arithmetic_mean(y_true, y_pred, n_classes):
    scores = []
    for c in range(n_classes):
        tp = np.sum((y_pred == c) & (y_true == c))
        precision = tp / max(np.sum(y_pred == c), 1)
        recall = tp / max(np.sum(y_true == c), 1)
        scores.append((precision + recall) / 2)
    return float(np.mean(scores))


def balanced_class_weights(labels):
    classes, counts = np.unique(labels, return_counts=True)
    return {int(c): len(labels) / (len(classes) * int(m)) for c, m in zip(classes, counts)}


def weights_share(labels):
    classes, counts = np.unique(labels, return_counts=True)
    return {int(c): m / len(labels) for c, m in zip(classes, counts)}


def weights_k_from_max_id(labels):
    classes, counts = np.unique(labels, return_counts=True)
    k = int(np.max(labels)) + 1                           # counts ids that never occur
    return {int(c): len(labels) / (k * int(m)) for c, m in zip(classes, counts)}


def weights_for_every_id(labels):
    counts = np.bincount(labels)
    k = np.count_nonzero(counts)
    return {c: len(labels) / (k * m) if m else 0.0 for c, m in enumerate(counts)}   # zero weights for absent ids


def weights_normalised(labels):
    w = balanced_class_weights(labels)
    total = sum(w.values())
    return {c: v / total for c, v in w.items()}


def ce_from_logits(logits, labels):
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(labels)), labels]


def ce_naive(logits, labels):
    with np.errstate(all="ignore"):
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)   # overflows for large logits
        return -np.log(p[np.arange(len(labels)), labels])


def ce_sigmoid(logits, labels):
    p = 1 / (1 + np.exp(-logits))
    return -np.log(p[np.arange(len(labels)), labels])


def ce_mean(logits, labels):
    return float(np.mean(ce_from_logits(logits, labels)))


CASES = {
    "07.1": (macro_f1, [macro_f1_is_accuracy, macro_f1_weighted, macro_f1_present_classes_only,
                        macro_f1_nan_on_unpredicted, macro_f1_arithmetic_mean]),
    "07.2": (balanced_class_weights, [weights_share, weights_k_from_max_id, weights_for_every_id,
                                      weights_normalised]),
    "07.3": (ce_from_logits, [ce_naive, ce_sigmoid, ce_mean]),
}


# -- 07.4: the strings-in classifier ------------------------------------------------------------------------
import keras                                                     # noqa: E402
from keras import layers                                         # noqa: E402


def _text_classifier(vectorizer, n_classes, activation="softmax", mask=True, units=32, body=None):
    inputs = keras.Input(shape=(), dtype="string")
    x = vectorizer(inputs)
    x = layers.Embedding(vectorizer.vocabulary_size(), 32, mask_zero=mask)(x)
    x = body(x) if body else layers.Bidirectional(layers.GRU(units))(x)
    return keras.Model(inputs, layers.Dense(n_classes, activation=activation)(x))


def build_text_classifier(vectorizer, n_classes):
    return _text_classifier(vectorizer, n_classes)


def text_classifier_expects_ids(vectorizer, n_classes):
    return keras.Sequential([keras.Input(shape=(None,), dtype="int32"),          # the vectorizer left outside
                             layers.Embedding(vectorizer.vocabulary_size(), 32, mask_zero=True),
                             layers.GRU(32), layers.Dense(n_classes, activation="softmax")])


CASES["07.4"] = (build_text_classifier, [
    lambda vectorizer, n_classes: _text_classifier(vectorizer, n_classes, activation="sigmoid"),  # the source
    text_classifier_expects_ids,
    lambda vectorizer, n_classes: _text_classifier(vectorizer, 13),               # the lesson's 13, hard-coded
    lambda vectorizer, n_classes: _text_classifier(vectorizer, n_classes, mask=False),
    lambda vectorizer, n_classes: _text_classifier(                              # no recurrent layer
        vectorizer, n_classes, body=layers.GlobalAveragePooling1D()),
    lambda vectorizer, n_classes: _text_classifier(vectorizer, n_classes, activation=None),  # logits only
])
