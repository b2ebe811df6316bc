"""course_utils.cells: the NumPy reference cells must reproduce Keras' layers."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from course_utils import cells  # noqa: E402

ATOL = 1e-5
BATCH, TIME, FEATURES, UNITS = 3, 7, 4, 5


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


@pytest.fixture
def x(rng: np.random.Generator) -> np.ndarray:
    return rng.normal(size=(BATCH, TIME, FEATURES)).astype("float32")


def build_random(layer, x: np.ndarray, rng: np.random.Generator):
    """Build ``layer`` on ``x`` and give every weight (biases too) random non-zero values.

    Matrices get a spread of 0.5 / sqrt(rows) so the recurrence stays contractive: with
    large recurrent weights the dynamics turn chaotic and float32 rounding grows.
    """
    layer(x)
    layer.set_weights(
        [
            rng.normal(scale=0.5 / np.sqrt(w.shape[0]) if w.ndim == 2 else 0.5, size=w.shape)
            .astype("float32")
            for w in layer.get_weights()
        ]
    )
    assert all(np.all(w != 0) for w in layer.get_weights())
    return layer


def as_list(outputs) -> list[np.ndarray]:
    return [np.asarray(o) for o in outputs]


# --------------------------------------------------------------------------
# NumPy vs Keras


CASES = {
    "simple": (lambda **kw: keras.layers.SimpleRNN(UNITS, **kw), cells.run_simple_rnn),
    "lstm": (lambda **kw: keras.layers.LSTM(UNITS, **kw), cells.run_lstm),
    "gru_reset_after": (lambda **kw: keras.layers.GRU(UNITS, reset_after=True, **kw), cells.run_gru),
    "gru_reset_before": (lambda **kw: keras.layers.GRU(UNITS, reset_after=False, **kw), cells.run_gru),
}


def states_tuple(states) -> tuple[np.ndarray, ...]:
    return states if isinstance(states, tuple) else (states,)


@pytest.mark.parametrize("case", list(CASES))
def test_numpy_matches_keras_outputs_and_states(case, x, rng):
    make, run = CASES[case]
    layer = build_random(make(return_sequences=True, return_state=True), x, rng)
    keras_out, *keras_states = as_list(layer(x))
    np_out, np_states = run(layer, x)
    np_states = states_tuple(np_states)

    assert np_out.shape == keras_out.shape == (BATCH, TIME, UNITS)
    np.testing.assert_allclose(np_out, keras_out, atol=ATOL, rtol=0)
    assert len(np_states) == len(keras_states)
    for mine, theirs in zip(np_states, keras_states):
        assert mine.shape == (BATCH, UNITS)
        np.testing.assert_allclose(mine, theirs, atol=ATOL, rtol=0)
    # the hidden state is the last output (for the LSTM: h, not c)
    np.testing.assert_allclose(np_states[0], np_out[:, -1], atol=1e-12)


def test_gru_bias_layouts(x, rng):
    after = build_random(keras.layers.GRU(UNITS, reset_after=True), x, rng)
    before = build_random(keras.layers.GRU(UNITS, reset_after=False), x, rng)
    assert after.get_weights()[2].shape == (2, 3 * UNITS)
    assert before.get_weights()[2].shape == (3 * UNITS,)


def test_initial_state_is_used(x, rng):
    layer = build_random(keras.layers.LSTM(UNITS, return_sequences=True, return_state=True), x, rng)
    h0 = rng.normal(size=(BATCH, UNITS)).astype("float32")
    c0 = rng.normal(size=(BATCH, UNITS)).astype("float32")
    keras_out, keras_h, keras_c = as_list(layer(x, initial_state=[h0, c0]))
    np_out, (h, c) = cells.run_lstm(layer, x, initial_state=[h0, c0])
    np.testing.assert_allclose(np_out, keras_out, atol=ATOL, rtol=0)
    np.testing.assert_allclose(h, keras_h, atol=ATOL, rtol=0)
    np.testing.assert_allclose(c, keras_c, atol=ATOL, rtol=0)
    zero_out, _ = cells.run_lstm(layer, x)
    assert np.abs(zero_out - np_out).max() > 1e-3  # the initial state made a difference

    gru = build_random(keras.layers.GRU(UNITS, return_sequences=True), x, rng)
    np.testing.assert_allclose(
        cells.run_gru(gru, x, initial_state=h0)[0], np.asarray(gru(x, initial_state=h0)), atol=ATOL, rtol=0
    )


@pytest.mark.parametrize("case", list(CASES))
def test_without_bias_and_backwards(case, x, rng):
    make, run = CASES[case]
    layer = build_random(make(use_bias=False, go_backwards=True, return_sequences=True), x, rng)
    assert len(layer.get_weights()) == 2
    np.testing.assert_allclose(run(layer, x)[0], np.asarray(layer(x)), atol=ATOL, rtol=0)


def test_other_activations(x, rng):
    simple = build_random(keras.layers.SimpleRNN(UNITS, activation="relu", return_sequences=True), x, rng)
    np.testing.assert_allclose(cells.run_simple_rnn(simple, x)[0], np.asarray(simple(x)), atol=ATOL, rtol=0)
    lstm = build_random(
        keras.layers.LSTM(UNITS, recurrent_activation="hard_sigmoid", return_sequences=True), x, rng
    )
    np.testing.assert_allclose(cells.run_lstm(lstm, x)[0], np.asarray(lstm(x)), atol=ATOL, rtol=0)


@pytest.mark.parametrize("merge_mode", ["concat", "ave", None])
def test_bidirectional(merge_mode, x, rng):
    layer = build_random(
        keras.layers.Bidirectional(
            keras.layers.GRU(UNITS, return_sequences=True, return_state=True), merge_mode=merge_mode
        ),
        x,
        rng,
    )
    keras_all = as_list(layer(x))
    np_out, np_states = cells.run_bidirectional(layer, x)
    if merge_mode is None:
        keras_out, keras_states = keras_all[:2], keras_all[2:]
        for mine, theirs in zip(np_out, keras_out):
            np.testing.assert_allclose(mine, theirs, atol=ATOL, rtol=0)
        # the elementwise merges, checked against Keras' two halves (no extra layers to build)
        fwd, bwd = keras_out
        for mode, expected in (("sum", fwd + bwd), ("mul", fwd * bwd)):
            layer.merge_mode = mode
            np.testing.assert_allclose(cells.run_bidirectional(layer, x)[0], expected, atol=ATOL, rtol=0)
        layer.merge_mode = "max"
        with pytest.raises(ValueError, match="unknown merge_mode"):
            cells.run_bidirectional(layer, x)
    else:
        keras_out, keras_states = keras_all[0], keras_all[1:]
        width = 2 * UNITS if merge_mode == "concat" else UNITS
        assert np_out.shape == keras_out.shape == (BATCH, TIME, width)
        np.testing.assert_allclose(np_out, keras_out, atol=ATOL, rtol=0)
    assert len(np_states) == len(keras_states) == 2
    for mine, theirs in zip(np_states, keras_states):
        np.testing.assert_allclose(mine, theirs, atol=ATOL, rtol=0)


def test_bidirectional_lstm_states_order(x, rng):
    layer = build_random(
        keras.layers.Bidirectional(keras.layers.LSTM(UNITS, return_state=True)), x, rng
    )
    keras_out, *keras_states = as_list(layer(x))
    np_seq, np_states = cells.run_bidirectional(layer, x)
    assert len(np_states) == 4  # h_fwd, c_fwd, h_bwd, c_bwd
    for mine, theirs in zip(np_states, keras_states):
        np.testing.assert_allclose(mine, theirs, atol=ATOL, rtol=0)
    # without return_sequences: forward at the last step, backward at the first
    last = np.concatenate([np_seq[:, -1, :UNITS], np_seq[:, 0, UNITS:]], axis=-1)
    np.testing.assert_allclose(last, keras_out, atol=ATOL, rtol=0)


def test_single_steps_accept_vectors_and_batches(rng):
    W = rng.normal(size=(FEATURES, 4 * UNITS))
    U = rng.normal(size=(UNITS, 4 * UNITS))
    b = rng.normal(size=4 * UNITS)
    xb = rng.normal(size=(2, FEATURES))
    h0 = np.zeros((2, UNITS))
    h, c = cells.lstm_step(xb, h0, h0, W, U, b)
    assert h.shape == c.shape == (2, UNITS)
    h1, c1 = cells.lstm_step(xb[1], h0[1], h0[1], W, U, b)
    assert h1.shape == (UNITS,)
    np.testing.assert_allclose(h1, h[1])
    gates = cells.lstm_gates(xb, h0, h0, W, U, b)
    assert set(gates) == {"i", "f", "g", "o", "c", "h"}
    assert np.all((gates["f"] > 0) & (gates["f"] < 1))

    e = cells.elman_step(xb[0], np.zeros(UNITS), W[:, :UNITS], U[:, :UNITS], b[:UNITS])
    np.testing.assert_allclose(e, np.tanh(xb[0] @ W[:, :UNITS] + b[:UNITS]))

    g = cells.gru_gates(xb, h0, W[:, : 3 * UNITS], U[:, : 3 * UNITS], np.stack([b[:15], b[5:20]]))
    assert set(g) == {"z", "r", "hh", "h"}
    np.testing.assert_allclose(g["h"], (1 - g["z"]) * g["hh"])  # h_prev = 0


def test_sigmoid_is_stable():
    z = np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0])
    s = cells.sigmoid(z)
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s, [0.0, 1 / (1 + np.e), 0.5, 1 / (1 + np.exp(-1)), 1.0])


# --------------------------------------------------------------------------
# parameter counts


@pytest.mark.parametrize("input_dim, units", [(1, 1), (4, 5), (16, 32), (300, 64)])
@pytest.mark.parametrize(
    "kind, make",
    [
        ("simple", lambda u: keras.layers.SimpleRNN(u)),
        ("lstm", lambda u: keras.layers.LSTM(u)),
        ("gru", lambda u: keras.layers.GRU(u)),
    ],
)
def test_param_count_formula(kind, make, input_dim, units):
    layer = make(units)
    layer.build((None, None, input_dim))
    assert cells.rnn_param_count(kind, input_dim, units) == layer.count_params()


@pytest.mark.parametrize("reset_after", [True, False])
def test_param_count_gru_variants_and_no_bias(reset_after):
    layer = keras.layers.GRU(8, reset_after=reset_after)
    layer.build((None, None, 3))
    assert cells.rnn_param_count("gru", 3, 8, reset_after=reset_after) == layer.count_params()
    nob = keras.layers.LSTM(8, use_bias=False)
    nob.build((None, None, 3))
    assert cells.rnn_param_count("lstm", 3, 8, use_bias=False) == nob.count_params()


def test_param_count_bidirectional_and_stacked():
    inputs = keras.Input(shape=(None, 10))
    bi = keras.layers.Bidirectional(keras.layers.LSTM(12, return_sequences=True))
    top = keras.layers.GRU(6)
    model = keras.Model(inputs, top(bi(inputs)))
    expected_bi = cells.rnn_param_count("lstm", 10, 12, bidirectional=True)
    assert expected_bi == 2 * cells.rnn_param_count("lstm", 10, 12) == bi.count_params()
    # the second layer reads the concatenated 2*12 features of the first
    expected_top = cells.rnn_param_count("gru", 24, 6)
    assert expected_top == top.count_params()
    assert model.count_params() == expected_bi + expected_top

    stacked = keras.Sequential(
        [
            keras.Input(shape=(None, 7)),
            keras.layers.SimpleRNN(9, return_sequences=True),
            keras.layers.SimpleRNN(9, return_sequences=True),
            keras.layers.SimpleRNN(4),
        ]
    )
    expected = (
        cells.rnn_param_count("simple", 7, 9)
        + cells.rnn_param_count("simple", 9, 9)
        + cells.rnn_param_count("elman", 9, 4)
    )
    assert stacked.count_params() == expected


# --------------------------------------------------------------------------
# bad input


def test_bad_shapes_raise_clear_errors(x, rng):
    lstm = build_random(keras.layers.LSTM(UNITS), x, rng)
    with pytest.raises(ValueError, match=r"\(batch, time, features\)"):
        cells.run_lstm(lstm, x[0])
    with pytest.raises(ValueError, match="features per step"):
        cells.run_lstm(lstm, x[:, :, :2])
    with pytest.raises(ValueError, match="no time steps"):
        cells.run_lstm(lstm, x[:, :0])
    with pytest.raises(ValueError, match=r"initial hidden state h0 must have shape \(3, 5\)"):
        cells.run_lstm(lstm, x, initial_state=[np.zeros((3, 4)), np.zeros((3, 5))])
    with pytest.raises(ValueError, match=r"\[h0, c0\]"):
        cells.run_lstm(lstm, x, initial_state=[np.zeros((3, 5))])
    with pytest.raises(ValueError, match="not a GRU"):
        cells.run_gru(lstm, x)
    with pytest.raises(ValueError, match="build it first"):
        cells.run_simple_rnn(keras.layers.SimpleRNN(3), x)
    with pytest.raises(ValueError, match="run_bidirectional"):
        cells.run_lstm(keras.layers.Bidirectional(keras.layers.LSTM(2)), x)
    with pytest.raises(ValueError, match="expects a keras.layers.Bidirectional"):
        cells.run_bidirectional(lstm, x)

    W, U = rng.normal(size=(FEATURES, 3 * UNITS)), rng.normal(size=(UNITS, 3 * UNITS))
    h0 = np.zeros((BATCH, UNITS))
    with pytest.raises(ValueError, match="reset_after"):
        cells.gru_step(x[:, 0], h0, W, U, np.zeros(3 * UNITS), reset_after=True)
    with pytest.raises(ValueError, match="reset_after"):
        cells.gru_step(x[:, 0], h0, W, U, np.zeros((2, 3 * UNITS)), reset_after=False)
    with pytest.raises(ValueError, match=r"recurrent_kernel should have shape \(units, 4\*units\)"):
        cells.lstm_step(x[:, 0], h0, h0, rng.normal(size=(FEATURES, 4 * UNITS)), U)
    with pytest.raises(ValueError, match="x_t has 2 features but the kernel expects 4"):
        cells.elman_step(x[:, 0, :2], h0, W[:, :UNITS], U[:, :UNITS])
    with pytest.raises(ValueError, match="batch size"):
        cells.elman_step(x[:2, 0], h0, W[:, :UNITS], U[:, :UNITS])
    with pytest.raises(ValueError, match="c_prev"):
        cells.lstm_step(
            x[:, 0], h0, np.zeros((BATCH, 2)), rng.normal(size=(FEATURES, 4 * UNITS)),
            rng.normal(size=(UNITS, 4 * UNITS)),
        )


def test_unsupported_activation_and_bad_counts(x, rng):
    layer = build_random(keras.layers.SimpleRNN(UNITS, activation="softplus"), x, rng)
    with pytest.raises(ValueError, match="not supported by the NumPy reference"):
        cells.run_simple_rnn(layer, x)
    with pytest.raises(ValueError, match="unknown recurrent layer kind"):
        cells.rnn_param_count("transformer", 3, 4)
    with pytest.raises(ValueError, match="units must be a positive integer"):
        cells.rnn_param_count("lstm", 3, 0)
    with pytest.raises(ValueError, match="input_dim must be a positive integer"):
        cells.rnn_param_count("gru", 2.5, 4)
