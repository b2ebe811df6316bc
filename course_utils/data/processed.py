"""A cache of parsed datasets, so a warm load skips extraction and parsing.

A parsed dataset is a dict whose values are NumPy arrays, lists of strings,
or lists of lists of strings. It is stored in ``<data_dir>/processed/`` as one
uncompressed ``.npz`` (strings as one UTF-8 byte blob plus offsets, no
pickle), written under a temporary name and renamed when complete. The file
name holds a key derived from the source files' sha256 and the parser
version, so a new edition of a file is parsed again. A damaged file (cut
short or altered: the zip container's CRC-32 checks catch both) is removed
and parsed again from its source.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from .. import files, settings

FORMAT_VERSION = 1


def processed_dir() -> Path:
    return settings.get().data_dir / "processed"


def make_key(*parts: Any) -> str:
    """A short stable key for the JSON-serialisable ``parts`` (source hashes, options, versions)."""
    blob = json.dumps([FORMAT_VERSION, *parts], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def _encode_strings(items: list[str]) -> tuple[np.ndarray, np.ndarray]:
    encoded = [s.encode("utf-8") for s in items]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def _decode_strings(blob: np.ndarray, offsets: np.ndarray) -> list[str]:
    raw = blob.tobytes()
    bounds = offsets.tolist()
    return [raw[a:b].decode("utf-8") for a, b in zip(bounds[:-1], bounds[1:])]


def _encode(data: dict[str, Any]) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    kinds: dict[str, str] = {}
    for name, value in data.items():
        if isinstance(value, np.ndarray):
            if value.dtype == object:
                raise TypeError(f"{name}: object arrays are not stored")
            arrays[name] = value
            kinds[name] = "array"
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            arrays[f"{name}.blob"], arrays[f"{name}.offsets"] = _encode_strings(value)
            kinds[name] = "strings"
        elif isinstance(value, list) and all(isinstance(v, list) for v in value):
            flat = [tok for row in value for tok in row]
            arrays[f"{name}.blob"], arrays[f"{name}.offsets"] = _encode_strings(flat)
            arrays[f"{name}.lengths"] = np.asarray([len(row) for row in value], dtype=np.int64)
            kinds[name] = "nested"
        else:
            raise TypeError(f"{name}: store arrays, lists of str or lists of lists of str")
    arrays["__kinds__"] = np.asarray(json.dumps(kinds))
    return arrays


def _decode(npz: Any) -> dict[str, Any]:
    kinds = json.loads(str(npz["__kinds__"]))
    out: dict[str, Any] = {}
    for name, kind in kinds.items():
        if kind == "array":
            out[name] = npz[name]
        elif kind == "strings":
            out[name] = _decode_strings(npz[f"{name}.blob"], npz[f"{name}.offsets"])
        else:
            flat = _decode_strings(npz[f"{name}.blob"], npz[f"{name}.offsets"])
            ends = np.cumsum(npz[f"{name}.lengths"]).tolist()
            starts = [0] + ends[:-1]
            out[name] = [flat[a:b] for a, b in zip(starts, ends)]
    return out


def path_for(name: str, key: str) -> Path:
    return processed_dir() / f"{name}-{key}.npz"


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
    folder = processed_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = path_for(name, key)
        with files.atomic_file(target, "wb") as fh:
            np.savez(fh, **_encode(data))
        for old in folder.glob(f"{name}-*.npz"):
            if old != target:
                old.unlink(missing_ok=True)
        return target
    except OSError:
        return None


def cached(name: str, key: str, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``load(name, key)`` or else ``build()`` and ``save`` it."""
    data = load(name, key)
    if data is None:
        data = build()
        save(name, key, data)
    return data
