"""Answers for lesson 15's exercises: one right, and the plausible mistakes."""

from collections import defaultdict


def bio_to_spans(tags):
    spans, start, label = [], None, None
    for i, tag in enumerate(tags):
        if tag.startswith("I-") and start is not None:
            continue
        if start is not None:
            spans.append((start, i, label))
            start = None
        if tag.startswith("B-"):
            start, label = i, tag[2:]
    if start is not None:
        spans.append((start, len(tags), label))
    return spans


def bio_to_spans_inclusive_end(tags):
    return [(s, e - 1, label) for s, e, label in bio_to_spans(tags)]


def bio_to_spans_never_closes_last(tags):
    spans, start, label = [], None, None
    for i, tag in enumerate(tags):
        if tag.startswith("I-"):
            continue
        if start is not None:
            spans.append((start, i, label))
            start = None
        if tag.startswith("B-"):
            start, label = i, tag[2:]
    return spans                              # forgets the entity still open at the end


def bio_to_spans_merges_neighbours(tags):
    spans, start, label = [], None, None
    for i, tag in enumerate(tags):
        kind = tag[2:] if tag != "O" else None
        if kind == label and kind is not None:
            continue                          # B-DATE B-DATE read as one entity
        if start is not None:
            spans.append((start, i, label))
            start, label = None, None
        if kind is not None:
            start, label = i, kind
    if start is not None:
        spans.append((start, len(tags), label))
    return spans


def subtree(heads, i):
    children = defaultdict(list)
    for j, h in enumerate(heads):
        if h != j:
            children[h].append(j)
    out, todo = [], [i]
    while todo:
        node = todo.pop()
        out.append(node)
        todo.extend(children[node])
    return sorted(out)


def subtree_children_only(heads, i):
    return sorted({i} | {j for j, h in enumerate(heads) if h == i})


def subtree_without_itself(heads, i):
    return [j for j in subtree(heads, i) if j != i]


def subtree_ancestors(heads, i):
    out, node = [i], i
    while heads[node] != node:
        node = heads[node]
        out.append(node)
    return sorted(out)


def tag_agreement(gold, pred):
    per = defaultdict(lambda: [0, 0])
    for g, p in zip(gold, pred):
        per[g][0] += 1
        per[g][1] += g == p
    overall = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    return overall, {t: hits / n for t, (n, hits) in per.items()}


def tag_agreement_macro(gold, pred):
    _, per = tag_agreement(gold, pred)
    return sum(per.values()) / len(per), per


def tag_agreement_by_predicted(gold, pred):
    overall, _ = tag_agreement(gold, pred)
    per = defaultdict(lambda: [0, 0])
    for g, p in zip(gold, pred):
        per[p][0] += 1
        per[p][1] += g == p
    return overall, {t: hits / n for t, (n, hits) in per.items()}


def tag_agreement_counts(gold, pred):
    overall, _ = tag_agreement(gold, pred)
    per = defaultdict(int)
    for g, p in zip(gold, pred):
        per[g] += g == p
    for g in gold:
        per[g] += 0
    return overall, dict(per)


CASES = {
    "15.1": (bio_to_spans, [bio_to_spans_inclusive_end, bio_to_spans_never_closes_last,
                            bio_to_spans_merges_neighbours]),
    "15.2": (subtree, [subtree_children_only, subtree_without_itself, subtree_ancestors]),
    "15.3": (tag_agreement, [tag_agreement_macro, tag_agreement_by_predicted, tag_agreement_counts]),
}


# -- 15.4: an entity tagger that reads words and POS tags ---------------------------------------------------
import keras                                                     # noqa: E402
from keras import layers                                         # noqa: E402


def _feature_tagger(vocab_size, n_pos, n_labels, use_pos=True, mask="both", sequences=True, swap=False):
    word_ids = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    pos_ids = keras.Input(shape=(None,), dtype="int32", name="pos_ids")
    w = layers.Embedding(vocab_size, 32, mask_zero=mask != "none")(word_ids)
    if use_pos:
        x = layers.Concatenate()([w, layers.Embedding(n_pos, 8, mask_zero=mask == "both")(pos_ids)])
    else:
        x = w                                                     # the POS input is never used
    x = layers.Bidirectional(layers.LSTM(32, return_sequences=sequences))(x)
    outputs = layers.Dense(n_labels, activation="softmax")(x)
    return keras.Model([pos_ids, word_ids] if swap else [word_ids, pos_ids], outputs)


def build_feature_tagger(vocab_size, n_pos, n_labels):
    return _feature_tagger(vocab_size, n_pos, n_labels)


def feature_tagger_words_only(vocab_size, n_pos, n_labels):
    return keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                             layers.Embedding(vocab_size, 32, mask_zero=True),
                             layers.Bidirectional(layers.LSTM(32, return_sequences=True)),
                             layers.Dense(n_labels, activation="softmax")])


CASES["15.4"] = (build_feature_tagger, [
    feature_tagger_words_only,                                                         # one input
    lambda vocab_size, n_pos, n_labels: _feature_tagger(vocab_size, n_pos, n_labels, use_pos=False),
    lambda vocab_size, n_pos, n_labels: _feature_tagger(vocab_size, n_pos, n_labels, mask="words"),   # the mask is lost in Concatenate
    lambda vocab_size, n_pos, n_labels: _feature_tagger(vocab_size, n_pos, n_labels, sequences=False),
    lambda vocab_size, n_pos, n_labels: _feature_tagger(vocab_size, n_pos, n_labels, swap=True),
])
