"""Run the whole course: execute every lesson notebook in order, headless.

``python -m course_utils.runner`` (what ``make run`` calls) executes
``notebooks/NN_*.ipynb`` in the chosen profile, writes the executed copies to
``build/executed/``, the lessons' recorded results to ``build/results/``,
prints a per-notebook time table and writes ``build/report.md``. It exits
non-zero if any notebook failed, after running all the others.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import settings

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class NotebookRun:
    """The outcome of executing one notebook."""

    name: str
    status: str  # "ok" or "failed"
    seconds: float
    error: str = ""
    failing_cell: str = ""
    results: list = field(default_factory=list)


def find_notebooks(folder: Path, only: list[str] | None = None) -> list[Path]:
    """Lesson notebooks ``NN_*.ipynb`` in ``folder``, in order; ``only`` filters by prefix or name."""
    books = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if only:
        chosen = [p for p in books if any(p.stem == o or p.stem.startswith(o) or p.name == o for o in only)]
        unknown = [o for o in only if not any(p.stem == o or p.stem.startswith(o) or p.name == o for p in books)]
        if unknown:
            raise ValueError(f"no notebook matches {unknown}; available: {', '.join(p.stem for p in books)}")
        books = chosen
    if not books:
        raise ValueError(f"no lesson notebooks (NN_*.ipynb) in {folder}")
    return books


def execute_notebook(path: Path, out_dir: Path, timeout: int) -> NotebookRun:
    """Execute one notebook in a fresh kernel; write the executed copy to ``out_dir``."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    status, error, cell_src = "ok", "", ""
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as exc:
        status = "failed"
        error = str(exc).strip().splitlines()[-1][:500] if str(exc).strip() else type(exc).__name__
        failing = next(
            (c for c in nb.cells if c.get("cell_type") == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", []))),
            None,
        )
        cell_src = failing.source if failing is not None else ""
    except Exception as exc:  # kernel died, etc.: report and go on with the next notebook
        status, error = "failed", f"{type(exc).__name__}: {exc}"[:500]
    seconds = time.perf_counter() - start
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / f".{path.name}.tmp"
    nbformat.write(nb, tmp)
    tmp.replace(out_dir / path.name)
    return NotebookRun(path.stem, status, seconds, error, cell_src)


def write_report(runs: list[NotebookRun], build: Path, profile: str) -> Path:
    """Write ``build/report.md``: status, time and recorded results per lesson."""
    from .results import load_dir

    results = load_dir(build / "results")
    lines = [
        f"# Course run ({profile} profile)",
        "",
        f"{sum(r.status == 'ok' for r in runs)} of {len(runs)} notebooks ran; "
        f"total {sum(r.seconds for r in runs):.0f} s.",
        "",
        "| lesson | status | seconds | results |",
        "|---|---|---:|---|",
    ]
    for run in runs:
        mine = [r for r in results if r.lesson == run.name]
        shown = "; ".join(
            f"{r.metric} = {r.value:.4g}" if isinstance(r.value, float) else f"{r.metric}: {r.value}"
            for r in mine
        ) or "-"
        src = sorted({r.source for r in mine if r.source != "none"})
        if src:
            shown += f" (data: {', '.join(src)})"
        lines.append(f"| {run.name} | {run.status} | {run.seconds:.1f} | {shown} |")
    failed = [r for r in runs if r.status != "ok"]
    if failed:
        lines += ["", "## Failures", ""]
        for run in failed:
            lines += [f"### {run.name}", "", f"Error: `{run.error}`", ""]
            if run.failing_cell:
                lines += ["```python", run.failing_cell, "```", ""]
    path = build / "report.md"
    tmp = build / ".report.md.tmp"
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m course_utils.runner [--profile quick|full] [NOTEBOOK ...]``."""
    parser = argparse.ArgumentParser(description="Execute the course notebooks in order and report.")
    parser.add_argument("notebooks", nargs="*", help="lesson names or number prefixes (default: all)")
    parser.add_argument("--profile", choices=settings.PROFILES, default=os.environ.get("COURSE_PROFILE", "quick"))
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="output folder (default: build/)")
    parser.add_argument("--notebook-dir", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--timeout", type=int, default=None, help="seconds per cell (default: 600 quick, none full)")
    args = parser.parse_args(argv)

    try:
        books = find_notebooks(args.notebook_dir, args.notebooks or None)
    except ValueError as exc:
        parser.error(str(exc))
    build: Path = args.build
    results_dir = build / "results"
    if results_dir.exists():
        for old in results_dir.glob("*.jsonl"):
            old.unlink()
    os.environ["COURSE_PROFILE"] = args.profile
    os.environ["COURSE_RESULTS_DIR"] = str(results_dir.resolve())
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("MPLBACKEND", "Agg")
    settings.reload()
    timeout = args.timeout if args.timeout is not None else (600 if args.profile == "quick" else -1)

    from tqdm import tqdm

    runs: list[NotebookRun] = []
    bar = tqdm(books, desc=f"course ({args.profile})", unit="notebook")
    for path in bar:
        bar.set_postfix_str(path.stem)
        try:
            run = execute_notebook(path, build / "executed", timeout)
        except Exception:
            run = NotebookRun(path.stem, "failed", 0.0, traceback.format_exc(limit=1).strip().splitlines()[-1])
        runs.append(run)
        tqdm.write(f"{run.status:>6}  {run.seconds:7.1f} s  {run.name}" + (f"  ({run.error})" if run.error else ""))
    report = write_report(runs, build, args.profile)

    width = max(len(r.name) for r in runs)
    print(f"\n{'notebook':<{width}}  status   seconds")
    for r in runs:
        print(f"{r.name:<{width}}  {r.status:<7} {r.seconds:8.1f}")
    print(f"{'total':<{width}}  {'':<7} {sum(r.seconds for r in runs):8.1f}")
    print(f"\nExecuted notebooks: {build / 'executed'}\nReport: {report}")
    failed = [r.name for r in runs if r.status != "ok"]
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
