"""The machinery behind every exercise check: verdicts, steps, hints, never a crash.

A check is a function of a :class:`Check` and the student's answer, registered
with :func:`exercise`, which turns it into ``check_NN_k(answer) -> Verdict``::

    @exercise("01.1", "one GRU step in NumPy")
    def check_01_1(ck: Check, gru_step) -> None:
        ck.is_callable(gru_step, "gru_step")
        x, h = ck.rng.normal(size=(4, 3)), ck.rng.normal(size=(4, 8))
        ck.close(ck.call(gru_step, x, h), reference(x, h), "the new state", hint="h_t = z * h_prev + ...")
        ck.passed("matches the reference")

The check's random generator is seeded from the exercise number (the same
answer always gets the same verdict); every exception becomes a printed
"NOT YET" with a hint, and the returned :class:`Verdict` is true only when
every step passed. Checks never print the solution.
"""

from __future__ import annotations

import functools
import re
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

REGISTRY: dict[str, Callable[..., "Verdict"]] = {}


class _Failed(Exception):
    """Raised inside a check to stop it at the first failed step."""

    def __init__(self, message: str, hint: str | None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass
class Verdict:
    """The outcome of one check: true if every step passed."""

    exercise: str
    title: str
    passed: bool
    steps: list[str] = field(default_factory=list)  # what passed, in order
    failure: str | None = None  # what failed (None if passed)
    hint: str | None = None

    def __bool__(self) -> bool:
        return self.passed

    def report(self) -> str:
        """The verdict as the text the check prints."""
        head = f"Exercise {self.exercise} ({self.title}): " + ("PASSED" if self.passed else "NOT YET")
        lines = [head, *(f"  [ok] {s}" for s in self.steps)]
        if self.failure:
            lines.append(f"  [!!] {self.failure}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def __repr__(self) -> str:  # notebooks show the printed report; keep the echo short
        return f"<Verdict {self.exercise}: {'passed' if self.passed else 'not yet'}>"


class Check:
    """What a check uses to test an answer step by step: every ``ck.<test>(...)`` records a passed step or stops
    the check with a failure message and an optional hint."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.steps: list[str] = []

    # -- outcomes --------------------------------------------------------------------------------
    def passed(self, what: str) -> None:
        """Record a step that passed."""
        self.steps.append(what)

    def fail(self, message: str, hint: str | None = None) -> None:
        """Stop the check: ``message`` says what is wrong, ``hint`` how to think about it."""
        raise _Failed(message, hint)

    def require(self, condition: Any, message: str, hint: str | None = None, passed: str | None = None) -> None:
        """Fail with ``message`` unless ``condition``; record ``passed`` (if given) when it holds."""
        if not condition:
            self.fail(message, hint)
        if passed:
            self.passed(passed)

    # -- calling the student's code ---------------------------------------------------------------
    def is_callable(self, answer: Any, name: str = "your function") -> None:
        """The answer must be a function (not None, not a value)."""
        if answer is None or answer is Ellipsis:
            self.fail(f"{name} is not defined yet (got {answer!r})", "fill in the stub above and run its cell")
        if not callable(answer):
            self.fail(f"expected a function for {name}, got a {type(answer).__name__}",
                      "pass the function itself, without calling it: check(f), not check(f())")

    def call(self, fn: Callable[..., Any], *args: Any, what: str | None = None, hint: str | None = None,
             **kwargs: Any) -> Any:
        """Call the student's ``fn``; turn a stub or an exception into a failed step (with ``hint``, if given)."""
        name = what or getattr(fn, "__name__", "your function")
        try:
            return fn(*args, **kwargs)
        except NotImplementedError:
            self.fail(f"{name} is still a stub (it raises NotImplementedError)",
                      "replace the `raise NotImplementedError` line with your code")
        except _Failed:
            raise
        except Exception as exc:  # the student's bug: say which exception, where it happened
            self.fail(f"{name} raised {type(exc).__name__}: {str(exc).strip()[:300]}",
                      hint or "run your function on a small example in a cell of its own to see where it breaks")

    # -- common tests ------------------------------------------------------------------------------
    def number(self, value: Any, what: str, hint: str = "return a single number (a float)") -> float:
        """The answer must be one number (a Python or NumPy scalar, or a size-1 array)."""
        arr = self.array(value, what, hint)
        if arr.size != 1:
            self.fail(f"{what} should be one number, got an array of shape {arr.shape}", hint)
        return float(arr.reshape(-1)[0])

    def spot(self, got: Any, mistakes: Any, atol: float = 1e-9, rtol: float = 1e-5) -> None:
        """Fail with the message and hint of the first ``(value, message, hint)`` of a typical mistake that ``got``
        equals (same shape, close)."""
        for value, message, hint in mistakes:
            if np.shape(got) == np.shape(value) and np.allclose(got, value, rtol=rtol, atol=atol):
                self.fail(message, hint)

    def diagnose(
        self, got: Any, guesses: list[tuple[Any, str]], message: str, hint: str,
        atol: float = 1e-9, rtol: float = 1e-5,
    ) -> None:
        """Fail with ``message`` and the hint of the first ``(value, hint)`` of a typical mistake that ``got``
        equals, else ``hint``; call it once ``got`` is known wrong."""
        self.spot(got, [(value, message, specific) for value, specific in guesses], atol, rtol)
        self.fail(message, hint)

    def pair(self, out: Any, what: str, names: tuple[str, ...]) -> tuple[Any, ...]:
        """The answer returned one thing per name (a tuple or list), e.g. ``names=("context", "weights")``."""
        if not isinstance(out, (tuple, list)) or len(out) != len(names):
            shown = ", ".join(names)
            self.fail(f"{what} should return {len(names)} things, ({shown}); got {_short(out, 60)}",
                      f"end your function with `return {shown}`")
        return tuple(out)

    @staticmethod
    def shape_of(value: Any) -> tuple[int, ...] | None:
        """The array shape of ``value``, or None if it is not an array of numbers (never fails)."""
        try:
            return np.asarray(value, dtype="float64").shape
        except Exception:
            return None

    def array(self, value: Any, what: str, hint: str | None = None) -> np.ndarray:
        """Convert to a float NumPy array (Keras tensors included) or fail."""
        try:
            arr = np.asarray(value, dtype="float64")
        except Exception:
            self.fail(f"{what} should be an array of numbers, got {type(value).__name__}", hint)
        return arr

    def shape(self, value: Any, expected: tuple[int, ...], what: str, hint: str | None = None) -> np.ndarray:
        """The answer is an array of shape ``expected``."""
        arr = self.array(value, what)
        if arr.shape != tuple(expected):
            self.fail(f"{what} has shape {arr.shape}; expected {tuple(expected)}", hint)
        return arr

    def close(
        self,
        value: Any,
        expected: Any,
        what: str,
        hint: str | None = None,
        atol: float = 1e-5,
        rtol: float = 1e-5,
        mistakes: Any = (),
    ) -> np.ndarray:
        """Same shape as ``expected`` and equal within the tolerances; if not, the first of the ``mistakes``
        (see :meth:`spot`) that the value equals names what went wrong."""
        exp = np.asarray(expected, dtype="float64")
        arr = self.shape(value, exp.shape, what, hint)
        if not np.all(np.isfinite(arr)):
            self.fail(f"{what} contains NaN or infinity", hint)
        if not np.allclose(arr, exp, atol=atol, rtol=rtol):
            self.spot(arr, mistakes, atol, rtol)
            worst = float(np.max(np.abs(arr - exp)))
            self.fail(f"{what} differs from the reference (largest difference {worst:.3g})", hint)
        return arr


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def exercise(number: str, title: str) -> Callable[[Callable[..., None]], Callable[..., Verdict]]:
    """Register ``check_NN_k(ck, answer, ...)`` as the check of exercise ``"NN.k"``."""
    if not re.fullmatch(r"\d\d\.\d+", number):
        raise ValueError(f"exercise numbers look like '01.2', got {number!r}")

    def decorate(body: Callable[..., None]) -> Callable[..., Verdict]:
        expected = "check_" + number.replace(".", "_")
        if body.__name__ != expected:
            raise ValueError(f"the check of exercise {number} must be called {expected}, not {body.__name__}")
        if number in REGISTRY:
            raise ValueError(f"exercise {number} is registered twice")

        @functools.wraps(body)
        def check(*args: Any, quiet: bool = False, **kwargs: Any) -> Verdict:
            ck = Check(seed=zlib.crc32(number.encode()))
            verdict = Verdict(number, title, passed=False)
            try:
                body(ck, *args, **kwargs)
                verdict.passed = True
            except _Failed as failed:
                verdict.failure, verdict.hint = failed.message, failed.hint
            except TypeError as exc:  # called with the wrong number of arguments, usually
                verdict.failure = f"the check could not use your answer: {exc}"
                verdict.hint = "call it as shown in the exercise cell"
            except Exception as exc:  # a bug in the check itself: still no crash in the student's notebook
                verdict.failure = f"the check itself failed ({type(exc).__name__}: {exc}); please report it"
            verdict.steps = list(ck.steps)
            if not quiet:
                print(verdict.report())
            return verdict

        check.exercise = number  # type: ignore[attr-defined]
        check.title = title  # type: ignore[attr-defined]
        REGISTRY[number] = check
        return check

    return decorate
