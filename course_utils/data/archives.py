"""Safe archive extraction (tar and zip) into the cache.

Every member is checked before anything is written: no absolute paths, no
``..`` components, no links whose target leaves the extraction folder, no
device files. ``tarfile``'s own ``filter="data"`` runs as well. Extraction
goes into a temporary folder that is renamed to its final name only when
complete, so an interrupted extraction leaves nothing half-written.

A finished extraction holds a marker (``.extracted.json``) with the archive's
key and a manifest: the size and modification time of every extracted file.
Before an extraction is reused the manifest is checked (one ``stat`` per file,
no reading), so a damaged tree (a file cut short, rewritten or deleted) is
extracted again from its archive instead of being parsed as data.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tarfile
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from .errors import CorruptFileError, UnsafeArchiveError

MARKER = ".extracted.json"
PROGRESS_MIN_BYTES = 5_000_000


def _normalise(name: str, archive: Path) -> PurePosixPath:
    """A member name -> a relative path inside the target; ``UnsafeArchiveError`` if it escapes."""
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        raise UnsafeArchiveError(
            f"{archive}: refusing to extract {name!r}: absolute path. "
            "The archive is damaged or malicious: delete it and get a fresh copy."
        )
    parts = [p for p in norm.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise UnsafeArchiveError(
            f"{archive}: refusing to extract {name!r}: '..' would leave the target folder. "
            "The archive is damaged or malicious: delete it and get a fresh copy."
        )
    return PurePosixPath(*parts) if parts else PurePosixPath(".")


def _check_link(
    member: PurePosixPath, target: str, *, relative_to_member: bool, name: str, archive: Path
) -> None:
    """Refuse a link whose target is absolute or resolves outside the extraction folder."""
    norm = target.replace("\\", "/")
    escape = norm.startswith("/") or bool(re.match(r"^[A-Za-z]:", norm))
    parts = list(member.parent.parts) if relative_to_member else []
    parts = [p for p in parts if p != "."]
    for part in norm.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                escape = True
                break
            parts.pop()
        else:
            parts.append(part)
    if escape:
        raise UnsafeArchiveError(
            f"{archive}: refusing to extract {name!r}: it links to {target!r}, outside the target folder. "
            "The archive is damaged or malicious: delete it and get a fresh copy."
        )


def _progress(total: int, desc: str, enabled: bool | None, unit: str = "B"):
    from tqdm.auto import tqdm

    show = total >= PROGRESS_MIN_BYTES if enabled is None else enabled
    return tqdm(
        total=total, desc=desc, unit=unit, unit_scale=True, disable=not show, leave=False, mininterval=0.5
    )


def _extract_tar(archive: Path, tmp: Path, include: Callable[[str], bool], progress: bool | None) -> int:
    use_filter = hasattr(tarfile, "data_filter")
    count = 0
    with open(archive, "rb") as raw, tarfile.open(fileobj=raw, mode="r:*") as tf:
        with _progress(archive.stat().st_size, f"extracting {archive.name}", progress) as bar:
            for member in tf:
                rel = _normalise(member.name, archive)
                if member.issym():
                    _check_link(
                        rel, member.linkname, relative_to_member=True, name=member.name, archive=archive
                    )
                elif member.islnk():
                    _check_link(
                        rel, member.linkname, relative_to_member=False, name=member.name, archive=archive
                    )
                elif not (member.isfile() or member.isdir()):
                    raise UnsafeArchiveError(
                        f"{archive}: refusing to extract {member.name!r}: not a regular file, folder or link."
                    )
                if include(member.name):
                    if use_filter:
                        tf.extract(member, tmp, filter="data")
                    else:  # pragma: no cover - Python without tarfile filters
                        tf.extract(member, tmp)
                    count += 1
                bar.update(raw.tell() - bar.n)
    return count


def _extract_zip(archive: Path, tmp: Path, include: Callable[[str], bool], progress: bool | None) -> int:
    count = 0
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        for info in infos:  # check everything before writing anything
            rel = _normalise(info.filename, archive)
            if stat.S_ISLNK(info.external_attr >> 16):
                target = zf.read(info).decode("utf-8", "replace")
                _check_link(rel, target, relative_to_member=True, name=info.filename, archive=archive)
        with _progress(total, f"extracting {archive.name}", progress) as bar:
            for info in infos:
                if stat.S_ISLNK(info.external_attr >> 16) or not include(info.filename):
                    continue  # zipfile would write a link as a text file: skip it
                zf.extract(info, tmp)
                count += 1
                bar.update(info.file_size)
    return count


def extract(
    archive: str | os.PathLike,
    dest: str | os.PathLike,
    *,
    include: Callable[[str], bool] | None = None,
    key: str = "",
    progress: bool | None = None,
) -> Path:
    """Extract ``archive`` (tar, tar.gz/bz2/xz or zip) into the folder ``dest``; returns ``dest``.

    ``include(member_name) -> bool`` selects members (all by default; unsafe
    members are refused even when not selected). ``key`` identifies the
    archive version (e.g. its sha256) and the selection: if ``dest`` already
    holds a complete extraction with the same key it is reused, otherwise it
    is replaced. An extraction that fails its manifest check (see :func:`damage`)
    is extracted again; if ``archive`` is gone by then, the damaged folder is
    removed and :class:`CorruptFileError` names it and says what to do.
    ``progress``: True/False, or None for a bar on big archives.
    Raises :class:`UnsafeArchiveError` for unsafe members.
    """
    archive = Path(archive)
    dest = Path(dest)
    problem = damage(dest, key)
    if problem is None:
        return dest
    damaged = dest.exists() and problem != _OTHER_KEY
    if not archive.is_file():
        if damaged:  # never leave a damaged tree where it could be read as data
            shutil.rmtree(dest, ignore_errors=True)
            raise CorruptFileError(
                f"The extracted folder {dest} could not be used ({problem}) and has been removed, and the "
                f"archive {archive} it came from is not available to extract it again. Make the archive "
                "available (put it in a folder named by COURSE_DATA_MIRROR, or online run "
                "`python -m course_utils.data fetch <dataset>`), then load the dataset again."
            )
        raise FileNotFoundError(f"{archive}: no such archive to extract into {dest}")
    if damaged:
        print(f"[data] {dest} cannot be reused ({problem}); extracting {archive.name} again.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-", dir=dest.parent))
    try:
        select = include or (lambda name: True)
        try:
            if zipfile.is_zipfile(archive):
                count = _extract_zip(archive, tmp, select, progress)
            elif tarfile.is_tarfile(archive):
                count = _extract_tar(archive, tmp, select, progress)
            else:
                raise CorruptFileError(
                    f"{archive}: neither a zip nor a tar archive; delete it and get a fresh copy."
                )
        except tarfile.FilterError as err:
            raise UnsafeArchiveError(
                f"{archive}: refusing to extract it: {err}. Delete it and get a fresh copy."
            ) from None
        except (tarfile.TarError, zipfile.BadZipFile, EOFError, zlib.error) as err:
            raise CorruptFileError(
                f"{archive}: cannot be extracted ({type(err).__name__}: {err}); it is probably truncated. "
                "Delete it and get a fresh copy."
            ) from None
        marker = {"archive": archive.name, "key": key, "members": count, "files": _manifest(tmp)}
        (tmp / MARKER).write_text(json.dumps(marker, separators=(",", ":")), encoding="utf-8")
        if _complete(dest, key):  # another process finished the same extraction meanwhile
            return dest
        if dest.exists():  # an extraction of another version (or an old layout): replace it
            shutil.rmtree(dest)
        try:
            os.rename(tmp, dest)
        except OSError:
            if not _complete(dest, key):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


_OTHER_KEY = "it holds an extraction of another archive version or selection"


def _manifest(folder: Path) -> dict[str, list[int]]:
    """{relative posix path: [size, whole-second mtime]} of every file and link under ``folder``."""
    files: dict[str, list[int]] = {}
    for top, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            path = Path(top, name)
            st = path.lstat()
            files[path.relative_to(folder).as_posix()] = [st.st_size, int(st.st_mtime)]
    files.pop(MARKER, None)
    return files


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
    except OSError:
        return f"its marker {MARKER} is missing (an unfinished or foreign folder)"
    except ValueError:
        return f"its marker {MARKER} is unreadable"
    if not isinstance(marker, dict) or marker.get("key") != key:
        return _OTHER_KEY
    files = marker.get("files")
    if not isinstance(files, dict):
        return "it was extracted by an older version of the course, without a manifest to check it by"
    for rel, entry in files.items():
        if not (isinstance(entry, list) and len(entry) == 2 and all(isinstance(v, int) for v in entry)):
            return f"its marker {MARKER} is unreadable"
        size, mtime = entry
        try:
            st = (dest / rel).lstat()
        except OSError:
            return f"{rel} is missing"
        if st.st_size != size:
            return f"{rel} has {st.st_size:,} bytes, {size:,} when extracted"
        if int(st.st_mtime) != mtime:
            return f"{rel} was modified after extraction"
    return None


def _complete(dest: Path, key: str) -> bool:
    """True if ``dest`` holds a finished, intact extraction made with ``key``."""
    return damage(dest, key) is None
