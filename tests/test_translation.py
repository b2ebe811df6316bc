"""Tests of course_utils.translation (tiny hand-made sentence pairs, no data files)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import translation as tr
from course_utils.text import Vocabulary

PAIRS = [
    ("Go.", "Va !"),
    ("Go.", "Marche."),
    ("Hi.", "Salut !"),
    ("Run!", "Cours !"),
    ("Run!", "Courez !"),
    ("I'm a little hungry.", "J'ai un peu faim."),
    ("I'm cold.", "J'ai froid."),
    ("Help me.", "Aidez-moi."),
    ("She's French.", "Elle est française."),
    ("We're late.", "Nous sommes en retard."),
]


def many_pairs(n: int = 400) -> list[tuple[str, str]]:
    words_en = ["cat", "dog", "bird", "fish", "horse", "cow", "mouse", "frog"]
    words_fr = ["chat", "chien", "oiseau", "poisson", "cheval", "vache", "souris", "grenouille"]
    out = []
    for i in range(n):
        a, b = i % 8, (i // 8) % 8
        out.append((f"The {words_en[a]} sees the {words_en[b]} {i}.", f"Le {words_fr[a]} voit le {words_fr[b]} {i}."))
    return out


# ----------------------------------------------------------------------------- normalisation

@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Go.", "go ."),
        ("Va !", "va !"),
        ("Va\u202f!", "va !"),  # narrow no-break space, as in French typography
        ("Ça a été très précis.", "ca a ete tres precis ."),
        ("Qu’est-ce que c’est ? « Un cœur ! »", "qu'est ce que c'est ? un coeur !"),
        ('"Hello," he said.', "hello , he said ."),
        ("I'm  OK!!", "i'm ok ! !"),
        ("'Tis true", "tis true"),
        ("   ", ""),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert tr.normalize(raw) == expected


def test_accents_and_tokenize() -> None:
    assert tr.normalize("àéîõüç") == "aeiouc"
    assert tr.tokenize("J'ai faim.") == ["j'ai", "faim", "."]
    with pytest.raises(TypeError):
        tr.normalize(None)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- split

def test_split_is_deterministic_grouped_and_stable_when_data_grows() -> None:
    pairs = many_pairs(400) + [("The cat sees the dog 0.", "Un autre chat 0.")]  # a second translation
    train, test = tr.split_pairs(pairs, test_fraction=0.25, seed=3)
    assert (train, test) == tr.split_pairs(pairs, test_fraction=0.25, seed=3)
    assert len(train) + len(test) == len(pairs)
    assert 0.15 < len(test) / len(pairs) < 0.35
    train_src = {tr.normalize(s) for s, _ in train}
    test_src = {tr.normalize(s) for s, _ in test}
    assert not train_src & test_src, "a source sentence is on both sides"
    # a prefix of the data splits the same way: its test pairs stay test pairs
    small_train, small_test = tr.split_pairs(pairs[:100], test_fraction=0.25, seed=3)
    assert set(small_test) <= set(test) and set(small_train) <= set(train)
    # another seed gives another split
    assert tr.split_pairs(pairs, test_fraction=0.25, seed=4)[1] != test


def test_split_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="test_fraction"):
        tr.split_pairs(PAIRS, test_fraction=1.0)
    with pytest.raises(ValueError, match="more pairs"):
        tr.split_pairs(PAIRS[:1], test_fraction=0.1)
    with pytest.raises(ValueError, match="source, target"):
        tr.split_pairs([("a", "b", "c")] * 50, test_fraction=0.5)  # type: ignore[list-item]


# ----------------------------------------------------------------------------- vocabularies and arrays

def test_build_vocabularies_reserves_bos_eos_in_target_only() -> None:
    src_tok = [tr.tokenize(s) for s, _ in PAIRS]
    tgt_tok = [tr.tokenize(t) for _, t in PAIRS]
    src, tgt = tr.build_vocabularies(src_tok, tgt_tok)
    assert isinstance(src, Vocabulary) and isinstance(tgt, Vocabulary)
    assert tgt.id_to_token[:4] == ["<pad>", "<unk>", tr.BOS, tr.EOS]
    assert tr.BOS not in src and tr.EOS not in src
    assert src.id_to_token[:2] == ["<pad>", "<unk>"]
    frequent, _ = tr.build_vocabularies(src_tok, tgt_tok, min_freq=2)
    assert "i'm" in frequent and "cold" not in frequent   # twice and once in PAIRS


def test_teacher_forcing_arrays_shift_by_one() -> None:
    arrays = tr.teacher_forcing_arrays([[5, 6, 7], [8]], [[10, 11], [12, 13, 14]], bos_id=2, eos_id=3)
    np.testing.assert_array_equal(arrays.encoder_input, [[5, 6, 7], [8, 0, 0]])
    np.testing.assert_array_equal(arrays.decoder_input, [[2, 10, 11, 0], [2, 12, 13, 14]])
    np.testing.assert_array_equal(arrays.decoder_target, [[10, 11, 3, 0], [12, 13, 14, 3]])
    # the target is the input shifted left by one, and both pad the same positions
    np.testing.assert_array_equal(arrays.decoder_input[:, 1:], np.where(arrays.decoder_target[:, :-1] == 3, 0, arrays.decoder_target[:, :-1]))
    np.testing.assert_array_equal(arrays.decoder_input != 0, arrays.decoder_target != 0)
    (x, y_in), y_out = arrays.inputs_and_target()
    assert x is arrays.encoder_input and y_in is arrays.decoder_input and y_out is arrays.decoder_target
    assert len(arrays) == 2 and "n=2" in repr(arrays)


def test_teacher_forcing_arrays_truncate_and_keep_eos() -> None:
    arrays = tr.teacher_forcing_arrays([[5, 6, 7, 8]], [[10, 11, 12, 13]], bos_id=2, eos_id=3, src_len=2, tgt_len=3)
    np.testing.assert_array_equal(arrays.encoder_input, [[5, 6]])
    np.testing.assert_array_equal(arrays.decoder_input, [[2, 10, 11]])
    np.testing.assert_array_equal(arrays.decoder_target, [[10, 11, 3]])


def test_teacher_forcing_arrays_errors() -> None:
    with pytest.raises(ValueError, match="2 source sentences but 1"):
        tr.teacher_forcing_arrays([[1], [2]], [[3]], bos_id=2, eos_id=3)
    with pytest.raises(ValueError, match="padding"):
        tr.teacher_forcing_arrays([[1]], [[4]], bos_id=0, eos_id=3)
    with pytest.raises(ValueError, match="already contain"):
        tr.teacher_forcing_arrays([[1]], [[2, 4]], bos_id=2, eos_id=3)


def test_ids_to_text_stops_at_eos() -> None:
    _, tgt = tr.build_vocabularies([["a"]], [["le", "chat", "."]])
    ids = [tgt.id(tr.BOS), tgt.id("le"), tgt.id("chat"), 0, tgt.id("."), tgt.id(tr.EOS), tgt.id("le")]
    assert tr.ids_to_text(ids, tgt) == "le chat ."
    assert tr.ids_to_text([], tgt) == ""


def test_group_references() -> None:
    sources, refs = tr.group_references(PAIRS[:5] + [("Go.", "Va !")])
    assert sources == ["go .", "hi .", "run !"]
    assert refs == [["va !", "marche ."], ["salut !"], ["cours !", "courez !"]]


# ----------------------------------------------------------------------------- BLEU

def test_corpus_bleu_perfect_zero_and_multi_reference() -> None:
    refs = ["le chat est sur le tapis .", "il fait beau aujourd'hui ."]
    assert tr.corpus_bleu(refs, refs) == pytest.approx(100.0)
    assert tr.corpus_bleu(["xx yy zz ww vv", "qq rr ss tt uu"], refs) == pytest.approx(0.0)
    hyp = ["le chat est sur le tapis .", "nous sommes en retard ."]
    one_ref = tr.corpus_bleu(hyp, [[refs[0]], [refs[1]]])
    # a second reference for the second sentence that the hypothesis matches raises BLEU
    two_refs = tr.corpus_bleu(hyp, [[refs[0]], [refs[1], "nous sommes en retard ."]])
    assert two_refs == pytest.approx(100.0) and one_ref < 100.0


def test_corpus_bleu_matches_sacrebleu() -> None:
    import sacrebleu

    hyp = ["the cat sat on the mat .", "a dog runs in the park ."]
    ref = ["the cat is on the mat .", "the dog runs in the park ."]
    assert tr.corpus_bleu(hyp, ref) == pytest.approx(sacrebleu.corpus_bleu(hyp, [ref]).score)


def test_bleu_errors() -> None:
    with pytest.raises(ValueError, match="2 hypotheses but 1"):
        tr.corpus_bleu(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="at least one"):
        tr.corpus_bleu([], [])
    with pytest.raises(ValueError, match="non-empty list"):
        tr.corpus_bleu(["a"], [[]])
    with pytest.raises(TypeError):
        tr.corpus_bleu("a b", ["a b"])  # type: ignore[arg-type]
    assert 0 < tr.sentence_bleu("le chat noir", ["le chat noir dort"]) < 100


# ----------------------------------------------------------------------------- prepare

def test_prepare_builds_consistent_data() -> None:
    pairs = many_pairs(300) + [("...", "Vide")]  # a source that normalises to punctuation only is kept
    data = tr.prepare(pairs, test_fraction=0.2, seed=1)
    assert len(data.train_pairs) + len(data.test_pairs) == len(pairs)
    assert data.train.encoder_input.shape[1] == data.src_len
    assert data.test.encoder_input.shape[1] == data.src_len
    assert data.test.decoder_input.shape[1] == data.tgt_len
    assert data.tgt_vocab.id_to_token[data.bos_id] == tr.BOS and data.eos_id == data.bos_id + 1
    assert len(data.test_sources) == len(data.test_references) == len(data.test_source_ids)
    assert {tr.normalize(s) for s, _ in data.test_pairs} == set(data.test_sources)
    # every decoder input row starts with <bos>; every target row holds exactly one <eos>
    assert (data.train.decoder_input[:, 0] == data.bos_id).all()
    assert ((data.train.decoder_target == data.eos_id).sum(axis=1) == 1).all()
    # the vocabulary comes from the training side only
    test_only = {w for s in data.test_sources for w in s.split()} - {w for s, _ in data.train_pairs for w in tr.tokenize(s)}
    assert test_only and all(w not in data.src_vocab for w in test_only)
    np.testing.assert_array_equal(data.encode_sources(data.test_sources), data.test_source_ids)
    assert "distinct test sources" in repr(data)
    # same inputs, same result
    again = tr.prepare(pairs, test_fraction=0.2, seed=1)
    np.testing.assert_array_equal(again.train.decoder_target, data.train.decoder_target)
    assert again.src_vocab == data.src_vocab


def test_prepare_drops_empty_sentences() -> None:
    pairs = many_pairs(200) + [("« »", "quelque chose"), ("something", "—")]
    data = tr.prepare(pairs, test_fraction=0.2, seed=1)
    assert len(data.train_pairs) + len(data.test_pairs) == 200


def test_fingerprint_identifies_the_held_out_set() -> None:
    pairs = many_pairs(300)
    a = tr.prepare(pairs)  # the module defaults: tr.TEST_FRACTION, tr.SPLIT_SEED
    b = tr.prepare(pairs, test_fraction=tr.TEST_FRACTION, seed=tr.SPLIT_SEED, min_freq=2)
    assert a.fingerprint() == b.fingerprint() and len(a.fingerprint()) == 12
    assert tr.prepare(pairs, seed=tr.SPLIT_SEED + 1).fingerprint() != a.fingerprint()


def test_bleu_counts_pool_to_corpus_bleu():
    from course_utils.translation import bleu_counts, bleu_from_counts, corpus_bleu

    hyps = ["le chat est noir .", "il pleut .", "je suis ici ."]
    refs = [["le chat est noir .", "un chat noir ."], "il pleut beaucoup .", ["je suis là .", "je suis ici !"]]
    counts = bleu_counts(hyps, refs)
    assert counts.shape == (3, 10)
    assert bleu_from_counts(counts.sum(axis=0)) == pytest.approx(corpus_bleu(hyps, refs))
    assert bleu_from_counts(counts[:2].sum(axis=0)) == pytest.approx(corpus_bleu(hyps[:2], refs[:2]))
    with pytest.raises(ValueError, match="10 summed counts"):
        bleu_from_counts(counts)
