"""The registry: complete entries, the public API names, data/README.md in sync, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

import course_utils.data as data
from course_utils.data import readme, registry, verify
from course_utils.data.__main__ import main as cli
from course_utils.data.loaders import LOADERS

try:
    from data_fixtures import data_env
except ImportError:  # tests/ imported as a package
    from tests.data_fixtures import data_env

__all__ = ["data_env"]

README = Path(__file__).resolve().parents[1] / "data" / "README.md"
REQUIRED = {"imdb", "ag_news", "tweet_emotions", "uci_sentences", "treebank", "alice", "fra_eng"}


def test_names():
    assert REQUIRED <= set(data.names())
    assert set(data.names()) == set(LOADERS)


@pytest.mark.parametrize("name", sorted(registry.DATASETS))
def test_entry_is_complete(name):
    info = data.info(name)
    assert isinstance(info, data.DatasetInfo) and info.name == name
    for text in (info.description, info.licence, info.citation, info.split_policy):
        assert text.strip()
    assert info.options and "verbose" in info.options
    assert info.files
    for spec in info.files:
        assert spec.url.startswith("https://")
        assert spec.check_kind in {"sha256", "md5", "structure"}
        assert (spec.checksum is None) != (spec.structure is None)  # exactly one kind of check
        if spec.checksum:
            algo, _, digest = spec.checksum.partition(":")
            assert len(digest) == {"sha256": 64, "md5": 32}[algo]
        else:
            assert spec.structure in verify.STRUCTURE_CHECKS
            assert "check" in spec.note  # the registry says why and how it is checked


def test_pinned_checksums():
    assert (
        data.info("treebank")
        .files[0]
        .checksum.endswith("9da92d76c3666cfb6cddeaed0f7e86b344cce0f0928a286d439e555f19c37399")
    )
    assert (
        data.info("imdb")
        .files[0]
        .checksum.endswith("c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe")
    )
    ag = {s.filename: s.checksum for s in data.info("ag_news").files}
    assert ag == {
        "ag_news_csv/train.csv": "md5:b1a00f826fdfbd249f79597b59e1dc12",
        "ag_news_csv/test.csv": "md5:d52ea96a97a2d943681189a97654912d",
    }
    for name in ("alice", "fra_eng", "tweet_emotions", "uci_sentences"):
        assert all(s.check_kind == "structure" for s in data.info(name).files)


def test_filenames_are_unique_relative_paths():
    names = [s.filename for info in registry.DATASETS.values() for s in info.files]
    assert len(names) == len(set(names))
    assert all(not n.startswith("/") and ".." not in n.split("/") for n in names)


def test_info_unknown_name():
    with pytest.raises(ValueError, match="valid names: .*imdb.*glove"):
        data.info("cifar10")
    with pytest.raises(ValueError, match="its files: pg11.txt, pg12.txt"):
        data.info("alice").file("pg13.txt")


def test_errors_hierarchy():
    assert issubclass(data.DataUnavailableError, FileNotFoundError)
    assert issubclass(data.CorruptFileError, ValueError)


def test_readme_is_in_sync_with_registry():
    assert README.is_file(), "run: python -m course_utils.data readme --write data/README.md"
    assert readme.render_table() in README.read_text(encoding="utf-8"), (
        "data/README.md is stale: python -m course_utils.data readme --write data/README.md"
    )


def test_readme_write_keeps_hand_written_text(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(
        f"# My notes\n\nhand-written\n\n{readme.BEGIN}\nold table\n{readme.END}\n\nmore text\n",
        encoding="utf-8",
    )
    readme.write(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# My notes\n\nhand-written") and text.endswith("more text\n")
    assert "old table" not in text and "`aclImdb_v1.tar.gz`" in text
    with pytest.raises(ValueError, match="no generated block"):
        readme.write(tmp_path / "new.md")


def test_cli_readme_and_list(data_env, capsys):
    assert cli(["readme"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == readme.render_table()
    assert cli(["list"]) == 0
    out = capsys.readouterr().out
    assert "treebank.zip" in out and "missing" in out and "DataUnavailableError" in out
