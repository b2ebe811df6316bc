"""The benchmark scripts run at their smallest sizes (synthetic data, offline) and write sane tables."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import nbformat
import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import common  # noqa: E402


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture()
def offline(tmp_path, monkeypatch):
    """Quick profile, offline, an empty cache and no mirror: the loaders hand out synthetic stand-ins."""
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COURSE_DATA_MIRROR", raising=False)
    monkeypatch.delenv("COURSE_RESULTS_DIR", raising=False)
    return tmp_path / "out"


def test_write_table_and_sizes(tmp_path, capsys):
    rows = [{"a": 1, "b": 0.123456, "c": "x|y"}, {"a": 2, "b": None, "c": "z"}]
    md, cs = common.write_table("t", rows, tmp_path, title="T", description="about")
    assert _read(cs) == [{"a": "1", "b": "0.123456", "c": "x|y"}, {"a": "2", "b": "", "c": "z"}]
    text = md.read_text()
    assert "| a | b | c |" in text and "| 1 | 0.1235 | x\\|y |" in text and "| 2 | - | z |" in text
    assert "| a | b | c |" in capsys.readouterr().out
    assert not list(tmp_path.glob(".*.tmp"))
    with pytest.raises(ValueError, match="no rows"):
        common.write_table("t", [], tmp_path, title="T")
    args = common.parser("x").parse_args(["--smoke"])
    assert common.choose_sizes({n: {"k": i} for i, n in enumerate(common.SIZE_NAMES)}, args) == {"k": 0, "size_name": "smoke"}
    with pytest.raises(ValueError, match="same keys"):
        common.choose_sizes({"smoke": {"k": 1}, "quick": {"k": 1}, "full": {"j": 1}}, args)


def test_padding_waste_smoke(offline):
    import padding_waste

    assert padding_waste.main(["--smoke", "--out", str(offline)]) == 0
    rows = _read(offline / "padding_waste.csv")
    assert list(rows[0]) == padding_waste.COLUMNS
    assert "| pipeline | strategy |" in (offline / "padding_waste.md").read_text()
    assert len(rows) == 6
    for pipeline in {r["pipeline"] for r in rows}:
        by = {r["strategy"]: r for r in rows if r["pipeline"] == pipeline}
        assert set(by) == {"pad to longest", "pad per batch", "length buckets"}
        share = {k: float(v["padded share"]) for k, v in by.items()}
        steps = {k: int(v["timesteps per epoch"]) for k, v in by.items()}
        assert 0 <= share["length buckets"] < share["pad to longest"] < 1
        assert share["pad per batch"] <= share["pad to longest"]
        assert steps["length buckets"] < steps["pad to longest"]
        assert float(by["pad to longest"]["time vs pad to longest"]) == pytest.approx(1.0)
        for r in by.values():
            assert r["data"] == "synthetic"
            assert float(r["seconds per epoch"]) > 0 and float(r["CPU seconds per epoch"]) > 0
            assert 0 <= float(r["test metric"]) <= 1
        longest = {k: int(v["max padded length"]) for k, v in by.items()}
        assert longest["pad to longest"] == max(longest.values())


def test_source_vs_ours_smoke(offline):
    import source_vs_ours

    assert source_vs_ours.main(["--smoke", "--out", str(offline)]) == 0
    rows = _read(offline / "source_vs_ours.csv")
    assert [r["task"] for r in rows] == ["imdb", "pos", "sentences"]
    assert [r["source lesson"] for r in rows] == ["000", "004", "004"]
    for r in rows:
        for side in ("source", "ours"):
            assert 0 <= float(r[f"{side} metric"]) <= 1
            assert float(r[f"{side} train s"]) > 0 and int(r[f"{side} params"]) > 0
        src, ours = float(r["source metric"]), float(r["ours metric"])
        if src:
            assert float(r["metric ratio (ours / source)"]) == pytest.approx(ours / src, rel=1e-6)
        ratio = float(r["source train s"]) / float(r["ours train s"])
        assert float(r["time ratio (source / ours)"]) == pytest.approx(ratio, rel=1e-6)
        assert r["data"] == "synthetic"
    md = (offline / "source_vs_ours.md").read_text()
    assert "## Each setup" in md and "pad to" in md and "buckets + mask" in md


def _notebook(path: Path, cells: list[str]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


def test_course_benchmark_on_a_tiny_course(offline, tmp_path):
    import course

    folder = tmp_path / "notebooks"
    folder.mkdir()
    _notebook(folder / "00_first.ipynb", ["import course_utils as cu",
                                          "cu.results.record('00_first', 'answer', 42, split='check')"])
    _notebook(folder / "01_fails.ipynb", ["raise RuntimeError('broken on purpose')"])
    code = course.main(["--notebook-dir", str(folder), "--out", str(offline), "--timeout", "120"])
    assert code == 1  # a notebook failed: the benchmark says so, and still writes its table
    rows = _read(offline / "course.csv")
    assert [r["notebook"] for r in rows] == ["00_first", "01_fails", "total (notebooks)", "whole run (runner + kernels)"]
    assert [r["status"] for r in rows[:3]] == ["ok", "failed", "1/2 ok"]
    assert rows[0]["results recorded"] == "1"
    for r in rows:
        assert float(r["seconds"]) > 0 and 10 < float(r["peak memory MB"]) < 20_000
    assert float(rows[2]["seconds"]) == pytest.approx(float(rows[0]["seconds"]) + float(rows[1]["seconds"]), rel=1e-3)
    # runner + kernel vs the kernel alone (sampled at other instants, hence the margin)
    assert float(rows[3]["peak memory MB"]) >= 0.9 * float(rows[2]["peak memory MB"])
    assert (offline / "course_run" / "report.md").is_file()
