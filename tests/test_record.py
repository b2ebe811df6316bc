"""The run record: restore/store of the committed copy, and the committed full-profile record itself."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from course_utils import claims, record, report, runner

ROOT = record.ROOT
BOOKS = runner.find_notebooks(ROOT / "notebooks")


def _run(build, name, commit="abc1234", fingerprint=""):
    record.save_run(record.NotebookRun(name, "ok", 5.0, claims_fingerprint=fingerprint), build, "full", commit=commit)
    (build / "results").mkdir(parents=True, exist_ok=True)
    (build / "results" / f"{name}.jsonl").write_text(json.dumps({"lesson": name}) + "\n")


def test_store_then_restore_keeps_lessons_already_run(tmp_path):
    build, rec = tmp_path / "build", tmp_path / "docs" / "record"
    _run(build, "01_a", fingerprint="f1")
    _run(build, "02_b")
    (build / "results" / "claims").mkdir()
    (build / "results" / "claims" / "01_a.jsonl").write_text("{}\n")
    (build / "results" / "figures").mkdir()
    (build / "results" / "figures" / "01_a.png").write_bytes(b"png")
    assert record.store(build, rec) == ["01_a", "02_b"]
    assert (rec / "results" / "claims" / "01_a.jsonl").is_file() and not (rec / "results" / "figures").exists()
    run = record.load_runs(rec)[0]
    assert (run.profile, run.commit, run.claims_fingerprint) == ("full", "abc1234", "f1") and run.date

    fresh = tmp_path / "fresh"
    _run(fresh, "02_b", commit="new5678")  # rerun here: kept, not overwritten by the record
    assert record.restore(rec, fresh) == ["01_a"]
    assert {r.name: r.commit for r in record.load_runs(fresh)} == {"01_a": "abc1234", "02_b": "new5678"}
    assert (fresh / "results" / "claims" / "01_a.jsonl").is_file()
    # storing again replaces the record as a whole: a lesson gone from the build is gone from the record
    (build / "runs" / "02_b.json").unlink()
    record.store(build, rec)
    assert [r.name for r in record.load_runs(rec)] == ["01_a"] and not (rec / "results" / "02_b.jsonl").exists()
    with pytest.raises(FileNotFoundError):
        record.store(tmp_path / "empty", rec)


def test_clear_runs_removes_claims_too(tmp_path):
    _run(tmp_path, "01_a")
    (tmp_path / "results" / "claims").mkdir()
    (tmp_path / "results" / "claims" / "01_a.jsonl").write_text("{}\n")
    record.clear_runs(tmp_path, "01_a")
    assert not list(tmp_path.rglob("*01_a*"))


# ----------------------------------------------------------------------------- the committed record


RUNS = {r.name: r for r in record.load_runs(record.RECORD_DIR)}
RECORDED_CLAIMS = claims.load_dir(record.RECORD_DIR / "results")
RESULTS_MD = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")


def test_every_lesson_has_a_full_profile_run_in_the_record():
    assert sorted(RUNS) == [b.stem for b in BOOKS]
    for name, run in RUNS.items():
        assert run.profile == "full" and run.status == "ok", name
        assert f"| {name} | ok |" in RESULTS_MD, f"docs/results.md does not show {name}: run make results"


@pytest.mark.parametrize("book", BOOKS, ids=lambda p: p.stem[:2])
def test_record_matches_the_lessons_claims(book):
    run = RUNS[book.stem]
    assert run.claims_fingerprint == claims.fingerprint(book), (
        f"{book.stem} changed its claims since its full-profile run in docs/record: "
        f"run make results LESSONS=\"{book.stem[:2]}\" and commit docs/"
    )
    assert f"`{run.claims_fingerprint}`" in RESULTS_MD
    got = {c.key: c for c in RECORDED_CLAIMS.get(book.stem, [])}
    assert set(got) == set(claims.keys_in(book)), f"{book.stem}: the record's claims are not the notebook's"
    failed = [c.text for c in got.values() if c.verdict != "held"]
    assert not failed, f"{book.stem}: claims that did not hold in the full-profile run: {failed}"


def test_results_md_records_no_failed_claim():
    rows = [ln for ln in RESULTS_MD.splitlines() if re.match(r"^\|.*\|\s*\**failed\**\s*\|", ln, re.IGNORECASE)]
    assert not rows, rows


def _code(book) -> str:
    nb = nbformat.read(book, as_version=4)
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("lesson, keys", sorted(report.expected_keys().items()))
def test_keys_the_report_expects_are_recorded(lesson, keys):
    source = _code(ROOT / "notebooks" / f"{lesson}.ipynb")
    recorded = {json.loads(ln).get("key") for ln in
                (record.RECORD_DIR / "results" / f"{lesson}.jsonl").read_text(encoding="utf-8").splitlines() if ln.strip()}
    for key in sorted(keys):
        assert re.search(rf"""["']{key}["']""", source), f"{lesson} does not record key={key!r}"
        assert key in recorded, f"docs/record has no {key!r} for {lesson}: rerun it with make results"
