"""``docs/results.md``: the record of a full-profile run, written from a build folder.

``python -m course_utils.report results-doc --build build/full --out docs/results.md --record docs/record``
(what ``make results`` runs) writes the document and stores the raw records beside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ..files import write_text_atomic
from ..record import ROOT, NotebookRun, git_commit, load_runs, machine_info, store
from .collect import collect
from .render import render_markdown


def _grouped(runs: Sequence[NotebookRun], attr: str) -> str:
    """'value (lesson numbers); value (...)' for one attribute of the runs."""
    values = sorted({getattr(r, attr) or "unknown" for r in runs})
    return "; ".join(
        f"{v} ({', '.join(sorted(r.name[:2] for r in runs if (getattr(r, attr) or 'unknown') == v))})" for v in values
    )


def write_results_doc(build: Path, out: Path, root: Path | None = None, note: str = "",
                      record: Path | None = None) -> Path:
    """Write ``out`` (``docs/results.md``) from a runner ``build`` folder of one profile: dates, machine,
    versions and commits, the ``note`` (Markdown: how the run went), the report without its figures or
    links into the build folder, and each lesson's claims fingerprint. With ``record``
    (``docs/record``), the build's run records, results and claims are also stored there."""
    build, out = Path(build), Path(out)
    runs = load_runs(build)
    if not runs:
        raise FileNotFoundError(f"no run records in {build / 'runs'}: run the course with --build {build} first")
    profiles = {r.profile for r in runs}
    if len(profiles) != 1:
        raise ValueError(f"{build} mixes profiles {sorted(map(str, profiles))}")
    profile = profiles.pop()
    rep = collect(runs, build, profile)
    body = render_markdown(rep)
    body = "\n".join(
        re.sub(r" Executed copy: \[[^]]*\]\([^)]*\)\.", "", line)
        for line in body.splitlines()
        if not line.startswith("![")
    )
    body = body.replace("# Course run", "## Course run", 1)
    machine = machine_info()
    header = [
        f"# Results of a {profile}-profile run",
        "",
        "Produced by `make results` (the runner with `--profile full --keep`, then",
        "`python -m course_utils.report results-doc`). Each lesson ran in a fresh kernel;",
        "the numbers below are what the notebooks recorded. The raw records are in",
        "[record/](record/) (one folder per kind: runs, results, claims).",
        "",
        f"- dates: {_grouped(runs, 'date')} (lessons in brackets; report written {rep.generated})",
        f"- commits: {_grouped(runs, 'commit')} (the documentation's commit: {git_commit(root or ROOT)})",
        f"- cpu: {_grouped(runs, 'cpu')} (floating-point results, and so trained models, differ a little "
        "between CPU models)",
        "- machine writing this document: " + ", ".join(f"{k} {machine[k]}" for k in ("cpu", "cores", "memory", "os")),
        "- versions: " + ", ".join(f"{k} {v}" for k, v in machine.items() if k not in ("cpu", "cores", "memory", "os")),
        f"- lessons: {len(runs)} run, {sum(r.status == 'ok' for r in runs)} ok",
        "",
    ]
    if note.strip():
        header += [note.strip(), ""]
    prints = ["", "## Claims fingerprints", "",
              "Each lesson's claims as they stood when it ran (`course_utils.claims.fingerprint`): a test fails "
              "when a notebook's claims change after its run, until the lesson is run again.", "",
              "| lesson | claims | fingerprint |", "|---|---:|---|"]
    for run, entry in zip(runs, rep.lessons):  # one entry per run, in the same order
        prints.append(f"| {run.name} | {len(entry.claims)} | `{run.claims_fingerprint or '-'}` |")
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out, "\n".join(header) + "\n" + body.rstrip() + "\n" + "\n".join(prints) + "\n")
    if record is not None:
        store(build, record)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m course_utils.report results-doc --build DIR --out docs/results.md``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m course_utils.report")
    sub = parser.add_subparsers(dest="command", required=True)
    doc = sub.add_parser("results-doc", help="write docs/results.md from a runner build folder")
    doc.add_argument("--build", type=Path, required=True)
    doc.add_argument("--out", type=Path, default=Path("docs/results.md"))
    doc.add_argument("--note-file", type=Path, help="Markdown paragraph under the header (how the run went)")
    doc.add_argument("--record", type=Path, help="also store the raw records there (docs/record)")
    args = parser.parse_args(argv)
    note = args.note_file.read_text(encoding="utf-8") if args.note_file else ""
    try:
        path = write_results_doc(args.build, args.out, note=note, record=args.record)
    except (FileNotFoundError, ValueError) as exc:
        parser.error(str(exc))
    print(f"wrote {path}")
    return 0
