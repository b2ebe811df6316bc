"""images/draw_diagrams.py: every course diagram is regenerated without errors."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "images" / "draw_diagrams.py"

# the diagrams the notebooks embed (issue: images/); the script may draw more
REQUIRED = (
    "unrolled_rnn",
    "elman_cell",
    "lstm_cell",
    "gru_cell",
    "topologies",
    "seq2seq",
    "attention",
    "hierarchical_rnn",
)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _load_script():
    spec = importlib.util.spec_from_file_location("draw_diagrams", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the script as a user would, into a fresh folder."""
    out = tmp_path_factory.mktemp("diagrams")
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert proc.returncode == 0, f"draw_diagrams.py failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def test_script_knows_every_required_diagram() -> None:
    names = set(_load_script().DIAGRAMS)
    missing = sorted(set(REQUIRED) - names)
    assert not missing, f"draw_diagrams.DIAGRAMS lacks {missing}"


def test_every_diagram_is_written(drawn: Path) -> None:
    expected = {f"{name}.png" for name in _load_script().DIAGRAMS}
    written = {p.name for p in drawn.glob("*.png")}
    assert expected == written, f"expected {sorted(expected)}, the script wrote {sorted(written)}"


@pytest.mark.parametrize("name", REQUIRED)
def test_diagram_is_a_readable_png(drawn: Path, name: str) -> None:
    from PIL import Image

    path = drawn / f"{name}.png"
    assert path.read_bytes()[:8] == PNG_MAGIC, f"{path} is not a PNG"
    with Image.open(path) as img:
        width, height = img.size
        colours = img.convert("RGB").getcolors(maxcolors=1_000_000)
    assert width >= 600 and height >= 250, f"{name}.png is too small to read ({width}x{height})"
    assert colours is not None and len(colours) > 50, f"{name}.png looks blank"


def test_committed_images_match_the_script() -> None:
    """The PNGs in images/ are the ones the script draws (none missing, none stray)."""
    expected = {f"{name}.png" for name in _load_script().DIAGRAMS}
    committed = {p.name for p in (ROOT / "images").glob("*.png")}
    assert expected <= committed, f"run `python images/draw_diagrams.py`: missing {sorted(expected - committed)}"
    stray = committed - expected
    assert not stray, f"images/ holds PNGs the script does not draw: {sorted(stray)}"


def test_only_and_bad_names(tmp_path: Path) -> None:
    module = _load_script()
    assert module.main(["--out", str(tmp_path), "--only", "topologies"]) == 0
    assert [p.name for p in tmp_path.glob("*.png")] == ["topologies.png"]
    with pytest.raises(SystemExit):
        module.main(["--out", str(tmp_path), "--only", "no_such_diagram"])


def _embedded_images() -> dict[str, set[str]]:
    """Image file name -> the notebooks whose Markdown embeds it (``../images/NAME.png``)."""
    import re

    import nbformat

    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                for name in re.findall(r"\]\(\.\./images/([\w.-]+\.png)\)", cell.source):
                    found.setdefault(name, set()).add(path.stem)
    return found


def test_notebooks_embed_every_diagram_and_only_existing_files() -> None:
    embedded = _embedded_images()
    missing_files = sorted(n for n in embedded if not (ROOT / "images" / n).is_file())
    assert not missing_files, f"notebooks embed images that do not exist: {missing_files}"
    drawn = {f"{name}.png" for name in _load_script().DIAGRAMS}
    unused = sorted(drawn - set(embedded))
    assert not unused, f"diagrams no notebook shows: {unused}"
    # the cells and the topologies belong to lesson 01, the seq2seq and attention pictures to 11 and 12
    for name, lesson in [("unrolled_rnn.png", "01"), ("elman_cell.png", "01"), ("lstm_cell.png", "01"),
                         ("gru_cell.png", "01"), ("topologies.png", "01"), ("seq2seq.png", "11"),
                         ("attention.png", "12")]:
        assert any(nb.startswith(lesson) for nb in embedded[name]), f"{name} should be shown in lesson {lesson}"
