"""Answers for lesson 09's exercises: one right, and the plausible mistakes."""

from collections import Counter, defaultdict

import numpy as np


def masked_accuracy(y_true, probs):
    pred = probs.argmax(axis=-1)
    real = y_true != 0
    return float(np.sum((pred == y_true) & real) / np.sum(real))


def plain_accuracy(y_true, probs):
    return float(np.mean(probs.argmax(axis=-1) == y_true))


def source_masked_accuracy(y_true, probs):
    pred = probs.argmax(axis=-1)
    mask = pred != 0                                    # the source's bug: mask from the prediction
    return float(np.sum((pred == y_true) & mask) / max(np.sum(mask), 1))


def mean_of_sentence_accuracies(y_true, probs):
    pred = probs.argmax(axis=-1)
    real = y_true != 0
    return float(np.mean(np.sum((pred == y_true) & real, axis=1) / np.sum(real, axis=1)))


def masked_numerator_only(y_true, probs):
    pred = probs.argmax(axis=-1)
    return float(np.sum((pred == y_true) & (y_true != 0)) / y_true.size)


def most_frequent_tags(sentences, tags, ties_first_seen=False):
    per_word, overall = defaultdict(Counter), Counter()
    for words, word_tags in zip(sentences, tags):
        for w, t in zip(words, word_tags):
            per_word[w][t] += 1
            overall[t] += 1

    def best(counts):
        if ties_first_seen:                                     # the mistake below: Counter.most_common
            return counts.most_common(1)[0][0]
        return min(counts, key=lambda t: (-counts[t], t))      # most frequent, ties alphabetically

    return {w: best(c) for w, c in per_word.items()}, best(overall)


def most_common_ties_first_seen(sentences, tags):
    return most_frequent_tags(sentences, tags, ties_first_seen=True)


def last_seen_tag(sentences, tags):
    word_tag = {}
    for words, word_tags in zip(sentences, tags):
        word_tag.update(zip(words, word_tags))
    return word_tag, most_frequent_tags(sentences, tags)[1]


def default_always_nn(sentences, tags):
    return most_frequent_tags(sentences, tags)[0], "NN"


def lowercased_words(sentences, tags):
    return most_frequent_tags([[w.lower() for w in s] for s in sentences], tags)


def padding_share(lengths, batch_size, full_last_batch=False):
    real = padded = 0
    for i in range(0, len(lengths), batch_size):
        batch = lengths[i:i + batch_size]
        real += sum(batch)
        padded += (batch_size if full_last_batch else len(batch)) * max(batch)     # the keyword: a mistake below
    return 1 - real / padded


def padding_share_global_max(lengths, batch_size):
    return 1 - sum(lengths) / (len(lengths) * max(lengths))


def padding_share_over_real(lengths, batch_size):
    share = padding_share(lengths, batch_size)
    return share / (1 - share)                                   # padded / real


def padding_share_full_last_batch(lengths, batch_size):
    return padding_share(lengths, batch_size, full_last_batch=True)     # as if the last batch were full


CASES = {
    "09.1": (masked_accuracy, [plain_accuracy, source_masked_accuracy, mean_of_sentence_accuracies,
                               masked_numerator_only]),
    "09.2": (most_frequent_tags, [most_common_ties_first_seen, last_seen_tag, default_always_nn, lowercased_words]),
    "09.3": (padding_share, [padding_share_global_max, padding_share_over_real, padding_share_full_last_batch]),
}


# -- 09.4: the graded tagger ------------------------------------------------------------------------------
import keras                                                     # noqa: E402
from keras import layers                                         # noqa: E402


def bilstm_tagger(vocab_size, n_tags):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(vocab_size, 32, mask_zero=True)(inputs)
    x = layers.Bidirectional(layers.LSTM(32, return_sequences=True))(x)
    return keras.Model(inputs, layers.Dense(n_tags, activation="softmax")(x))


def tagger_without_mask(vocab_size, n_tags):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(vocab_size, 32)(inputs)                  # no mask_zero: padding is read
    x = layers.Bidirectional(layers.LSTM(32, return_sequences=True))(x)
    return keras.Model(inputs, layers.Dense(n_tags, activation="softmax")(x))


def tagger_softmax_over_time(vocab_size, n_tags):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(vocab_size, 32, mask_zero=True)(inputs)
    x = layers.Bidirectional(layers.LSTM(32, return_sequences=True))(x)
    return keras.Model(inputs, layers.Dense(n_tags, activation=lambda z: keras.ops.softmax(z, axis=1))(x))


def tagger_one_output_per_sentence(vocab_size, n_tags):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(vocab_size, 32, mask_zero=True)(inputs)
    x = layers.Bidirectional(layers.LSTM(32))(x)                  # return_sequences missing
    return keras.Model(inputs, layers.Dense(n_tags, activation="softmax")(x))


def tagger_one_direction(vocab_size, n_tags):
    return keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                             layers.Embedding(vocab_size, 32, mask_zero=True),
                             layers.LSTM(32, return_sequences=True),
                             layers.Dense(n_tags, activation="softmax")])


def tagger_lambda_drops_the_mask(vocab_size, n_tags):
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(vocab_size, 32, mask_zero=True)(inputs)
    x = layers.Bidirectional(layers.LSTM(32, return_sequences=True))(x)
    x = layers.Lambda(lambda t: keras.ops.relu(t))(x)             # a Lambda layer drops the mask
    return keras.Model(inputs, layers.Dense(n_tags, activation="softmax")(x))


def tagger_returns_a_layer(vocab_size, n_tags):
    return layers.Dense(n_tags, activation="softmax")


CASES["09.4"] = (bilstm_tagger, [tagger_without_mask, tagger_softmax_over_time, tagger_one_output_per_sentence,
                                 tagger_one_direction, tagger_lambda_drops_the_mask, tagger_returns_a_layer])
