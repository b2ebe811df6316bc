"""Lesson 14 (contextual embeddings): the BiLM's two targets, ELMo's scalar mix, the masked mean."""

from __future__ import annotations

from typing import Any, Callable

import keras
import numpy as np

from course_utils import decoding
from . import keras_checks as kc
from .core import Check, exercise


def _padded_batch(ck: Check, batch: int, max_len: int) -> np.ndarray:
    """Sentences ``<bos>=2 ... <eos>=3`` of random lengths (at least one word), padded with 0 at the end."""
    ids = np.zeros((batch, max_len), dtype="int64")
    lengths = ck.rng.integers(3, max_len + 1, size=batch)
    lengths[0] = max_len                                   # one sentence without padding
    for i, n in enumerate(lengths):
        ids[i, :n] = np.r_[2, ck.rng.integers(4, 60, size=n - 2), 3]
    return ids


@exercise("14.1", "the two targets of a bidirectional language model")
def check_14_1(ck: Check, lm_targets: Callable[..., Any]) -> None:
    """``lm_targets(ids)`` -> (next_ids, prev_ids), both (batch, T), padded with 0."""
    ck.is_callable(lm_targets, "lm_targets")
    for trial in range(3):
        x = _padded_batch(ck, int(ck.rng.integers(2, 6)), int(ck.rng.integers(5, 10)))
        next_ref, prev_ref = np.pad(x[:, 1:], [(0, 0), (0, 1)]), np.pad(x[:, :-1], [(0, 0), (1, 0)])
        nxt, prev = ck.pair(ck.call(lm_targets, x.copy()), "lm_targets", ("next_ids", "prev_ids"))
        nxt, prev = ck.array(nxt, "next_ids"), ck.array(prev, "prev_ids")
        batch, t = x.shape
        if nxt.shape == (batch, t - 1) or prev.shape == (batch, t - 1):
            ck.fail(f"a target has shape {(batch, t - 1)}; expected {(batch, t)}",
                    "the targets line up with the inputs position by position: pad the shifted ids with a 0 "
                    "(the loss ignores class 0)")
        ck.shape(nxt, (batch, t), "next_ids", hint="one target per input position")
        ck.shape(prev, (batch, t), "prev_ids", hint="one target per input position")
        if np.array_equal(nxt, prev_ref) and np.array_equal(prev, next_ref):
            ck.fail("next_ids and prev_ids are swapped",
                    "the forward LSTM at position t predicts the word at t + 1; the backward one the word at t - 1")
        if np.array_equal(nxt, np.roll(x, -1, axis=1)) or np.array_equal(prev, np.roll(x, 1, axis=1)):
            ck.fail("the shift wraps around: a sentence's first word became the target after its last position "
                    "(or the other way round)",
                    "np.roll moves the ids round the ends; the position with no neighbour must get 0, "
                    "which the loss ignores")
        ck.close(nxt, next_ref, "next_ids", hint="at position t the forward model must predict ids[:, t + 1]; "
                                                 "the last position has nothing after it: 0")
        ck.close(prev, prev_ref, "prev_ids", hint="at position t the backward model must predict ids[:, t - 1]; "
                                                  "the first position has nothing before it: 0")
    ck.passed("next and previous ids for 3 random padded batches")


@exercise("14.2", "ELMo's scalar mix of the layers")
def check_14_2(ck: Check, scalar_mix: Callable[..., Any]) -> None:
    """``scalar_mix(layer_outputs, w, gamma)`` = gamma * sum_j softmax(w)_j * layer_outputs[j]."""
    ck.is_callable(scalar_mix, "scalar_mix")
    for trial in range(4):
        n_layers = 3 if trial < 2 else int(ck.rng.integers(2, 5))
        batch, t, d = (int(v) for v in ck.rng.integers(2, 5, size=3))
        layers = ck.rng.normal(size=(n_layers, batch, t, d))
        w = ck.rng.normal(scale=1.5, size=n_layers)
        w[0] = -abs(w[0]) - 0.5                            # a negative raw weight: s / s.sum() is then no softmax
        gamma = float(ck.rng.uniform(0.3, 3.0))
        expected = gamma * np.tensordot(np.exp(decoding.log_softmax(w)), layers, 1)
        got = ck.shape(ck.call(scalar_mix, [h.copy() for h in layers], w.copy(), gamma), (batch, t, d), "the mix",
                       hint="the layers are mixed element by element: the result has the shape of one layer, "
                            "(batch, T, d)")
        if np.allclose(got, expected / gamma, atol=1e-6) and not np.isclose(gamma, 1.0):
            ck.fail("gamma is missing", "the whole mix is multiplied by the scale gamma")
        if np.allclose(got, gamma * np.tensordot(w, layers, 1), atol=1e-6):
            ck.fail("the raw weights w are used without a softmax",
                    "s = softmax(w): the mixing weights are positive and sum to 1")
        if np.allclose(got, gamma * np.tensordot(w / w.sum(), layers, 1), atol=1e-6):
            ck.fail("the weights are divided by their sum instead of going through a softmax",
                    "w can be negative; s = exp(w) / sum(exp(w))")
        if np.allclose(got, gamma * layers.mean(0), atol=1e-6):
            ck.fail("the layers are averaged with equal weights", "each layer j gets its own weight softmax(w)_j")
        ck.close(got, expected, f"the mix ({n_layers} layers)",
                 hint="ELMo_k = gamma * sum over layers j of s_j * h_kj, with s = softmax(w)")
    ck.passed("4 random mixes (2 to 4 layers, negative raw weights, gamma != 1)")


@exercise("14.3", "the masked mean of token vectors")
def check_14_3(ck: Check, masked_mean: Callable[..., Any]) -> None:
    """``masked_mean(vectors (B, T, d), mask (B, T) bool)`` -> (B, d): the mean over the real tokens of each row."""
    kc.check_masked_mean(ck, masked_mean, sides=("post",), trials=3)
    ck.passed("3 random padded batches (padding filled with non-zero numbers)")


# -- 14.4: freeze and unfreeze a pretrained encoder ---------------------------------------------------------
_ENC_VOCAB, _ENC_DIM = 40, 6


def toy_encoder(name: str = "encoder") -> keras.Model:
    """A small stand-in for the pretrained encoder: padded ids (batch, T) -> masked BiLSTM states (batch, T, 12)."""
    ids = keras.Input((None,), dtype="int32", name="token_ids")
    x = keras.layers.Embedding(_ENC_VOCAB, 8, mask_zero=True, name="embedding")(ids)
    x = keras.layers.Bidirectional(keras.layers.LSTM(_ENC_DIM, return_sequences=True), name="bilstm")(x)
    return keras.Model(ids, x, name=name)


@exercise("14.4", "freeze or fine-tune a pretrained encoder")
def check_14_4(ck: Check, build_probe: Callable[..., Any]) -> None:
    """``build_probe(encoder, n_classes, trainable)``: ids -> encoder -> masked mean -> softmax; encoder (un)frozen."""
    kc.seed(ck)
    n_classes = 3
    x = ck.rng.integers(1, _ENC_VOCAB, size=(8, 9)).astype("int32")
    lengths = ck.rng.integers(3, 10, size=8)
    x[np.arange(9)[None, :] >= lengths[:, None]] = 0             # padded sentences
    y = ck.rng.integers(0, n_classes, size=8)

    def probe(trainable: bool, arrives_frozen: bool = False) -> tuple[keras.Model, set[int], set[int], set[int]]:
        """The student's probe of a fresh encoder; the ids of the encoder's, the head's and the trainable weights."""
        encoder = toy_encoder()
        encoder.trainable = not arrives_frozen
        model = kc.build(ck, build_probe, encoder, n_classes, trainable,
                         what=f"build_probe(encoder, {n_classes}, trainable={trainable})")
        ck.require(any(layer is encoder for layer in kc.sublayers(model)),
                   "the encoder passed to your function is not part of the model",
                   "call the given encoder on the model's input (encoder(inputs)), or put it first in a "
                   "Sequential: its pretrained weights are the point of the exercise")
        enc = {id(w) for w in encoder.weights}
        return model, enc, {id(w) for w in model.weights} - enc, {id(w) for w in model.trainable_weights}

    def one_step(model: keras.Model, enc: set[int], setting: str) -> tuple[bool, bool]:
        """Compile, train one batch; did the encoder's weights change, did the head's?"""
        before = [w.numpy().copy() for w in model.weights]
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="sparse_categorical_crossentropy",
                      run_eagerly=True)                  # one step: quicker than tracing a graph
        ck.call(lambda: model.fit(x, y, batch_size=8, epochs=1, verbose=0), what=f"one training step ({setting})")
        moved = {id(w) for w, b in zip(model.weights, before) if not np.array_equal(b, w.numpy())}
        return bool(moved & enc), bool(moved - enc)

    def count(model: keras.Model, ids: set[int]) -> int:
        return int(sum(np.prod(w.shape) for w in model.weights if id(w) in ids))

    # 1. frozen: outputs, padding, and only the head trainable
    model, enc, head, trainable = probe(trainable=False)
    probs = kc.outputs(ck, model, x, "your probe")
    if probs.ndim == 3:
        ck.fail(f"the probe gives one output per token, shape {probs.shape}; it should give one per sentence",
                "pool the encoder's vectors over the tokens first: layers.GlobalAveragePooling1D() (a masked mean)")
    ck.require(probs.shape == (len(x), n_classes), f"for {len(x)} sentences the output has shape {probs.shape}; "
               f"expected {(len(x), n_classes)}", "Dense(n_classes, activation='softmax') on the pooled vector")
    ck.require(kc.rows_are_distributions(probs), "the outputs are not probabilities over the classes",
               "end with a softmax: Dense(n_classes, activation='softmax')",
               passed=f"output (batch, n_classes) = {probs.shape}, each row a probability distribution")
    longer = np.concatenate([x, np.zeros((len(x), 5), "int32")], axis=1)
    moved = float(np.max(np.abs(kc.outputs(ck, model, longer, "your probe") - probs)))
    ck.require(moved < 1e-4, f"five more padding zeros after each sentence change its probabilities (by {moved:.3g})",
               "average over the real tokens only: GlobalAveragePooling1D uses the encoder's mask; a Lambda, "
               "Flatten or ops.mean does not",
               passed="padding after a sentence changes nothing (masked mean)")

    if not head & trainable:
        ck.require(not enc & trainable, "with trainable=False the head is frozen and the encoder is not: the wrong "
                   "part is frozen", "freeze the ENCODER (the model you were given), and leave the new Dense head "
                   "trainable")
        ck.fail("with trainable=False nothing in the probe can be trained: the head is frozen too",
                "freeze the ENCODER (encoder.trainable = False), not the whole model: the new head must learn")
    if enc & trainable:
        ck.require(enc <= trainable, f"with trainable=False only part of the encoder is frozen "
                   f"({len(enc & trainable)} of its {len(enc)} weight tensors are still trainable)",
                   "set trainable on the encoder model itself, not on one of its layers: encoder.trainable = ... "
                   "freezes every layer inside it (the embedding and both LSTMs)")
        ck.fail(f"with trainable=False the encoder is not frozen (all its {len(enc)} weight tensors are trainable)",
                "set encoder.trainable = trainable before the model is compiled; note that calling "
                "encoder(x, training=False) does NOT freeze anything: it only puts dropout and normalisation "
                "layers in inference mode")
    ck.require(head <= trainable, "with trainable=False some of the head's weights are frozen",
               "freeze the encoder only; the Dense layer on top must stay trainable")
    ck.passed(f"trainable=False: {count(model, head):,} trainable parameters (the head), "
              f"{count(model, enc):,} frozen in the encoder")
    moved_enc, moved_head = one_step(model, enc, "trainable=False")
    ck.require(not moved_enc, "with trainable=False one training step changed the encoder's weights",
               "set the flag before compiling (the check compiles your model): Keras reads `trainable` when it "
               "builds the training step")
    ck.require(moved_head, "with trainable=False one training step did not change the head's weights",
               "the Dense head must stay trainable", passed="one training step: the frozen encoder did not move, "
               "the head did")

    # 2. fine-tuning: everything trainable, everything moves
    model, enc, head, trainable = probe(trainable=True)
    ck.require(enc <= trainable, "with trainable=True part of the encoder is frozen",
               "trainable=True means fine-tuning: the encoder's weights are trained along with the head")
    ck.require(head <= trainable, "with trainable=True the head is frozen",
               "the flag is for the encoder; the head is always trained")
    ck.require(all(one_step(model, enc, "trainable=True")), "with trainable=True one training step did not change "
               "both the encoder and the head", "nothing should be frozen when fine-tuning",
               passed=f"trainable=True: all {count(model, enc | head):,} parameters trainable, and one step moves the "
                      "encoder too")

    # 3. the second stage of gradual unfreezing: an encoder that arrives frozen must be unfrozen
    model, enc, head, trainable = probe(trainable=True, arrives_frozen=True)
    ck.require((enc | head) <= trainable, "an encoder that arrives frozen (as after a first stage that trained the "
               "head alone) stays frozen with trainable=True",
               "set encoder.trainable = trainable in both cases, not only when freezing",
               passed="an encoder that arrives frozen is unfrozen for trainable=True (gradual unfreezing, stage 2)")
