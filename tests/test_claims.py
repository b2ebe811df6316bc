"""Claims (a lesson's conclusions, judged only in the full profile on real data) and the intervals they use."""

from __future__ import annotations


import nbformat
import numpy as np
import pytest

from course_utils import claims, settings, stats


@pytest.fixture()
def env(tmp_path, monkeypatch):
    def set_profile(profile: str):
        monkeypatch.setenv("COURSE_PROFILE", profile)
        monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path / "results"))
        settings.reload()

    claims.clear()
    yield set_profile
    monkeypatch.undo()
    settings.reload()
    claims.clear()


def test_claim_is_judged_only_in_the_full_profile_on_real_data(env, tmp_path, capsys):
    env("full")
    held = claims.claim("02_x", "gru_wins", "GRU {g:.2f} vs RNN {r:.2f}", holds=np.float64(0.9) > 0.5,
                        numbers=dict(g=np.float32(0.9), r=0.5), source="generated")
    assert held.verdict == "held" and held.text == "GRU 0.90 vs RNN 0.50" and held.numbers["g"] == pytest.approx(0.9)
    failed = claims.claim("02_x", "rnn_wins", "RNN wins", holds=False, source="mirror")
    assert failed.verdict == "failed"
    synthetic = claims.claim("02_x", "on_fake_data", "x", holds=True, source=["mirror", "synthetic"])
    assert synthetic.verdict == "not judged" and "synthetic" in synthetic.why_not_judged
    out = capsys.readouterr().out
    assert "claim held" in out and "CLAIM FAILED" in out and "not judged" in out
    env("quick")
    quick = claims.claim("02_x", "gru_wins", "GRU {g:.2f} vs RNN {r:.2f}", holds=False, numbers=dict(g=0.1, r=0.2),
                         source="mirror")
    assert quick.verdict == "not judged" and quick.why_not_judged == "quick profile" and not quick.holds
    assert "does not hold" in claims.as_markdown(quick)
    # the latest statement of a key replaces the earlier one, in memory and when read back
    assert list(claims.table("02_x")["key"]) == ["rnn_wins", "on_fake_data", "gru_wins"]
    loaded = claims.load_dir(tmp_path / "results")["02_x"]
    assert {c.key: c.verdict for c in loaded} == {"gru_wins": "not judged", "rnn_wins": "failed", "on_fake_data": "not judged"}
    assert list(claims.table("02_x")["verdict"]) == ["failed", "not judged", "not judged"]


@pytest.mark.parametrize("kwargs, error", [
    (dict(key="Bad Key", text="x", holds=True), ValueError),
    (dict(key="ok", text="x", holds=1), TypeError),
    (dict(key="ok", text="x", holds="yes"), TypeError),
    (dict(key="ok", text="needs {a}", holds=True), ValueError),
    (dict(key="ok", text="{a}", holds=True, numbers=dict(a=[1, 2])), TypeError),
])
def test_claim_rejects_bad_input(env, kwargs, error):
    env("quick")
    with pytest.raises(error):
        claims.claim("02_x", source="mirror", show=False, **kwargs)


def test_say_formats_numbers(capsys):
    claims.say("accuracy {a:.1%}", a=0.8123)
    assert capsys.readouterr().out.strip() == "accuracy 81.2%"


def _notebook(path, *cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, path)
    return path


def test_keys_and_fingerprint_are_read_from_the_notebook(tmp_path):
    a = _notebook(tmp_path / "a.ipynb", "%matplotlib inline\nx = 1",
                  'cu.claims.claim(LESSON, "first", "A {x}", holds=x > 0, numbers=dict(x=x), source=s)',
                  'claim(LESSON, key="second", text="B", holds=True, source=s)')
    assert claims.keys_in(a) == ["first", "second"]
    # layout does not change the fingerprint; the sentence or the check does
    b = _notebook(tmp_path / "b.ipynb", "x = 2",
                  'cu.claims.claim(\n    LESSON, "first", "A {x}",\n    holds=x > 0, numbers=dict(x=x), source=s,\n)',
                  'claim(LESSON, key="second", text="B", holds=True, source=s)')
    assert claims.fingerprint(a) == claims.fingerprint(b)
    c = _notebook(tmp_path / "c.ipynb", 'cu.claims.claim(LESSON, "first", "A {x}", holds=x > 1, numbers=dict(x=x), source=s)',
                  'claim(LESSON, key="second", text="B", holds=True, source=s)')
    assert claims.fingerprint(c) != claims.fingerprint(a)
    assert claims.fingerprint(_notebook(tmp_path / "none.ipynb", "x = 1")) == claims.fingerprint(
        _notebook(tmp_path / "none2.ipynb", "y = 2"))
    bad = _notebook(tmp_path / "bad.ipynb", 'cu.claims.claim(LESSON, name, "A", holds=True, source=s)')
    with pytest.raises(ValueError, match="no literal key"):
        claims.keys_in(bad)


# ----------------------------------------------------------------------------- stats


def test_accuracy_interval_is_wilson():
    iv = stats.accuracy_interval([1] * 80 + [0] * 20)
    assert iv.estimate == 0.8 and iv.n == 100
    assert iv.low == pytest.approx(0.7112, abs=1e-3) and iv.high == pytest.approx(0.8666, abs=1e-3)
    assert stats.accuracy_interval([1, 1, 1]).high == 1.0
    with pytest.raises(ValueError, match="0/1"):
        stats.accuracy_interval([0.3, 0.9])


def test_paired_difference_separates_real_gaps_from_ties():
    rng = np.random.default_rng(0)
    truth = rng.random(3000)
    a = truth < 0.85
    b = truth < 0.80                       # a is right on every item b is right on, and more
    d = stats.paired_difference(a, b, names=("lstm", "rnn"))
    assert d.a_better and d.verdict == "lstm better" and d.low > 0
    assert d.estimate == pytest.approx(a.mean() - b.mean())
    noise = rng.random(3000) < 0.8
    noise2 = rng.random(3000) < 0.8
    tie = stats.paired_difference(noise, noise2)
    assert tie.tie and tie.verdict == "tie"
    assert stats.paired_difference(b, a, names=("x", "y")).verdict == "y better"
    same = stats.paired_difference(a, a)
    assert same.estimate == 0 and same.tie
    with pytest.raises(ValueError, match="must match"):
        stats.paired_difference(a, b[:10])


def test_paired_difference_with_a_metric():
    from sklearn.metrics import f1_score

    from course_utils.metrics import macro_f1_metric

    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 600)
    good = np.where(rng.random(600) < 0.7, y, rng.integers(0, 3, 600))
    bad = rng.integers(0, 3, 600)
    f1 = macro_f1_metric(3)          # fast: the bootstrap calls it 2000 times
    d = stats.paired_difference(good, bad, y_true=y, metric=f1)
    want = f1_score(y, good, average="macro") - f1_score(y, bad, average="macro")
    assert d.a_better and d.estimate == pytest.approx(want)
    with pytest.raises(ValueError, match="y_true"):
        stats.paired_difference(good, bad, metric=f1)


def test_seeds():
    s = stats.over_seeds([0.8, 0.82, 0.81])
    assert s.mean == pytest.approx(0.81) and s.sd == pytest.approx(0.01) and str(s) == "0.810 ± 0.010 (3 seeds)"
    assert stats.seed_difference([0.9, 0.91, 0.92], [0.7, 0.71, 0.69]).a_better
    assert stats.seed_difference([0.8, 0.9, 0.7], [0.81, 0.71, 0.88]).tie
    with pytest.raises(ValueError, match="two seeds"):
        stats.seed_difference([0.8], [0.7, 0.6])
