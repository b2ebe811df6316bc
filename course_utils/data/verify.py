"""Checking files: checksums, structural checks, ``SHA256SUMS`` files and stamps.

A *stamp* records that a file passed a given check at a given size and
modification time, so a 56 MB archive is not hashed again on every load. A
file whose size or mtime changed (a truncated cache file, say) is checked
again. Stamps live in ``<data_dir>/stamps/`` (never next to mirror files,
which may be read-only), named by a hash of the file's path.
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .. import files, settings
from . import parsers
from .errors import CorruptFileError
from .types import FileSpec

SUMS_NAME = "SHA256SUMS"


# ----------------------------------------------------------------------------- hashing


def file_hashes(path: str | os.PathLike, algorithms: tuple[str, ...] = ("sha256",)) -> dict[str, str]:
    """Hex digests of ``path`` for each algorithm, computed in one pass over the file."""
    hashers = {name: hashlib.new(name) for name in algorithms}
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            for h in hashers.values():
                h.update(chunk)
    return {name: h.hexdigest() for name, h in hashers.items()}


# ----------------------------------------------------------------------------- SHA256SUMS


def read_sums(folder: str | os.PathLike) -> dict[str, str] | None:
    """``folder/SHA256SUMS`` (``sha256sum`` format) -> {relative path: sha256}, or None if absent.

    Lines look like ``<64 hex>  <path>`` (or ``<hex> *<path>`` in binary mode);
    blank lines and ``#`` comments are ignored.
    """
    sums_file = Path(folder) / SUMS_NAME
    if not sums_file.is_file():
        return None
    out: dict[str, str] = {}
    for lineno, line in enumerate(sums_file.read_text(encoding="utf-8").split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        digest, sep, name = line.partition(" ")
        if not sep or len(digest) != 64 or name[:1] not in (" ", "*"):
            raise CorruptFileError(
                f"{sums_file} line {lineno} is not in sha256sum format ('<sha256>  <path>'): {line[:80]!r}. "
                "Fix or regenerate it with `python -m course_utils.data fetch --all --to <folder>`."
            )
        out[name[1:].replace("\\", "/")] = digest.lower()
    return out


def write_sums(folder: str | os.PathLike, entries: Mapping[str, str]) -> Path:
    """Merge ``entries`` ({relative path: sha256}) into ``folder/SHA256SUMS``, atomically.

    Returns the path of the SHA256SUMS file. Existing lines for other files are kept.
    """
    folder = Path(folder)
    merged = dict(read_sums(folder) or {})
    merged.update(entries)
    text = "".join(f"{digest}  {name}\n" for name, digest in sorted(merged.items()))
    return files.write_text_atomic(folder / SUMS_NAME, text)


# ----------------------------------------------------------------------------- structural checks


def _uci_counts(path: Path) -> dict[str, int]:
    per_file = collections.Counter(parsers.read_uci_sentences(path)["sources"])
    return {"files": len(per_file), "rows": sum(per_file.values())}


def _tweet_counts(path: Path) -> dict[str, int]:
    labels = parsers.read_tweet_emotions(path)["labels"]
    return {"rows": len(labels), "labels": len(set(labels))}


# Each check parses the file (``ValueError`` if it is malformed) and counts what is in it; the
# spec's ``expect`` bounds the counts: ``min_<count>`` from below, ``n_<count>`` exactly.
STRUCTURE_CHECKS: dict[str, Callable[[Path, Mapping[str, Any]], dict[str, int]]] = {
    "gutenberg_text": lambda path, _: {"chars": len(parsers.read_gutenberg(path))},  # between the markers
    "manythings_zip": lambda path, _: {"pairs": len(parsers.read_fra_zip(path))},
    "tweet_emotions_csv": lambda path, _: _tweet_counts(path),
    "uci_sentences_zip": lambda path, _: _uci_counts(path),
    # every line a word and exactly `dim` numbers, no duplicate word (parse_glove_lines)
    "glove_zip": lambda path, e: {
        "words": len(parsers.read_glove_zip(path, e.get("member", "glove.6B.50d.txt"), dim=e.get("dim", 50))["words"])
    },
}


def check_structure(path: Path, structure: str, expect: Mapping[str, Any]) -> None:
    """Run the structural check ``structure`` on ``path``; ``ValueError`` saying what is off."""
    counts = STRUCTURE_CHECKS[structure](path, expect)
    for key, want in expect.items():
        bound, _, what = key.partition("_")
        if bound in ("min", "n") and (counts[what] < want if bound == "min" else counts[what] != want):
            raise ValueError(f"{counts[what]:,} {what}, expected {'at least ' * (bound == 'min')}{want:,}")


# ----------------------------------------------------------------------------- checks


def check_descriptor(spec: FileSpec, sums_digest: str | None = None) -> str:
    """A string naming the check a file must pass (stored in stamps)."""
    if sums_digest:
        return f"SHA256SUMS:{sums_digest}"
    if spec.checksum:
        return f"{spec.checksum}:size={spec.size}"
    return f"structure:{spec.structure}:{json.dumps(dict(spec.expect), sort_keys=True)}"


def verify_file(path: Path, spec: FileSpec, *, sums_digest: str | None = None, where: str = "") -> str:
    """Check ``path`` against ``sums_digest`` (a SHA256SUMS entry) or else the registry spec.

    Returns the file's sha256. Raises :class:`CorruptFileError` naming the file
    and the failed check; ``where`` is appended to say what to do next.
    """
    path, suffix = Path(path), f" {where}" if where else ""
    if sums_digest:
        algo, expected, what = "sha256", sums_digest, "its SHA256SUMS entry"
    elif spec.checksum:
        (algo, _, expected), what = spec.checksum.partition(":"), "its registry checksum"
        if spec.size is not None and path.stat().st_size != spec.size:
            raise CorruptFileError(
                f"{path} has {path.stat().st_size:,} bytes, expected {spec.size:,} (truncated or a different "
                f"edition).{suffix}"
            )
    else:
        algo = expected = what = ""
        try:
            check_structure(path, spec.structure, spec.expect)  # type: ignore[arg-type]
        except (ValueError, UnicodeDecodeError, OSError, EOFError, zipfile.BadZipFile) as err:
            why = f"not a readable zip file ({err})" if isinstance(err, zipfile.BadZipFile) else err
            raise CorruptFileError(
                f"{path} fails the structural check {spec.structure!r} ({why}). Upstream changes this file "
                f"over time, so it is checked by parsing instead of a fixed hash.{suffix}"
            ) from None
    hashes = file_hashes(path, tuple({algo or "sha256", "sha256"}))  # an md5 check still gives the sha256: one read
    if algo and hashes[algo] != expected.lower():
        raise CorruptFileError(
            f"{path} does not match {what} (expected {algo} {expected}, got {hashes[algo]}).{suffix}"
        )
    return hashes["sha256"]


# ----------------------------------------------------------------------------- stamps


def _stamp_path(path: Path) -> Path:
    key = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()
    return settings.get().data_dir / "stamps" / f"{key}.json"


def read_stamp(path: Path, descriptor: str) -> str | None:
    """The sha256 recorded for ``path`` if it passed ``descriptor`` at its current size and mtime."""
    try:
        stamp = json.loads(_stamp_path(path).read_text(encoding="utf-8"))
        st = path.stat()
    except (OSError, ValueError):
        return None
    same = [stamp.get("size"), stamp.get("mtime_ns"), stamp.get("check")] == [st.st_size, st.st_mtime_ns, descriptor]
    return stamp.get("sha256") if same else None


def write_stamp(path: Path, descriptor: str, sha256: str) -> None:
    """Record that ``path`` passed ``descriptor`` (silently skipped if the cache is read-only)."""
    try:
        st = path.stat()
        data = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "check": descriptor, "sha256": sha256}
        stamp = _stamp_path(path)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        files.write_text_atomic(stamp, json.dumps(data))
    except OSError:
        pass


def verify_with_stamp(path: Path, spec: FileSpec, *, sums_digest: str | None = None, where: str = "") -> str:
    """:func:`verify_file`, skipped when a valid stamp says the file already passed. Returns sha256."""
    descriptor = check_descriptor(spec, sums_digest)
    digest = read_stamp(path, descriptor)
    if not digest:
        digest = verify_file(path, spec, sums_digest=sums_digest, where=where)
        write_stamp(path, descriptor, digest)
    return digest
