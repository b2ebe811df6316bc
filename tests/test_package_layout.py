"""The course's two packages stay readable: imports inside each run one way (no cycle), the exercise checks
import the helpers and never the other way round, no module is over 500 lines, and the helper package keeps
to its line budget."""

from __future__ import annotations

import ast
from pathlib import Path

import course_utils

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "course_utils"
EXERCISES = ROOT / "course_exercises"
NAMES = (PACKAGE.name, EXERCISES.name)   # imports of these count; everything else is a library


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    path = ROOT / dotted.replace(".", "/")
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def _imports(path: Path) -> set[str]:
    """The modules of the course's packages that a file imports, at the top or inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith(NAMES):
                continue
            for alias in node.names:  # "from . import claims" imports a module, "from .x import f" a name
                sub = f"{target}.{alias.name}"
                out.add(sub if _is_module(sub) else target)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith(NAMES))
    out.discard(name)
    return out


def _graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in package.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        deps = set()
        for target in _imports(path):
            while target and target not in modules:  # a name inside a module: use the module
                target = target.rsplit(".", 1)[0] if "." in target else ""
            if target and target != name and not name.startswith(target + "."):
                deps.add(target)  # a submodule importing its own package's __init__ is not a cycle
        graph[name] = deps
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_inside_either_package():
    assert _cycles(_graph(PACKAGE)) == []
    assert _cycles(_graph(EXERCISES)) == []


# The groups of course_utils' docstring, in order: a module imports only from its own group or earlier ones
# (inside the first group, nothing at all).
GROUPS = [
    {"settings", "files", "stats", "splits"},
    {"data"},
    {"text", "nested", "tagging", "translation", "decoding", "nlp", "metrics", "training", "plots"},
    {"results", "claims"},
    {"runner", "record", "report", "nblinks"},
]


def _group(module: str) -> int:
    top = module.split(".")[1]
    (index,) = [i for i, group in enumerate(GROUPS) if top in group]
    return index


def test_imports_run_from_later_groups_to_earlier_ones_as_the_docstring_says():
    graph = _graph(PACKAGE)
    tops = {m.split(".")[1] for m in graph if "." in m}
    assert tops == set().union(*GROUPS), "every module of course_utils belongs to one group of its docstring"
    wrong = sorted((a, b) for a, deps in graph.items() for b in deps if "." in a
                   and (_group(b) > _group(a) or (_group(a) == 0 and a.split(".")[1] != b.split(".")[1])))
    assert not wrong, f"imports against the documented direction: {wrong}"
    for group in GROUPS:
        assert all(f"``{name}``" in course_utils.__doc__ for name in group)


def test_the_helpers_never_import_the_exercise_checks():
    offenders = {p.name: sorted(_imports(p)) for p in PACKAGE.rglob("*.py")
                 if any(t.startswith("course_exercises") for t in _imports(p))}
    assert not offenders, f"course_utils must not import course_exercises: {offenders}"
    assert any(t.startswith("course_utils") for p in EXERCISES.rglob("*.py") for t in _imports(p))


MAX_MODULE_LINES = 500   # a module a maintainer can read in one sitting


def _sizes(package: Path) -> dict[str, int]:
    return {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in package.rglob("*.py")}


def test_no_module_is_over_the_size_limit():
    sizes = _sizes(PACKAGE) | _sizes(EXERCISES)
    too_big = {path: n for path, n in sizes.items() if n > MAX_MODULE_LINES}
    assert not too_big, f"modules over {MAX_MODULE_LINES} lines (split them by concern): {too_big}"


MAX_HELPER_LINES = 9_000   # the helper package, readable in an afternoon


def test_the_helper_package_keeps_to_its_line_budget():
    total = sum(_sizes(PACKAGE).values())
    assert total <= MAX_HELPER_LINES, f"course_utils has {total} lines; keep it under {MAX_HELPER_LINES}"
