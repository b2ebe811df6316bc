"""Sequence labelling (POS tagging) helpers: a baseline and per-token reports.

Everything here works on plain Python token lists, one list of words and one
list of tags per sentence (as ``cu.data.load("treebank").train`` gives them),
so the same functions score a neural tagger (after its ids are turned back
into tags) and the baseline.

- :class:`MostFrequentTagBaseline`: tag each word with the tag it had most
  often in training; unknown words get the most frequent tag overall.
- :func:`token_accuracy`: the share of tokens tagged correctly.
- :func:`accuracy_by_word_type`: accuracy on words seen in training vs unseen.
- :func:`top_confusions`: the most frequent (true tag, predicted tag) mistakes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any

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
    overall. Ties are broken alphabetically, so two fits on the same data
    agree. With ``lowercase=True`` words are compared case-insensitively.

    >>> base = MostFrequentTagBaseline().fit([["the", "dog"]], [["DT", "NN"]])
    >>> base.predict([["the", "cat"]])
    [['DT', 'DT']]
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

    def _require_fit(self) -> str:
        if self.default_tag is None:
            raise RuntimeError("call fit(sentences, tags) before predicting")
        return self.default_tag

    def known(self, word: str) -> bool:
        """True if ``word`` occurred in the training data."""
        return self._key(word) in self.word_tag

    def tag(self, sentence: Sequence[str]) -> list[str]:
        """Tags for one tokenised sentence (a list of words)."""
        default = self._require_fit()
        if isinstance(sentence, str):
            raise TypeError("tag() needs a list of words, not a string; split it first")
        return [self.word_tag.get(self._key(w), default) for w in sentence]

    def predict(self, sentences: Iterable[Sequence[str]]) -> list[list[str]]:
        """Tags for many sentences: a list of tag lists, parallel to ``sentences``."""
        self._require_fit()
        if isinstance(sentences, str):
            raise TypeError("predict() needs a list of tokenised sentences, not a string")
        return [self.tag(s) for s in sentences]

    def __repr__(self) -> str:
        if self.default_tag is None:
            return "MostFrequentTagBaseline(not fitted)"
        return f"MostFrequentTagBaseline({len(self.word_tag):,} words, unknown -> {self.default_tag!r})"


def token_accuracy(true_tags: TokenLists, pred_tags: TokenLists) -> float:
    """Share of tokens whose predicted tag equals the true one (all sentences pooled).

    Both arguments are lists of tag lists with matching lengths. Raises
    ``ValueError`` when there is no token at all.
    """
    _check_parallel(true_tags, pred_tags, "true tags", "predicted tags")
    total = sum(len(t) for t in true_tags)
    if total == 0:
        raise ValueError("token_accuracy() got no tokens")
    hits = sum(a == b for t, p in zip(true_tags, pred_tags) for a, b in zip(t, p))
    return hits / total


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
    import pandas as pd

    _check_parallel(sentences, true_tags, "words", "true tags")
    _check_parallel(true_tags, pred_tags, "true tags", "predicted tags")
    counts = {"known": [0, 0], "unknown": [0, 0]}
    for words, t, p in zip(sentences, true_tags, pred_tags):
        for w, a, b in zip(words, t, p):
            group = counts["known" if w in known_words else "unknown"]
            group[0] += 1
            group[1] += int(a == b)
    total = counts["known"][0] + counts["unknown"][0]
    counts["all"] = [total, counts["known"][1] + counts["unknown"][1]]
    rows = {
        name: {
            "tokens": n,
            "share": n / total if total else float("nan"),
            "correct": c,
            "accuracy": c / n if n else float("nan"),
        }
        for name, (n, c) in counts.items()
    }
    return pd.DataFrame.from_dict(rows, orient="index")


def top_confusions(true_tags: TokenLists, pred_tags: TokenLists, n: int = 10) -> Any:
    """The ``n`` most frequent mistakes as a DataFrame: ``true``, ``predicted``, ``count``, ``share_of_errors``."""
    import pandas as pd

    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    _check_parallel(true_tags, pred_tags, "true tags", "predicted tags")
    errors: Counter[tuple[str, str]] = Counter(
        (a, b) for t, p in zip(true_tags, pred_tags) for a, b in zip(t, p) if a != b
    )
    total = sum(errors.values())
    ranked = sorted(errors.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    rows = [
        {"true": a, "predicted": b, "count": c, "share_of_errors": c / total}
        for (a, b), c in ranked
    ]
    return pd.DataFrame(rows, columns=["true", "predicted", "count", "share_of_errors"])
