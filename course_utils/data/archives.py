"""Safe archive extraction (tar and zip) into the cache.

Unsafe members are refused: absolute paths, ``..`` components, links whose
target leaves the extraction folder, device files (``tarfile``'s
``filter="data"`` for tar, plus our own checks of every zip member before
anything is written). Extraction goes into a temporary folder that is
renamed to its final name only when complete, so an interrupted extraction
leaves nothing half-written.

A finished extraction holds a marker (``.extracted.json``) with the archive's
key and a manifest: the size and modification time of every extracted file.
Before an extraction is reused the manifest is checked (one ``stat`` per file,
no reading), so a damaged tree (a file cut short, rewritten or deleted) is
extracted again from its archive instead of being parsed as data.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from .. import files
from .errors import CorruptFileError, UnsafeArchiveError

MARKER = ".extracted.json"
PROGRESS_MIN_BYTES = 5_000_000


def _absolute(name: str) -> bool:
    return name.replace("\\", "/").startswith("/") or bool(re.match(r"^[A-Za-z]:", name))


def _tar_filter(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo:
    """tarfile's ``"data"`` filter (``..``, links leaving ``dest``, devices), refusing absolute names too
    (the filter would strip their leading ``/`` and extract them)."""
    if _absolute(member.name):
        raise tarfile.AbsolutePathError(member)
    return tarfile.data_filter(member, dest)


def _progress(total: int, desc: str):
    """A byte progress bar, shown for archives of at least ``PROGRESS_MIN_BYTES``."""
    from tqdm.auto import tqdm

    show = total >= PROGRESS_MIN_BYTES
    return tqdm(total=total, desc=desc, unit="B", unit_scale=True, disable=not show, leave=False, mininterval=0.5)


def _extract_tar(archive: Path, tmp: Path, include: Callable[[str], bool]) -> None:
    with open(archive, "rb") as raw, tarfile.open(fileobj=raw, mode="r:*") as tf:
        with _progress(archive.stat().st_size, f"extracting {archive.name}") as bar:
            for member in tf:
                if include(member.name):
                    tf.extract(member, tmp, filter=_tar_filter)
                else:  # members left out are checked all the same
                    _tar_filter(member, str(tmp))
                bar.update(raw.tell() - bar.n)


def _check_zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, archive: Path) -> None:
    """Refuse an absolute name, ``..``, or a symlink entry pointing outside the folder
    (``zipfile`` would silently rewrite such names instead of refusing the archive)."""
    name = info.filename
    checks = [(name, name, "it would land outside the target folder")]
    if stat.S_ISLNK(info.external_attr >> 16):
        target = zf.read(info).decode("utf-8", "replace")
        checks.append((target, posixpath.join(posixpath.dirname(name), target), f"it links to {target!r}"))
    for raw, resolved, why in checks:
        norm = posixpath.normpath(resolved.replace("\\", "/"))
        if _absolute(raw) or norm == ".." or norm.startswith("../"):
            raise UnsafeArchiveError(
                f"{archive}: refusing to extract {name!r}: {why}. "
                "The archive is damaged or malicious: delete it and get a fresh copy."
            )


def _extract_zip(archive: Path, tmp: Path, include: Callable[[str], bool]) -> None:
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        for info in infos:  # check everything before writing anything
            _check_zip_member(zf, info, archive)
        with _progress(sum(i.file_size for i in infos), f"extracting {archive.name}") as bar:
            for info in infos:
                if stat.S_ISLNK(info.external_attr >> 16) or not include(info.filename):
                    continue  # zipfile would write a link as a text file: skip it
                zf.extract(info, tmp)
                bar.update(info.file_size)


def extract(
    archive: str | os.PathLike,
    dest: str | os.PathLike,
    *,
    include: Callable[[str], bool] | None = None,
    key: str = "",
) -> Path:
    """Extract ``archive`` (tar, tar.gz/bz2/xz or zip) into the folder ``dest``; returns ``dest``.

    ``include(member_name) -> bool`` selects members (all by default; unsafe
    members are refused even when not selected). ``key`` identifies the
    archive version (e.g. its sha256) and the selection: if ``dest`` already
    holds an intact extraction with the same key (see :func:`damage`) it is
    reused, otherwise it is extracted again. If ``archive`` is gone by then,
    ``dest`` is removed and :class:`CorruptFileError` names it and says what to do.
    Raises :class:`UnsafeArchiveError` for unsafe members.
    """
    archive, dest = Path(archive), Path(dest)
    problem = damage(dest, key)
    if problem is None:
        return dest
    if not archive.is_file():  # never leave a damaged tree where it could be read as data
        shutil.rmtree(dest, ignore_errors=True)
        raise CorruptFileError(
            f"The extracted folder {dest} cannot be used ({problem}) and the archive {archive} is not "
            "available to extract it again. Make the archive available (put it in a folder named by "
            "COURSE_DATA_MIRROR, or online run `python -m course_utils.data fetch <dataset>`), then load "
            "the dataset again."
        )
    if dest.exists():
        print(f"[data] {dest} cannot be reused ({problem}); extracting {archive.name} again.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-", dir=dest.parent))
    try:
        select = include or (lambda name: True)
        try:
            if zipfile.is_zipfile(archive):
                _extract_zip(archive, tmp, select)
            elif tarfile.is_tarfile(archive):
                _extract_tar(archive, tmp, select)
            else:
                raise CorruptFileError(f"{archive}: neither a zip nor a tar archive; delete it and get a fresh copy.")
        except tarfile.FilterError as err:
            raise UnsafeArchiveError(f"{archive}: refusing to extract it: {err}. Delete it and get a fresh copy.") from None
        except (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error) as err:
            raise CorruptFileError(
                f"{archive}: cannot be extracted ({type(err).__name__}: {err}); it is probably truncated. "
                "Delete it and get a fresh copy."
            ) from None
        marker = {"archive": archive.name, "key": key, "files": _manifest(tmp)}
        (tmp / MARKER).write_text(json.dumps(marker, separators=(",", ":")), encoding="utf-8")
        if damage(dest, key) is not None:  # unless another process finished the same extraction meanwhile
            files.swap_in(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _manifest(folder: Path) -> dict[str, list[int]]:
    """{relative posix path: [size, whole-second mtime]} of every file and link under ``folder``."""
    out = {}
    for top, _, names in os.walk(folder):
        for name in names:
            st = Path(top, name).lstat()
            out[Path(top, name).relative_to(folder).as_posix()] = [st.st_size, int(st.st_mtime)]
    return out


def damage(dest: str | os.PathLike, key: str = "") -> str | None:
    """None if ``dest`` holds a finished, intact extraction made with ``key``; else what is wrong.

    Intact means every file listed in the marker's manifest is there with the
    size and modification time it had when the extraction finished (one
    ``lstat`` per file; contents are not read).
    """
    dest = Path(dest)
    if not dest.exists():
        return "it does not exist"
    try:
        marker = json.loads((dest / MARKER).read_text(encoding="utf-8"))
        if marker.get("key") != key:
            return "it holds an extraction of another archive version or selection"
        manifest = {rel: tuple(map(int, entry)) for rel, entry in marker["files"].items()}
    except OSError:
        return f"its marker {MARKER} is missing (an unfinished or foreign folder)"
    except (ValueError, TypeError, KeyError, AttributeError):
        return f"its marker {MARKER} is unreadable or from an older version of the course"
    for rel, (size, mtime) in manifest.items():
        try:
            st = (dest / rel).lstat()
        except OSError:
            return f"{rel} is missing"
        if st.st_size != size:
            return f"{rel} has {st.st_size:,} bytes, {size:,} when extracted"
        if int(st.st_mtime) != mtime:
            return f"{rel} was modified after extraction"
    return None
