"""Answers for lesson 06's exercises: one right, and the plausible mistakes."""

import numpy as np


def _batches(lengths, boundaries, batch_size, side="right", drop_rest=False):
    buckets, batches = {}, []
    for n in lengths:
        b = int(np.searchsorted(boundaries, n, side=side))
        buckets.setdefault(b, []).append(n)
        if len(buckets[b]) == batch_size:
            batches.append(buckets.pop(b))
    return batches if drop_rest else batches + list(buckets.values())


def bucketed_padding_share(lengths, boundaries, batch_size):
    batches = _batches(lengths, boundaries, batch_size)
    return 1 - sum(lengths) / sum(max(b) * len(b) for b in batches)


def bucketed_share_left(lengths, boundaries, batch_size):
    # an item of length == boundary put in the lower bucket
    batches = _batches(lengths, boundaries, batch_size, side="left")
    return 1 - sum(lengths) / sum(max(b) * len(b) for b in batches)


def bucketed_share_drops_rest(lengths, boundaries, batch_size):
    batches = _batches(lengths, boundaries, batch_size, drop_rest=True)
    return 1 - sum(sum(b) for b in batches) / sum(max(b) * len(b) for b in batches)


def bucketed_share_per_bucket(lengths, boundaries, batch_size):
    # every item padded to the longest item of its bucket
    bucket = [int(np.searchsorted(boundaries, n, side="right")) for n in lengths]
    longest = {b: max(n for n, bb in zip(lengths, bucket) if bb == b) for b in set(bucket)}
    return 1 - sum(lengths) / sum(longest[b] for b in bucket)


def bucketed_share_global(lengths, boundaries, batch_size):
    # ignores the buckets: pad everything to the longest item
    return 1 - sum(lengths) / (max(lengths) * len(lengths))


def masked_rnn(x, mask, kernel, recurrent_kernel, bias):
    h = np.zeros((x.shape[0], recurrent_kernel.shape[0]))
    for t in range(x.shape[1]):
        new = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
        h = np.where(mask[:, t:t + 1], new, h)
    return h


def masked_rnn_ignores_mask(x, mask, kernel, recurrent_kernel, bias):
    h = np.zeros((x.shape[0], recurrent_kernel.shape[0]))
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias)
    return h


def masked_rnn_zeroes_state(x, mask, kernel, recurrent_kernel, bias):
    h = np.zeros((x.shape[0], recurrent_kernel.shape[0]))
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent_kernel + bias) * mask[:, t:t + 1]
    return h


def masked_rnn_stops_early(x, mask, kernel, recurrent_kernel, bias):
    # reads each sequence until its first padded step: right for post padding only
    h = np.zeros((x.shape[0], recurrent_kernel.shape[0]))
    for i in range(x.shape[0]):
        for t in range(x.shape[1]):
            if not mask[i, t]:
                break
            h[i] = np.tanh(x[i, t] @ kernel + h[i] @ recurrent_kernel + bias)
    return h


def masked_rnn_zero_inputs(x, mask, kernel, recurrent_kernel, bias):
    # zeroes the padded inputs but still runs the step there
    return masked_rnn_ignores_mask(x * mask[..., None], mask, kernel, recurrent_kernel, bias)


def masked_birnn(x, mask, forward, backward):
    fwd = masked_rnn(x, mask, *forward)
    bwd = masked_rnn(x[:, ::-1], mask[:, ::-1], *backward)
    return np.concatenate([fwd, bwd], axis=-1)


def masked_birnn_mask_not_reversed(x, mask, forward, backward):
    return np.concatenate([masked_rnn(x, mask, *forward), masked_rnn(x[:, ::-1], mask, *backward)], axis=-1)


def masked_birnn_backward_unmasked(x, mask, forward, backward):
    bwd = masked_rnn_ignores_mask(x[:, ::-1], mask, *backward)
    return np.concatenate([masked_rnn(x, mask, *forward), bwd], axis=-1)


def masked_birnn_halves_swapped(x, mask, forward, backward):
    out = masked_birnn(x, mask, forward, backward)
    u = out.shape[1] // 2
    return np.concatenate([out[:, u:], out[:, :u]], axis=-1)


def masked_birnn_forward_weights_twice(x, mask, forward, backward):
    return masked_birnn(x, mask, forward, forward)


# 06.4: Keras models; built inside the functions so that importing this module does not import Keras
def _classifier(vocab_size, n_classes, *, mask=True, middle=None, pool=None, out=None, activation="softmax"):
    import keras
    from keras import layers

    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(vocab_size, 16, mask_zero=mask)(inputs)
    if middle is not None:
        x = middle(x)
    if pool is None:
        x = layers.LSTM(8)(x)
    else:
        x = pool(layers.LSTM(8, return_sequences=True)(x))
    outputs = layers.Dense(out or n_classes, activation=activation)(x)
    return keras.Model(inputs, outputs)


def build_masked_classifier(vocab_size, n_classes):
    return _classifier(vocab_size, n_classes)


def build_source_classifier(vocab_size, n_classes):
    return _classifier(vocab_size, n_classes, mask=False)          # the broken model: no mask


def build_conv_drops_mask(vocab_size, n_classes):
    from keras import layers
    return _classifier(vocab_size, n_classes, middle=layers.Conv1D(16, 3, padding="same"))   # drops the mask


def build_mean_over_all_steps(vocab_size, n_classes):
    import keras
    from keras import layers
    # averages the LSTM's outputs over every step, padded ones included: the Lambda layer drops the mask
    return _classifier(vocab_size, n_classes, pool=layers.Lambda(lambda t: keras.ops.mean(t, axis=1)))


def build_fixed_length_flatten(vocab_size, n_classes):
    import keras
    from keras import layers
    inputs = keras.Input(shape=(20,), dtype="int32")                # one fixed length, then Flatten
    x = layers.Embedding(vocab_size, 16, mask_zero=True)(inputs)
    x = layers.Flatten()(layers.LSTM(8, return_sequences=True)(x))
    return keras.Model(inputs, layers.Dense(n_classes, activation="softmax")(x))


def build_four_classes(vocab_size, n_classes):
    return _classifier(vocab_size, n_classes, out=4)               # AG News' 4 topics hard-coded


def build_no_softmax(vocab_size, n_classes):
    return _classifier(vocab_size, n_classes, activation=None)     # logits, not probabilities


CASES = {
    "06.1": (bucketed_padding_share, [bucketed_share_left, bucketed_share_drops_rest, bucketed_share_per_bucket,
                                      bucketed_share_global]),
    "06.2": (masked_rnn, [masked_rnn_ignores_mask, masked_rnn_zeroes_state, masked_rnn_stops_early,
                          masked_rnn_zero_inputs]),
    "06.3": (masked_birnn, [masked_birnn_mask_not_reversed, masked_birnn_backward_unmasked,
                            masked_birnn_halves_swapped, masked_birnn_forward_weights_twice]),
    "06.4": (build_masked_classifier, [build_source_classifier, build_conv_drops_mask, build_mean_over_all_steps,
                                       build_fixed_length_flatten, build_four_classes, build_no_softmax]),
}
