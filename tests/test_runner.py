"""The course runner executes notebooks in order, reports each, and fails loudly."""

import nbformat
import pytest

from course_utils import runner


def _write(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture()
def lessons(tmp_path, monkeypatch):
    # the runner sets these for its kernels; monkeypatch restores them afterwards
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path / "unused"))
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _write(folder / "00_ok.ipynb", [
        "import course_utils as cu, os",
        "assert os.environ['COURSE_PROFILE'] == 'quick'",
        "cu.results.record('00_ok', 'answer', 42, split='check')",
    ])
    _write(folder / "01_broken.ipynb", ["x = 1", "raise RuntimeError('lesson is broken')"])
    _write(folder / "02_after.ipynb", ["print('still runs')"])
    (folder / "notes.ipynb").write_text("not a lesson")
    return folder


def test_find_notebooks_order_and_filter(lessons):
    names = [p.stem for p in runner.find_notebooks(lessons)]
    assert names == ["00_ok", "01_broken", "02_after"]
    assert [p.stem for p in runner.find_notebooks(lessons, ["02"])] == ["02_after"]
    with pytest.raises(ValueError, match="available: 00_ok"):
        runner.find_notebooks(lessons, ["99"])


def test_run_reports_every_notebook_and_fails(lessons, tmp_path, capsys):
    build = tmp_path / "build"
    code = runner.main(["--profile", "quick", "--notebook-dir", str(lessons), "--build", str(build), "--timeout", "120"])
    assert code == 1
    out = capsys.readouterr()
    assert "FAILED: 01_broken" in out.err
    assert "02_after" in out.out and "total" in out.out
    report = (build / "report.md").read_text()
    assert "| 00_ok | ok |" in report and "answer = 42" in report
    assert "| 01_broken | failed |" in report and "lesson is broken" in report
    assert "raise RuntimeError" in report  # the failing cell is shown
    assert "| 02_after | ok |" in report
    assert sorted(p.name for p in (build / "executed").glob("*.ipynb")) == ["00_ok.ipynb", "01_broken.ipynb", "02_after.ipynb"]
    executed = nbformat.read(build / "executed" / "02_after.ipynb", as_version=4)
    assert executed.cells[0].outputs[0]["text"].strip() == "still runs"


def test_bad_profile_is_rejected(lessons):
    with pytest.raises(SystemExit):
        runner.main(["--profile", "fast", "--notebook-dir", str(lessons)])
