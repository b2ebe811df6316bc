"""The course report: every notebook with status and time, results beside the source lessons' numbers,
figures, failures, and the same data in Markdown, HTML and JSON."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import nbformat
import pytest

from course_utils import record as record_module
from course_utils import report, runner
from course_utils.results import Result

# a 1x1 PNG
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


Run = runner.NotebookRun


def _record(folder: Path, lesson: str, metric: str, value, split="test", source="mirror", profile="quick", key=""):
    folder.mkdir(parents=True, exist_ok=True)
    res = Result(lesson, metric, value, split, profile, source, 1.5, "", time.time(), key)
    with open(folder / f"{lesson}.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(res.__dict__) + "\n")


def test_every_notebook_appears_with_status_and_time(tmp_path):
    books = runner.find_notebooks(runner.ROOT / "notebooks")
    assert len(books) >= 2
    runs = [
        Run(p.stem, "ok" if i % 3 else "failed", 10.0 + i, error="boom" if not i % 3 else "", peak_rss_mb=300.0 + i)
        for i, p in enumerate(books)
    ]
    path = report.write_report(runs, tmp_path, "quick")
    md = path.read_text()
    html_text = (tmp_path / "report.html").read_text()
    data = json.loads((tmp_path / "report.json").read_text())
    for run in runs:
        assert f"| {run.name} | {run.status} | {run.seconds:.1f} | {run.peak_rss_mb:,.0f} MB |" in md
        assert f'<td>{run.name}</td>\n<td class="{run.status}">{run.status}</td>' in html_text
        assert f'<td style="text-align: right;">{run.seconds:.1f}</td>' in html_text
    assert [n["name"] for n in data["notebooks"]] == [r.name for r in runs]
    assert all(n["status"] in ("ok", "failed") and n["seconds"] > 0 for n in data["notebooks"])
    n_ok = sum(r.status == "ok" for r in runs)
    assert f"{n_ok} of {len(runs)} notebooks ran" in md
    assert html_text.startswith("<!DOCTYPE html>") and html_text.rstrip().endswith("</html>")


def test_results_are_matched_to_the_source_numbers_by_key(tmp_path):
    res = tmp_path / "results"
    _record(res, "08_sentence_sentiment", "leak-free test accuracy (BiLSTM, best checkpoint)", 0.78,
            key="leak_free_test_accuracy")
    _record(res, "08_sentence_sentiment", "source split 'test' accuracy (leaky)", 0.97, split="flawed test",
            key="leaky_split_test_accuracy")
    _record(res, "09_pos_tagging", "padded share of timesteps, length buckets", 0.1, split="train")
    _record(res, "09_pos_tagging", "renamed label: tagger, no traces", 0.91, source="synthetic",
            key="masked_token_accuracy")
    _record(res, "09_pos_tagging", "plain accuracy, source's way", 0.99, key="source_way_plain_accuracy")
    _record(res, "09_pos_tagging", "'masked' accuracy, source's way", 0.95, key="source_way_pred_masked_accuracy")
    _record(res, "09_pos_tagging", "token accuracy, most-frequent-tag baseline", 0.85)
    _record(res, "05_imdb_sentiment", "source set-up: BiLSTM test accuracy", 0.7, profile="full",
            key="source_setup_bilstm_test_accuracy")
    _record(res, "05_imdb_sentiment", "test accuracy: SimpleRNN + Dense", 0.55, profile="full")
    _record(res, "05_imdb_sentiment", "test accuracy: BiLSTM", 0.8, profile="full", key="bilstm_test_accuracy")
    _record(res, "05_imdb_sentiment", "test accuracy: SimpleRNN", 0.6)  # no key: not matched by its label
    _record(res, "05_imdb_sentiment", "best test accuracy", 0.82, profile="full", key="best_test_accuracy")
    _record(res, "07_tweet_emotions", "bigru_2_layers: accuracy", 0.3, key="bigru_2_layers_test_accuracy")
    runs = [Run("05_imdb_sentiment", "ok", 3), Run("08_sentence_sentiment", "ok", 5), Run("09_pos_tagging", "ok", 7)]
    rep = report.collect(runs, tmp_path, "quick")
    by = {(c.reference.lesson, c.reference.value): c for c in rep.comparisons}

    leak = by[("08_sentence_sentiment", 0.991)]
    assert leak.ours.value == 0.78 and leak.rerun.value == 0.97
    assert "leak" in leak.why and "quick profile" in leak.why
    for value in (0.979, 0.776):
        pos = by[("09_pos_tagging", value)]
        assert pos.ours.metric == "renamed label: tagger, no traces"  # the label is free text
        assert "flawed metric" in pos.why and "synthetic" in pos.why
    assert by[("09_pos_tagging", 0.979)].rerun.value == 0.99
    assert by[("09_pos_tagging", 0.776)].rerun.value == 0.95
    bilstm = by[("05_imdb_sentiment", 0.784)]
    assert bilstm.ours.value == 0.8 and bilstm.rerun.value == 0.7 and "quick profile" not in bilstm.why
    simple = by[("05_imdb_sentiment", 0.584)]
    assert simple.ours is None and simple.why.startswith("no matching result recorded")
    tweets = by[("07_tweet_emotions", 0.332)]
    assert tweets.lesson_status == "not run" and tweets.ours is None  # reference shown without a run
    runs.append(Run("07_tweet_emotions", "ok", 4))
    tweets = next(c for c in report.collect(runs, tmp_path, "quick").comparisons if c.reference.value == 0.332)
    assert tweets.ours.value == 0.3 and "sigmoid" in tweets.why

    md = report.render_markdown(rep)
    assert "| 08_sentence_sentiment | 004 |" in md and "| 0.991 | 0.78 (test, mirror) | 0.97 |" in md
    assert "| 07_tweet_emotions | 000 |" in md and "not run" in md
    assert "**Synthetic data** (no mirror or network): 09_pos_tagging" in md
    assert "004 test accuracy: 0.991 (ours 0.78)" in md  # beside the lesson's row
    # the lesson's row leads with the result compared with the source, then other test numbers
    assert "| 09_pos_tagging | ok | 7.0 | - | renamed label: tagger, no traces = 0.91; plain accuracy" in md


def test_find_result_uses_the_key_and_the_last_record():
    def r(metric, key, value=0.5):
        return Result("x", metric, value, "test", "quick", "mirror", None, "", 0.0, key)

    results = [r("BiLSTM accuracy", "bilstm", 0.1), r("GRU", ""), r("BiLSTM accuracy, again", "bilstm", 0.2)]
    assert report.find_result(results, "bilstm").value == 0.2
    assert report.find_result(results, "gru") is None and report.find_result(results, "") is None


def test_claims_and_partial_data_reach_the_report(tmp_path, monkeypatch):
    from course_utils import claims, results, settings

    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path / "results"))
    monkeypatch.setenv("COURSE_PROFILE", "full")
    settings.reload()
    try:
        results.record("06_news", "data used", "PARTIAL: 6,080 train / 1,520 test", split="all", source="mirror",
                       key="data_used")
        results.record("06_news", "test accuracy", 0.8, source="mirror")
        claims.claim("06_news", "lstm_wins", "LSTM {a:.2f} beats SimpleRNN", holds=True, numbers=dict(a=0.8),
                     source="mirror", show=False)
        claims.claim("06_news", "bucketing_ties", "Bucketing ties padding", holds=False, source="mirror", show=False)
    finally:
        monkeypatch.undo()
        settings.reload()
    rep = report.collect([Run("06_news", "ok", 1.0)], tmp_path, "full")
    assert [c.verdict for c in rep.lessons[0].claims] == ["held", "failed"]
    md = report.render_markdown(rep)
    assert "1 held, 1 failed, 0 not judged." in md
    assert "| 06_news | LSTM 0.80 beats SimpleRNN | held | a = 0.8 |" in md
    assert "| 06_news | Bucketing ties padding | **failed** |" in md
    assert "(data: mirror; PARTIAL: 6,080 train / 1,520 test)" in md
    html_text = report.render_html(rep, tmp_path)
    assert '<td class="failed">failed</td>' in html_text and "LSTM 0.80 beats SimpleRNN" in html_text
    assert json.loads(json.dumps(report.to_json(rep)))["notebooks"][0]["claims"][0]["key"] == "lstm_wins"


def test_failures_show_cell_and_error_escaped_in_html(tmp_path):
    executed = tmp_path / "executed"
    executed.mkdir()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("raise ValueError('<b>bad</b>')")
    cell.outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="<b>bad</b>",
                                           traceback=["\x1b[31mValueError\x1b[39m: <b>bad</b>"])]
    nb.cells = [cell]
    nbformat.write(nb, executed / "01_broken.ipynb")
    runs = [Run("01_broken", "failed", 2.0, error="\x1b[31mValueError\x1b[39m: <b>bad</b>",
                    failing_cell="raise ValueError('<b>bad</b>')"), Run("02_fine", "ok", 1.0)]
    report.write_report(runs, tmp_path, "full")
    md = (tmp_path / "report.md").read_text()
    html_text = (tmp_path / "report.html").read_text()
    assert "## Failures" in md and "raise ValueError('<b>bad</b>')" in md
    assert "ValueError: <b>bad</b>" in md and "\x1b" not in md  # colour codes stripped
    assert "<b>bad</b>" not in html_text and "&lt;b&gt;bad&lt;/b&gt;" in html_text
    assert "quick profile trains on small subsets" not in md  # full profile: no quick warning
    assert "| 02_fine | ok | 1.0 | - |" in md


def test_figures_saved_or_taken_from_the_executed_copy(tmp_path):
    figs = tmp_path / "results" / "figures"
    figs.mkdir(parents=True)
    (figs / "03_text_history.png").write_bytes(PNG)
    (figs / "03_text_history.tmp.png").write_bytes(PNG)  # an interrupted save: ignored
    (figs / "unrelated.png").write_bytes(PNG)
    executed = tmp_path / "executed"
    executed.mkdir()
    nb = nbformat.v4.new_notebook()
    curve = nbformat.v4.new_code_cell("cu.plots.plot_history(history);")
    curve.outputs = [nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(PNG).decode()})]
    other = nbformat.v4.new_code_cell("plt.plot([1, 2])")
    other.outputs = [nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(PNG).decode()})]
    nb.cells = [curve, other]
    nbformat.write(nb, executed / "04_curves.ipynb")
    runs = [Run("03_text", "ok", 1.0), Run("04_curves", "ok", 1.0)]
    report.write_report(runs, tmp_path, "quick")
    md = (tmp_path / "report.md").read_text()
    html_text = (tmp_path / "report.html").read_text()
    assert "![03_text: history](results/figures/03_text_history.png)" in md
    assert "tmp.png" not in md
    assert "![04_curves: training curves 1](report_figures/04_curves_curves_1.png)" in md
    assert "curves_2" not in md  # only plot_history outputs are taken
    assert (tmp_path / "report_figures" / "04_curves_curves_1.png").read_bytes() == PNG
    assert "## Other results" in md and "(results/figures/unrelated.png)" in md
    embedded = base64.b64encode(PNG).decode()
    assert html_text.count(f"data:image/png;base64,{embedded}") == 3
    assert 'src="results/' not in html_text  # self-contained


@pytest.mark.parametrize("value, shown", [(42.0, "42"), (0.123456, "0.1235"), ("yes", "yes"), (None, "-")])
def test_format_value(value, shown):
    assert report.format_value(value) == shown


def test_references_are_well_formed():
    import re

    lessons = {p.stem for p in runner.find_notebooks(runner.ROOT / "notebooks")}
    for ref in report.REFERENCES:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+", ref.lesson) and ref.source in {"000", "001", "002", "003", "004"}
        assert ref.ours and ref.why and (ref.value is not None or ref.note)
        for key in (ref.ours, ref.rerun):
            assert key == "" or re.fullmatch(r"[a-z0-9][a-z0-9_]*", key), key
        # a lesson that exists must be the one the table names (no typo in the lesson name)
        if ref.lesson[:2] in {name[:2] for name in lessons}:
            assert ref.lesson in lessons, f"{ref.lesson} is not a notebook name"


def test_aims_met_missed_or_not_applicable(tmp_path):
    runs = [Run("05_imdb_sentiment", "ok", 100.0), Run("09_pos_tagging", "ok", 50.0)]
    _record(tmp_path / "results", "05_imdb_sentiment", "best test accuracy", 0.871, profile="full",
            key="best_test_accuracy")
    _record(tmp_path / "results", "09_pos_tagging", "masked token accuracy, BiGRU tagger", 0.912, profile="full",
            key="masked_token_accuracy")
    _record(tmp_path / "results", "09_pos_tagging", "plain accuracy over all padded positions", 0.99, profile="full",
            key="source_way_plain_accuracy")
    report.write_report(runs, tmp_path, "full")
    data = json.loads((tmp_path / "report.json").read_text())
    verdicts = {a["aim"]["lesson"]: (a["ours"]["value"], a["verdict"]) for a in data["aims"]}
    assert verdicts == {"05_imdb_sentiment": (0.871, "met"), "09_pos_tagging": (0.912, "MISSED")}
    md = (tmp_path / "report.md").read_text()
    assert "| 09_pos_tagging | POS masked token accuracy on held-out sentences, trace tokens in the input but not scored | ≥ 0.93 | 0.912 | MISSED |" in md
    assert "MISSED" in (tmp_path / "report.html").read_text()
    # the quick profile does not judge aims, and a lesson that did not run says so
    quick = report.collect(runs[:1], tmp_path, "quick")
    assert [a.verdict for a in quick.aims] == ["not applicable (quick profile or synthetic data)", "not run"]


def test_results_doc_from_a_build_folder(tmp_path):
    build = tmp_path / "build"
    for name, commit in (("05_imdb_sentiment", "abc1234"), ("09_pos_tagging", "def5678")):
        run = runner.NotebookRun(name, "ok", 60.0, peak_rss_mb=900.0)
        runner.save_run(run, build, "full")
        record = json.loads((build / "runs" / f"{name}.json").read_text())
        assert record["cpu"] == record_module.cpu_name() == record_module.machine_info()["cpu"]      # the machine that ran it is kept
        record["commit"] = commit
        record["cpu"] = {"abc1234": "Intel(R) Xeon(R) Processor", "def5678": "AMD EPYC"}[commit]
        (build / "runs" / f"{name}.json").write_text(json.dumps(record))
    _record(build / "results", "05_imdb_sentiment", "best test accuracy", 0.84, profile="full",
            key="best_test_accuracy")
    (build / "results" / "figures").mkdir()
    (build / "results" / "figures" / "05_imdb_sentiment_curves.png").write_bytes(PNG)
    record_dir = tmp_path / "docs" / "record"
    out = report.write_results_doc(build, tmp_path / "docs" / "results.md", note="Two lessons ran at once.",
                                   record=record_dir)
    text = out.read_text()
    # the raw records are stored beside the document, without figures
    assert sorted(p.name for p in (record_dir / "runs").iterdir()) == ["05_imdb_sentiment.json", "09_pos_tagging.json"]
    assert (record_dir / "results" / "05_imdb_sentiment.jsonl").is_file() and not (record_dir / "results" / "figures").exists()
    assert "## Claims fingerprints" in text and "| 09_pos_tagging | 0 |" in text
    assert "\nTwo lessons ran at once.\n" in text
    assert text.startswith("# Results of a full-profile run")
    assert "abc1234 (05)" in text and "def5678 (09)" in text
    assert "- cpu: AMD EPYC (09); Intel(R) Xeon(R) Processor (05)" in text   # each lesson's own machine
    assert "cores" in text and "tensorflow" in text and "lessons: 2 run, 2 ok" in text
    assert "| 05_imdb_sentiment | best IMDB test accuracy, full test set | ≥ 0.85 | 0.84 | MISSED |" in text
    assert "![" not in text and "executed/" not in text      # no links into the build folder
    # a folder without run records, or with two profiles, is refused
    with pytest.raises(FileNotFoundError, match="no run records"):
        report.write_results_doc(tmp_path / "empty", tmp_path / "x.md")
    runner.save_run(runner.NotebookRun("10_char_text_generation", "ok", 1.0), build, "quick")
    with pytest.raises(ValueError, match="mixes profiles"):
        report.write_results_doc(build, tmp_path / "x.md")
