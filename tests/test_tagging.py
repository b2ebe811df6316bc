import math

import pytest

from course_utils.tagging import (
    MostFrequentTagBaseline,
    accuracy_by_word_type,
    token_accuracy,
    top_confusions,
)

TRAIN_WORDS = [
    ["The", "dog", "runs", "."],
    ["A", "run", "is", "fun", "."],
    ["The", "runs", "were", "long", "."],
    ["Dogs", "run", "."],
    ["They", "run", "."],
]
TRAIN_TAGS = [
    ["DT", "NN", "VBZ", "."],
    ["DT", "NN", "VBZ", "JJ", "."],
    ["DT", "NNS", "VBD", "JJ", "."],
    ["NNS", "VBP", "."],
    ["PRP", "VBP", "."],
]


def test_baseline_picks_the_most_frequent_tag_per_word_and_overall():
    base = MostFrequentTagBaseline().fit(TRAIN_WORDS, TRAIN_TAGS)
    # "run": VBP twice, NN once -> VBP; "runs": VBZ once, NNS once -> tie, alphabetical -> NNS
    assert base.word_tag["run"] == "VBP"
    assert base.word_tag["runs"] == "NNS"
    # "." is the most frequent tag (5 times)
    assert base.default_tag == "."
    assert base.tag(["The", "run", "zebra"]) == ["DT", "VBP", "."]


def test_baseline_predict_is_parallel_and_deterministic():
    a = MostFrequentTagBaseline().fit(TRAIN_WORDS, TRAIN_TAGS)
    b = MostFrequentTagBaseline().fit(list(reversed(TRAIN_WORDS)), list(reversed(TRAIN_TAGS)))
    pred = a.predict(TRAIN_WORDS)
    assert [len(p) for p in pred] == [len(s) for s in TRAIN_WORDS]
    assert pred == b.predict(TRAIN_WORDS)
    # on its own training data the baseline is good but not perfect ("runs", "run" are ambiguous)
    acc = token_accuracy(TRAIN_TAGS, pred)
    assert 0.7 < acc < 1.0


def test_baseline_lowercase_option():
    cased = MostFrequentTagBaseline().fit(TRAIN_WORDS, TRAIN_TAGS)
    lower = MostFrequentTagBaseline(lowercase=True).fit(TRAIN_WORDS, TRAIN_TAGS)
    assert "the" not in cased.word_tag
    assert "the" in lower.word_tag and lower.tag(["the"]) == ["DT"]


def test_baseline_errors_say_what_to_do():
    with pytest.raises(RuntimeError, match="fit"):
        MostFrequentTagBaseline().predict([["a"]])
    with pytest.raises(ValueError, match="exactly one tag"):
        MostFrequentTagBaseline().fit([["a", "b"]], [["DT"]])
    with pytest.raises(ValueError, match="one list per sentence"):
        MostFrequentTagBaseline().fit([["a"]], [["DT"], ["NN"]])
    with pytest.raises(TypeError, match="split"):
        MostFrequentTagBaseline().fit(TRAIN_WORDS, TRAIN_TAGS).tag("The dog")
    with pytest.raises(ValueError, match="at least one"):
        MostFrequentTagBaseline().fit([[]], [[]])


def test_token_accuracy_counts_tokens_not_sentences():
    true = [["A", "B", "C", "D"], ["A"]]
    pred = [["A", "B", "C", "D"], ["X"]]
    assert token_accuracy(true, pred) == pytest.approx(4 / 5)  # per-sentence mean would be 0.5
    with pytest.raises(ValueError):
        token_accuracy([["A"]], [["A", "B"]])
    with pytest.raises(ValueError, match="no tokens"):
        token_accuracy([[]], [[]])


def test_accuracy_by_word_type_splits_known_and_unknown():
    words = [["the", "zebra", "runs"], ["a", "yak"]]
    true = [["DT", "NN", "VBZ"], ["DT", "NN"]]
    pred = [["DT", "JJ", "VBZ"], ["DT", "NN"]]
    table = accuracy_by_word_type(words, true, pred, known_words={"the", "runs", "a"})
    assert table.loc["known", "tokens"] == 3 and table.loc["known", "accuracy"] == 1.0
    assert table.loc["unknown", "tokens"] == 2 and table.loc["unknown", "accuracy"] == 0.5
    assert table.loc["all", "accuracy"] == pytest.approx(4 / 5)
    assert table.loc["unknown", "share"] == pytest.approx(2 / 5)
    empty = accuracy_by_word_type([["a"]], [["DT"]], [["DT"]], known_words={"a"})
    assert math.isnan(empty.loc["unknown", "accuracy"])


def test_top_confusions_ranks_mistakes():
    true = [["NN", "NN", "JJ", "VBD", "VBD"], ["NN"]]
    pred = [["JJ", "JJ", "NN", "VBN", "VBD"], ["NN"]]
    table = top_confusions(true, pred, n=2)
    assert list(table["true"]) == ["NN", "JJ"]
    assert list(table["predicted"]) == ["JJ", "NN"]
    assert list(table["count"]) == [2, 1]
    assert table["share_of_errors"].iloc[0] == pytest.approx(2 / 4)
    assert top_confusions([["A"]], [["A"]]).empty


# ----------------------------------------------------------------------------- tag sets and the saved tagger

def test_universal_tags_from_penn_treebank():
    from course_utils.tagging import PTB_TO_UD, to_universal, universal_tag

    words = ["The", "dog", "has", "eaten", "because", "it", "was", "hungry", "in", "1999", "."]
    tags = ["DT", "NN", "VBZ", "VBN", "IN", "PRP", "VBD", "JJ", "IN", "CD", "."]
    assert to_universal(words, tags) == ["DET", "NOUN", "AUX", "VERB", "SCONJ", "PRON", "AUX", "ADJ", "ADP",
                                         "NUM", "PUNCT"]
    assert universal_tag("Has", "VBZ") == "AUX" and universal_tag("runs", "VBZ") == "VERB"
    assert universal_tag("x", "NOT-A-TAG") == "X"
    # every target is a Universal Dependencies tag (or SPACE, spaCy's tag for white space)
    ud = {"ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
          "PUNCT", "SCONJ", "SYM", "VERB", "X", "SPACE"}
    assert set(PTB_TO_UD.values()) <= ud
    with pytest.raises(ValueError, match="every token needs exactly one tag"):
        to_universal(["a", "b"], ["DT"])


def test_saved_tagger_round_trip(tmp_path):
    import numpy as np

    from course_utils.tagging import SavedTagger, token_accuracy, train_bigru_tagger

    sentences = [["the", "dog", "runs"], ["a", "cat", "sleeps", "."], ["the", "cat", "runs", "."]] * 20
    tags = [["DT", "NN", "VBZ"], ["DT", "NN", "VBZ", "."], ["DT", "NN", "VBZ", "."]] * 20
    tagger = train_bigru_tagger(sentences, tags, embed_dim=8, units=8, epochs=20, learning_rate=0.05,
                                info={"source": "toy"})
    pred = tagger.predict(sentences[:3] + [["unknown", "words", "in", "1999"]])
    assert [len(p) for p in pred] == [3, 4, 4, 4]
    assert not {t for p in pred for t in p} & {"<pad>", "<unk>"}     # never a special token
    assert token_accuracy(tags[:3], pred[:3]) == 1.0                   # learns a trivial pattern
    folder = tagger.save(tmp_path / "models" / "tagger")
    again = tagger.save(tmp_path / "models" / "tagger")                  # overwriting is fine
    assert folder == again and sorted(p.name for p in (tmp_path / "models").iterdir()) == ["tagger"]
    loaded = SavedTagger.load(folder)
    assert loaded.info["source"] == "toy" and loaded.words == tagger.words and loaded.tags == tagger.tags
    assert loaded.predict(sentences[:3]) == pred[:3]
    x = np.array([[2, 3, 4]])
    np.testing.assert_allclose(np.asarray(loaded.model(x)), np.asarray(tagger.model(x)), atol=1e-6)
    with pytest.raises(FileNotFoundError, match="no saved tagger"):
        SavedTagger.load(tmp_path / "nothing")
    with pytest.raises(TypeError, match="token lists"):
        tagger.predict(["a sentence as a string"])


def test_lesson09_folder_depends_on_profile(monkeypatch, tmp_path):
    from course_utils import settings, tagging

    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    settings.reload()
    assert tagging.lesson09_folder() == tmp_path / "models" / "quick" / "09_pos_tagger"
    monkeypatch.setenv("COURSE_PROFILE", "full")
    settings.reload()
    assert tagging.lesson09_folder() == tmp_path / "models" / "full" / "09_pos_tagger"


def test_normalise_digits_keeps_the_trace_zero_apart_from_numbers():
    from course_utils.tagging import normalise_digits

    words = ["said", "0", "7", "1987", "3.5", "*T*-1", "#", "$", "Boeing"]
    out = normalise_digits(words)
    assert out == ["said", "0", "9", "9999", "9.9", "*T*-9", "#", "$", "Boeing"]
    # the trace token 0 and a one-digit number stay different words (the old scheme merged them)
    assert out[1] != out[2]
    # the replacement does not collide with the pound sign token '#'
    assert "#" not in normalise_digits(["7", "42"])


def test_token_hits_and_accuracy_can_leave_trace_tokens_out():
    import numpy as np

    from course_utils.tagging import TRACE_TAG, token_accuracy, token_hits

    true = [["DT", TRACE_TAG, "NN"], [TRACE_TAG, "VBZ"]]
    pred = [["DT", TRACE_TAG, "VB"], [TRACE_TAG, "VBZ"]]
    assert token_accuracy(true, pred) == pytest.approx(4 / 5)
    assert token_accuracy(true, pred, ignore={TRACE_TAG}) == pytest.approx(2 / 3)
    np.testing.assert_array_equal(token_hits(true, pred, ignore={TRACE_TAG}), [True, False, True])
    assert token_hits(true, pred).shape == (5,)
    with pytest.raises(ValueError, match="no tokens outside"):
        token_accuracy([[TRACE_TAG]], [[TRACE_TAG]], ignore={TRACE_TAG})


def test_saved_tagger_refuses_taggers_of_older_course_versions(tmp_path):
    import json

    from course_utils.tagging import SavedTagger

    new = SavedTagger(None, None, None, {})
    assert new.info["normaliser"] == "normalise_digits"
    # info.json of an older save: digits were all turned into 0
    (tmp_path / "info.json").write_text(json.dumps({"format": SavedTagger.FORMAT, "digits_to_zero": True}))
    with pytest.raises(ValueError, match="run lesson 09 again"):
        SavedTagger.load(tmp_path)
