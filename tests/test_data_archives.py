"""Safe extraction: unsafe members are refused, interrupted extractions leave nothing behind."""

from __future__ import annotations

import tarfile
import zipfile

import pytest

from course_utils.data import archives
from course_utils.data.errors import CorruptFileError, UnsafeArchiveError

try:
    from data_fixtures import leftovers, link_member, tar_bytes, zip_bytes
except ImportError:  # tests/ imported as a package
    from tests.data_fixtures import leftovers, link_member, tar_bytes, zip_bytes


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_tar_and_zip_extract(tmp_path):
    files = {"pkg/a.txt": b"a", "pkg/sub/b.txt": b"b"}
    for name, data in (
        ("x.tar.gz", tar_bytes(files)),
        ("x.tar", tar_bytes(files, gz=False)),
        ("x.zip", zip_bytes(files)),
    ):
        dest = archives.extract(_write(tmp_path, name, data), tmp_path / f"out-{name}")
        assert (dest / "pkg" / "sub" / "b.txt").read_bytes() == b"b"
        assert (dest / archives.MARKER).is_file()
        assert leftovers(tmp_path) == []


def test_include_filter_and_reuse(tmp_path, monkeypatch):
    archive = _write(tmp_path, "x.tar.gz", tar_bytes({"d/keep.txt": b"1", "d/skip/x.txt": b"2"}))
    dest = archives.extract(archive, tmp_path / "out", include=lambda n: "/skip" not in n, key="k1")
    assert (dest / "d" / "keep.txt").exists() and not (dest / "d" / "skip").exists()

    def boom(*a, **k):
        raise AssertionError("should have reused the extraction")

    monkeypatch.setattr(archives, "_extract_tar", boom)
    assert archives.extract(archive, tmp_path / "out", key="k1") == dest  # same key: reused
    monkeypatch.undo()
    archives.extract(archive, tmp_path / "out", key="k2")  # new key: extracted again, replacing
    assert (dest / "d" / "skip" / "x.txt").exists()


def test_symlink_inside_target_is_allowed(tmp_path):
    archive = _write(
        tmp_path,
        "ok.tar",
        tar_bytes({"d/real.txt": b"x"}, gz=False, extra=[link_member("d/link.txt", "real.txt")]),
    )
    dest = archives.extract(archive, tmp_path / "out")
    assert (dest / "d" / "link.txt").read_bytes() == b"x"


@pytest.mark.parametrize(
    "members,extra",
    [
        ({"/etc/evil.txt": b"x"}, []),
        ({"ok/../../evil.txt": b"x"}, []),
        ({"d/a.txt": b"x"}, [link_member("d/link", "../../outside.txt")]),
        ({"d/a.txt": b"x"}, [link_member("d/abs", "/etc/passwd")]),
        ({"d/a.txt": b"x"}, [link_member("d/hard", "../outside.txt", hard=True)]),
    ],
    ids=["absolute", "dotdot", "symlink-escape", "symlink-absolute", "hardlink-escape"],
)
def test_unsafe_tar_is_refused(tmp_path, members, extra):
    archive = _write(tmp_path, "evil.tar.gz", tar_bytes(members, extra=extra))
    with pytest.raises(UnsafeArchiveError, match="refusing"):
        archives.extract(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "outside.txt").exists() and not (tmp_path / "evil.txt").exists()
    assert leftovers(tmp_path) == []


def _zip_with_symlink(target: str) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("d/a.txt", b"x")
        info = zipfile.ZipInfo("d/link")
        info.external_attr = 0o120777 << 16  # a symlink entry, as `zip --symlinks` writes
        zf.writestr(info, target)
    return buf.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        zip_bytes({"/abs/evil.txt": b"x"}),
        zip_bytes({"a/../../evil.txt": b"x"}),
        _zip_with_symlink("../../outside.txt"),
        _zip_with_symlink("/etc/passwd"),
    ],
    ids=["absolute", "dotdot", "symlink-escape", "symlink-absolute"],
)
def test_unsafe_zip_is_refused(tmp_path, data):
    archive = _write(tmp_path, "evil.zip", data)
    with pytest.raises(UnsafeArchiveError, match="refusing"):
        archives.extract(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert leftovers(tmp_path) == []


def test_interrupted_extraction_leaves_nothing(tmp_path, monkeypatch):
    archive = _write(tmp_path, "x.tar.gz", tar_bytes({f"d/{i}.txt": b"x" for i in range(5)}))
    real_extract = tarfile.TarFile.extract
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # e.g. the student pressed stop
        return real_extract(self, *args, **kwargs)

    monkeypatch.setattr(tarfile.TarFile, "extract", flaky)
    with pytest.raises(KeyboardInterrupt):
        archives.extract(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert leftovers(tmp_path) == []
    monkeypatch.undo()
    assert len(list((archives.extract(archive, tmp_path / "out") / "d").iterdir())) == 5


def test_truncated_archive_is_corrupt(tmp_path):
    data = tar_bytes({f"d/{i}.txt": bytes(range(256)) * 200 for i in range(20)})
    archive = _write(tmp_path, "cut.tar.gz", data[: len(data) // 2])
    with pytest.raises(CorruptFileError, match="truncated"):
        archives.extract(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists() and leftovers(tmp_path) == []


def test_not_an_archive(tmp_path):
    with pytest.raises(CorruptFileError, match="neither a zip nor a tar"):
        archives.extract(_write(tmp_path, "x.zip", b"hello"), tmp_path / "out")
