"""The record of a course run: one file per lesson run, and the committed copy of a full-profile run.

A build folder (``build/`` for ``make run``, ``build/full/`` for ``make results``) holds

- ``runs/<lesson>.json``: how the notebook ran (:class:`NotebookRun`: status,
  seconds, peak memory, error), with the profile, the git commit, the date, the CPU
  and the fingerprint of the lesson's claims (:func:`course_utils.claims.fingerprint`);
- ``results/<lesson>.jsonl``: the numbers it recorded (``course_utils.results``);
- ``results/claims/<lesson>.jsonl``: the claims it stated (``course_utils.claims``).

``docs/record/`` keeps the same files (no figures) for the full-profile run that
``docs/results.md`` describes, so a fresh clone can rerun a few lessons (:func:`restore`,
then the runner with ``--keep``) and write the whole document again (:func:`store`).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import psutil

from . import files

ROOT = Path(__file__).resolve().parent.parent
RECORD_DIR = ROOT / "docs" / "record"


@dataclass
class NotebookRun:
    """The outcome of executing one notebook; where and when it ran is added when it is saved."""

    name: str
    status: str  # "ok" or "failed"
    seconds: float
    error: str = ""
    failing_cell: str = ""
    peak_rss_mb: float | None = None  # peak resident memory of the kernel's process tree
    claims_fingerprint: str = ""  # of the notebook that ran (course_utils.claims.fingerprint)
    profile: str = ""
    commit: str = ""  # git_commit() of the checkout that ran it
    date: str = ""
    cpu: str = ""  # cpu_name(): trained models differ slightly between CPU models


def git_commit(root: Path = ROOT, path: Path | None = None) -> str:
    """The short commit of ``root``'s checkout, marked when the tracked files (or just ``path``, a
    notebook, when given) have uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.check_output(["git", "-C", str(root), *args], text=True, timeout=10,
                                       stderr=subprocess.DEVNULL).strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", *(["--", str(path)] if path else []))
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + (" (with uncommitted changes)" if dirty else "")


def cpu_name() -> str:
    """The CPU model (``/proc/cpuinfo`` on Linux, else what ``platform`` knows), or "unknown"."""
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
    except OSError:
        found = None
    return found[1].strip() if found else platform.processor() or "unknown"


def machine_info() -> dict[str, str]:
    """What ran the course: CPU, cores, memory, OS, and the versions that matter (the one probe the
    report, ``docs/results.md`` and the benchmarks share)."""
    from importlib import metadata

    info = {"os": platform.platform(terse=True), "python": platform.python_version(), "cpu": cpu_name()}
    info["cores"] = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    info["memory"] = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    for dist in ("tensorflow", "keras", "tensorflow-datasets", "tensorflow-hub", "spacy", "numpy", "scikit-learn"):
        try:
            info[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            info[dist] = "not installed"
    return info


def save_run(run: NotebookRun, build: Path, profile: str, commit: str | None = None) -> Path:
    """Write ``build/runs/<lesson>.json``: the run with its profile, commit, today's date and the CPU."""
    path = Path(build) / "runs" / f"{run.name}.json"
    run = replace(run, profile=profile, commit=commit or git_commit(), date=time.strftime("%Y-%m-%d"),
                  cpu=cpu_name())
    files.write_text_atomic(path, json.dumps(asdict(run), indent=1))
    return path


def load_runs(build: Path) -> list[NotebookRun]:
    """Every run recorded in ``build/runs/``, in lesson order."""
    known = {f.name for f in fields(NotebookRun)}  # records of older versions may hold other keys
    return [NotebookRun(**{k: v for k, v in json.loads(path.read_text(encoding="utf-8")).items() if k in known})
            for path in sorted(Path(build, "runs").glob("*.json"))]


_PARTS = ("runs/{}.json", "results/{}.jsonl", "results/claims/{}.jsonl")  # the record of one lesson's run


def clear_runs(build: Path, name: str | None = None) -> None:
    """Delete the run records, results, claims and figures of lesson ``name`` (of every lesson if None)."""
    for pattern in [part.format(name or "*") for part in _PARTS] + [f"results/figures/{name or ''}*.png"]:
        for old in Path(build).glob(pattern):
            old.unlink()


def check_profile(build: Path, profile: str) -> None:
    """Refuse to mix profiles in one report: ``--keep`` on a build folder filled by another profile."""
    for run in load_runs(build):
        if run.profile != profile:
            raise SystemExit(
                f"{build} holds a {run.profile!r}-profile run of {run.name}; --keep would mix it with "
                f"this {profile!r} run. Use another --build folder, or run without --keep."
            )


def _lessons_in(folder: Path) -> list[str]:
    return sorted(p.stem for p in Path(folder, "runs").glob("*.json"))


def _copy(src: Path, dst: Path, lessons: list[str]) -> list[str]:
    """Copy the run, results and claims files (those that exist) of ``lessons`` from ``src`` to ``dst``."""
    for part in (p.format(lesson) for lesson in lessons for p in _PARTS):
        if (src / part).is_file():
            (dst / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src / part, dst / part)
    return lessons


def restore(record: Path, build: Path) -> list[str]:
    """Copy the committed record's lessons into ``build`` where it has no run of them yet; return those lessons."""
    have = set(_lessons_in(build))
    return _copy(Path(record), Path(build), [lesson for lesson in _lessons_in(record) if lesson not in have])


def store(build: Path, record: Path) -> list[str]:
    """Make ``record`` hold exactly ``build``'s runs, results and claims (no figures). Returns the lessons."""
    build, record = Path(build), Path(record)
    lessons = _lessons_in(build)
    if not lessons:
        raise FileNotFoundError(f"no run records in {build / 'runs'}")
    staging = record.with_name(f".{record.name}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    _copy(build, staging, lessons)
    files.swap_in(staging, record)
    return lessons


def main(argv: list[str] | None = None) -> int:
    """``python -m course_utils.record restore [--record docs/record] --build build/full``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m course_utils.record")
    parser.add_argument("command", choices=["restore"],
                        help="restore: copy the committed record's lessons into a build folder that lacks them")
    parser.add_argument("--record", type=Path, default=RECORD_DIR)
    parser.add_argument("--build", type=Path, required=True)
    args = parser.parse_args(argv)
    copied = restore(args.record, args.build)
    print(f"restored {len(copied)} lessons from {args.record} into {args.build}: {' '.join(copied) or '-'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
