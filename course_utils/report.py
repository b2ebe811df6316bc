"""The course report: what ran, how long it took, what it achieved, beside the source lessons.

:func:`write_report` (called by the course runner after every notebook has
run) collects, for each lesson:

- the runner's outcome: status, wall time, peak memory, and for a failed
  notebook the failing cell and its error;
- the headline results the notebook recorded with ``course_utils.results.record``
  (``<build>/results/*.jsonl``);
- the figures it saved with ``course_utils.plots.save_figure``
  (``<build>/results/figures/``), or, when it saved none, the training
  curves drawn by ``plot_history`` in the executed copy;
- the number the *source* lesson printed for the same task (:data:`REFERENCES`),
  matched to our results by lesson and metric keywords, with a one-line
  reason where ours differs (a leak, a flawed metric, a different split, a
  smaller profile, synthetic data).

and writes ``<build>/report.md``, ``<build>/report.html`` (self-contained:
figures embedded) and ``<build>/report.json`` (the same data, for scripts
such as ``benchmarks/course.py``), all from one :class:`CourseReport`.
"""

from __future__ import annotations

import base64
import html
import json
import os
import platform
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import claims as claims_mod
from .claims import Claim
from .record import ROOT, git_commit, load_stamps
from .results import Result, load_dir

# ----------------------------------------------------------------------------- the source lessons' numbers


@dataclass(frozen=True)
class Reference:
    """A number printed by a source lesson, and the stable key of our counterpart.

    ``ours`` is the ``key`` our lesson records its number under
    (``cu.results.record(..., key=...)``); ``rerun``, when the lesson does
    that, the key of our model scored the source's own (flawed) way. A test
    checks that each lesson's notebook records the keys named here.
    """

    lesson: str
    source: str
    task: str
    metric: str
    value: float | None
    why: str
    ours: str
    rerun: str = ""
    note: str = ""


REFERENCES: tuple[Reference, ...] = (
    Reference(
        lesson="05_imdb_sentiment",
        source="000",
        task="IMDB, BiLSTM(512); 3000 train / 500 test, num_words=1000",
        metric="test accuracy",
        value=0.784,
        why="different split and sizes: the source took the first 3000/500 reviews of Keras' copy, "
        "cut to their last 400 tokens, 3 epochs without validation",
        ours="bilstm_test_accuracy",
        rerun="source_setup_bilstm_test_accuracy",
    ),
    Reference(
        lesson="05_imdb_sentiment",
        source="000",
        task="IMDB, SimpleRNN(64); same data",
        metric="test accuracy",
        value=0.584,
        why="different split and sizes (see the BiLSTM row); a plain SimpleRNN over 400 steps barely learns",
        ours="simplernn_test_accuracy",
    ),
    Reference(
        lesson="07_tweet_emotions",
        source="000",
        task="tweet emotions, 2-layer BiGRU; 13 classes",
        metric="test accuracy",
        value=0.332,
        why="flawed output: the source used sigmoid with sparse cross-entropy over 13 classes (ours softmax) "
        "and a different split; on 13 imbalanced classes accuracy mostly tracks the majority class (see macro-F1)",
        ours="bigru_2_layers_test_accuracy",
    ),
    Reference(
        lesson="08_sentence_sentiment",
        source="004",
        task="UCI sentiment sentences, BiLSTM; 1/3 held out",
        metric="test accuracy",
        value=0.991,
        why="leak: the source's shuffle(10000) + take/skip reshuffles every epoch, so its 'test' sentences "
        "were trained on; ours is split once, grouped by text",
        ours="leak_free_test_accuracy",
        rerun="leaky_split_test_accuracy",
    ),
    Reference(
        lesson="09_pos_tagging",
        source="004",
        task="treebank POS tagging, BiGRU; padded to 271 steps",
        metric="accuracy (padding positions included)",
        value=0.979,
        why="flawed metric: the source's accuracy counts the padding positions (most of every 271-step row), "
        "which are trivially right; ours counts real tokens only",
        ours="masked_token_accuracy",
        rerun="source_way_plain_accuracy",
    ),
    Reference(
        lesson="09_pos_tagging",
        source="004",
        task="treebank POS tagging, BiGRU; padded to 271 steps",
        metric="'masked' accuracy",
        value=0.776,
        why="flawed metric: the source's mask comes from the prediction (pred != 0), not from the label, "
        "so it is not a masked accuracy",
        ours="masked_token_accuracy",
        rerun="source_way_pred_masked_accuracy",
    ),
    Reference(
        lesson="11_seq2seq_translation",
        source="004",
        task="seq2seq English->French; 30k pairs, 7,500 test",
        metric="BLEU",
        value=None,
        why="nothing to compare: the source printed BLEU for single sentences only; ours is corpus BLEU "
        "on a held-out set",
        ours="bleu_greedy",
        note="BLEU reported per sentence only",
    ),
)

@dataclass(frozen=True)
class Aim:
    """A target an issue set for the full profile, e.g. IMDB test accuracy of at least 0.85."""

    lesson: str
    what: str
    ours: str  # the key of the result, as in Reference.ours
    target: float


AIMS: tuple[Aim, ...] = (
    Aim("05_imdb_sentiment", "best IMDB test accuracy, full test set", "best_test_accuracy", 0.85),
    Aim("09_pos_tagging", "POS masked token accuracy on held-out sentences, trace tokens excluded",
        "masked_token_accuracy", 0.93),
)


def expected_keys() -> dict[str, set[str]]:
    """Lesson -> the result keys the report's source comparisons and aims look up."""
    out: dict[str, set[str]] = {}
    for ref in REFERENCES:
        out.setdefault(ref.lesson, set()).update(k for k in (ref.ours, ref.rerun) if k)
    for aim in AIMS:
        out.setdefault(aim.lesson, set()).add(aim.ours)
    return out


@dataclass
class AimCheck:
    """One aim and how this run did: "met", "missed", "not run" or "quick profile"."""

    aim: Aim
    ours: Result | None
    verdict: str


def check_aims(lessons: Sequence["LessonEntry"], profile: str, aims: Sequence[Aim] = AIMS) -> list[AimCheck]:
    """Compare each aim with the run's result (aims apply to the full profile on real data)."""
    by_name = {e.name: e for e in lessons}
    checks = []
    for aim in aims:
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

    lesson: str
    title: str
    path: str
    origin: str  # "saved" (plots.save_figure) or "notebook" (a plot_history output of the executed copy)


@dataclass
class Comparison:
    """A source lesson's number beside ours."""

    reference: Reference
    ours: Result | None
    rerun: Result | None
    lesson_status: str  # "ok", "failed" or "not run"
    why: str

    @property
    def difference(self) -> float | None:
        """ours - theirs, when both are numbers."""
        if self.reference.value is None or self.ours is None or not isinstance(self.ours.value, float):
            return None
        return self.ours.value - self.reference.value


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
    comparisons: list[Comparison] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        """The data sources the lesson's results came from (``none`` left out)."""
        return sorted({r.source for r in self.results if r.source != "none"})

    @property
    def data_used(self) -> str:
        """What data the lesson says it used (its ``data_used`` result), e.g. a PARTIAL dataset; else ''."""
        found = find_result(self.results, "data_used")
        return str(found.value) if found is not None else ""


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

    @property
    def total_seconds(self) -> float:
        return float(sum(e.seconds for e in self.lessons))

    @property
    def n_ok(self) -> int:
        return sum(e.status == "ok" for e in self.lessons)

    @property
    def peak_rss_mb(self) -> float | None:
        peaks = [e.peak_rss_mb for e in self.lessons if e.peak_rss_mb is not None]
        return max(peaks) if peaks else None

    @property
    def synthetic_lessons(self) -> list[str]:
        return [e.name for e in self.lessons if "synthetic" in e.sources]

    @property
    def claims(self) -> list[Claim]:
        return [c for e in self.lessons for c in e.claims]

    def claim_counts(self) -> dict[str, int]:
        """How many claims held, failed and were not judged."""
        return {v: sum(c.verdict == v for c in self.claims) for v in claims_mod.VERDICTS}


# ----------------------------------------------------------------------------- matching


def find_result(results: Iterable[Result], key: str) -> Result | None:
    """The result recorded under ``key`` (the last one, if a lesson recorded it twice), or None."""
    hits = [r for r in results if key and r.key == key]
    return hits[-1] if hits else None


def _dynamic_reasons(ours: Result | None) -> list[str]:
    if ours is None:
        return []
    out = []
    if ours.source == "synthetic":
        out.append("ours ran on a synthetic stand-in: the number means nothing")
    if ours.profile == "quick":
        out.append("ours is the quick profile (small subset, few epochs)")
    return out


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
        rerun = find_result(entry.results, ref.rerun) if ref.rerun else None
        reasons = [ref.why, *_dynamic_reasons(ours)]
        if ours is None:
            reasons.insert(0, "the lesson failed" if entry.status != "ok" else "no matching result recorded")
        out.append(Comparison(ref, ours, rerun, entry.status, "; ".join(reasons)))
    return out


# ----------------------------------------------------------------------------- collecting


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _error_output(executed: Path) -> str:
    """The traceback of the first error output in an executed notebook (ANSI colours removed)."""
    try:
        import nbformat

        nb = nbformat.read(executed, as_version=4)
    except Exception:
        return ""
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if out.get("output_type") == "error":
                lines = [_ANSI.sub("", line) for line in out.get("traceback", [])]
                text = "\n".join(lines).strip()
                tail = text.splitlines()[-25:]
                return "\n".join(tail)
    return ""


def _history_images(executed: Path, limit: int = 4) -> list[bytes]:
    """PNG outputs of the cells of an executed notebook that draw training curves (``plot_history``)."""
    try:
        import nbformat

        nb = nbformat.read(executed, as_version=4)
    except Exception:
        return []
    images = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code" or "plot_history(" not in cell.get("source", ""):
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {}) if isinstance(out, dict) else {}
            png = data.get("image/png")
            if png:
                try:
                    images.append(base64.b64decode(png if isinstance(png, str) else "".join(png)))
                except ValueError:
                    continue
    return images[:limit]


def _lesson_of(stem: str, names: Sequence[str]) -> str | None:
    """The lesson a saved figure belongs to: its name starts with the lesson's name or number."""
    for name in sorted(names, key=len, reverse=True):
        if stem == name or stem.startswith(name):
            return name
    for name in names:
        number = name.split("_", 1)[0]
        if re.match(rf"{re.escape(number)}(?:[_\-.]|$)", stem):
            return name
    return None


def _title(stem: str, lesson: str | None) -> str:
    if lesson and stem.startswith(lesson):
        stem = stem[len(lesson):]
    stem = stem.strip("_-. ")
    return stem.replace("_", " ") or "figure"


def _environment(profile: str) -> dict[str, str]:
    from importlib import metadata

    env = {"profile": profile, "python": platform.python_version(), "machine": platform.platform(terse=True)}
    for dist in ("tensorflow", "keras"):
        try:
            env[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            env[dist] = "not installed"
    env["cpus"] = str(os.cpu_count() or "?")
    for var in ("COURSE_OFFLINE", "COURSE_DATA_MIRROR"):
        if os.environ.get(var):
            env[var] = os.environ[var]
    return env


def collect(
    runs: Sequence[Any],
    build: Path,
    profile: str,
    references: Sequence[Reference] = REFERENCES,
) -> CourseReport:
    """Gather the report's data from the runner's ``runs`` and the ``build`` folder.

    ``runs`` are the runner's ``NotebookRun`` objects (anything with
    ``name``, ``status``, ``seconds`` and optionally ``peak_rss_mb``,
    ``error``, ``failing_cell``). Results are read from ``build/results``,
    saved figures from ``build/results/figures``, executed copies from
    ``build/executed``. Training curves found only in an executed copy are
    written to ``build/report_figures`` so the Markdown report can link them.
    """
    build = Path(build)
    results_dir = build / "results"
    results = load_dir(results_dir) if results_dir.is_dir() else []
    stated = claims_mod.load_dir(results_dir) if results_dir.is_dir() else {}
    names = [r.name for r in runs]
    lessons: list[LessonEntry] = []
    for run in runs:
        executed = build / "executed" / f"{run.name}.ipynb"
        entry = LessonEntry(
            name=run.name,
            status=run.status,
            seconds=float(run.seconds),
            peak_rss_mb=getattr(run, "peak_rss_mb", None),
            error=_ANSI.sub("", getattr(run, "error", "") or ""),
            failing_cell=getattr(run, "failing_cell", "") or "",
            executed=f"executed/{executed.name}" if executed.exists() else None,
            results=[r for r in results if r.lesson == run.name],
            claims=stated.get(run.name, []),
        )
        if entry.status != "ok" and executed.exists():
            entry.traceback = _error_output(executed)
        lessons.append(entry)

    by_name = {e.name: e for e in lessons}
    other_figures: list[Figure] = []
    fig_dir = results_dir / "figures"
    if fig_dir.is_dir():
        for png in sorted(fig_dir.glob("*.png")):
            if png.name.endswith(".tmp.png"):
                continue
            lesson = _lesson_of(png.stem, names)
            fig = Figure(lesson or "", _title(png.stem, lesson), png.relative_to(build).as_posix(), "saved")
            (by_name[lesson].figures if lesson else other_figures).append(fig)
    curves_dir = build / "report_figures"
    if curves_dir.is_dir():
        for old in curves_dir.glob("*.png"):
            old.unlink()
    for entry in lessons:
        if entry.figures or entry.executed is None:
            continue
        for i, png in enumerate(_history_images(build / entry.executed), start=1):
            curves_dir.mkdir(parents=True, exist_ok=True)
            path = curves_dir / f"{entry.name}_curves_{i}.png"
            path.write_bytes(png)
            entry.figures.append(Figure(entry.name, f"training curves {i}", path.relative_to(build).as_posix(), "notebook"))

    comparisons = compare(references, lessons)
    for comp in comparisons:
        if comp.reference.lesson in by_name:
            by_name[comp.reference.lesson].comparisons.append(comp)
    other_results = [r for r in results if r.lesson not in by_name]
    return CourseReport(
        profile=profile,
        generated=time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        environment=_environment(profile),
        lessons=lessons,
        comparisons=comparisons,
        other_results=other_results,
        other_figures=other_figures,
        aims=check_aims(lessons, profile),
    )


# ----------------------------------------------------------------------------- formatting helpers


def format_value(value: float | str | None) -> str:
    """A result value for a table: 4 significant digits for numbers, text as is."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _mb(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} MB"


def headline_results(entry: LessonEntry) -> list[Result]:
    """The lesson's results, most telling first: those compared with a source lesson, then test-split
    numbers, then the rest (each group in recording order)."""
    compared = [c.ours for c in entry.comparisons if c.ours is not None]

    def rank(r: Result) -> int:
        if r in compared:
            return 0
        return 1 if r.split == "test" and isinstance(r.value, float) else 2

    return sorted(entry.results, key=rank)


def _headline(entry: LessonEntry, limit: int = 4) -> str:
    shown = [f"{r.metric} = {format_value(r.value)}" if isinstance(r.value, float) else f"{r.metric}: {r.value}"
             for r in headline_results(entry)[:limit]]
    text = "; ".join(shown) or "-"
    if len(entry.results) > limit:
        text += f" (+{len(entry.results) - limit} more)"
    if entry.sources:
        text += f" (data: {', '.join(entry.sources)}" + (f"; {entry.data_used}" if entry.data_used else "") + ")"
    return text


def _claim_numbers(c: Claim) -> str:
    return ", ".join(f"{k} = {format_value(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else v}"
                     for k, v in c.numbers.items())


def _claims_intro(report: "CourseReport") -> str:
    counts = report.claim_counts()
    return (f"Each lesson states its conclusions as claims, checked against the numbers of this run and judged only "
            f"in the full profile on real data: {counts['held']} held, {counts['failed']} failed, "
            f"{counts['not judged']} not judged.")


def _reference_cell(entry: LessonEntry) -> str:
    parts = []
    for comp in entry.comparisons:
        ref = comp.reference
        theirs = format_value(ref.value) if ref.value is not None else (ref.note or "-")
        ours = format_value(comp.ours.value) if comp.ours is not None else "-"
        parts.append(f"{ref.source} {ref.metric}: {theirs} (ours {ours})")
    return "; ".join(parts) or "-"


def _md_cell(text: Any) -> str:
    """Text safe inside a Markdown table cell (no pipes or line breaks)."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def _fence(text: str) -> str:
    """A code fence longer than any backtick run in ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


# ----------------------------------------------------------------------------- Markdown


def render_markdown(report: CourseReport) -> str:
    """The report as Markdown; figures are linked by paths relative to the build folder."""
    n = len(report.lessons)
    lines = [
        f"# Course run ({report.profile} profile)",
        "",
        f"{report.n_ok} of {n} notebooks ran; total {report.total_seconds:.0f} s"
        + (f"; largest peak memory {_mb(report.peak_rss_mb)}" if report.peak_rss_mb is not None else "")
        + f". Generated {report.generated}.",
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
    if report.synthetic_lessons:
        lines += [
            f"**Synthetic data** (no mirror or network): {', '.join(report.synthetic_lessons)}. "
            "Their numbers mean nothing.",
            "",
        ]
    lines += [
        "| lesson | status | seconds | peak memory | results | source lesson's number |",
        "|---|---|---:|---:|---|---|",
    ]
    for e in report.lessons:
        lines.append(
            f"| {e.name} | {e.status} | {e.seconds:.1f} | {_mb(e.peak_rss_mb)} | "
            f"{_md_cell(_headline(e))} | {_md_cell(_reference_cell(e))} |"
        )

    if report.aims:
        lines += ["", "## Aims (full profile, real data)", "", "| lesson | aim | target | ours | verdict |",
                  "|---|---|---:|---:|---|"]
        for a in report.aims:
            ours = format_value(a.ours.value) if a.ours is not None else "-"
            lines.append(f"| {a.aim.lesson} | {_md_cell(a.aim.what)} | >= {a.aim.target} | {ours} | {a.verdict} |")
    if report.claims:
        lines += ["", "## Claims", "", _claims_intro(report), "",
                  "| lesson | claim | verdict | numbers |", "|---|---|---|---|"]
        for c in report.claims:
            verdict = c.verdict if c.verdict != "failed" else "**failed**"
            lines.append(f"| {c.lesson} | {_md_cell(c.text)} | {verdict} | {_md_cell(_claim_numbers(c))} |")
    lines += [
        "",
        "## Beside the source lessons",
        "",
        "The numbers the source lessons printed, and ours for the same task. "
        "'Their way, applied here': our model scored with the source's own (flawed) split or metric, "
        "where the lesson demonstrates it.",
        "",
        "| lesson | source | task | metric | theirs | ours | their way, applied here | why they differ |",
        "|---|---|---|---|---:|---:|---:|---|",
    ]
    for c in report.comparisons:
        ref = c.reference
        theirs = format_value(ref.value) if ref.value is not None else (ref.note or "-")
        ours = format_value(c.ours.value) if c.ours is not None else ("not run" if c.lesson_status == "not run" else "-")
        if c.ours is not None:
            ours += f" ({c.ours.split}, {c.ours.source})"
        rerun = format_value(c.rerun.value) if c.rerun is not None else "-"
        lines.append(
            f"| {ref.lesson} | {ref.source} | {_md_cell(ref.task)} | {_md_cell(ref.metric)} | {theirs} | "
            f"{_md_cell(ours)} | {rerun} | {_md_cell(c.why)} |"
        )

    failed = [e for e in report.lessons if e.status != "ok"]
    if failed:
        lines += ["", "## Failures", ""]
        for e in failed:
            lines += [f"### {e.name}", "", f"Error: `{e.error.replace('`', chr(39))}`", ""]
            if e.failing_cell:
                fence = _fence(e.failing_cell)
                lines += ["Failing cell:", "", f"{fence}python", e.failing_cell, fence, ""]
            if e.traceback:
                fence = _fence(e.traceback)
                lines += ["Traceback (last lines):", "", fence, e.traceback, fence, ""]

    lines += ["", "## Lessons", ""]
    for e in report.lessons:
        lines += [f"### {e.name}", ""]
        facts = f"Status **{e.status}**, {e.seconds:.1f} s, peak memory {_mb(e.peak_rss_mb)}."
        if e.executed:
            facts += f" Executed copy: [{e.executed}]({e.executed})."
        lines += [facts, ""]
        if e.results:
            lines += ["| metric | value | split | data | seconds | note |", "|---|---:|---|---|---:|---|"]
            for r in e.results:
                secs = "-" if r.seconds is None else f"{r.seconds:.1f}"
                lines.append(
                    f"| {_md_cell(r.metric)} | {_md_cell(format_value(r.value))} | {_md_cell(r.split)} | "
                    f"{r.source} | {secs} | {_md_cell(r.note)} |"
                )
            lines.append("")
        else:
            lines += ["No results recorded.", ""]
        for c in e.comparisons:
            ref = c.reference
            theirs = format_value(ref.value) if ref.value is not None else (ref.note or "-")
            ours = format_value(c.ours.value) if c.ours is not None else "-"
            lines.append(f"- Source {ref.source}, {ref.task}: {ref.metric} {theirs}; ours {ours}. Why: {c.why}.")
        if e.comparisons:
            lines.append("")
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
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.3em .6em;vertical-align:top;text-align:left}
th{background:#f3f3f3} td.num{text-align:right;white-space:nowrap}
.ok{color:#176b2c;font-weight:bold} .failed{color:#b00020;font-weight:bold} .notrun{color:#777}
pre{background:#f7f7f7;border:1px solid #ddd;padding:.6em;overflow-x:auto;font-size:.85em}
.warn{background:#fff4e5;border-left:4px solid #f0a000;padding:.5em 1em}
img{max-width:100%;border:1px solid #eee;margin:.5em 0}
figure{margin:0 0 1em 0} figcaption{color:#555;font-size:.85em}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _img_tag(build: Path, fig: Figure, embed: bool) -> str:
    path = build / fig.path
    if embed and path.is_file():
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        src = f"data:image/png;base64,{data}"
    else:
        src = _e(fig.path)
    caption = f"{fig.lesson}: {fig.title}" if fig.lesson else fig.title
    return f'<figure><img src="{src}" alt="{_e(caption)}"><figcaption>{_e(caption)}</figcaption></figure>'


def _status_class(status: str) -> str:
    return {"ok": "ok", "failed": "failed"}.get(status, "notrun")


def render_html(report: CourseReport, build: Path, embed_figures: bool = True) -> str:
    """The report as one self-contained HTML page (figures embedded as base64 PNG by default)."""
    build = Path(build)
    n = len(report.lessons)
    h: list[str] = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Course run ({_e(report.profile)} profile)</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>Course run ({_e(report.profile)} profile)</h1>",
        f"<p>{report.n_ok} of {n} notebooks ran; total {report.total_seconds:.0f} s"
        + (f"; largest peak memory {_e(_mb(report.peak_rss_mb))}" if report.peak_rss_mb is not None else "")
        + f". Generated {_e(report.generated)}.</p>",
        "<p>Environment: " + _e(", ".join(f"{k} {v}" for k, v in report.environment.items())) + ".</p>",
    ]
    if report.profile == "quick":
        h.append(
            '<p class="warn">The quick profile trains on small subsets for a few epochs: its numbers check '
            "that the lessons work, they are not the lessons' results (run <code>make run PROFILE=full</code>).</p>"
        )
    if report.synthetic_lessons:
        h.append(
            f'<p class="warn"><b>Synthetic data</b> (no mirror or network): {_e(", ".join(report.synthetic_lessons))}. '
            "Their numbers mean nothing.</p>"
        )
    h += [
        "<table><tr><th>lesson</th><th>status</th><th>seconds</th><th>peak memory</th><th>results</th>"
        "<th>source lesson's number</th></tr>"
    ]
    for e in report.lessons:
        h.append(
            f'<tr><td><a href="#{_e(e.name)}">{_e(e.name)}</a></td>'
            f'<td class="{_status_class(e.status)}">{_e(e.status)}</td>'
            f'<td class="num">{e.seconds:.1f}</td><td class="num">{_e(_mb(e.peak_rss_mb))}</td>'
            f"<td>{_e(_headline(e))}</td><td>{_e(_reference_cell(e))}</td></tr>"
        )
    h.append("</table>")

    if report.aims:
        h += ["<h2>Aims (full profile, real data)</h2>",
              "<table><tr><th>lesson</th><th>aim</th><th>target</th><th>ours</th><th>verdict</th></tr>"]
        for a in report.aims:
            ours = format_value(a.ours.value) if a.ours is not None else "-"
            cls = {"met": "ok", "MISSED": "failed"}.get(a.verdict, "notrun")
            h.append(f"<tr><td>{_e(a.aim.lesson)}</td><td>{_e(a.aim.what)}</td><td class=\"num\">&ge; {a.aim.target}</td>"
                     f'<td class="num">{_e(ours)}</td><td class="{cls}">{_e(a.verdict)}</td></tr>')
        h.append("</table>")
    if report.claims:
        h += ["<h2>Claims</h2>", f"<p>{_e(_claims_intro(report))}</p>",
              "<table><tr><th>lesson</th><th>claim</th><th>verdict</th><th>numbers</th></tr>"]
        for c in report.claims:
            cls = {"held": "ok", "failed": "failed"}.get(c.verdict, "notrun")
            h.append(f"<tr><td>{_e(c.lesson)}</td><td>{_e(c.text)}</td><td class=\"{cls}\">{_e(c.verdict)}</td>"
                     f"<td>{_e(_claim_numbers(c))}</td></tr>")
        h.append("</table>")
    h += [
        "<h2>Beside the source lessons</h2>",
        "<p>The numbers the source lessons printed, and ours for the same task. "
        "<i>Their way, applied here</i>: our model scored with the source's own (flawed) split or metric, "
        "where the lesson demonstrates it.</p>",
        "<table><tr><th>lesson</th><th>source</th><th>task</th><th>metric</th><th>theirs</th><th>ours</th>"
        "<th>their way, applied here</th><th>why they differ</th></tr>",
    ]
    for c in report.comparisons:
        ref = c.reference
        theirs = format_value(ref.value) if ref.value is not None else (ref.note or "-")
        if c.ours is not None:
            ours = f"{format_value(c.ours.value)} ({c.ours.split}, {c.ours.source})"
        else:
            ours = "not run" if c.lesson_status == "not run" else "-"
        rerun = format_value(c.rerun.value) if c.rerun is not None else "-"
        h.append(
            f"<tr><td>{_e(ref.lesson)}</td><td>{_e(ref.source)}</td><td>{_e(ref.task)}</td><td>{_e(ref.metric)}</td>"
            f'<td class="num">{_e(theirs)}</td><td class="num">{_e(ours)}</td><td class="num">{_e(rerun)}</td>'
            f"<td>{_e(c.why)}</td></tr>"
        )
    h.append("</table>")

    failed = [e for e in report.lessons if e.status != "ok"]
    if failed:
        h.append("<h2>Failures</h2>")
        for e in failed:
            h.append(f'<h3>{_e(e.name)}</h3><p class="failed">Error: {_e(e.error)}</p>')
            if e.failing_cell:
                h.append(f"<p>Failing cell:</p><pre>{_e(e.failing_cell)}</pre>")
            if e.traceback:
                h.append(f"<p>Traceback (last lines):</p><pre>{_e(e.traceback)}</pre>")

    h.append("<h2>Lessons</h2>")
    for e in report.lessons:
        h.append(f'<h3 id="{_e(e.name)}">{_e(e.name)}</h3>')
        facts = (
            f'<p>Status <span class="{_status_class(e.status)}">{_e(e.status)}</span>, {e.seconds:.1f} s, '
            f"peak memory {_e(_mb(e.peak_rss_mb))}."
        )
        if e.executed:
            facts += f' Executed copy: <a href="{_e(e.executed)}">{_e(e.executed)}</a>.'
        h.append(facts + "</p>")
        if e.results:
            h.append("<table><tr><th>metric</th><th>value</th><th>split</th><th>data</th><th>seconds</th><th>note</th></tr>")
            for r in e.results:
                secs = "-" if r.seconds is None else f"{r.seconds:.1f}"
                h.append(
                    f'<tr><td>{_e(r.metric)}</td><td class="num">{_e(format_value(r.value))}</td><td>{_e(r.split)}</td>'
                    f'<td>{_e(r.source)}</td><td class="num">{secs}</td><td>{_e(r.note)}</td></tr>'
                )
            h.append("</table>")
        else:
            h.append("<p>No results recorded.</p>")
        if e.comparisons:
            h.append("<ul>")
            for c in e.comparisons:
                ref = c.reference
                theirs = format_value(ref.value) if ref.value is not None else (ref.note or "-")
                ours = format_value(c.ours.value) if c.ours is not None else "-"
                h.append(
                    f"<li>Source {_e(ref.source)}, {_e(ref.task)}: {_e(ref.metric)} {_e(theirs)}; ours {_e(ours)}. "
                    f"Why: {_e(c.why)}.</li>"
                )
            h.append("</ul>")
        for fig in e.figures:
            h.append(_img_tag(build, fig, embed_figures))
    if report.other_results or report.other_figures:
        h.append("<h2>Other results</h2><ul>")
        for r in report.other_results:
            h.append(f"<li>{_e(r.lesson)}: {_e(r.metric)} = {_e(format_value(r.value))} ({_e(r.split)}, {_e(r.source)})</li>")
        h.append("</ul>")
        for fig in report.other_figures:
            h.append(_img_tag(build, fig, embed_figures))
    h.append("</body></html>")
    return "\n".join(h) + "\n"


# ----------------------------------------------------------------------------- JSON and writing


def to_json(report: CourseReport) -> dict[str, Any]:
    """The report as plain JSON-able data (what ``report.json`` holds)."""

    def result(r: Result | None) -> dict[str, Any] | None:
        return None if r is None else asdict(r)

    return {
        "format": "rnn-course-report/1",
        "profile": report.profile,
        "generated": report.generated,
        "environment": report.environment,
        "total_seconds": report.total_seconds,
        "notebooks": [
            {
                "name": e.name,
                "status": e.status,
                "seconds": e.seconds,
                "peak_rss_mb": e.peak_rss_mb,
                "error": e.error,
                "failing_cell": e.failing_cell,
                "executed": e.executed,
                "results": [asdict(r) for r in e.results],
                "claims": [asdict(c) for c in e.claims],
                "figures": [asdict(f) for f in e.figures],
            }
            for e in report.lessons
        ],
        "comparisons": [
            {
                "lesson": c.reference.lesson,
                "source": c.reference.source,
                "task": c.reference.task,
                "metric": c.reference.metric,
                "theirs": c.reference.value,
                "ours": result(c.ours),
                "rerun": result(c.rerun),
                "lesson_status": c.lesson_status,
                "why": c.why,
            }
            for c in report.comparisons
        ],
        "aims": [
            {"lesson": a.aim.lesson, "what": a.aim.what, "target": a.aim.target, "ours": result(a.ours),
             "verdict": a.verdict}
            for a in report.aims
        ],
    }


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_report(runs: Sequence[Any], build: Path, profile: str) -> Path:
    """Write ``build/report.md``, ``build/report.html`` and ``build/report.json``; return the .md path."""
    build = Path(build)
    build.mkdir(parents=True, exist_ok=True)
    report = collect(runs, build, profile)
    _write_atomic(build / "report.md", render_markdown(report))
    _write_atomic(build / "report.html", render_html(report, build))
    _write_atomic(build / "report.json", json.dumps(to_json(report), indent=1))
    return build / "report.md"


# ----------------------------------------------------------------------------- docs/results.md


def _machine() -> dict[str, str]:
    """What ran the course: CPU, cores, memory, OS, and the versions that matter."""
    from importlib import metadata

    info = {"os": platform.platform(terse=True), "python": platform.python_version()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        info["cpu"] = platform.processor() or "unknown"
    info["cores"] = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    try:
        import psutil

        info["memory"] = f"{psutil.virtual_memory().total / 2**30:.0f} GiB"
    except Exception:
        pass
    for dist in ("tensorflow", "keras", "tensorflow-datasets", "tensorflow-hub", "spacy", "numpy", "scikit-learn"):
        try:
            info[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            info[dist] = "not installed"
    return info


def _grouped(stamps: Sequence[Any], attr: str) -> str:
    """'value (lesson numbers); value (...)' for one attribute of the run stamps."""
    values = sorted({getattr(s, attr) or "unknown" for s in stamps})
    return "; ".join(
        f"{v} ({', '.join(sorted(s.run.name[:2] for s in stamps if (getattr(s, attr) or 'unknown') == v))})"
        for v in values
    )


def write_results_doc(build: Path, out: Path, root: Path | None = None, note: str = "",
                      record: Path | None = None) -> Path:
    """Write the reproduction record (``docs/results.md``) from a runner build folder.

    The build folder must hold run records (``python -m course_utils.runner
    --keep --build DIR``); the document states the dates, the machine, the
    versions and the commits, then the report without figures (they stay in
    the build folder) or links into it, and a table of each lesson's claims
    fingerprint. ``note`` (Markdown) is added under the header: how the run
    went, anything that affects the numbers. With ``record``, the build's
    run records, results and claims are also stored there (``docs/record``),
    so a later checkout can rerun some lessons and keep the rest.
    """
    from .record import store

    build, out = Path(build), Path(out)
    stamps = load_stamps(build)
    if not stamps:
        raise FileNotFoundError(f"no run records in {build / 'runs'}: run the course with --build {build} first")
    profiles = {s.profile for s in stamps}
    if len(profiles) != 1:
        raise ValueError(f"{build} mixes profiles {sorted(map(str, profiles))}")
    profile = profiles.pop()
    rep = collect([s.run for s in stamps], build, profile)
    body = render_markdown(rep)
    body = "\n".join(
        re.sub(r" Executed copy: \[[^]]*\]\([^)]*\)\.", "", line)
        for line in body.splitlines()
        if not line.startswith("![")
    )
    body = body.replace("# Course run", "## Course run", 1)
    machine = _machine()
    header = [
        f"# Results of a {profile}-profile run",
        "",
        "Produced by `make results` (the runner with `--profile full --keep`, then",
        "`python -m course_utils.report results-doc`). Each lesson ran in a fresh kernel;",
        "the numbers below are what the notebooks recorded. The raw records are in",
        "[record/](record/) (one folder per kind: runs, results, claims).",
        "",
        f"- dates: {_grouped(stamps, 'date')} (lessons in brackets; report written {rep.generated})",
        f"- commits: {_grouped(stamps, 'commit')} (the documentation's commit: {git_commit(root or ROOT)})",
        "- machine: " + ", ".join(f"{k} {machine[k]}" for k in ("cpu", "cores", "memory", "os") if k in machine),
        "- versions: " + ", ".join(f"{k} {v}" for k, v in machine.items() if k not in ("cpu", "cores", "memory", "os")),
        f"- lessons: {len(stamps)} run, {sum(s.run.status == 'ok' for s in stamps)} ok",
        "",
    ]
    if note.strip():
        header += [note.strip(), ""]
    prints = ["", "## Claims fingerprints", "",
              "Each lesson's claims as they stood when it ran (`course_utils.claims.fingerprint`): a test fails "
              "when a notebook's claims change after its run, until the lesson is run again.", "",
              "| lesson | claims | fingerprint |", "|---|---:|---|"]
    for s in stamps:
        n = sum(1 for e in rep.lessons if e.name == s.run.name for _ in e.claims)
        prints.append(f"| {s.run.name} | {n} | `{s.run.claims_fingerprint or '-'}` |")
    out.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(out, "\n".join(header) + "\n" + body.rstrip() + "\n" + "\n".join(prints) + "\n")
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
    doc.add_argument("--note", default="", help="Markdown paragraph under the header (how the run went)")
    doc.add_argument("--note-file", type=Path, help="the same, read from a Markdown file")
    doc.add_argument("--record", type=Path, help="also store the raw records there (docs/record)")
    args = parser.parse_args(argv)
    note = args.note_file.read_text(encoding="utf-8") if args.note_file else args.note
    try:
        path = write_results_doc(args.build, args.out, note=note, record=args.record)
    except (FileNotFoundError, ValueError) as exc:
        parser.error(str(exc))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
