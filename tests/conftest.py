"""Shared pytest set-up: quiet TensorFlow, the quick profile for notebooks,
and settings re-read for every test (tests change the environment)."""

from __future__ import annotations

import os

# Before TensorFlow or a notebook kernel starts (kernels inherit this environment).
os.environ.setdefault("COURSE_PROFILE", "quick")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402

from course_utils import settings  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Each test sees the environment as it set it (monkeypatch), not a cached copy."""
    settings.reload()
    yield
    settings.reload()
