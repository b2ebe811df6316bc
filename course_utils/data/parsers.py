"""Parsers: upstream file formats -> plain Python objects.

Each parser accepts the editions that circulate (BOM or not, CRLF or LF,
2- or 3-column manythings files, quoted or unquoted CSV fields) and raises
``ValueError`` with the file and line when the format is not what it expects.
Lines are split on ``"\\n"`` only: some files contain U+0085 (NEL) inside
sentences, which ``str.splitlines`` would treat as a line break.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

# ----------------------------------------------------------------------------- Gutenberg

_START, _END = (
    re.compile(rf"^[ \t]*\*{{3}}[ \t]*{word} OF (?:THE|THIS) PROJECT GUTENBERG E-?BOOK[^\n]*$", re.I | re.M)
    for word in ("START", "END")
)
_END_LINE = re.compile(r"\n[ \t]*End of (?:the )?Project Gutenberg(?:'s)?\b[^\n]*\Z", re.IGNORECASE)


def decode_text(data: bytes) -> str:
    """UTF-8 bytes (with or without BOM, CRLF or LF) -> str with ``\\n`` line ends."""
    text = data.decode("utf-8-sig")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_gutenberg(path: str | os.PathLike) -> str:
    """A Project Gutenberg plain-text file -> the book between the ``*** START OF ...`` and
    ``*** END OF ...`` markers, without header and licence.

    Accepts both "THE PROJECT GUTENBERG EBOOK" (current) and "THIS PROJECT
    GUTENBERG EBOOK" (pre-2016) forms. Raises ``ValueError`` if a marker is missing.
    """
    try:
        text = decode_text(Path(path).read_bytes())
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not a UTF-8 Project Gutenberg text: {err}") from None
    start = _START.search(text)
    if start is None:
        raise ValueError(f"{path}: no '*** START OF THE/THIS PROJECT GUTENBERG EBOOK' marker found")
    end = _END.search(text, start.end())
    if end is None:
        raise ValueError(f"{path}: no '*** END OF THE/THIS PROJECT GUTENBERG EBOOK' marker after the START marker")
    body = text[start.end() : end.start()].strip()
    # pre-2016 editions end the body with "End of (the) Project Gutenberg('s) EBook of ..."
    return _END_LINE.sub("", body).rstrip()


# ----------------------------------------------------------------------------- manythings


def parse_fra_lines(lines: Iterable[str], *, where: str = "fra.txt") -> list[tuple[str, str]]:
    """Lines ``English<TAB>French[<TAB>attribution]`` -> list of (english, french).

    Blank lines are skipped; a line with fewer than 2 columns raises ``ValueError``.
    """
    pairs: list[tuple[str, str]] = []
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            raise ValueError(
                f"{where} line {lineno}: expected 'English<TAB>French[<TAB>attribution]', got {line[:80]!r}"
            )
        pairs.append((cols[0].strip(), cols[1].strip()))
    return pairs


def _zip_member(zf: zipfile.ZipFile, path: str | os.PathLike, member: str) -> str:
    """The full name of the entry whose file name is ``member`` (macOS metadata ignored)."""
    names = [n for n in zf.namelist() if "__MACOSX" not in n]
    hits = [n for n in names if n.rsplit("/", 1)[-1] == member]
    if not hits:
        raise ValueError(f"{path}: no {member} inside (found: {', '.join(names[:10])})")
    return hits[0]


def read_fra_zip(path: str | os.PathLike, member: str = "fra.txt") -> list[tuple[str, str]]:
    """manythings' ``fra-eng.zip`` -> list of (english, french) in file order."""
    with zipfile.ZipFile(path) as zf:
        name = _zip_member(zf, path, member)
        text = decode_text(zf.read(name))
    return parse_fra_lines(text.split("\n"), where=f"{Path(path).name}:{name}")


# ----------------------------------------------------------------------------- CSV files


def _csv_rows(path: str | os.PathLike) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every non-empty row of a UTF-8 CSV file (BOM or not)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        for row in reader:
            if row:
                yield reader.line_num, row


def read_tweet_emotions(path: str | os.PathLike) -> dict[str, list[str]]:
    """``tweet_emotions.csv`` (header ``tweet_id,sentiment,content``) -> dict of parallel lists.

    Returns ``{"labels": [...], "texts": [...]}`` (label names as strings).
    Quoted fields may hold commas, TABs or newlines; an unquoted comma inside
    the content is kept (extra columns are joined back). Rows with an empty
    label (junk rows in some copies) are skipped.
    """
    labels: list[str] = []
    texts: list[str] = []
    rows = _csv_rows(path)
    header = [h.strip().lower() for h in next(rows, (0, []))[1]]
    if header[:3] != ["tweet_id", "sentiment", "content"]:
        raise ValueError(f"{path}: expected the header 'tweet_id,sentiment,content', got {header}")
    for lineno, row in rows:
        if len(row) < 3:
            raise ValueError(f"{path} line {lineno}: expected 3 columns, got {len(row)}")
        if row[1].strip():
            labels.append(row[1].strip())
            texts.append(",".join(row[2:]))
    return {"labels": labels, "texts": texts}


def read_ag_news_csv(path: str | os.PathLike) -> dict[str, object]:
    """An AG News CSV (``"class","title","description"``, no header, classes 1-4).

    Returns ``{"labels": int64 array (n,) with values 0-3, "titles": [...],
    "descriptions": [...]}`` with the raw upstream strings (see :func:`clean_ag_news`).
    """
    labels: list[int] = []
    titles: list[str] = []
    descriptions: list[str] = []
    for lineno, row in _csv_rows(path):
        if len(row) != 3:
            raise ValueError(f"{path} line {lineno}: expected 3 columns, got {len(row)}")
        if not row[0].strip().isdigit():
            if lineno == 1:  # a header row, as in some re-uploads
                continue
            raise ValueError(f"{path} line {lineno}: class {row[0]!r} is not a number")
        if not 1 <= int(row[0]) <= 4:
            raise ValueError(f"{path} line {lineno}: class {int(row[0])} is not in 1..4")
        labels.append(int(row[0]) - 1)
        titles.append(row[1])
        descriptions.append(row[2])
    return {"labels": np.asarray(labels, dtype=np.int64), "titles": titles, "descriptions": descriptions}


# An entity whose "&" was lost, with the space that replaced it: " #36;", " quot;".
_BARE_ENTITY = re.compile(r"(?<!&) ?(?:\b(quot|amp|lt|gt|nbsp)|(#\d{2,5}));")


def clean_ag_news(text: str) -> str:
    """Undo the AG News escapes: ``\\`` line breaks, ``\\$``, and HTML entities.

    The release writes line breaks as ``\\`` (paragraphs as ``\\\\``), escapes
    ``$`` as ``\\$`` and lost the ``&`` of many entities (`` #36;10`` is
    ``$10``, `` quot;`` is ``"``). Breaks become spaces, entities characters,
    runs of spaces one space.
    """
    if "\\" in text:
        text = text.replace("\\$", "$").replace("\\", " ")
    if ";" in text:
        text = html.unescape(_BARE_ENTITY.sub(_restore_entity, text))
    return " ".join(text.split())


def _restore_entity(match: re.Match) -> str:
    return f"&{match[1] or match[2]};"


# ----------------------------------------------------------------------------- UCI zip


def read_uci_sentences(path: str | os.PathLike) -> dict[str, list]:
    """``sentiment labelled sentences.zip`` -> the three ``*_labelled.txt`` files combined.

    Each line is ``sentence<TAB>label`` (label 0 or 1). Files are read in
    sorted order (amazon, imdb, yelp). Returns ``{"texts": [...], "labels":
    [int, ...], "sources": ["amazon_cells", ...]}``. Lines are parsed by hand,
    not with pandas: quotes in imdb_labelled.txt make ``read_csv`` merge lines.
    """
    texts: list[str] = []
    labels: list[int] = []
    sources: list[str] = []
    with zipfile.ZipFile(path) as zf:
        members = sorted(
            (n for n in zf.namelist() if n.endswith("_labelled.txt") and "__MACOSX" not in n),
            key=lambda n: n.rsplit("/", 1)[-1],
        )
        if not members:
            raise ValueError(f"{path}: no *_labelled.txt files inside")
        for member in members:
            source = member.rsplit("/", 1)[-1].removesuffix("_labelled.txt")
            for lineno, line in enumerate(decode_text(zf.read(member)).split("\n"), 1):
                if not line.strip():
                    continue
                sentence, sep, label = line.rpartition("\t")
                if not sep or label.strip() not in ("0", "1"):
                    raise ValueError(
                        f"{path}:{member} line {lineno}: expected 'sentence<TAB>0|1', got {line[:80]!r}"
                    )
                texts.append(sentence.strip())
                labels.append(int(label))
                sources.append(source)
    return {"texts": texts, "labels": labels, "sources": sources}


# ----------------------------------------------------------------------------- treebank


def read_treebank(path: str | os.PathLike) -> dict[str, list]:
    """The NLTK treebank sample (``treebank.zip``) -> ``{"sentences", "tags"}``, one entry per sentence.

    The ``treebank/combined/wsj_*.mrg`` members are read inside the zip with nltk's
    ``BracketParseCorpusReader``, which returns what ``nltk.corpus.treebank.tagged_sents()``
    returns (``-NONE-`` trace tokens included).
    """
    import nltk.data
    from nltk.corpus.reader import BracketParseCorpusReader

    path = Path(path).resolve()
    with zipfile.ZipFile(path) as zf:
        if not any(re.fullmatch(r"treebank/combined/wsj_.*\.mrg", n) for n in zf.namelist()):
            raise ValueError(f"{path}: no treebank/combined/wsj_*.mrg members")
    # NLTK >= 3.9.3 refuses to read outside nltk.data.path: the folder is added while it is read
    entry = str(path.parent)
    added = entry not in nltk.data.path
    if added:
        nltk.data.path.append(entry)
    try:
        combined = nltk.data.ZipFilePathPointer(str(path), "treebank/combined/")
        sents = list(BracketParseCorpusReader(combined, r"wsj_.*\.mrg").tagged_sents())
    finally:
        if added and entry in nltk.data.path:
            nltk.data.path.remove(entry)
    return {"sentences": [[w for w, _ in s] for s in sents], "tags": [[t for _, t in s] for s in sents]}


# ----------------------------------------------------------------------------- aclImdb

_REVIEW = re.compile(r"^(?:\./)?aclImdb/(train|test)/(neg|pos|unsup)/(\d+)_\d+\.txt$")


def read_imdb_tar(path: str | os.PathLike, *, unsup: bool = False) -> dict[str, object]:
    """The aclImdb tarball, read without extracting it (nothing is written to disk).

    Returns ``{"train_texts", "train_labels", "test_texts", "test_labels"}``: raw
    reviews (``<br />`` tags included) and int64 labels (0 neg / 1 pos), neg then
    pos, each by the id in the ``{id}_{rating}.txt`` names. With ``unsup=True``,
    ``{"unsup_texts"}`` instead: the 50,000 unlabelled reviews of ``train/unsup``, by id.
    """
    found: dict[tuple[str, str], list[tuple[int, str]]] = {}
    with tarfile.open(path, mode="r:*") as tf:
        for member in tf:
            match = _REVIEW.match(member.name.replace("\\", "/"))
            if match and member.isfile() and (match[2] == "unsup") == unsup:
                text = tf.extractfile(member).read().decode("utf-8")
                found.setdefault((match[1], match[2]), []).append((int(match[3]), text))
    groups = [("train", "unsup")] if unsup else [(s, sub) for s in ("train", "test") for sub in ("neg", "pos")]
    for group in groups:
        if group not in found:
            raise ValueError(f"{path}: no aclImdb/{'/'.join(group)}/*.txt members")
    if unsup:
        return {"unsup_texts": [text for _, text in sorted(found["train", "unsup"])]}
    out: dict[str, object] = {}
    for split in ("train", "test"):
        reviews = [sorted(found[split, sub]) for sub in ("neg", "pos")]
        out[f"{split}_texts"] = [text for part in reviews for _, text in part]
        out[f"{split}_labels"] = np.repeat(np.arange(2, dtype=np.int64), [len(part) for part in reviews])
    return out


# ----------------------------------------------------------------------------- GloVe


def parse_glove_lines(lines: Iterable[str], *, dim: int, where: str = "glove") -> dict[str, object]:
    """GloVe text lines ``word v1 ... v<dim>`` (single spaces) -> words and a float32 matrix.

    Strict, so that it doubles as the structural check of a download: every
    line must hold one word and exactly ``dim`` finite numbers, and no word may
    occur twice (``ValueError`` naming the line otherwise). A final empty line
    is allowed. Returns ``{"words": [...], "vectors": float32 array (n, dim)}``
    in file order (GloVe files run from the most to the least frequent word).
    """
    rows: list[np.ndarray] = []
    seen: dict[str, int] = {}  # word -> line, in file order
    pending_blank = 0
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\r\n")
        if not line:
            pending_blank = lineno
            continue
        if pending_blank:
            raise ValueError(f"{where} line {pending_blank}: empty line inside the file")
        word, sep, rest = line.partition(" ")
        if not sep or not word or rest.count(" ") != dim - 1:
            n = len(rest.split()) if sep else 0
            raise ValueError(f"{where} line {lineno}: expected a word and {dim} numbers, got {n} after {word[:30]!r}")
        if word in seen:
            raise ValueError(f"{where} line {lineno}: the word {word!r} occurs again (first on line {seen[word]})")
        try:
            row = np.array(rest.split(" "), dtype=np.float32)
        except ValueError:
            raise ValueError(f"{where} line {lineno}: the values of {word!r} are not all numbers") from None
        if not np.isfinite(row).all():
            raise ValueError(f"{where} line {lineno}: the vector of {word!r} holds NaN or inf")
        seen[word] = lineno
        rows.append(row)
    return {"words": list(seen), "vectors": np.stack(rows) if rows else np.zeros((0, dim), dtype=np.float32)}


def read_glove_zip(path: str | os.PathLike, member: str, *, dim: int) -> dict[str, object]:
    """A GloVe zip (``glove.6B.zip`` or a subset of it) -> :func:`parse_glove_lines` of ``member``.

    ``member`` is matched by its file name (e.g. ``glove.6B.50d.txt``); the
    member is streamed, so the 822 MB release is never read into memory whole.
    """
    with zipfile.ZipFile(path) as zf:
        name = _zip_member(zf, path, member)
        with zf.open(name) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            return parse_glove_lines(text, dim=dim, where=f"{Path(path).name}:{name}")
