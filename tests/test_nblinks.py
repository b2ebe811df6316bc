"""Relative links and images in notebook Markdown: found, checked, and moved with an executed copy."""

from __future__ import annotations

import nbformat
import pytest

from course_utils import nblinks, runner

TEXT = """# Title

![a diagram](../images/cell.png "the cell") and [the errata](../docs/errata.md#no-3).
<img src="../images/other.png" width="300"> and <a href='../docs/errata.md'>again</a>.
[online](https://example.org/x.png), [anchor](#section), ![inline](attachment:pic.png), [root](/files/x).
Code is not a link: `x[0](y)` and

```python
model[1](../not/a/link)
![nor](this.png)
```

[after the code](../docs/after.md)
"""


def test_markdown_refs_finds_links_and_images_outside_code():
    refs = nblinks.markdown_refs(TEXT)
    assert sorted((r.kind, r.url) for r in refs if nblinks.is_relative(r.url)) == [
        ("image", "../images/cell.png"),
        ("image", "../images/other.png"),
        ("link", "../docs/after.md"),
        ("link", "../docs/errata.md"),
        ("link", "../docs/errata.md#no-3"),
    ]
    assert {r.url for r in refs if not nblinks.is_relative(r.url)} == {
        "https://example.org/x.png", "#section", "attachment:pic.png", "/files/x"}


def test_target_of_drops_query_and_fragment(tmp_path):
    assert nblinks.target_of("../docs/a%20b.md#x", tmp_path / "nb") == tmp_path / "docs" / "a b.md"
    assert nblinks.target_of("img.png?raw=1", tmp_path) == tmp_path / "img.png"


def _course(tmp_path):
    for rel in ("images/cell.png", "images/other.png", "docs/errata.md", "docs/after.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(TEXT), nbformat.v4.new_code_cell("print('![x](../images/cell.png)')")]
    nbformat.write(nb, folder / "01_x.ipynb")
    return folder / "01_x.ipynb"


def test_broken_refs(tmp_path):
    path = _course(tmp_path)
    assert nblinks.broken_refs(path, tmp_path) == []
    (tmp_path / "images" / "other.png").unlink()
    problems = nblinks.broken_refs(path, tmp_path)
    assert len(problems) == 1 and "'../images/other.png'" in problems[0] and "cell 0" in problems[0]
    assert "outside" in nblinks.broken_refs(path, tmp_path / "notebooks")[0]


def test_relink_for_a_copy_one_folder_deeper(tmp_path):
    path = _course(tmp_path)
    nb = nbformat.read(path, as_version=4)
    out = tmp_path / "build" / "executed"
    out.mkdir(parents=True)
    assert nblinks.relink(nb, path.parent, out) == 5
    text = nb.cells[0].source
    assert "![a diagram](../../images/cell.png \"the cell\")" in text
    assert "(../../docs/errata.md#no-3)" in text and "src=\"../../images/other.png\"" in text
    assert "`x[0](y)`" in text and "model[1](../not/a/link)" in text  # code untouched
    assert "https://example.org/x.png" in text and "(#section)" in text
    assert nb.cells[1].source == "print('![x](../images/cell.png)')"  # code cells untouched
    nbformat.write(nb, out / path.name)
    assert nblinks.broken_refs(out / path.name, tmp_path) == []


def test_relink_leaves_a_missing_target_alone(tmp_path):
    nb = {"cells": [{"cell_type": "markdown", "source": ["![gone](../images/gone.png)"]}]}
    assert nblinks.relink(nb, tmp_path / "notebooks", tmp_path / "out") == 0
    assert nb["cells"][0]["source"] == ["![gone](../images/gone.png)"]


@pytest.mark.slow
def test_runner_relinks_executed_copies_and_keeps_c_level_noise_in_the_log(tmp_path, monkeypatch):
    """The executed copy in build/executed shows the diagram; TensorFlow-style lines written by C code
    to the kernel's stderr (its CUDA probes) go to the kernel log, not into the notebook."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    path = _course(tmp_path)
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import os\nos.write(2, b'I0000 cudart_stub.cc: no cuda drivers\\n')"))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    out = tmp_path / "build" / "executed"
    run = runner.execute_notebook(path, out, timeout=120)
    assert run.status == "ok", run.error
    executed = nbformat.read(out / path.name, as_version=4)
    assert "../../images/cell.png" in executed.cells[0].source
    assert nblinks.broken_refs(out / path.name) == []
    streams = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs)
    assert "cudart_stub" not in streams
    assert "cudart_stub" in (out / "01_x.kernel.log").read_text()
