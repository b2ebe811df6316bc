"""Answers for lesson 13's exercises: one right, and the plausible mistakes."""

import numpy as np


def make_windows(series, window, horizon):
    n = len(series) - window - horizon + 1
    x = np.stack([series[i:i + window] for i in range(n)])[..., None]
    y = np.stack([series[i + window:i + window + horizon] for i in range(n)])
    return x, y


def make_windows_no_feature_axis(series, window, horizon):
    x, y = make_windows(series, window, horizon)
    return x[..., 0], y


def make_windows_one_short(series, window, horizon):
    n = len(series) - window - horizon              # forgets the + 1: the last window is lost
    x = np.stack([series[i:i + window] for i in range(n)])[..., None]
    y = np.stack([series[i + window:i + window + horizon] for i in range(n)])
    return x, y


def make_windows_early_targets(series, window, horizon):
    n = len(series) - window - horizon + 1
    x = np.stack([series[i:i + window] for i in range(n)])[..., None]
    y = np.stack([series[i + window - 1:i + window - 1 + horizon] for i in range(n)])
    return x, y


def seasonal_naive(x, period, horizon):
    window = x.shape[1]
    return np.stack([x[:, window - period + h, 0] for h in range(horizon)], axis=1)


def naive(x, period, horizon):
    return np.repeat(x[:, -1, :], horizon, axis=1)


def seasonal_naive_constant(x, period, horizon):
    return np.repeat(x[:, -period, :], horizon, axis=1)


def seasonal_naive_off_by_one(x, period, horizon):
    window = x.shape[1]
    return np.stack([x[:, (window - period + h + 1) % window, 0] for h in range(horizon)], axis=1)


def expected_naive_mse(h, period, sigma):
    return 2 * np.sin(np.pi * h / period) ** 2 + 2 * sigma ** 2


CASES = {
    "13.1": (make_windows, [make_windows_no_feature_axis, make_windows_one_short, make_windows_early_targets]),
    "13.2": (seasonal_naive, [naive, seasonal_naive_constant, seasonal_naive_off_by_one]),
    "13.3": (expected_naive_mse, [
        lambda h, period, sigma: 2 * np.sin(np.pi * h / period) ** 2 + sigma ** 2,           # noise counted once
        lambda h, period, sigma: np.sin(np.pi * h / period) ** 2 + 2 * sigma ** 2,           # mean of cos^2 forgotten
        lambda h, period, sigma: 2 * np.sin(2 * np.pi * h / period) ** 2 + 2 * sigma ** 2,   # full angle
        lambda h, period, sigma: 2 * np.sin(np.pi * h / period) ** 2,                        # no noise
    ]),
}


# 13.4: Keras models (Keras imported inside the functions)
def _forecaster(window, horizon, *, units=32, return_sequences=False, outputs=None, recurrent=True):
    import keras
    from keras import layers

    body = [layers.LSTM(units, return_sequences=return_sequences)] if recurrent else [layers.Flatten(),
                                                                                      layers.Dense(units, "relu")]
    return keras.Sequential([keras.Input(shape=(window, 1)), *body, layers.Dense(outputs or horizon)])


def build_forecaster(window, horizon):
    return _forecaster(window, horizon)


def build_forecaster_sequences(window, horizon):
    return _forecaster(window, horizon, return_sequences=True)       # return_sequences left on


def build_forecaster_one_output(window, horizon):
    return _forecaster(window, horizon, outputs=1)                   # Dense(1): the next value only


def build_forecaster_dense_only(window, horizon):
    return _forecaster(window, horizon, recurrent=False)             # no recurrent layer at all


def build_forecaster_too_big(window, horizon):
    return _forecaster(window, horizon, units=64)                    # 16,896 LSTM parameters


CASES["13.4"] = (build_forecaster, [build_forecaster_sequences, build_forecaster_one_output,
                                    build_forecaster_dense_only, build_forecaster_too_big])
