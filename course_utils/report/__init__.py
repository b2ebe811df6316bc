"""The course report: what ran, how long it took, what it achieved and claimed, beside the source lessons.

:func:`write_report` (called by the course runner after every notebook) gathers each lesson's
outcome, results, claims and figures (:mod:`.collect`), sets them beside the numbers the source
lessons printed and the course's aims (:mod:`.references`), and writes ``<build>/report.md``,
``report.html`` (rendered from the Markdown, figures embedded) and ``report.json`` (:mod:`.render`).
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
