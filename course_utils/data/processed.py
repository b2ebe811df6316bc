"""A cache of parsed datasets, so a warm load skips parsing.

A parsed dataset is a dict whose values are NumPy arrays, lists of strings,
or lists of lists of strings. It is stored in ``<data_dir>/processed/`` as one
uncompressed ``.npz`` (lists as UTF-8 JSON, no pickle), written under a
temporary name and renamed when complete. The file name holds a key derived
from the source files' sha256 and :data:`VERSION`, so a new edition of a file
is parsed again. A damaged file (cut short or altered: the zip container's
CRC-32 checks catch both) is removed and parsed again from its source.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .. import files, settings

VERSION = 3  # of the storage format and the parsers: a new value parses every dataset again


def make_key(*parts: Any) -> str:
    """A short stable key for the JSON-serialisable ``parts`` (source hashes, options, versions)."""
    blob = json.dumps([VERSION, *parts], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def _encode(data: dict[str, Any]) -> dict[str, np.ndarray]:
    """Arrays as they are; lists (of strings, or of lists of strings) as one UTF-8 JSON blob each,
    named ``json:<name>``."""
    arrays: dict[str, np.ndarray] = {}
    for name, value in data.items():
        if isinstance(value, list):
            arrays[f"json:{name}"] = np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), np.uint8)
        elif isinstance(value, np.ndarray) and value.dtype != object:
            arrays[name] = value
        else:
            raise TypeError(f"{name}: store arrays (not of objects) or lists of str / lists of lists of str")
    return arrays


def _decode(npz: Any) -> dict[str, Any]:
    return {
        name.removeprefix("json:"): json.loads(npz[name].tobytes()) if name.startswith("json:") else npz[name]
        for name in npz.files
    }


def path_for(name: str, key: str) -> Path:
    return settings.get().data_dir / "processed" / f"{name}-{key}.npz"


def load(name: str, key: str) -> dict[str, Any] | None:
    """The stored parse of ``name`` under ``key``, or None (missing or unreadable)."""
    path = path_for(name, key)
    if not path.is_file():
        return None
    try:  # zip CRCs make a cut or altered file fail here, so it is rebuilt, never trusted
        with np.load(path, allow_pickle=False) as npz:
            return _decode(npz)
    except Exception as err:
        path.unlink(missing_ok=True)
        print(f"[data] removed a damaged parsed cache {path} ({type(err).__name__}); parsing again.")
        return None


def save(name: str, key: str, data: dict[str, Any]) -> Path | None:
    """Store ``data`` atomically; older entries of ``name`` are removed. None if the cache is read-only."""
    target = path_for(name, key)
    try:
        with files.atomic_file(target, "wb") as fh:
            np.savez(fh, **_encode(data))
        for old in target.parent.glob(f"{name}-*.npz"):
            if old != target:
                old.unlink(missing_ok=True)
        return target
    except OSError:
        return None


def cached(name: str, build: Callable[[], dict[str, Any]], *sources: Any) -> dict[str, Any]:
    """The stored parse of ``name`` from ``sources`` (file hashes, members), or else ``build()``, stored."""
    key = make_key(name, *sources)
    data = load(name, key)
    if data is None:
        data = build()
        save(name, key, data)
    return data
