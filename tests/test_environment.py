"""The two environment descriptions must agree, and the project must be laid out as designed."""

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _norm(req: str) -> str:
    name_end = len(req)
    for ch in "<>=!~;[ ":
        i = req.find(ch)
        if i != -1:
            name_end = min(name_end, i)
    name = req[:name_end].strip().lower().replace("_", "-")
    return name + req[name_end:].replace(" ", "")


def _pip_section(env_text: str) -> list[str]:
    import yaml

    env = yaml.safe_load(env_text)
    pips = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pips) == 1, "environment.yml needs exactly one pip: section"
    return pips[0]


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_norm(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    pip = _pip_section((ROOT / "environment.yml").read_text())
    listed = {_norm(r) for r in pip if not r.startswith("-e")}
    assert listed == wanted, (
        f"only in environment.yml: {sorted(listed - wanted)}; only in pyproject.toml: {sorted(wanted - listed)}"
    )
    assert "-e ." in pip, "environment.yml must install this package (-e .)"


def test_norm_catches_a_version_difference():
    assert _norm("Spacy>=3.8,<3.9") != _norm("spacy>=3.7")
    assert _norm("importlib_resources>=6") == "importlib-resources>=6"


@pytest.mark.parametrize(
    "path",
    ["README.md", "environment.yml", "pyproject.toml", "Makefile", ".ci/run", "notebooks", "course_utils", "data/README.md", "images", "tests"],
)
def test_layout(path):
    assert (ROOT / path).exists(), f"{path} is part of the course layout (README.md)"


def test_readme_shows_the_two_commands():
    text = (ROOT / "README.md").read_text()
    assert "make run" in text and "make test" in text
    assert "make test" in (ROOT / ".ci/run").read_text()
