"""``status()``: for every dataset file, is it cached, in a mirror, or missing, and what load() will do."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import settings
from . import fetch, verify
from .errors import CorruptFileError
from .registry import DATASETS
from .types import FileSpec

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ["dataset", "file", "state", "where", "verified", "on_load", "check", "size_mb"]


def _if_missing(name: str, spec: FileSpec) -> str:
    s = settings.get()
    if not s.offline:
        return f"download from {spec.url}"
    if name == "ag_news" and spec.filename.endswith("train.csv"):
        if s.profile == "quick":
            return "synthetic stand-in for the whole dataset (or allow_partial=True: test.csv split)"
        return "DataUnavailableError (or allow_partial=True: test.csv split)"
    if s.profile == "quick":
        return "synthetic stand-in (quick profile, offline)"
    return "DataUnavailableError (full profile, offline)"


def _row(name: str, spec: FileSpec, check: bool) -> dict[str, object]:
    cached = fetch.cached_path(spec)
    mirrors = list(fetch.mirror_candidates(spec))
    row: dict[str, object] = {
        "dataset": name,
        "file": spec.filename,
        "check": spec.check_kind,
        "size_mb": round((spec.size or spec.approx_size or 0) / 1e6, 2) or None,
    }
    if cached.is_file():
        row.update(state="cached", where=str(cached), on_load="read from the cache")
        sums_digest = None
    elif mirrors:
        mirror, path = mirrors[0]
        row.update(state="mirror", where=str(path), on_load=f"read in place from the mirror {mirror}")
        sums_digest = (verify.read_sums(mirror) or {}).get(spec.filename)
        cached = path
    else:
        row.update(state="missing", where="", verified=None, on_load=_if_missing(name, spec))
        return row
    if check:
        try:
            record = fetch.locate(spec)
            row["verified"] = record is not None
            if record is None:  # a corrupt cached copy was removed
                row.update(state="missing", where="", on_load=_if_missing(name, spec))
        except CorruptFileError as err:
            row.update(state="corrupt", verified=False, on_load=f"error: {err}")
    else:
        descriptor = verify.check_descriptor(spec, sums_digest)
        row["verified"] = bool(verify.read_stamp(cached, descriptor)) or None
    return row


def status(*, check: bool = False) -> pd.DataFrame:
    """One row per dataset file: ``dataset``, ``file``, ``state`` (cached / mirror / missing /
    prepared), ``where`` (path), ``verified`` (True, or None = not checked yet),
    ``on_load`` (what ``load`` will do), ``check`` (sha256 / md5 / structure), ``size_mb``.

    ``check=True`` verifies every present file now (hashes and parses; slower).
    """
    import pandas as pd

    from .ag_news import tfds_dir, tfds_prepared

    rows = []
    for name, info in DATASETS.items():
        if name == "ag_news":
            prepared = tfds_prepared()
            rows.append(
                dict(
                    dataset=name,
                    file="tensorflow_datasets/ag_news_subset (optional)",
                    state="prepared" if prepared else "absent",
                    where=str(prepared or tfds_dir()),
                    verified=None,
                    on_load="read with tfds (download=False)" if prepared else "use the CSV files below",
                    check="-",
                    size_mb=None,
                )
            )
        rows.extend(_row(name, spec, check) for spec in info.files)
    return pd.DataFrame(rows, columns=COLUMNS)
