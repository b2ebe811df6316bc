"""``data/README.md``: the registry rendered as Markdown, inside generated markers.

The text outside the markers is hand-written (in ``data/README.md`` itself) and kept
when the file is regenerated with ``python -m course_utils.data readme --write data/README.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import files
from .loaders import loader_options
from .registry import DATASETS

BEGIN = "<!-- BEGIN GENERATED: python -m course_utils.data readme --write data/README.md -->"
END = "<!-- END GENERATED -->"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _size(n: int | None) -> str:
    if not n:
        return "?"
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def render_table() -> str:
    """The generated block: a files table and a datasets table (options, splits, lessons)."""
    lines = [_row("Dataset", "File", "Size", "Check", "Licence", "Citation", "URL"), "|" + "---|" * 7]
    for info in DATASETS.values():
        for i, spec in enumerate(info.files):
            first = (f"`{info.name}`", _cell(info.licence), _cell(info.citation))
            name, licence, citation = first if i == 0 else ("", "", "")
            size, check = _size(spec.size), f"`{spec.checksum}`"
            if not spec.checksum:
                size, check = f"{size} (varies)", f"structure ({_cell(spec.structure)})"
            lines.append(_row(name, f"`{_cell(spec.filename)}`", size, check, licence, citation, f"<{spec.url}>"))
    lines += ["", _row("Dataset", "What it is", "Split policy", "Options of `load()` (defaults)", "Lessons")]
    lines.append("|" + "---|" * 5)
    for info in DATASETS.values():
        opts = ", ".join(f"`{k}={v!r}`" for k, v in loader_options(info.name).items())
        cells = (_cell(info.description), _cell(info.split_policy), _cell(opts), ", ".join(info.lessons))
        lines.append(_row(f"`{info.name}`", *cells))
    notes = [f"- `{i.name}` / `{s.filename}`: {_cell(s.note)}" for i in DATASETS.values() for s in i.files if s.note]
    lines += ["", "Notes on the files:", "", *notes]
    return "\n".join([BEGIN, *lines, END])


_BLOCK = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.DOTALL)


def write(path: str | Path) -> Path:
    """Replace the generated block of the README at ``path``, keeping its hand-written parts.

    Raises ``ValueError`` if the file lacks the BEGIN/END marker lines.
    """
    path = Path(path)
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    if not _BLOCK.search(existing):
        raise ValueError(
            f"{path} has no generated block: add the lines\n{BEGIN}\n{END}\nwhere the tables go, then run again."
        )
    return files.write_text_atomic(path, _BLOCK.sub(lambda _: render_table(), existing, count=1))
