"""Run profile, paths and seeding, read from environment variables.

Environment variables (all optional):

``COURSE_PROFILE``
    ``quick`` (CI and a first look: small data, few epochs) or ``full``
    (the real lesson). Default ``full``.
``COURSE_DATA_DIR``
    Cache folder for downloaded files and parsed datasets. Default: the user's
    cache directory (``~/.cache/rnn-course`` on Linux).
``COURSE_DATA_MIRROR``
    One or more folders, separated by the OS path separator (``:`` on
    Linux/macOS, ``;`` on Windows), holding pre-fetched upstream files.
``COURSE_OFFLINE``
    ``1`` (or ``true``/``yes``): never touch the network.
``COURSE_RESULTS_DIR``
    Where notebooks record their headline results (see ``course_utils.results``).

The values are read once, on first use, and cached; call :func:`reload`
after changing the environment (tests do).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

PROFILES: tuple[str, ...] = ("quick", "full")
DEFAULT_PROFILE = "full"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class Settings:
    """A snapshot of the course settings taken from the environment."""

    profile: str
    data_dir: Path
    mirror_dirs: tuple[Path, ...]
    offline: bool
    results_dir: Path | None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "Settings":
        """Build settings from ``environ`` (default: ``os.environ``).

        Raises ``ValueError`` for an unknown profile or offline value.
        """
        env = os.environ if environ is None else environ
        profile = env.get("COURSE_PROFILE", DEFAULT_PROFILE).strip().lower() or DEFAULT_PROFILE
        if profile not in PROFILES:
            raise ValueError(
                f"COURSE_PROFILE={env.get('COURSE_PROFILE')!r} is not a valid profile; "
                f"use one of: {', '.join(PROFILES)}"
            )
        offline_raw = env.get("COURSE_OFFLINE", "").strip().lower()
        if offline_raw not in _TRUE | _FALSE:
            raise ValueError(
                f"COURSE_OFFLINE={env.get('COURSE_OFFLINE')!r} is not understood; "
                "use 1 (never touch the network) or 0"
            )
        data_dir = env.get("COURSE_DATA_DIR") or platformdirs.user_cache_dir("rnn-course", appauthor=False)
        mirrors = tuple(
            Path(p).expanduser()
            for p in env.get("COURSE_DATA_MIRROR", "").split(os.pathsep)
            if p.strip()
        )
        results = env.get("COURSE_RESULTS_DIR")
        return cls(
            profile=profile,
            data_dir=Path(data_dir).expanduser(),
            mirror_dirs=mirrors,
            offline=offline_raw in _TRUE,
            results_dir=Path(results).expanduser() if results else None,
        )


_current: Settings | None = None


def get() -> Settings:
    """The current settings (read from the environment on first call)."""
    global _current
    if _current is None:
        _current = Settings.from_env()
    return _current


def reload() -> Settings:
    """Forget the cached settings and read the environment again."""
    global _current
    _current = None
    return get()


def current_profile() -> str:
    """``"quick"`` or ``"full"``."""
    return get().profile


def is_quick() -> bool:
    """True in the quick (CI) profile."""
    return get().profile == "quick"


class ProfileConfig(dict):
    """The sizes chosen for the current profile: a dict with attribute access."""

    profile: str

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(
                f"no setting {key!r} in this profile; defined: {', '.join(self)}"
            ) from None

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={v!r}" for k, v in self.items())
        return f"profile {self.profile!r}: {items}"


def profile(*, quick: dict[str, Any], full: dict[str, Any]) -> ProfileConfig:
    """Pick (and print) this notebook's sizes for the current profile.

    ``quick`` and ``full`` must define the same keys, so a notebook cannot
    forget a size in one of them. Returns a dict with attribute access, e.g.
    ``cfg = profile(quick=dict(epochs=1), full=dict(epochs=10)); cfg.epochs``.
    """
    if set(quick) != set(full):
        missing_q = sorted(set(full) - set(quick))
        missing_f = sorted(set(quick) - set(full))
        raise ValueError(
            "profile(): quick and full must define the same keys; "
            f"missing in quick: {missing_q}, missing in full: {missing_f}"
        )
    name = current_profile()
    cfg = ProfileConfig(quick if name == "quick" else full)
    cfg.profile = name
    print(f"Running the {cfg!r}")
    return cfg


def seed_everything(seed: int = 42) -> int:
    """Seed Python, NumPy and TensorFlow/Keras for a reproducible run (``keras.utils.set_random_seed``).

    Returns the seed, so a notebook can print or record it. Keras refuses a seed that is not an int in 0 .. 2**32-1.
    """
    import keras

    keras.utils.set_random_seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    return seed


def scratch_dir(lesson: str, keep: int = 3) -> Path:
    """A new, empty folder for one run of ``lesson``: its saved models, checkpoints and logs.

    The folder is ``<COURSE_DATA_DIR>/scratch/<lesson>/run-...``, outside the
    repository; the lesson's older runs are removed except the newest
    ``keep - 1``, so rerunning a lesson does not fill the disk.
    """
    if lesson in {"", ".", ".."} or Path(lesson).name != lesson:
        raise ValueError(f"scratch_dir() needs a lesson name like '08_sentence_sentiment', got {lesson!r}")
    if keep < 1:
        raise ValueError(f"keep must be >= 1, got {keep}")
    base = get().data_dir / "scratch" / lesson
    base.mkdir(parents=True, exist_ok=True)
    older = sorted(base.glob("run-*"), key=lambda p: p.stat().st_mtime)
    for old in older[: max(len(older) - (keep - 1), 0)]:
        shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix="run-", dir=base))
