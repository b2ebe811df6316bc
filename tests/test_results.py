import json

import numpy as np
import pytest

from course_utils import results, settings


@pytest.fixture(autouse=True)
def _clean():
    results.clear()
    yield
    results.clear()


def test_record_in_memory_and_table(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    monkeypatch.delenv("COURSE_RESULTS_DIR", raising=False)
    settings.reload()
    results.record("05_x", "test accuracy", np.float32(0.75), source="mirror", seconds=1.234)
    results.record("05_x", "NumPy matches Keras", "yes", split="check")
    results.record("06_y", "other", 1)
    table = results.table("05_x")
    assert list(table["metric"]) == ["test accuracy", "NumPy matches Keras"]
    assert table.loc[0, "value"] == pytest.approx(0.75)
    assert table.loc[0, "profile"] == "quick" and table.loc[0, "data source"] == "mirror"
    assert table.loc[0, "seconds"] == 1.23
    assert len(results.table()) == 3


def test_record_writes_jsonl_when_dir_set(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    settings.reload()
    results.record("01_cells", "max abs diff", 3e-7, split="check")
    line = json.loads((tmp_path / "01_cells.jsonl").read_text().strip())
    assert line["metric"] == "max abs diff" and line["value"] == pytest.approx(3e-7)
    back = results.load_dir(tmp_path)
    assert back[0].lesson == "01_cells"


@pytest.mark.parametrize(
    "kwargs, err",
    [
        (dict(lesson="", metric="m", value=1), ValueError),
        (dict(lesson="l", metric="m", value=float("nan")), ValueError),
        (dict(lesson="l", metric="m", value=[1]), TypeError),
        (dict(lesson="l", metric="m", value=1, source="internet"), ValueError),
    ],
)
def test_bad_records_rejected(kwargs, err):
    with pytest.raises(err):
        results.record(**kwargs)


def test_swap_in_replaces_a_folder_whole(tmp_path):
    from course_utils.files import swap_in

    dest = tmp_path / "out"
    for content in ("first", "second"):
        staging = tmp_path / f".staging-{content}"
        staging.mkdir()
        (staging / "file.txt").write_text(content)
        assert swap_in(staging, dest) == dest
        assert (dest / "file.txt").read_text() == content and not staging.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]      # no .old copy left behind
