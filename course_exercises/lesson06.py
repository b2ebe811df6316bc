"""Lesson 06 (masking and bucketing): the padded share of bucketed batches, a masked SimpleRNN, both directions,
a Keras classifier whose predictions ignore the padding."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
from keras import layers

from course_utils import text
from . import keras_checks as kc
from .core import Check, exercise
from .references import bucketed_share


@exercise("06.1", "the padded share of bucketed batches")
def check_06_1(ck: Check, bucketed_padding_share: Callable[..., Any]) -> None:
    """``bucketed_padding_share(lengths, boundaries, batch_size)`` -> float, as bucket_by_sequence_length batches."""
    ck.is_callable(bucketed_padding_share, "bucketed_padding_share")
    mistakes = [
        (dict(side="left"), "an item whose length equals a boundary goes to the lower bucket",
         "an item of length L goes to the first bucket whose boundary is LARGER than L (section 5's toy run: "
         "boundary 5 puts lengths 1-4 in the first bucket)"),
        (dict(per_bucket=True), "every batch is padded to the longest item of its whole bucket",
         "each batch is padded only to its own longest item"),
        (dict(drop_rest=True), "the last, incomplete batch of each bucket is missing",
         "when the data ends, every bucket emits what it still holds as a smaller batch"),
        (dict(to_boundary=True), "batches are padded up to their bucket's boundary",
         "that is pad_to_bucket_boundary=True; the default pads each batch only to its own longest item"),
    ]
    cases: list[tuple[list[int], list[int], int]] = [([2, 7, 3, 9, 1, 8, 4, 6], [5], 2)]   # section 5's toy run
    for _ in range(5):
        n = int(ck.rng.integers(15, 40))
        lengths = [int(v) for v in np.clip(ck.rng.lognormal(2.2, 0.6, size=n).round(), 1, 60)]
        qs = np.quantile(lengths, [0.3, 0.6, 0.85])
        boundaries = sorted({int(q) for q in qs} | {lengths[0]})     # one item sits exactly on a boundary
        cases.append((lengths, boundaries, int(ck.rng.integers(2, 6))))
    for k, (lengths, boundaries, batch_size) in enumerate(cases):
        what = f"bucketed_padding_share(lengths, boundaries={boundaries}, batch_size={batch_size})"
        if k == 0:
            what = "bucketed_padding_share([2, 7, 3, 9, 1, 8, 4, 6], [5], 2) (section 5's toy run)"
        share = ck.number(ck.call(bucketed_padding_share, list(lengths), list(boundaries), batch_size, what=what),
                          what, hint="return the share as a float")
        expected = bucketed_share(lengths, boundaries, batch_size)
        wrong = [(100 * expected, "a percentage", "return a share between 0 and 1"),
                 (1 - expected, "the share of real tokens", "the padded share counts the zeros"),
                 *[(bucketed_share(lengths, boundaries, batch_size, **kwargs), message, hint)
                   for kwargs, message, hint in mistakes],
                 (1 - sum(lengths) / (max(lengths) * len(lengths)), "that is padding everything to the longest item",
                  "bucketing pads each batch only to the longest item of that batch")]
        ck.close(share, expected, what, "items join their bucket in the order given; a bucket emits a batch as soon as "
                 "it holds batch_size items; the padded share is over all positions of all batches", atol=1e-9,
                 mistakes=[(value, f"{what} = {share:.4g}: {message}", hint) for value, message, hint in wrong])
    ck.passed(f"section 5's toy run and {len(cases) - 1} random length lists")


def _masked_rnn(x: np.ndarray, mask: np.ndarray, kernel: np.ndarray, recurrent: np.ndarray, bias: np.ndarray,
                mode: str = "keras") -> np.ndarray:
    """Final state of a tanh SimpleRNN with a mask; ``mode`` builds the typical mistakes."""
    if mode == "ignore":
        mask = np.ones_like(mask)
    elif mode == "stop":                        # stops at the first padded step
        mask = np.cumprod(mask, axis=1).astype(bool)
    elif mode == "zero_input":                  # the padded step is run, with a zero input
        x, mask = x * mask[..., None], np.ones_like(mask)
    h = np.zeros((x.shape[0], recurrent.shape[0]))
    for t in range(x.shape[1]):
        new = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
        h = new * mask[:, t:t + 1] if mode == "zero" else np.where(mask[:, t:t + 1], new, h)
    return h


@exercise("06.2", "a masked SimpleRNN in NumPy")
def check_06_2(ck: Check, masked_rnn: Callable[..., Any]) -> None:
    """``masked_rnn(x, mask, kernel, recurrent_kernel, bias)`` -> the final state (batch, units)."""
    ck.is_callable(masked_rnn, "masked_rnn")
    hints = {
        "ignore": "at a masked step the state must not change: keep h_(t-1) where the mask is False",
        "zero": "a masked step keeps the previous state; it does not reset it to zero",
        "zero_input": "a masked step is skipped altogether: nothing is computed from it, not even with a zero input",
        "stop": "skip the masked steps but keep reading: with pre padding the words come AFTER the padding",
    }
    batch, steps, feats, units = 4, 7, 3, 5
    names = {"post": "post-padded", "pre": "pre-padded", "none": "unpadded"}
    for side in ("post", "pre", "none"):
        for trial in range(2):
            x = ck.rng.normal(size=(batch, steps, feats))          # padded steps hold some vector too
            kernel = ck.rng.normal(scale=0.6, size=(feats, units))
            recurrent = ck.rng.normal(scale=0.4, size=(units, units))
            bias = ck.rng.normal(scale=0.3, size=units)
            mask = np.ones((batch, steps), bool) if side == "none" else kc.padding_mask(ck, batch, steps, side)
            out = ck.call(masked_rnn, x.copy(), mask.copy(), kernel.copy(), recurrent.copy(), bias.copy())
            arr = ck.shape(out, (batch, units), "the final state", hint="one state per sequence: (batch, units)")
            if not np.allclose(arr, _masked_rnn(x, mask, kernel, recurrent, bias), atol=1e-6):
                ck.diagnose(arr, [(_masked_rnn(x, mask, kernel, recurrent, bias, mode), hint)
                                  for mode, hint in hints.items()],
                            f"the final state is wrong for a {names[side]} batch (random input {trial + 1})",
                            "a real step is an ordinary SimpleRNN step from h_0 = 0; compare with "
                            "keras.layers.SimpleRNN(...)(x, mask=mask) on a tiny example", atol=1e-6)
        ck.passed(f"{names[side]} batches")


@exercise("06.3", "a masked bidirectional SimpleRNN")
def check_06_3(ck: Check, masked_birnn: Callable[..., Any]) -> None:
    """``masked_birnn(x, mask, forward, backward)`` -> (batch, 2 * units), like Bidirectional(SimpleRNN) with a mask.

    ``forward`` and ``backward`` are ``(kernel, recurrent_kernel, bias)`` tuples.
    """
    ck.is_callable(masked_birnn, "masked_birnn")
    batch, steps, feats, units = 4, 6, 3, 4
    names = {"post": "post-padded", "pre": "pre-padded"}
    for side in ("post", "pre"):
        for trial in range(2):
            x = ck.rng.normal(size=(batch, steps, feats))
            fw, bw = ((ck.rng.normal(scale=0.6, size=(feats, units)), ck.rng.normal(scale=0.4, size=(units, units)),
                       ck.rng.normal(scale=0.3, size=units)) for _ in range(2))
            mask = kc.padding_mask(ck, batch, steps, side)
            out = ck.call(masked_birnn, x.copy(), mask.copy(), tuple(w.copy() for w in fw),
                          tuple(w.copy() for w in bw))
            arr = ck.shape(out, (batch, 2 * units), "the merged output",
                           hint="merge_mode='concat': the forward and the backward final states side by side")
            fwd = _masked_rnn(x, mask, *fw)
            bwd = _masked_rnn(x[:, ::-1], mask[:, ::-1], *bw)
            what = f"({names[side]} batch {trial + 1})"
            ck.spot(arr, [(np.concatenate([bwd, fwd], axis=-1), f"the two halves are swapped {what}",
                           "Keras puts the forward direction first")], atol=1e-6)
            ck.close(arr[:, :units], fwd, f"the forward half {what}",
                     hint="the first half is the masked SimpleRNN of 06.2 with the forward weights")
            ck.close(arr[:, units:], bwd, f"the backward half {what}",
                     hint="the backward direction reads the time steps in reverse order, skipping the masked ones, "
                          "with its own weights", mistakes=[
                         (_masked_rnn(x[:, ::-1], mask, *bw), f"the backward half reverses the inputs but not the mask "
                          f"{what}", "reverse the mask together with the inputs, or the wrong steps are skipped"),
                         (_masked_rnn(x[:, ::-1], np.ones_like(mask), *bw), f"the backward half reads the padding "
                          f"{what}", "the backward direction must skip the masked steps too; with post padding they "
                          "are the FIRST steps it reads"),
                         (_masked_rnn(x, mask, *bw), f"the backward half reads the sequence forwards {what}",
                          "the backward layer reads from the last step to the first")])
        ck.passed(f"{names[side]} batches")


# -- 06.4: a Keras model whose predictions do not depend on padding ------------------------------------------
def _padding_hint(model: Any) -> str:
    """Name the layer that lets padding in: no mask at all, or a layer that drops it."""
    found = kc.sublayers(model)
    masked = [i for i, l in enumerate(found) if (isinstance(l, layers.Embedding) and l.mask_zero)
              or isinstance(l, layers.Masking)]
    if not masked:
        return ("no layer makes a mask: without Embedding(..., mask_zero=True) the LSTM reads the padded zeros "
                "as words (id 0 has an embedding vector like any other id)")
    for layer in found[masked[0] + 1:]:
        if isinstance(layer, layers.Flatten):
            return ("Flatten drops the mask (and needs a fixed length): the padded steps become inputs of the next "
                    "layer; let the LSTM return its final state instead")
        if not getattr(layer, "supports_masking", True) and not isinstance(layer, layers.InputLayer):
            return (f"the mask stops at the {type(layer).__name__} layer: it does not support masking, so the layers "
                    f"after it get no mask and read the padding; remove it, or put it after the recurrent layer "
                    "that returns one vector per sequence")
        if isinstance(layer, (layers.RNN, layers.Bidirectional)) and not getattr(
                getattr(layer, "forward_layer", layer), "return_sequences", False):
            break                                  # the mask is used up here: one vector per sequence
        if isinstance(layer, layers.GlobalAveragePooling1D):
            break
    return ("something between the Embedding and the output still reads the padded steps; keep the mask from "
            "Embedding(mask_zero=True) all the way to the recurrent layer, and give the check a plain "
            "Embedding -> LSTM -> Dense model")


@exercise("06.4", "fix the classifier that reads its padding")
def check_06_4(ck: Check, build_masked_classifier: Callable[..., Any]) -> None:
    """``build_masked_classifier(vocab_size, n_classes)`` -> a Keras model whose predictions ignore post-padding."""
    for vocab_size, n_classes in ((50, 4), (30, 3)):
        kc.seed(ck)
        what = f"build_masked_classifier({vocab_size}, {n_classes})"
        model = kc.build(ck, build_masked_classifier, vocab_size, n_classes, what=what)
        # random weights, larger than Keras' initial ones, so that any effect of the padding shows clearly
        batch, length = 6, 7
        x = ck.rng.integers(1, vocab_size, size=(batch, length)).astype("int32")    # no zeros: no padding yet

        def predict(ids: np.ndarray, about: str) -> np.ndarray:
            return kc.outputs(ck, model, ids, f"the model on token ids of shape {ids.shape} ({about})",
                              hint="the model takes int token ids of any length: keras.Input(shape=(None,), "
                                   "dtype='int32'), and no layer that needs a fixed length (Flatten)")

        predict(x, "the unpadded batch")                     # builds the model if it has no Input
        model.set_weights([(ck.rng.uniform(0.5, 1.5, size=tuple(w.shape)) if "variance" in str(w.path)
                            else ck.rng.normal(scale=0.5, size=tuple(w.shape))).astype("float32")
                           for w in model.weights])
        plain = predict(x, "the unpadded batch")
        if plain.shape == (batch, 4) and n_classes != 4:
            ck.fail(f"{what} gives outputs of shape {plain.shape}; expected ({batch}, {n_classes})",
                    "the output layer has a fixed size 4: use Dense(n_classes, ...) so the model fits any number "
                    "of classes")
        if plain.ndim == 3:
            ck.fail(f"{what} gives outputs of shape {plain.shape}: one prediction per time step",
                    "one prediction per sequence: the LSTM must return its final state (return_sequences=False), "
                    "not the whole sequence")
        ck.shape(plain, (batch, n_classes), f"the output of {what} on a batch of {batch} sequences",
                 hint="one row of n_classes probabilities per sequence: Dense(n_classes, activation='softmax') last")
        if not kc.rows_are_distributions(plain):
            ck.fail(f"the rows of the output of {what} are not probabilities (they do not sum to 1)",
                    "end with Dense(n_classes, activation='softmax'), as the lesson's models do")
        if vocab_size == 50:
            ck.passed(f"{what} returns a model; output (batch, {n_classes}), rows are probabilities")
        for extra in (3, 15):
            padded = np.concatenate([x, np.zeros((batch, extra), "int32")], axis=1)
            again = predict(padded, f"the batch with {extra} zeros after each sequence")
            if again.shape != plain.shape or not np.allclose(again, plain, atol=1e-5, rtol=0):
                worst = float(np.max(np.abs(again - plain))) if again.shape == plain.shape else float("nan")
                ck.fail(f"{what}: {extra} zeros after the same sequences change the predicted probabilities "
                        f"(by up to {worst:.2g})", _padding_hint(model))
        # a batch of different lengths, post-padded, against each sequence alone
        lengths = ck.rng.integers(2, 12, size=batch)
        rows = [ck.rng.integers(1, vocab_size, size=n).astype("int32") for n in lengths]
        together = predict(text.pad(rows), "a post-padded batch of different lengths")
        alone = np.concatenate([predict(row[None, :], "one sequence without padding") for row in rows])
        if together.shape != alone.shape or not np.allclose(together, alone, atol=1e-5, rtol=0):
            ck.fail(f"{what}: in a post-padded batch of different lengths a sequence gets other predictions than alone",
                    _padding_hint(model))
    ck.passed("predictions unchanged by 3 or 15 zeros of post-padding, and in a batch of mixed lengths "
              "(random weights, 2 vocabulary and class sizes)")
