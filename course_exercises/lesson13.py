"""Lesson 13 (time series): sliding windows, the seasonal naive forecast, the naive forecast's expected error,
a small recurrent forecaster built to a specification."""

from __future__ import annotations

from typing import Any, Callable

import keras
import numpy as np

from . import keras_checks as kc
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
        x, y = (ck.array(a, name) for a, name in zip(ck.pair(ck.call(make_windows, series.copy(), window, horizon),
                                                             "make_windows", ("x", "y")), "xy"))
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
        if horizon < window and n > 1 and np.allclose(y[:-1], _windows(series, window - 1, horizon)[1][: n - 1]):
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
        steps = np.arange(horizon)
        expected = x[:, window - period + steps, 0]
        out = ck.array(ck.call(seasonal_naive, x.copy(), period, horizon), "the forecast")
        if out.shape == (n, horizon, 1):
            ck.fail(f"the forecast has shape {out.shape}; expected ({n}, {horizon})",
                    "drop the feature axis: one number per (window, step ahead)")
        ck.shape(out, (n, horizon), f"the forecast (window {window}, period {period}, horizon {horizon})",
                 hint="one row per window, one column per step ahead")
        if np.allclose(out, x[:, [-1] * horizon, 0]) and not np.allclose(out, expected):
            ck.fail("that is the naive forecast (the last value repeated)",
                    "the seasonal naive forecast of s[t+h] is s[t+h-P], the value one period earlier")
        if horizon > 1 and np.allclose(out, x[:, [window - period] * horizon, 0]):
            ck.fail("every step ahead got the same value, the one a period before the first target",
                    "step h (h = 1..horizon) repeats the value a period before ITS target, "
                    "so it moves along the window")
        if np.allclose(out, x[:, (window - period + 1 + steps) % window, 0]):
            ck.fail("off by one: each forecast is the value one period before the NEXT target",
                    "the first target is the value right after the window, at index window; "
                    "one period before it is index window - period")
        if window - period - horizon + 1 >= 0 and horizon > 1 and np.allclose(out, x[:, window - period - steps, 0]):
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
        value = ck.number(ck.call(expected_naive_mse, h, period, sigma), f"expected_naive_mse({h}, {period}, {sigma})")
        expected = _expected_naive_mse(h, period, sigma)
        if np.isclose(value, expected, rtol=1e-6, atol=1e-9):
            continue
        signal = 2 * np.sin(np.pi * h / period) ** 2
        label = f"expected_naive_mse({h}, {period}, {sigma}) = {value:.4g}, not the expected error"
        sine = ("the sine part: how far does a unit sine move in h steps, squared and averaged over where in its "
                "period it starts? (sin(a + d) - sin(a) = 2 cos(a + d/2) sin(d/2))")
        guesses = [(signal + sigma ** 2, "the noise is counted once; both the last input value and the target carry "
                                         "independent noise, and their variances add up"),
                   (signal, "the noise is missing: the error also has a noise part, from both values")] if sigma else []
        guesses += [(signal / 2 + 2 * sigma ** 2, "the sine part is half what it should be: the mean of sin(a + d) - "
                     "sin(a) squared over the phase a is 2 sin^2(d / 2), not sin^2(d / 2)"),
                    (2 * np.sin(2 * np.pi * h / period) ** 2 + 2 * sigma ** 2, "the sine part uses the full angle "
                     "d = 2 pi h / P where half of it belongs: sin(a + d) - sin(a) = 2 cos(a + d/2) sin(d/2)"),
                    (2 * sigma ** 2, sine)]
        ck.diagnose(value, guesses, label, sine if sigma == 0 else "E[(s_{t+h} - s_t)^2] = (mean over the phase of "
                    "the squared change of the sine) + (variance of the noise difference)", rtol=1e-6)
    ck.passed(f"{len(cases)} horizons, periods and noise levels (h = P and sigma = 0 included)")


# -- 13.4: a small recurrent forecaster, built to a specification ---------------------------------------------
MAX_PARAMS_13_4 = 5_000     # the parameter budget of 13.4


@exercise("13.4", "a small LSTM forecaster to a specification")
def check_13_4(ck: Check, build_forecaster: Callable[..., Any]) -> None:
    """``build_forecaster(window, horizon)`` -> a Keras model (batch, window, 1) -> (batch, horizon),
    at most 5,000 parameters."""
    def build(window: int, horizon: int) -> Any:
        what = f"build_forecaster({window}, {horizon})"
        model = kc.build(ck, build_forecaster, window, horizon, what=what)
        x = ck.rng.normal(size=(5, window, 1)).astype("float32")
        out = kc.outputs(ck, model, x, f"the model of {what} on a batch of shape {x.shape}",
                         hint="the input is (batch, window, 1): keras.Input(shape=(window, 1))")
        if out.shape == (5, window, horizon):
            ck.fail(f"{what} gives outputs of shape {out.shape}: one forecast per input step",
                    "the recurrent layer that feeds the output layer must return only its last state: "
                    "return_sequences=False (the default)")
        ck.shape(out, (5, horizon), f"the output of {what} on a batch of 5 windows",
                 hint="one output per step ahead: Dense(horizon), not Dense(1)" if out.shape == (5, 1) else
                 "(batch, window, 1) in, (batch, horizon) out: the recurrent layer's last state, then Dense(horizon)")
        return model

    build(30, 10)                                            # the lesson's WINDOW and HORIZON
    window, horizon, period, noise = 24, 4, 20, 0.1
    kc.seed(ck)
    model = build(window, horizon)
    ck.passed("outputs of shape (batch, horizon) for (window, horizon) = (30, 10) and (24, 4)")
    kinds = [type(layer).__name__ for layer in kc.sublayers(model) if isinstance(layer, keras.layers.RNN)]
    if not any(k in ("LSTM", "GRU") for k in kinds):
        ck.fail("the model has no LSTM or GRU layer" + (f" (only {', '.join(kinds)})" if kinds else ""),
                "the exercise asks for a recurrent forecaster: layers.LSTM(units) or layers.GRU(units) reading "
                "the window, then Dense(horizon)")
    n_params = int(model.count_params())
    if n_params > MAX_PARAMS_13_4:
        ck.fail(f"the model has {n_params:,} parameters; the budget is {MAX_PARAMS_13_4:,}",
                "an LSTM with u units on 1 input feature has 4·(u·(u + 1) + u) parameters: 32 units fit "
                "(4,352 + the Dense layer), 64 do not")
    ck.passed(f"recurrent layer(s): {', '.join(kinds)}; {n_params:,} parameters (at most {MAX_PARAMS_13_4:,})")

    # a noisy sine (period 20, noise sd 0.1): first 75% for training, the rest for validation
    n = 800
    phase = ck.rng.uniform(0, 2 * np.pi)
    series = np.sin(phase + 2 * np.pi * np.arange(n) / period) + ck.rng.normal(scale=noise, size=n)
    split = int(0.75 * n)
    (x_train, y_train), (x_val, y_val) = (_windows(part.astype("float32"), window, horizon)
                                          for part in (series[:split], series[split:]))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", jit_compile=False)
    ck.call(model.fit, x_train, y_train, epochs=4, batch_size=32, verbose=0, what="training the model",
            hint="build a plain Sequential or functional model of Keras layers; the check compiles it itself")
    pred = kc.outputs(ck, model, x_val, "the trained model")
    model_mse = float(np.mean((pred - y_val) ** 2))
    naive_mse = float(np.mean((np.repeat(x_val[:, -1, :], horizon, axis=1) - y_val) ** 2))
    if not np.isfinite(model_mse) or model_mse >= naive_mse:
        ck.fail(f"after 4 epochs the validation MSE is {model_mse:.4f}, not below the naive forecast's "
                f"{naive_mse:.4f} (repeat the last value)",
                "the output layer must be able to give any number: Dense(horizon) with no activation; "
                "and the recurrent layer needs enough units to follow the wave (16 to 32)")
    ck.passed(f"trained 4 epochs (Adam 0.01, MSE) on a noisy sine: validation MSE {model_mse:.4f}, "
              f"below the naive forecast's {naive_mse:.4f}")
