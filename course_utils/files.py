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
