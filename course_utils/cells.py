"""NumPy reference implementations of Keras' recurrent cells (lesson 01).

Each ``*_step`` function computes **one time step** of a cell from plain
NumPy arrays; each ``run_*`` function reads a built Keras layer's weights
(``layer.get_weights()``) and unrolls the cell over a whole batch, so a lesson
can check, number by number, that it understands what the Keras layer does.

Keras 3 weight layout (``units`` = size of the hidden state, ``d`` = input
features)::

    SimpleRNN  kernel (d, units)     recurrent_kernel (units, units)     bias (units,)
    LSTM       kernel (d, 4*units)   recurrent_kernel (units, 4*units)   bias (4*units,)
               gate blocks in the order  i (input), f (forget), c (candidate), o (output)
    GRU        kernel (d, 3*units)   recurrent_kernel (units, 3*units)
               bias (2, 3*units) if reset_after=True (the default):
                    row 0 is added to x @ kernel, row 1 to h @ recurrent_kernel
               bias (3*units,)   if reset_after=False
               gate blocks in the order  z (update), r (reset), h (candidate)

Keras multiplies row vectors by the kernels (``x @ W``), so the functions here
do the same: arrays are ``(batch, features)`` and ``(batch, units)``.

Nothing here imports Keras: a "layer" is anything with ``get_weights()`` and
``get_config()`` (a Keras ``SimpleRNN``, ``LSTM``, ``GRU`` or ``Bidirectional``).
Masks, dropout (inactive at inference anyway) and stateful layers are not
modelled. The computation runs in float64, so the results are a reference for
Keras' float32 outputs (they agree to about 1e-6).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = [
    "ACTIVATIONS", "sigmoid", "elman_step", "lstm_gates", "lstm_step", "gru_gates", "gru_step",
    "run_simple_rnn", "run_lstm", "run_gru", "run_bidirectional", "rnn_param_count",
]

Activation = Callable[[np.ndarray], np.ndarray]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``, elementwise, without overflow warnings."""
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _hard_sigmoid(z: np.ndarray) -> np.ndarray:
    # Keras 3 definition: relu6(z + 3) / 6, i.e. clip(z / 6 + 0.5, 0, 1)
    return np.clip(np.asarray(z, dtype=np.float64) / 6.0 + 0.5, 0.0, 1.0)


#: The activations the reference cells understand, by their Keras name.
ACTIVATIONS: dict[str, Activation] = {
    "tanh": np.tanh,
    "sigmoid": sigmoid,
    "hard_sigmoid": _hard_sigmoid,
    "relu": lambda z: np.maximum(z, 0.0),
    "linear": lambda z: z,
}

_KINDS = {"simple": "simple", "simplernn": "simple", "simple_rnn": "simple", "elman": "simple", "rnn": "simple",
          "lstm": "lstm", "gru": "gru"}
_GATES = {"simple": 1, "lstm": 4, "gru": 3}
_CLASS = {"simple": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}


# -- shape checks ----------------------------------------------------------------------------------------


def _as_2d(name: str, a: Any) -> tuple[np.ndarray, bool]:
    """``a`` as a float64 (batch, n) array; also whether it was a single vector."""
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 1:
        return arr[None, :], True
    if arr.ndim == 2:
        return arr, False
    raise ValueError(f"{name} must be a vector (features,) or a batch (batch, features); got shape {arr.shape}")


def _check_cell(
    kind: str, x_t: Any, h_prev: Any, kernel: Any, recurrent_kernel: Any, bias: Any | None, reset_after: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, int, bool]:
    """Validate one step's arrays; return them as float64 plus ``units`` and whether x_t was one vector."""
    n, cls = _GATES[kind], _CLASS[kind]
    W, U = np.asarray(kernel, dtype=np.float64), np.asarray(recurrent_kernel, dtype=np.float64)
    if W.ndim != 2 or U.ndim != 2:
        raise ValueError(f"{cls}: kernel and recurrent_kernel must be 2-D matrices; got shapes {W.shape} and "
                         f"{U.shape}. Pass layer.get_weights()[0] and [1].")
    units = U.shape[0]
    if U.shape != (units, n * units):
        raise ValueError(f"{cls}: recurrent_kernel should have shape (units, {n}*units); got {U.shape}. "
                         f"Is this really a {cls} layer's recurrent kernel?")
    if W.shape[1] != n * units:
        raise ValueError(f"{cls}: kernel should have shape (input_features, {n}*units) = (?, {n * units}); "
                         f"got {W.shape}")
    b = None if bias is None else np.asarray(bias, dtype=np.float64)
    want = (2, n * units) if (kind == "gru" and reset_after) else (n * units,)
    if b is not None and b.shape != want:
        hint = (" A GRU with reset_after=True has a (2, 3*units) bias, one with reset_after=False a (3*units,) "
                "bias: check the reset_after argument.") if kind == "gru" else ""
        raise ValueError(f"{cls}: bias should have shape {want}; got {b.shape}.{hint}")
    x, single = _as_2d("x_t", x_t)
    h, _ = _as_2d("h_prev", h_prev)
    if x.shape[1] != W.shape[0]:
        raise ValueError(f"{cls}: x_t has {x.shape[1]} features but the kernel expects {W.shape[0]} "
                         f"(kernel shape {W.shape})")
    if h.shape[1] != units:
        raise ValueError(f"{cls}: h_prev has {h.shape[1]} units but the cell has {units}")
    if h.shape[0] != x.shape[0]:
        raise ValueError(f"{cls}: x_t and h_prev disagree on the batch size ({x.shape[0]} vs {h.shape[0]})")
    return x, h, W, U, b, units, single


def _squeeze(a: np.ndarray, single: bool) -> np.ndarray:
    return a[0] if single else a


# -- one time step ---------------------------------------------------------------------------------------


def elman_step(
    x_t: np.ndarray,
    h_prev: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray | None = None,
    activation: Activation = np.tanh,
) -> np.ndarray:
    """One step of an Elman (simple) RNN: ``h_t = act(x_t @ W + h_prev @ U + b)``.

    Shapes: ``x_t`` (batch, d) or (d,); ``h_prev`` (batch, units) or (units,);
    ``kernel`` W (d, units); ``recurrent_kernel`` U (units, units);
    ``bias`` b (units,) or None. Returns ``h_t`` with the shape of ``h_prev``
    (batch, units), or (units,) when ``x_t`` is a single vector.
    """
    x, h, W, U, b, _, single = _check_cell("simple", x_t, h_prev, kernel, recurrent_kernel, bias)
    pre = x @ W + h @ U
    if b is not None:
        pre = pre + b
    return _squeeze(activation(pre), single)


def lstm_gates(
    x_t: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray | None = None,
    activation: Activation = np.tanh,
    recurrent_activation: Activation = sigmoid,
) -> dict[str, np.ndarray]:
    """One LSTM step with every intermediate value, for inspection and plots.

    Shapes: ``x_t`` (batch, d) or (d,); ``h_prev``, ``c_prev`` (batch, units);
    ``kernel`` (d, 4*units); ``recurrent_kernel`` (units, 4*units);
    ``bias`` (4*units,) or None; gate blocks in Keras' order i, f, c, o.

    Returns a dict of (batch, units) arrays (or (units,) for a single vector):
    ``i`` input gate, ``f`` forget gate, ``g`` candidate values, ``o`` output
    gate, ``c`` new cell state ``f*c_prev + i*g``, ``h`` new hidden state
    ``o*tanh(c)``.
    """
    x, h, W, U, b, units, single = _check_cell("lstm", x_t, h_prev, kernel, recurrent_kernel, bias)
    c, _ = _as_2d("c_prev", c_prev)
    if c.shape != h.shape:
        raise ValueError(f"LSTM: c_prev has shape {c.shape} but h_prev has {h.shape}; they must match")
    z = x @ W + h @ U
    if b is not None:
        z = z + b
    zi, zf, zg, zo = (z[:, k * units : (k + 1) * units] for k in range(4))
    i, f, g, o = recurrent_activation(zi), recurrent_activation(zf), activation(zg), recurrent_activation(zo)
    c_new = f * c + i * g
    h_new = o * activation(c_new)
    out = {"i": i, "f": f, "g": g, "o": o, "c": c_new, "h": h_new}
    return {k: _squeeze(v, single) for k, v in out.items()}


def lstm_step(
    x_t: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray | None = None,
    activation: Activation = np.tanh,
    recurrent_activation: Activation = sigmoid,
) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step. Returns ``(h_t, c_t)``, each (batch, units).

    The equations (row-vector convention, ``σ`` = ``recurrent_activation``)::

        i = σ(x W_i + h U_i + b_i)        f = σ(x W_f + h U_f + b_f)
        g = tanh(x W_c + h U_c + b_c)     o = σ(x W_o + h U_o + b_o)
        c_t = f * c_prev + i * g          h_t = o * tanh(c_t)

    See :func:`lstm_gates` for the argument shapes.
    """
    g = lstm_gates(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias, activation, recurrent_activation)
    return g["h"], g["c"]


def gru_gates(
    x_t: np.ndarray,
    h_prev: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray | None = None,
    reset_after: bool = True,
    activation: Activation = np.tanh,
    recurrent_activation: Activation = sigmoid,
) -> dict[str, np.ndarray]:
    """One GRU step with every intermediate value, for inspection and plots.

    Shapes: ``x_t`` (batch, d) or (d,); ``h_prev`` (batch, units);
    ``kernel`` (d, 3*units); ``recurrent_kernel`` (units, 3*units); gate
    blocks in Keras' order z, r, h. ``bias``: (2, 3*units) when
    ``reset_after=True`` (row 0 for the input side, row 1 for the recurrent
    side), (3*units,) when ``reset_after=False``, or None.

    Candidate state:

    * ``reset_after=True`` (Keras default, the cuDNN variant):
      ``hh = tanh(x W_h + b_h + r * (h_prev U_h + b'_h))``
    * ``reset_after=False`` (the original 2014 formulation):
      ``hh = tanh(x W_h + (r * h_prev) U_h + b_h)``

    and then ``h_t = z * h_prev + (1 - z) * hh`` (Keras' convention: z close
    to 1 means *keep the old state*).

    Returns a dict of (batch, units) arrays: ``z``, ``r``, ``hh`` (candidate),
    ``h`` (new hidden state).
    """
    x, h, W, U, b, u, single = _check_cell("gru", x_t, h_prev, kernel, recurrent_kernel, bias, reset_after)
    if b is None:
        b_in, b_rec = np.zeros(3 * u), np.zeros(3 * u)
    elif reset_after:
        b_in, b_rec = b[0], b[1]
    else:
        b_in, b_rec = b, np.zeros(3 * u)
    xz = x @ W + b_in
    z = recurrent_activation(xz[:, :u] + h @ U[:, :u] + b_rec[:u])
    r = recurrent_activation(xz[:, u : 2 * u] + h @ U[:, u : 2 * u] + b_rec[u : 2 * u])
    if reset_after:
        rec_h = r * (h @ U[:, 2 * u :] + b_rec[2 * u :])
    else:
        rec_h = (r * h) @ U[:, 2 * u :]
    hh = activation(xz[:, 2 * u :] + rec_h)
    h_new = z * h + (1.0 - z) * hh
    out = {"z": z, "r": r, "hh": hh, "h": h_new}
    return {k: _squeeze(v, single) for k, v in out.items()}


def gru_step(
    x_t: np.ndarray,
    h_prev: np.ndarray,
    kernel: np.ndarray,
    recurrent_kernel: np.ndarray,
    bias: np.ndarray | None = None,
    reset_after: bool = True,
    activation: Activation = np.tanh,
    recurrent_activation: Activation = sigmoid,
) -> np.ndarray:
    """One GRU step. Returns ``h_t`` (batch, units). See :func:`gru_gates`."""
    return gru_gates(x_t, h_prev, kernel, recurrent_kernel, bias, reset_after, activation, recurrent_activation)["h"]


# -- whole layers ----------------------------------------------------------------------------------------


def _activation(layer_name: str, config: dict[str, Any], key: str, default: str) -> Activation:
    name = config.get(key, default)
    if isinstance(name, dict):  # a serialised function
        name = name.get("config", name.get("class_name"))
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"{layer_name}: {key}={name!r} is not supported by the NumPy reference; "
                         f"use one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def _read_layer(layer: Any, kind: str) -> dict[str, Any]:
    """Weights and settings of a Keras recurrent layer, as float64 NumPy arrays."""
    cls = _CLASS[kind]
    if not hasattr(layer, "get_weights"):
        raise ValueError(f"expected a built Keras {cls} layer (something with get_weights()); "
                         f"got {type(layer).__name__}")
    name = type(layer).__name__
    if name == "Bidirectional":
        raise ValueError("this is a Bidirectional wrapper: use run_bidirectional(layer, x) instead")
    if name in _CLASS.values() and name != cls:
        raise ValueError(f"this is a {name} layer, not a {cls}: use the matching run_* function")
    weights = [np.asarray(w, dtype=np.float64) for w in layer.get_weights()]
    if not weights:
        raise ValueError(f"{cls} layer {getattr(layer, 'name', '')!r} has no weights yet: build it first, "
                         "e.g. call it once on an input or put it in a model with keras.Input(...)")
    config = layer.get_config() if hasattr(layer, "get_config") else {}
    use_bias = bool(config.get("use_bias", len(weights) == 3))
    if len(weights) != (3 if use_bias else 2):
        raise ValueError(f"{cls}: expected [kernel, recurrent_kernel{', bias' if use_bias else ''}] from "
                         f"get_weights(); got {len(weights)} arrays")
    reset_after = bool(config.get("reset_after", weights[2].ndim == 2 if use_bias else True))
    return {
        "kernel": weights[0],
        "recurrent_kernel": weights[1],
        "bias": weights[2] if use_bias else None,
        "activation": _activation(cls, config, "activation", "tanh"),
        "recurrent_activation": _activation(cls, config, "recurrent_activation", "sigmoid"),
        "reset_after": reset_after,
        "go_backwards": bool(config.get("go_backwards", False)),
        "units": weights[1].shape[0],
    }


def _check_sequence(cls: str, x: Any, n_features: int) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 3:
        raise ValueError(f"{cls}: x must have shape (batch, time, features); got shape {arr.shape}. "
                         "For a single sequence use x[None, ...].")
    if arr.shape[1] == 0:
        raise ValueError(f"{cls}: x has no time steps (shape {arr.shape})")
    if arr.shape[2] != n_features:
        raise ValueError(f"{cls}: x has {arr.shape[2]} features per step but the layer was built for "
                         f"{n_features} (kernel shape ({n_features}, ...))")
    return arr


def _initial(cls: str, state: Any, batch: int, units: int, what: str) -> np.ndarray:
    if state is None:
        return np.zeros((batch, units))
    arr = np.asarray(state, dtype=np.float64)
    if arr.shape != (batch, units):
        raise ValueError(f"{cls}: initial {what} must have shape ({batch}, {units}); got {arr.shape}")
    return arr


def _time_order(x: np.ndarray, go_backwards: bool) -> np.ndarray:
    # Keras' go_backwards reads the sequence from the end and returns the
    # outputs in *processing* order (Bidirectional flips them back).
    return x[:, ::-1, :] if go_backwards else x


def _unroll(kind: str, layer: Any, x: Any, states: list[Any]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Run one cell over every step of ``x``; ``states`` are the initial states (None: zeros)."""
    cls = _CLASS[kind]
    p = _read_layer(layer, kind)
    xs = _time_order(_check_sequence(cls, x, p["kernel"].shape[0]), p["go_backwards"])
    names = ["hidden state h0", "cell state c0"] if kind == "lstm" else ["state h"]
    hs = [_initial(cls, s, xs.shape[0], p["units"], what) for s, what in zip(states, names)]
    weights = (p["kernel"], p["recurrent_kernel"], p["bias"])
    outs = []
    for t in range(xs.shape[1]):
        if kind == "simple":
            hs = [elman_step(xs[:, t], hs[0], *weights, p["activation"])]
        elif kind == "lstm":
            hs = list(lstm_step(xs[:, t], *hs, *weights, p["activation"], p["recurrent_activation"]))
        else:
            hs = [gru_step(xs[:, t], hs[0], *weights, p["reset_after"], p["activation"], p["recurrent_activation"])]
        outs.append(hs[0])
    return np.stack(outs, axis=1), hs


def run_simple_rnn(
    layer: Any, x: np.ndarray, initial_state: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Unroll a Keras ``SimpleRNN`` layer in NumPy.

    ``x``: (batch, time, features); ``initial_state``: (batch, units) or None
    (zeros). Returns ``(outputs, h)``: ``outputs`` (batch, time, units) is
    what the layer returns with ``return_sequences=True``, and ``h``
    (batch, units) is the final state (equal to ``outputs[:, -1]``).
    """
    outputs, (h,) = _unroll("simple", layer, x, [initial_state])
    return outputs, h


def run_lstm(
    layer: Any, x: np.ndarray, initial_state: Sequence[np.ndarray] | None = None
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Unroll a Keras ``LSTM`` layer in NumPy.

    ``x``: (batch, time, features); ``initial_state``: ``[h0, c0]`` (Keras'
    order: hidden state first), each (batch, units), or None (zeros).
    Returns ``(outputs, (h, c))``: ``outputs`` (batch, time, units), the final
    hidden state ``h`` and cell state ``c`` (batch, units) -- the same order
    as Keras' ``[output, h, c]`` with ``return_state=True``.
    """
    if initial_state is not None and len(initial_state) != 2:
        raise ValueError(f"LSTM: initial_state must be [h0, c0]; got {len(initial_state)} arrays")
    outputs, (h, c) = _unroll("lstm", layer, x, list(initial_state) if initial_state is not None else [None, None])
    return outputs, (h, c)


def run_gru(
    layer: Any, x: np.ndarray, initial_state: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Unroll a Keras ``GRU`` layer in NumPy (``reset_after`` True or False).

    ``x``: (batch, time, features); ``initial_state``: (batch, units) or None.
    Returns ``(outputs, h)``: (batch, time, units) and the final state
    (batch, units).
    """
    outputs, (h,) = _unroll("gru", layer, x, [initial_state])
    return outputs, h


_RUNNERS: dict[str, Callable[..., Any]] = {"SimpleRNN": run_simple_rnn, "LSTM": run_lstm, "GRU": run_gru}
_MERGE: dict[str | None, Callable[[np.ndarray, np.ndarray], Any]] = {
    "concat": lambda f, b: np.concatenate([f, b], axis=-1), "sum": np.add, "ave": lambda f, b: (f + b) / 2.0,
    "mul": np.multiply, None: lambda f, b: (f, b),
}


def run_bidirectional(layer: Any, x: np.ndarray) -> tuple[Any, tuple[np.ndarray, ...]]:
    """Unroll a Keras ``Bidirectional`` wrapper around SimpleRNN/LSTM/GRU in NumPy.

    ``x``: (batch, time, features). Returns ``(outputs, states)``:

    * ``outputs``: the full sequence, with the backward half flipped back so
      that position t of both halves belongs to input step t, merged by the
      layer's ``merge_mode``: ``"concat"`` (batch, time, 2*units), ``"sum"``,
      ``"ave"``, ``"mul"`` (batch, time, units), or ``None`` (a tuple
      ``(forward, backward)``).
    * ``states``: the forward layer's final states followed by the backward
      layer's, as Keras returns them: ``(h_fwd, h_bwd)``, or
      ``(h_fwd, c_fwd, h_bwd, c_bwd)`` for an LSTM.

    With ``return_sequences=False`` Keras returns the merge of the forward
    output at the last step and the backward output after it has read the
    *first* step, i.e. the merge of ``h_fwd`` and ``h_bwd``.
    """
    if type(layer).__name__ != "Bidirectional" or not hasattr(layer, "forward_layer"):
        raise ValueError(f"run_bidirectional expects a keras.layers.Bidirectional layer; got {type(layer).__name__}")
    fwd, bwd = layer.forward_layer, layer.backward_layer
    kind = type(fwd).__name__
    if kind not in _RUNNERS or type(bwd).__name__ != kind:
        raise ValueError(f"run_bidirectional supports SimpleRNN, LSTM and GRU inside Bidirectional; "
                         f"got {kind} / {type(bwd).__name__}")
    y_f, s_f = _RUNNERS[kind](fwd, x)
    y_b, s_b = _RUNNERS[kind](bwd, x)
    # a backward layer returns its outputs in processing order; realign them
    y_b = y_b[:, ::-1, :] if bwd.go_backwards else y_b
    y_f = y_f[:, ::-1, :] if fwd.go_backwards else y_f
    if layer.merge_mode not in _MERGE:
        raise ValueError(f"unknown merge_mode {layer.merge_mode!r}; Keras uses concat, sum, ave, mul or None")
    out = _MERGE[layer.merge_mode](y_f, y_b)
    states_f = s_f if isinstance(s_f, tuple) else (s_f,)
    states_b = s_b if isinstance(s_b, tuple) else (s_b,)
    return out, states_f + states_b


# -- parameter counts ------------------------------------------------------------------------------------


def rnn_param_count(
    kind: str,
    input_dim: int,
    units: int,
    reset_after: bool = True,
    *,
    use_bias: bool = True,
    bidirectional: bool = False,
) -> int:
    """Number of trainable parameters of a Keras recurrent layer, by formula.

    ``kind``: ``"simple"`` (SimpleRNN; also ``"simplernn"``, ``"elman"``),
    ``"lstm"`` or ``"gru"``; ``input_dim``: features per time step;
    ``units``: size of the hidden state. Each of the ``n`` blocks (1 for
    SimpleRNN, 4 for LSTM, 3 for GRU) has an input matrix
    ``input_dim x units``, a recurrent matrix ``units x units`` and a bias of
    ``units``; a GRU with ``reset_after=True`` has a second bias per block::

        simple: units * (input_dim + units) + units
        lstm:   4 * (units * (input_dim + units) + units)
        gru:    3 * (units * (input_dim + units) + units) (+ 3 * units if reset_after)

    ``bidirectional=True`` doubles the count (two independent layers).
    ``reset_after`` matters only for ``"gru"``.
    """
    key = _KINDS.get(str(kind).strip().lower().replace("-", "_"))
    if key is None:
        raise ValueError(f"unknown recurrent layer kind {kind!r}; use 'simple', 'lstm' or 'gru'")
    for name, val in (("input_dim", input_dim), ("units", units)):
        if isinstance(val, bool) or not isinstance(val, (int, np.integer)) or val < 1:
            raise ValueError(f"{name} must be a positive integer; got {val!r}")
    n = _GATES[key]
    biases = (2 if key == "gru" and reset_after else 1) if use_bias else 0
    count = n * units * (input_dim + units + biases)
    return int(2 * count if bidirectional else count)
