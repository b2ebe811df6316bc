"""The report's data: what each lesson ran, recorded, claimed and drew, gathered from a build folder
by :func:`collect` into one :class:`CourseReport`."""

from __future__ import annotations

import base64
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import claims as claims_mod
from .. import files
from ..claims import Claim
from ..record import NotebookRun, machine_info
from ..results import Result, load_dir
from .references import AIMS, REFERENCES, Aim, Reference


@dataclass
class AimCheck:
    """One aim and how this run did: "met", "MISSED", "not run", "no result" or "not applicable (...)"."""

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
    claims: list[Claim] = field(default_factory=list)


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


def _read_executed(executed: Path, failed: bool) -> tuple[str, list[bytes]]:
    """From an executed notebook: the last 25 lines of the first error's traceback (ANSI colours removed)
    when it ``failed``, and the PNG outputs of its cells that draw training curves (``plot_history``)."""
    import nbformat

    try:
        cells = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]
    except Exception:  # no executed copy, or not readable: nothing to show
        return "", []
    errors = [o for c in cells for o in c.outputs if o.output_type == "error"]
    text = _ANSI.sub("", "\n".join(errors[0].traceback)).strip() if failed and errors else ""
    curves = [base64.b64decode(o.data["image/png"]) for c in cells if "plot_history(" in c.source
              for o in c.outputs if "image/png" in o.get("data", {})]
    return "\n".join(text.splitlines()[-25:]), curves


def _environment(profile: str) -> dict[str, str]:
    info = machine_info()
    env = {"profile": profile, **{k: info[k] for k in ("python", "os", "tensorflow", "keras", "cores")}}
    return env | {var: os.environ[var] for var in ("COURSE_OFFLINE", "COURSE_DATA_MIRROR") if os.environ.get(var)}


def collect(runs: Sequence[NotebookRun], build: Path, profile: str) -> CourseReport:
    """Gather the report's data from the runner's ``runs`` and the ``build`` folder.

    Results and claims are read from ``build/results``, saved figures from ``build/results/figures``
    (a figure belongs to the lesson its name starts with), executed copies from ``build/executed``.
    Training curves of a lesson that saved no figure are taken from its executed copy and written to
    ``build/report_figures``, so the Markdown report can link them.
    """
    build = Path(build)
    results = load_dir(build / "results")
    stated = claims_mod.load_dir(build / "results")
    names = [run.name for run in runs]
    saved: dict[str | None, list[Figure]] = {}
    for png in sorted((build / "results" / "figures").glob("*.png")):
        if not png.name.endswith(".tmp.png"):  # an interrupted save
            lesson = max((n for n in names if png.stem.startswith(n)), key=len, default=None)
            title = png.stem[len(lesson or ""):].strip("_-. ").replace("_", " ") or "figure"
            saved.setdefault(lesson, []).append(Figure(title, png.relative_to(build).as_posix()))
    curves_dir = build / "report_figures"
    for old in curves_dir.glob("*.png"):
        old.unlink()
    lessons = []
    for run in runs:
        executed = build / "executed" / f"{run.name}.ipynb"
        traceback, curves = _read_executed(executed, failed=run.status != "ok")
        figures = saved.get(run.name, [])
        for i, png in enumerate(curves[:4] if not figures else [], start=1):
            path = curves_dir / f"{run.name}_curves_{i}.png"
            files.write_bytes_atomic(path, png)
            figures.append(Figure(f"training curves {i}", path.relative_to(build).as_posix()))
        lessons.append(LessonEntry(
            name=run.name,
            status=run.status,
            seconds=float(run.seconds),
            peak_rss_mb=run.peak_rss_mb,
            error=_ANSI.sub("", run.error),
            failing_cell=run.failing_cell,
            traceback=traceback,
            executed=f"executed/{executed.name}" if executed.exists() else None,
            results=[r for r in results if r.lesson == run.name],
            figures=figures,
            claims=stated.get(run.name, []),
        ))
    return CourseReport(
        profile=profile,
        generated=time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        environment=_environment(profile),
        lessons=lessons,
        comparisons=compare(REFERENCES, lessons),
        other_results=[r for r in results if r.lesson not in names],
        other_figures=saved.get(None, []),
        aims=check_aims(lessons, profile),
    )
