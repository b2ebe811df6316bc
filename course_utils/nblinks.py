"""Relative links and images in notebook Markdown: find them, check them, move them with a copy.

A lesson in ``notebooks/`` shows ``![...](../images/x.png)`` and links
``[errata](../docs/errata.md)``. :func:`broken_refs` lists the relative
references whose target does not exist; :func:`relink` rewrites them for a
copy saved in another folder (the runner's ``build/executed/``), so the copy
still shows its diagrams and its links still lead somewhere.

Only Markdown cells are read, and code spans and fenced code blocks in them
are left alone (``x[0](y)`` in code is not a link).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

__all__ = ["Ref", "markdown_refs", "is_relative", "target_of", "broken_refs", "relink"]

# ![alt](url "title") or [text](url): the text may hold one level of brackets, the url may be <...>
_MD_REF = re.compile(
    r"(?P<bang>!?)\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\(\s*(?P<url><[^>\n]*>|[^)\s]+)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
# <img src="..."> and <a href="...">
_HTML_REF = re.compile(r"<(?P<tag>img|a)\b[^>]*?\b(?P<attr>src|href)\s*=\s*(?P<q>[\"'])(?P<url>.*?)(?P=q)", re.I | re.S)
# fenced blocks (``` or ~~~) and inline code spans: not scanned, not rewritten
_CODE = re.compile(r"(^|\n)(?P<fence>```|~~~)[^\n]*\n.*?(\n(?P=fence)[^\n]*(?=\n|$)|$)|(?P<ticks>`+)[^`].*?(?P=ticks)", re.S)


@dataclass(frozen=True)
class Ref:
    """A reference in Markdown: ``kind`` is ``"image"`` or ``"link"``; ``url`` as written."""

    kind: str
    url: str


def _prose_parts(text: str) -> Iterator[tuple[bool, str]]:
    """(is_prose, chunk) pieces of ``text`` in order: code spans and fenced blocks are not prose."""
    pos = 0
    for m in _CODE.finditer(text):
        start = m.start() + (len(m.group(1)) if m.group(1) else 0)
        if start > pos:
            yield True, text[pos:start]
        yield False, text[start : m.end()]
        pos = m.end()
    if pos < len(text):
        yield True, text[pos:]


def _scan(text: str, rewrite: Callable[[str, str], str] | None = None) -> tuple[list[Ref], str]:
    """The references in the prose of ``text``, and the text with each url replaced by ``rewrite(kind, url)``."""
    refs: list[Ref] = []

    def sub(m: re.Match) -> str:
        if m.re is _MD_REF:
            kind = "image" if m.group("bang") else "link"
            bracketed = m.group("url").startswith("<")  # <url> in Markdown: the brackets stay
        else:
            kind = "image" if m.group("tag").lower() == "img" else "link"
            bracketed = False
        url = m.group("url")[1:-1] if bracketed else m.group("url")
        refs.append(Ref(kind, url))
        if rewrite is None:
            return m.group(0)
        new = f"<{rewrite(kind, url)}>" if bracketed else rewrite(kind, url)
        s, e = m.span("url")
        return m.group(0)[: s - m.start()] + new + m.group(0)[e - m.start() :]

    out = []
    for prose, chunk in _prose_parts(text):
        if prose:
            chunk = _HTML_REF.sub(sub, _MD_REF.sub(sub, chunk))
        out.append(chunk)
    return refs, "".join(out)


def markdown_refs(text: str) -> list[Ref]:
    """Every image and link in a Markdown text (code spans and fenced code excluded)."""
    return _scan(text)[0]


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
    path, _ = _split(url.strip())
    return Path(os.path.normpath(Path(folder) / unquote(path)))


def _markdown_cells(nb: Any) -> Iterator[tuple[int, Any, str]]:
    """(index, cell, source text) of each Markdown cell of a notebook (an nbformat node is a dict too)."""
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") == "markdown":
            src = cell.get("source", "")
            yield i, cell, "".join(src) if isinstance(src, list) else src


def broken_refs(notebook: str | os.PathLike, root: str | os.PathLike | None = None) -> list[str]:
    """Relative images and links in the notebook's Markdown that point at nothing.

    A target must exist and, when ``root`` is given, lie inside ``root`` (what
    JupyterLab serves). Returns one readable line per problem (empty if none).
    """
    path = Path(notebook)
    nb = json.loads(path.read_text(encoding="utf-8"))
    root_dir = Path(root).resolve() if root is not None else None
    problems = []
    for i, _, text in _markdown_cells(nb):
        for ref in markdown_refs(text):
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
    src = Path(src_dir).resolve()
    out = Path(out_dir).resolve()
    count = 0

    def rewrite(kind: str, url: str) -> str:
        nonlocal count
        target = target_of(url, src) if is_relative(url) else None
        if target is None or not target.exists():
            return url
        _, suffix = _split(url.strip())
        new = quote(Path(os.path.relpath(target, out)).as_posix(), safe="/.-_~") + suffix
        if new != url:
            count += 1
        return new

    for _, cell, text in _markdown_cells(nb):
        _, new_text = _scan(text, rewrite)
        if new_text != text:
            cell["source"] = new_text
    return count
