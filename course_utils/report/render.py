"""The course report rendered: Markdown (the one hand-written layout), HTML from that Markdown, and JSON."""

from __future__ import annotations

import base64
import html
import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..files import write_text_atomic
from ..record import NotebookRun
from ..results import Result
from .collect import Comparison, CourseReport, LessonEntry, collect, find_result
from .references import Reference


def format_value(value: float | str | None) -> str:
    """A value for a table: "-" for none or NaN, whole numbers from 10,000 up with thousands separators,
    other numbers to 4 significant digits, text as is."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = float(value)
        if value.is_integer() and 1e4 <= abs(value) < 1e15:
            return f"{value:,.0f}"
        return f"{value:.4g}"
    return str(value)


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} MB"


def _value(result: Result | None) -> str:
    return format_value(None if result is None else result.value)


def _theirs(ref: Reference) -> str:
    return format_value(ref.value) if ref.value is not None else (ref.note or "-")


def _ours(c: Comparison) -> str:
    if c.lesson_status == "not run":
        return "not run"
    return _value(c.ours) + (f" ({c.ours.split}, {c.ours.source})" if c.ours else "")


def _sources(entry: LessonEntry) -> list[str]:
    """The data sources the lesson's results came from (``none`` left out)."""
    return sorted({r.source for r in entry.results if r.source != "none"})


def _headline(entry: LessonEntry, comparisons: Sequence[Comparison], limit: int = 4) -> str:
    """The lesson's results, most telling first: those compared with a source lesson, then test-split
    numbers, then the rest (each group in recording order); then the data it used."""
    compared = [c.ours for c in comparisons if c.ours is not None]

    def rank(r: Result) -> int:
        return 0 if r in compared else 1 if r.split == "test" and isinstance(r.value, float) else 2

    shown = [f"{r.metric} = {format_value(r.value)}" if isinstance(r.value, float) else f"{r.metric}: {r.value}"
             for r in sorted(entry.results, key=rank)[:limit]]
    text = "; ".join(shown) or "-"
    if len(entry.results) > limit:
        text += f" (+{len(entry.results) - limit} more)"
    sources = _sources(entry)
    if sources:
        used = find_result(entry.results, "data_used")  # e.g. a PARTIAL dataset
        text += f" (data: {', '.join(sources)}" + (f"; {used.value}" if used else "") + ")"
    return text


def md_cell(text: Any) -> str:
    """Text safe inside a Markdown table cell (no pipes, line breaks or HTML tags such as ``<unk>``)."""
    text = html.escape(str(text), quote=False)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def markdown_table(rows: Sequence[Mapping[str, Any] | Sequence[Any]], columns: Sequence[str],
                   right: Sequence[str] = ()) -> str:
    """Rows (dicts by column, or values in column order) as a Markdown table, the ``right`` columns
    right-aligned; values through :func:`format_value` and :func:`md_cell`."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join("---:" if c in right else "---" for c in columns) + "|"]
    for row in rows:
        values = [row.get(c) for c in columns] if isinstance(row, Mapping) else row
        lines.append("| " + " | ".join(md_cell(format_value(v)) for v in values) + " |")
    return "\n".join(lines)


def _fence(text: str) -> str:
    """A code fence longer than any backtick run in ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


# ----------------------------------------------------------------------------- Markdown


def render_markdown(report: CourseReport) -> str:
    """The report as Markdown; figures are linked by paths relative to the build folder."""
    ok = sum(e.status == "ok" for e in report.lessons)
    peaks = [e.peak_rss_mb for e in report.lessons if e.peak_rss_mb is not None]
    synthetic = [e.name for e in report.lessons if "synthetic" in _sources(e)]
    comparisons = {e.name: [c for c in report.comparisons if c.reference.lesson == e.name] for e in report.lessons}
    lines = [
        f"# Course run ({report.profile} profile)",
        "",
        f"{ok} of {len(report.lessons)} notebooks ran; total {sum(e.seconds for e in report.lessons):.0f} s"
        + (f"; largest peak memory {_mb(max(peaks))}" if peaks else "") + f". Generated {report.generated}.",
        "",
        "Environment: " + ", ".join(f"{k} {v}" for k, v in report.environment.items()) + ".",
        "",
    ]
    if report.profile == "quick":
        lines += [
            "The quick profile trains on small subsets for a few epochs: its numbers check that the "
            "lessons work, they are not the lessons' results (run `make run PROFILE=full` for those).",
            "",
        ]
    if synthetic:
        lines += [f"**Synthetic data** (no mirror or network): {', '.join(synthetic)}. Their numbers mean nothing.", ""]
    lines.append(markdown_table(
        [(e.name, e.status, f"{e.seconds:.1f}", _mb(e.peak_rss_mb), _headline(e, comparisons[e.name]),
          "; ".join(f"{c.reference.source} {c.reference.metric}: {_theirs(c.reference)} (ours {_value(c.ours)})"
                    for c in comparisons[e.name]) or "-")
         for e in report.lessons],
        ("lesson", "status", "seconds", "peak memory", "results", "source lesson's number"),
        right=("seconds", "peak memory")))

    if report.aims:
        lines += ["", "## Aims (full profile, real data)", "", markdown_table(
            [(a.aim.lesson, a.aim.what, f"≥ {a.aim.target}", _value(a.ours), a.verdict) for a in report.aims],
            ("lesson", "aim", "target", "ours", "verdict"), right=("target", "ours"))]
    claims = [c for e in report.lessons for c in e.claims]
    if claims:
        counts = Counter(c.verdict for c in claims)
        lines += ["", "## Claims", "",
                  "Each lesson states its conclusions as claims, checked against the numbers of this run and judged "
                  f"only in the full profile on real data: {counts['held']} held, {counts['failed']} failed, "
                  f"{counts['not judged']} not judged.", "", markdown_table(
                      [(c.lesson, c.text, "**failed**" if c.verdict == "failed" else c.verdict,
                        ", ".join(f"{k} = {format_value(v)}" for k, v in c.numbers.items())) for c in claims],
                      ("lesson", "claim", "verdict", "numbers"))]
    lines += [
        "",
        "## Beside the source lessons",
        "",
        "The numbers the source lessons printed, and ours for the same task. "
        "'Their way, applied here': our model scored with the source's own (flawed) split or metric, "
        "where the lesson demonstrates it.",
        "",
        markdown_table(
            [(c.reference.lesson, c.reference.source, c.reference.task, c.reference.metric, _theirs(c.reference),
              _ours(c), _value(c.rerun), c.why) for c in report.comparisons],
            ("lesson", "source", "task", "metric", "theirs", "ours", "their way, applied here", "why they differ"),
            right=("theirs", "ours", "their way, applied here")),
    ]

    failed = [e for e in report.lessons if e.status != "ok"]
    if failed:
        lines += ["", "## Failures", ""]
        for e in failed:
            lines += [f"### {e.name}", "", f"Error: `{e.error.replace('`', chr(39))}`", ""]
            blocks = (("Failing cell:", e.failing_cell, "python"), ("Traceback (last lines):", e.traceback, ""))
            for title, text, lang in blocks:
                if text:
                    fence = _fence(text)
                    lines += [title, "", f"{fence}{lang}", text, fence, ""]

    lines += ["", "## Lessons", ""]
    for e in report.lessons:
        facts = f"Status **{e.status}**, {e.seconds:.1f} s, peak memory {_mb(e.peak_rss_mb)}."
        if e.executed:
            facts += f" Executed copy: [{e.executed}]({e.executed})."
        lines += [f"### {e.name}", "", facts, ""]
        if e.results:
            lines += [markdown_table([(r.metric, r.value, r.split, r.source,
                                       None if r.seconds is None else f"{r.seconds:.1f}", r.note) for r in e.results],
                                     ("metric", "value", "split", "data", "seconds", "note"),
                                     right=("value", "seconds")), ""]
        else:
            lines += ["No results recorded.", ""]
        for fig in e.figures:
            lines += [f"![{e.name}: {fig.title}]({fig.path})", ""]
    if report.other_results or report.other_figures:
        lines += ["## Other results", ""]
        for r in report.other_results:
            lines.append(f"- {r.lesson}: {r.metric} = {format_value(r.value)} ({r.split}, {r.source})")
        for fig in report.other_figures:
            lines += ["", f"![{fig.title}]({fig.path})"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ----------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;
     max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}
th{background:#f3f3f3}
.ok{color:#176b2c;font-weight:bold} .failed{color:#b00020;font-weight:bold} .notrun{color:#777}
pre{background:#f7f7f7;border:1px solid #ddd;padding:.6em;overflow-x:auto;font-size:.85em}
img{max-width:100%;border:1px solid #eee;margin:.5em 0}
"""

# table cells that carry a verdict or a status get a colour
_VERDICT_CELL = re.compile(r"<td>(?:<strong>)?(ok|held|met|failed|MISSED|not run|not judged)(?:</strong>)?</td>")
_CLASS = {"ok": "ok", "held": "ok", "met": "ok", "failed": "failed", "MISSED": "failed"}
_IMG_SRC = re.compile(r'<img alt="([^"]*)" src="([^"]+)"')


def render_html(report: CourseReport, build: Path) -> str:
    """The report as one self-contained HTML page, rendered from :func:`render_markdown`.

    Figures (PNG files in ``build``) are embedded as base64, so the page can be moved or mailed on its own.
    """
    import markdown

    build = Path(build)
    body = markdown.markdown(render_markdown(report), extensions=["tables", "fenced_code", "toc"])
    body = _VERDICT_CELL.sub(lambda m: f'<td class="{_CLASS.get(m.group(1), "notrun")}">{m.group(1)}</td>', body)

    def embed(m: re.Match) -> str:
        path = build / html.unescape(m.group(2))
        if not (path.is_file() and path.suffix == ".png"):
            return m.group(0)
        return f'<img alt="{m.group(1)}" src="data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()}"'

    body = _IMG_SRC.sub(embed, body)
    title = f"Course run ({html.escape(report.profile)} profile)"
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_CSS}</style></head><body>\n{body}\n</body></html>\n")


# ----------------------------------------------------------------------------- JSON and writing


def to_json(report: CourseReport) -> dict[str, Any]:
    """The report as plain JSON-able data (what ``report.json`` holds): the :class:`CourseReport`, its
    lessons under ``notebooks``."""
    data = asdict(report)
    return {"format": "rnn-course-report/2", "notebooks": data.pop("lessons"), **data}


def write_report(runs: Sequence[NotebookRun], build: Path, profile: str) -> Path:
    """Write ``build/report.md``, ``build/report.html`` and ``build/report.json``; return the .md path."""
    build = Path(build)
    build.mkdir(parents=True, exist_ok=True)
    report = collect(runs, build, profile)
    write_text_atomic(build / "report.md", render_markdown(report))
    write_text_atomic(build / "report.html", render_html(report, build))
    write_text_atomic(build / "report.json", json.dumps(to_json(report), indent=1))
    return build / "report.md"
