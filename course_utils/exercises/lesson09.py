"""Lesson 09 (POS tagging): a correctly masked accuracy, the most-frequent-tag baseline, padding per batch."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Callable

import numpy as np

from .core import Check, exercise

TAGS = ["DT", "IN", "JJ", "NN", "NNS", "RB", "VB", "VBD"]
WORDS = ["the", "a", "can", "run", "fast", "old", "man", "boat", "flies", "like", "time", "that", "saw", "back",
         "Time", "The", "light", "well", "down", "round"]


# -- 09.1 ---------------------------------------------------------------------------------------------------
def _tagging_batch(ck: Check) -> tuple[np.ndarray, np.ndarray]:
    batch, time, n_tags = int(ck.rng.integers(3, 8)), int(ck.rng.integers(6, 15)), int(ck.rng.integers(5, 12))
    lengths = ck.rng.integers(1, time + 1, size=batch)
    lengths[0] = time                                            # one sentence fills the batch
    real = np.arange(time)[None, :] < lengths[:, None]
    y_true = np.where(real, ck.rng.integers(2, n_tags, size=(batch, time)), 0)
    scores = ck.rng.normal(size=(batch, time, n_tags))
    good = ck.rng.random((batch, time)) < 0.6                    # a tagger right about 60% of the time...
    b, t = np.nonzero(good)
    scores[b, t, y_true[b, t]] += 6.0
    pad_guess = ck.rng.random((batch, time)) < 0.1               # ...that sometimes predicts PAD on a real token
    b, t = np.nonzero(pad_guess & real)
    scores[b, t, 0] += 12.0
    b, t = np.nonzero(~real & (ck.rng.random((batch, time)) < 0.5))
    scores[b, t, 0] += 12.0                                      # and PAD on half the padding
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


# -- 09.2 ---------------------------------------------------------------------------------------------------
def _best(counts: Counter[str]) -> str:
    return min(counts, key=lambda t: (-counts[t], t))


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
        if not isinstance(out, (tuple, list)) or len(out) != 2 or not isinstance(out[0], dict):
            ck.fail(f"expected a pair (word_tag dict, default tag), got {type(out).__name__}",
                    "return word_tag, default_tag: a dict from word to tag, and one tag for unknown words")
        word_tag, default = out
        per_word: dict[str, Counter[str]] = defaultdict(Counter)
        for s, t in zip(sentences, tags):
            for w, g in zip(s, t):
                per_word[w][g] += 1
        overall = Counter(g for t in tags for g in t)
        if set(word_tag) != set(per_word):
            lower = {w.lower() for w in per_word}
            if set(word_tag) == lower and lower != set(per_word):
                ck.fail("the dict's words are lower-cased", "keep the case: 'The' and 'the' are different words "
                        "for the tagger (capitals help with proper nouns)")
            ck.fail(f"the dict should have one entry per distinct training word ({len(per_word)}), "
                    f"it has {len(word_tag)}", "every word that occurs in the training sentences, exactly as written")
        for w, counts in per_word.items():
            if word_tag[w] == _best(counts):
                continue
            top = max(counts.values())
            if counts[word_tag[w]] == top:
                ck.fail(f"word {w!r} has a tie between tags {sorted(t for t in counts if counts[t] == top)}, and you "
                        f"picked {word_tag[w]!r}", "break ties alphabetically (the first tag in sorted order), "
                        "so the result does not depend on the order of the sentences")
            last = [g for s, t in zip(sentences, tags) for x, g in zip(s, t) if x == w][-1]
            ck.fail(f"word {w!r} got tag {word_tag[w]!r}, which is not its most frequent tag in training",
                    "that is the tag it had the last time it was seen: count (word, tag) pairs and take the largest"
                    if word_tag[w] == last else "count how often each word carries each tag, and take the largest count")
        if default != _best(overall):
            by_type = Counter(_best(c) for c in per_word.values())
            hint = ("that counts each word type once; count every token"
                    if default == _best(by_type) else
                    "the default is the most frequent tag over all training TOKENS (it need not be NN)")
            ck.fail(f"the default tag {default!r} is not the most frequent tag of the training tokens", hint)
    ck.passed("word tags and default tag on 5 random tagged corpora, 3 of them with a tie")


# -- 09.3 ---------------------------------------------------------------------------------------------------
def _padding_share(lengths: np.ndarray, batch_size: int) -> float:
    padded = sum(len(chunk) * int(chunk.max()) for chunk in
                 (lengths[i:i + batch_size] for i in range(0, len(lengths), batch_size)))
    return 1.0 - float(lengths.sum()) / padded


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
        expected = _padding_share(lengths, batch_size)
        if np.isclose(got, expected, atol=1e-9):
            continue
        real = float(lengths.sum())
        chunks = [lengths[i:i + batch_size] for i in range(0, len(lengths), batch_size)]
        padded = sum(len(c) * int(c.max()) for c in chunks)
        full_last = sum(batch_size * int(c.max()) for c in chunks)
        guesses = [
            (1 - real / (len(lengths) * lengths.max()), "every batch is padded to ITS OWN longest sentence, "
             "not to the longest sentence of all"),
            ((padded - real) / real, "the share is padded timesteps / ALL timesteps (real + padded), not / real ones"),
            (1 - real / full_last, f"the last batch holds {len(chunks[-1])} of {batch_size} possible sentences here "
             f"({len(lengths)} is not a multiple of {batch_size}): do not count rows that do not exist"),
        ]
        if len(chunks[-1]) < batch_size and len(chunks) > 1:
            kept = lengths[: (len(chunks) - 1) * batch_size]
            guesses.append((_padding_share(kept, batch_size), "the last, smaller batch counts too"))
        shown = f"lengths={lengths.tolist()}, batch_size={batch_size}"
        ck.diagnose(got, guesses, f"padding_share = {got:.4f} for {shown}; that is not the padded share",
                    "cut the lengths into consecutive batches; a batch of b sentences whose longest has L tokens "
                    "occupies b * L timesteps; share = 1 - (real tokens) / (all timesteps)")
    ck.passed("2 hand-made and 7 random length lists, one of them sorted")
