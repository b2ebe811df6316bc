"""Lesson 09 (POS tagging): a masked accuracy, the most-frequent-tag baseline, padding per batch, a tagger."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Callable

import keras
import numpy as np

from course_utils import text
from course_utils.tagging import MostFrequentTagBaseline
from . import keras_checks as kc
from .core import Check, exercise
from .references import bucketed_share

TAGS = ["DT", "IN", "JJ", "NN", "NNS", "RB", "VB", "VBD"]
WORDS = ["the", "a", "can", "run", "fast", "old", "man", "boat", "flies", "like", "time", "that", "saw", "back",
         "Time", "The", "light", "well", "down", "round"]


def _tagging_batch(ck: Check) -> tuple[np.ndarray, np.ndarray]:
    batch, time, n_tags = int(ck.rng.integers(3, 8)), int(ck.rng.integers(6, 15)), int(ck.rng.integers(5, 12))
    real = kc.padding_mask(ck, batch, time, "post")             # one sentence fills the batch
    y_true = np.where(real, ck.rng.integers(2, n_tags, size=(batch, time)), 0)
    scores = ck.rng.normal(size=(batch, time, n_tags))
    good = ck.rng.random((batch, time)) < 0.6                    # a tagger right about 60% of the time...
    scores[good, y_true[good]] += 6.0
    pad_guess = ck.rng.random((batch, time)) < 0.1               # ...that sometimes predicts PAD on a real token
    scores[pad_guess & real, 0] += 12.0
    scores[~real & (ck.rng.random((batch, time)) < 0.5), 0] += 12.0      # and PAD on half the padding
    probs = np.exp(scores - scores.max(-1, keepdims=True))
    return y_true, probs / probs.sum(-1, keepdims=True)


@exercise("09.1", "a token accuracy that ignores padding")
def check_09_1(ck: Check, masked_accuracy: Callable[..., Any]) -> None:
    """``masked_accuracy(y_true, probs)``: correct real tokens / real tokens, real = ``y_true != 0``."""
    ck.is_callable(masked_accuracy, "masked_accuracy")
    for trial in range(5):
        y_true, probs = _tagging_batch(ck)
        got = ck.number(ck.call(masked_accuracy, y_true.copy(), probs.copy()), "masked_accuracy(...)")
        pred = probs.argmax(-1)
        real = y_true != 0
        expected = float(np.sum((pred == y_true) & real) / np.sum(real))
        if np.isclose(got, expected, atol=1e-6):
            continue
        per_sentence = np.sum((pred == y_true) & real, axis=1) / np.sum(real, axis=1)
        source_mask = pred != 0
        guesses = [
            (float(np.mean(pred == y_true)), "padding positions are counted: keep only the positions where the "
             "TRUE label is not 0, in the numerator and in the denominator"),
            (float(np.sum((pred == y_true) & source_mask) / max(np.sum(source_mask), 1)),
             "that is the source's metric: the mask must come from the labels (y_true != 0), not from the "
             "predicted tag, otherwise a real token predicted as padding simply disappears"),
            (float(per_sentence.mean()), "that is the mean of per-sentence accuracies: count correct tokens and "
             "real tokens over the whole batch, then divide once"),
            (float(np.sum((pred == y_true) & real) / y_true.size), "divide by the number of REAL tokens, not by "
             "all positions"),
        ]
        ck.diagnose(got, guesses,
                    f"masked_accuracy = {got:.4f} on a random batch {y_true.shape}; that is not the token accuracy",
                    "predicted tag = argmax over the last axis; real token = y_true != 0; "
                    "accuracy = (correct real tokens) / (real tokens)")
    ck.passed("matches the masked token accuracy on 5 random padded batches")


def _tagged_corpus(ck: Check, with_tie: bool) -> tuple[list[list[str]], list[list[str]]]:
    words = [str(w) for w in ck.rng.choice(WORDS, size=int(ck.rng.integers(8, 14)), replace=False)]
    words += [w for w in ("The", "the") if w not in words]      # the case of a word matters
    tag_set = list(ck.rng.choice(TAGS, size=int(ck.rng.integers(3, 6)), replace=False))
    favourite = {w: ck.rng.permutation(tag_set)[:2] for w in words}      # each word: a main and a second tag
    sentences, tags = [], []
    for _ in range(int(ck.rng.integers(6, 12))):
        length = int(ck.rng.integers(2, 8))
        s = [str(w) for w in ck.rng.choice(words, size=length)]
        t = [str(favourite[w][0] if ck.rng.random() < 0.7 else favourite[w][1]) for w in s]
        sentences.append(s)
        tags.append(t)
    if with_tie:                     # one new word seen twice: first with the alphabetically LATER tag
        late, early = sorted(ck.rng.choice(tag_set, size=2, replace=False))[::-1]
        sentences.append(["Rare", "Rare"])
        tags.append([str(late), str(early)])
    return sentences, tags


@exercise("09.2", "the most-frequent-tag baseline")
def check_09_2(ck: Check, most_frequent_tags: Callable[..., Any]) -> None:
    """``most_frequent_tags(sentences, tags)`` -> ({word: its most frequent tag}, the most frequent tag overall)."""
    ck.is_callable(most_frequent_tags, "most_frequent_tags")
    for trial in range(5):
        with_tie = trial >= 2
        sentences, tags = _tagged_corpus(ck, with_tie)
        out = ck.call(most_frequent_tags, [list(s) for s in sentences], [list(t) for t in tags])
        word_tag, default = ck.pair(out, "most_frequent_tags", ("word_tag", "default_tag"))
        ck.require(isinstance(word_tag, dict), f"word_tag should be a dict, got {type(word_tag).__name__}",
                   "word_tag maps each training word to its tag; default_tag is one tag for unknown words")
        reference = MostFrequentTagBaseline().fit(sentences, tags)
        pairs = [(w, g) for s, t in zip(sentences, tags) for w, g in zip(s, t)]      # every token and its tag
        per_word: dict[str, Counter[str]] = defaultdict(Counter)
        for w, g in pairs:
            per_word[w][g] += 1
        if set(word_tag) != set(per_word):
            lower = {w.lower() for w in per_word}
            if set(word_tag) == lower and lower != set(per_word):
                ck.fail("the dict's words are lower-cased", "keep the case: 'The' and 'the' are different words "
                        "for the tagger (capitals help with proper nouns)")
            ck.fail(f"the dict should have one entry per distinct training word ({len(per_word)}), "
                    f"it has {len(word_tag)}", "every word that occurs in the training sentences, exactly as written")
        for w, counts in per_word.items():
            if word_tag[w] == reference.word_tag[w]:
                continue
            top = max(counts.values())
            if counts[word_tag[w]] == top:
                ck.fail(f"word {w!r} has a tie between tags {sorted(t for t in counts if counts[t] == top)}, and you "
                        f"picked {word_tag[w]!r}", "break ties alphabetically (the first tag in sorted order), "
                        "so the result does not depend on the order of the sentences")
            last_seen = word_tag[w] == [g for x, g in pairs if x == w][-1]
            ck.fail(f"word {w!r} got tag {word_tag[w]!r}, which is not its most frequent tag in training",
                    "that is the tag it had the last time it was seen: count (word, tag) pairs and take the largest"
                    if last_seen else "count how often each word carries each tag, and take the largest count")
        if default != reference.default_tag:
            by_type = Counter(reference.word_tag.values())             # each word type's tag, once
            hint = ("that counts each word type once; count every token"
                    if default == min(by_type, key=lambda t: (-by_type[t], t)) else
                    "the default is the most frequent tag over all training TOKENS (it need not be NN)")
            ck.fail(f"the default tag {default!r} is not the most frequent tag of the training tokens", hint)
    ck.passed("word tags and default tag on 5 random tagged corpora, 3 of them with a tie")


@exercise("09.3", "the padded share of batches padded to their own longest sentence")
def check_09_3(ck: Check, padding_share: Callable[..., Any]) -> None:
    """``padding_share(lengths, batch_size)``: consecutive batches, each padded to its longest sentence."""
    ck.is_callable(padding_share, "padding_share")
    cases = [(np.array([3, 3, 3, 3]), 2), (np.array([2, 4, 1, 1, 5]), 2)]
    for _ in range(6):
        n = int(ck.rng.integers(5, 60))
        cases.append((ck.rng.integers(1, 60, size=n), int(ck.rng.integers(2, 9))))
    cases.append((np.sort(cases[-1][0]), cases[-1][1]))          # the same lengths, sorted: much less padding
    for lengths, batch_size in cases:
        got = ck.number(ck.call(padding_share, lengths.copy(), batch_size), "padding_share(...)")
        expected = bucketed_share(lengths.tolist(), [], batch_size)      # no boundaries: one bucket
        if np.isclose(got, expected, atol=1e-9):
            continue
        n, real = len(lengths), float(lengths.sum())
        full_last = batch_size * sum(int(lengths[i:i + batch_size].max()) for i in range(0, n, batch_size))
        guesses = [
            (1 - real / (n * lengths.max()), "every batch is padded to ITS OWN longest sentence, "
             "not to the longest sentence of all"),
            (expected / (1 - expected),
             "the share is padded timesteps / ALL timesteps (real + padded), not / real ones"),
            (1 - real / full_last, f"the last batch holds {n % batch_size} of {batch_size} possible sentences here "
             f"({n} is not a multiple of {batch_size}): do not count rows that do not exist"),
        ]
        if n > batch_size:
            guesses.append((bucketed_share(lengths.tolist(), [], batch_size, drop_rest=True),
                            "the last, smaller batch counts too"))
        shown = f"lengths={lengths.tolist()}, batch_size={batch_size}"
        ck.diagnose(got, guesses, f"padding_share = {got:.4f} for {shown}; that is not the padded share",
                    "cut the lengths into consecutive batches; a batch of b sentences whose longest has L tokens "
                    "occupies b * L timesteps; share = 1 - (real tokens) / (all timesteps)")
    ck.passed("2 hand-made and 7 random length lists, one of them sorted")


# -- 09.4: the source lab's graded exercise -----------------------------------------------------------------
# A toy treebank where context decides the tag: determiners (tag 1), adjectives (2), nouns (3), verbs (4) and
# adverbs (5) each have their own words, and five ambiguous words are nouns after a determiner or an adjective
# and verbs after a noun (like "saw", "back", "like"). A tagger that looks at one word at a time (the
# most-frequent-tag baseline) gets about a third of the ambiguous tokens wrong; a bidirectional RNN need not.
_TOY_WORDS = {1: range(1, 4), 2: range(4, 8), 3: range(8, 14), 4: range(14, 19), 5: range(24, 27)}
_AMBIGUOUS = range(19, 24)
TOY_VOCAB, TOY_TAGS = 27, 6          # ids 0 .. 26 (0 = padding), tags 0 .. 5 (0 = padding)


def _toy_sentence(rng: np.random.Generator) -> tuple[list[int], list[int]]:
    words: list[int] = []
    tags: list[int] = []

    def add(tag: int, ambiguous: bool = False) -> None:
        pool = _AMBIGUOUS if ambiguous else _TOY_WORDS[tag]
        words.append(int(rng.choice(pool)))
        tags.append(tag)

    for slot in ("subject", "verb", "object"):
        if slot == "verb":
            add(4, ambiguous=rng.random() < 0.5)
            continue
        add(1)
        if rng.random() < 0.5:
            add(2)
        add(3, ambiguous=rng.random() < 0.5)
    for _ in range(int(rng.integers(0, 4))):
        add(5)
    return words, tags


def toy_treebank(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` toy sentences as word ids and tag ids, post-padded with 0 to the longest: (n, time) each."""
    pairs = [_toy_sentence(rng) for _ in range(n)]
    return text.pad([w for w, _ in pairs]), text.pad([t for _, t in pairs])


@exercise("09.4", "an LSTM part-of-speech tagger of your own")
def check_09_4(ck: Check, build_tagger: Callable[..., Any]) -> None:
    """``build_tagger(vocab_size, n_tags)`` -> a Keras model from padded word ids to per-token tag probabilities."""
    kc.seed(ck)
    model = kc.build(ck, build_tagger, TOY_VOCAB, TOY_TAGS, what="build_tagger(vocab_size, n_tags)")
    x, y = toy_treebank(ck.rng, 6)
    probs = kc.outputs(ck, model, x, "your tagger")
    kc.check_tagger_outputs(ck, model, probs, (*x.shape, TOY_TAGS), "tags")

    longer = np.concatenate([x, np.zeros((len(x), 7), "int32")], axis=1)
    moved = np.abs(kc.outputs(ck, model, longer, "your tagger")[:, : x.shape[1]] - probs)[x > 0].max()
    ck.require(moved < 1e-4, f"adding padding after the sentences changes the tags' probabilities at real tokens "
               f"(by up to {moved:.3g}): the recurrent layer reads the padding",
               "give the embedding mask_zero=True, so every later layer (and the loss) skips padding",
               passed="the probabilities at real tokens do not depend on the padding after them")

    x_train, y_train = toy_treebank(ck.rng, 500)
    x_test, y_test = toy_treebank(ck.rng, 300)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    ck.call(lambda: model.fit(x_train, y_train, batch_size=32, epochs=4, verbose=0), what="training your tagger")
    # (after training: an untrained tagger gives the same probabilities to every tag at padding, so any label
    # there costs the same and the test could not tell)
    relabelled = np.where(y > 0, y, 3)             # claim that every padding position is a noun
    loss_real = float(np.ravel(model.evaluate(x, y, batch_size=len(x), verbose=0))[0])
    loss_relabelled = float(np.ravel(model.evaluate(x, relabelled, batch_size=len(x), verbose=0))[0])
    ck.require(np.isclose(loss_real, loss_relabelled, rtol=1e-4, atol=1e-5),
               f"the loss changes when only the labels at padding change ({loss_real:.4f} -> {loss_relabelled:.4f}):"
               " padding is counted in the loss", "the mask must travel from the embedding to the output, and some "
               "layers drop it (Keras warns 'will destroy the mask'): Lambda, Conv1D, Reshape, Flatten do; Dense, "
               "Dropout and LayerNormalization keep it",
               passed="the loss ignores the labels at padding positions")

    pred = kc.outputs(ck, model, x_test, "your trained tagger").argmax(-1)
    counts = np.zeros((TOY_VOCAB, TOY_TAGS))                    # the most-frequent-tag baseline's (word, tag) counts
    np.add.at(counts, (x_train[y_train > 0], y_train[y_train > 0]), 1)
    real = y_test > 0
    accuracy, baseline = (float(np.mean(p[real] == y_test[real])) for p in (pred, counts.argmax(1)[x_test]))
    ck.require(accuracy >= baseline + 0.04,
               f"after 4 epochs on 500 toy sentences the masked token accuracy is {accuracy:.3f}, and the "
               f"most-frequent-tag baseline gets {baseline:.3f}: the tagger should beat it by at least 0.04",
               "the ambiguous words need their neighbours: is the recurrent layer between the embedding and the "
               "output, with return_sequences=True, and wide enough (say 16 units or more)?",
               passed=f"trained: masked token accuracy {accuracy:.3f} vs most-frequent-tag baseline {baseline:.3f}")
