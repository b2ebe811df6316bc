"""Draw the course diagrams with matplotlib.

Usage::

    python images/draw_diagrams.py            # writes the PNGs next to this script
    python images/draw_diagrams.py --out DIR  # writes them to DIR instead
    python images/draw_diagrams.py --only lstm_cell gru_cell

Every picture is drawn from scratch here (no image is copied from anywhere),
so the course can regenerate all of them. The notebooks embed them with
Markdown, e.g. ``![LSTM cell](../images/lstm_cell.png)``.

Notation follows lesson 01 and Keras 3: row vectors, ``W`` for
the input kernel, ``U`` for the recurrent kernel, LSTM gates ``i, f, g, o``,
GRU gates ``z, r`` with Keras' convention ``h_t = z*h_{t-1} + (1-z)*h~``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch  # noqa: E402

HERE = Path(__file__).resolve().parent
DPI = 130

# one colour per role, used in every diagram
INPUT = "#f8d7d3"  # inputs x_t
HIDDEN = "#d5ecd4"  # hidden / recurrent states
OUTPUT = "#d3e3f4"  # outputs y_t
GATE = "#fff1c6"  # gates and layers inside a cell
CELL = "#f4f4f4"  # the background of a cell
EDGE = "#333333"
ACCENT = "#c0392b"
MUTED = "#8a8a8a"

plt.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 12,
        "mathtext.fontset": "dejavusans",
        "savefig.facecolor": "white",
    }
)


# --------------------------------------------------------------------------- primitives


def new_axes(width: float, height: float, xlim: tuple[float, float], ylim: tuple[float, float]):
    """A blank figure whose axes use data units ``xlim`` x ``ylim`` (equal aspect)."""
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def box(ax, x: float, y: float, text: str, w: float = 1.0, h: float = 0.7, color: str = HIDDEN,
        fontsize: float = 12, lw: float = 1.4, round_: float = 0.12, ec: str = EDGE, zorder: int = 3):
    """A rounded box centred on ``(x, y)`` with ``text`` in it."""
    patch = FancyBboxPatch(
        (x - w / 2, y - h / 2), w, h,
        boxstyle=f"round,pad=0,rounding_size={round_}",
        fc=color, ec=ec, lw=lw, zorder=zorder,
    )
    ax.add_patch(patch)
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=zorder + 1)
    return patch


def op(ax, x: float, y: float, symbol: str, r: float = 0.24, fontsize: float = 13):
    """A small circle with an operator (x, +, 1-) in it."""
    ax.add_patch(Circle((x, y), r, fc="white", ec=EDGE, lw=1.4, zorder=4))
    ax.text(x, y, symbol, ha="center", va="center", fontsize=fontsize, zorder=5)


def arrow(ax, start: tuple[float, float], end: tuple[float, float], label: str = "",
          color: str = EDGE, lw: float = 1.5, style: str = "-|>", rad: float = 0.0,
          label_offset: tuple[float, float] = (0.0, 0.0), fontsize: float = 11,
          ls: str = "-", shrink: float = 0.0, zorder: int = 2, alpha: float = 1.0):
    """An arrow from ``start`` to ``end``; ``label`` is written near its middle."""
    patch = FancyArrowPatch(
        start, end, arrowstyle=style, mutation_scale=14, color=color, lw=lw,
        connectionstyle=f"arc3,rad={rad}", linestyle=ls, shrinkA=shrink, shrinkB=shrink,
        zorder=zorder, alpha=alpha,
    )
    ax.add_patch(patch)
    if label:
        mx = (start[0] + end[0]) / 2 + label_offset[0]
        my = (start[1] + end[1]) / 2 + label_offset[1]
        ax.text(mx, my, label, ha="center", va="center", fontsize=fontsize, color=color, zorder=6)
    return patch


def line(ax, points: Sequence[tuple[float, float]], color: str = EDGE, lw: float = 1.5,
         arrow_end: bool = True, ls: str = "-"):
    """A polyline through ``points``; the last segment ends in an arrow head."""
    xs, ys = zip(*points)
    if arrow_end and len(points) > 1:
        ax.plot(xs[:-1], ys[:-1], color=color, lw=lw, ls=ls, zorder=2, solid_capstyle="round")
        ax.plot(xs[-2:], ys[-2:], color=color, lw=lw, ls=ls, zorder=2)
        arrow(ax, points[-2], points[-1], color=color, lw=lw, ls=ls)
    else:
        ax.plot(xs, ys, color=color, lw=lw, ls=ls, zorder=2, solid_capstyle="round")


def dot(ax, x: float, y: float, color: str = EDGE):
    """A junction dot where a line splits."""
    ax.add_patch(Circle((x, y), 0.06, fc=color, ec=color, zorder=5))


def equations(ax, x: float, y: float, lines: Sequence[str], fontsize: float = 12.5, step: float = 0.55,
              title: str | None = None):
    """Left-aligned lines of (math) text starting at ``(x, y)`` and going down."""
    if title:
        ax.text(x, y, title, ha="left", va="center", fontsize=fontsize, weight="bold")
        y -= step * 1.1
    for k, text in enumerate(lines):
        ax.text(x, y - k * step, text, ha="left", va="center", fontsize=fontsize)


def save(fig, out_dir: Path, name: str) -> Path:
    """Write ``fig`` as ``out_dir/name.png`` and close it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{name}.png"
    fig.savefig(path, dpi=DPI, bbox_inches="tight", pad_inches=0.15, metadata={"Software": None})
    plt.close(fig)
    return path


# --------------------------------------------------------------------------- the diagrams


def draw_unrolled_rnn(out_dir: Path) -> Path:
    """A recurrent layer folded (one cell with a loop) and unrolled over four steps."""
    fig, ax = new_axes(12, 4.6, (-1.2, 14.2), (-1.6, 4.2))
    # folded
    box(ax, 0, 0, r"$x_t$", color=INPUT)
    box(ax, 0, 1.6, r"$h_t$", color=HIDDEN)
    box(ax, 0, 3.2, r"$y_t$", color=OUTPUT)
    arrow(ax, (0, 0.35), (0, 1.25), "W", label_offset=(-0.3, 0))
    arrow(ax, (0, 1.95), (0, 2.85), "V", label_offset=(-0.3, 0))
    arrow(ax, (0.5, 1.85), (0.5, 1.35), rad=-1.9)
    ax.text(1.6, 1.6, "U", ha="left", va="center", fontsize=11)
    ax.text(0, -1.05, "folded: one cell\nwith a loop", ha="center", va="center", fontsize=11, color=MUTED)
    ax.text(2.3, 1.6, "=", ha="center", va="center", fontsize=28)

    # unrolled
    xs = [5.0, 7.4, 9.8, 12.2]
    box(ax, 3.5, 1.6, r"$h_0$", color="white", w=0.8)
    prev = 3.5 + 0.4
    for k, x in enumerate(xs, start=1):
        box(ax, x, 0, rf"$x_{k}$", color=INPUT)
        box(ax, x, 1.6, rf"$h_{k}$", color=HIDDEN)
        box(ax, x, 3.2, rf"$y_{k}$", color=OUTPUT)
        arrow(ax, (x, 0.35), (x, 1.25), "W", label_offset=(-0.28, 0))
        arrow(ax, (x, 1.95), (x, 2.85), "V", label_offset=(-0.28, 0))
        arrow(ax, (prev, 1.6), (x - 0.5, 1.6), "U", label_offset=(0, 0.25))
        prev = x + 0.5
    arrow(ax, (prev, 1.6), (prev + 0.9, 1.6), color=MUTED, ls="--")
    ax.text(8.6, -1.05,
            r"unrolled over time: the same weights $W$, $U$, $V$ at every step;"
            "\n" r"$h_t = \tanh(x_t W + h_{t-1} U + b)$,   $y_t = h_t V + c$",
            ha="center", va="center", fontsize=12)
    return save(fig, out_dir, "unrolled_rnn")


def _cell_frame(ax, x0: float, y0: float, x1: float, y1: float, title: str, inside: bool = True):
    box(ax, (x0 + x1) / 2, (y0 + y1) / 2, "", w=x1 - x0, h=y1 - y0, color=CELL, lw=1.2,
        round_=0.35, ec=MUTED, zorder=0)
    ty = y1 - 0.3 if inside else y1 + 0.3
    ax.text(x0 + 0.15, ty, title, ha="left", va="center", fontsize=11, color=MUTED)


def draw_elman_cell(out_dir: Path) -> Path:
    """The simple (Elman) cell: one tanh layer over the input and the previous state."""
    fig, ax = new_axes(11, 4.4, (-1.6, 14.0), (-1.2, 5.0))
    _cell_frame(ax, 0, 0, 6, 4, "Elman cell (keras.layers.SimpleRNN)")
    # inputs
    box(ax, -0.9, 1.2, r"$h_{t-1}$", color=HIDDEN, w=1.1)
    box(ax, 1.2, -0.6, r"$x_t$", color=INPUT)
    line(ax, [(-0.35, 1.2), (0.96, 1.2)])
    line(ax, [(1.2, -0.25), (1.2, 0.96)])
    op(ax, 1.2, 1.2, "+")
    line(ax, [(1.4, 1.33), (2.35, 1.9)])
    ax.text(1.35, 0.45, r"$x_t W$", fontsize=11, ha="left")
    ax.text(-0.25, 1.45, r"$h_{t-1} U$", fontsize=11, ha="left")
    box(ax, 3.0, 2.2, r"$\tanh$", color=GATE, w=1.3, h=0.8)
    ax.text(3.0, 1.45, r"$+\,b$", fontsize=11, ha="center", color=MUTED)
    # output: state to the right, copy up as the output
    line(ax, [(3.65, 2.2), (6.9, 2.2)])
    box(ax, 7.5, 2.2, r"$h_t$", color=HIDDEN)
    dot(ax, 4.8, 2.2)
    line(ax, [(4.8, 2.2), (4.8, 4.6)])
    ax.text(4.95, 4.55, r"output $h_t$", fontsize=11, ha="left", va="center")
    equations(ax, 8.6, 3.2, [
        r"$h_t = \tanh(x_t W + h_{t-1} U + b)$",
        r"$W$: (features, units)",
        r"$U$: (units, units)",
        r"$b$: (units,)",
        "the output is the state itself",
    ], title="one step")
    return save(fig, out_dir, "elman_cell")


def draw_lstm_cell(out_dir: Path) -> Path:
    """The LSTM cell: cell-state highway on top, four gates below."""
    fig, ax = new_axes(13, 5.6, (-1.8, 18.6), (-1.3, 7.2))
    _cell_frame(ax, 0, 0, 10.4, 6.2, "LSTM cell (keras.layers.LSTM)", inside=False)
    yc, yb, yg = 5.2, 0.9, 2.3
    # cell state highway
    box(ax, -1.0, yc, r"$c_{t-1}$", color=HIDDEN, w=1.1)
    box(ax, 11.4, yc, r"$c_t$", color=HIDDEN)
    line(ax, [(-0.45, yc), (2.26, yc)])
    line(ax, [(2.74, yc), (5.76, yc)])
    line(ax, [(6.24, yc), (10.9, yc)])
    op(ax, 2.5, yc, r"$\times$")
    op(ax, 6.0, yc, "+")
    ax.text(4.2, yc + 0.35, "cell state: a highway for information and gradients",
            fontsize=10, color=MUTED, ha="center")
    # input bus
    box(ax, -1.0, yb, r"$h_{t-1}$", color=HIDDEN, w=1.1)
    box(ax, 0.9, -0.75, r"$x_t$", color=INPUT)
    line(ax, [(-0.45, yb), (8.0, yb)], arrow_end=False)
    line(ax, [(0.9, -0.4), (0.9, yb)], arrow_end=False)
    dot(ax, 0.9, yb)
    gates = [(2.5, r"$\sigma$", "f", "forget"), (4.3, r"$\sigma$", "i", "input"),
             (6.0, r"$\tanh$", "g", "candidate"), (8.0, r"$\sigma$", "o", "output")]
    for gx, sym, name, long in gates:
        line(ax, [(gx, yb), (gx, yg - 0.35)])
        dot(ax, gx, yb)
        box(ax, gx, yg, sym, color=GATE, w=0.95, h=0.7)
        ax.text(gx + 0.55, yg - 0.55, rf"${name}$", fontsize=12, ha="left", color=ACCENT)
        ax.text(gx, yb - 0.45, long, fontsize=9.5, ha="center", color=MUTED)
    # forget gate multiplies the old cell state
    line(ax, [(2.5, yg + 0.35), (2.5, yc - 0.24)])
    # input gate times candidate, added to the cell state
    op(ax, 6.0, 3.75, r"$\times$")
    line(ax, [(4.3, yg + 0.35), (4.3, 3.75), (5.76, 3.75)])
    line(ax, [(6.0, yg + 0.35), (6.0, 3.51)])
    line(ax, [(6.0, 3.99), (6.0, yc - 0.24)])
    # output: o * tanh(c_t)
    dot(ax, 9.2, yc)
    box(ax, 9.2, 3.75, r"$\tanh$", color=GATE, w=0.95, h=0.6)
    line(ax, [(9.2, yc), (9.2, 4.05)])
    op(ax, 9.2, 2.3, r"$\times$")
    line(ax, [(9.2, 3.45), (9.2, 2.54)])
    line(ax, [(8.48, yg), (8.96, yg)])
    line(ax, [(9.2, 2.06), (9.2, yb), (10.85, yb)])
    box(ax, 11.4, yb, r"$h_t$", color=HIDDEN)
    dot(ax, 9.9, yb)
    line(ax, [(9.9, yb), (9.9, 1.45), (9.9, 6.8)])
    ax.text(10.05, 6.75, r"output $h_t$", fontsize=11, ha="left", va="center")
    equations(ax, 12.6, 5.6, [
        r"$i = \sigma(x_t W_i + h_{t-1} U_i + b_i)$",
        r"$f = \sigma(x_t W_f + h_{t-1} U_f + b_f)$",
        r"$g = \tanh(x_t W_g + h_{t-1} U_g + b_g)$",
        r"$o = \sigma(x_t W_o + h_{t-1} U_o + b_o)$",
        r"$c_t = f \odot c_{t-1} + i \odot g$",
        r"$h_t = o \odot \tanh(c_t)$",
        "",
        r"Keras returns $[\mathrm{output}, h_t, c_t]$",
        "with return_state=True",
    ], step=0.62, title="one step")
    return save(fig, out_dir, "lstm_cell")


def draw_gru_cell(out_dir: Path) -> Path:
    """The GRU cell (Keras convention: z close to 1 keeps the old state)."""
    fig, ax = new_axes(13, 5.6, (-1.8, 19.6), (-1.3, 7.2))
    _cell_frame(ax, 0, 0, 10.4, 6.2, "GRU cell (keras.layers.GRU)", inside=False)
    yh, yb, yg = 5.2, 0.9, 2.3
    # the state line on top
    box(ax, -1.0, yh, r"$h_{t-1}$", color=HIDDEN, w=1.1)
    box(ax, 11.4, yh, r"$h_t$", color=HIDDEN)
    line(ax, [(-0.45, yh), (4.26, yh)])
    line(ax, [(4.74, yh), (7.76, yh)])
    line(ax, [(8.24, yh), (10.9, yh)])
    op(ax, 4.5, yh, r"$\times$")
    op(ax, 8.0, yh, "+")
    # the previous state also feeds the gates
    dot(ax, 0.4, yh)
    line(ax, [(0.4, yh), (0.4, yb), (7.0, yb)], arrow_end=False)
    box(ax, 1.2, -0.75, r"$x_t$", color=INPUT)
    line(ax, [(1.2, -0.4), (1.2, yb)], arrow_end=False)
    dot(ax, 1.2, yb)
    gates = [(2.4, r"$\sigma$", "r", "reset"), (4.5, r"$\sigma$", "z", "update"),
             (7.0, r"$\tanh$", r"\tilde h", "candidate")]
    for gx, sym, name, long in gates:
        line(ax, [(gx, yb), (gx, yg - 0.35)])
        if gx != 7.0:
            dot(ax, gx, yb)
        box(ax, gx, yg, sym, color=GATE, w=0.95, h=0.7)
        ax.text(gx + 0.55, yg - 0.55, rf"${name}$", fontsize=12, ha="left", color=ACCENT)
        ax.text(gx, yb - 0.45, long, fontsize=9.5, ha="center", color=MUTED)
    # reset gate scales the recurrent part of the candidate
    line(ax, [(2.4, yg + 0.35), (2.4, 3.1), (7.0, 3.1), (7.0, yg + 0.36)])
    ax.text(5.75, 3.38, r"$r \odot (h_{t-1} U_h)$", fontsize=9.5, ha="center", color=MUTED)
    # update gate: z keeps the old state, (1 - z) lets the candidate in
    line(ax, [(4.5, yg + 0.35), (4.5, yh - 0.24)])
    dot(ax, 4.5, 4.15)
    op(ax, 5.9, 4.15, r"$1-$", r=0.32, fontsize=9)
    line(ax, [(4.5, 4.15), (5.58, 4.15)])
    op(ax, 8.0, 4.15, r"$\times$")
    line(ax, [(6.22, 4.15), (7.76, 4.15)])
    line(ax, [(7.48, yg), (8.0, yg), (8.0, 3.91)])
    line(ax, [(8.0, 4.39), (8.0, yh - 0.24)])
    dot(ax, 9.6, yh)
    line(ax, [(9.6, yh), (9.6, 6.8)])
    ax.text(9.75, 6.75, r"output $h_t$", fontsize=11, ha="left", va="center")
    equations(ax, 12.6, 5.6, [
        r"$z = \sigma(x_t W_z + h_{t-1} U_z + b_z)$",
        r"$r = \sigma(x_t W_r + h_{t-1} U_r + b_r)$",
        r"$\tilde h = \tanh(x_t W_h + r \odot (h_{t-1} U_h) + b_h)$",
        r"$h_t = z \odot h_{t-1} + (1 - z) \odot \tilde h$",
        "",
        "Keras' convention: z near 1 keeps",
        "the old state (some texts swap z, 1-z);",
        "reset_after=True (the default) applies",
        r"$r$ after multiplying by $U_h$",
    ], step=0.62, title="one step")
    return save(fig, out_dir, "gru_cell")


def _chain(ax, x0: float, pattern: Sequence[tuple[bool, bool]], dx: float = 1.05, size: float = 0.62):
    """Draw one topology: for each step, (has input, has output); hidden states chained."""
    hs = 1.5
    for k, (has_in, has_out) in enumerate(pattern):
        x = x0 + k * dx
        box(ax, x, hs, "", w=size, h=size, color=HIDDEN)
        if has_in:
            box(ax, x, 0, "", w=size, h=size, color=INPUT)
            arrow(ax, (x, size / 2), (x, hs - size / 2))
        if has_out:
            box(ax, x, 3.0, "", w=size, h=size, color=OUTPUT)
            arrow(ax, (x, hs + size / 2), (x, 3.0 - size / 2))
        if k:
            arrow(ax, (x - dx + size / 2, hs), (x - size / 2, hs))
    return x0 + (len(pattern) - 1) * dx


def draw_topologies(out_dir: Path) -> Path:
    """One-to-one, one-to-many, many-to-one, seq2seq and synchronised many-to-many."""
    fig, ax = new_axes(15, 4.4, (-0.8, 25.6), (-2.6, 4.4))
    panels = [
        ("one to one", [(True, True)], "no recurrence:\na plain classifier"),
        ("one to many", [(True, True), (False, True), (False, True), (False, True)],
         "generation from a seed\n(lesson 10)"),
        ("many to one", [(True, False), (True, False), (True, False), (True, True)],
         "sentiment of a sentence\n(lessons 05-08)"),
        ("many to many\n(encoder-decoder)",
         [(True, False), (True, False), (True, False), (False, True), (False, True), (False, True)],
         "translation, lengths differ\n(lessons 11-12)"),
        ("many to many\n(synchronised)", [(True, True), (True, True), (True, True), (True, True)],
         "a tag per token\n(lesson 09, language models)"),
    ]
    x = 0.0
    for title, pattern, example in panels:
        last = _chain(ax, x, pattern)
        mid = (x + last) / 2
        ax.text(mid, 4.0, title, ha="center", va="center", fontsize=12.5, weight="bold")
        ax.text(mid, -1.35, example, ha="center", va="center", fontsize=10.5, color=MUTED)
        x = last + 1.9
    # legend
    for k, (col, name) in enumerate([(INPUT, "input"), (HIDDEN, "recurrent state"), (OUTPUT, "output")]):
        box(ax, 7.5 + k * 4.2, -2.35, "", w=0.4, h=0.3, color=col)
        ax.text(7.85 + k * 4.2, -2.35, name, ha="left", va="center", fontsize=10.5)
    return save(fig, out_dir, "topologies")


def draw_seq2seq(out_dir: Path) -> Path:
    """Encoder-decoder with teacher forcing (lesson 11's set-up)."""
    fig, ax = new_axes(13.5, 5.0, (-1.0, 17.6), (-2.2, 5.0))
    src = ["it", "is", "raining", "."]
    dec_in = ["<bos>", "il", "pleut", "."]
    dec_out = ["il", "pleut", ".", "<eos>"]
    dx, hs = 1.7, 1.6
    box(ax, 2.55, hs, "", w=7.0, h=4.6, color="#f1f6ee", ec=MUTED, lw=1.0, round_=0.3, zorder=0)
    box(ax, 11.9, hs + 0.6, "", w=7.0, h=5.6, color="#eef3f9", ec=MUTED, lw=1.0, round_=0.3, zorder=0)
    ax.text(0.0, 3.65, "encoder", fontsize=12, weight="bold", color=MUTED)
    ax.text(9.3, 4.65, "decoder", fontsize=12, weight="bold", color=MUTED)
    for k, tok in enumerate(src):
        x = k * dx
        box(ax, x, 0, tok, color=INPUT, w=1.3, fontsize=11)
        box(ax, x, hs, rf"$h_{k + 1}$", color=HIDDEN)
        arrow(ax, (x, 0.35), (x, hs - 0.35))
        if k:
            arrow(ax, (x - dx + 0.5, hs), (x - 0.5, hs))
    enc_last = (len(src) - 1) * dx
    # context
    box(ax, 7.0, hs, r"$c$", color="white", w=0.7)
    arrow(ax, (enc_last + 0.5, hs), (6.65, hs))
    ax.text(7.0, hs - 0.75, "context\n(final state)", ha="center", va="center", fontsize=9.5, color=MUTED)
    x0 = 9.4
    arrow(ax, (7.35, hs), (x0 - 0.5, hs))
    for k, (tin, tout) in enumerate(zip(dec_in, dec_out)):
        x = x0 + k * dx
        box(ax, x, 0, tin, color=INPUT, w=1.3, fontsize=11)
        box(ax, x, hs, rf"$s_{k + 1}$", color=HIDDEN)
        box(ax, x, 3.3, tout, color=OUTPUT, w=1.3, fontsize=11)
        arrow(ax, (x, 0.35), (x, hs - 0.35))
        arrow(ax, (x, hs + 0.35), (x, 3.3 - 0.35))
        if k:
            arrow(ax, (x - dx + 0.5, hs), (x - 0.5, hs))
        if k + 1 < len(dec_in):
            arrow(ax, (x + 0.55, 3.0), (x + dx - 0.45, 0.35), color=MUTED, ls="--", lw=1.1)
    ax.text(8.3, -1.5,
            "training (teacher forcing): the decoder reads the true previous word;\n"
            "inference: it reads its own previous prediction (dashed), until <eos>",
            ha="center", va="center", fontsize=11)
    return save(fig, out_dir, "seq2seq")


def draw_attention(out_dir: Path) -> Path:
    """Encoder-decoder with attention: a fresh context vector for every output step."""
    fig, ax = new_axes(13.5, 6.2, (-1.2, 17.0), (-2.4, 6.3))
    src = ["it", "is", "raining", "."]
    weights = [0.05, 0.10, 0.75, 0.10]
    dx = 2.4
    sx, sy = 3.6, 5.2
    op(ax, sx, sy, r"$\Sigma$", r=0.32)
    for k, (tok, w) in enumerate(zip(src, weights)):
        x = k * dx
        box(ax, x, 0, tok, color=INPUT, w=1.3, fontsize=11)
        box(ax, x, 1.5, rf"$h_{k + 1}$", color=HIDDEN)
        arrow(ax, (x, 0.35), (x, 1.15))
        if k:
            arrow(ax, (x - dx + 0.5, 1.5), (x - 0.5, 1.5))
        # the line width shows the attention weight
        arrow(ax, (x, 1.85), (sx, sy), color=ACCENT, lw=0.7 + 6.0 * w, alpha=0.8, shrink=8)
        frac = 0.45 if k in (1, 2) else 0.22
        lx, ly = x + frac * (sx - x), 1.85 + frac * (sy - 1.85)
        right = x > sx
        ax.text(lx + (0.2 if right else -0.2), ly, rf"$\alpha_{{t,{k + 1}}}={w:.2f}$",
                ha="left" if right else "right", va="center", fontsize=10.5, color=ACCENT)
    ax.text(sx, sy + 0.65, "context: the states weighted by attention", ha="center", fontsize=10.5,
            color=ACCENT)
    box(ax, 5.4, sy, r"$c_t$", color="white", w=0.8)
    arrow(ax, (sx + 0.32, sy), (5.0, sy))
    # decoder
    xd = 13.2
    box(ax, xd - 2.2, 1.5, r"$s_{t-1}$", color=HIDDEN, w=1.0)
    box(ax, xd, 1.5, r"$s_t$", color=HIDDEN)
    box(ax, xd, 0, r"$y_{t-1}$", color=INPUT, w=1.0)
    arrow(ax, (xd, 0.35), (xd, 1.15))
    arrow(ax, (xd - 1.7, 1.5), (xd - 0.5, 1.5))
    ax.text(xd - 1.1, -0.75, "decoder", ha="center", fontsize=11, weight="bold", color=MUTED)
    ax.text(3.6, -0.75, "encoder", ha="center", fontsize=11, weight="bold", color=MUTED)
    # the previous decoder state is the query that scores every encoder state
    line(ax, [(xd - 2.2, 1.85), (xd - 2.2, 3.9), (5.3, 3.9)], color=MUTED, ls="--", lw=1.2)
    ax.text(8.6, 4.15, r"the query $s_{t-1}$ scores every $h_i$", ha="center", fontsize=10.5, color=MUTED)
    box(ax, xd + 1.9, 3.3, r"$[c_t; s_t]$", color=GATE, w=1.4)
    arrow(ax, (5.8, sy), (xd + 1.6, 3.65), rad=-0.12)
    arrow(ax, (xd + 0.4, 1.75), (xd + 1.55, 2.95))
    box(ax, xd + 1.9, 5.0, r"$y_t$", color=OUTPUT)
    arrow(ax, (xd + 1.9, 3.65), (xd + 1.9, 4.65))
    equations(ax, -0.5, -1.5, [
        r"$e_{t,i} = v^\top \tanh(W_1 s_{t-1} + W_2 h_i)$ (additive, Bahdanau)   or   "
        r"$e_{t,i} = s_t^\top W h_i$ (multiplicative, Luong)",
        r"$\alpha_{t,i} = \mathrm{softmax}_i(e_{t,i})$,    $c_t = \sum_i \alpha_{t,i} h_i$",
    ], fontsize=11.5, step=0.6)
    return save(fig, out_dir, "attention")


def draw_self_attention(out_dir: Path) -> Path:
    """Why attention parallelises: an RNN's chain of steps vs. all pairs at once."""
    fig, ax = new_axes(14, 4.8, (-0.8, 17.6), (-2.2, 4.6))
    tokens = ["the", "film", "was", "great"]
    dx = 1.6
    ax.text(2.4, 4.1, "recurrent layer: T steps, one after another", ha="center", fontsize=12, weight="bold")
    for k, tok in enumerate(tokens):
        x = k * dx
        box(ax, x, 0, tok, color=INPUT, w=1.25, fontsize=11)
        box(ax, x, 1.7, rf"$h_{k + 1}$", color=HIDDEN)
        arrow(ax, (x, 0.35), (x, 1.35))
        if k:
            arrow(ax, (x - dx + 0.5, 1.7), (x - 0.5, 1.7), color=ACCENT, lw=2)
        ax.text(x, 2.45, f"step {k + 1}", ha="center", fontsize=9.5, color=ACCENT)
    ax.text(2.4, -1.3, r"$h_t$ needs $h_{t-1}$: the path from the first to the last"
            "\ntoken has T steps, and time steps cannot run in parallel",
            ha="center", va="center", fontsize=10.5)

    x0 = 11.0
    ax.text(x0 + 2.4, 4.1, "self-attention: all pairs in one step", ha="center", fontsize=12, weight="bold")
    for k, tok in enumerate(tokens):
        x = x0 + k * dx
        box(ax, x, 0, tok, color=INPUT, w=1.25, fontsize=11)
        box(ax, x, 2.9, rf"$z_{k + 1}$", color=OUTPUT)
    for i in range(len(tokens)):
        for j in range(len(tokens)):
            future = j > i
            arrow(ax, (x0 + j * dx, 0.35), (x0 + i * dx, 2.55),
                  color="#bbbbbb" if future else EDGE, lw=0.9 if future else 1.3,
                  ls="--" if future else "-", style="-|>")
    ax.text(x0 + 2.4, -1.3,
            r"$Z = \mathrm{softmax}(QK^\top/\sqrt{d_k})\,V$: one matrix product for every position;"
            "\ndashed grey links (to later tokens) are what a causal mask removes",
            ha="center", va="center", fontsize=10.5)
    return save(fig, out_dir, "self_attention")


def draw_elmo_bilm(out_dir: Path) -> Path:
    """A bidirectional language model and the contextual vector of one token (lesson 14)."""
    fig, ax = new_axes(13.5, 6.6, (-2.0, 15.6), (-2.0, 7.6))
    tokens = ["<bos>", "by", "the", "river", "bank", "<eos>"]
    dx, off = 2.4, 0.38
    fwd_c, bwd_c = "#2e7d32", "#1f5fa8"
    for k, tok in enumerate(tokens):
        x = k * dx
        box(ax, x, 0, tok, color=INPUT, w=1.35, fontsize=11)
        box(ax, x, 1.3, r"$e$", color=GATE, w=0.8, h=0.55, fontsize=11)
        arrow(ax, (x, 0.35), (x, 1.02))
        box(ax, x - off, 2.6, r"$\overrightarrow{h}$", color=HIDDEN, w=0.72, h=0.6)
        box(ax, x + off, 3.9, r"$\overleftarrow{h}$", color=HIDDEN, w=0.72, h=0.6)
        arrow(ax, (x - 0.2, 1.58), (x - off, 2.3))
        arrow(ax, (x + 0.2, 1.58), (x + off, 3.6))
        if k:
            arrow(ax, (x - dx - off + 0.36, 2.6), (x - off - 0.36, 2.6), color=fwd_c, lw=1.8)
            arrow(ax, (x + off - 0.36, 3.9), (x - dx + off + 0.36, 3.9), color=bwd_c, lw=1.8)
        if 0 < k < len(tokens) - 1:
            ax.text(x, 4.95, f"next: {tokens[k + 1]}\nprev: {tokens[k - 1]}", ha="center", va="center",
                    fontsize=9, color=MUTED, linespacing=1.3)
    ax.text(-1.7, 2.6, "forward\nLSTM", ha="center", va="center", fontsize=10, color=fwd_c)
    ax.text(-1.7, 3.9, "backward\nLSTM", ha="center", va="center", fontsize=10, color=bwd_c)
    ax.text(-1.7, 1.3, "embedding", ha="center", va="center", fontsize=10, color=MUTED)
    ax.text(-1.7, 4.95, "targets", ha="center", va="center", fontsize=10, color=MUTED)
    # the contextual vector of "bank"
    xb = 4 * dx
    box(ax, xb, 3.25, "", w=1.75, h=2.2, color="none", ec=ACCENT, lw=2.2, round_=0.2, zorder=6)
    box(ax, xb - 3.2, 6.6, r"$[\overrightarrow{h}_{bank}; \overleftarrow{h}_{bank}]$", color="white",
        w=3.0, h=0.8, ec=ACCENT, lw=1.8)
    arrow(ax, (xb - 0.7, 4.35), (xb - 2.3, 6.2), color=ACCENT, lw=1.8)
    ax.text(xb - 3.2, 7.25, "contextual vector of 'bank'", ha="center", fontsize=10.5, color=ACCENT)
    ax.text(6.0, -1.3,
            r"the forward LSTM has read everything up to the token, the backward LSTM everything after it;"
            "\nboth are trained as language models (predict the next / the previous word), then frozen",
            ha="center", va="center", fontsize=10.5)
    return save(fig, out_dir, "elmo_bilm")


def draw_hierarchical_rnn(out_dir: Path) -> Path:
    """A hierarchical attention network: words -> sentence vectors -> a document vector (lesson 17)."""
    fig, ax = new_axes(13, 7.0, (-1.6, 15.6), (-2.2, 8.0))
    sentences = [["the", "plot", "drags"], ["but", "i", "loved", "it"]]
    dx, gap = 1.45, 1.3
    x, sentence_x = 0.0, []
    for s, words in enumerate(sentences):
        xs = [x + k * dx for k in range(len(words))]
        for k, (xk, word) in enumerate(zip(xs, words)):
            box(ax, xk, 0, word, color=INPUT, w=1.2, fontsize=10.5)
            box(ax, xk, 1.5, rf"$h_{{{s + 1},{k + 1}}}$", color=HIDDEN, w=1.0, h=0.62, fontsize=10.5)
            arrow(ax, (xk, 0.35), (xk, 1.19))
            if k:
                arrow(ax, (xk - dx + 0.5, 1.62), (xk - 0.5, 1.62), color=EDGE, lw=1.1, shrink=2)
                arrow(ax, (xk - 0.5, 1.38), (xk - dx + 0.5, 1.38), color=EDGE, lw=1.1, shrink=2)
        mid = (xs[0] + xs[-1]) / 2
        box(ax, mid, 3.0, r"attention pooling $\alpha$", color=GATE, w=2.9, h=0.6, fontsize=10)
        for xk in xs:
            arrow(ax, (xk, 1.81), (mid + 0.25 * (xk - mid), 2.7), color=ACCENT, lw=1.0, shrink=2)
        box(ax, mid, 4.3, rf"$s_{s + 1}$", color=OUTPUT, w=0.9, h=0.62)
        arrow(ax, (mid, 3.3), (mid, 3.99))
        ax.text(mid, -0.75, f"sentence {s + 1}: the word-level BiGRU", ha="center", fontsize=10, color=MUTED)
        sentence_x.append(mid)
        x = xs[-1] + dx + gap
    # the sentence level
    for k, sx in enumerate(sentence_x):
        box(ax, sx, 5.6, rf"$u_{k + 1}$", color=HIDDEN, w=0.9, h=0.62)
        arrow(ax, (sx, 4.61), (sx, 5.29))
    a, b = sentence_x
    arrow(ax, (a + 0.45, 5.72), (b - 0.45, 5.72), color=EDGE, lw=1.2)
    arrow(ax, (b - 0.45, 5.48), (a + 0.45, 5.48), color=EDGE, lw=1.2)
    mid = (a + b) / 2
    box(ax, mid, 6.8, r"attention pooling $\beta$", color=GATE, w=2.9, h=0.6, fontsize=10)
    for sx in sentence_x:
        arrow(ax, (sx, 5.91), (mid + 0.3 * (sx - mid), 6.5), color=ACCENT, lw=1.2, shrink=2)
    box(ax, mid + 4.6, 6.8, r"$d \rightarrow$ P(positive)", color=OUTPUT, w=2.8, h=0.62, fontsize=10.5)
    arrow(ax, (mid + 1.3, 6.8), (mid + 3.2, 6.8))
    ax.text(b + 2.0, 5.6, "sentence-level BiGRU", ha="left", va="center", fontsize=10, color=MUTED)
    ax.text(x + 0.2, 1.5, "one encoder,\nshared by every\nsentence\n(EncodeEach)", ha="left", va="center",
            fontsize=10, color=MUTED)
    ax.text(7.2, -1.6, "a character-aware word encoder is the same pattern one level down: "
            "characters -> a BiLSTM -> one vector per word", ha="center", va="center", fontsize=10.5)
    return save(fig, out_dir, "hierarchical_rnn")


#: Every diagram: file stem -> drawing function (each writes ``<out>/<stem>.png``).
DIAGRAMS: dict[str, Callable[[Path], Path]] = {
    "unrolled_rnn": draw_unrolled_rnn,
    "elman_cell": draw_elman_cell,
    "lstm_cell": draw_lstm_cell,
    "gru_cell": draw_gru_cell,
    "topologies": draw_topologies,
    "seq2seq": draw_seq2seq,
    "attention": draw_attention,
    "self_attention": draw_self_attention,
    "elmo_bilm": draw_elmo_bilm,
    "hierarchical_rnn": draw_hierarchical_rnn,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Draw the diagrams; returns the process exit code."""
    parser = argparse.ArgumentParser(description="Draw the rnn-course diagrams as PNG files.")
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: the images/ folder)")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=sorted(DIAGRAMS),
                        help="draw only these diagrams")
    args = parser.parse_args(argv)
    names = args.only or list(DIAGRAMS)
    for name in names:
        path = DIAGRAMS[name](args.out)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
