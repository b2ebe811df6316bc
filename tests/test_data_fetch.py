"""Getting a file: cache -> mirror -> download -> synthetic; checks, SHA256SUMS, stamps, failures."""

from __future__ import annotations

import os

import pytest

from course_utils import settings
from course_utils.data import fetch, load, registry, verify
from course_utils.data.__main__ import main as cli
from course_utils.data.errors import CorruptFileError, DataUnavailableError

try:
    from data_fixtures import (
        ALICE_BODY,
        GLASS_BODY,
        data_env,
        gutenberg,
        http_server,
        leftovers,
        patch_file,
        sha256,
        treebank_zip,
    )
except ImportError:  # tests/ imported as a package
    from tests.data_fixtures import (
        ALICE_BODY,
        GLASS_BODY,
        data_env,
        gutenberg,
        http_server,
        leftovers,
        patch_file,
        sha256,
        treebank_zip,
    )

__all__ = ["data_env", "http_server"]  # fixtures used below

PG11 = gutenberg("Alice's Adventures in Wonderland", ALICE_BODY)
PG12 = gutenberg("Through the Looking-Glass", GLASS_BODY, old=True, crlf=True)
TREEBANK = treebank_zip()


@pytest.fixture
def tb_spec(monkeypatch):
    """treebank.zip pinned to the fixture's sha256."""
    patch_file(
        monkeypatch, "treebank", "treebank.zip", checksum="sha256:" + sha256(TREEBANK), size=len(TREEBANK)
    )
    return registry.DATASETS["treebank"].files[0]


@pytest.fixture
def alice_relaxed(monkeypatch):
    for name in ("pg11.txt", "pg12.txt"):
        patch_file(monkeypatch, "alice", name, expect={"min_chars": 10})


# ----------------------------------------------------------------------------- order


def test_cache_wins_over_mirror(data_env, tb_spec):
    data_env.put_in_cache("treebank.zip", TREEBANK)
    data_env.put_in_mirror("treebank.zip", TREEBANK)
    data_env.use_mirror()
    record = fetch.get_file("treebank", tb_spec)
    assert record.source == "cache" and record.path == data_env.cache / "files" / "treebank.zip"
    assert record.sha256 == sha256(TREEBANK)


def test_mirror_is_read_in_place(data_env, tb_spec):
    data_env.put_in_mirror("treebank.zip", TREEBANK, sums=False)
    data_env.use_mirror(data_env.root / "no-such-folder", data_env.mirror)
    record = fetch.get_file("treebank", tb_spec)
    assert record.source == "mirror"
    assert record.path == data_env.mirror / "treebank.zip"
    assert not (data_env.cache / "files" / "treebank.zip").exists()  # never copied


def test_download_when_missing(data_env, tb_spec, http_server, monkeypatch):
    url = http_server.add("nltk/treebank.zip", TREEBANK)
    patch_file(monkeypatch, "treebank", "treebank.zip", url=url)
    data_env.online()
    record = fetch.get_file("treebank", registry.DATASETS["treebank"].files[0])
    assert record.source == "download"
    assert record.path.read_bytes() == TREEBANK
    assert leftovers(data_env.cache) == []
    assert fetch.get_file("treebank", tb_spec).source == "cache"  # second time: from the cache


def test_mirror_beats_download_and_synthetic(data_env, tb_spec, http_server, monkeypatch):
    patch_file(monkeypatch, "treebank", "treebank.zip", url=f"{http_server.url}/not-served.zip")
    data_env.profile("quick")
    data_env.online()
    data_env.put_in_mirror("treebank.zip", TREEBANK)
    data_env.use_mirror()
    assert fetch.get_file("treebank", registry.DATASETS["treebank"].files[0]).source == "mirror"
    (data_env.mirror / "treebank.zip").unlink()
    with pytest.raises(DataUnavailableError, match="404"):  # online: tries the download next
        fetch.get_file("treebank", registry.DATASETS["treebank"].files[0])


def test_full_profile_offline_raises_with_helpful_message(data_env):
    spec = registry.DATASETS["alice"].files[0]
    with pytest.raises(DataUnavailableError) as err:
        fetch.get_file("alice", spec)
    message = str(err.value)
    assert "pg11.txt" in message and spec.url in message and "COURSE_DATA_MIRROR" in message
    assert isinstance(err.value, FileNotFoundError)
    with pytest.raises(DataUnavailableError, match="COURSE_DATA_MIRROR"):
        load("alice")


def test_quick_profile_offline_gives_synthetic(data_env, capsys):
    data_env.profile("quick")
    ds = load("alice")
    assert ds.source == "synthetic" and ds.synthetic
    assert "SYNTHETIC STAND-IN DATA: alice" in capsys.readouterr().out


# ----------------------------------------------------------------------------- checks


def test_sha256sums_overrides_registry_hash(data_env, tb_spec):
    rebuilt = TREEBANK + b"\0"  # same data, different bytes (a rebuilt archive)
    data_env.put_in_mirror("treebank.zip", rebuilt, sums=True)
    data_env.use_mirror()
    assert fetch.get_file("treebank", tb_spec).sha256 == sha256(rebuilt)


def test_sha256sums_wrong_hash_is_an_error(data_env, tb_spec):
    data_env.put_in_mirror("treebank.zip", TREEBANK, sums=False)
    (data_env.mirror / "SHA256SUMS").write_text(f"{'0' * 64}  treebank.zip\n", encoding="utf-8")
    data_env.use_mirror()
    with pytest.raises(CorruptFileError, match="treebank.zip.*SHA256SUMS"):
        fetch.get_file("treebank", tb_spec)


def test_file_not_in_sha256sums_falls_back_to_registry(data_env, tb_spec):
    data_env.put_in_mirror("other.txt", b"x", sums=True)  # SHA256SUMS exists but does not list treebank.zip
    data_env.put_in_mirror("treebank.zip", TREEBANK, sums=False)
    data_env.use_mirror()
    assert fetch.get_file("treebank", tb_spec).source == "mirror"
    data_env.put_in_mirror("treebank.zip", TREEBANK[:-10], sums=False)
    with pytest.raises(CorruptFileError, match="treebank.zip"):
        fetch.get_file("treebank", tb_spec)


def test_bad_sums_line(data_env):
    (data_env.mirror / "SHA256SUMS").write_text("not a sums line\n", encoding="utf-8")
    with pytest.raises(CorruptFileError, match="sha256sum format"):
        verify.read_sums(data_env.mirror)


def test_structural_check(data_env, alice_relaxed):
    spec = registry.DATASETS["alice"].files[0]
    path = data_env.put_in_cache("pg11.txt", PG11)
    assert verify.verify_file(path, spec) == sha256(PG11)
    cut = data_env.put_in_cache("pg11.txt", PG11[: len(PG11) // 2])  # the END marker is gone
    with pytest.raises(CorruptFileError, match="structural check"):
        verify.verify_file(cut, spec)


def test_corrupt_cache_file_is_removed_and_obtained_again(data_env, tb_spec, capsys):
    bad = data_env.put_in_cache("treebank.zip", b"garbage")
    data_env.put_in_mirror("treebank.zip", TREEBANK, sums=False)
    data_env.use_mirror()
    record = fetch.get_file("treebank", tb_spec)
    assert record.source == "mirror"
    assert not bad.exists()
    assert "removed a corrupt cached file" in capsys.readouterr().out


def test_corrupt_cache_file_is_downloaded_again(data_env, http_server, monkeypatch):
    url = http_server.add("treebank.zip", TREEBANK)
    patch_file(
        monkeypatch, "treebank", "treebank.zip", url=url, checksum="sha256:" + sha256(TREEBANK), size=None
    )
    spec = registry.DATASETS["treebank"].files[0]
    data_env.put_in_cache("treebank.zip", TREEBANK[:100])
    data_env.online()
    record = fetch.get_file("treebank", spec)
    assert record.source == "download" and record.path.read_bytes() == TREEBANK


def test_stamp_skips_rehash_but_catches_truncation(data_env, tb_spec, monkeypatch):
    path = data_env.put_in_cache("treebank.zip", TREEBANK)
    assert fetch.get_file("treebank", tb_spec).source == "cache"
    calls = {"n": 0}
    real = verify.verify_file

    def counting(*args, **kwargs):
        calls["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(verify, "verify_file", counting)
    assert fetch.get_file("treebank", tb_spec).source == "cache"
    assert calls["n"] == 0  # the stamp matched: no re-hash
    with open(path, "r+b") as fh:
        fh.truncate(len(TREEBANK) - 1)
    with pytest.raises(DataUnavailableError):  # detected, removed, and nothing else has it
        fetch.get_file("treebank", tb_spec)
    assert calls["n"] == 1 and not path.exists()


# ----------------------------------------------------------------------------- downloads that fail


def test_download_with_wrong_content_leaves_nothing(data_env, tb_spec, http_server, monkeypatch):
    url = http_server.add("treebank.zip", b"not the right file")
    patch_file(monkeypatch, "treebank", "treebank.zip", url=url)
    data_env.online()
    with pytest.raises(CorruptFileError, match="download .* was discarded"):
        fetch.get_file("treebank", registry.DATASETS["treebank"].files[0])
    assert not (data_env.cache / "files" / "treebank.zip").exists()
    assert leftovers(data_env.cache) == []


def test_truncated_download_leaves_nothing(data_env, tb_spec, http_server, monkeypatch):
    http_server.add("treebank.zip", TREEBANK)
    patch_file(monkeypatch, "treebank", "treebank.zip", url=f"{http_server.url}/truncated/treebank.zip")
    data_env.online()
    with pytest.raises(DataUnavailableError, match="failed"):
        fetch.get_file("treebank", registry.DATASETS["treebank"].files[0])
    files = data_env.cache / "files"
    assert not files.exists() or list(files.iterdir()) == []
    assert leftovers(data_env.cache) == []


def test_http_404_is_unavailable(data_env, http_server, monkeypatch):
    patch_file(monkeypatch, "alice", "pg11.txt", url=f"{http_server.url}/missing.txt")
    data_env.online()
    with pytest.raises(DataUnavailableError, match="pg11.txt"):
        fetch.get_file("alice", registry.DATASETS["alice"].files[0])
    data_env.profile("quick")
    patch_file(monkeypatch, "alice", "pg12.txt", url=f"{http_server.url}/missing2.txt")
    assert load("alice").source == "synthetic"  # quick profile: the failed download falls back


# ----------------------------------------------------------------------------- filling a mirror


def test_cli_fetch_to_mirror_writes_sha256sums(data_env, http_server, monkeypatch, alice_relaxed, capsys):
    patch_file(monkeypatch, "alice", "pg11.txt", url=http_server.add("pg11.txt", PG11))
    patch_file(monkeypatch, "alice", "pg12.txt", url=http_server.add("pg12.txt", PG12))
    target = data_env.root / "usb-stick"
    data_env.online()
    assert cli(["fetch", "alice", "--to", str(target)]) == 0
    sums = verify.read_sums(target)
    assert sums == {"pg11.txt": sha256(PG11), "pg12.txt": sha256(PG12)}
    assert "downloaded" in capsys.readouterr().out
    assert cli(["fetch", "alice", "--to", str(target)]) == 0
    assert "already in" in capsys.readouterr().out
    # the filled folder works as an offline mirror
    data_env.set(COURSE_OFFLINE="1", COURSE_DATA_MIRROR=str(target))
    ds = load("alice", verbose=False)
    assert ds.source == "mirror" and ds.books["Through the Looking-Glass"] == GLASS_BODY


def test_cli_fetch_copies_from_cache_when_offline(data_env, alice_relaxed, capsys):
    data_env.put_in_cache("pg11.txt", PG11)
    data_env.put_in_cache("pg12.txt", PG12)
    target = data_env.root / "mirror2"
    assert cli(["fetch", "alice", "--to", str(target)]) == 0
    assert "copied from cache" in capsys.readouterr().out
    assert (target / "pg12.txt").read_bytes() == PG12 and (target / "SHA256SUMS").is_file()


def test_cli_fetch_reports_failures(data_env, capsys):
    assert cli(["fetch", "alice", "--to", str(data_env.root / "m")]) == 1  # offline, nothing anywhere
    assert "FAILED: DataUnavailableError" in capsys.readouterr().out
    assert cli(["fetch", "nope"]) == 2


def test_cli_prepare(data_env, capsys):
    data_env.profile("quick")
    assert cli(["prepare", "alice"]) == 0  # quick profile, offline, no files: the labelled stand-in
    assert "alice" in capsys.readouterr().out
    data_env.profile("full")
    assert cli(["prepare", "alice"]) == 1  # full profile, offline, no files: reported as a failure
    assert cli(["prepare"]) == 2


def test_settings_are_isolated(data_env):
    assert settings.get().data_dir == data_env.cache
    assert settings.get().offline and os.environ["COURSE_OFFLINE"] == "1"
