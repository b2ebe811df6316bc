"""The whole course, timed: total and per-notebook wall time, peak memory.

Runs the course runner (``python -m course_utils.runner``, what ``make run``
calls) in a subprocess, in the quick profile by default, with its own build
folder (``build/benchmarks/course_run``: ``make run``'s ``build/report.md``
is left alone), watches the memory of the whole process tree (runner +
notebook kernels), then reads the runner's ``report.json`` (per-notebook
status, wall time and the kernel's peak memory) and writes
``build/benchmarks/course.md`` and ``.csv``.

This is as slow as ``make run`` (every notebook executes). ``--smoke`` runs
only the first notebook; positional arguments pick notebooks by number or
name, as for the runner.

    python benchmarks/course.py [--profile quick|full] [--smoke] [NOTEBOOK ...]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import common

from course_utils.runner import PeakMemory, find_notebooks


def run_course(
    profile: str, build: Path, notebook_dir: Path, notebooks: list[str], timeout: int | None
) -> tuple[int, float, float | None]:
    """Run the course runner in a subprocess; return (exit code, wall seconds, peak MB of the process tree)."""
    cmd = [sys.executable, "-m", "course_utils.runner", "--profile", profile, "--build", str(build),
           "--notebook-dir", str(notebook_dir), *notebooks]
    if timeout is not None:
        cmd += ["--timeout", str(timeout)]
    env = dict(os.environ, COURSE_PROFILE=profile)
    print("running:", " ".join(cmd), flush=True)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=common.ROOT, env=env)
    with PeakMemory(proc.pid, include_root=True) as memory:
        code = proc.wait()
    return code, time.perf_counter() - start, memory.peak_mb


def rows_from_report(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per notebook from the runner's ``report.json``."""
    rows = []
    for nb in report["notebooks"]:
        sources = sorted({r["source"] for r in nb["results"] if r["source"] != "none"})
        rows.append({
            "notebook": nb["name"],
            "status": nb["status"],
            "seconds": nb["seconds"],
            "peak memory MB": nb["peak_rss_mb"],
            "results recorded": len(nb["results"]),
            "data": ", ".join(sources) or "-",
        })
    return rows


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("notebooks", nargs="*", help="lesson numbers or names (default: all)")
    p.add_argument("--notebook-dir", type=Path, default=common.ROOT / "notebooks")
    p.add_argument("--build", type=Path, default=None, help="runner build folder (default: <out>/course_run)")
    p.add_argument("--timeout", type=int, default=None, help="seconds per cell (runner default if unset)")
    args = p.parse_args(argv)
    books = find_notebooks(args.notebook_dir, args.notebooks or None)
    chosen = [b.stem for b in books[:1]] if args.smoke else [b.stem for b in books]
    if args.profile == "full":
        print("WARNING: the full profile runs every lesson for real: hours on a CPU.", flush=True)
    build = args.build or (args.out / "course_run")
    code, wall, peak = run_course(args.profile, build, args.notebook_dir, chosen, args.timeout)
    report_path = build / "report.json"
    if not report_path.is_file():
        print(f"the runner wrote no {report_path} (exit code {code}); nothing to tabulate", file=sys.stderr)
        return code or 1
    report = json.loads(report_path.read_text(encoding="utf-8"))
    rows = rows_from_report(report)
    notebook_peaks = [r["peak memory MB"] for r in rows if r["peak memory MB"] is not None]
    rows.append({
        "notebook": "total (notebooks)",
        "status": f"{sum(r['status'] == 'ok' for r in rows)}/{len(rows)} ok",
        "seconds": sum(r["seconds"] for r in rows),
        "peak memory MB": max(notebook_peaks) if notebook_peaks else None,
        "results recorded": sum(r["results recorded"] for r in rows),
        "data": "",
    })
    rows.append({
        "notebook": "whole run (runner + kernels)",
        "status": f"exit code {code}",
        "seconds": wall,
        "peak memory MB": peak,
        "results recorded": None,
        "data": "",
    })
    common.write_table(
        "course",
        rows,
        args.out,
        title=f"The whole course, {report['profile']} profile",
        environment=common.environment_line(args.profile, "smoke" if args.smoke else args.profile),
        columns=["notebook", "status", "seconds", "peak memory MB", "results recorded", "data"],
        description=(
            "Per notebook: wall time (fresh kernel, start-up included) and peak resident memory of the "
            "kernel's process tree, as the course runner measured them. *total (notebooks)*: sum of the "
            "times, largest single peak. *whole run*: wall time of the runner process and the peak memory "
            f"of the runner and its kernels together. Report of this run: {build / 'report.md'}."
        ),
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
