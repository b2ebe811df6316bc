"""Lesson 15 (spaCy linguistics): entity spans from BIO tags, a subtree of a dependency parse, tag agreement.

The checks work on plain Python lists (tags, head indices), so they run without any spaCy pipeline.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable

import keras
import numpy as np

from course_utils import text
from . import keras_checks as kc
from .core import Check, _short, exercise

LABELS = ["PERSON", "ORG", "GPE", "DATE", "MONEY"]


def _random_entities(ck: Check, n: int) -> tuple[list[str], list[tuple[int, int, str]]]:
    """A well-formed BIO sequence of ``n`` tokens and its spans (start, end exclusive, label)."""
    tags, spans, i = [], [], 0
    while i < n:
        if ck.rng.random() < 0.45:
            length = int(min(n - i, ck.rng.integers(1, 4)))
            label = str(ck.rng.choice(LABELS))
            tags += [f"B-{label}"] + [f"I-{label}"] * (length - 1)
            spans.append((i, i + length, label))
            i += length
        else:
            tags.append("O")
            i += 1
    return tags, spans


@exercise("15.1", "entity spans from BIO tags")
def check_15_1(ck: Check, bio_to_spans: Callable[..., Any]) -> None:
    """``bio_to_spans(tags)`` -> [(start, end, label)], end exclusive, in order."""
    ck.is_callable(bio_to_spans, "bio_to_spans")
    fixed = [
        (["B-PERSON", "I-PERSON", "O", "B-GPE"], [(0, 2, "PERSON"), (3, 4, "GPE")]),       # entity at the very end
        (["B-DATE", "B-DATE", "O", "O"], [(0, 1, "DATE"), (1, 2, "DATE")]),               # two entities side by side
        (["O", "O", "O"], []),
        (["B-ORG", "I-ORG", "I-ORG"], [(0, 3, "ORG")]),                                     # the whole sentence
        (["O", "B-MONEY", "I-MONEY", "B-PERSON", "O"], [(1, 3, "MONEY"), (3, 4, "PERSON")]),
    ]
    cases = fixed + [_random_entities(ck, int(ck.rng.integers(4, 15))) for _ in range(12)]
    for tags, expected in cases:
        got = ck.call(bio_to_spans, list(tags))
        ck.require(isinstance(got, (list, tuple)) and all(isinstance(v, (list, tuple)) for v in got),
                   f"bio_to_spans should return a list of (start, end, label) tuples; got {_short(got, 60)}",
                   "append (start, end, label) for each entity")
        got = [tuple(v) for v in got]
        if got == expected:
            continue
        what = f"bio_to_spans({_short(tags, 90)}) = {_short(got, 90)}"
        if got == [(s, e - 1, lab) for s, e, lab in expected]:
            ck.fail(what, "the end is exclusive, as in Python slices and spaCy's span.end: "
                          "an entity of one token at position i is (i, i + 1, label)")
        if got == [(s, e, f"B-{lab}") for s, e, lab in expected]:
            ck.fail(what, "the label is the tag without its B- / I- prefix")
        if expected and got == expected[:-1] and expected[-1][1] == len(tags):
            ck.fail(what, "an entity that runs to the last token is never closed: "
                          "after the loop, add the entity still open")
        if len(got) < len(expected) and any(tags[i].startswith("B-") and tags[i - 1] == tags[i]
                                            for i in range(1, len(tags))):
            ck.fail(what, "two entities side by side were merged: every B- tag starts a NEW entity, "
                          "even right after an entity of the same label")
        ck.fail(what, "B-X opens an entity labelled X, I-X continues it, O (or the next B-) closes it; "
                      "spans are (start, end exclusive, label) in order")
    ck.passed(f"{len(cases)} tag sequences (adjacent entities, entities at both ends, no entity)")


def _random_heads(ck: Check, n: int) -> list[int]:
    """A random dependency tree: heads[i] is the head of token i; the root is its own head."""
    order = ck.rng.permutation(n)
    heads = np.empty(n, dtype=int)
    heads[order] = order[[0, *(int(ck.rng.integers(0, k)) for k in range(1, n))]]  # an earlier token as head
    return heads.tolist()


def _path_to_root(heads: list[int], i: int) -> list[int]:
    """Token ``i``, its head, the head's head, ... up to the root (its own head)."""
    path = [i]
    while heads[path[-1]] != path[-1]:
        path.append(heads[path[-1]])
    return path


def _subtree(heads: list[int], i: int) -> list[int]:
    return [j for j in range(len(heads)) if i in _path_to_root(heads, j)]


@exercise("15.2", "the subtree of a word in a dependency parse")
def check_15_2(ck: Check, subtree: Callable[..., Any]) -> None:
    """``subtree(heads, i)`` -> sorted indices of i and every word that depends on it, directly or not."""
    ck.is_callable(subtree, "subtree")
    # "The small rabbit quickly ate the fresh carrots in the garden ." as spaCy parses it
    rabbit = [2, 2, 4, 4, 4, 7, 7, 4, 4, 10, 8, 4]
    trees = [rabbit] + [_random_heads(ck, int(ck.rng.integers(5, 12))) for _ in range(6)]
    for t, heads in enumerate(trees):
        for i in range(len(heads)):
            got = ck.array(ck.call(subtree, list(heads), i), "what subtree returns", "return a list of token indices")
            got_list = sorted(got.astype(int).ravel().tolist())
            expected = _subtree(heads, i)
            if got_list == expected:
                continue
            what = f"subtree(heads={heads}, i={i}) gives {_short(got_list, 60)}"
            children = sorted({i} | {j for j, h in enumerate(heads) if h == i and j != i})
            if got_list == children:
                ck.fail(what, "that is the word and its children only; the subtree also holds their children, "
                              "and theirs, down to the leaves")
            if got_list == [j for j in expected if j != i]:
                ck.fail(what, "the word itself belongs to its subtree (as in spaCy's token.subtree)")
            if got_list == sorted(_path_to_root(heads, i)):
                ck.fail(what, "that is the path from the word up to the root (its heads); the subtree goes "
                              "the other way, down to the words that depend on it")
            if i in got_list and all(j in got_list for j in expected) and len(got_list) > len(expected):
                ck.fail(what, "too many words: a word is in the subtree of i only if following its heads "
                              "upwards reaches i (the root is its own head: stop there)")
            ck.fail(what, "collect i and every word whose chain of heads passes through i")
    ck.passed(f"every word of {len(trees)} trees (spaCy's parse of a sentence and 6 random trees)")


def _share_by(keys: list[str], gold: list[str], pred: list[str]) -> dict[str, float]:
    """For each key, the share of its tokens (``keys`` holds one per token) where gold and pred agree."""
    hits: dict[str, list[bool]] = {}
    for k, g, p in zip(keys, gold, pred):
        hits.setdefault(k, []).append(g == p)
    return {k: float(np.mean(v)) for k, v in hits.items()}


@exercise("15.3", "agreement with the treebank, overall and per tag")
def check_15_3(ck: Check, tag_agreement: Callable[..., Any]) -> None:
    """``tag_agreement(gold, pred)`` -> (overall share, {gold tag: share of its tokens tagged the same})."""
    ck.is_callable(tag_agreement, "tag_agreement")
    tagset = ["NN", "IN", "DT", "JJ", "NNP", "VBD", "TO", "RB"]
    freq = np.array([30, 20, 18, 10, 8, 6, 5, 3], dtype=float)
    for trial in range(4):
        n = int(ck.rng.integers(40, 90))
        gold = [str(t) for t in ck.rng.choice(tagset, size=n, p=freq / freq.sum())]
        flip = ck.rng.random(n) < ck.rng.uniform(0.15, 0.4)
        pred = [str(ck.rng.choice(tagset)) if f else g for g, f in zip(gold, flip)]
        overall, per = float(np.mean([g == p for g, p in zip(gold, pred)])), _share_by(gold, gold, pred)
        got_overall, got_per = ck.pair(ck.call(tag_agreement, list(gold), list(pred)), "tag_agreement",
                                       ("overall", "per_tag"))
        ck.require(isinstance(got_per, dict), f"per_tag should be a dict, got {type(got_per).__name__}",
                   "per_tag maps each gold tag to a share")
        got_overall = ck.number(got_overall, "the overall agreement", hint="a share between 0 and 1")
        macro = float(np.mean(list(per.values())))
        if np.isclose(got_overall, macro) and not np.isclose(overall, macro):
            ck.fail(f"overall agreement {got_overall:.4f} is the mean of the per-tag shares",
                    "the overall agreement counts tokens: matching tokens / all tokens (rare tags weigh less)")
        if np.isclose(got_overall, overall * 100) and overall > 0:
            ck.fail(f"overall agreement {got_overall:.4g}: a percentage", "give a share between 0 and 1")
        ck.require(np.isclose(got_overall, overall, atol=1e-9), f"overall agreement {got_overall:.4f} is not right",
                   "the share of positions where the two tags are equal")
        got_per = {k: ck.number(v, "a value of per_tag", "a share between 0 and 1") for k, v in got_per.items()}

        def same(shares: dict[str, float]) -> bool:
            return set(got_per) == set(shares) and all(np.isclose(got_per[t], shares[t]) for t in shares)

        if same(_share_by(pred, gold, pred)) and got_per != per:
            ck.fail("per_tag groups the tokens by the PREDICTED tag",
                    "group by the treebank's (gold) tag: of the tokens the annotator tagged NN, how many did "
                    "the tagger also tag NN?")
        if set(got_per) != set(per):
            extra, missing = sorted(set(got_per) - set(per)), sorted(set(per) - set(got_per))
            ck.fail(f"per_tag has the wrong keys (extra {extra}, missing {missing})",
                    "one entry per tag that occurs in gold, nothing else")
        counts = Counter(gold)
        if same({t: per[t] * counts[t] for t in per}) and any(counts[t] > 1 for t in per):
            ck.fail("per_tag holds counts of matching tokens, not shares",
                    "divide by the number of gold tokens of that tag")
        for t in sorted(per):
            ck.require(np.isclose(got_per[t], per[t], atol=1e-9), f"per_tag[{t!r}] = {got_per[t]:.4f} is not right",
                       "of the tokens whose gold tag is t, the share whose predicted tag is t as well")
    ck.passed("overall and per-tag agreement on 4 random taggings (skewed tag frequencies)")


# -- 15.4: an entity tagger that reads spaCy's part-of-speech tags as a second input --------------------------
# A toy corpus in which ONLY the part-of-speech tags tell where the names are: the word ids are drawn at random,
# whatever the tag. POS ids: 1 DET, 2 ADJ, 3 NOUN, 4 VERB, 5 PROPN (0 = padding); BIO labels: 1 O, 2 B-NAME,
# 3 I-NAME (0 = padding). A proper noun opens a name (B) unless the token before it is a proper noun too (I):
# telling B from I needs the tag of the previous token, so the model needs its context as well.
POS_TAGS = ["<pad>", "DET", "ADJ", "NOUN", "VERB", "PROPN"]
BIO_LABELS = ["<pad>", "O", "B-NAME", "I-NAME"]
TOY_WORDS = 30


def _toy_pos_sentence(rng: np.random.Generator) -> list[int]:
    pos: list[int] = []
    while len(pos) < int(rng.integers(4, 11)):
        if rng.random() < 0.35:
            pos += [5] * int(rng.integers(1, 4))               # a name of 1 to 3 proper nouns
        else:
            pos.append(int(rng.integers(1, 5)))
    return pos


def toy_pos_corpus(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` toy sentences: word ids, POS ids and BIO label ids, each (n, time), post-padded with 0."""
    rows = [_toy_pos_sentence(rng) for _ in range(n)]
    words = [rng.integers(1, TOY_WORDS, size=len(p)) for p in rows]
    labels = [[(2 if t == 0 or p[t - 1] != 5 else 3) if tag == 5 else 1 for t, tag in enumerate(p)] for p in rows]
    return text.pad(words), text.pad(rows), text.pad(labels)


@exercise("15.4", "an entity tagger that reads words and part-of-speech tags")
def check_15_4(ck: Check, build_feature_tagger: Callable[..., Any]) -> None:
    """``build_feature_tagger(vocab_size, n_pos, n_labels)``: [word ids, POS ids] -> (batch, time, n_labels)."""
    kc.seed(ck)
    n_pos, n_labels = len(POS_TAGS), len(BIO_LABELS)
    model = kc.build(ck, build_feature_tagger, TOY_WORDS, n_pos, n_labels,
                     what="build_feature_tagger(vocab_size, n_pos, n_labels)")
    n_inputs = len(model.inputs) if isinstance(getattr(model, "inputs", None), (list, tuple)) else 1
    ck.require(n_inputs == 2, f"the model has {n_inputs} input(s); it needs two: word ids and POS ids",
               "two keras.Input(shape=(None,), dtype='int32'), and keras.Model([word_ids, pos_ids], outputs)")
    words, pos, labels = toy_pos_corpus(ck.rng, 6)

    def runs(inputs: list[np.ndarray]) -> bool:
        try:
            model(inputs, training=False)
        except Exception:
            return False
        return True

    if not runs([words, pos]) and runs([pos, words]):
        ck.fail("your tagger fails on [word_ids, pos_ids] but runs on [pos_ids, word_ids]: the inputs are in the "
                "wrong order", "keras.Model([word_ids, pos_ids], outputs): the words first")

    def run(w: np.ndarray, p: np.ndarray, what: str = "your tagger") -> np.ndarray:
        return kc.outputs(ck, model, [w, p], what, hint="both inputs are (batch, time) int32 arrays; word ids go up "
                          "to vocab_size - 1, POS ids up to n_pos - 1: size each Embedding by its own vocabulary")

    probs = run(words, pos)
    kc.check_tagger_outputs(ck, model, probs, (*words.shape, n_labels), "labels")

    real = words > 0
    other_pos = np.where(real, ck.rng.integers(1, n_pos, size=pos.shape), 0).astype("int32")
    other_words = np.where(real, ck.rng.integers(1, TOY_WORDS, size=words.shape), 0).astype("int32")
    ck.require(np.abs(run(words, other_pos) - probs)[real].max() > 1e-6,
               "changing the POS ids changes nothing: the model does not read its second input",
               "embed the POS ids too (their own Embedding(n_pos, ...)) and join the two embeddings with "
               "layers.Concatenate() before the recurrent layer")
    ck.require(np.abs(run(other_words, pos) - probs)[real].max() > 1e-6,
               "changing the word ids changes nothing: the model does not read the words",
               "both inputs go into the model: concatenate the word embedding and the POS embedding",
               passed="the output depends on both the words and the POS tags")
    longer_w, longer_p = (np.concatenate([a, np.zeros((len(a), 5), "int32")], axis=1) for a in (words, pos))
    moved = float(np.abs(run(longer_w, longer_p)[:, : words.shape[1]] - probs)[real].max())
    ck.require(moved < 1e-4, f"adding padding after the sentences changes the probabilities at real tokens "
               f"(by up to {moved:.3g})", "give BOTH Embeddings mask_zero=True: Concatenate keeps a position as real "
               "when ANY of its inputs does, so a mask on the words alone is lost next to an unmasked POS "
               "embedding; the joined mask then reaches the recurrent layer and the loss",
               passed="the probabilities at real tokens do not depend on the padding after them")

    x_w, x_p, y = toy_pos_corpus(ck.rng, 384)
    t_w, t_p, t_y = toy_pos_corpus(ck.rng, 300)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    ck.call(lambda: model.fit([x_w, x_p], y, batch_size=32, epochs=4, verbose=0), what="training your tagger")
    pred = run(t_w, t_p, "your trained tagger").argmax(-1)
    keep = t_y > 0
    accuracy = float(np.mean(pred[keep] == t_y[keep]))
    majority = float(np.mean(t_y[keep] == 1))
    inside = t_y == 3
    inside_ok = float(np.mean(pred[inside] == 3)) if inside.any() else 1.0
    ck.require(accuracy >= 0.95,
               f"after 4 epochs on 384 toy sentences the token accuracy is {accuracy:.3f} (always 'O': "
               f"{majority:.3f}; I-NAME tokens right: {inside_ok:.3f}); expected at least 0.95",
               "in this toy corpus only the POS tags show the names, and I-NAME differs from B-NAME by the tag "
               "of the previous token: are the POS embeddings concatenated with the word embeddings, and does "
               "the recurrent layer (16 units or more) return its whole sequence?",
               passed=f"trained: token accuracy {accuracy:.3f} (always 'O': {majority:.3f}), "
                      f"I-NAME tokens {inside_ok:.3f}")
