"""Lesson 11 (seq2seq translation): teacher-forcing arrays, a loss that ignores padding (NumPy, then Keras),
BLEU's n-gram precision."""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable, Sequence

import keras
import numpy as np

from course_utils import decoding, translation
from . import keras_checks as kc
from .core import Check, exercise


def _id_lists(ck: Check, n: int, vocab: int, longest: int) -> list[list[int]]:
    lengths = ck.rng.integers(1, longest + 1, size=n)
    lengths[int(ck.rng.integers(0, n))] = longest
    return [[int(i) for i in ck.rng.integers(4, vocab, size=int(m))] for m in lengths]


@exercise("11.1", "the two decoder arrays of teacher forcing")
def check_11_1(ck: Check, teacher_forcing: Callable[..., Any]) -> None:
    """``teacher_forcing(target_ids, bos_id, eos_id)`` -> (decoder_input, decoder_target), padded with 0 at the end."""
    ck.is_callable(teacher_forcing, "teacher_forcing")
    for trial in range(4):
        n, longest = int(ck.rng.integers(2, 7)), int(ck.rng.integers(2, 9))
        targets = _id_lists(ck, n, 30, longest)
        bos, eos = [(2, 3), (2, 3), (3, 2), (5, 9)][trial]
        if trial == 3:                                   # other marker ids: they must come from the arguments
            targets = [[i if i not in (bos, eos) else 4 for i in t] for t in targets]
        out = ck.pair(ck.call(teacher_forcing, [list(t) for t in targets], bos, eos), "teacher_forcing",
                      ("decoder_input", "decoder_target"))
        ref = translation.teacher_forcing_arrays(targets, targets, bos_id=bos, eos_id=eos)
        want_in, want_out = ref.decoder_input, ref.decoder_target
        got_in, got_out = (ck.shape(got, want_in.shape, f"{name} ({n} sentences of at most {longest} ids)",
                                    "one row per sentence, and one column more than the longest sentence: <bos> (or "
                                    "<eos>) adds a token" if ck.shape_of(got) == (n, longest) else "one row per "
                                    "sentence, padded at the end to (longest sentence + 1) columns")
                           for name, got in zip(("decoder_input", "decoder_target"), out))
        if np.array_equal(got_in, want_in) and np.array_equal(got_out, want_out):
            continue
        if (bos, eos) != (2, 3):
            fixed = translation.teacher_forcing_arrays(targets, targets, bos_id=2, eos_id=3)
            if np.array_equal(got_in, fixed.decoder_input) and np.array_equal(got_out, fixed.decoder_target):
                ck.fail(f"with bos_id={bos} and eos_id={eos} the rows still use 2 and 3",
                        "use the bos_id and eos_id arguments, not the lesson's numbers")
        if np.array_equal(got_in, want_in) and np.array_equal(got_out, want_in):
            ck.fail("decoder_target is the same as decoder_input",
                    "the target at step t is the word the decoder must PREDICT: the input shifted left by one, "
                    "ending with <eos>")
        if np.array_equal(got_in[:, ::-1] != 0, want_in != 0) and not np.array_equal(got_in != 0, want_in != 0):
            ck.fail("the padding is at the start of the rows", "pad at the END: the decoder reads <bos> first")
        if not np.array_equal(got_in, want_in):
            if np.any(got_in == eos):
                ck.fail("decoder_input contains <eos>", "the decoder reads <bos> y_1 ... y_n; <eos> only appears in "
                        "the target (nothing comes after it to be predicted)")
            if not np.all(got_in[:, 0] == bos):
                ck.fail("decoder_input does not start with <bos> in every row",
                        "every decoder input starts with bos_id (use the argument, not a fixed number)")
            ck.fail("decoder_input is not <bos> followed by the sentence, padded with 0",
                    "row i: [bos_id, *target_ids[i]] then zeros")
        if np.any(got_out == bos):
            ck.fail("decoder_target contains <bos>", "the decoder never has to predict <bos>: the target is "
                    "y_1 ... y_n <eos>")
        ck.fail("decoder_target is not the sentence followed by <eos>, padded with 0",
                "row i: [*target_ids[i], eos_id] then zeros; it pads exactly the positions decoder_input pads")
    ck.passed("decoder input and target on 4 random batches (other <bos>/<eos> ids included)")


# -- 11.2 and 11.4: a cross-entropy that ignores padding ------------------------------------------------
def _padded_targets(ck: Check, batch: int, time: int, vocab: int) -> np.ndarray:
    """Labels (batch, time) padded with 0 at the end; the first row is not padded, the last has ONE real token."""
    real = kc.padding_mask(ck, batch, time, "post")
    return np.where(real, ck.rng.integers(1, vocab, size=(batch, time)), 0).astype("int32")


def _judge_masked_mean(ck: Check, got: float, y_true: np.ndarray, logits: np.ndarray, what: str) -> None:
    """Fail, naming the mistake, unless ``got`` is the mean cross-entropy over the real tokens of ``y_true``."""
    per_token = -decoding.log_softmax(logits)[np.arange(len(y_true))[:, None], np.arange(y_true.shape[1]), y_true]
    real = y_true != 0
    if np.isclose(got, per_token[real].mean(), rtol=1e-4, atol=1e-5):
        return
    pred = logits.argmax(-1) != 0
    guesses = [
        (float(per_token.mean()), "the padding positions count: keep only the positions where y_true != 0"),
        (float(np.sum(per_token * real) / real.size), "the padding positions are left out of the sum but still "
         "counted in the denominator: divide by the number of REAL tokens"),
        (float(np.sum(per_token * real)), "that is the sum over the real tokens; the loss is their MEAN"),
        (float(np.mean(np.sum(per_token * real, 1) / real.sum(1))), "that is the mean of per-sentence means, "
         "which lets a one-word sentence weigh as much as a long one: sum over all real tokens of the batch, "
         "then divide once by their number"),
        (float(np.sum(per_token * pred) / max(pred.sum(), 1)), "the mask comes from the LABELS (y_true != 0), "
         "not from the predictions"),
        (float(per_token[real].mean() / np.log(2)), "use the natural logarithm (Keras' losses are in nats)"),
        (float(keras.ops.convert_to_numpy(keras.losses.sparse_categorical_crossentropy(
            y_true, logits.astype("float32")))[real].mean()), "the cross-entropy read the logits as if they "
         "were probabilities: tell it that the decoder's outputs are logits"),
    ]
    ck.diagnose(got, guesses, f"{what}: your loss gives {got:.4f}; the mean cross-entropy over the real tokens "
                f"is {per_token[real].mean():.4f}",
                "per position: sparse categorical cross-entropy from the logits; weight it by the mask "
                "y_true != 0; sum, and divide by the number of real tokens", atol=1e-5, rtol=1e-4)


@exercise("11.2", "a cross-entropy that ignores padding")
def check_11_2(ck: Check, masked_loss: Callable[..., Any]) -> None:
    """``masked_loss(y_true, logits)``: mean -log softmax(logits)[y] over the positions where ``y_true != 0``."""
    ck.is_callable(masked_loss, "masked_loss")
    for trial in range(5):
        batch, time, v = int(ck.rng.integers(2, 7)), int(ck.rng.integers(3, 10)), int(ck.rng.integers(5, 20))
        y_true = _padded_targets(ck, batch, time, v)
        logits = ck.rng.normal(scale=2.0, size=(batch, time, v))
        got = ck.number(ck.call(masked_loss, y_true.copy(), logits.copy()), "masked_loss(...)")
        _judge_masked_mean(ck, got, y_true, logits, f"random batch {trial + 1} {y_true.shape}")
    ck.passed("matches the masked mean cross-entropy on 5 random padded batches")

    # the scores at padded positions must not matter at all
    y_true = np.array([[5, 6, 7, 0, 0], [8, 0, 0, 0, 0]])
    logits = ck.rng.normal(size=(2, 5, 10))
    noisy = logits.copy()
    noisy[y_true == 0] += ck.rng.normal(scale=50, size=noisy[y_true == 0].shape)
    a = ck.number(ck.call(masked_loss, y_true.copy(), logits), "masked_loss(...)")
    b = ck.number(ck.call(masked_loss, y_true.copy(), noisy), "masked_loss(...)")
    ck.require(np.isclose(a, b, rtol=1e-6), "changing the logits at padded positions changed the loss",
               "padded positions must not enter the loss at all", passed="scores at padded positions do not matter")


def _matches(hyp: Sequence[str], refs: Sequence[Sequence[str]], n: int, clip: Callable[..., float] = max) -> float:
    """The hypothesis' n-grams found in the references, each count clipped by ``clip`` of its reference counts."""
    def grams(tokens: Sequence[str]) -> Counter[tuple[str, ...]]:
        return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))

    ref_counts = [grams(r) for r in refs]
    return sum(min(c, clip([rc[g] for rc in ref_counts])) for g, c in grams(hyp).items())


@exercise("11.3", "BLEU's modified n-gram precision")
def check_11_3(ck: Check, ngram_precision: Callable[..., Any]) -> None:
    """``ngram_precision(hypothesis, references, n)``: clipped n-gram matches / n-grams of the hypothesis."""
    ck.is_callable(ngram_precision, "ngram_precision")
    words = ["le", "chat", "est", "sur", "la", "table", "un", "chien", "dort", "ici"]

    def judge(hyp: list[str], refs: list[list[str]], n: int, what: str) -> None:
        got = ck.number(ck.call(ngram_precision, list(hyp), [list(r) for r in refs], n), f"ngram_precision ({what})")
        shown = f"{what}: hypothesis {' '.join(hyp)!r}, {len(refs)} reference(s), n={n}"
        if len(hyp) < n:
            ck.require(np.isclose(got, 0, atol=1e-9), f"ngram_precision = {got} for a hypothesis shorter than n "
                       f"({shown})", "a hypothesis with no n-gram at all has precision 0")
            return
        n_grams = len(hyp) - n + 1
        if np.isclose(got, _matches(hyp, refs, n) / n_grams, atol=1e-9):
            return
        guesses = [(_matches(hyp, refs, n, clip) / n_grams, hint) for clip, hint in [
            (lambda counts: np.inf if any(counts) else 0, "clip the counts: an n-gram that occurs k times in the "
             "hypothesis matches at most as many times as it occurs in a reference"),
            (sum, "clip by the largest count in any ONE reference, not by the sum over the references"),
            (lambda counts: counts[0], "use every reference: each n-gram is clipped by its largest count in any of "
             "them")]]
        if len(refs[0]) >= n:
            guesses.append((_matches(hyp, refs, n) / (len(refs[0]) - n + 1), "divide by the number of n-grams of the "
                            "HYPOTHESIS (this is a precision), not of the reference"))
        ck.diagnose(got, guesses, f"ngram_precision = {got:.4f} ({shown}); not the modified precision",
                    "n-grams are runs of n consecutive tokens; count each in the hypothesis, clip by its largest "
                    "count in a single reference, sum, and divide by the hypothesis' number of n-grams")

    judge("le le le le le le le".split(), ["le chat est sur la table".split(), "la le chat dort sur la table".split()],
          1, "the classic repeated word")
    judge("le chat est ici".split(), ["le chat dort ici".split()], 2, "bigrams")
    judge("chat".split(), ["le chat".split()], 2, "a hypothesis shorter than n")
    ck.passed("three hand-made cases (clipping, bigrams, too short)")
    for trial in range(10):
        hyp = [str(w) for w in ck.rng.choice(words[:6], size=int(ck.rng.integers(3, 12)))]
        refs = [[str(w) for w in ck.rng.choice(words, size=int(ck.rng.integers(3, 12)))]
                for _ in range(int(ck.rng.integers(1, 4)))]
        judge(hyp, refs, int(ck.rng.integers(1, 4)), f"random case {trial + 1}")
    ck.passed("10 random cases, n from 1 to 3, 1 to 3 references")


@exercise("11.4", "the masked loss as a Keras loss for compile()")
def check_11_4(ck: Check, keras_masked_loss: Callable[..., Any]) -> None:
    """``keras_masked_loss(y_true, logits)`` in keras.ops: a scalar tensor that ``compile`` and ``fit`` can use."""
    kc.seed(ck)
    ck.is_callable(keras_masked_loss, "keras_masked_loss")

    def loss(y_true: np.ndarray, logits: np.ndarray, what: str = "keras_masked_loss(y_true, logits)",
             hint: str = "y_true and logits arrive as tensors, as in compile: work on them with keras.ops (ops.sum, "
                         "ops.cast, ops.not_equal, ...), not with NumPy methods") -> float:
        out = ck.call(keras_masked_loss, keras.ops.convert_to_tensor(y_true), keras.ops.convert_to_tensor(logits),
                      what=what, hint=hint)
        value = kc.numpy(ck, out, "what keras_masked_loss returns")
        if value.size != 1:
            ck.fail(f"on labels of shape {y_true.shape} your loss returns an array of shape {value.shape}; a loss "
                    "for this exercise returns ONE number", "reduce to the mean over the real tokens yourself: "
                    "compile would average per-token losses over ALL positions, padding included")
        if not keras.ops.is_tensor(out):
            ck.fail(f"keras_masked_loss returns a {type(out).__name__}, not a tensor",
                    "a loss that fit can train with must stay a tensor: compute it with keras.ops (ops.sum, "
                    "ops.cast, ...), without NumPy or float(...), so gradients can flow through it")
        return float(value.reshape(-1)[0])

    for trial in range(4):
        batch, time, vocab = int(ck.rng.integers(3, 7)), int(ck.rng.integers(4, 9)), int(ck.rng.integers(6, 16))
        y_true = _padded_targets(ck, batch, time, vocab)
        logits = ck.rng.normal(scale=2.0, size=(batch, time, vocab)).astype("float32")
        _judge_masked_mean(ck, loss(y_true, logits), y_true, logits, f"random batch {trial + 1} "
                           f"({batch} sentences, one of them a single real token)")
    ck.passed("a scalar tensor equal to the mean cross-entropy over the real tokens, on 4 random padded batches")

    # compile() hands the labels over as float32: they must still work as labels and in the mask
    value = loss(y_true.astype("float32"), logits, "keras_masked_loss with float32 labels (what compile passes)",
                 "inside compile Keras converts y_true to the logits' dtype (float32): cast it back to integers "
                 "first, ops.cast(y_true, 'int32')")
    _judge_masked_mean(ck, value, y_true, logits, "with float32 labels")
    ck.passed("labels given as float32, as compile passes them")

    noisy = logits.copy()
    noisy[y_true == 0] += ck.rng.normal(scale=50, size=noisy[y_true == 0].shape).astype("float32")
    ck.require(np.isclose(loss(y_true, noisy), value, rtol=1e-5, atol=1e-6),
               "changing the logits at padded positions changed the loss",
               "padded positions must not enter the loss at all (weight them by 0 before summing)",
               passed="the logits at padded positions do not matter")

    # one training step of a tiny model compiled with the loss
    vocab = 12
    x = _padded_targets(ck, 8, 7, vocab)
    y = np.where(x != 0, ck.rng.integers(1, vocab, size=x.shape), 0).astype("int32")
    model = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(vocab, 8),
                              keras.layers.Dense(vocab)])
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=keras_masked_loss, jit_compile=False)
    before = keras.ops.convert_to_numpy(model(x))
    kernel = keras.ops.convert_to_numpy(model.layers[-1].kernel).copy()
    history = ck.call(model.fit, x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0,
                      what="model.fit with your loss",
                      hint="fit runs the loss inside a compiled TensorFlow graph on symbolic tensors: use keras.ops "
                           "only (no NumPy, no float(...), no Python `if` on tensor values)")
    reported = float(history.history["loss"][0])
    ck.require(np.isfinite(reported), f"fit reported the loss {reported}",
               "a batch always has real tokens here; look for a log of 0 or a division by 0")
    _judge_masked_mean(ck, reported, y, before.astype("float64"), "the loss fit reports for one step")
    moved = float(np.abs(keras.ops.convert_to_numpy(model.layers[-1].kernel) - kernel).max())
    ck.require(moved > 0, "one step of fit with your loss did not change the model's weights",
               "the loss must be differentiable with respect to the logits: no ops.stop_gradient, no argmax or "
               "rounding on the path from the logits to the loss",
               passed=f"model.compile(loss=keras_masked_loss) trains: one fit step, finite loss {reported:.4f}")
