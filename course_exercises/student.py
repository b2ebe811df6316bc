"""Exercise cells in the notebooks (:func:`exercise_cells`), and the student edition without the solutions.

A solution cell is tagged ``solution``, collapsed, and ends with ``assert exercises.check_NN_k(...)``, so
running a notebook top to bottom checks the checks; :func:`write_student_edition` drops those cells.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import nbformat

from course_utils.files import swap_in

SOLUTION_TAG = "solution"
CHECK_CALL = re.compile(r"\bexercises\.(check_(\d\d)_(\d+))\(")
ROOT = Path(__file__).resolve().parents[1]


def is_solution(cell: Any) -> bool:
    """True for a solution cell (tagged ``solution``)."""
    return SOLUTION_TAG in cell.get("metadata", {}).get("tags", [])


def exercise_cells(number: str, title: str, task: str, stub: str, solution: str) -> list[Any]:
    """The three cells of exercise ``number``: the task (Markdown, ``### Exercise NN.k · title``), the stub that
    calls ``exercises.check_NN_k``, and the hidden solution that asserts it."""
    name = "check_" + number.replace(".", "_")
    if f"exercises.{name}(" not in stub:
        raise ValueError(f"the stub of exercise {number} must call exercises.{name}(...)")
    if f"assert exercises.{name}(" not in solution:
        raise ValueError(f"the solution of exercise {number} must `assert exercises.{name}(...)`")
    task_cell = nbformat.v4.new_markdown_cell(f"### Exercise {number} · {title}\n\n{task.strip()}")
    stub_cell = nbformat.v4.new_code_cell(stub.strip())
    solution_cell = nbformat.v4.new_code_cell(
        "# Solution (hidden: click the ... to show it). Try the exercise first!\n" + solution.strip()
    )
    solution_cell.metadata["tags"] = [SOLUTION_TAG]
    solution_cell.metadata["jupyter"] = {"source_hidden": True}
    return [task_cell, stub_cell, solution_cell]


def write_student_edition(notebooks: Path = ROOT / "notebooks", out: Path = ROOT / "build" / "student") -> list[Path]:
    """Write the lesson notebooks without solutions, outputs or execution counts to ``out/notebooks`` (and the
    images to ``out/images``), swapped in whole at the end; return the notebooks."""
    books = sorted(Path(notebooks).glob("[0-9][0-9]_*.ipynb"))
    if not books:
        raise FileNotFoundError(f"no lesson notebooks (NN_*.ipynb) in {notebooks}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".student-", dir=out.parent))
    try:
        (staging / "notebooks").mkdir()
        for book in books:
            nb = nbformat.read(book, as_version=4)
            nb.cells = [c for c in nb.cells if not is_solution(c)]
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
            nbformat.write(nb, staging / "notebooks" / book.name)
        if (Path(notebooks) / "README.md").exists():
            shutil.copy2(Path(notebooks) / "README.md", staging / "notebooks" / "README.md")
        if (ROOT / "images").is_dir():
            shutil.copytree(ROOT / "images", staging / "images", ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        (staging / "README.md").write_text(
            "# rnn-course: student edition\n\n"
            "The lesson notebooks with every exercise's solution removed. Fill in the stubs and run the\n"
            "check cells: each prints what passed, what failed and a hint. Open them with\n"
            "`jupyter lab notebooks` in the course environment.\n",
            encoding="utf-8",
        )
        swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted((out / "notebooks").glob("*.ipynb"))
