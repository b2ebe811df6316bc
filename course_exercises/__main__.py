"""``python -m course_exercises student [--out build/student]``; ``... list``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import REGISTRY, numbers
from .student import ROOT, write_student_edition


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_exercises", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    st = sub.add_parser("student", help="write the notebooks without solutions to build/student/")
    st.add_argument("--out", type=Path, default=ROOT / "build" / "student")
    sub.add_parser("list", help="list every exercise and its check")
    args = parser.parse_args(argv)
    if args.command == "list":
        for number in numbers():
            check = REGISTRY[number]
            print(f"{number:6} {check.__name__:12} {check.title}")
        return 0
    written = write_student_edition(out=args.out)
    print(f"student edition: {len(written)} notebooks without solutions in {args.out / 'notebooks'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
