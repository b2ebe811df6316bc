"""Exercise checks: right answers pass, wrong ones fail, nothing ever raises; notebooks and student edition."""

import importlib.util
from pathlib import Path

import nbformat
import numpy as np
import pytest

import course_exercises as exercises
from course_exercises import REGISTRY, numbers
from course_exercises.student import CHECK_CALL, exercise_cells, is_solution, write_student_edition

ROOT = Path(__file__).resolve().parent.parent
LESSONS = sorted(int(p.name[:2]) for p in ROOT.glob("notebooks/[0-9][0-9]_*.ipynb") if p.name[:2] != "00")


def _load_cases() -> dict:
    cases = {}
    for path in sorted((Path(__file__).parent / "exercise_cases").glob("lesson*.py")):
        spec = importlib.util.spec_from_file_location(f"exercise_cases_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for number, case in module.CASES.items():
            assert number not in cases, f"two answer sets for exercise {number}"
            cases[number] = case
    return cases


CASES = _load_cases()


def _notebook(lesson: int) -> Path:
    (path,) = ROOT.glob(f"notebooks/{lesson:02d}_*.ipynb")
    return path


def test_every_exercise_has_answers_to_test():
    missing = [n for n in numbers() if n not in CASES]
    assert not missing, f"no right/wrong answers in tests/exercise_cases for {missing}"
    unknown = [n for n in CASES if n not in REGISTRY]
    assert not unknown, f"answers for exercises that do not exist: {unknown}"
    for number, (_, wrong) in CASES.items():
        assert len(wrong) >= 1, f"exercise {number} needs at least one plausible wrong answer"


@pytest.mark.parametrize("number", sorted(CASES))
def test_right_answer_passes(number, capsys):
    right, _ = CASES[number]
    verdict = REGISTRY[number](right)
    out = capsys.readouterr().out
    assert verdict, out
    assert verdict.passed and verdict.failure is None
    assert f"Exercise {number}" in out and "PASSED" in out


@pytest.mark.parametrize("number", sorted(CASES))
def test_wrong_answers_fail_with_a_hint(number, capsys):
    _, wrong = CASES[number]
    for i, answer in enumerate(wrong):
        verdict = REGISTRY[number](answer)
        out = capsys.readouterr().out
        assert not verdict, f"wrong answer {i} of exercise {number} passed:\n{out}"
        assert "NOT YET" in out and verdict.failure and verdict.failure in out
        assert "Traceback" not in out


def _stub(*args, **kwargs):
    raise NotImplementedError


def _crash(*args, **kwargs):
    return 1 / 0


@pytest.mark.parametrize("number", numbers())
def test_checks_never_raise_and_are_deterministic(number, capsys):
    check = REGISTRY[number]
    for answer in (None, ..., _stub, _crash, "not an answer", object()):
        verdict = check(answer)          # must not raise
        assert not verdict, f"{number} accepted {answer!r}"
        assert verdict.failure
    capsys.readouterr()
    check(_stub)
    stub_out = capsys.readouterr().out
    assert "stub" in stub_out and "NotImplementedError" in stub_out
    _, wrong = CASES.get(number, (None, [_crash]))
    check(wrong[0])
    first = capsys.readouterr().out
    check(wrong[0])
    assert capsys.readouterr().out == first, "the same answer must get the same verdict"


def test_verdict_and_registration_rules():
    assert exercises.check_01_1.exercise == "01.1"
    with pytest.raises(ValueError, match="01.2"):
        exercises.exercise("1.2", "bad number")
    with pytest.raises(ValueError, match="must be called check_99_1"):
        exercises.exercise("99.1", "misnamed")(lambda ck, a: None)
    with pytest.raises(ValueError, match="registered twice"):
        @exercises.exercise("01.1", "again")
        def check_01_1(ck, answer):
            pass



def test_pair_and_shape_of_helpers():
    from course_exercises.core import Check, _Failed

    ck = Check(seed=0)
    assert ck.pair((1, 2), "f", ("context", "weights")) == (1, 2)
    with pytest.raises(_Failed) as failed:
        ck.pair(np.zeros(3), "f", ("context", "weights"))
    assert "(context, weights)" in failed.value.message and "return context, weights" in failed.value.hint
    assert Check.shape_of(np.zeros((2, 3))) == (2, 3) and Check.shape_of("text") is None

@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_has_checked_exercises_with_hidden_solutions(lesson):
    nb = nbformat.read(_notebook(lesson), as_version=4)
    cells = nb.cells
    in_stubs, in_solutions = [], []
    for i, cell in enumerate(cells):
        calls = [m.group(1) for m in CHECK_CALL.finditer(cell.source)] if cell.cell_type == "code" else []
        if not calls:
            assert not is_solution(cell), f"solution cell {i} calls no check"
            continue
        assert all(m.group(2) == f"{lesson:02d}" for m in CHECK_CALL.finditer(cell.source)), \
            f"cell {i} of lesson {lesson} calls another lesson's check"
        if is_solution(cell):
            assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, f"solution cell {i} is not collapsed"
            for name in calls:
                assert f"assert exercises.{name}(" in cell.source, f"solution cell {i} must assert {name}"
            in_solutions += calls
        else:
            assert i + 1 < len(cells) and is_solution(cells[i + 1]), f"the check in cell {i} has no solution after it"
            assert set(calls) <= {m.group(1) for m in CHECK_CALL.finditer(cells[i + 1].source)}
            assert cells[i - 1].cell_type == "markdown" and "### Exercise" in cells[i - 1].source, \
                f"the exercise in cell {i} has no task cell before it"
            in_stubs += calls
    registered = ["check_" + n.replace(".", "_") for n in numbers(lesson)]
    assert len(registered) >= 2, f"lesson {lesson:02d} has {len(registered)} checked exercises; at least 2 expected"
    assert sorted(set(in_stubs)) == sorted(registered), "every registered exercise appears once in its notebook"
    assert sorted(set(in_solutions)) == sorted(registered)


def test_exercise_cells_shape_and_validation():
    task, stub, solution = exercise_cells("01.1", "t", "do it", "exercises.check_01_1(f);",
                                          "def f(): pass\nassert exercises.check_01_1(f)")
    assert task.cell_type == "markdown" and task.source.startswith("### Exercise 01.1")
    assert is_solution(solution) and solution.metadata["jupyter"]["source_hidden"] is True
    assert not is_solution(stub)
    with pytest.raises(ValueError, match="must call"):
        exercise_cells("01.1", "t", "x", "f()", "assert exercises.check_01_1(f)")
    with pytest.raises(ValueError, match="assert"):
        exercise_cells("01.1", "t", "x", "exercises.check_01_1(f)", "exercises.check_01_1(f)")


def test_student_edition_has_no_solutions(tmp_path):
    out = tmp_path / "student"
    (out / "notebooks").mkdir(parents=True)
    (out / "notebooks" / "stale.ipynb").write_text("{}")      # an old edition is replaced, not merged
    written = write_student_edition(ROOT / "notebooks", out)
    originals = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [p.name for p in written] == [p.name for p in originals]
    assert (out / "images").is_dir() and any((out / "images").glob("*.png"))
    assert not list(tmp_path.glob(".student-*")), "no staging folder left behind"
    for original, student in zip(originals, written):
        src = nbformat.read(original, as_version=4)
        stu = nbformat.read(student, as_version=4)
        nbformat.validate(stu)
        solutions = [c.source for c in src.cells if is_solution(c)]
        assert not any(is_solution(c) for c in stu.cells)
        assert len(stu.cells) == len(src.cells) - len(solutions)
        text = "\n".join(c.source for c in stu.cells)
        for sol in solutions:   # no solution survives, whole or as its code body
            body = "\n".join(sol.splitlines()[1:]).strip()
            assert sol not in text and body not in text, f"{student.name}: a solution was left in"
        stub_calls = [m.group(1) for c in src.cells if not is_solution(c) for m in CHECK_CALL.finditer(c.source)]
        assert [m.group(1) for c in stu.cells for m in CHECK_CALL.finditer(c.source)] == stub_calls
        assert all(not c.get("outputs") for c in stu.cells if c.cell_type == "code")


def _names(source: str) -> tuple[set, set]:
    """(names a cell defines, names it reads), IPython magics ignored."""
    import ast

    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    tree = ast.parse(code)
    defined, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (defined if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((a.asname or a.name).split(".")[0] for a in node.names)
    return defined, read


@pytest.mark.parametrize("lesson", LESSONS)
def test_student_edition_needs_nothing_from_the_solutions(lesson):
    # A name only a solution cell defines must not be read by any later cell the student keeps.
    nb = nbformat.read(_notebook(lesson), as_version=4)
    kept_defined, only_in_solutions = set(), {}
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        defined, read = _names(cell.source)
        if is_solution(cell):
            for name in defined - kept_defined:
                only_in_solutions.setdefault(name, i)
            continue
        # names defined in this kept cell before use are fine (stubs redefine what the solution defines)
        missing = {n for n in read if n in only_in_solutions and n not in defined}
        assert not missing, f"lesson {lesson:02d}: a kept cell reads {sorted(missing)}, defined only in a solution"
        kept_defined |= defined
        for name in defined:
            only_in_solutions.pop(name, None)
