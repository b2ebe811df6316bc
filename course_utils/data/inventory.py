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
    fallback = "DataUnavailableError (full profile, offline)"
    if s.profile == "quick":
        fallback = "synthetic stand-in (quick profile, offline)"
    if name == "ag_news" and spec.filename.endswith("train.csv"):
        fallback += ", or with allow_partial=True: test.csv split"
    return fallback


def _row(name: str, spec: FileSpec, check: bool) -> dict[str, object]:
    row: dict[str, object] = dict(
        dataset=name,
        file=spec.filename,
        state="missing",
        where="",
        verified=None,
        on_load=_if_missing(name, spec),
        check=spec.check_kind,
        size_mb=round(spec.size / 1e6, 2) if spec.size else None,
    )
    path, sums_digest = fetch.cached_path(spec), None
    if path.is_file():
        row.update(state="cached", where=str(path), on_load="read from the cache")
    else:
        for mirror, path in fetch.mirror_candidates(spec):
            row.update(state="mirror", where=str(path), on_load=f"read in place from the mirror {mirror}")
            sums_digest = (verify.read_sums(mirror) or {}).get(spec.filename)
            break
        else:
            return row
    if not check:  # verified when a stamp says so, else not checked yet (None)
        row["verified"] = bool(verify.read_stamp(path, verify.check_descriptor(spec, sums_digest))) or None
        return row
    try:
        record = fetch.locate(spec)
        row["verified"] = record is not None
        if record is None:  # a corrupt cached copy was removed
            row.update(state="missing", where="", on_load=_if_missing(name, spec))
    except CorruptFileError as err:
        row.update(state="corrupt", verified=False, on_load=f"error: {err}")
    return row


def status(*, check: bool = False) -> pd.DataFrame:
    """One row per dataset file: ``dataset``, ``file``, ``state`` (cached / mirror / missing /
    prepared), ``where`` (path), ``verified`` (True, or None = not checked yet),
    ``on_load`` (what ``load`` will do), ``check`` (sha256 / md5 / structure), ``size_mb``.

    ``check=True`` verifies every present file now (hashes and parses; slower).
    """
    import pandas as pd

    from .ag_news import tfds_dir, tfds_prepared

    prepared = tfds_prepared()
    rows = [
        dict(
            dataset="ag_news",
            file="tensorflow_datasets/ag_news_subset (optional)",
            state="prepared" if prepared else "absent",
            where=str(prepared or tfds_dir()),
            verified=None,
            on_load="read with tfds (download=False)" if prepared else "use the CSV files below",
            check="-",
        )
    ]
    rows += [_row(name, spec, check) for name, info in DATASETS.items() for spec in info.files]
    rows.sort(key=lambda row: list(DATASETS).index(row["dataset"]))  # the tfds row before ag_news' files
    return pd.DataFrame(rows, columns=COLUMNS)
