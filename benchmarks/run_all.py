"""Run every benchmark (or the ones named), each in its own process; what ``make bench`` calls.

    python benchmarks/run_all.py [--profile quick|full] [--smoke] [padding_waste source_vs_ours course]

Each benchmark writes ``build/benchmarks/<name>.md`` and ``.csv``. The exit
code is non-zero if any benchmark failed (for ``course``: if a notebook failed).
"""

from __future__ import annotations

import subprocess
import sys
import time

import common

BENCHMARKS = ("padding_waste", "source_vs_ours", "course")


def main(argv: list[str] | None = None) -> int:
    p = common.parser(__doc__.splitlines()[0])
    p.add_argument("benchmarks", nargs="*", metavar="BENCHMARK",
                   help=f"which to run (default: all of {', '.join(BENCHMARKS)})")
    args = p.parse_args(argv)
    unknown = [b for b in args.benchmarks if b not in BENCHMARKS]
    if unknown:
        p.error(f"unknown benchmark(s) {unknown}; choose from {', '.join(BENCHMARKS)}")
    chosen = args.benchmarks or list(BENCHMARKS)
    here = common.ROOT / "benchmarks"
    summary = []
    for name in chosen:
        cmd = [sys.executable, str(here / f"{name}.py"), "--profile", args.profile, "--out", str(args.out)]
        if args.smoke:
            cmd.append("--smoke")
        print(f"\n=== {name} ({args.profile}{', smoke' if args.smoke else ''}) ===", flush=True)
        start = time.perf_counter()
        code = subprocess.call(cmd, cwd=common.ROOT)
        summary.append((name, code, time.perf_counter() - start))
    print("\nbenchmark          exit  seconds")
    for name, code, seconds in summary:
        print(f"{name:<18} {code:>4} {seconds:8.1f}   {args.out / (name + '.md')}")
    return 1 if any(code for _, code, _ in summary) else 0


if __name__ == "__main__":
    sys.exit(main())
