"""Writing files and folders so that a reader never sees half of one.

Every file the course writes (caches, vocabularies, records, reports) goes
through :func:`atomic_file` or its two shortcuts: the data go to a temporary
file beside the target, which replaces the target only when the writing
finished; an error removes the temporary file and leaves the old target.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def swap_in(staging: Path, dest: Path) -> Path:
    """Replace folder ``dest`` by the finished folder ``staging`` (same parent), old copy removed.

    ``dest`` is renamed aside first, so at no moment does a half-written
    folder stand at ``dest``; an interrupted swap leaves ``.<name>.old``
    behind, which the next swap clears.
    """
    staging, dest = Path(staging), Path(dest)
    old = dest.with_name(f".{dest.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        dest.rename(old)
    staging.rename(dest)
    shutil.rmtree(old, ignore_errors=True)
    return dest


@contextmanager
def atomic_file(path: Path | str, mode: str = "w", **open_kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; it replaces ``path`` when the block ends without error."""
    if "w" not in mode:
        raise ValueError(f"atomic_file writes a new file: mode must contain 'w', got {mode!r}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **open_kwargs) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_file`)."""
    with atomic_file(path, "w", encoding=encoding, newline="\n") as fh:
        fh.write(text)
    return Path(path)


def write_bytes_atomic(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_file`)."""
    with atomic_file(path, "wb") as fh:
        fh.write(data)
    return Path(path)
