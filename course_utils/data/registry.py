"""The dataset registry: ``DATASETS`` maps each dataset the course uses to a
:class:`~course_utils.data.types.DatasetInfo` (its upstream files, their checks, terms).

Files that change upstream over time carry a *structural* check (see ``FileSpec``).
"""

from __future__ import annotations

from types import MappingProxyType

from .types import DatasetInfo, FileSpec

_IMDB = DatasetInfo(
    name="imdb",
    description=(
        "50,000 raw IMDb movie reviews labelled negative (0) or positive (1), "
        "read inside the aclImdb archive; the 50,000 unlabelled reviews of train/unsup are read "
        "only when asked for (max_unsup)."
    ),
    files=(
        FileSpec(
            filename="aclImdb_v1.tar.gz",
            url="https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
            size=84_125_825,
            checksum="sha256:c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
            note="official tarball; a mirror may hold a rebuilt archive listed in its SHA256SUMS",
        ),
    ),
    licence="No licence file; the authors ask users to cite the paper. Review texts by IMDb users.",
    citation=(
        "Maas, A. L., Daly, R. E., Pham, P. T., Huang, D., Ng, A. Y. and Potts, C. (2011). "
        "Learning Word Vectors for Sentiment Analysis. ACL 2011."
    ),
    split_policy=(
        "upstream split: 25,000 train / 25,000 test, balanced; max_train/max_test take "
        "class-stratified random subsets (seed); max_unsup a random subset of train/unsup (seed)"
    ),
    lessons=("05", "14"),
)

_AG_NEWS = DatasetInfo(
    name="ag_news",
    description=(
        "News titles and descriptions in 4 topics (World, Sports, Business, Sci/Tech). "
        "Read from a prepared tensorflow-datasets copy (ag_news_subset) in "
        "$COURSE_DATA_DIR/tensorflow_datasets when present, else from the CSV release."
    ),
    files=(
        FileSpec(
            filename="ag_news_csv/train.csv",
            url="https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/train.csv",
            checksum="md5:b1a00f826fdfbd249f79597b59e1dc12",
            note="120,000 rows, about 29.5 MB; md5 as checked by torchtext",
        ),
        FileSpec(
            filename="ag_news_csv/test.csv",
            url="https://raw.githubusercontent.com/mhjabreel/CharCnn_Keras/master/data/ag_news_csv/test.csv",
            size=1_857_427,
            checksum="md5:d52ea96a97a2d943681189a97654912d",
            note="7,600 rows",
        ),
    ),
    licence="Research and other non-commercial use (readme.txt of the release).",
    citation=(
        "Zhang, X., Zhao, J. and LeCun, Y. (2015). Character-level Convolutional Networks "
        "for Text Classification. NIPS 2015."
    ),
    split_policy=(
        "upstream split: 120,000 train / 7,600 test; with allow_partial=True and only "
        "test.csv available, test.csv is split by test_fraction (seed) and marked partial"
    ),
    lessons=("06",),
)

_TWEETS = DatasetInfo(
    name="tweet_emotions",
    description="40,000 tweets labelled with one of 13 emotions (imbalanced: anger has 110).",
    files=(
        FileSpec(
            filename="tweet_emotions.csv",
            url=(
                "https://raw.githubusercontent.com/pabloamh27/CNN_-_LSTM_Project/"
                "ce91acee972fa2679c849254efc4da881e91de5b/tweet_emotions.csv"
            ),
            size=3_728_209,
            structure="tweet_emotions_csv",
            expect=MappingProxyType({"min_rows": 40_000, "n_labels": 13}),
            note=(
                "Kaggle (pashupatigupta/emotion-detection-from-text) needs a login, so the URL is a "
                "commit-pinned GitHub copy; copies circulate with CRLF or quoted fields, hence a "
                "structural check (parse, count rows and labels)"
            ),
        ),
    ),
    licence=(
        "Public domain per Kaggle (CrowdFlower 'Data for Everyone'); the texts are tweets, "
        "so Twitter's content terms may apply."
    ),
    citation="CrowdFlower (2016). Sentiment Analysis: Emotion in Text. data.world/crowdflower.",
    split_policy="no upstream split: class-stratified test_fraction (default 0.2), seed",
    lessons=("07",),
)

_UCI = DatasetInfo(
    name="uci_sentences",
    description=(
        "3,000 sentences from Amazon, IMDb and Yelp reviews (1,000 each), labelled "
        "negative (0) or positive (1); the three files are combined."
    ),
    files=(
        FileSpec(
            filename="sentiment labelled sentences.zip",
            url="https://archive.ics.uci.edu/ml/machine-learning-databases/00331/sentiment%20labelled%20sentences.zip",
            size=81_822,
            structure="uci_sentences_zip",
            expect=MappingProxyType({"n_files": 3, "n_rows": 3000}),
            note=(
                "UCI's zip also holds macOS metadata entries and has been re-zipped (size varies); "
                "checked by parsing the three files (3,000 rows)"
            ),
        ),
    ),
    licence="CC BY 4.0 (UCI Machine Learning Repository).",
    citation=(
        "Kotzias, D., Denil, M., de Freitas, N. and Smyth, P. (2015). From Group to Individual "
        "Labels using Deep Features. KDD 2015."
    ),
    split_policy="no upstream split: class-stratified test_fraction (default 0.2), seed",
    lessons=("08",),
)

_TREEBANK = DatasetInfo(
    name="treebank",
    description=(
        "3,914 POS-tagged Wall Street Journal sentences from the NLTK treebank sample "
        "(combined/*.mrg read with nltk's BracketParseCorpusReader; -NONE- traces kept by default)."
    ),
    files=(
        FileSpec(
            filename="treebank.zip",
            url="https://raw.githubusercontent.com/nltk/nltk_data/gh-pages/packages/corpora/treebank.zip",
            size=1_740_034,
            checksum="sha256:9da92d76c3666cfb6cddeaed0f7e86b344cce0f0928a286d439e555f19c37399",
            note="the NLTK data package (md5 78c24a97940c2504d0ad35dd3f8a560b in nltk_data index.xml)",
        ),
    ),
    licence="(C) LDC 1995; NLTK distributes the sample under fair use, non-commercial use only.",
    citation=(
        "Marcus, M. P., Santorini, B. and Marcinkiewicz, M. A. (1993). Building a Large "
        "Annotated Corpus of English: The Penn Treebank. Computational Linguistics 19(2)."
    ),
    split_policy="no upstream split: random sentence-level test_fraction (default 0.2), seed",
    lessons=("09",),
)

_ALICE = DatasetInfo(
    name="alice",
    description=(
        "The two Alice books from Project Gutenberg (#11, #12), header and licence footer "
        "cut at the START/END markers, joined with a blank line."
    ),
    files=tuple(
        FileSpec(
            filename=f"pg{book}.txt",
            url=f"https://www.gutenberg.org/cache/epub/{book}/pg{book}.txt",
            size=size,
            structure="gutenberg_text",
            expect=MappingProxyType({"min_chars": 100_000}),
            note="Gutenberg revises its files (line endings, BOM, header); checked by its START/END markers",
        )
        for book, size in ((11, 170_628), (12, 192_170))
    ),
    licence="Public domain in the USA; the Project Gutenberg License covers the PG-branded files.",
    citation=(
        "Carroll, L. (1865, 1871). Alice's Adventures in Wonderland; Through the Looking-Glass. "
        "Project Gutenberg eBooks #11 and #12."
    ),
    split_policy="no split (the lesson cuts its own character windows)",
    lessons=("10",),
)

_FRA_ENG = DatasetInfo(
    name="fra_eng",
    description=(
        "English-French sentence pairs from fra.txt in manythings' fra-eng.zip, in file "
        "order (short to long); 2- and 3-column editions are read the same way."
    ),
    files=(
        FileSpec(
            filename="fra-eng.zip",
            url="https://www.manythings.org/anki/fra-eng.zip",
            size=3_415_945,
            structure="manythings_zip",
            expect=MappingProxyType({"min_pairs": 100_000}),
            note=(
                "re-released often (2019 edition: 167,130 pairs, 2 columns; newer ones add an attribution "
                "column; size varies); checked by parsing fra.txt"
            ),
        ),
    ),
    licence="CC-BY 2.0 (France); attribution: www.manythings.org/anki and tatoeba.org.",
    citation="Tatoeba Project (tatoeba.org), sentence pairs compiled by manythings.org/anki.",
    split_policy="no split; pairs in file order, max_pairs keeps the first (shortest) ones",
    lessons=("11", "12"),
)

_GLOVE = DatasetInfo(
    name="glove",
    description=(
        "Pretrained 50-dimensional GloVe vectors (Wikipedia 2014 + Gigaword 5, 6B tokens, "
        "uncased), most frequent word first. Read from the full release (glove.6B.zip, "
        "400,000 words) when it is in the cache or a mirror, else from a copy of its "
        "10,000 most frequent words (.subset is then True)."
    ),
    files=(
        FileSpec(
            filename="glove.6B.zip",
            url="https://nlp.stanford.edu/data/glove.6B.zip",
            size=862_182_613,
            structure="glove_zip",
            expect=MappingProxyType({"member": "glove.6B.50d.txt", "dim": 50, "n_words": 400_000}),
            note=(
                "the official release, about 822 MiB, holding 50d/100d/200d/300d files; optional "
                "(load(vocab='400k') asks for it, vocab='auto' uses it only if present). No published "
                "checksum, so it is checked by parsing glove.6B.50d.txt: each line a word and exactly "
                "50 numbers, no duplicate word, 400,000 words"
            ),
        ),
        FileSpec(
            filename="glove.6B.50d.10k.zip",
            url=(
                "https://raw.githubusercontent.com/noallynoclan/data/"
                "11f7bdf74c8d5be80d4c09a14761274f2ced6f78/glove.6B.50d.10k.zip"
            ),
            size=1_722_310,
            checksum="sha256:c62383cf10a8411476c6610a4312b1bfed21ce5a6d98b1899e390dd346ba7056",
            note=(
                "a SUBSET: one member glove.6B.50d.10k.txt, the first 10,000 lines of glove.6B.50d.txt "
                "(the most frequent words) as published; the URL is a commit-pinned GitHub copy, "
                "checked by its sha256"
            ),
        ),
    ),
    licence="Public Domain Dedication and License (PDDL) 1.0.",
    citation=(
        "Pennington, J., Socher, R. and Manning, C. D. (2014). GloVe: Global Vectors for Word "
        "Representation. EMNLP 2014."
    ),
    split_policy="no split (a lookup table); max_words keeps the most frequent words",
    lessons=("04",),
)

DATASETS: dict[str, DatasetInfo] = {
    d.name: d for d in (_IMDB, _AG_NEWS, _TWEETS, _UCI, _TREEBANK, _ALICE, _FRA_ENG, _GLOVE)
}


def names() -> list[str]:
    """The registered dataset names, in registry order."""
    return list(DATASETS)
