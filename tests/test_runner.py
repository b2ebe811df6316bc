"""The course runner executes notebooks in order, reports each, and fails loudly."""

import json
import subprocess
import sys
import time

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
    monkeypatch.setenv("MPLBACKEND", "Agg")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _write(folder / "00_ok.ipynb", [
        "import course_utils as cu, os",
        "assert os.environ['COURSE_PROFILE'] == 'quick'",
        "cu.results.record('00_ok', 'answer', 42, split='check')",
    ])
    _write(folder / "01_broken.ipynb", ["x = 1", "raise RuntimeError('lesson is broken')"])
    _write(folder / "02_after.ipynb", [
        "print('still runs')",
        "import course_utils as cu\ncu.plots.plot_history({'loss': [1.0, 0.5]});",
    ])
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
    # the kernels' own stderr chatter goes to a log per notebook, not to the terminal
    assert sorted(p.name for p in (build / "executed").glob("*.kernel.log")) == [
        "00_ok.kernel.log", "01_broken.kernel.log", "02_after.kernel.log"]
    # the same report as HTML and JSON, with each kernel's peak memory
    html_text = (build / "report.html").read_text()
    assert "00_ok" in html_text and "lesson is broken" in html_text
    data = json.loads((build / "report.json").read_text())
    assert [n["name"] for n in data["notebooks"]] == ["00_ok", "01_broken", "02_after"]
    assert all(n["peak_rss_mb"] and 10 < n["peak_rss_mb"] < 10_000 for n in data["notebooks"])
    assert "peak MB" in out.out
    # figures are drawn inline in the executed copies, and the training curves reach the report
    assert any("image/png" in o.get("data", {}) for o in executed.cells[1].outputs)
    assert "![02_after: training curves 1](report_figures/02_after_curves_1.png)" in report
    assert "data:image/png;base64," in html_text


def test_peak_memory_sees_a_child_process():
    script = "import time; block = bytearray(80 * 2**20); block[::4096] = b'x' * len(block[::4096]); time.sleep(1.5)"
    with runner.PeakMemory(interval=0.05) as mem:
        subprocess.run([sys.executable, "-c", script], check=True)
    assert mem.peak_mb is not None and mem.peak_mb > 70
    with runner.PeakMemory(interval=0.05) as idle:  # no children: nothing to measure
        time.sleep(0.1)
    assert idle.peak_mb is None


def test_bad_profile_is_rejected(lessons):
    with pytest.raises(SystemExit):
        runner.main(["--profile", "fast", "--notebook-dir", str(lessons)])


def test_keep_reruns_some_lessons_and_reports_all(lessons, tmp_path):
    build = tmp_path / "build"
    args = ["--notebook-dir", str(lessons), "--build", str(build), "--timeout", "120"]
    assert runner.main(["--profile", "quick", *args, "00", "02"]) == 0
    first = json.loads((build / "runs" / "00_ok.json").read_text())
    assert first["status"] == "ok" and first["profile"] == "quick"
    # rerun one lesson: the other's run record and results stay, and the report shows both
    assert runner.main(["--profile", "quick", "--keep", *args, "02"]) == 0
    data = json.loads((build / "report.json").read_text())
    assert [n["name"] for n in data["notebooks"]] == ["00_ok", "02_after"]
    assert "answer = 42" in (build / "report.md").read_text()
    assert json.loads((build / "runs" / "00_ok.json").read_text()) == first
    # without --keep, a run reports on its own lessons only
    assert runner.main(["--profile", "quick", *args, "02"]) == 0
    data = json.loads((build / "report.json").read_text())
    assert [n["name"] for n in data["notebooks"]] == ["02_after"]
    assert not (build / "runs" / "00_ok.json").exists()
    # one report never mixes profiles
    with pytest.raises(SystemExit, match="quick.*--keep would mix"):
        runner.main(["--profile", "full", "--keep", *args, "00"])
