"""Sequence labelling (POS tagging): a baseline, per-token scores, tag sets, lesson 09's saved tagger.

Everything works on plain Python token lists, one list of words and one list
of tags per sentence (as ``cu.data.load("treebank").train`` gives them), so
the same functions score a neural tagger (its ids turned back into tags) and
the baseline.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from .files import swap_in

TokenLists = Sequence[Sequence[str]]


def _check_parallel(a: TokenLists, b: TokenLists, what_a: str, what_b: str) -> None:
    if isinstance(a, str) or isinstance(b, str):
        raise TypeError(f"{what_a} and {what_b} must be lists of token lists, not strings")
    if len(a) != len(b):
        raise ValueError(f"{len(a)} {what_a} but {len(b)} {what_b}: give one list per sentence")
    for i, (x, y) in enumerate(zip(a, b)):
        if isinstance(x, str) or isinstance(y, str):
            raise TypeError(f"sentence {i}: expected a list of tokens, got a string; split it first")
        if len(x) != len(y):
            raise ValueError(
                f"sentence {i} has {len(x)} {what_a} but {len(y)} {what_b}; "
                "every token needs exactly one tag (did a tokenizer drop punctuation?)"
            )


class MostFrequentTagBaseline:
    """The classic POS baseline: each word gets the tag it carried most often in training.

    Words never seen in training get ``default_tag``, the most frequent tag
    overall. Ties are broken alphabetically. With ``lowercase=True`` words
    are compared case-insensitively.
    """

    def __init__(self, lowercase: bool = False) -> None:
        self.lowercase = bool(lowercase)
        self.word_tag: dict[str, str] = {}
        self.default_tag: str | None = None

    def _key(self, word: str) -> str:
        return word.lower() if self.lowercase else word

    def fit(self, sentences: TokenLists, tags: TokenLists) -> "MostFrequentTagBaseline":
        """Count (word, tag) pairs in the training sentences; returns ``self``."""
        _check_parallel(sentences, tags, "words", "tags")
        per_word: dict[str, Counter[str]] = defaultdict(Counter)
        overall: Counter[str] = Counter()
        for words, word_tags in zip(sentences, tags):
            for w, t in zip(words, word_tags):
                per_word[self._key(w)][t] += 1
                overall[t] += 1
        if not overall:
            raise ValueError("fit() needs at least one tagged token")

        def best(counts: Counter[str]) -> str:
            return min(counts, key=lambda t: (-counts[t], t))

        self.word_tag = {w: best(c) for w, c in per_word.items()}
        self.default_tag = best(overall)
        return self

    def tag(self, sentence: Sequence[str]) -> list[str]:
        """Tags for one tokenised sentence (a list of words)."""
        if self.default_tag is None:
            raise RuntimeError("call fit(sentences, tags) before predicting")
        if isinstance(sentence, str):
            raise TypeError("tag() needs a list of words, not a string; split it first")
        return [self.word_tag.get(self._key(w), self.default_tag) for w in sentence]

    def predict(self, sentences: Iterable[Sequence[str]]) -> list[list[str]]:
        """Tags for many sentences: a list of tag lists, parallel to ``sentences``."""
        return [self.tag(s) for s in sentences]

    def __repr__(self) -> str:
        if self.default_tag is None:
            return "MostFrequentTagBaseline(not fitted)"
        return f"MostFrequentTagBaseline({len(self.word_tag):,} words, unknown -> {self.default_tag!r})"


#: The Penn Treebank's tag for its empty "trace" elements (``*-1``, ``*T*-2``,
#: ``0``...): markers of moved or deleted words, not words of the sentence.
TRACE_TAG = "-NONE-"


def token_hits(true_tags: TokenLists, pred_tags: TokenLists, ignore: Collection[str] = ()) -> Any:
    """One bool per token (all sentences, in order): predicted tag == true tag.

    Tokens whose *true* tag is in ``ignore`` (e.g. ``{TRACE_TAG}``) are left out.
    """
    import numpy as np

    _check_parallel(true_tags, pred_tags, "true tags", "predicted tags")
    skip = set(ignore)
    return np.array([a == b for t, p in zip(true_tags, pred_tags) for a, b in zip(t, p) if a not in skip],
                    dtype=bool)


def token_accuracy(true_tags: TokenLists, pred_tags: TokenLists, ignore: Collection[str] = ()) -> float:
    """Share of tokens tagged correctly, all sentences pooled (``ignore`` as in :func:`token_hits`)."""
    hits = token_hits(true_tags, pred_tags, ignore)
    if not hits.size:
        raise ValueError("token_accuracy() got no tokens" + (f" outside {sorted(ignore)}" if ignore else ""))
    return float(hits.mean())


def accuracy_by_word_type(
    sentences: TokenLists,
    true_tags: TokenLists,
    pred_tags: TokenLists,
    known_words: Collection[str],
) -> Any:
    """Token accuracy on words seen in training (``known_words``) vs unseen ones.

    Returns a pandas DataFrame indexed by ``known``, ``unknown``, ``all`` with
    columns ``tokens``, ``share`` (of all tokens), ``correct``, ``accuracy``
    (NaN for a group without tokens).
    """
    import numpy as np
    import pandas as pd

    _check_parallel(sentences, true_tags, "words", "true tags")
    hits = token_hits(true_tags, pred_tags)
    known = np.array([w in known_words for words in sentences for w in words], dtype=bool)
    rows = {}
    for name, group in (("known", known), ("unknown", ~known), ("all", np.ones_like(known))):
        n, c = int(group.sum()), int(hits[group].sum())
        rows[name] = {"tokens": n, "share": n / hits.size if hits.size else float("nan"),
                      "correct": c, "accuracy": c / n if n else float("nan")}
    return pd.DataFrame.from_dict(rows, orient="index")


def top_confusions(true_tags: TokenLists, pred_tags: TokenLists, n: int = 10) -> Any:
    """The ``n`` most frequent mistakes as a DataFrame: ``true``, ``predicted``, ``count``, ``share_of_errors``."""
    import pandas as pd

    _check_parallel(true_tags, pred_tags, "true tags", "predicted tags")
    errors: Counter[tuple[str, str]] = Counter(
        (a, b) for t, p in zip(true_tags, pred_tags) for a, b in zip(t, p) if a != b
    )
    total = sum(errors.values())
    ranked = sorted(errors.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    rows = [(a, b, c, c / total) for (a, b), c in ranked]
    return pd.DataFrame(rows, columns=["true", "predicted", "count", "share_of_errors"])


# ----------------------------------------------------------------------------- tag sets

#: Penn Treebank (fine) tags -> Universal Dependencies (coarse) POS tags, the
#: word-independent part of the mapping (spaCy's English attribute ruler and
#: the UD conversion of the Penn Treebank agree on these). Tags spaCy adds to
#: the Penn set (HYPH, NFP, ADD, XX, _SP, AFX) are included. See
#: :func:`universal_tag` for the distinctions that need the word.
PTB_TO_UD: dict[str, str] = {
    "CC": "CCONJ", "CD": "NUM", "DT": "DET", "EX": "PRON", "FW": "X", "IN": "ADP",
    "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "LS": "X", "MD": "AUX",
    "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN",
    "PDT": "DET", "POS": "PART", "PRP": "PRON", "PRP$": "PRON",
    "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "RP": "ADP", "SYM": "SYM", "TO": "PART", "UH": "INTJ",
    "VB": "VERB", "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB",
    "WDT": "PRON", "WP": "PRON", "WP$": "PRON", "WRB": "ADV",
    ",": "PUNCT", ".": "PUNCT", ":": "PUNCT", "``": "PUNCT", "''": "PUNCT", "-LRB-": "PUNCT",
    "-RRB-": "PUNCT", "#": "SYM", "$": "SYM", "HYPH": "PUNCT", "NFP": "PUNCT",
    "ADD": "X", "XX": "X", "AFX": "ADJ", "_SP": "SPACE", "-NONE-": "X",
}
_AUXILIARY_VERBS = frozenset(
    "be am is are was were been being 's 're 'm have has had having 've 'd do does did".split()
)
_SUBORDINATORS = frozenset(
    "after although as because before if once since than that though till unless until whereas "
    "whether while".split()
)


def universal_tag(word: str, ptb_tag: str) -> str:
    """The Universal Dependencies POS of ``word`` tagged ``ptb_tag`` (Penn Treebank).

    Mostly a table lookup (:data:`PTB_TO_UD`); two distinctions need the
    word, as in spaCy's attribute ruler: forms of *be*, *have* and *do* tagged
    as verbs become AUX, and subordinating conjunctions tagged IN (*because*,
    *if*, *that*...) become SCONJ. The mapping is still an approximation: a
    tag alone cannot tell an auxiliary *have* from a main-verb *have*.
    Unknown tags map to ``"X"``.
    """
    coarse = PTB_TO_UD.get(ptb_tag, "X")
    lower = word.lower()
    if coarse == "VERB" and lower in _AUXILIARY_VERBS:
        return "AUX"
    if ptb_tag == "IN" and lower in _SUBORDINATORS:
        return "SCONJ"
    return coarse


def to_universal(words: Sequence[str], tags: Sequence[str]) -> list[str]:
    """Map one sentence's Penn Treebank tags to Universal Dependencies POS tags."""
    _check_parallel([words], [tags], "words", "tags")
    return [universal_tag(w, t) for w, t in zip(words, tags)]


# ----------------------------------------------------------------------------- a tagger for later lessons

#: The treebank writes its null-complementiser trace (tagged ``-NONE-``) as a
#: bare ``0``: "said 0 the market fell". Every bare ``0`` of the NLTK sample is one.
TRACE_ZERO = "0"


def normalise_digits(words: Sequence[str]) -> list[str]:
    """Replace every digit by 9 (``"1987" -> "9999"``, ``"3.5" -> "9.9"``) so numbers share a few word ids.

    The trace ``"0"`` is kept, so it never shares its id with a one-digit
    number. Not ``#``: that is a token of its own (the pound sign).
    """
    return [w if w == TRACE_ZERO else re.sub(r"\d", "9", w) for w in words]


class SavedTagger:
    """A trained word-level Keras tagger with its two vocabularies, saved by lesson 09 for lesson 15.

    ``info`` records where it came from (profile, data source, accuracy) and
    that words go through :func:`normalise_digits` before the lookup.
    """

    FORMAT = "rnn-course-tagger/1"

    def __init__(self, model: Any, words: Any, tags: Any, info: dict[str, Any] | None = None) -> None:
        self.model, self.words, self.tags = model, words, tags
        self.info = {"normaliser": "normalise_digits", **(info or {})}

    def predict(self, sentences: Iterable[Sequence[str]], batch_size: int = 128) -> list[list[str]]:
        """One tag per token of every sentence (token lists in, tag lists out; never a special token)."""
        import numpy as np

        from .text import pad

        sentences = list(sentences)
        if any(isinstance(s, str) for s in sentences):
            raise TypeError("give token lists, not strings")
        special = [i for i, t in enumerate(self.tags.id_to_token) if t.startswith("<") and t.endswith(">")]
        out: list[list[str]] = []
        for start in range(0, len(sentences), batch_size):
            chunk = sentences[start:start + batch_size]
            ids = pad(self.words.encode_many(normalise_digits(s) for s in chunk), maxlen=max(1, *map(len, chunk)))
            probs = np.array(self.model(ids, training=False))   # a writable copy
            probs[..., special] = -np.inf
            best = probs.argmax(-1)
            out.extend(self.tags.decode(best[k, : len(s)], skip_pad=False) for k, s in enumerate(chunk))
        return out

    def save(self, folder: str | Path) -> Path:
        """Write ``model.keras``, the vocabularies and ``info.json`` into ``folder`` (swapped in whole)."""
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
        try:
            self.model.save(staging / "model.keras")
            self.words.save(staging / "words.json")
            self.tags.save(staging / "tags.json")
            (staging / "info.json").write_text(json.dumps({"format": self.FORMAT, **self.info}, indent=1))
            swap_in(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> "SavedTagger":
        """Read a tagger written by :meth:`save`; a clear error if the folder is not one."""
        import keras

        from .text import Vocabulary

        folder = Path(folder)
        info_path = folder / "info.json"
        if not info_path.is_file():
            raise FileNotFoundError(f"no saved tagger in {folder} (missing info.json)")
        info = json.loads(info_path.read_text())
        if info.pop("format", None) != cls.FORMAT:
            raise ValueError(f"{folder} holds no {cls.FORMAT} tagger")
        if info.get("normaliser") != "normalise_digits":
            raise ValueError(f"{folder} holds a tagger saved by an older course version (other word "
                             "normalisation): run lesson 09 again to save a new one")
        model = keras.models.load_model(folder / "model.keras", compile=False)
        return cls(model, Vocabulary.load(folder / "words.json"), Vocabulary.load(folder / "tags.json"), info)


def lesson09_folder() -> Path:
    """Where lesson 09 saves its tagger: ``<data dir>/models/<profile>/09_pos_tagger``."""
    from . import settings

    cfg = settings.get()
    return cfg.data_dir / "models" / cfg.profile / "09_pos_tagger"


def train_bigru_tagger(
    sentences: TokenLists,
    tags: TokenLists,
    embed_dim: int = 32,
    units: int = 32,
    epochs: int = 3,
    learning_rate: float = 1e-2,
    info: dict[str, Any] | None = None,
) -> SavedTagger:
    """Lesson 09's model (Embedding with mask -> BiGRU -> per-step softmax) trained on token lists.

    For lessons that need a tagger when lesson 09's saved one is not there.
    """
    import keras
    from keras import layers

    from .metrics import MaskedAccuracy
    from .text import Vocabulary, bucketed_dataset

    _check_parallel(sentences, tags, "sentences", "tag lists")
    tokens = [normalise_digits(s) for s in sentences]
    words, tagset = Vocabulary.build(tokens), Vocabulary.build(tags)
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(len(words), embed_dim, mask_zero=True)(inputs)
    x = layers.Bidirectional(layers.GRU(units, return_sequences=True))(x)
    model = keras.Model(inputs, layers.Dense(len(tagset), activation="softmax")(x), name="bigru_tagger")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=[MaskedAccuracy()], jit_compile=False)  # with a GPU, XLA would recompile per bucket shape
    data = bucketed_dataset(words.encode_many(tokens), tagset.encode_many(tags), batch_size=32, seed=0)
    model.fit(data, epochs=epochs, verbose=0)
    return SavedTagger(model, words, tagset, {"trained_by": "course_utils.tagging.train_bigru_tagger",
                                              "sentences": len(tokens), "epochs": epochs, **(info or {})})
