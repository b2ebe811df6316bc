"""Lesson 15 (spaCy linguistics): entity spans from BIO tags, a subtree of a dependency parse, tag agreement.

The checks work on plain Python lists (tags, head indices), so they run without any spaCy pipeline.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Callable

import numpy as np

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


def _as_spans(value: Any, ck: Check) -> list[tuple[Any, ...]]:
    if not isinstance(value, (list, tuple)):
        ck.fail(f"bio_to_spans should return a list of (start, end, label) tuples; got {type(value).__name__}")
    try:
        return [tuple(v) for v in value]
    except TypeError:
        ck.fail("every span should be a (start, end, label) tuple", "append (start, end, label) for each entity")
    return []


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
        got = _as_spans(ck.call(bio_to_spans, list(tags)), ck)
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
    order = [int(v) for v in ck.rng.permutation(n)]
    heads = [0] * n
    root = order[0]
    heads[root] = root
    for k, tok in enumerate(order[1:], start=1):
        heads[tok] = order[int(ck.rng.integers(0, k))]
    return heads


def _subtree(heads: list[int], i: int) -> list[int]:
    out = []
    for j in range(len(heads)):
        node = j
        while True:
            if node == i:
                out.append(j)
                break
            if heads[node] == node:
                break
            node = heads[node]
    return out


@exercise("15.2", "the subtree of a word in a dependency parse")
def check_15_2(ck: Check, subtree: Callable[..., Any]) -> None:
    """``subtree(heads, i)`` -> sorted indices of i and every word that depends on it, directly or not."""
    ck.is_callable(subtree, "subtree")
    # "The small rabbit quickly ate the fresh carrots in the garden ." as spaCy parses it
    rabbit = [2, 2, 4, 4, 4, 7, 7, 4, 4, 10, 8, 4]
    trees = [rabbit] + [_random_heads(ck, int(ck.rng.integers(5, 12))) for _ in range(6)]
    for t, heads in enumerate(trees):
        for i in range(len(heads)):
            got = ck.call(subtree, list(heads), i)
            try:
                got_list = sorted(int(v) for v in got)
            except Exception:
                ck.fail(f"subtree returned {type(got).__name__}; expected a list of token indices")
            expected = _subtree(heads, i)
            if got_list == expected:
                continue
            what = f"subtree(heads={heads}, i={i}) gives {_short(got_list, 60)}"
            children = sorted({i} | {j for j, h in enumerate(heads) if h == i and j != i})
            if got_list == children and children != expected:
                ck.fail(what, "that is the word and its children only; the subtree also holds their children, "
                              "and theirs, down to the leaves")
            if got_list == [j for j in expected if j != i]:
                ck.fail(what, "the word itself belongs to its subtree (as in spaCy's token.subtree)")
            ancestors, node = [i], i
            while heads[node] != node:
                node = heads[node]
                ancestors.append(node)
            if got_list == sorted(ancestors) and got_list != expected:
                ck.fail(what, "that is the path from the word up to the root (its heads); the subtree goes "
                              "the other way, down to the words that depend on it")
            if i in got_list and all(j in got_list for j in expected) and len(got_list) > len(expected):
                ck.fail(what, "too many words: a word is in the subtree of i only if following its heads "
                              "upwards reaches i (the root is its own head: stop there)")
            ck.fail(what, "collect i and every word whose chain of heads passes through i")
    ck.passed(f"every word of {len(trees)} trees (spaCy's parse of a sentence and 6 random trees)")


def _agreement(gold: list[str], pred: list[str]) -> tuple[float, dict[str, float]]:
    hits = [g == p for g, p in zip(gold, pred)]
    per: dict[str, list[bool]] = {}
    for g, h in zip(gold, hits):
        per.setdefault(g, []).append(h)
    return float(np.mean(hits)), {t: float(np.mean(v)) for t, v in per.items()}


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
        overall, per = _agreement(gold, pred)
        out = ck.call(tag_agreement, list(gold), list(pred))
        if not isinstance(out, (tuple, list)) or len(out) != 2 or not isinstance(out[1], dict):
            ck.fail(f"tag_agreement should return (overall, per_tag dict); got {_short(out, 80)}",
                    "end with `return overall, per_tag`, per_tag a dict from tag to share")
        got_overall, got_per = out
        try:
            got_overall = float(got_overall)
        except Exception:
            ck.fail(f"the overall agreement should be a number, got {type(got_overall).__name__}")
        macro = float(np.mean(list(per.values())))
        if np.isclose(got_overall, macro) and not np.isclose(overall, macro):
            ck.fail(f"overall agreement {got_overall:.4f} is the mean of the per-tag shares",
                    "the overall agreement counts tokens: matching tokens / all tokens (rare tags weigh less)")
        if np.isclose(got_overall, overall * 100) and overall > 0:
            ck.fail(f"overall agreement {got_overall:.4g}: a percentage", "give a share between 0 and 1")
        ck.require(np.isclose(got_overall, overall, atol=1e-9), f"overall agreement {got_overall:.4f} is not right",
                   "the share of positions where the two tags are equal")
        counts = Counter(gold)
        by_pred: dict[str, list[bool]] = {}
        for g, p in zip(gold, pred):
            by_pred.setdefault(p, []).append(g == p)
        precision = {t: float(np.mean(v)) for t, v in by_pred.items()}
        try:
            got_per = {k: float(v) for k, v in got_per.items()}
        except Exception:
            ck.fail("the values of per_tag should be numbers (shares between 0 and 1)")
        if set(got_per) == set(precision) and all(np.isclose(got_per[t], precision[t]) for t in precision) \
                and got_per != per:
            ck.fail("per_tag groups the tokens by the PREDICTED tag",
                    "group by the treebank's (gold) tag: of the tokens the annotator tagged NN, how many did "
                    "the tagger also tag NN?")
        if set(got_per) != set(per):
            extra, missing = sorted(set(got_per) - set(per)), sorted(set(per) - set(got_per))
            ck.fail(f"per_tag has the wrong keys (extra {extra}, missing {missing})",
                    "one entry per tag that occurs in gold, nothing else")
        if all(np.isclose(got_per[t], per[t] * counts[t]) for t in per) and any(counts[t] > 1 for t in per):
            ck.fail("per_tag holds counts of matching tokens, not shares",
                    "divide by the number of gold tokens of that tag")
        for t in sorted(per):
            ck.require(np.isclose(got_per[t], per[t], atol=1e-9), f"per_tag[{t!r}] = {got_per[t]:.4f} is not right",
                       "of the tokens whose gold tag is t, the share whose predicted tag is t as well")
    ck.passed("overall and per-tag agreement on 4 random taggings (skewed tag frequencies)")
