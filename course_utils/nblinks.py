"""Relative links and images in notebook Markdown (``![...](../images/x.png)``): find, check, move them.

:func:`broken_refs` lists the relative references whose target does not exist; :func:`relink` rewrites
them for a copy saved in another folder (the runner's ``build/executed/``). The Markdown is parsed by
the ``markdown`` library, so code is not read as links, and HTML ``<img src>`` and ``<a href>`` count too.
"""

from __future__ import annotations

import html
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import markdown
import nbformat

__all__ = ["Ref", "markdown_refs", "is_relative", "target_of", "broken_refs", "relink"]

# <img ... src="..."> and <a ... href="...">, in the HTML the Markdown renders to
_TAG = re.compile(r"<(img|a)\b[^>]*?\b(?:src|href)\s*=\s*([\"'])(.*?)\2", re.I | re.S)


@dataclass(frozen=True)
class Ref:
    """A reference in Markdown: ``kind`` is ``"image"`` or ``"link"``; ``url`` as written."""

    kind: str
    url: str


def markdown_refs(text: str) -> list[Ref]:
    """Every image and link in a Markdown text (code spans and code blocks excluded)."""
    rendered = markdown.markdown(text, extensions=["fenced_code"])
    return [Ref("image" if m[1].lower() == "img" else "link", html.unescape(m[3])) for m in _TAG.finditer(rendered)]


def is_relative(url: str) -> bool:
    """True for a path relative to the document (``../images/x.png``), not for URLs, anchors or attachments."""
    url = url.strip()
    return bool(url) and not (
        url.startswith(("#", "/", "\\")) or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) is not None
    )


def _split(url: str) -> tuple[str, str]:
    """(path, suffix) with the ``?query`` / ``#fragment`` suffix kept apart."""
    m = re.search(r"[?#]", url)
    return (url[: m.start()], url[m.start() :]) if m else (url, "")


def target_of(url: str, folder: str | os.PathLike) -> Path:
    """The file a relative ``url`` names, resolved against ``folder`` (query and fragment dropped)."""
    return Path(os.path.normpath(Path(folder) / unquote(_split(url.strip())[0])))


def broken_refs(notebook: str | os.PathLike, root: str | os.PathLike | None = None) -> list[str]:
    """Relative images and links in the notebook's Markdown that point at nothing.

    A target must exist and, when ``root`` is given, lie inside ``root`` (what
    JupyterLab serves). Returns one readable line per problem (empty if none).
    """
    path = Path(notebook)
    root_dir = Path(root).resolve() if root is not None else None
    problems = []
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        for ref in markdown_refs(cell.source) if cell.cell_type == "markdown" else []:
            if not is_relative(ref.url):
                continue
            target = target_of(ref.url, path.parent.resolve())
            if not target.exists():
                problems.append(f"{path.name} cell {i}: {ref.kind} {ref.url!r} -> {target} does not exist")
            elif root_dir is not None and root_dir not in (target, *target.parents):
                problems.append(f"{path.name} cell {i}: {ref.kind} {ref.url!r} -> {target} is outside {root_dir}")
    return problems


def relink(nb: Any, src_dir: str | os.PathLike, out_dir: str | os.PathLike) -> int:
    """Rewrite relative references in ``nb``'s Markdown (in place) for a copy saved in ``out_dir``.

    ``nb`` is a notebook (``nbformat`` node or plain dict) read from
    ``src_dir``. A reference whose target exists is made relative to
    ``out_dir``; others are left as they are. Returns how many were rewritten.
    """
    src, out = Path(src_dir).resolve(), Path(out_dir).resolve()
    count = 0
    for cell in (c for c in nb["cells"] if c.get("cell_type") == "markdown"):
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else text
        new_urls = {}
        for ref in markdown_refs(text):
            target = target_of(ref.url, src) if is_relative(ref.url) else None
            if target is not None and target.exists():
                new = quote(Path(os.path.relpath(target, out)).as_posix(), safe="/.-_~") + _split(ref.url.strip())[1]
                if new != ref.url:
                    new_urls[ref.url] = new
        if not new_urls:
            continue
        # each url where Markdown or HTML writes one: ](url, ]: url, src="url, href='url
        urls = "|".join(re.escape(u) for u in sorted(new_urls, key=len, reverse=True))
        where = re.compile(rf"(\]\(\s*<?|\]:[ \t]*<?|\b(?:src|href)\s*=\s*[\"'])({urls})(?=[\s)>\"']|$)")
        new_text, n = where.subn(lambda m: m[1] + new_urls[m[2]], text)
        cell["source"] = new_text
        count += n
    return count
