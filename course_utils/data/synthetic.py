"""Synthetic stand-ins: same schema as the real data, a learnable signal, announced loudly.

Used only in the quick profile when a real file is unavailable, so a
notebook still runs end to end. Texts are filler words with a few class cue
words planted in them (a bag-of-words model learns them quickly); tagging
sentences come from a small grammar; translation pairs from a small
bilingual grammar; word vectors have planted clusters and analogies. None of
it is real data: numbers measured on it mean nothing.
"""

from __future__ import annotations

import itertools

import numpy as np

_FILLER = (
    "the a of and to in is it that was for on with as this but at by from they we you he she "
    "one all there their what so up out if about who get which go me when make can like time no "
    "just him know take people into year your good some could them see other than then now look "
    "only come its over think also back after use two how our work first well way even new want "
    "because any these give day most us very long little place right still world small around "
    "thing same between own last both under house end part again along place point city story"
).split()

_SENTIMENT = {
    "neg": "awful boring terrible waste worst dull poor bad disappointing annoying mess weak".split(),
    "pos": "great wonderful excellent loved brilliant superb best fun enjoyable beautiful perfect moving".split(),
    "negative": "awful boring terrible waste worst dull poor bad disappointing annoying broken weak".split(),
    "positive": "great wonderful excellent loved brilliant superb best fun tasty beautiful perfect friendly".split(),
}
_TOPICS = {
    "World": "minister election troops government president embassy talks border rebels un".split(),
    "Sports": "match team season coach goal league championship players win cup".split(),
    "Business": "shares profit market company stocks quarter investors bank sales oil".split(),
    "Sci/Tech": "software internet computer microsoft users space researchers online chip google".split(),
}
_EMOTIONS = {
    "anger": "furious angry rage mad annoyed".split(),
    "boredom": "bored dull tedious yawn nothing".split(),
    "empty": "empty hollow numb blank void".split(),
    "enthusiasm": "eager thrilled pumped keen stoked".split(),
    "fun": "fun party laugh games silly".split(),
    "happiness": "happy glad smile joy sunshine".split(),
    "hate": "hate despise loathe disgusting worst".split(),
    "love": "love adore darling heart sweet".split(),
    "neutral": "today going work maybe morning".split(),
    "relief": "relieved finally phew done safe".split(),
    "sadness": "sad cry miss lonely tears".split(),
    "surprise": "wow surprised unexpected omg shocked".split(),
    "worry": "worried nervous afraid anxious scared".split(),
}


CUE_RATE, NOISE_RATE = 0.12, 0.3


def announce(name: str, reason: str) -> None:
    """Print the loud notice that goes with synthetic data (stdout, so notebooks show it in the cell)."""
    line = "!" * 78
    print(
        f"{line}\n"
        f"SYNTHETIC STAND-IN DATA: {name} -- generated text with a planted signal, not real, "
        f"numbers mean nothing.\n"
        f"Why: {reason}\n"
        f"For real data: set COURSE_DATA_MIRROR to a mirror folder, or go online "
        f"(COURSE_OFFLINE=0), see data/README.md.\n"
        f"{line}",
        flush=True,
    )


def labelled_texts(
    label_names: list[str], n_texts: int, *, seed: int, length: tuple[int, int], probs: list[float] | None = None
) -> tuple[list[str], np.ndarray]:
    """``n_texts`` synthetic texts and their int64 labels: filler words (Zipf-like) with cue words of the class.

    Labels are drawn with ``probs`` (uniform by default), every class present if
    ``n_texts`` allows. About ``CUE_RATE`` of the tokens (at least one) are cues of
    the true class; with probability ``NOISE_RATE`` one cue of another class is added.
    """
    n_classes = len(label_names)
    rng = np.random.default_rng([seed, 5])
    labels = rng.choice(n_classes, size=n_texts, p=None if probs is None else np.divide(probs, np.sum(probs)))
    if n_texts >= n_classes:
        labels[rng.choice(n_texts, size=n_classes, replace=False)] = np.arange(n_classes)
    labels = labels.astype(np.int64)
    if n_texts == 0:
        return [], labels
    rng = np.random.default_rng([seed, 7])
    # cue words of each class: sentiment, topic or emotion words when known
    cues = [
        _SENTIMENT.get(label) or _TOPICS.get(label) or _EMOTIONS.get(label) or [f"cue{i}{s}" for s in "abcde"]
        for i, label in enumerate(label_names)
    ]
    ranks = np.arange(1, len(_FILLER) + 1)
    p = (1.0 / ranks) / (1.0 / ranks).sum()
    lengths = rng.integers(length[0], length[1] + 1, size=n_texts)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    total = int(ends[-1])
    words = np.asarray(_FILLER, dtype=object)[rng.choice(len(_FILLER), size=total, p=p)]
    owner = np.repeat(np.arange(n_texts), lengths)
    # cue positions: each token with probability cue_rate, plus one guaranteed per text
    is_cue = rng.random(total) < CUE_RATE
    is_cue[starts + (rng.random(n_texts) * lengths).astype(np.int64)] = True
    cue_class = labels[owner]
    if n_classes > 1:  # noise: one cue of another class in some texts
        noisy = np.flatnonzero(rng.random(n_texts) < NOISE_RATE)
        pos = starts[noisy] + (rng.random(len(noisy)) * lengths[noisy]).astype(np.int64)
        shift = rng.integers(1, n_classes, size=len(noisy))
        cue_class[pos] = (labels[noisy] + shift) % n_classes
        is_cue[pos] = True
    for c in range(n_classes):
        sel = np.flatnonzero(is_cue & (cue_class == c))
        words[sel] = np.asarray(cues[c], dtype=object)[rng.integers(len(cues[c]), size=len(sel))]
    out = []
    for a, b in zip(starts.tolist(), ends.tolist()):
        sentence = " ".join(words[a:b])
        out.append(sentence[0].upper() + sentence[1:] + ".")
    return out, labels


# ----------------------------------------------------------------------------- tagging

_LEX = {
    "DT": "the a this every that".split(),
    "JJ": "big small old new red quiet strong".split(),
    "NN": "cat dog market company bank report plan share".split(),
    "NNS": "cats dogs markets companies banks reports plans shares".split(),
    "VBZ": "sees likes buys sells reports plans shares".split(),
    "VBD": "saw liked bought sold reported planned shared".split(),
    "IN": "in on near with of".split(),
    "RB": "quickly slowly often rarely".split(),
    "PRP": "he she it they".split(),
    "CD": "two three 10 1990 million".split(),
    "CC": "and but".split(),
    "NNP": "Smith Acme Boston Friday".split(),
}


def _noun_phrase(rng: np.random.Generator) -> list[str]:
    tags = ["DT"] + (["JJ"] if rng.random() < 0.4 else []) + ["NN"]
    return tags if rng.random() < 0.85 else ["NNP"]


def tagged_sentences(n: int, *, seed: int) -> tuple[list[list[str]], list[list[str]]]:
    """``n`` sentences from a small grammar: (token lists, tag lists); a few ``-NONE-`` traces."""
    rng = np.random.default_rng([seed, 11])
    sentences, tags = [], []
    for _ in range(n):
        form = rng.integers(3)
        if form == 0:
            seq = _noun_phrase(rng) + ["VBZ"] + _noun_phrase(rng)
            if rng.random() < 0.5:
                seq += ["IN"] + _noun_phrase(rng)
        elif form == 1:
            seq = ["PRP", "VBD", "CD", "NNS"] + (["RB"] if rng.random() < 0.5 else [])
        else:
            seq = _noun_phrase(rng) + ["VBD", ",", "CC", "PRP", "VBZ", "RB"]
        seq = seq + ["."]
        words = [t if t in (",", ".") else _LEX[t][int(rng.integers(len(_LEX[t])))] for t in seq]
        if rng.random() < 0.15:  # the real treebank has trace tokens
            words.insert(1, "*-1")
            seq.insert(1, "-NONE-")
        words[0] = words[0][0].upper() + words[0][1:]
        sentences.append(words)
        tags.append(seq)
    return sentences, tags


# ----------------------------------------------------------------------------- corpus

_NAMES = ["Mira", "the Hare", "the Queen", "the Cat", "the Gardener", "Tom"]
_VERBS = ["looked at", "talked to", "ran after", "laughed at", "waited for", "sang to"]
_PLACES = ["the garden", "the hall", "the wood", "the river", "the little door", "the table"]
_ADVERBS = ["slowly", "at once", "again", "very politely", "without a word", "quite suddenly"]


def corpus_text(n_sentences: int, *, seed: int) -> str:
    """Paragraphs of simple story sentences (a character model can learn their spelling and shape)."""
    rng = np.random.default_rng([seed, 13])
    pick = lambda seq: seq[int(rng.integers(len(seq)))]  # noqa: E731
    paragraphs, sentences = [], []
    for i in range(n_sentences):
        s = f"{pick(_NAMES)} {pick(_VERBS)} {pick(_NAMES)} in {pick(_PLACES)} {pick(_ADVERBS)}."
        if rng.random() < 0.3:
            s += f' "Oh dear," said {pick(_NAMES)}, "how {pick(["curious", "odd", "late", "nice"])} it is!"'
        sentences.append(s[0].upper() + s[1:])
        if rng.random() < 0.15 or i == n_sentences - 1:
            paragraphs.append(" ".join(sentences))
            sentences = []
    return "\n\n".join(paragraphs)


# ----------------------------------------------------------------------------- pairs

_SUBJECTS = [("I", "je", 0), ("You", "tu", 1), ("He", "il", 2), ("She", "elle", 2), ("We", "nous", 3),
             ("They", "ils", 5)]
_VERBS_FR = {
    # english base, english 3rd person, french forms je/tu/il/nous/vous/ils
    "see": ("sees", ["vois", "vois", "voit", "voyons", "voyez", "voient"]),
    "like": ("likes", ["aime", "aimes", "aime", "aimons", "aimez", "aiment"]),
    "want": ("wants", ["veux", "veux", "veut", "voulons", "voulez", "veulent"]),
    "have": ("has", ["ai", "as", "a", "avons", "avez", "ont"]),
    "eat": ("eats", ["mange", "manges", "mange", "mangeons", "mangez", "mangent"]),
}
_OBJECTS = [
    ("the cat", "le chat"), ("the dog", "le chien"), ("the apple", "la pomme"), ("the book", "le livre"),
    ("the car", "la voiture"), ("the house", "la maison"), ("the bread", "le pain"), ("the bird", "l'oiseau"),
    ("the cake", "le gâteau"), ("the table", "la table"), ("the key", "la clé"), ("the flower", "la fleur"),
]
_WHEN = [("", ""), (" today", " aujourd'hui"), (" now", " maintenant")]


def sentence_pairs(*, seed: int) -> list[tuple[str, str]]:
    """Every (english, french) pair of a small grammar (with negation), shortest English first."""
    pairs = []
    for en_subj, fr_subj, person in _SUBJECTS:
        for verb, (third, forms) in _VERBS_FR.items():
            fr_verb = forms[person]
            vowel = fr_verb[0] in "aeiouy"
            fr_subj_cap = "J'" if fr_subj == "je" and vowel else fr_subj.capitalize() + " "
            ne = "n'" if vowel else "ne "
            en_verb = third if person == 2 else verb
            aux = "doesn't" if person == 2 else "don't"
            for (en_obj, fr_obj), (en_when, fr_when) in itertools.product(_OBJECTS, _WHEN):
                pairs.append(
                    (f"{en_subj} {en_verb} {en_obj}{en_when}.", f"{fr_subj_cap}{fr_verb} {fr_obj}{fr_when}.")
                )
                pairs.append(
                    (
                        f"{en_subj} {aux} {verb} {en_obj}{en_when}.",
                        f"{fr_subj.capitalize()} {ne}{fr_verb} pas {fr_obj}{fr_when}.",
                    )
                )
    rng = np.random.default_rng([seed, 17])
    shuffled = [pairs[i] for i in rng.permutation(len(pairs))]
    return sorted(shuffled, key=lambda p: len(p[0]))


# ----------------------------------------------------------------------------- word vectors

# Groups of words that share a cluster centre in the synthetic vectors.
_VECTOR_GROUPS: dict[str, list[str]] = {
    "positive": sorted(set(_SENTIMENT["pos"] + _SENTIMENT["positive"] + ["good", "nice", "love"])),
    "negative": sorted(set(_SENTIMENT["neg"] + _SENTIMENT["negative"] + ["horrible", "hate"])),
    "cinema": "movie film story plot actor actress director music scene cast".split(),
    **{f"topic {t}": words for t, words in _TOPICS.items()},
    **{f"emotion {e}": words for e, words in _EMOTIONS.items()},
}
# (male, female) word pairs; each pair shares a concept centre, and the two sides differ by one
# "gender" direction, so that king - man + woman lands next to queen.
_GENDER_PAIRS: dict[str, list[tuple[str, str]]] = {
    "person": [("man", "woman"), ("boy", "girl")],
    "royal": [("king", "queen"), ("prince", "princess")],
    "family": [("father", "mother"), ("son", "daughter"), ("brother", "sister"), ("husband", "wife")],
}


def word_vectors(*, seed: int = 0, dim: int = 50) -> tuple[list[str], np.ndarray]:
    """Words and float32 vectors ``(n, dim)`` with planted structure, for the GloVe stand-in.

    Filler words (the synthetic texts' vocabulary, most frequent first) lie
    in one loose cloud; sentiment cue words form a positive and a negative
    cluster (so averaged vectors separate the synthetic sentiment classes),
    topic and emotion words one cluster each, and word pairs such as
    king/queen, man/woman differ by one shared direction (analogies work).
    """
    rng = np.random.default_rng([seed, 19])

    def direction(norm: float) -> np.ndarray:
        v = rng.normal(size=dim)
        return v / np.linalg.norm(v) * norm

    words: list[str] = []
    rows: list[np.ndarray] = []

    def add(word: str, vector: np.ndarray) -> None:
        if word not in words:
            words.append(word)
            rows.append(vector)

    function_centre = direction(2.0)
    for w in _FILLER:
        add(w, function_centre + rng.normal(scale=0.45, size=dim))
    for words_in_group in _VECTOR_GROUPS.values():
        centre = direction(3.0)
        for w in words_in_group:
            add(w, centre + rng.normal(scale=0.3, size=dim))
    gender = direction(1.5)
    for pairs in _GENDER_PAIRS.values():
        centre = direction(3.0)
        for male, female in pairs:
            own = direction(1.2)  # what distinguishes king from prince, say
            add(male, centre + own + gender + rng.normal(scale=0.08, size=dim))
            add(female, centre + own - gender + rng.normal(scale=0.08, size=dim))
    return words, np.stack(rows).astype(np.float32)
