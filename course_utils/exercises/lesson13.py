"""Lesson 13 (time series): sliding windows, the seasonal naive forecast, the naive forecast's expected error."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .core import Check, exercise


def _windows(series: np.ndarray, window: int, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    view = np.lib.stride_tricks.sliding_window_view(series, window + horizon)
    return view[:, :window, None], view[:, window:]


@exercise("13.1", "cutting a series into windows")
def check_13_1(ck: Check, make_windows: Callable[..., Any]) -> None:
    """``make_windows(series, window, horizon)`` -> x (n, window, 1), y (n, horizon), every start, in order."""
    ck.is_callable(make_windows, "make_windows")
    for trial, (length, window, horizon) in enumerate([(20, 5, 2), (17, 4, 1), (30, 7, 3), (12, 6, 6)]):
        series = np.round(ck.rng.normal(size=length), 3)
        x_ref, y_ref = _windows(series, window, horizon)
        n = len(x_ref)
        out = ck.call(make_windows, series.copy(), window, horizon)
        if not isinstance(out, (tuple, list)) or len(out) != 2:
            ck.fail(f"make_windows should return two arrays (x, y); got {type(out).__name__}", "end with `return x, y`")
        x, y = ck.array(out[0], "x"), ck.array(out[1], "y")
        if x.ndim == 2 and x.shape == (n, window):
            ck.fail(f"x has shape {x.shape}: the feature axis is missing",
                    "recurrent layers read (batch, time, features): give x a last axis of size 1 (x[..., None])")
        if x.ndim == 3 and x.shape[1:] == (window, 1) and x.shape[0] in (n - 1, n + 1):
            ck.fail(f"{x.shape[0]} windows from {length} values with window {window} and horizon {horizon}; "
                    f"there are {n}", "count the start positions: the last window's targets end exactly at "
                    "the series' last value")
        ck.shape(x, (n, window, 1), f"x (series of {length}, window {window}, horizon {horizon})",
                 hint="one window per start position whose window and targets fit in the series; each (window, 1)")
        ck.shape(y, (n, horizon), "y", hint="one row of `horizon` targets per window")
        ck.close(x, x_ref, "x", hint="window i holds `window` consecutive values starting at position i, "
                                     "windows in order of their start (stride 1)")
        if horizon < window and n > 1 and np.allclose(y[:-1], series[np.arange(n - 1)[:, None] + window - 1
                                                                      + np.arange(horizon)], atol=1e-9):
            ck.fail("the targets start one step early: the first target is the last input value",
                    "the targets are the `horizon` values that come AFTER the window's last input")
        ck.close(y, y_ref, "y", hint="the targets of a window are the `horizon` values right after its last input")
    ck.passed("x and y for 4 series, windows and horizons (horizon = window included)")


@exercise("13.2", "the seasonal naive forecast")
def check_13_2(ck: Check, seasonal_naive: Callable[..., Any]) -> None:
    """``seasonal_naive(x, period, horizon)`` -> (n, horizon): the value one period before each target."""
    ck.is_callable(seasonal_naive, "seasonal_naive")
    for trial in range(5):
        window = int(ck.rng.integers(8, 16))
        period = window if trial == 0 else int(ck.rng.integers(3, window + 1))
        horizon = period if trial == 1 else int(ck.rng.integers(1, period + 1))
        n = int(ck.rng.integers(2, 6))
        x = np.round(ck.rng.normal(size=(n, window, 1)), 3)      # random values: every index error shows
        expected = np.stack([x[:, window - period + h, 0] for h in range(horizon)], axis=1)
        out = ck.array(ck.call(seasonal_naive, x.copy(), period, horizon), "the forecast")
        if out.shape == (n, horizon, 1):
            ck.fail(f"the forecast has shape {out.shape}; expected ({n}, {horizon})",
                    "drop the feature axis: one number per (window, step ahead)")
        ck.shape(out, (n, horizon), f"the forecast (window {window}, period {period}, horizon {horizon})",
                 hint="one row per window, one column per step ahead")
        if np.allclose(out, np.repeat(x[:, -1, :], horizon, axis=1)) and not np.allclose(out, expected):
            ck.fail("that is the naive forecast (the last value repeated)",
                    "the seasonal naive forecast of s[t+h] is s[t+h-P], the value one period earlier")
        if horizon > 1 and np.allclose(out, np.repeat(x[:, window - period, :], horizon, axis=1)):
            ck.fail("every step ahead got the same value, the one a period before the first target",
                    "step h (h = 1..horizon) repeats the value a period before ITS target, "
                    "so it moves along the window")
        if np.allclose(out, np.stack([x[:, (window - period + h + 1) % window, 0] for h in range(horizon)], axis=1)):
            ck.fail("off by one: each forecast is the value one period before the NEXT target",
                    "the first target is the value right after the window, at index window; "
                    "one period before it is index window - period")
        if window - period - horizon + 1 >= 0 and horizon > 1 and np.allclose(
                out, np.stack([x[:, window - period - h, 0] for h in range(horizon)], axis=1)):
            ck.fail("the steps ahead walk backwards through the window",
                    "the further ahead the target, the later in the window its value from one period before")
        ck.close(out, expected, f"the forecast (window {window}, period {period}, horizon {horizon})",
                 hint="the target h steps ahead comes h - 1 positions after the first target (which follows the "
                      "window's last value); its forecast is the value exactly `period` positions before it")
    ck.passed("5 random windows, periods and horizons (period = window and horizon = period included)")


def _expected_naive_mse(h: float, period: float, sigma: float) -> float:
    return float(2 * np.sin(np.pi * h / period) ** 2 + 2 * sigma ** 2)


@exercise("13.3", "the naive forecast's expected error")
def check_13_3(ck: Check, expected_naive_mse: Callable[..., Any]) -> None:
    """``expected_naive_mse(h, period, sigma)``: E[(s_{t+h} - s_t)^2] for a noisy unit sine, phase uniform."""
    ck.is_callable(expected_naive_mse, "expected_naive_mse")
    cases = [(1, 25, 0.1), (5, 20, 0.0), (10, 25, 0.1), (3, 12, 0.3), (6, 12, 0.2), (12, 12, 0.5)]
    cases += [(int(ck.rng.integers(1, 30)), int(ck.rng.integers(4, 40)), float(np.round(ck.rng.uniform(0, 1), 3)))
              for _ in range(6)]
    for h, period, sigma in cases:
        got = ck.call(expected_naive_mse, h, period, sigma)
        try:
            value = float(np.asarray(got, dtype="float64"))
        except Exception:
            ck.fail(f"expected_naive_mse({h}, {period}, {sigma}) returned {type(got).__name__}; expected a number")
        expected = _expected_naive_mse(h, period, sigma)
        if np.isclose(value, expected, rtol=1e-6, atol=1e-9):
            continue
        signal = 2 * np.sin(np.pi * h / period) ** 2
        label = f"expected_naive_mse({h}, {period}, {sigma}) = {value:.4g}, not the expected error"
        if sigma > 0 and np.isclose(value, signal + sigma ** 2, rtol=1e-6):
            ck.fail(label, "the noise is counted once; both the last input value and the target carry "
                           "independent noise, and their variances add up")
        if sigma > 0 and np.isclose(value, signal, rtol=1e-6):
            ck.fail(label, "the noise is missing: the error also has a noise part, from both values")
        if np.isclose(value, signal / 2 + 2 * sigma ** 2, rtol=1e-6):
            ck.fail(label, "the sine part is half what it should be: the mean of sin(a + d) - sin(a) squared over "
                           "the phase a is 2 sin^2(d / 2), not sin^2(d / 2)")
        if np.isclose(value, 2 * np.sin(2 * np.pi * h / period) ** 2 + 2 * sigma ** 2, rtol=1e-6):
            ck.fail(label, "the sine part uses the full angle d = 2 pi h / P where half of it belongs: "
                           "sin(a + d) - sin(a) = 2 cos(a + d/2) sin(d/2)")
        if sigma == 0 or np.isclose(value - 2 * sigma ** 2, 0.0, atol=1e-9):
            ck.fail(label, "the sine part: how far does a unit sine move in h steps, squared and averaged over "
                           "where in its period it starts? (sin(a + d) - sin(a) = 2 cos(a + d/2) sin(d/2))")
        ck.fail(label, "E[(s_{t+h} - s_t)^2] = (mean over the phase of the squared change of the sine) "
                       "+ (variance of the noise difference)")
    ck.passed(f"{len(cases)} horizons, periods and noise levels (h = P and sigma = 0 included)")
