"""course_exercises: the checks of the lessons' exercises, one module per lesson (``lesson01.py`` ...).

A package apart from ``course_utils``: the checks hold the reference answers
(students should not meet them while reading the helpers), each serves one
notebook, and they import ``course_utils``, never the other way round.
A notebook imports them in its "Exercises" section::

    import course_exercises as exercises

Each exercise ``NN.k`` has a check ``exercises.check_NN_k(answer)``: it tests the student's answer against a
reference on seeded random inputs, prints what passed, what failed and a hint (never the solution), never raises,
and returns a :class:`Verdict`, true when passed. ``python -m course_exercises student`` (``make
exercises``) writes the student edition, without the solution cells, to ``build/student/``.

Modules, imports pointing down the list: ``lessonNN`` (one lesson's checks) ->
``keras_checks`` (steps shared by checks whose answers are Keras models) and
``references`` (reference answers two lessons' checks share) -> ``core``
(``Check``, ``Verdict``, the ``@exercise`` registry); ``student`` (the student
edition) stands apart. Right and wrong answers for every check are in
``tests/exercise_cases/``.
"""

from __future__ import annotations

import importlib
import pkgutil

import course_utils  # noqa: F401  (first: it quietens TensorFlow's start-up messages)

from .core import REGISTRY, Check, Verdict, exercise

__all__ = ["REGISTRY", "Check", "Verdict", "exercise", "numbers"]

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("lesson"):
        _module = importlib.import_module(f".{_info.name}", __name__)
        for _name in dir(_module):
            if _name.startswith("check_"):
                globals()[_name] = getattr(_module, _name)
                __all__.append(_name)


def numbers(lesson: int | None = None) -> list[str]:
    """Registered exercise numbers ("01.1", ...), all or one lesson's, in order."""
    keys = sorted(REGISTRY, key=lambda n: tuple(int(p) for p in n.split(".")))
    return [k for k in keys if lesson is None or int(k.split(".")[0]) == lesson]
