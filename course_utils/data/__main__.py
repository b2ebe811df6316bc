"""Command line: ``python -m course_utils.data {list,readme,fetch,prepare} ...``.

list [--check] [--wide]       the datasets and where each file is (cache / mirror / missing)
readme [--write PATH]         the registry as Markdown tables (the generated part of data/README.md)
fetch NAME... | --all [--to DIR]
                              download into the cache, or fill a mirror folder DIR
                              (and its SHA256SUMS) for offline machines
prepare NAME... | --all       load each dataset once (check, parse, cache), so that
                              notebooks start warm (e.g. before a timed CI run)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

from .. import settings
from . import fetch, readme
from .inventory import status
from .loaders import load
from .registry import DATASETS


def _list(args: argparse.Namespace) -> int:
    import pandas as pd

    table = status(check=args.check)
    s = settings.get()
    mirrors = ", ".join(map(str, s.mirror_dirs)) or "(COURSE_DATA_MIRROR not set)"
    print(f"profile={s.profile} offline={s.offline} cache={s.data_dir} mirrors={mirrors}")
    with pd.option_context("display.max_colwidth", 70, "display.width", 250, "display.max_rows", 200):
        print(table.drop(columns=[] if args.wide else ["where"]).to_string(index=False))
    return 0


def _readme(args: argparse.Namespace) -> int:
    if args.write:
        print(f"wrote {readme.write(args.write)}", file=sys.stderr)
    else:
        print(readme.render_table())
    return 0


def _each(task) -> Callable[[argparse.Namespace], int]:
    """A command that runs ``task(name, args) -> ok`` on each dataset named (or all), then fails if one did."""

    def command(args: argparse.Namespace) -> int:
        names = list(DATASETS) if args.all else args.names
        if not names or set(names) - set(DATASETS):
            print(f"name one or more datasets, or use --all; valid: {', '.join(DATASETS)}", file=sys.stderr)
            return 2
        return 0 if all([task(name, args) for name in names]) else 1

    return command


def _fetch(name: str, args: argparse.Namespace) -> bool:
    ok = True
    for spec in DATASETS[name].files:
        try:
            outcome = fetch.fetch_into(name, spec, args.to)
        except Exception as err:  # report every file, then fail at the end
            ok, outcome = False, f"FAILED: {type(err).__name__}: {err}"
        print(f"{name:15s} {spec.filename:35s} {outcome}")
    return ok


def _prepare(name: str, args: argparse.Namespace) -> bool:
    start = time.perf_counter()
    try:
        ds = load(name, verbose=False)
    except Exception as err:
        print(f"{name:15s} FAILED: {type(err).__name__}: {err}")
        return False
    print(f"{name:15s} {time.perf_counter() - start:6.1f} s  {ds!r}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_utils.data", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p_list = sub.add_parser("list", help="the datasets and the state of each file")
    p_list.add_argument("--check", action="store_true", help="verify every present file now (slower)")
    p_list.add_argument("--wide", action="store_true", help="also show file paths")
    p_list.set_defaults(func=_list)
    p_readme = sub.add_parser("readme", help="render data/README.md from the registry")
    p_readme.add_argument(
        "--write", metavar="PATH", help="update the generated block of PATH in place, keeping the hand-written text"
    )
    p_readme.set_defaults(func=_readme)
    p_fetch = sub.add_parser("fetch", help="download files into the cache or a mirror folder")
    p_fetch.add_argument("--to", metavar="DIR", help="fill this mirror folder (and SHA256SUMS), not the cache")
    p_fetch.set_defaults(func=_each(_fetch))
    p_prepare = sub.add_parser("prepare", help="load datasets once so later loads are warm")
    p_prepare.set_defaults(func=_each(_prepare))
    for p in (p_fetch, p_prepare):
        p.add_argument("names", nargs="*", metavar="NAME")
        p.add_argument("--all", action="store_true", help="every dataset")
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
