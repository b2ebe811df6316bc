"""Answers for lesson 17's exercises: one right, and the plausible mistakes."""

import keras
import numpy as np
from keras import layers

from course_utils.nested import pad_nested


def pad_documents(docs, max_sentences, max_words):
    ids = pad_nested(docs, max_sentences, max_words)     # the course's helper is a right answer too
    return ids, ids.any(axis=-1)


def pad_documents_last_words(docs, max_sentences, max_words):
    return pad_documents([[s[-max_words:] for s in d] for d in docs], max_sentences, max_words)


def pad_documents_last_sentences(docs, max_sentences, max_words):
    return pad_documents([d[-max_sentences:] for d in docs], max_sentences, max_words)


def pad_documents_word_mask(docs, max_sentences, max_words):
    ids, _ = pad_documents(docs, max_sentences, max_words)
    return ids, ids != 0


def pad_documents_mask_all_true(docs, max_sentences, max_words):
    ids, mask = pad_documents(docs, max_sentences, max_words)
    return ids, np.ones_like(mask)


def pad_documents_pre_padding(docs, max_sentences, max_words):
    ids = np.zeros((len(docs), max_sentences, max_words), dtype="int32")
    for i, doc in enumerate(docs):
        for s, sentence in enumerate(doc[:max_sentences]):
            kept = sentence[:max_words]
            ids[i, s, max_words - len(kept):] = kept
    return ids, ids.any(axis=-1)


def word_encoder(n_chars, dim):
    chars = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(n_chars, 16, mask_zero=True)(chars)
    return keras.Model(chars, layers.Bidirectional(layers.LSTM(dim // 2))(x))


def word_encoder_no_mask(n_chars, dim):
    chars = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(n_chars, 16)(chars)                        # padding read as characters
    return keras.Model(chars, layers.Bidirectional(layers.LSTM(dim // 2))(x))


def word_encoder_one_direction(n_chars, dim):
    chars = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(n_chars, 16, mask_zero=True)(chars)
    return keras.Model(chars, layers.LSTM(dim)(x))


def word_encoder_double_width(n_chars, dim):
    chars = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(n_chars, 16, mask_zero=True)(chars)
    return keras.Model(chars, layers.Bidirectional(layers.LSTM(dim))(x))


def word_encoder_sequences(n_chars, dim):
    chars = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(n_chars, 16, mask_zero=True)(chars)
    return keras.Model(chars, layers.Bidirectional(layers.LSTM(dim // 2, return_sequences=True))(x))


def word_encoder_bag_of_characters(n_chars, dim):
    chars = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(n_chars, dim, mask_zero=True)(chars)
    pooled = layers.GlobalAveragePooling1D()(x)                     # order lost: -ab and -ba look the same
    side = layers.Bidirectional(layers.LSTM(1))(layers.Embedding(n_chars, 2, mask_zero=True)(chars))
    return keras.Model(chars, layers.Concatenate()([pooled[:, : dim - 2], side * 0.0]))


CASES = {
    "17.1": (pad_documents, [pad_documents_last_words, pad_documents_last_sentences, pad_documents_word_mask,
                             pad_documents_mask_all_true, pad_documents_pre_padding]),
    "17.2": (word_encoder, [word_encoder_no_mask, word_encoder_one_direction, word_encoder_double_width,
                            word_encoder_sequences, word_encoder_bag_of_characters]),
}
