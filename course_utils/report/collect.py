"""The report's data: what each lesson ran, recorded, claimed and drew, gathered from a build folder.

:func:`collect` reads the runner's run records and the build folder
(``results/*.jsonl``, ``results/claims/``, ``results/figures/``, the executed
copies) into one :class:`CourseReport`, which :mod:`.render` turns into
Markdown, HTML and JSON.
"""

from __future__ import annotations

import base64
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import claims as claims_mod
from .. import files
from ..claims import Claim
from ..record import machine_info
from ..results import Result, load_dir
from .references import AIMS, REFERENCES, Aim, Reference


@dataclass
class AimCheck:
    """One aim and how this run did: "met", "missed", "not run" or "quick profile"."""

    aim: Aim
    ours: Result | None
    verdict: str


def check_aims(lessons: Sequence[LessonEntry], profile: str) -> list[AimCheck]:
    """Compare each aim with the run's result (aims apply to the full profile on real data)."""
    by_name = {e.name: e for e in lessons}
    checks = []
    for aim in AIMS:
        entry = by_name.get(aim.lesson)
        ours = find_result(entry.results, aim.ours) if entry else None
        if ours is None or not isinstance(ours.value, (int, float)):
            verdict = "not run" if entry is None or entry.status != "ok" else "no result"
        elif profile != "full" or ours.source == "synthetic":
            verdict = "not applicable (quick profile or synthetic data)"
        else:
            verdict = "met" if float(ours.value) >= aim.target else "MISSED"
        checks.append(AimCheck(aim, ours, verdict))
    return checks


# ----------------------------------------------------------------------------- the report's data


@dataclass
class Figure:
    """One picture shown in the report; ``path`` is relative to the build folder."""

    lesson: str
    title: str
    path: str


@dataclass
class Comparison:
    """A source lesson's number beside ours."""

    reference: Reference
    ours: Result | None
    rerun: Result | None
    lesson_status: str  # "ok", "failed" or "not run"
    why: str


@dataclass
class LessonEntry:
    """Everything the report says about one notebook."""

    name: str
    status: str
    seconds: float
    peak_rss_mb: float | None = None
    error: str = ""
    failing_cell: str = ""
    traceback: str = ""
    executed: str | None = None  # path of the executed copy, relative to the build folder
    results: list[Result] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        """The data sources the lesson's results came from (``none`` left out)."""
        return sorted({r.source for r in self.results if r.source != "none"})

    @property
    def data_used(self) -> str:
        """What data the lesson says it used (its ``data_used`` result), e.g. a PARTIAL dataset; else ''."""
        found = find_result(self.results, "data_used")
        return str(found.value) if found is not None else ""


@dataclass
class CourseReport:
    """The whole report: rendered as Markdown, HTML and JSON from this one object."""

    profile: str
    generated: str
    environment: dict[str, str]
    lessons: list[LessonEntry]
    comparisons: list[Comparison]
    other_results: list[Result] = field(default_factory=list)
    other_figures: list[Figure] = field(default_factory=list)
    aims: list[AimCheck] = field(default_factory=list)

    @property
    def total_seconds(self) -> float:
        return float(sum(e.seconds for e in self.lessons))

    @property
    def n_ok(self) -> int:
        return sum(e.status == "ok" for e in self.lessons)

    @property
    def peak_rss_mb(self) -> float | None:
        peaks = [e.peak_rss_mb for e in self.lessons if e.peak_rss_mb is not None]
        return max(peaks) if peaks else None

    @property
    def synthetic_lessons(self) -> list[str]:
        return [e.name for e in self.lessons if "synthetic" in e.sources]

    @property
    def claims(self) -> list[Claim]:
        return [c for e in self.lessons for c in e.claims]

    def claim_counts(self) -> dict[str, int]:
        """How many claims held, failed and were not judged."""
        return {v: sum(c.verdict == v for c in self.claims) for v in claims_mod.VERDICTS}


# ----------------------------------------------------------------------------- matching


def find_result(results: Iterable[Result], key: str) -> Result | None:
    """The result recorded under ``key`` (the last one, if a lesson recorded it twice), or None."""
    hits = [r for r in results if key and r.key == key]
    return hits[-1] if hits else None


def compare(references: Sequence[Reference], lessons: Sequence[LessonEntry]) -> list[Comparison]:
    """Match every reference to a lesson's results; references of lessons not run are kept."""
    by_name = {e.name: e for e in lessons}
    out = []
    for ref in references:
        entry = by_name.get(ref.lesson)
        if entry is None:
            out.append(Comparison(ref, None, None, "not run", f"lesson not run in this build; {ref.why}"))
            continue
        ours = find_result(entry.results, ref.ours)
        rerun = find_result(entry.results, ref.rerun)  # None for no key
        reasons = [ref.why]
        if ours is None:
            reasons.insert(0, "the lesson failed" if entry.status != "ok" else "no matching result recorded")
        else:
            if ours.source == "synthetic":
                reasons.append("ours ran on a synthetic stand-in: the number means nothing")
            if ours.profile == "quick":
                reasons.append("ours is the quick profile (small subset, few epochs)")
        out.append(Comparison(ref, ours, rerun, entry.status, "; ".join(reasons)))
    return out


# ----------------------------------------------------------------------------- collecting


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _code_cells(executed: Path) -> list[Any]:
    """The code cells of an executed notebook (none if it cannot be read)."""
    try:
        import nbformat

        return [c for c in nbformat.read(executed, as_version=4).cells if c.get("cell_type") == "code"]
    except Exception:
        return []


def _error_output(executed: Path) -> str:
    """The last 25 lines of the traceback of the first error in an executed notebook (ANSI colours removed)."""
    for cell in _code_cells(executed):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                text = _ANSI.sub("", "\n".join(out.get("traceback", []))).strip()
                return "\n".join(text.splitlines()[-25:])
    return ""


def _history_images(executed: Path, limit: int = 4) -> list[bytes]:
    """PNG outputs of the cells of an executed notebook that draw training curves (``plot_history``)."""
    images = []
    for cell in _code_cells(executed):
        if "plot_history(" not in cell.get("source", ""):
            continue
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                try:
                    images.append(base64.b64decode(png if isinstance(png, str) else "".join(png)))
                except ValueError:
                    continue
    return images[:limit]


def _lesson_of(stem: str, names: Sequence[str]) -> str | None:
    """The lesson a saved figure belongs to: its name starts with the lesson's name or number."""
    for name in sorted(names, key=len, reverse=True):
        if stem.startswith(name):
            return name
    for name in names:
        number = name.split("_", 1)[0]
        if re.match(rf"{re.escape(number)}(?:[_\-.]|$)", stem):
            return name
    return None


def _title(stem: str, lesson: str | None) -> str:
    if lesson and stem.startswith(lesson):
        stem = stem[len(lesson):]
    stem = stem.strip("_-. ")
    return stem.replace("_", " ") or "figure"


def _environment(profile: str) -> dict[str, str]:
    info = machine_info()
    env = {"profile": profile, "python": info["python"], "machine": info["os"]}
    env.update({k: info[k] for k in ("tensorflow", "keras", "cores") if k in info})
    for var in ("COURSE_OFFLINE", "COURSE_DATA_MIRROR"):
        if os.environ.get(var):
            env[var] = os.environ[var]
    return env


def collect(runs: Sequence[Any], build: Path, profile: str) -> CourseReport:
    """Gather the report's data from the runner's ``runs`` and the ``build`` folder.

    ``runs`` are the runner's ``NotebookRun`` objects (anything with
    ``name``, ``status``, ``seconds`` and optionally ``peak_rss_mb``,
    ``error``, ``failing_cell``). Results are read from ``build/results``,
    saved figures from ``build/results/figures``, executed copies from
    ``build/executed``. Training curves found only in an executed copy are
    written to ``build/report_figures`` so the Markdown report can link them.
    """
    build = Path(build)
    results_dir = build / "results"
    results = load_dir(results_dir)
    stated = claims_mod.load_dir(results_dir)
    names = [r.name for r in runs]
    lessons: list[LessonEntry] = []
    for run in runs:
        executed = build / "executed" / f"{run.name}.ipynb"
        entry = LessonEntry(
            name=run.name,
            status=run.status,
            seconds=float(run.seconds),
            peak_rss_mb=getattr(run, "peak_rss_mb", None),
            error=_ANSI.sub("", getattr(run, "error", "") or ""),
            failing_cell=getattr(run, "failing_cell", "") or "",
            traceback=_error_output(executed) if run.status != "ok" else "",
            executed=f"executed/{executed.name}" if executed.exists() else None,
            results=[r for r in results if r.lesson == run.name],
            claims=stated.get(run.name, []),
        )
        lessons.append(entry)

    by_name = {e.name: e for e in lessons}
    other_figures: list[Figure] = []
    for png in sorted((results_dir / "figures").glob("*.png")):
        if png.name.endswith(".tmp.png"):
            continue
        lesson = _lesson_of(png.stem, names)
        fig = Figure(lesson or "", _title(png.stem, lesson), png.relative_to(build).as_posix())
        (by_name[lesson].figures if lesson else other_figures).append(fig)
    curves_dir = build / "report_figures"
    for old in curves_dir.glob("*.png"):
        old.unlink()
    for entry in lessons:
        if entry.figures or entry.executed is None:
            continue
        for i, png in enumerate(_history_images(build / entry.executed), start=1):
            curves_dir.mkdir(parents=True, exist_ok=True)
            path = curves_dir / f"{entry.name}_curves_{i}.png"
            files.write_bytes_atomic(path, png)
            entry.figures.append(Figure(entry.name, f"training curves {i}", path.relative_to(build).as_posix()))

    comparisons = compare(REFERENCES, lessons)
    for comp in comparisons:
        if comp.reference.lesson in by_name:
            by_name[comp.reference.lesson].comparisons.append(comp)
    return CourseReport(
        profile=profile,
        generated=time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        environment=_environment(profile),
        lessons=lessons,
        comparisons=comparisons,
        other_results=[r for r in results if r.lesson not in by_name],
        other_figures=other_figures,
        aims=check_aims(lessons, profile),
    )
