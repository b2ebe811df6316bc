"""What students see: every lesson opened in JupyterLab (started as `make lab` does) in headless Chromium.

A lesson fails if it does not render, if one of its images does not load (``naturalWidth == 0``),
or if a relative link in its Markdown points at nothing. The course report's figures are checked
the same way, and a test of the test shows that a broken image path is caught.

One JupyterLab server and one browser serve the whole file (module-scoped fixtures); with
``pytest -n 2 --dist loadfile`` (``make test``) the file runs in a single worker. Without Chromium,
chromedriver and selenium the browser tests are skipped with the command that installs them; the
file checks that need no browser always run.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from course_utils import nblinks

try:
    import browser_check as bc
except ImportError:  # tests/ imported as a package
    from tests import browser_check as bc

ROOT = bc.ROOT
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MARKDOWN_DOCS = [ROOT / "README.md", ROOT / "notebooks" / "README.md", ROOT / "data" / "README.md",
                 *sorted((ROOT / "docs").glob("*.md"))]
SKIP_DIRS = {".git", ".venv", "build", "__pycache__", ".ipynb_checkpoints", ".pytest_cache"}


# ----------------------------------------------------------------------------- without a browser


@pytest.mark.parametrize("notebook", LESSONS, ids=lambda p: p.stem)
def test_relative_links_and_images_of_a_lesson_exist(notebook):
    assert nblinks.broken_refs(notebook, ROOT) == []


@pytest.mark.parametrize("doc", MARKDOWN_DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_of_the_documentation_exist(doc):
    text = doc.read_text(encoding="utf-8")
    missing = [r.url for r in nblinks.markdown_refs(text)
               if nblinks.is_relative(r.url) and not nblinks.target_of(r.url, doc.parent).exists()]
    assert missing == [], f"{doc.relative_to(ROOT)} links to files the course does not contain"


def test_no_file_refers_to_a_design_document_the_course_lacks():
    name = "DESIGN" + ".md"  # spelt in two parts so that this file does not mention it either
    hits = []
    for top, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        for file in files:
            path = Path(top, file)
            try:
                if name in path.read_text(encoding="utf-8"):
                    hits.append(path.relative_to(ROOT).as_posix())
            except (UnicodeDecodeError, OSError):
                continue
    assert hits == [], f"these files refer to {name}, which is not part of the course: {hits}"


def test_make_lab_serves_the_repository_and_opens_the_lessons():
    options = bc.lab_options()
    assert f"--ServerApp.root_dir={ROOT}" in options, "the images in ../images must be inside the server root"
    assert "--ContentsManager.preferred_dir=notebooks" in options


def test_executed_copies_point_at_the_same_files(tmp_path):
    """The runner writes executed copies one folder deeper (build/executed): their links follow."""
    import nbformat

    with_refs = [p for p in LESSONS if any(nblinks.is_relative(r.url) for c in nbformat.read(p, 4).cells
                                           if c.cell_type == "markdown" for r in nblinks.markdown_refs(c.source))]
    assert with_refs
    out = tmp_path / "build" / "executed"
    out.mkdir(parents=True)
    for path in with_refs:
        nb = nbformat.read(path, as_version=4)
        assert nblinks.relink(nb, path.parent, out) > 0
        nbformat.write(nb, out / path.name)
        assert nblinks.broken_refs(out / path.name) == [], path.name


# ----------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def browser():
    found = bc.find_browser()
    if isinstance(found, str):
        pytest.skip(found)
    return found


@pytest.fixture(scope="module")
def lab(browser, tmp_path_factory):
    server = bc.Lab(tmp_path_factory.mktemp("jupyterlab")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def driver(browser, tmp_path_factory):
    drv = bc.start_driver(browser, tmp_path_factory.mktemp("chromium-profile"))
    yield drv
    drv.quit()


@pytest.fixture(scope="module")
def page(driver, lab):
    return bc.LabPage(driver, lab)


@pytest.fixture(scope="module")
def scratch():
    folder = bc.scratch_folder()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.browser
def test_jupyterlab_starts_in_the_lessons_folder(page):
    config = page.page_config()
    assert config.get("preferredPath", "").strip("/") == "notebooks"
    assert Path(config["serverRoot"]).resolve() == ROOT


@pytest.mark.browser
@pytest.mark.parametrize("notebook", LESSONS, ids=lambda p: p.stem)
def test_lesson_renders_with_every_image_and_link(page, notebook):
    problems = page.check(notebook)
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
def test_an_executed_copy_shows_its_images(page, scratch):
    """A copy saved the way the runner saves it (build/executed/, then relink) shows every diagram.
    (That every relinked path exists, for every lesson, is checked above without a browser.)"""
    import nbformat

    out = scratch / "executed"
    out.mkdir()
    path = next(p for p in LESSONS if p.stem.startswith("01_"))  # five diagrams and a link
    nb = nbformat.read(path, as_version=4)
    assert nblinks.relink(nb, path.parent, out) >= 5
    nbformat.write(nb, out / path.name)
    problems = page.check(out / path.name)
    assert problems == [], "\n".join(problems)


def _fixture_report(build: Path) -> Path:
    """A small report written by course_utils.report from a build folder with one saved figure."""
    from course_utils import report
    from course_utils.record import NotebookRun

    figures = build / "results" / "figures"
    figures.mkdir(parents=True)
    shutil.copy(ROOT / "images" / "lstm_cell.png", figures / "01_recurrent_cells_lstm.png")
    report.write_report([NotebookRun("01_recurrent_cells", "ok", 12.0)], build, "quick")
    return build / "report.html"


@pytest.mark.browser
def test_report_figures_load(driver, tmp_path):
    html = _fixture_report(tmp_path / "build")
    problems = bc.check_static_page(driver, html, min_images=1)    # the fixture report shows its figure
    assert problems == [], "\n".join(problems)


@pytest.mark.browser
@pytest.mark.skipif(not (ROOT / "build" / "report.html").is_file(), reason="no build/report.html: run `make run` first")
def test_report_of_the_last_run_shows_its_figures(driver):
    problems = bc.check_static_page(driver, ROOT / "build" / "report.html", min_images=1)   # training curves
    assert problems == [], "\n".join(problems)


# ----------------------------------------------------------------------------- the test of the test


@pytest.mark.browser
def test_the_checker_reports_a_broken_image_and_a_dead_link(page, driver, scratch, tmp_path):
    lesson = json.loads(LESSONS[1].read_text(encoding="utf-8"))
    folder = scratch / "broken" / "notebooks"
    folder.mkdir(parents=True)
    good = Path("../" * len(folder.relative_to(ROOT).parts)) / "images" / "lstm_cell.png"
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "id": "a1",
             "source": f"# A page with mistakes\n\n![a diagram that exists]({good.as_posix()})\n\n"
                       "![a diagram with a wrong path](../images/no_such_diagram.png)\n"},
            {"cell_type": "markdown", "metadata": {}, "id": "a2",
             "source": "See the [missing page](../docs/no_such_page.md)."},
            {"cell_type": "code", "metadata": {}, "id": "a3", "execution_count": None, "outputs": [],
             "source": "1 + 1"},
        ],
        "metadata": lesson["metadata"],
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / "broken.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")

    problems = page.check(path)
    text = "\n".join(problems)
    assert "no_such_diagram.png" in text and "naturalWidth 0" in text, text
    assert "no_such_page.md" in text, text
    assert "lstm_cell.png" not in text, text  # the good image is not reported
    assert len(nblinks.broken_refs(path, ROOT)) == 2

    html = tmp_path / "page.html"
    (tmp_path / "ok.png").write_bytes((ROOT / "images" / "lstm_cell.png").read_bytes())
    html.write_text('<!DOCTYPE html><html><body><img src="ok.png"><img src="missing.png">'
                    '<a href="nowhere.html">x</a></body></html>', encoding="utf-8")
    problems = bc.check_static_page(driver, html)
    assert len(problems) == 2 and "missing.png" in problems[0] and "nowhere.html" in problems[1], problems
    problems = bc.check_static_page(driver, html, min_images=2)
    assert any("1 image(s) shown, expected at least 2" in p for p in problems), problems
