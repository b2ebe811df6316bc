"""Helpers for the course_utils.data tests: isolated settings, tiny upstream-format files,
a local HTTP server. Imported by tests/test_data_*.py (pytest picks up the fixtures
they import).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import http.server
import io
import os
import tarfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from course_utils import settings
from course_utils.data import registry

# The real mirror, read before any fixture clears the environment.
MIRROR = os.environ.get("COURSE_DATA_MIRROR", "")
MIRROR_DIR = Path(MIRROR.split(os.pathsep)[0]) if MIRROR else None
requires_mirror = pytest.mark.skipif(
    MIRROR_DIR is None or not MIRROR_DIR.is_dir(),
    reason="set COURSE_DATA_MIRROR to the offline data mirror to run the real-data tests",
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------------- settings


@dataclass
class DataEnv:
    """An isolated data setup: ``cache`` (COURSE_DATA_DIR), ``mirror`` (not active until
    :meth:`use_mirror`), offline, full profile."""

    root: Path
    cache: Path
    mirror: Path
    monkeypatch: pytest.MonkeyPatch

    def set(self, **env: str | None) -> None:
        for key, value in env.items():
            if value is None:
                self.monkeypatch.delenv(key, raising=False)
            else:
                self.monkeypatch.setenv(key, value)
        settings.reload()

    def use_mirror(self, *folders: Path) -> None:
        self.set(COURSE_DATA_MIRROR=os.pathsep.join(str(f) for f in (folders or (self.mirror,))))

    def profile(self, name: str) -> None:
        self.set(COURSE_PROFILE=name)

    def online(self) -> None:
        self.set(COURSE_OFFLINE="0")

    def put(self, folder: Path, rel: str, data: bytes, *, sums: bool = False) -> Path:
        """Write ``data`` at ``folder/rel``; with ``sums`` also list it in ``folder/SHA256SUMS``."""
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if sums:
            from course_utils.data import verify

            verify.write_sums(folder, {rel: sha256(data)})
        return path

    def put_in_mirror(self, rel: str, data: bytes, *, sums: bool = True) -> Path:
        return self.put(self.mirror, rel, data, sums=sums)

    def put_in_cache(self, rel: str, data: bytes) -> Path:
        return self.put(self.cache / "files", rel, data)


@pytest.fixture
def data_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DataEnv:
    """Settings isolated in tmp_path: empty cache, no mirror, offline, full profile."""
    monkeypatch.setattr(settings, "_current", None)  # restored after the test
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(proxy, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    env = DataEnv(tmp_path, tmp_path / "cache", tmp_path / "mirror", monkeypatch)
    env.mirror.mkdir()
    env.set(
        COURSE_DATA_DIR=str(env.cache),
        COURSE_DATA_MIRROR=None,
        COURSE_OFFLINE="1",
        COURSE_PROFILE="full",
    )
    return env


def patch_file(monkeypatch: pytest.MonkeyPatch, dataset: str, filename: str, **changes: object) -> None:
    """Replace one FileSpec of a registry entry for this test (e.g. a fixture's checksum or URL)."""
    info = registry.DATASETS[dataset]
    files = tuple(dataclasses.replace(s, **changes) if s.filename == filename else s for s in info.files)
    monkeypatch.setitem(registry.DATASETS, dataset, dataclasses.replace(info, files=files))


def relax_checks(monkeypatch: pytest.MonkeyPatch, dataset: str, data_by_file: dict[str, bytes]) -> None:
    """Make the registry accept the given fixture bytes (sha256 pins them, structure counts are relaxed)."""
    for spec in registry.DATASETS[dataset].files:
        if spec.filename not in data_by_file:
            continue
        if spec.checksum:
            patch_file(
                monkeypatch,
                dataset,
                spec.filename,
                checksum="sha256:" + sha256(data_by_file[spec.filename]),
                size=None,
            )
        else:
            patch_file(monkeypatch, dataset, spec.filename, expect={})


# ----------------------------------------------------------------------------- upstream formats


def gutenberg(title: str, body: str, *, old: bool = False, bom: bool = True, crlf: bool = False) -> bytes:
    """A Project Gutenberg plain-text file with header, START/END markers and a licence footer."""
    this = "THIS" if old else "THE"
    text = (
        f"The Project Gutenberg eBook of {title}\n\nThis eBook is for the use of anyone anywhere.\n\n"
        f"Title: {title}\n\n*** START OF {this} PROJECT GUTENBERG EBOOK {title.upper()} ***\n\n\n"
        f"{body}\n\n\n"
        + (f"End of Project Gutenberg's {title}, by Lewis Carroll\n\n" if old else "")
        + f"{'' if old else '            '}*** END OF {this} PROJECT GUTENBERG EBOOK {title.upper()} ***\n\n"
        "Updated editions will replace the previous one.\n"
        "START: FULL LICENSE\nTHE FULL PROJECT GUTENBERG LICENSE\n"
    )
    if crlf:
        text = text.replace("\n", "\r\n")
    return ("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8")


ALICE_BODY = (
    "CHAPTER I.\nDown the Rabbit-Hole\n\nAlice was beginning to get very tired of sitting by her sister."
)
GLASS_BODY = "CHAPTER I.\nLooking-Glass House\n\nOne thing was certain, that the white kitten had nothing to do with it."


def fra_txt(pairs: list[tuple[str, str]], *, columns: int = 2) -> bytes:
    lines = []
    for i, (en, fr) in enumerate(pairs):
        cols = [en, fr] + (
            [f"CC-BY 2.0 (France) Attribution: tatoeba.org #{i} (CM) & #{i + 1} (x)"] if columns == 3 else []
        )
        lines.append("\t".join(cols))
    return ("\n".join(lines) + "\n").encode("utf-8")


FRA_PAIRS = [
    ("Go.", "Va !"),
    ("Hi.", "Salut !"),
    ("Run!", "Cours\u202f!"),
    ("Who?", "Qui ?"),
    ("I see.", "Je vois."),
]


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def fra_zip(pairs: list[tuple[str, str]] = FRA_PAIRS, *, columns: int = 2, folder: str = "") -> bytes:
    members = {
        f"{folder}_about.txt": b"Date of this file: 2019-04-07\n",
        f"{folder}fra.txt": fra_txt(pairs, columns=columns),
    }
    if folder:
        members["__MACOSX/._fra.txt"] = b"junk"
    return zip_bytes(members)


def tweet_csv(*, crlf: bool = False, bom: bool = False) -> bytes:
    """tweet_emotions.csv rows: quoted fields with commas/TABs, an unquoted TAB, a junk row."""
    labels = ["neutral", "worry", "happiness", "sadness", "love", "worry", "neutral", "happiness"]
    lines = ["tweet_id,sentiment,content"]
    for i, label in enumerate(labels):
        lines.append(f"{1000 + i},{label},tweet number {i} feeling {label}")
    lines.append('2000,love,"quoted, with a comma\tand a TAB"')
    lines.append("2001,worry,@someone\tunquoted TAB inside")
    lines.append('2002,sadness,"a ""quoted"" word"')
    lines.append(",,junk row without a label")
    nl = "\r\n" if crlf else "\n"
    return ("\ufeff" if bom else "").encode("utf-8") + (nl.join(lines) + nl).encode("utf-8")


def ag_csv(n_per_class: int = 3, *, offset: int = 0) -> bytes:
    """AG News rows: every field quoted, backslash line breaks and lost-& entities inside."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for i in range(n_per_class):
        for label in (1, 2, 3, 4):
            k = offset + i
            writer.writerow(
                [
                    str(label),
                    f"Title {k} of class {label} (AP)",
                    f"AP - Story {k} about topic{label}, worth  #36;{k} million.\\Second line\\\\said  quot;someone quot;.",
                ]
            )
    return buf.getvalue().encode("utf-8")


def uci_zip(n_per_file: int = 4) -> bytes:
    """The UCI zip layout: a folder with three *_labelled.txt files, a readme and macOS junk."""
    members: dict[str, bytes] = {"sentiment labelled sentences/": b""}
    for source in ("amazon_cells", "imdb", "yelp"):
        lines = []
        for i in range(n_per_file):
            label = i % 2
            text = f"{source} sentence {i} is {'good' if label else 'bad'}."
            if source == "imdb" and i == 0:
                text = 'A "quoted" start,   then a NEL\x85inside  '
            lines.append(f"{text}\t{label}")
        members[f"sentiment labelled sentences/{source}_labelled.txt"] = ("\n".join(lines) + "\n").encode(
            "utf-8"
        )
    members["sentiment labelled sentences/readme.txt"] = (
        b"From Group to Individual Labels using Deep Features\n"
    )
    members["__MACOSX/sentiment labelled sentences/._imdb_labelled.txt"] = b"junk"
    return zip_bytes(members)


MRG_1 = """
( (S
    (NP-SBJ (NNP Pierre) (NNP Vinken) )
    (VP (MD will)
      (VP (VB join)
        (NP (DT the) (NN board) )))
    (. .) ))
( (S
    (NP-SBJ-1 (DT The) (NN company) )
    (VP (VBD was)
      (VP (VBN sold)
        (NP (-NONE- *-1) )))
    (. .) ))
"""
MRG_2 = """
( (S
    (NP-SBJ (PRP It) )
    (VP (VBZ rains) )
    (. .) ))
"""


def treebank_zip() -> bytes:
    """An NLTK-style treebank.zip with two combined/*.mrg files (3 sentences, one trace)."""
    return zip_bytes(
        {
            "treebank/": b"",
            "treebank/combined/": b"",
            "treebank/combined/README": b"combined\n",
            "treebank/combined/wsj_0001.mrg": MRG_1.encode(),
            "treebank/combined/wsj_0002.mrg": MRG_2.encode(),
            "treebank/tagged/wsj_0001.pos": b"[ Pierre/NNP Vinken/NNP ]\n",
        }
    )


def tar_bytes(members: dict[str, bytes]) -> bytes:
    """A tar.gz with regular files (folders are implied)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def imdb_tar(n: int = 3) -> bytes:
    """An aclImdb_v1.tar.gz: n reviews per train/test x pos/neg, plus train/unsup and .feat files."""
    members = {"aclImdb/README": b"Large Movie Review Dataset v1.0\n", "aclImdb/imdb.vocab": b"the\nand\n"}
    for split in ("train", "test"):
        for sub, ratings in (("neg", (1, 2, 3, 4)), ("pos", (7, 8, 9, 10))):
            for i in range(n):
                text = f"{split} {sub} review {i}.<br /><br />It was {'great' if sub == 'pos' else 'awful'}."
                members[f"aclImdb/{split}/{sub}/{i}_{ratings[i % 4]}.txt"] = text.encode()
        members[f"aclImdb/{split}/labeledBow.feat"] = b"0 0:1\n"
    for i in range(n):
        members[f"aclImdb/train/unsup/{i}_0.txt"] = b"unlabelled review"
    return tar_bytes(dict(sorted(members.items())))


# ----------------------------------------------------------------------------- HTTP server


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files; ``/truncated/<file>`` announces the full length but sends half and hangs up."""

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/truncated/"):
            data = (Path(self.directory) / self.path.removeprefix("/truncated/")).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()


@dataclass
class LocalServer:
    root: Path
    url: str

    def add(self, rel: str, data: bytes) -> str:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return f"{self.url}/{rel}"


@pytest.fixture
def http_server(tmp_path: Path):
    """A static HTTP server on 127.0.0.1 serving ``tmp_path/www`` (shut down after the test)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield LocalServer(root, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


def leftovers(folder: Path) -> list[Path]:
    """Temporary or partial files and folders left under ``folder``."""
    if not folder.exists():
        return []
    return [p for p in folder.rglob("*") if any(k in p.name for k in (".download-", ".tmp"))]
