"""The course report: what ran, how long it took, what it achieved and claimed, beside the source lessons.

:func:`write_report` (called by the course runner after every notebook has
run) collects, for each lesson (:mod:`.collect`):

- the runner's outcome: status, wall time, peak memory, and for a failed
  notebook the failing cell and its error;
- the headline results the notebook recorded with ``course_utils.results.record``
  and the claims it stated with ``course_utils.claims.claim``;
- the figures it saved with ``course_utils.plots.save_figure``, or, when it
  saved none, the training curves drawn by ``plot_history`` in the executed copy;
- the number the *source* lesson printed for the same task and the aims of
  the course (:mod:`.references`), found by stable result keys, with a
  one-line reason where ours differs;

and writes ``<build>/report.md``, ``<build>/report.html`` (rendered from the
Markdown, figures embedded) and ``<build>/report.json`` (:mod:`.render`).
:mod:`.results_doc` writes ``docs/results.md`` from a full-profile build.
Imports run one way: references <- collect <- render <- results_doc.
"""

from .collect import CourseReport, collect, find_result
from .references import AIMS, REFERENCES, expected_keys
from .render import format_value, markdown_table, render_html, render_markdown, to_json, write_report
from .results_doc import main, write_results_doc

__all__ = [
    "AIMS", "REFERENCES", "CourseReport", "collect", "expected_keys", "find_result", "format_value", "main",
    "markdown_table", "render_html", "render_markdown", "to_json", "write_report", "write_results_doc",
]
