"""Parsers of the upstream formats, on tiny files written by the tests."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from course_utils.data import parsers

try:
    from data_fixtures import (
        ALICE_BODY,
        FRA_PAIRS,
        ag_csv,
        fra_txt,
        fra_zip,
        gutenberg,
        imdb_tar,
        tar_bytes,
        treebank_zip,
        tweet_csv,
        uci_zip,
        zip_bytes,
    )
except ImportError:  # tests/ imported as a package
    from tests.data_fixtures import (
        ALICE_BODY,
        FRA_PAIRS,
        ag_csv,
        fra_txt,
        fra_zip,
        gutenberg,
        imdb_tar,
        tar_bytes,
        treebank_zip,
        tweet_csv,
        uci_zip,
        zip_bytes,
    )


# ----------------------------------------------------------------------------- Gutenberg


@pytest.mark.parametrize("old", [False, True], ids=["THE-markers", "THIS-markers"])
@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
@pytest.mark.parametrize("crlf", [True, False], ids=["crlf", "lf"])
def test_gutenberg_editions_give_the_same_body(tmp_path, old, bom, crlf):
    path = tmp_path / "pg11.txt"
    path.write_bytes(gutenberg("Alice's Adventures in Wonderland", ALICE_BODY, old=old, bom=bom, crlf=crlf))
    body = parsers.read_gutenberg(path)
    assert body == ALICE_BODY
    assert "\r" not in body and "\ufeff" not in body
    assert "PROJECT GUTENBERG" not in body.upper() and "LICENSE" not in body


def test_gutenberg_without_markers_is_rejected(tmp_path):
    path = tmp_path / "pg11.txt"
    path.write_text("Just some text without the markers.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="START"):
        parsers.read_gutenberg(path)
    path.write_text(
        "*** START OF THE PROJECT GUTENBERG EBOOK X ***\nbody, but the file was cut\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="END"):
        parsers.read_gutenberg(path)


# ----------------------------------------------------------------------------- manythings


@pytest.mark.parametrize("columns", [2, 3])
def test_fra_lines_two_and_three_columns(columns):
    lines = fra_txt(FRA_PAIRS, columns=columns).decode("utf-8").split("\n")
    assert parsers.parse_fra_lines(lines) == FRA_PAIRS


def test_fra_bad_line_names_the_line():
    with pytest.raises(ValueError, match="line 2"):
        parsers.parse_fra_lines(["Go.\tVa !", "no tab here"])


@pytest.mark.parametrize("folder", ["", "fra-eng/"], ids=["root", "repacked-in-folder"])
def test_fra_zip(tmp_path, folder):
    path = tmp_path / "fra-eng.zip"
    path.write_bytes(fra_zip(FRA_PAIRS, columns=3, folder=folder))
    assert parsers.read_fra_zip(path) == FRA_PAIRS


def test_fra_zip_without_fra_txt(tmp_path):
    path = tmp_path / "fra-eng.zip"
    path.write_bytes(zip_bytes({"_about.txt": b"x"}))
    with pytest.raises(ValueError, match="no fra.txt"):
        parsers.read_fra_zip(path)


# ----------------------------------------------------------------------------- CSV


@pytest.mark.parametrize("crlf,bom", [(False, False), (True, True)], ids=["lf", "crlf-bom"])
def test_tweet_csv_quoted_commas_and_tabs(tmp_path, crlf, bom):
    path = tmp_path / "tweet_emotions.csv"
    path.write_bytes(tweet_csv(crlf=crlf, bom=bom))
    rows = parsers.read_tweet_emotions(path)
    assert len(rows["texts"]) == len(rows["labels"]) == 11  # junk row skipped
    assert rows["texts"][8] == "quoted, with a comma\tand a TAB"
    assert rows["texts"][9] == "@someone\tunquoted TAB inside"
    assert rows["texts"][10] == 'a "quoted" word'
    assert rows["labels"][8] == "love" and rows["labels"][0] == "neutral"


def test_tweet_csv_wrong_header(tmp_path):
    path = tmp_path / "tweet_emotions.csv"
    path.write_text("id,label,text\n1,love,x\n", encoding="utf-8")
    with pytest.raises(ValueError, match="tweet_id,sentiment,content"):
        parsers.read_tweet_emotions(path)


def test_ag_news_csv(tmp_path):
    path = tmp_path / "test.csv"
    path.write_bytes(ag_csv(2))
    rows = parsers.read_ag_news_csv(path)
    assert rows["labels"].dtype == np.int64
    assert rows["labels"].tolist() == [0, 1, 2, 3, 0, 1, 2, 3]
    assert rows["titles"][1] == "Title 0 of class 2 (AP)"
    assert "\\" in rows["descriptions"][0]  # raw text is kept; cleaning is separate


def test_ag_news_csv_rejects_bad_class(tmp_path):
    path = tmp_path / "test.csv"
    path.write_text('"7","t","d"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not in 1..4"):
        parsers.read_ag_news_csv(path)


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("A second\\team of rocketeers", "A second team of rocketeers"),
        ("the  #36;10 million prize", "the $10 million prize"),
        ("In  quot;helping themselves, quot; Rick", 'In "helping themselves," Rick'),
        ("Apple #39;s chips &lt;AAPL.O&gt;", "Apple's chips <AAPL.O>"),
        ("para one.\\\\para two costs \\$5", "para one. para two costs $5"),
        ("a volt; stays", "a volt; stays"),
    ],
)
def test_clean_ag_news(raw, clean):
    assert parsers.clean_ag_news(raw) == clean


# ----------------------------------------------------------------------------- UCI


def test_uci_zip_three_files_combined(tmp_path):
    path = tmp_path / "uci.zip"
    path.write_bytes(uci_zip(4))
    rows = parsers.read_uci_sentences(path)
    assert len(rows["texts"]) == 12
    assert rows["sources"][:4] == ["amazon_cells"] * 4 and rows["sources"][-1] == "yelp"
    assert rows["labels"][:4] == [0, 1, 0, 1]
    nel = [t for t in rows["texts"] if "\x85" in t]
    assert nel == ['A "quoted" start,   then a NEL\x85inside']  # NEL is not a line break


def test_uci_bad_label(tmp_path):
    path = tmp_path / "uci.zip"
    path.write_bytes(zip_bytes({"x/amazon_cells_labelled.txt": b"fine\t1\nbroken line\n"}))
    with pytest.raises(ValueError, match="line 2"):
        parsers.read_uci_sentences(path)


# ----------------------------------------------------------------------------- treebank and aclImdb


def test_treebank_zip_read_with_nltk(tmp_path):
    path = tmp_path / "treebank.zip"
    path.write_bytes(treebank_zip())
    rows = parsers.read_treebank(path)  # inside the zip: nothing is extracted
    assert len(rows["sentences"]) == 3
    assert rows["sentences"][0] == ["Pierre", "Vinken", "will", "join", "the", "board", "."]
    assert rows["tags"][0] == ["NNP", "NNP", "MD", "VB", "DT", "NN", "."]
    assert rows["sentences"][1][-2:] == ["*-1", "."] and rows["tags"][1][-2] == "-NONE-"
    assert rows["sentences"][2] == ["It", "rains", "."]  # files in order
    import nltk.data

    assert str(tmp_path.resolve()) not in [str(p) for p in nltk.data.path]  # nltk's path is restored
    assert sorted(p.name for p in tmp_path.iterdir()) == ["treebank.zip"]
    path.write_bytes(zip_bytes({"treebank/tagged/wsj_0001.pos": b"x"}))
    with pytest.raises(ValueError, match="no treebank/combined/wsj_"):
        parsers.read_treebank(path)


def test_imdb_tar_read_without_extracting(tmp_path):
    path = tmp_path / "aclImdb_v1.tar.gz"
    path.write_bytes(imdb_tar(3))
    data = parsers.read_imdb_tar(path)
    assert len(data["train_texts"]) == len(data["test_texts"]) == 6
    assert data["train_labels"].dtype == np.int64 and data["train_labels"].tolist() == [0, 0, 0, 1, 1, 1]
    assert data["test_texts"][2].startswith("test neg review 2.")  # by id within a class
    assert data["train_texts"][0].startswith("train neg review 0.<br /><br />")
    assert "unlabelled review" not in data["train_texts"]
    assert parsers.read_imdb_tar(path, unsup=True) == {"unsup_texts": ["unlabelled review"] * 3}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aclImdb_v1.tar.gz"]


def test_imdb_unsup_members_in_id_order(tmp_path):
    members = {f"aclImdb/train/unsup/{i}_0.txt": f"review {i}".encode() for i in (10, 2, 0)}
    members["aclImdb/train/pos/0_9.txt"] = b"labelled"
    path = tmp_path / "aclImdb_v1.tar.gz"
    path.write_bytes(tar_bytes(members))
    assert parsers.read_imdb_tar(path, unsup=True)["unsup_texts"] == ["review 0", "review 2", "review 10"]
    with pytest.raises(ValueError, match="train/neg"):
        parsers.read_imdb_tar(path)  # no labelled reviews but one


def test_zip_reader_ignores_macos_junk(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(uci_zip(2))
    with zipfile.ZipFile(path) as zf:
        assert any(n.startswith("__MACOSX/") for n in zf.namelist())
    assert len(parsers.read_uci_sentences(path)["texts"]) == 6
