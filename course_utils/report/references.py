"""The numbers the source lessons printed, and the aims this course set: declarative tables.

Both name our numbers by the stable key a lesson records them under (``cu.results.record(..., key=...)``);
:func:`expected_keys` lists those keys per lesson (a test checks that the notebooks record them).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    """A number printed by a source lesson; ``ours`` is the result key of our counterpart, ``rerun`` (if the
    lesson does that) the key of our model scored the source's own (flawed) way."""

    lesson: str
    source: str
    task: str
    metric: str
    value: float | None
    why: str
    ours: str
    rerun: str = ""
    note: str = ""


REFERENCES: tuple[Reference, ...] = (
    Reference(
        lesson="05_imdb_sentiment",
        source="000",
        task="IMDB, BiLSTM(512); 3000 train / 500 test, num_words=1000",
        metric="test accuracy",
        value=0.784,
        why="different split and sizes: the source took the first 3000/500 reviews of Keras' copy, "
        "cut to their last 400 tokens, 3 epochs without validation",
        ours="bilstm_test_accuracy",
        rerun="source_setup_bilstm_test_accuracy",
    ),
    Reference(
        lesson="05_imdb_sentiment",
        source="000",
        task="IMDB, SimpleRNN(64); same data",
        metric="test accuracy",
        value=0.584,
        why="different split and sizes (see the BiLSTM row); a plain SimpleRNN over 400 steps barely learns",
        ours="simplernn_test_accuracy",
    ),
    Reference(
        lesson="07_tweet_emotions",
        source="000",
        task="tweet emotions, 2-layer BiGRU; 13 classes",
        metric="test accuracy",
        value=0.332,
        why="flawed output: the source used sigmoid with sparse cross-entropy over 13 classes (ours softmax) "
        "and a different split; on 13 imbalanced classes accuracy mostly tracks the majority class (see macro-F1)",
        ours="bigru_2_layers_test_accuracy",
    ),
    Reference(
        lesson="08_sentence_sentiment",
        source="004",
        task="UCI sentiment sentences, BiLSTM; 1/3 held out",
        metric="test accuracy",
        value=0.991,
        why="leak: the source's shuffle(10000) + take/skip reshuffles every epoch, so its 'test' sentences "
        "were trained on; ours is split once, grouped by text",
        ours="leak_free_test_accuracy",
        rerun="leaky_split_test_accuracy",
    ),
    Reference(
        lesson="09_pos_tagging",
        source="004",
        task="treebank POS tagging, BiGRU; padded to 271 steps",
        metric="accuracy (padding positions included)",
        value=0.979,
        why="flawed metric: the source's accuracy counts the padding positions (most of every 271-step row), "
        "which are trivially right; ours counts real tokens only",
        ours="masked_token_accuracy",
        rerun="source_way_plain_accuracy",
    ),
    Reference(
        lesson="09_pos_tagging",
        source="004",
        task="treebank POS tagging, BiGRU; padded to 271 steps",
        metric="'masked' accuracy",
        value=0.776,
        why="flawed metric: the source's mask comes from the prediction (pred != 0), not from the label, "
        "so it is not a masked accuracy",
        ours="masked_token_accuracy",
        rerun="source_way_pred_masked_accuracy",
    ),
    Reference(
        lesson="11_seq2seq_translation",
        source="004",
        task="seq2seq English->French; 30k pairs, 7,500 test",
        metric="BLEU",
        value=None,
        why="nothing to compare: the source printed BLEU for single sentences only; ours is corpus BLEU "
        "on a held-out set",
        ours="bleu_greedy",
        note="BLEU reported per sentence only",
    ),
)

@dataclass(frozen=True)
class Aim:
    """A target an issue set for the full profile, e.g. IMDB test accuracy of at least 0.85."""

    lesson: str
    what: str
    ours: str  # the key of the result, as in Reference.ours
    target: float


AIMS: tuple[Aim, ...] = (
    Aim("05_imdb_sentiment", "best IMDB test accuracy, full test set", "best_test_accuracy", 0.85),
    Aim("09_pos_tagging", "POS masked token accuracy on held-out sentences, trace tokens in the input but not scored",
        "masked_token_accuracy", 0.93),
)


def expected_keys() -> dict[str, set[str]]:
    """Lesson -> the result keys the report's source comparisons and aims look up."""
    out: dict[str, set[str]] = {}
    for ref in REFERENCES:
        out.setdefault(ref.lesson, set()).update(k for k in (ref.ours, ref.rerun) if k)
    for aim in AIMS:
        out.setdefault(aim.lesson, set()).add(aim.ours)
    return out
