import os
import random

import numpy as np
import pytest

from course_utils import settings


def test_default_profile_is_full(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    assert settings.reload().profile == "full"
    assert not settings.is_quick()


@pytest.mark.parametrize("value", ["quick", "QUICK", " full "])
def test_valid_profiles(monkeypatch, value):
    monkeypatch.setenv("COURSE_PROFILE", value)
    assert settings.reload().profile == value.strip().lower()


def test_unknown_profile_lists_valid_values(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    with pytest.raises(ValueError, match="quick, full"):
        settings.reload()


def test_paths_and_mirrors(monkeypatch, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COURSE_DATA_MIRROR", f"{a}{os.pathsep}{b}{os.pathsep}")
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    s = settings.reload()
    assert s.data_dir == tmp_path / "cache"
    assert s.mirror_dirs == (a, b)
    assert s.offline is True


def test_offline_value_checked(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "maybe")
    with pytest.raises(ValueError, match="COURSE_OFFLINE"):
        settings.reload()


def test_default_cache_dir_is_user_cache(monkeypatch):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.delenv("COURSE_DATA_MIRROR", raising=False)
    s = settings.reload()
    assert "rnn-course" in str(s.data_dir)
    assert s.mirror_dirs == ()


def test_profile_picks_current_sizes(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    settings.reload()
    cfg = settings.profile(quick=dict(epochs=1, n=10), full=dict(epochs=10, n=None))
    assert cfg.epochs == 1 and cfg["n"] == 10 and cfg.profile == "quick"
    assert "quick" in capsys.readouterr().out
    monkeypatch.setenv("COURSE_PROFILE", "full")
    settings.reload()
    assert settings.profile(quick=dict(epochs=1), full=dict(epochs=10)).epochs == 10


def test_profile_keys_must_match():
    with pytest.raises(ValueError, match="missing in full: \\['n'\\]"):
        settings.profile(quick=dict(epochs=1, n=3), full=dict(epochs=2))


def test_profile_unknown_attribute_is_clear():
    cfg = settings.profile(quick=dict(a=1), full=dict(a=2))
    with pytest.raises(AttributeError, match="defined: a"):
        cfg.b


def test_seed_everything_reproduces():
    settings.seed_everything(7)
    first = (random.random(), np.random.rand())
    settings.seed_everything(7)
    assert (random.random(), np.random.rand()) == first
    with pytest.raises(ValueError, match="between 0 and"):
        settings.seed_everything(-1)


def test_scratch_dir_is_new_outside_the_repo_and_keeps_few_runs(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "cache"))
    settings.reload()
    runs = []
    for i in range(4):
        run = settings.scratch_dir("08_sentence_sentiment", keep=2)
        assert run.is_dir() and not any(run.iterdir()) and run not in runs
        assert run.parent == tmp_path / "cache" / "scratch" / "08_sentence_sentiment"
        (run / "model.keras").write_text(str(i))
        os.utime(run, (1_000_000 + i, 1_000_000 + i))   # creation order, whatever the clock's resolution
        runs.append(run)
    assert sorted(run.parent.iterdir()) == sorted(runs[-2:])     # the newest run and the one before it
    other = settings.scratch_dir("10_char_text_generation", keep=1)
    assert other.parent.name == "10_char_text_generation" and runs[-1].is_dir()
    for bad in ("", "..", "../x", "a/b"):
        with pytest.raises(ValueError, match="lesson name"):
            settings.scratch_dir(bad)
    with pytest.raises(ValueError, match="keep"):
        settings.scratch_dir("08_sentence_sentiment", keep=0)
