"""Headline results of a lesson: recorded once (:func:`record`), shown as the closing table (:func:`table`).

When the course runner sets ``COURSE_RESULTS_DIR``, every record is also appended as one JSON line to
``<COURSE_RESULTS_DIR>/<lesson>.jsonl``, so the course report collects them without parsing notebooks.
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import settings

SOURCES = ("cache", "mirror", "download", "synthetic", "generated", "none")
KEY = re.compile(r"^[a-z0-9][a-z0-9_]*$")  # a stable name (of a result or a claim) the report and tests look up


@dataclass(frozen=True)
class Result:
    """One headline number (or check) of one lesson."""

    lesson: str
    metric: str
    value: float | str
    split: str
    profile: str
    source: str
    seconds: float | None = None
    note: str = ""
    recorded_at: float = 0.0
    key: str = ""  # stable name the report, aims and source comparisons look up (the metric is free text)


_records: list[Result] = []


def record(
    lesson: str,
    metric: str,
    value: float | int | str,
    *,
    split: str = "test",
    source: str = "none",
    seconds: float | None = None,
    note: str = "",
    key: str = "",
) -> Result:
    """Record one result of ``lesson`` (e.g. ``"05_imdb_sentiment"``).

    ``value`` is a number or a short text for checks; ``source`` is where the
    data came from (``data.load(...).source``; ``"none"`` if the lesson used
    no dataset). ``key`` is a stable name (lower-case, digits, underscores)
    for results that the course report, its aims or its source-lesson
    comparisons look up; the metric label stays free text for people.
    Returns the stored :class:`Result`.
    """
    if key and not KEY.match(key):
        raise ValueError(f"record(): key {key!r}: use lower-case letters, digits and underscores")
    if not lesson or not metric:
        raise ValueError("record(): lesson and metric must be non-empty strings")
    if source not in SOURCES:
        raise ValueError(f"record(): source {source!r} is not one of {', '.join(SOURCES)}")
    if isinstance(value, bool):
        value = str(value)
    elif isinstance(value, (int, float)) or hasattr(value, "item"):
        value = float(value)
        if math.isnan(value):
            raise ValueError(f"record(): {metric} is NaN; something went wrong upstream")
    elif not isinstance(value, str):
        raise TypeError(f"record(): value must be a number or a string, got {type(value).__name__}")
    res = Result(
        lesson=lesson,
        metric=metric,
        value=value,
        split=split,
        profile=settings.current_profile(),
        source=source,
        seconds=None if seconds is None else round(float(seconds), 2),
        note=note,
        recorded_at=time.time(),
        key=key,
    )
    _records.append(res)
    write_line(res)
    return res


def write_line(item: Any, folder: str = "") -> None:
    """Append ``item`` (a dataclass with a ``lesson``) as one JSON line to
    ``<COURSE_RESULTS_DIR>/<folder>/<lesson>.jsonl``, when the runner set that variable."""
    out_dir = settings.get().results_dir
    if out_dir is not None:
        path = out_dir / folder / f"{item.lesson}.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(item)) + "\n")


def clear() -> None:
    """Forget the in-memory records (files already written stay)."""
    _records.clear()


def table(lesson: str | None = None) -> Any:
    """The recorded results as a pandas DataFrame: the closing table of a notebook."""
    import pandas as pd

    columns = ["metric", "value", "split", "profile", "source", "seconds", "note"]
    rows = [asdict(r) for r in _records if lesson is None or r.lesson == lesson]
    return pd.DataFrame(rows, columns=columns).rename(columns={"source": "data source"})


def load_dir(path: Any, kind: type = Result) -> list[Any]:
    """What :func:`write_line` wrote into the ``*.jsonl`` files in ``path``, as ``kind`` (Result or Claim)."""
    return [kind(**json.loads(line)) for f in sorted(Path(path).glob("*.jsonl"))
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
