"""Getting a file: cache -> mirror folders -> download (the synthetic fallback is in ``loaders``).

Layout of the cache (``settings.get().data_dir``)::

    files/<filename>        downloaded upstream files (same relative names as in a mirror)
    stamps/                 "this file passed its check at this size and mtime" records
    processed/              parsed datasets, so a warm load skips parsing (a damaged one is rebuilt)
    tensorflow_datasets/    an optional prepared tfds copy (ag_news_subset)

Archives are never extracted: the parsers read the members they need inside
them. A cached file that fails its check is removed and obtained again.
Mirror files are read in place; those listed in the mirror's ``SHA256SUMS``
are checked against it (rebuilt archives differ from upstream bytes), others
against the registry.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import settings
from . import verify
from .errors import CorruptFileError, DataUnavailableError
from .types import FileSpec

DOWNLOAD_TIMEOUT_S = 60
USER_AGENT = "Mozilla/5.0 (compatible; rnn-course data fetcher; +https://pypi.org/project/pooch/)"


@dataclass(frozen=True)
class FileRecord:
    """Where a verified file was found: ``source`` is ``cache``, ``mirror`` or ``download``."""

    path: Path
    source: str
    sha256: str


def cached_path(spec: FileSpec) -> Path:
    """Where ``spec`` lives in the cache (whether or not it is there)."""
    return settings.get().data_dir / "files" / spec.filename


# cached files removed as corrupt in this process: path -> why (quoted by unavailable)
_removed: dict[Path, str] = {}


def from_cache(spec: FileSpec) -> FileRecord | None:
    """The cached copy of ``spec`` if present and valid; a corrupt copy is removed and reported."""
    path = cached_path(spec)
    if not path.is_file():
        return None
    try:
        digest = verify.verify_with_stamp(path, spec)
    except CorruptFileError as err:
        path.unlink(missing_ok=True)  # its stamp, if any, names a size and mtime no new file will have
        _removed[path] = str(err)
        print(f"[data] removed a corrupt cached file: {err} It will be obtained again.")
        return None
    _removed.pop(path, None)
    return FileRecord(path, "cache", digest)


def mirror_candidates(spec: FileSpec) -> Iterator[tuple[Path, Path]]:
    """(mirror folder, file path) for every mirror folder that holds ``spec.filename``."""
    for mirror in settings.get().mirror_dirs:
        path = mirror / spec.filename
        if path.is_file():
            yield mirror, path


def from_mirrors(spec: FileSpec) -> FileRecord | None:
    """The first mirror copy of ``spec``, verified. A bad mirror copy raises ``CorruptFileError``."""
    for mirror, path in mirror_candidates(spec):
        listed = (verify.read_sums(mirror) or {}).get(spec.filename)
        fix = f"It is in the mirror folder {mirror} (COURSE_DATA_MIRROR): replace it with a good copy"
        if listed:
            fix += f", or correct its line in {mirror / verify.SUMS_NAME}."
        else:
            fix += f". If it is a deliberately rebuilt file, list its sha256 in {mirror / verify.SUMS_NAME}."
        return FileRecord(path, "mirror", verify.verify_with_stamp(path, spec, sums_digest=listed, where=fix))
    return None


def locate(spec: FileSpec) -> FileRecord | None:
    """Cache, then mirrors; None if neither has a (valid) copy. Never downloads."""
    return from_cache(spec) or from_mirrors(spec)


def _stage(spec: FileSpec, target: Path, fill: Callable[[str], object], where: str, sums: str | None = None) -> str:
    """Write ``target`` through a temporary file beside it: ``fill(tmp)``, check, rename; returns the sha256.

    A failed, interrupted or corrupt transfer leaves nothing at ``target``.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".download-", dir=target.parent)
    os.close(fd)
    try:
        fill(tmp)
        digest = verify.verify_file(Path(tmp), spec, sums_digest=sums, where=where)
        os.replace(tmp, target)
        return digest
    finally:
        Path(tmp).unlink(missing_ok=True)


def download_to(spec: FileSpec, target: Path) -> str:
    """Download ``spec.url`` to ``target`` (progress bar, timeout) and check it; returns its sha256.

    Raises ``CorruptFileError`` (bad content) or the network error (``requests`` exceptions, ``OSError``).
    """
    import pooch

    download = pooch.HTTPDownloader(progressbar=True, timeout=DOWNLOAD_TIMEOUT_S, headers={"User-Agent": USER_AGENT})
    print(f"[data] downloading {spec.url}")
    where = f"The download from {spec.url} was discarded; try again later or put the file in a mirror folder."
    return _stage(spec, Path(target), lambda tmp: download(spec.url, tmp, None), where)


def unavailable(dataset: str, spec: FileSpec, reason: str) -> DataUnavailableError:
    """A :class:`DataUnavailableError` saying which file, where we looked, the URL, and what to do."""
    mirrors = ", ".join(map(str, settings.get().mirror_dirs)) or "none (COURSE_DATA_MIRROR is not set)"
    path, damaged = cached_path(spec), _removed.get(cached_path(spec))
    cache = f"a damaged copy was removed from {path} ({damaged})" if damaged else f"not in {path}"
    return DataUnavailableError(
        f"Dataset {dataset!r} needs the file {spec.filename!r}, which is not available.\n"
        f"  cache:   {cache}\n"
        f"  mirrors: {mirrors}\n"
        f"  download: {reason}\n"
        f"  upstream URL: {spec.url}\n"
        f"What to do: copy {spec.filename!r} into a folder (keeping that relative path) and set "
        f"COURSE_DATA_MIRROR to the folder, e.g. `export COURSE_DATA_MIRROR=/path/to/mirror`; or, online, "
        f"run `python -m course_utils.data fetch {dataset}`; or run in the quick profile "
        f"(COURSE_PROFILE=quick) to get a synthetic stand-in.",
        filename=spec.filename,
    )


def get_file(dataset: str, spec: FileSpec) -> FileRecord:
    """Cache -> mirrors -> download into the cache. Raises ``DataUnavailableError`` when all fail.

    A corrupt mirror copy or download raises ``CorruptFileError`` instead.
    """
    record = locate(spec)
    if record is not None:
        return record
    if settings.get().offline:
        raise unavailable(dataset, spec, "skipped: offline (COURSE_OFFLINE=1)")
    target = cached_path(spec)
    try:
        digest = download_to(spec, target)
    except CorruptFileError:
        raise
    except Exception as err:  # requests/urllib3/OS errors: report them as "unavailable"
        raise unavailable(dataset, spec, f"failed: {type(err).__name__}: {err}") from err
    verify.write_stamp(target, verify.check_descriptor(spec), digest)
    _removed.pop(target, None)
    return FileRecord(target, "download", digest)


def fetch_into(dataset: str, spec: FileSpec, folder: Path | None = None) -> str:
    """Make ``spec`` available: in the cache (``folder=None``) or in the mirror ``folder``.

    For a mirror folder the file is copied from the cache or another mirror if
    one has it, else downloaded, then recorded in ``folder/SHA256SUMS``.
    Returns a one-line description of what happened; raises on failure.
    """
    if folder is None:
        record = get_file(dataset, spec)
        return f"{record.source}: {record.path}"
    folder = Path(folder)
    target = folder / spec.filename
    if target.is_file():
        try:
            digest = verify.verify_file(target, spec, sums_digest=(verify.read_sums(folder) or {}).get(spec.filename))
            verify.write_sums(folder, {spec.filename: digest})
            return f"already in {folder}: {target}"
        except CorruptFileError as err:
            print(f"[data] replacing a bad copy: {err}")
    try:
        source = locate(spec)
    except CorruptFileError:
        source = None
    if source is not None and source.path.resolve() != target.resolve():
        where = f"Copying {source.path} changed its content; try again."
        digest = _stage(spec, target, lambda tmp: shutil.copyfile(source.path, tmp), where, sums=source.sha256)
        how = f"copied from {source.source} {source.path}"
    elif settings.get().offline:
        raise unavailable(dataset, spec, "skipped: offline (COURSE_OFFLINE=1)")
    else:
        digest = download_to(spec, target)
        how = f"downloaded from {spec.url}"
    verify.write_sums(folder, {spec.filename: digest})
    return f"{how} -> {target}"
