"""Claims: a lesson's conclusions, each a sentence plus the check that makes it true.

A lesson states every comparative or quantitative conclusion once, in the cell that measured it::

    cu.claims.claim(
        LESSON, "gru_remembers_far_back",
        "At T = {T}, the GRU recalls the early token ({gru:.2f}) while the SimpleRNN is near chance ({rnn:.2f}).",
        holds=bool(gru_acc > 0.9 and rnn_acc < 0.6),
        numbers=dict(T=100, gru=gru_acc, rnn=rnn_acc),
        source=source,
    )

The key is a string literal (tests read it statically); the text is filled from ``numbers``.
``holds`` is computed in every profile, but the claim is *judged* only in the full profile on
data that is not a synthetic stand-in ("not judged" otherwise). The claim is shown in the
notebook and, when ``COURSE_RESULTS_DIR`` is set, written to ``<dir>/claims/<lesson>.jsonl``.
:func:`say` shows prose that quotes numbers; :func:`fingerprint` hashes a notebook's claim calls.
"""

from __future__ import annotations

import ast
import hashlib
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import results, settings

HELD, FAILED, NOT_JUDGED = "held", "failed", "not judged"


@dataclass(frozen=True)
class Claim:
    """One conclusion of one lesson, as judged on one run."""

    lesson: str
    key: str
    text: str  # the sentence, numbers filled in
    holds: bool  # what the check said on this run's numbers
    verdict: str  # "held", "failed" or "not judged"
    numbers: dict[str, Any] = field(default_factory=dict)
    profile: str = ""
    source: str = ""
    why_not_judged: str = ""
    recorded_at: float = 0.0


_claims: list[Claim] = []


def _number(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, (int, float, str)):  # bool is an int
        return value
    raise TypeError(f"claim numbers must be numbers or short strings, got {type(value).__name__}")


def claim(
    lesson: str,
    key: str,
    text: str,
    *,
    holds: bool,
    numbers: Mapping[str, Any] | None = None,
    source: str | Iterable[str],
    show: bool = True,
) -> Claim:
    """State a conclusion of ``lesson``; judge it on this run's numbers; show and record it.

    ``text`` is filled with ``text.format(**numbers)``; ``holds`` must be a
    bool (``numpy.bool_`` is accepted); ``source`` is the data source (or
    sources) the numbers came from (``ds.source``; ``"generated"`` for data a
    lesson makes on purpose). Returns the :class:`Claim`.
    """
    if not results.KEY.match(key or ""):
        raise ValueError(f"claim key {key!r}: use lower-case letters, digits and underscores")
    if type(holds).__name__ not in ("bool", "bool_"):
        raise TypeError(f"claim {key!r}: holds must be True or False (a comparison), got {type(holds).__name__}")
    nums = {k: _number(v) for k, v in (numbers or {}).items()}
    try:
        sentence = text.format(**nums)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"claim {key!r}: its text needs a number it was not given ({exc})") from None
    profile = settings.current_profile()
    sources = {source} if isinstance(source, str) else set(source)
    why = f"{profile} profile" if profile != "full" else "synthetic stand-in data" if "synthetic" in sources else ""
    verdict = NOT_JUDGED if why else HELD if holds else FAILED
    result = Claim(lesson, key, sentence, bool(holds), verdict, nums, profile, ", ".join(sorted(sources)), why,
                   time.time())
    _claims[:] = [c for c in _claims if not (c.lesson == lesson and c.key == key)] + [result]
    results.write_line(result, "claims")
    if show:
        say(as_markdown(result))
    return result


def as_markdown(c: Claim) -> str:
    """One claim as a Markdown paragraph: badge, sentence, and the numbers it rests on."""
    detail = [f"`{c.key}`"]
    if c.numbers:
        shown = (f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}" for k, v in c.numbers.items())
        detail.append(", ".join(shown))
    if c.verdict == NOT_JUDGED:
        detail.append(f"the check on these numbers: {'holds' if c.holds else 'does not hold'}")
    badge = {HELD: "✅ **claim held**", FAILED: "❌ **CLAIM FAILED**"}.get(
        c.verdict, f"⏸️ **claim not judged** ({c.why_not_judged})")
    return f"{badge} · {c.text}  \n<small>{'; '.join(detail)}</small>"


def say(text: str, **numbers: Any) -> None:
    """Show Markdown prose built at run time: ``say("Accuracy rose to {acc:.1%}.", acc=acc)``."""
    from IPython import get_ipython
    from IPython.display import Markdown, display

    body = text.format(**numbers) if numbers else text
    if get_ipython() is None:
        print(body)
    else:
        display(Markdown(body))


def clear() -> None:
    """Forget the in-memory claims (files already written stay)."""
    _claims.clear()


def table(lesson: str | None = None) -> Any:
    """The claims stated in this process (optionally for one lesson; the latest per key) as a pandas
    DataFrame (verdict, sentence, key)."""
    import pandas as pd

    rows = [{"verdict": c.verdict, "claim": c.text, "key": c.key} for c in _claims if lesson in (None, c.lesson)]
    return pd.DataFrame(rows, columns=["verdict", "claim", "key"])


def load_dir(folder: Path | str) -> dict[str, list[Claim]]:
    """Claims written under ``<folder>/claims/``: lesson -> its claims (the last line per key wins)."""
    latest: dict[str, dict[str, Claim]] = {}
    for c in results.load_dir(Path(folder, "claims"), Claim):
        latest.setdefault(c.lesson, {})[c.key] = c
    return {lesson: list(by_key.values()) for lesson, by_key in latest.items()}


# ----------------------------------------------------------------------------- reading a notebook's claims


def _claim_calls(notebook: Path) -> list[ast.Call]:
    import nbformat

    calls = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        # IPython magics and shell lines are not Python
        src = "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln for ln in cell.source.splitlines())
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
                if name == "claim":
                    calls.append(node)
    return calls


def keys_in(notebook: Path | str) -> list[str]:
    """The claim keys a notebook states (its ``claim(...)`` calls with a literal key), in order.

    Raises ``ValueError`` for a claim call whose key is not a string literal.
    """
    keys = []
    for call in _claim_calls(Path(notebook)):
        args = list(call.args)
        key_node = args[1] if len(args) > 1 else next((k.value for k in call.keywords if k.arg == "key"), None)
        if not (isinstance(key_node, ast.Constant) and isinstance(key_node.value, str)):
            raise ValueError(f"{notebook}: a claim(...) call has no literal key (line {call.lineno} of its cell)")
        keys.append(key_node.value)
    return keys


def fingerprint(notebook: Path | str) -> str:
    """A short hash of the notebook's claim calls (their text, checks and numbers, not their layout)."""
    dumps = [ast.dump(call) for call in _claim_calls(Path(notebook))]
    return hashlib.sha256("\n".join(dumps).encode("utf-8")).hexdigest()[:16]
