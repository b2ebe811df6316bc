"""Run the whole course (``make run``): execute every lesson notebook in order, headless.

Executed copies go to ``build/executed/``, the lessons' results and claims to ``build/results/``;
the course report (:mod:`course_utils.report`) is refreshed after every lesson, and a time and
peak-memory table printed at the end. ``--keep`` reruns some lessons and reports on every lesson run
so far in that build folder (one profile per folder). Exits non-zero if any notebook failed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
import time
import traceback
from pathlib import Path

from . import settings
from .files import write_text_atomic
from .claims import fingerprint
from .nblinks import relink
from .record import ROOT, NotebookRun, check_profile, clear_runs, git_commit, load_runs, save_run
from .report import write_report

__all__ = ["NotebookRun", "PeakMemory", "execute_notebook", "find_notebooks", "main", "save_run", "load_runs"]


class PeakMemory:
    """``with PeakMemory() as mem:`` samples the resident memory of this process's children (the kernel and
    what it starts) in a background thread; ``PeakMemory(pid, include_root=True)`` watches another process
    and its children. ``mem.peak_mb``: the largest sum of RSS seen (None if nothing ran). One ``with`` each."""

    def __init__(self, pid: int | None = None, include_root: bool = False, interval: float = 0.1) -> None:
        self.pid = os.getpid() if pid is None else pid
        self.include_root = include_root
        self.interval = interval
        self.peak_mb: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="peak-memory", daemon=True)

    def _watch(self) -> None:
        """Every ``interval`` seconds until stopped: add up the RSS of the watched tree, keep the largest sum."""
        import psutil

        while True:
            total = 0
            try:
                root = psutil.Process(self.pid)
                for proc in root.children(recursive=True) + ([root] if self.include_root else []):
                    with contextlib.suppress(psutil.Error):  # a process may end while it is read
                        total += proc.memory_info().rss
            except psutil.Error:
                pass
            if total:
                self.peak_mb = max(self.peak_mb or 0.0, total / 2**20)
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def find_notebooks(folder: Path, only: list[str] | None = None) -> list[Path]:
    """Lesson notebooks ``NN_*.ipynb`` in ``folder``, in order; ``only`` filters by prefix or name."""
    books = sorted(folder.glob("[0-9][0-9]_*.ipynb"))
    if only:
        picked = {o: [p for p in books if p.stem.startswith(o) or p.name == o] for o in only}
        unknown = [o for o, found in picked.items() if not found]
        if unknown:
            raise ValueError(f"no notebook matches {unknown}; available: {', '.join(p.stem for p in books)}")
        books = sorted({p for found in picked.values() for p in found})
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
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}},
        # TensorFlow's C++ start-up lines (CUDA probes, oneDNN notes) are written to the process's
        # stderr before TF_CPP_MIN_LOG_LEVEL applies; without fd capture they land in the kernel log
        # below instead of the notebook's first TensorFlow cell. Python output is unaffected.
        extra_arguments=["--IPKernelApp.capture_fd_output=False"],
    )
    claims_fp = fingerprint(path)  # of the notebook as it is run, before the kernel starts
    status, error, cell_src = "ok", "", ""
    memory = PeakMemory()
    out_dir.mkdir(parents=True, exist_ok=True)
    # The kernel's own chatter (TensorFlow's start-up lines, ZMQ warnings) goes to a log file beside
    # the executed copy instead of the terminal; errors in cells are in the notebook itself.
    log = out_dir / f"{path.stem}.kernel.log"
    start = time.perf_counter()
    try:
        with open(log, "w", encoding="utf-8") as kernel_log, memory:
            client.execute(stdout=kernel_log, stderr=kernel_log)
    except (CellExecutionError, CellTimeoutError) as exc:
        status = "failed"
        error = str(exc).strip().splitlines()[-1][:500] if str(exc).strip() else type(exc).__name__
        failing = [c for c in nb.cells if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
        cell_src = failing[0].source if failing else ""
    except Exception as exc:  # kernel died, etc.: report and go on with the next notebook
        status, error = "failed", f"{type(exc).__name__}: {exc}"[:500] + f" (kernel log: {log})"
    seconds = time.perf_counter() - start
    relink(nb, path.parent, out_dir)  # ../images and ../docs, as seen from the copy's folder
    write_text_atomic(out_dir / path.name, nbformat.writes(nb) + "\n")
    return NotebookRun(path.stem, status, seconds, error, cell_src, peak_rss_mb=memory.peak_mb,
                       claims_fingerprint=claims_fp)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m course_utils.runner [--profile quick|full] [NOTEBOOK ...]``."""
    parser = argparse.ArgumentParser(description="Execute the course notebooks in order and report.")
    parser.add_argument("notebooks", nargs="*", help="lesson names or number prefixes (default: all)")
    parser.add_argument("--profile", choices=settings.PROFILES, default=os.environ.get("COURSE_PROFILE", "quick"))
    parser.add_argument("--build", type=Path, default=ROOT / "build", help="output folder (default: build/)")
    parser.add_argument("--notebook-dir", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--timeout", type=int, default=None, help="seconds per cell (default: 600 quick, none full)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the earlier runs' results in --build: rerun some lessons and report on all of them")
    args = parser.parse_args(argv)

    try:
        books = find_notebooks(args.notebook_dir, args.notebooks or None)
    except ValueError as exc:
        parser.error(str(exc))
    build: Path = args.build
    if not args.keep:  # the report shows this run's results and figures only
        clear_runs(build)
    else:
        check_profile(build, args.profile)
    os.environ["COURSE_PROFILE"] = args.profile
    os.environ["COURSE_RESULTS_DIR"] = str((build / "results").resolve())
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # Kernels draw inline (headless), so the executed copies keep their figures and the report can
    # show the training curves; "Agg" here would leave every plot out of the executed notebooks.
    os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    settings.reload()
    timeout = args.timeout if args.timeout is not None else (600 if args.profile == "quick" else -1)

    from tqdm import tqdm

    bar = tqdm(books, desc=f"course ({args.profile})", unit="notebook")
    for path in bar:
        bar.set_postfix_str(path.stem)
        clear_runs(build, path.stem)
        try:
            run = execute_notebook(path, build / "executed", timeout)
        except Exception:
            run = NotebookRun(path.stem, "failed", 0.0, traceback.format_exc(limit=1).strip().splitlines()[-1])
        save_run(run, build, args.profile, commit=git_commit(path=path))  # dirty = this notebook changed
        mem = f"  {run.peak_rss_mb:6.0f} MB" if run.peak_rss_mb else ""
        tqdm.write(f"{run.status:>6}  {run.seconds:7.1f} s{mem}  {run.name}  {run.error}".rstrip())
        # the report (on every run in the build folder: this run's, and with --keep the earlier ones) is
        # refreshed after every lesson, so a long run shows its progress and a crash loses nothing finished
        report = write_report(load_runs(build), build, args.profile)

    runs = load_runs(build)
    width = max(len(r.name) for r in runs)
    print(f"\n{'notebook':<{width}}  status   seconds  peak MB")
    for r in runs:
        mem = f"{r.peak_rss_mb:8.0f}" if r.peak_rss_mb else f"{'-':>8}"
        print(f"{r.name:<{width}}  {r.status:<7} {r.seconds:8.1f} {mem}")
    print(f"{'total':<{width}}  {'':<7} {sum(r.seconds for r in runs):8.1f}")
    print(f"\nExecuted notebooks: {build / 'executed'}\nReport: {report} and {report.with_suffix('.html')}")
    failed = [r.name for r in runs if r.status != "ok"]
    if failed:
        print(f"FAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
