"""Writing folders so that a reader never sees half of one."""

from __future__ import annotations

import shutil
from pathlib import Path


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


def write_text_atomic(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` through a temporary file beside it, so a reader never sees half of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding=encoding)
    tmp.replace(path)
    return path


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file beside it (see :func:`write_text_atomic`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path
